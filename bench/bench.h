/* SPDX-License-Identifier: MIT */
/*
 * libgro benchmark: shared declarations between the driver (bench.c, built
 * with the project's flags) and the rte_gro side (dpdk.c, built with
 * DPDK's).
 */
#ifndef GRO_BENCH_H
#define GRO_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "gro.h"

#define BURST		32
#define MAX_REPS	15

enum { K_BULK, K_ACKS, K_MIXED };
enum { O_RUNS, O_INTERLEAVED };

/* An in-memory packet stream: frames laid out at a fixed stride in one big
 * buffer, built once. Engines rewrite the headers of merged heads (and
 * rte_gro the mbufs), so the first SAVE_LEN bytes of every frame are kept
 * aside and put back before each run. */
#define SAVE_LEN	96

struct stream {
	char name[64];		/* e.g. "v4 bulk interleaved 1024" */
	char id[48];		/* e.g. "v4-bulk-il-1024" (CSV key) */
	int kind, order, v6;
	uint32_t nflows;
	uint32_t k;		/* segments per flow per poll (bulk) */
	uint32_t npolls;
	size_t poll_len;	/* packets per poll; gro_flush at each poll end */
	size_t npkts;
	size_t stride;
	uint32_t mss;
	int with_payload;	/* payload bytes written (checksums hold) */
	uint8_t *buf;
	uint8_t *save;
	struct gro_frame *fr;
	uint64_t expect_out;	/* packets out under Linux's rules */
	uint64_t payload_bytes;	/* TCP payload in the whole stream */
};

void stream_restore(const struct stream *s);

/* rte_gro side (dpdk.c) */
enum { DP_LW, DP_HW };

struct dp_result {
	double ns[MAX_REPS];	/* per repeat, whole stream */
	int nrep;
	uint64_t out;		/* packets out (one repeat) */
	uint64_t segs;		/* sum of nb_segs over them */
	double bytes_per_flow;	/* table memory / flows it can hold; <0: n/a */
	double instr;		/* instructions per packet (hardware counter), <0: n/a */
	int ok;
	char note[96];
};

int dp_init(const char *prog);
const char *dp_version(void);
/* Run @s through rte_gro @mode @reps times (after one warm-up run unless
 * @reps is 1); with @instr, once, between the callgrind markers. */
int dp_bench(const struct stream *s, int mode, int reps, int instr, struct dp_result *r);

double now_ns(void);
/* User-space instructions retired so far, from the hardware counter; 0 if
 * this machine has none (see instr_open in bench.c). */
uint64_t instr_read(void);

#endif
