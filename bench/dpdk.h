/* SPDX-License-Identifier: MIT */
/*
 * The rte_gro side of the benchmark (dpdk.c, built with DPDK's flags): it
 * runs a stream of bench.h through rte_gro, and uses nothing else.
 */
#ifndef GRO_BENCH_DPDK_H
#define GRO_BENCH_DPDK_H

#include "bench.h"

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

/* The same through libgro's DPDK adapter (include/gro_dpdk.h) on the same
 * mbufs, @mode DP_LW (gro_dpdk_reassemble_burst) or DP_HW
 * (gro_dpdk_reassemble + gro_dpdk_timeout_flush), with libgro's
 * configuration @cfg (its hooks unset). */
int dp_bench_gd(const struct stream *s, int mode, const struct gro_config *cfg, int reps,
		int instr, struct dp_result *r);

#endif
