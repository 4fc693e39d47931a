// SPDX-License-Identifier: MIT
/*
 * The rte_gro side of the benchmark (DPDK 22.11 as packaged by Debian).
 *
 * rte_gro works on mbufs. The mbufs here live in plain memory, one per
 * frame of the stream, pointing at the same frame bytes libgro gets; they
 * never go back to a mempool, since rte_gro only chains and trims them.
 * Their packet_type and l2/l3/l4 lengths are filled in up front, as a NIC
 * and the application's parser would have done: rte_gro needs them and
 * does not parse headers itself, so that work is not in its timings
 * (libgro's timings include its own parsing).
 *
 * Lightweight mode merges within one call (one burst); heavyweight mode
 * keeps a table across calls, and everything held is flushed at the end of
 * each poll, as libgro's gro_flush() does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_version.h>
#include <rte_gro.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <valgrind/callgrind.h>

#include "dpdk.h"
#include "gro_dpdk.h"

static int eal_ok;

const char *dp_version(void)
{
	return rte_version();
}

int dp_init(const char *prog)
{
	char *argv[] = {
		(char *)prog, "--no-huge", "--no-pci", "-m", "512", "--no-shconf",
		"--no-telemetry", "-l", "0", "--log-level", "lib.*:error", NULL,
	};
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

	if (rte_eal_init(argc, argv) < 0)
		return -1;
	eal_ok = 1;
	return 0;
}

struct dp_ctx {
	const struct stream *s;
	struct rte_mbuf *mb;
	struct rte_mbuf **pk;
	struct rte_mbuf *out[256];
	uint64_t nout, nsegs;
};

static void reset_mbufs(struct dp_ctx *c)
{
	const struct stream *s = c->s;
	size_t i;

	for (i = 0; i < s->npkts; i++) {
		struct rte_mbuf *m = &c->mb[i];
		const struct gro_frame *f = &s->fr[i];
		const uint8_t *d = f->data;
		uint16_t l2 = 14, l3, l4 = 20;

		memset(m, 0, sizeof(*m));
		m->buf_addr = f->data;
		m->buf_len = (uint16_t)s->stride;
		m->data_off = 0;
		m->data_len = (uint16_t)f->len;
		m->pkt_len = f->len;
		m->nb_segs = 1;
		m->refcnt = 1;
		m->next = NULL;
		if (s->v6) {
			l3 = 40;
			m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV6 | RTE_PTYPE_L4_TCP;
		} else {
			l3 = (uint16_t)((d[14] & 15) * 4);
			m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_TCP;
		}
		if (s->kind == K_VXLAN) {
			/* rte_gro's tunnel convention: outer lengths apart,
			 * l2_len the outer UDP and VXLAN headers and the inner
			 * Ethernet header. */
			m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_UDP |
					 RTE_PTYPE_TUNNEL_VXLAN | RTE_PTYPE_INNER_L2_ETHER |
					 RTE_PTYPE_INNER_L3_IPV4 | RTE_PTYPE_INNER_L4_TCP;
			m->outer_l2_len = 14;
			m->outer_l3_len = 20;
			l2 = (uint16_t)(s->in_l3 - 34);
			l3 = (uint16_t)((d[s->in_l3] & 15) * 4);
		}
		l4 = (uint16_t)((d[s->in_l3 + l3 + 12] >> 4) * 4);
		m->l2_len = l2;
		m->l3_len = l3;
		m->l4_len = l4;
		m->hash.rss = f->rxhash;
		c->pk[i] = m;
	}
}

/* What the application does with each packet out: count it and its
 * segments (the same work as libgro's deliver hook in the bench). */
static inline void consume(struct dp_ctx *c, struct rte_mbuf **p, unsigned n)
{
	unsigned i;

	c->nout += n;
	for (i = 0; i < n; i++)
		c->nsegs += p[i]->nb_segs;
}

/* The GRO types a stream needs: VXLAN streams are TCP inside VXLAN. */
static uint64_t gro_types(const struct stream *s)
{
	return s->kind == K_VXLAN ? RTE_GRO_IPV4_VXLAN_TCP_IPV4 : RTE_GRO_TCP_IPV4;
}

static void run_lw(struct dp_ctx *c)
{
	const struct stream *s = c->s;
	struct rte_gro_param prm = {
		.gro_types = gro_types(s),
		.max_flow_num = BURST,
		.max_item_per_flow = BURST,
	};
	size_t i = 0, p;

	for (p = 0; p < s->npolls; p++) {
		size_t end = (p + 1) * s->poll_len;

		while (i < end) {
			uint16_t n = (uint16_t)(end - i < BURST ? end - i : BURST);
			uint16_t m = rte_gro_reassemble_burst(&c->pk[i], n, &prm);

			consume(c, &c->pk[i], m);
			i += n;
		}
	}
}

static void flush_hw(struct dp_ctx *c, void *g)
{
	uint16_t n;

	while ((n = rte_gro_timeout_flush(g, 0, gro_types(c->s), c->out, 256)) > 0)
		consume(c, c->out, n);
}

static void run_hw(struct dp_ctx *c, void *g)
{
	const struct stream *s = c->s;
	size_t i = 0, p;

	for (p = 0; p < s->npolls; p++) {
		size_t end = (p + 1) * s->poll_len;

		while (i < end) {
			uint16_t n = (uint16_t)(end - i < BURST ? end - i : BURST);
			uint16_t u = rte_gro_reassemble(&c->pk[i], n, g);

			consume(c, &c->pk[i], u);	/* not taken: as is */
			i += n;
		}
		flush_hw(c, g);
	}
}

/* rte_gro's lightweight mode needs no context: the same shape as the rest. */
static void run_lw_any(struct dp_ctx *c, void *g)
{
	(void)g;
	run_lw(c);
}

/* @reps timed passes of @run over the stream, after one warm-up pass
 * unless @instr (BENCH_* flags) says BENCH_COLD; with BENCH_INSTR, one
 * pass between the callgrind markers. Fills the times, instructions and
 * counts of @r. */
static void timed_reps(struct dp_ctx *c, void *g, void (*run)(struct dp_ctx *, void *), int reps,
		       int instr, struct dp_result *r)
{
	const struct stream *s = c->s;
	int rep, warm = !(instr & (BENCH_INSTR | BENCH_COLD));

	r->instr = -1;
	for (rep = -warm; rep < ((instr & BENCH_INSTR) ? 1 : reps); rep++) {
		double t0, t1;
		uint64_t i0;

		stream_restore(s);
		reset_mbufs(c);
		c->nout = c->nsegs = 0;
		if (instr & BENCH_INSTR)
			CALLGRIND_START_INSTRUMENTATION;
		i0 = instr_read();
		t0 = now_ns();
		run(c, g);
		t1 = now_ns();
		if (i0)
			r->instr = (double)(instr_read() - i0) / (double)s->npkts;
		if (instr & BENCH_INSTR)
			CALLGRIND_STOP_INSTRUMENTATION;
		if (rep >= 0)
			r->ns[r->nrep++] = t1 - t0;
		r->out = c->nout;
		r->segs = c->nsegs;
	}
}

/* ---- libgro through gro_dpdk.h, on the same mbufs ---- */

static void run_gd_lw(struct dp_ctx *c, void *g)
{
	const struct stream *s = c->s;
	size_t i = 0, p;

	for (p = 0; p < s->npolls; p++) {
		size_t end = (p + 1) * s->poll_len;

		while (i < end) {
			uint16_t n = (uint16_t)(end - i < BURST ? end - i : BURST);
			uint16_t m = gro_dpdk_reassemble_burst(&c->pk[i], n, g);

			consume(c, &c->pk[i], m);
			i += n;
		}
	}
}

static void run_gd_hw(struct dp_ctx *c, void *g)
{
	const struct stream *s = c->s;
	size_t i = 0, p;
	uint16_t n;

	for (p = 0; p < s->npolls; p++) {
		size_t end = (p + 1) * s->poll_len;

		while (i < end) {
			uint16_t u;

			n = (uint16_t)(end - i < BURST ? end - i : BURST);
			u = gro_dpdk_reassemble(&c->pk[i], n, g);
			consume(c, &c->pk[i], u);
			i += n;
		}
		while ((n = gro_dpdk_timeout_flush(g, 0, gro_types(s), c->out, 256)) > 0)
			consume(c, c->out, n);
	}
}

int dp_bench_gd(const struct stream *s, int mode, const struct gro_config *cfg, int reps,
		int instr, struct dp_result *r)
{
	struct dp_ctx c = { .s = s };
	struct gro_dpdk *g;
	memset(r, 0, sizeof(*r));
	r->bytes_per_flow = -1;
	if (!eal_ok) {
		snprintf(r->note, sizeof(r->note), "EAL not up");
		return -1;
	}
	c.mb = aligned_alloc(64, s->npkts * sizeof(*c.mb));
	c.pk = malloc(s->npkts * sizeof(*c.pk));
	if (!c.mb || !c.pk || gro_dpdk_create(cfg, &g) != GRO_OK) {
		free(c.mb);
		free(c.pk);
		snprintf(r->note, sizeof(r->note), "out of memory, or %s", gro_config_error());
		return -1;
	}
	r->bytes_per_flow = (double)gro_memory(g->gro) / (double)s->nflows;
	timed_reps(&c, g, mode == DP_LW ? run_gd_lw : run_gd_hw, reps, instr, r);
	r->ok = r->segs == s->npkts && !gro_dpdk_get_pkt_count(g);
	if (!r->ok)
		snprintf(r->note, sizeof(r->note), "segments out %llu != in %zu, or packets left",
			 (unsigned long long)r->segs, s->npkts);
	/* The mbufs live in plain memory: nothing may be held at destroy,
	 * which would free them into no pool. */
	gro_dpdk_ctx_destroy(g);
	free(c.mb);
	free(c.pk);
	return 0;
}

int dp_bench(const struct stream *s, int mode, int reps, int instr, struct dp_result *r)
{
	struct dp_ctx c = { .s = s };
	struct rte_gro_param prm = { .gro_types = gro_types(s) };
	void *g = NULL;
	memset(r, 0, sizeof(*r));
	r->bytes_per_flow = -1;
	if (!eal_ok || s->v6 || s->kind == K_GRE || s->kind == K_UDP) {
		snprintf(r->note, sizeof(r->note), "%s",
			 !eal_ok ? "EAL not up" : s->v6 ? "no TCP/IPv6 GRO in 22.11" :
			 "no GRO of this kind in rte_gro");
		return -1;
	}
	c.mb = aligned_alloc(64, s->npkts * sizeof(*c.mb));
	c.pk = malloc(s->npkts * sizeof(*c.pk));
	if (!c.mb || !c.pk) {
		free(c.mb);
		free(c.pk);
		snprintf(r->note, sizeof(r->note), "out of memory");
		return -1;
	}
	if (mode == DP_HW) {
		struct rte_malloc_socket_stats a, b;
		uint32_t flows = s->nflows > 65535 ? 65535 : s->nflows;
		uint32_t per = (s->k + 15) / 16 + 1;

		/* Room for every flow of the stream, each with as many
		 * unmergeable neighbours as a poll can produce. The item
		 * count is capped at 1M inside rte_gro. */
		if ((uint64_t)flows * per < s->nflows)
			per = (s->nflows + flows - 1) / flows;
		prm.max_flow_num = (uint16_t)flows;
		prm.max_item_per_flow = (uint16_t)per;
		prm.socket_id = 0;
		rte_malloc_get_socket_stats(0, &a);
		g = rte_gro_ctx_create(&prm);
		rte_malloc_get_socket_stats(0, &b);
		if (!g) {
			snprintf(r->note, sizeof(r->note), "rte_gro_ctx_create failed");
			free(c.mb);
			free(c.pk);
			return -1;
		}
		/* The table holds max_flow_num * max_item_per_flow entries
		 * (flows and items alike), any of which can be a flow. */
		{
			uint64_t entries = (uint64_t)flows * per;

			if (entries > (1u << 20))
				entries = 1u << 20;
			r->bytes_per_flow = (double)(b.heap_allocsz_bytes - a.heap_allocsz_bytes) /
					    (double)(entries < s->nflows ? entries : s->nflows);
		}
	}
	timed_reps(&c, g, mode == DP_LW ? run_lw_any : run_hw, reps, instr, r);
	r->ok = r->segs == s->npkts;
	if (!r->ok)
		snprintf(r->note, sizeof(r->note), "segments out %llu != in %zu",
			 (unsigned long long)r->segs, s->npkts);
	if (g)
		rte_gro_ctx_destroy(g);
	free(c.mb);
	free(c.pk);
	return 0;
}
