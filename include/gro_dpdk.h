/* SPDX-License-Identifier: MIT */
/*
 * libgro for DPDK applications: mbufs in, mbuf chains out, in the shape of
 * DPDK's rte_gro calls. Header only: it needs <gro.h> and libgro, and
 * DPDK's headers (22.11 or later; the application links DPDK anyway).
 *
 *	rte_gro (DPDK)                          gro_dpdk (this header)
 *	g = rte_gro_ctx_create(&param)          g = gro_dpdk_ctx_create(&param)
 *	n = rte_gro_reassemble_burst(p, n, &param)  n = gro_dpdk_reassemble_burst(p, n, g)
 *	n = rte_gro_reassemble(p, n, g)         n = gro_dpdk_reassemble(p, n, g)
 *	n = rte_gro_timeout_flush(g, t, types, out, max)
 *	                                        n = gro_dpdk_timeout_flush(g, t, types, out, max)
 *	rte_gro_get_pkt_count(g)                gro_dpdk_get_pkt_count(g)
 *	rte_gro_ctx_destroy(g)                  gro_dpdk_ctx_destroy(g)
 *
 * The one difference in the calls: the lightweight mode needs a context
 * too, made once (libgro allocates everything at creation, never per
 * burst). What comes out differs more: the packets merged are those Linux
 * merges (TCP over IPv4 and IPv6, over VLANs and IP-in-IP, GRE, VXLAN
 * tunnels; checksums verified unless the NIC said they are good), and
 * every merged packet is ready to be sent again with TSO:
 *
 * - it is a chain of the original mbufs, none copied: the first mbuf keeps
 *   the whole first frame, with its headers completed (IP lengths, IPv4
 *   header checksum, the TCP checksum holding the pseudo-header sum as
 *   Linux leaves it); each following mbuf starts at its segment's payload
 *   (its headers are skipped by moving data_off, the bytes are untouched);
 * - the head has nb_segs and pkt_len of the chain, tso_segsz (the segment
 *   size), l2_len, l3_len, l4_len, and in ol_flags RTE_MBUF_F_TX_TCP_SEG
 *   (or RTE_MBUF_F_TX_UDP_SEG | RTE_MBUF_F_TX_UDP_CKSUM for UDP GRO) with
 *   RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM or RTE_MBUF_F_TX_IPV6;
 *   a tunnelled packet also has outer_l2_len, outer_l3_len, the tunnel
 *   type (RTE_MBUF_F_TX_TUNNEL_VXLAN, _GENEVE, _GRE, _IPIP), and
 *   RTE_MBUF_F_TX_OUTER_IPV4 | RTE_MBUF_F_TX_OUTER_IP_CKSUM or
 *   RTE_MBUF_F_TX_OUTER_IPV6 (+ RTE_MBUF_F_TX_OUTER_UDP_CKSUM when the
 *   outer UDP checksum is set), with l2_len from the outer L4 header to
 *   the inner IP header, as DPDK counts them. Other transmit flags are
 *   cleared, receive flags kept;
 * - as DPDK requires for these offloads, pass it through rte_eth_tx_prepare()
 *   before rte_eth_tx_burst(): the driver then writes the checksum fields
 *   its NIC wants (for most, the pseudo-header sum without the length).
 *
 * A packet that was not merged comes out as the mbuf that went in,
 * untouched. Mbufs libgro must not change are passed through that way
 * without being looked at: chains (nb_segs > 1), indirect or external
 * mbufs, and mbufs with a reference count above 1 (their data is shared);
 * libgro counts them as malformed (gro_get_stats()).
 *
 * Ownership is DPDK's: every mbuf given to a call comes back exactly once,
 * in a packet out (alone or in a chain, to be freed as a chain by
 * rte_pktmbuf_free()) or, for those still held or pending at
 * gro_dpdk_ctx_destroy(), freed there. Reference counts are not touched.
 *
 * Time: contexts count in TSC cycles (rte_rdtsc()), as rte_gro's
 * heavyweight mode does: gro_dpdk_timeout_flush() completes the flows
 * held for at least timeout_cycles.
 *
 * For the pull calls of gro.h directly (gro_receive_pull() on frames from
 * gro_dpdk_frame(), then gro_dpdk_chain() on each packet out), create the
 * context with gro_dpdk_create(), which refuses what cannot become one
 * mbuf chain.
 */
#ifndef LIBGRO_GRO_DPDK_H
#define LIBGRO_GRO_DPDK_H

#include <errno.h>
#include <stdlib.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_gro.h>
#include <rte_mbuf.h>

#include <gro.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Frames handed to libgro per call, at most (gro_config.batch of the
 * contexts made here); a longer burst is taken in steps of this many. */
#define GRO_DPDK_BURST	256u

/* The age limit of a flush is given per call, libgro's per context: the
 * context's limit is this, and a flush is asked for at a time moved by it
 * (see gro_dpdk_timeout_flush()). */
#define GRO_DPDK_AGE_BIAS	(1ull << 62)

struct gro_dpdk {
	struct gro_ctx *gro;
	struct gro_frame fr[GRO_DPDK_BURST];
	struct gro_pkt pk[GRO_DPDK_BURST];
	struct gro_udp_tunnel tunnels[GRO_UDP_TUNNELS];
};

/* The frame of mbuf @m, its cookie @m: the receive hash and the NIC's
 * "L4 checksum good" come along; an mbuf libgro must not change gets a
 * length of 0, so that it passes through untouched. */
static inline void gro_dpdk_frame(struct rte_mbuf *m, struct gro_frame *f)
{
	int mine = m->nb_segs == 1 && RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;

	f->data = rte_pktmbuf_mtod(m, uint8_t *);
	f->len = mine ? m->data_len : 0;
	f->rxhash = (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH) ? m->hash.rss : 0;
	f->flags = (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD ?
		   GRO_FRAME_CSUM_OK : 0;
	f->cookie = m;
}

/* The transmit offload flags and lengths of super-packet @p, on @head. */
static inline void gro_dpdk_offload(const struct gro_dpdk *g, const struct gro_pkt *p,
				    struct rte_mbuf *head)
{
	const uint8_t *d = p->data;
	uint64_t fl = head->ol_flags & ~RTE_MBUF_F_TX_OFFLOAD_MASK;
	uint16_t l2 = p->l3_off;

	if (d[p->l3_off] >> 4 == 4)
		fl |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		fl |= RTE_MBUF_F_TX_IPV6;
	if (p->gso_type & GRO_GSO_UDP_L4)
		fl |= RTE_MBUF_F_TX_UDP_SEG | RTE_MBUF_F_TX_UDP_CKSUM;
	else
		fl |= RTE_MBUF_F_TX_TCP_SEG;

	if (p->encap) {
		/* DPDK sees one level of tunnel: the outer L2 and L3
		 * headers, then l2_len from there to the inner IP header
		 * (outer UDP + VXLAN + inner Ethernet, GRE [+ Ethernet], or
		 * nothing for IP-in-IP). */
		uint16_t o3 = p->outer_l3_off;
		uint16_t o3len = (uint16_t)((p->outer_l4_off ? p->outer_l4_off : p->l3_off) - o3);

		head->outer_l2_len = o3;
		head->outer_l3_len = o3len;
		l2 = (uint16_t)(p->l3_off - o3 - o3len);
		if (d[o3] >> 4 == 4)
			fl |= RTE_MBUF_F_TX_OUTER_IPV4 | RTE_MBUF_F_TX_OUTER_IP_CKSUM;
		else
			fl |= RTE_MBUF_F_TX_OUTER_IPV6;
		if (p->gso_type & (GRO_GSO_UDP_TUNNEL | GRO_GSO_UDP_TUNNEL_CSUM)) {
			uint16_t port = (uint16_t)(d[p->outer_l4_off + 2] << 8 | d[p->outer_l4_off + 3]);
			uint64_t t = RTE_MBUF_F_TX_TUNNEL_VXLAN;

			for (unsigned i = 0; i < GRO_UDP_TUNNELS; i++)
				if (g->tunnels[i].port == port && g->tunnels[i].type == GRO_TUNNEL_GENEVE)
					t = RTE_MBUF_F_TX_TUNNEL_GENEVE;
			fl |= t;
			if (p->gso_type & GRO_GSO_UDP_TUNNEL_CSUM)
				fl |= RTE_MBUF_F_TX_OUTER_UDP_CKSUM;
		} else if (p->gso_type & (GRO_GSO_GRE | GRO_GSO_GRE_CSUM)) {
			fl |= RTE_MBUF_F_TX_TUNNEL_GRE;
		} else {
			fl |= RTE_MBUF_F_TX_TUNNEL_IPIP;
		}
	}
	head->l2_len = l2;
	head->l3_len = (uint16_t)(p->l4_off - p->l3_off);
	head->l4_len = (uint16_t)(p->hdr_len - p->l4_off);
	head->tso_segsz = p->gso_size;
	head->ol_flags = fl;
}

/* The mbuf (chain) of packet @p, delivered by a context of @g: the frame's
 * own mbuf for a packet passed through, else its mbufs chained, each
 * starting at its span, with the offload fields above. */
static inline struct rte_mbuf *gro_dpdk_chain(const struct gro_dpdk *g, const struct gro_pkt *p)
{
	struct rte_mbuf *head = (struct rte_mbuf *)p->segs[0].cookie, *prev = head;

	if (p->gso_segs <= 1)
		return head;
	for (uint32_t i = 1; i < p->nsegs; i++) {
		struct rte_mbuf *m = (struct rte_mbuf *)p->segs[i].cookie;

		m->data_off = (uint16_t)(p->segs[i].data - (uint8_t *)m->buf_addr);
		m->data_len = (uint16_t)p->segs[i].len;
		m->pkt_len = p->segs[i].len;
		prev->next = m;
		prev = m;
	}
	prev->next = NULL;
	head->nb_segs = (uint16_t)p->nsegs;
	head->pkt_len = p->len;
	gro_dpdk_offload(g, p, head);
	return head;
}

/* Mbufs still held or pending when a context is destroyed. */
static inline void gro_dpdk_release(void *arg, const struct gro_seg *segs, unsigned n)
{
	(void)arg;
	for (unsigned i = 0; i < n; i++)
		rte_pktmbuf_free((struct rte_mbuf *)segs[i].cookie);
}

/* A context for these calls from @cfg (NULL: gro_config_init()'s): pull
 * mode (deliver must be NULL), GRO_DPDK_BURST frames per call, its release
 * hook freeing mbufs, ages in TSC cycles. Fraglist GRO (cfg.fraglist,
 * GRO_UDP_FRAGLIST) is refused: a list of packets is not one TSO send.
 * Returns GRO_OK and sets *out, GRO_EINVAL (see gro_config_error()) or
 * GRO_ENOMEM. */
static inline int gro_dpdk_create(const struct gro_config *cfg, struct gro_dpdk **out)
{
	struct gro_config c;
	struct gro_dpdk *g;
	int err;

	if (!out)
		return GRO_EINVAL;
	*out = NULL;
	if (cfg)
		c = *cfg;
	else
		gro_config_init(&c);
	if (c.deliver || c.release || c.fraglist || c.udp == GRO_UDP_FRAGLIST)
		return GRO_EINVAL;
	c.batch = GRO_DPDK_BURST;
	c.release_batch = gro_dpdk_release;
	c.flush_timeout_ns = GRO_DPDK_AGE_BIAS;
	g = (struct gro_dpdk *)calloc(1, sizeof(*g));
	if (!g)
		return GRO_ENOMEM;
	err = gro_create(&c, &g->gro);
	if (err) {
		free(g);
		return err;
	}
	memcpy(g->tunnels, c.tunnels, sizeof(g->tunnels));
	*out = g;
	return GRO_OK;
}

/* rte_gro_ctx_create(): a context for @param's max_flow_num flows, any of
 * which may take any slot (rte_gro's table has no buckets), with VXLAN on
 * port 4789 when gro_types has RTE_GRO_IPV4_VXLAN_TCP_IPV4. TCP over IPv4
 * and IPv6 is always merged; rte_gro's UDP types (IPv4 fragments) are not
 * libgro's and are ignored. socket_id is not used. NULL on failure. */
static inline void *gro_dpdk_ctx_create(const struct rte_gro_param *param)
{
	struct gro_config c;
	struct gro_dpdk *g;

	gro_config_init(&c);
	if (param) {
		c.max_flows = param->max_flow_num ? param->max_flow_num : 1;
		c.buckets = 1;
		if (param->gro_types & RTE_GRO_IPV4_VXLAN_TCP_IPV4)
			c.tunnels[0] = (struct gro_udp_tunnel){ GRO_VXLAN_PORT, GRO_TUNNEL_VXLAN };
	}
	return gro_dpdk_create(&c, &g) == GRO_OK ? g : NULL;
}

/* rte_gro_ctx_destroy(): frees the mbufs still held or pending. */
static inline void gro_dpdk_ctx_destroy(void *ctx)
{
	struct gro_dpdk *g = (struct gro_dpdk *)ctx;

	if (!g)
		return;
	gro_destroy(g->gro);
	free(g);
}

/* Chains of @got packets of g->pk, into @out. */
static inline void gro_dpdk_out(const struct gro_dpdk *g, int got, struct rte_mbuf **out)
{
	for (int k = 0; k < got; k++)
		out[k] = gro_dpdk_chain(g, &g->pk[k]);
}

/*
 * Offer @nb_pkts mbufs; write the packets this completes (and those
 * pending from before) over pkts[], at most one per mbuf offered, in
 * order. Returns how many. Each step of up to GRO_DPDK_BURST mbufs has
 * room for as many packets out as it takes mbufs, so libgro never refuses
 * it (see "Pull mode" in gro.h); what does not fit waits for the next call.
 */
static inline uint16_t gro_dpdk_receive(struct gro_dpdk *g, struct rte_mbuf **pkts,
					uint16_t nb_pkts, uint64_t now)
{
	unsigned done = 0, nout = 0;

	while (done < nb_pkts) {
		unsigned n = nb_pkts - done < GRO_DPDK_BURST ? nb_pkts - done : GRO_DPDK_BURST;
		int got;

		for (unsigned i = 0; i < n; i++)
			gro_dpdk_frame(pkts[done + i], &g->fr[i]);
		got = gro_receive_pull(g->gro, g->fr, n, now, g->pk, n);
		if (unlikely(got < 0)) {
			/* Cannot happen (see above); were it to, the mbufs
			 * not taken go out as they came, as rte_gro returns
			 * what its table cannot take. */
			for (unsigned i = 0; i < n; i++)
				pkts[nout++] = pkts[done + i];
		} else {
			/* nout <= done: the mbufs written over are taken. */
			gro_dpdk_out(g, got, pkts + nout);
			nout += (unsigned)got;
		}
		done += n;
	}
	return (uint16_t)nout;
}

/* Up to @max pending packets into @out. */
static inline unsigned gro_dpdk_drain(struct gro_dpdk *g, struct rte_mbuf **out, unsigned max)
{
	unsigned nout = 0;

	while (nout < max && gro_pending(g->gro)) {
		unsigned m = max - nout < GRO_DPDK_BURST ? max - nout : GRO_DPDK_BURST;
		int got = gro_pull(g->gro, g->pk, m);

		if (got <= 0)
			break;
		gro_dpdk_out(g, got, out + nout);
		nout += (unsigned)got;
	}
	return nout;
}

/*
 * rte_gro_reassemble_burst(), with a context from gro_dpdk_ctx_create()
 * in place of the parameters: merge the @nb_pkts mbufs among themselves,
 * write the packets out over pkts[] in completion order, and return how
 * many (at most nb_pkts). Nothing is held after the call, as long as the
 * context is used for nothing else.
 */
static inline uint16_t gro_dpdk_reassemble_burst(struct rte_mbuf **pkts, uint16_t nb_pkts,
						 void *ctx)
{
	struct gro_dpdk *g = (struct gro_dpdk *)ctx;
	uint64_t now = rte_rdtsc();
	unsigned nout = gro_dpdk_receive(g, pkts, nb_pkts, now);
	int got;

	got = gro_flush_pull(g->gro, now, GRO_FLUSH_ALL, g->pk,
			     nb_pkts - nout < GRO_DPDK_BURST ? nb_pkts - nout : GRO_DPDK_BURST);
	if (got > 0) {
		gro_dpdk_out(g, got, pkts + nout);
		nout += (unsigned)got;
	}
	return (uint16_t)(nout + gro_dpdk_drain(g, pkts + nout, nb_pkts - nout));
}

/*
 * rte_gro_reassemble(): offer @nb_pkts mbufs to the context, which holds
 * them across calls. Unlike rte_gro, which returns only the mbufs it did
 * not take, the packets completed on the way (a flow ended by a segment
 * with PSH, a short one, a mismatch, an eviction) come back too: over
 * pkts[], at most nb_pkts, in completion order, the rest at the next call
 * or flush. Returns how many.
 */
static inline uint16_t gro_dpdk_reassemble(struct rte_mbuf **pkts, uint16_t nb_pkts, void *ctx)
{
	return gro_dpdk_receive((struct gro_dpdk *)ctx, pkts, nb_pkts, rte_rdtsc());
}

/*
 * rte_gro_timeout_flush(): complete the flows held for at least
 * @timeout_cycles (0: all), bucket by bucket, oldest first, and write up
 * to @max_nb_out packets into @out, those pending first. The rest stays
 * pending, for the next call. @gro_types is not used: every kind is
 * flushed. Returns how many were written.
 */
static inline uint16_t gro_dpdk_timeout_flush(void *ctx, uint64_t timeout_cycles,
					      uint64_t gro_types, struct rte_mbuf **out,
					      uint16_t max_nb_out)
{
	struct gro_dpdk *g = (struct gro_dpdk *)ctx;
	uint64_t t = timeout_cycles < GRO_DPDK_AGE_BIAS ? timeout_cycles : GRO_DPDK_AGE_BIAS - 1;
	unsigned nout = 0;
	int got;

	(void)gro_types;
	/* A flow held since @age is flushed when now' - age >= BIAS, the
	 * context's limit: with now' = now - t + BIAS, when now - age >= t. */
	got = gro_flush_pull(g->gro, rte_rdtsc() - t + GRO_DPDK_AGE_BIAS, GRO_FLUSH_TIMEOUT,
			     g->pk, max_nb_out < GRO_DPDK_BURST ? max_nb_out : GRO_DPDK_BURST);
	if (got > 0) {
		gro_dpdk_out(g, got, out);
		nout = (unsigned)got;
	}
	return (uint16_t)(nout + gro_dpdk_drain(g, out + nout, max_nb_out - nout));
}

/* rte_gro_get_pkt_count(): packets a flush of everything would return:
 * flows held and packets pending. */
static inline uint64_t gro_dpdk_get_pkt_count(void *ctx)
{
	struct gro_dpdk *g = (struct gro_dpdk *)ctx;

	return (uint64_t)gro_held(g->gro) + gro_pending(g->gro);
}

#ifdef __cplusplus
}
#endif
#endif /* LIBGRO_GRO_DPDK_H */
