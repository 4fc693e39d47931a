/* SPDX-License-Identifier: MIT */
/*
 * The driver side of the benchmark (built with the project's flags): libgro
 * runs and their check (check.c, lib.c), results (report.c), the checksum
 * (csum.c) and multi-core (multicore.c) sections, used by main.c. The
 * rte_gro side (dpdk.c) does not use any of it.
 */
#ifndef GRO_BENCH_DRIVER_H
#define GRO_BENCH_DRIVER_H

#include <stdio.h>

#include "bench.h"

/* Engines of a cell. E_LIB_8X8 is libgro with its default limits, Linux's:
 * 8 buckets of 8 flows (E_LIB holds every flow of the cell). */
enum { E_LIB, E_LIB_VERIFY, E_LW, E_HW, E_NOGRO, E_GD_LW, E_GD_HW, E_LIB_8X8, E_COUNT };
extern const char *const engine_names[E_COUNT];
extern const char *const engine_ids[E_COUNT];

/* ---- check.c */

struct check {
	const struct stream *s;
	uint64_t *dig;
	size_t ndig, cap;
	uint8_t *raw, *fix;
	uint32_t *next;		/* per flow: the sequence number due next */
	uint8_t *relcnt;	/* per frame: times released */
	uint64_t segs;
	unsigned errors;
	char first[200];
};

struct sink {
	uint64_t pkts, segs, rel;
	struct check *chk;
	char pad[64];
};

void sink_deliver(void *arg, const struct gro_pkt *p, unsigned n);
/* libgro's configuration for engine @eng (E_LIB, E_LIB_VERIFY or E_LIB_8X8)
 * on stream @s. */
void lib_config(const struct stream *s, struct gro_config *c, int eng, struct sink *k);
/* Packets out under Linux's rules for @s with @eng's limits. */
uint64_t lib_expect_out(const struct stream *s, int eng);
void lib_pass(struct gro_ctx *g, const struct stream *s, unsigned burst);
/* The fast path against the reference; @msg says "ok" or what failed. */
int lib_check(const struct stream *s, int eng, char *msg, size_t msglen);

/* ---- lib.c */

struct run_result {
	double ns[MAX_REPS];
	int nrep;
	double instr;		/* per packet, hardware counter; <0: n/a */
	uint64_t out;
	double bytes_per_flow;
	size_t memory;
};

void lib_bench(const struct stream *s, int engine, int reps, int instr, struct run_result *r);

/* ---- report.c */

struct row {
	char id[48], workload[64], engine[24], check[96];
	int eng, kind, order, v6;
	uint32_t flows;
	double med, min, max, mpps, out_per_in, bpf, instr;
	double speedup;		/* multicore rows (mc_bench): over one core, the
				 * median of the rounds' ratios */
	size_t npkts;
};

/* A new zeroed row of the results. */
struct row *row_append(void);
struct row *add_row(const struct stream *s, int eng, const double *ns, int nrep,
		    uint64_t out, double bpf, double instr, const char *check);
void load_instr(const char *path);
void print_header(FILE *f);
void print_row(FILE *f, const struct row *r);
void write_csv(const char *path);
/* The targets that this run's rows measure, each met or missed. */
void print_targets(FILE *f);
/* The cells of the "no more than so many times the TCP cell" targets: the
 * cell @other against the TCP cell @tcp of the same shape. */
struct vs_tcp {
	const char *what, *name, *other, *tcp;
	double max;
};
extern const struct vs_tcp vs_tcp_targets[];
extern const unsigned n_vs_tcp_targets;
/* libgro's medians in the cells of target @i measured side by side (their
 * passes alternating), and the median of the @rounds rounds' ratios, for
 * print_targets(). */
void note_vs_tcp(unsigned i, double other_ns, double tcp_ns, double ratio, int rounds);
/* libgro through gro_dpdk.h beside rte_gro and libgro's own calls. */
void print_adapter(FILE *f);
void write_plot_data(const char *path, const uint32_t *flows, int nflows);

/* ---- csum.c, multicore.c, memlimit.c */

void csum_bench(FILE *out, int quick);
/* The machine's random-access limits (memlimit.c), ns per 64-byte line. */
struct mem_limit {
	double latency;		/* a dependent miss */
	double line;		/* a miss overlapped with others, at best */
};
void mem_bench(FILE *out, int quick, struct mem_limit *lim);
double hdr_floor(const struct stream *s, int reps);
/* The floor of cell @id, for print_targets() (report.c). */
void note_hdr_floor(const char *id, double ns);
/* Set before print_targets() to compare the 1M-flow cells with it. */
extern struct mem_limit mem_limit;
void mc_bench(FILE *out, const struct stream *s, int reps);

#endif
