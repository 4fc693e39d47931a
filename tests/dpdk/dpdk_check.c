// SPDX-License-Identifier: MIT
/*
 * `make dpdk-check`: include/gro_dpdk.h on mbufs from a mempool (no NIC,
 * no hugepages). A mixed stream (TCP over IPv4, IPv6 and a VLAN, UDP,
 * VXLAN with and without the outer checksum, GRE, IP-in-IP, GENEVE,
 * VXLAN over IPv6; pure ACKs, PSH, frames that are not IP; a chained, a
 * shared and an indirect mbuf) goes through the adapter in its lightweight and heavyweight forms, and
 * through libgro's deliver hook on a copy. It checks:
 *
 * - the same packets come out in the same order, each mbuf chain's bytes
 *   equal to what the deliver hook got, made of the same frames;
 * - a merged packet's chain is consistent (rte_mbuf_check), every mbuf of
 *   it has a reference count of 1, and its offload fields are those of
 *   the packet's layout as the packet builder made it (l2/l3/l4 lengths,
 *   outer lengths, tso_segsz, ol_flags), accepted by
 *   rte_validate_tx_offload() and rte_net_intel_cksum_prepare();
 * - an mbuf libgro must not change comes out as it went in;
 * - every mbuf is back in the pool at the end, also when a context is
 *   destroyed while it holds flows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_net.h>

#include "gro_dpdk.h"
#include "pktbuild.h"

#define NFR 1600
#define MAXOUT (NFR + 16)

static int failures, checks;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		checks++;                                                 \
		if (!(cond)) {                                            \
			if (failures++ < 20) {                            \
				fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
				fprintf(stderr, __VA_ARGS__);             \
				fputc('\n', stderr);                      \
			}                                                 \
		}                                                         \
	} while (0)

enum kind { K_V4, K_V6, K_VLAN, K_UDP, K_VXLAN, K_VXLAN_CSUM, K_GRE, K_IPIP, K_GENEVE, K_VXLAN6,
	    K_NKINDS };

/* Special frames: handed over in mbufs libgro must leave alone. */
enum special { S_NONE, S_CHAIN, S_SHARED, S_INDIRECT };

struct frame {
	uint8_t bytes[2048];
	uint32_t len;
	enum kind kind;
	enum special special;
	struct pb_offsets o;
};

static struct frame fr[NFR];
static size_t nfr;

static uint32_t rnd = 12345;

static uint32_t lcg(void)
{
	rnd = rnd * 1103515245u + 12345u;
	return rnd >> 8;
}

/* Two flows of each kind, interleaved in runs, with perturbations. */
static void make_stream(void)
{
	enum { FLOWS = 2 * K_NKINDS };
	uint32_t seq[FLOWS];
	uint16_t id[FLOWS];
	int k = 0;

	for (int f = 0; f < FLOWS; f++) {
		seq[f] = 1 + (uint32_t)f * 1000003;
		id[f] = (uint16_t)(f * 1000);
	}
	for (nfr = 0; nfr < NFR; nfr++) {
		struct frame *x = &fr[nfr];
		struct pb_frame f;
		enum kind kd;
		uint32_t r = lcg() % 100;

		if (lcg() % 5 == 0)
			k = (int)(lcg() % FLOWS);
		kd = (enum kind)(k / 2);
		pb_init(&f, kd == K_V6);
		f.payload_len = 1200;
		f.sport = (uint16_t)(3000 + k);
		f.seq = seq[k];
		f.ip_id = id[k]++;
		if (kd == K_VLAN) {
			f.nvlan = 1;
			f.vlan_tpid[0] = 0x8100;
			f.vlan_tci[0] = 42;
		} else if (kd == K_UDP) {
			f.udp = 1;
			f.payload_len = 1000;
		} else if (kd >= K_VXLAN) {
			struct pb_tunnel *t = pb_tun_push(&f, kd == K_VXLAN6, kd == K_GRE);

			if (kd != K_GRE && kd != K_IPIP) {
				t->udp_tun = kd == K_GENEVE ? PB_TUN_GENEVE : PB_TUN_VXLAN;
				t->gnv_eth = 1;
				/* A UDP checksum is required over IPv6. */
				t->udp_csum = kd == K_VXLAN_CSUM || kd == K_VXLAN6;
				t->vni = 0x100 + (uint32_t)k;
				t->udp_sport = (uint16_t)(50000 + k);
			}
			t->ip_id = id[k];
		}
		if (r < 3 && kd != K_UDP) {
			f.payload_len = 0;		/* pure ACK */
		} else if (r < 6 && kd != K_UDP) {
			f.flags |= PB_PSH;
		} else if (r < 9) {
			f.payload_len = 300;		/* short: ends the packet */
		} else if (r < 10) {
			f.ethertype = 0x88b5;		/* not IP */
			f.ntun = 0;
			f.nvlan = 0;
			f.payload_len = 80;
		}
		if (!f.ethertype)
			seq[k] += f.udp ? 1 : f.payload_len;
		x->len = (uint32_t)pb_build(&f, x->bytes, sizeof(x->bytes));
		pb_layout(&f, &x->o);
		x->kind = kd;
		x->special = S_NONE;
		if (r >= 97)
			x->special = (enum special)(S_CHAIN + (int)(r - 97));
	}
}

/* ---- the reference: libgro's deliver hook ---- */

struct ref_pkt {
	uint8_t *bytes;
	uint32_t len, nsegs, gso_segs;
	int head;		/* frame index of the first span */
	int frames[64];
};

static struct ref_pkt ref[MAXOUT];
static size_t nref;
static uint8_t refcopy[NFR][2048];

static void ref_deliver(void *arg, const struct gro_pkt *p, unsigned n)
{
	(void)arg;
	for (unsigned i = 0; i < n; i++) {
		struct ref_pkt *r = &ref[nref++];

		r->len = p[i].len;
		r->nsegs = p[i].nsegs;
		r->gso_segs = p[i].gso_segs;
		r->bytes = malloc(p[i].len ? p[i].len : 1);
		gro_pkt_linearize(&p[i], r->bytes, p[i].len, 0);
		for (uint32_t j = 0; j < p[i].nsegs && j < 64; j++)
			r->frames[j] = (int)(uintptr_t)p[i].segs[j].cookie - 1;
		r->head = r->frames[0];
	}
}

/* The schedule both sides follow: bursts of @burst (one of 300, more than
 * a gro_dpdk call takes at once), a flush every @every bursts (every burst
 * in the lightweight form). */
struct sched {
	int heavy;
	unsigned burst, every;
};

static unsigned burst_len(const struct sched *s, unsigned b)
{
	return b == 5 ? 300 : s->burst;
}

static void run_reference(const struct gro_config *base, const struct sched *s)
{
	struct gro_config c = *base;
	struct gro_frame f[NFR];
	struct gro_ctx *g;
	unsigned b = 0;

	for (size_t i = 0; i < nref; i++)
		free(ref[i].bytes);
	nref = 0;
	c.deliver = ref_deliver;
	c.batch = GRO_DPDK_BURST;
	if (gro_create(&c, &g)) {
		fprintf(stderr, "gro_create: %s\n", gro_config_error());
		exit(1);
	}
	for (size_t i = 0; i < nfr; i++) {
		memcpy(refcopy[i], fr[i].bytes, fr[i].len);
		/* What gro_dpdk_frame() makes of an mbuf it must leave alone. */
		f[i] = (struct gro_frame){ .data = refcopy[i],
					   .len = fr[i].special ? 0 : fr[i].len,
					   .cookie = (void *)(uintptr_t)(i + 1) };
	}
	for (size_t i = 0; i < nfr; b++) {
		unsigned n = burst_len(s, b);

		if (n > nfr - i)
			n = (unsigned)(nfr - i);
		gro_receive(g, f + i, n, 0);
		i += n;
		if (!s->heavy || b % s->every == s->every - 1)
			gro_flush(g, 0, GRO_FLUSH_ALL);
	}
	gro_flush(g, 0, GRO_FLUSH_ALL);
	gro_destroy(g);
}

/* ---- the adapter ---- */

static struct rte_mempool *pool;

static int *idx_of(struct rte_mbuf *m)
{
	return (int *)rte_mbuf_to_priv(m);
}

static struct rte_mbuf *make_mbuf(size_t i)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *m2;
	uint32_t len = fr[i].len, first = fr[i].special == S_CHAIN ? 40 : len;

	if (!m) {
		fprintf(stderr, "mbuf pool empty\n");
		exit(1);
	}
	memcpy(rte_pktmbuf_append(m, (uint16_t)first), fr[i].bytes, first);
	*idx_of(m) = (int)i;
	if (fr[i].special == S_CHAIN) {
		m2 = rte_pktmbuf_alloc(pool);
		memcpy(rte_pktmbuf_append(m2, (uint16_t)(len - first)), fr[i].bytes + first, len - first);
		*idx_of(m2) = -1;
		rte_pktmbuf_chain(m, m2);
	} else if (fr[i].special == S_SHARED) {
		rte_mbuf_refcnt_update(m, 1);	/* another holder keeps it */
	} else if (fr[i].special == S_INDIRECT) {
		struct rte_mbuf *c = rte_pktmbuf_clone(m, pool);

		*idx_of(c) = (int)i;
		rte_pktmbuf_free(m);	/* the clone keeps the data */
		m = c;
	}
	return m;
}

/* The bytes of chain @m. */
static uint32_t chain_bytes(const struct rte_mbuf *m, uint8_t *out, uint32_t cap)
{
	uint32_t n = 0;

	for (; m; m = m->next) {
		if (n + m->data_len > cap)
			return UINT32_MAX;
		memcpy(out + n, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
		n += m->data_len;
	}
	return n;
}

static void expect_offload(struct rte_mbuf *m, const struct frame *x, const char *what, size_t k)
{
	const struct pb_offsets *o = &x->o;
	uint64_t want = 0, got = m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK;
	int tun = x->kind >= K_VXLAN;
	size_t l3 = o->l3, l4 = o->l4;
	int v6 = x->kind == K_V6;

	want |= x->kind == K_UDP ? RTE_MBUF_F_TX_UDP_SEG | RTE_MBUF_F_TX_UDP_CKSUM : RTE_MBUF_F_TX_TCP_SEG;
	want |= v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	if (tun) {
		want |= x->kind == K_VXLAN6 ? RTE_MBUF_F_TX_OUTER_IPV6 :
			RTE_MBUF_F_TX_OUTER_IPV4 | RTE_MBUF_F_TX_OUTER_IP_CKSUM;
		want |= x->kind == K_GRE ? RTE_MBUF_F_TX_TUNNEL_GRE :
			x->kind == K_IPIP ? RTE_MBUF_F_TX_TUNNEL_IPIP :
			x->kind == K_GENEVE ? RTE_MBUF_F_TX_TUNNEL_GENEVE : RTE_MBUF_F_TX_TUNNEL_VXLAN;
		if (x->kind == K_VXLAN_CSUM || x->kind == K_VXLAN6)
			want |= RTE_MBUF_F_TX_OUTER_UDP_CKSUM;
		CHECK(m->outer_l2_len == o->tun_l3[0], "%s %zu: outer_l2_len %u, want %zu", what, k,
		      m->outer_l2_len, o->tun_l3[0]);
		CHECK(m->outer_l3_len == o->tun_l4[0] - o->tun_l3[0], "%s %zu: outer_l3_len %u, want %zu",
		      what, k, m->outer_l3_len, o->tun_l4[0] - o->tun_l3[0]);
		CHECK(m->l2_len == l3 - o->tun_l4[0], "%s %zu: l2_len %u, want %zu (outer L4 to inner IP)",
		      what, k, m->l2_len, l3 - o->tun_l4[0]);
	} else {
		CHECK(m->l2_len == l3, "%s %zu: l2_len %u, want %zu", what, k, m->l2_len, l3);
	}
	CHECK(got == want, "%s %zu (kind %d): ol_flags %#llx, want %#llx", what, k, x->kind,
	      (unsigned long long)got, (unsigned long long)want);
	CHECK(m->l3_len == l4 - l3, "%s %zu: l3_len %u, want %zu", what, k, m->l3_len, l4 - l3);
	CHECK(m->l4_len == o->payload - l4, "%s %zu: l4_len %u, want %zu", what, k, m->l4_len,
	      o->payload - l4);
	CHECK(m->tso_segsz == x->len - o->payload, "%s %zu: tso_segsz %u, want %zu", what, k,
	      m->tso_segsz, x->len - o->payload);
	CHECK(rte_validate_tx_offload(m) == 0, "%s %zu: rte_validate_tx_offload refuses it", what, k);
}

/* Compare @nout chains with the reference, then free them. With
 * @all_kinds, every kind of the stream must have merged somewhere. */
static void compare(struct rte_mbuf **out, size_t nout, const char *what, int all_kinds)
{
	static uint8_t buf[1 << 17];
	size_t merged = 0, kmerged[K_NKINDS] = { 0 };

	CHECK(nout == nref, "%s: %zu packets out, the deliver hook got %zu", what, nout, nref);
	for (size_t k = 0; k < nout && k < nref; k++) {
		struct rte_mbuf *m = out[k], *s;
		const struct ref_pkt *r = &ref[k];
		const struct frame *x = &fr[r->head];
		uint32_t n;
		const char *why = NULL;
		int j = 0;

		CHECK(*idx_of(m) == r->head, "%s %zu: head is frame %d, want %d", what, k, *idx_of(m),
		      r->head);
		if (x->special) {
			/* Passed through as it came: same mbuf, same bytes. */
			n = chain_bytes(m, buf, sizeof(buf));
			CHECK(n == x->len && !memcmp(buf, x->bytes, n),
			      "%s %zu: an mbuf libgro must not change came out changed", what, k);
			CHECK(m->nb_segs == (x->special == S_CHAIN ? 2 : 1), "%s %zu: nb_segs changed", what, k);
			continue;
		}
		n = chain_bytes(m, buf, sizeof(buf));
		CHECK(n == r->len && n == m->pkt_len && !memcmp(buf, r->bytes, r->len),
		      "%s %zu: chain bytes differ from the deliver hook's (%u / %u bytes)", what, k, n,
		      r->len);
		CHECK(m->nb_segs == r->nsegs, "%s %zu: nb_segs %u, want %u", what, k, m->nb_segs, r->nsegs);
		CHECK(rte_mbuf_check(m, 1, &why) == 0, "%s %zu: rte_mbuf_check: %s", what, k, why);
		for (s = m; s; s = s->next, j++) {
			CHECK(rte_mbuf_refcnt_read(s) == 1, "%s %zu: refcnt %u", what, k,
			      rte_mbuf_refcnt_read(s));
			CHECK(j >= 64 || *idx_of(s) == r->frames[j], "%s %zu: span %d is the wrong frame",
			      what, k, j);
		}
		if (r->gso_segs > 1) {
			merged++;
			kmerged[x->kind]++;
			expect_offload(m, x, what, k);
			CHECK(rte_net_intel_cksum_prepare(m) == 0,
			      "%s %zu: rte_net_intel_cksum_prepare refuses it", what, k);
		} else {
			CHECK(!(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK) && m->tso_segsz == 0,
			      "%s %zu: a packet passed through got offload flags", what, k);
		}
	}
	CHECK(merged > 100, "%s: only %zu merged packets", what, merged);
	for (int kd = 0; kd < K_NKINDS && all_kinds; kd++)
		CHECK(kmerged[kd] > 0, "%s: nothing of kind %d merged", what, kd);
	printf("dpdk-check: %s: %zu packets out of %zu mbufs, %zu merged\n", what, nout, nfr, merged);
	for (size_t k = 0; k < nout; k++)
		rte_pktmbuf_free(out[k]);
}

/* Free what the test itself still holds (the second reference of the
 * shared mbufs). */
static void free_extra(struct rte_mbuf **in)
{
	for (size_t i = 0; i < nfr; i++)
		if (fr[i].special == S_SHARED)
			rte_pktmbuf_free(in[i]);
}

static void expect_pool_full(const char *what)
{
	CHECK(rte_mempool_in_use_count(pool) == 0, "%s: %u mbufs not back in the pool", what,
	      rte_mempool_in_use_count(pool));
}

static void run_adapter(const struct gro_config *base, const struct sched *s, const char *what,
			void *ctx_from_param, int all_kinds)
{
	static struct rte_mbuf *in[NFR], *out[MAXOUT + 256], *burst[512];
	struct gro_dpdk *g = ctx_from_param;
	size_t nout = 0;
	unsigned b = 0;

	if (!g && gro_dpdk_create(base, &g)) {
		fprintf(stderr, "gro_dpdk_create: %s\n", gro_config_error());
		exit(1);
	}
	for (size_t i = 0; i < nfr; i++)
		in[i] = make_mbuf(i);
	for (size_t i = 0; i < nfr; b++) {
		unsigned n = burst_len(s, b), got;

		if (n > nfr - i)
			n = (unsigned)(nfr - i);
		memcpy(burst, in + i, n * sizeof(*burst));
		i += n;
		if (!s->heavy) {
			got = gro_dpdk_reassemble_burst(burst, (uint16_t)n, g);
			CHECK(got <= n, "%s: reassemble_burst returned more than it got", what);
			CHECK(gro_dpdk_get_pkt_count(g) == 0, "%s: the lightweight form holds nothing", what);
			memcpy(out + nout, burst, got * sizeof(*out));
			nout += got;
			continue;
		}
		got = gro_dpdk_reassemble(burst, (uint16_t)n, g);
		CHECK(got <= n, "%s: reassemble returned more than it got", what);
		memcpy(out + nout, burst, got * sizeof(*out));
		nout += got;
		if (b % s->every == s->every - 1) {
			/* A small array: what does not fit waits, and every
			 * other flush leaves it to the next call. */
			do {
				got = gro_dpdk_timeout_flush(g, 0, RTE_GRO_TCP_IPV4, out + nout, 5);
				nout += got;
			} while (got == 5 && (b / s->every) % 2);
		}
	}
	while (gro_dpdk_get_pkt_count(g)) {
		unsigned got = gro_dpdk_timeout_flush(g, 0, RTE_GRO_TCP_IPV4, out + nout, 64);

		CHECK(got > 0, "%s: a flush with packets held returns some", what);
		if (!got)
			break;
		nout += got;
	}
	gro_dpdk_ctx_destroy(g);
	compare(out, nout, what, all_kinds);
	free_extra(in);
	expect_pool_full(what);
}

/* Destroying a context that holds flows and pending packets frees them. */
static void destroy_holding(const struct gro_config *base)
{
	static struct rte_mbuf *in[NFR];
	struct rte_mbuf *out[4];
	struct gro_dpdk *g;
	uint16_t got;

	if (gro_dpdk_create(base, &g))
		exit(1);
	for (size_t i = 0; i < 200; i++)
		in[i] = make_mbuf(i);
	got = gro_dpdk_reassemble(in, 200, g);
	for (uint16_t k = 0; k < got; k++)
		rte_pktmbuf_free(in[k]);
	CHECK(gro_dpdk_get_pkt_count(g) > 0, "destroy: flows held");
	got = gro_dpdk_timeout_flush(g, 0, 0, out, 4);
	CHECK(got == 4 && gro_pending(g->gro) > 0, "destroy: packets pending after a short flush");
	for (uint16_t k = 0; k < got; k++)
		rte_pktmbuf_free(out[k]);
	/* Something held again, beside what is pending. */
	for (size_t i = 200; i < 260; i++)
		in[i] = make_mbuf(i);
	got = gro_dpdk_reassemble(in + 200, 60, g);
	for (uint16_t k = 0; k < got; k++)
		rte_pktmbuf_free(in[200 + k]);
	gro_dpdk_ctx_destroy(g);
	for (size_t i = 0; i < 260; i++)
		if (fr[i].special == S_SHARED)
			rte_pktmbuf_free(in[i]);
	expect_pool_full("destroy with flows held and packets pending");
	printf("dpdk-check: destroy with flows held and packets pending: every mbuf back\n");
}

/* The age limit of gro_dpdk_timeout_flush(): a flow younger than it stays. */
static void timeout_ages(const struct gro_config *base)
{
	struct rte_mbuf *m[2], *out[4];
	struct gro_dpdk *g;
	size_t i;
	uint16_t got;

	if (gro_dpdk_create(base, &g))
		exit(1);
	for (i = 0; i < nfr && (fr[i].kind != K_V4 || fr[i].special || fr[i].len < 1000); i++)
		;
	m[0] = make_mbuf(i);
	got = gro_dpdk_reassemble(m, 1, g);
	CHECK(got == 0 && gro_dpdk_get_pkt_count(g) == 1, "timeout: one flow held");
	got = gro_dpdk_timeout_flush(g, rte_get_tsc_hz() * 1000, 0, out, 4);
	CHECK(got == 0 && gro_dpdk_get_pkt_count(g) == 1, "timeout: a young flow stays held");
	got = gro_dpdk_timeout_flush(g, 0, 0, out, 4);
	CHECK(got == 1 && out[0] == m[0] && gro_dpdk_get_pkt_count(g) == 0,
	      "timeout: age limit 0 flushes it");
	rte_pktmbuf_free(out[0]);
	gro_dpdk_ctx_destroy(g);
	expect_pool_full("timeout");
}

int main(int argc, char **argv)
{
	char *eal[] = { argv[0], "--no-huge", "--no-pci", "-m", "256", "--no-shconf",
			"--no-telemetry", "-l", "0", "--log-level", "lib.*:error", NULL };
	struct gro_config cfg;
	struct rte_gro_param prm = { .gro_types = RTE_GRO_TCP_IPV4 | RTE_GRO_IPV4_VXLAN_TCP_IPV4,
				     .max_flow_num = 64, .max_item_per_flow = 32 };
	const struct sched light = { 0, 32, 1 }, heavy = { 1, 32, 3 };

	(void)argc;
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		fprintf(stderr, "dpdk-check: rte_eal_init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("gro_check", 8191, 0, RTE_MBUF_PRIV_ALIGN, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (!pool) {
		fprintf(stderr, "dpdk-check: no mempool\n");
		return 1;
	}
	make_stream();

	gro_config_init(&cfg);
	cfg.hash_seed = 99;
	cfg.udp = GRO_UDP_L4;
	cfg.tunnels[0] = (struct gro_udp_tunnel){ GRO_VXLAN_PORT, GRO_TUNNEL_VXLAN };
	cfg.tunnels[1] = (struct gro_udp_tunnel){ GRO_GENEVE_PORT, GRO_TUNNEL_GENEVE };
	cfg.max_flows = 64;
	cfg.buckets = 1;

	run_reference(&cfg, &light);
	run_adapter(&cfg, &light, "lightweight (gro_dpdk_reassemble_burst)", NULL, 1);
	run_reference(&cfg, &heavy);
	run_adapter(&cfg, &heavy, "heavyweight (gro_dpdk_reassemble, gro_dpdk_timeout_flush)", NULL, 1);

	/* gro_dpdk_ctx_create(): rte_gro's parameters; no UDP GRO, VXLAN
	 * only (GENEVE passes through). */
	cfg.udp = GRO_UDP_OFF;
	cfg.tunnels[1] = (struct gro_udp_tunnel){ 0, GRO_TUNNEL_NONE };
	run_reference(&cfg, &heavy);
	run_adapter(&cfg, &heavy, "heavyweight from rte_gro_param", gro_dpdk_ctx_create(&prm), 0);

	cfg.udp = GRO_UDP_L4;
	cfg.tunnels[1] = (struct gro_udp_tunnel){ GRO_GENEVE_PORT, GRO_TUNNEL_GENEVE };
	destroy_holding(&cfg);
	timeout_ages(&cfg);

	{
		struct gro_dpdk *g;
		struct gro_config bad = cfg;

		bad.fraglist = 1;
		CHECK(gro_dpdk_create(&bad, &g) == GRO_EINVAL, "fraglist GRO is refused");
	}
	for (size_t i = 0; i < nref; i++)
		free(ref[i].bytes);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	printf("dpdk-check: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
