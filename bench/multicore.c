// SPDX-License-Identifier: MIT
/* One core against two: two NIC queues with an engine each, and
 * gro_shard with one receive thread. */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "driver.h"

struct mc_queue {
	struct gro_frame *fr;
	size_t n;
	size_t *poll_end;	/* index after each poll's last frame */
	size_t npolls;
	int cpu;
	struct sink k;
	struct gro_ctx *g;
	pthread_barrier_t *bar;
	double t0, t1;
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *mc_main(void *arg)
{
	struct mc_queue *q = arg;
	size_t i = 0, p;
	uint64_t now = 0;

	pin(q->cpu);
	pthread_barrier_wait(q->bar);
	q->t0 = now_ns();
	for (p = 0; p < q->npolls; p++) {
		while (i < q->poll_end[p]) {
			unsigned n = (unsigned)(q->poll_end[p] - i < BURST ? q->poll_end[p] - i : BURST);

			gro_receive(q->g, q->fr + i, n, now);
			i += n;
			now += 1000;
		}
		gro_flush(q->g, now, GRO_FLUSH_ALL);
	}
	q->t1 = now_ns();
	return NULL;
}


/* One pass of (c): gro_shard with shard 0 run by the producer. Returns
 * the wall time in ns. */
static double shard_pass(const struct stream *s, uint64_t *out)
{
	struct gro_shard_config sc;
	struct gro_shard *sh;
	struct sink ks[2];
	void *args[2] = { &ks[0], &ks[1] };
	size_t i = 0, p;
	uint64_t now = 0;
	double t0, t;

	memset(ks, 0, sizeof(ks));
	gro_shard_config_init(&sc);
	sc.nshards = 2;
	sc.inline_shard0 = 1;
	sc.use_rxhash = 1;	/* the NIC's Toeplitz hash, as in (b) */
	lib_config(s, &sc.engine, E_LIB, &ks[0]);
	sc.deliver_args = args;
	sc.release_args = args;
	/* The shard's thread is gro_shard's own and inherits the creating
	 * thread's cores: created from core 1, it runs on core 1, as the
	 * second queue's thread of (b) does. */
	pin(1);
	if (gro_shard_create(&sc, &sh) != GRO_OK)
		die("gro_shard_create");
	pin(0);
	stream_restore(s);
	/* Wake the shard's thread (asleep since its creation) with a flush
	 * of nothing, as (b) starts its threads at a barrier. */
	gro_shard_flush(sh, now, GRO_FLUSH_ALL);
	gro_shard_sync(sh);
	t0 = now_ns();
	for (p = 0; p < s->npolls; p++) {
		size_t end = (p + 1) * s->poll_len;

		while (i < end) {
			unsigned n = (unsigned)(end - i < BURST ? end - i : BURST);

			gro_shard_receive(sh, s->fr + i, n, now);
			i += n;
			now += 1000;
		}
		gro_shard_flush(sh, now, GRO_FLUSH_ALL);
	}
	gro_shard_sync(sh);
	t = now_ns() - t0;
	gro_shard_destroy(sh);
	*out = ks[0].pkts + ks[1].pkts;
	return t;
}

/* One pass of (a): one engine on this thread (core 0). Returns the wall
 * time in ns. */
static double one_core_pass(struct gro_ctx *g, const struct stream *s, struct sink *k,
			    uint64_t *out)
{
	double t0;

	pin(0);
	stream_restore(s);
	k->pkts = 0;
	t0 = now_ns();
	lib_pass(g, s, BURST);
	t0 = now_ns() - t0;
	*out = k->pkts;
	return t0;
}

/* One pass of (b): the two queues' threads, started at a barrier. Returns
 * the wall time from the first start to the last end. */
static double two_queue_pass(struct mc_queue *q, const struct stream *s, uint64_t *out)
{
	pthread_barrier_t bar;
	pthread_t th[2];
	int i;

	stream_restore(s);
	pthread_barrier_init(&bar, NULL, 2);
	for (i = 0; i < 2; i++) {
		q[i].k.pkts = 0;
		q[i].bar = &bar;
		pthread_create(&th[i], NULL, mc_main, &q[i]);
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&bar);
	*out = q[0].k.pkts + q[1].k.pkts;
	return (q[0].t1 > q[1].t1 ? q[0].t1 : q[1].t1) - (q[0].t0 < q[1].t0 ? q[0].t0 : q[1].t0);
}

/*
 * 1 core against 2: (a) one engine; (b) two receive queues split by the
 * NIC's Toeplitz hash (done up front, as the NIC does), one engine and one
 * thread per queue; (c) gro_shard: one producer thread spreading the frames
 * by their (NIC) hash and running shard 0 itself, shard 1 on a second
 * thread, through a lock-free queue. The three take turns, a pass each per
 * round (after an untimed round), and each speed-up is the median of the
 * rounds' own ratios: the passes of a round meet the same state of the
 * host, whose pace can change from one second to the next (main.c asks
 * for RATIO_ROUNDS: a pass is a few tens of milliseconds).
 */
void mc_bench(FILE *out, const struct stream *s, int reps)
{
	double ns1[MAX_REPS], ns2[MAX_REPS], ns3[MAX_REPS], x2[MAX_REPS], x3[MAX_REPS];
	uint64_t out1 = 0, out2 = 0, out3 = 0;
	struct mc_queue q[2];
	struct gro_config cfg;
	struct sink k1 = { 0 };
	struct gro_ctx *g;
	int rep, i;
	size_t j, p;

	/* (a) */
	lib_config(s, &cfg, E_LIB, &k1);
	if (gro_create(&cfg, &g) != GRO_OK)
		die("gro_create");

	/* (b) */
	memset(q, 0, sizeof(q));
	for (i = 0; i < 2; i++) {
		q[i].fr = xcalloc(s->npkts, sizeof(*q[i].fr));
		q[i].poll_end = xcalloc(s->npolls, sizeof(size_t));
		q[i].npolls = s->npolls;
		q[i].cpu = i;
	}
	for (p = 0, j = 0; p < s->npolls; p++) {
		for (; j < (p + 1) * s->poll_len; j++) {
			struct mc_queue *t = &q[(s->fr[j].rxhash % 128) % 2];

			t->fr[t->n++] = s->fr[j];
		}
		q[0].poll_end[p] = q[0].n;
		q[1].poll_end[p] = q[1].n;
	}
	for (i = 0; i < 2; i++) {
		lib_config(s, &cfg, E_LIB, &q[i].k);
		if (gro_create(&cfg, &q[i].g) != GRO_OK)
			die("gro_create");
	}

	/* (c) makes its gro_shard anew in each pass (shard_pass). */
	for (rep = -1; rep < reps; rep++) {
		double t1 = one_core_pass(g, s, &k1, &out1);
		double t2 = two_queue_pass(q, s, &out2);
		double t3 = shard_pass(s, &out3);

		if (rep >= 0) {
			ns1[rep] = t1;
			ns2[rep] = t2;
			ns3[rep] = t3;
			x2[rep] = t1 / t2;
			x3[rep] = t1 / t3;
		}
	}
	gro_destroy(g);
	for (i = 0; i < 2; i++) {
		gro_destroy(q[i].g);
		free(q[i].fr);
		free(q[i].poll_end);
	}

	{
		double m1 = median(ns1, reps) / s->npkts, m2 = median(ns2, reps) / s->npkts;
		double m3 = median(ns3, reps) / s->npkts, s2 = median(x2, reps), s3 = median(x3, reps);

		fprintf(out, "| %s | %.1f ns (%.1f Mpps) | %.1f ns (%.1f Mpps, x%.2f) | "
			     "%.1f ns (%.1f Mpps, x%.2f) | %s |\n",
			s->name, m1, 1e3 / m1, m2, 1e3 / m2, s2, m3, 1e3 / m3, s3,
			out1 == out2 && out1 == out3 ? "same packets out" : "OUTPUT DIFFERS");
		{
			const char *ids[3] = { "libgro-1core", "libgro-2queues", "libgro-shard2" };
			double ms[3] = { m1, m2, m3 }, xs[3] = { 1, s2, s3 };
			uint64_t outs[3] = { out1, out2, out3 };

			for (i = 0; i < 3; i++) {
				struct row *r = row_append();

				snprintf(r->id, sizeof(r->id), "mc-%.40s", s->id);
				snprintf(r->workload, sizeof(r->workload), "%s", s->name);
				snprintf(r->engine, sizeof(r->engine), "%s", ids[i]);
				snprintf(r->check, sizeof(r->check), "%s", ids[i]);
				r->eng = E_LIB;
				r->kind = s->kind;
				r->order = 100 + i;	/* multicore rows: not plotted */
				r->flows = s->nflows;
				r->npkts = s->npkts;
				r->med = r->min = r->max = ms[i];
				r->mpps = 1e3 / ms[i];
				r->out_per_in = (double)outs[i] / s->npkts;
				r->bpf = r->instr = NAN;
				r->speedup = xs[i];
			}
		}
	}
}
