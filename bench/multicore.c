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
	lib_config(s, &sc.engine, 0, &ks[0]);
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

/* 1 core against 2: (a) one engine; (b) two receive queues split by the
 * NIC's Toeplitz hash (done up front, as the NIC does), one engine and one
 * thread per queue; (c) gro_shard: one producer thread spreading the frames
 * by their (NIC) hash and running shard 0 itself, shard 1 on a second
 * thread, through a lock-free queue. */
void mc_bench(FILE *out, const struct stream *s, int reps)
{
	double ns1[MAX_REPS], ns2[MAX_REPS], ns3[MAX_REPS];
	uint64_t out1 = 0, out2 = 0, out3 = 0;
	struct mc_queue q[2];
	pthread_barrier_t bar;
	struct gro_config cfg;
	struct sink k1 = { 0 };
	struct gro_ctx *g;
	int rep, i;
	size_t j, p;

	/* (a) */
	lib_config(s, &cfg, 0, &k1);
	if (gro_create(&cfg, &g) != GRO_OK)
		die("gro_create");
	pin(0);
	for (rep = -1; rep < reps; rep++) {
		double t0;

		stream_restore(s);
		k1.pkts = 0;
		t0 = now_ns();
		lib_pass(g, s, BURST);
		if (rep >= 0)
			ns1[rep] = now_ns() - t0;
		out1 = k1.pkts;
	}
	gro_destroy(g);

	/* (b) */
	memset(q, 0, sizeof(q));
	for (i = 0; i < 2; i++) {
		q[i].fr = xcalloc(s->npkts, sizeof(*q[i].fr));
		q[i].poll_end = xcalloc(s->npolls, sizeof(size_t));
		q[i].npolls = s->npolls;
		q[i].cpu = i;
		q[i].bar = &bar;
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
		lib_config(s, &cfg, 0, &q[i].k);
		if (gro_create(&cfg, &q[i].g) != GRO_OK)
			die("gro_create");
	}
	for (rep = -1; rep < reps; rep++) {
		pthread_t th[2];

		stream_restore(s);
		pthread_barrier_init(&bar, NULL, 2);
		for (i = 0; i < 2; i++) {
			q[i].k.pkts = 0;
			pthread_create(&th[i], NULL, mc_main, &q[i]);
		}
		for (i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&bar);
		if (rep >= 0)
			ns2[rep] = (q[0].t1 > q[1].t1 ? q[0].t1 : q[1].t1) -
				   (q[0].t0 < q[1].t0 ? q[0].t0 : q[1].t0);
		out2 = q[0].k.pkts + q[1].k.pkts;
	}
	for (i = 0; i < 2; i++) {
		gro_destroy(q[i].g);
		free(q[i].fr);
		free(q[i].poll_end);
	}

	/* (c) */
	for (rep = -1; rep < reps; rep++) {
		double t = shard_pass(s, &out3);

		if (rep >= 0)
			ns3[rep] = t;
	}

	{
		double m1 = median(ns1, reps) / s->npkts, m2 = median(ns2, reps) / s->npkts;
		double m3 = median(ns3, reps) / s->npkts;

		fprintf(out, "| %s | %.1f ns (%.1f Mpps) | %.1f ns (%.1f Mpps, x%.2f) | "
			     "%.1f ns (%.1f Mpps, x%.2f) | %s |\n",
			s->name, m1, 1e3 / m1, m2, 1e3 / m2, m1 / m2, m3, 1e3 / m3, m1 / m3,
			out1 == out2 && out1 == out3 ? "same packets out" : "OUTPUT DIFFERS");
		{
			const char *ids[3] = { "libgro-1core", "libgro-2queues", "libgro-shard2" };
			double ms[3] = { m1, m2, m3 };
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
			}
		}
	}
}
