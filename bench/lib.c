// SPDX-License-Identifier: MIT
/* Timed runs of libgro (and of the same hooks without GRO, the baseline). */
#include <string.h>

#include <valgrind/callgrind.h>

#include "bench.h"
#include "driver.h"

/* Through a function pointer, so that the no-GRO baseline pays the same
 * call as libgro's deliver hook. */
static void (*volatile deliver_fn)(void *, const struct gro_pkt *, unsigned) = sink_deliver;

/* Not calling GRO at all: every frame goes to the same deliver hook as a
 * packet of its own, in batches of a burst. */
static void nogro_pass(const struct stream *s, struct sink *k)
{
	struct gro_pkt pk[BURST];
	struct gro_seg sg[BURST];
	size_t i = 0;

	memset(pk, 0, sizeof(pk));
	while (i < s->npkts) {
		unsigned n = (unsigned)(s->npkts - i < BURST ? s->npkts - i : BURST), j;

		for (j = 0; j < n; j++) {
			const struct gro_frame *f = &s->fr[i + j];

			sg[j].data = f->data;
			sg[j].len = f->len;
			sg[j].cookie = f->cookie;
			pk[j].data = f->data;
			pk[j].len = f->len;
			pk[j].gso_segs = 1;
			pk[j].nsegs = 1;
			pk[j].segs = &sg[j];
		}
		deliver_fn(k, pk, n);
		i += n;
	}
}

void lib_bench(const struct stream *s, int engine, int reps, int instr, struct run_result *r)
{
	struct sink k = { 0 };
	struct gro_config cfg;
	struct gro_ctx *g = NULL;
	int rep, warm = !(instr & (BENCH_INSTR | BENCH_COLD));

	memset(r, 0, sizeof(*r));
	if (engine != E_NOGRO) {
		lib_config(s, &cfg, engine, &k);
		if (gro_create(&cfg, &g) != GRO_OK)
			die("gro_create: %s", gro_config_error());
		r->memory = gro_memory(g);
		r->bytes_per_flow = (double)r->memory / cfg.max_flows;
	} else {
		r->bytes_per_flow = -1;
	}
	r->instr = -1;
	for (rep = -warm; rep < ((instr & BENCH_INSTR) ? 1 : reps); rep++) {
		double t0, t1;
		uint64_t i0;

		stream_restore(s);
		k.pkts = k.segs = 0;
		if (instr & BENCH_INSTR)
			CALLGRIND_START_INSTRUMENTATION;
		i0 = instr_read();
		t0 = now_ns();
		if (g)
			lib_pass(g, s, BURST);
		else
			nogro_pass(s, &k);
		t1 = now_ns();
		if (i0)
			r->instr = (double)(instr_read() - i0) / (double)s->npkts;
		if (instr & BENCH_INSTR)
			CALLGRIND_STOP_INSTRUMENTATION;
		if (rep >= 0)
			r->ns[r->nrep++] = t1 - t0;
		r->out = k.pkts;
	}
	gro_destroy(g);
}
