// SPDX-License-Identifier: MIT
/*
 * UDP: udp4/6_gro_receive, udp_gro_receive_segment and udp4/6_gro_complete,
 * and __udp_gso_segment's rewrite of each segment.
 *
 * Linux merges UDP only when asked (gro_config.udp): for a socket with
 * UDP_GRO or for forwarding (GRO_UDP_L4), or as a list on a device with
 * rx-gro-list (GRO_UDP_FRAGLIST). Datagrams of a flow merge while they are
 * the size of the first; a shorter one joins and ends the packet, a longer
 * one ends it and starts the next, since the packet could not be cut back
 * at the same boundaries. A datagram without a checksum is never merged
 * (GSO could not give it back without one), nor one whose UDP length is
 * not its IP payload's (padding). Such frames, and bad checksums, go up as
 * they came and leave the held flow alone, unlike TCP's mismatches.
 */
#include <arpa/inet.h>

#include "layer.h"

#define UDP_HLEN	8

/* UDP goes through this layer when the context merges datagrams or has
 * tunnel ports (Linux: a socket or device asked for GRO, or a tunnel
 * socket listens); only the first makes flows of UDP itself. */
static bool udp_active(const struct gro_ctx *ctx)
{
	return ctx->cfg.udp != GRO_UDP_OFF || ctx->ntunnels;
}

static bool udp_plain(const struct gro_ctx *ctx)
{
	return ctx->cfg.udp != GRO_UDP_OFF;
}

static bool udp_flist(const struct gro_ctx *ctx)
{
	return ctx->cfg.udp == GRO_UDP_FRAGLIST;
}

/* The piece of a tunnel's flow key after its ports: whether the checksum
 * of the UDP header at @off is set (a key piece of length 0 is a word
 * compared as zero or not). */
static inline struct gro_keyseg udp_csum_set_key(uint32_t off)
{
	return (struct gro_keyseg){ (uint16_t)(off + 6), 0, 0xffff };
}

/*
 * udp_gro_receive for a tunnel port: one level of tunnel only, and a
 * checksum that is set must have been verified (a frame flushed before it
 * skipped that, and goes up as is, leaving its flow held). The ports, and
 * whether the checksum is set, are part of the flow; the tunnel header and
 * what it carries decide the rest. The UDP length is not checked: Linux
 * rewrites it on completion, and the inner IP length covers the frame.
 */
static struct gro_flow *udp_tunnel_receive(struct gro_ctx *ctx, struct gro_cb *cb,
					   const struct gro_layer *tun)
{
	const uint8_t *uh = cb->data + cb->off;

	if (cb->encap_mark ||
	    (cb->flush && ld16(uh + 6) && !(cb->fflags & GRO_FRAME_CSUM_OK))) {
		gro_cb_flush(cb, GRO_R_UNHANDLED);
		return NULL;
	}
	cb->encap_mark = 1;
	gro_cb_key(cb, cb->stack[cb->nstack - 1], cb->off, cb->off + UDP_HLEN);
	if (likely(cb->nkey < GRO_KEY_MAX))
		cb->key[cb->nkey++] = udp_csum_set_key(cb->off);
	cb->off += UDP_HLEN;
	return gro_call_receive(ctx, cb, tun);
}

static struct gro_flow *udp_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	const struct gro_layer *tun;
	struct gro_flow *p;
	const uint8_t *uh;
	uint32_t ulen, flush;

	if (cb->off + UDP_HLEN > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	uh = cb->data + cb->off;
	tun = gro_udp_tunnel_find(ctx, (uint16_t)rd16(uh + 2));
	if (!tun && !udp_plain(ctx)) {
		gro_cb_flush(cb, GRO_R_UNHANDLED);
		return NULL;
	}
	/* A zero checksum says there is none: nothing to verify (and the
	 * datagram is not merged below). Not worth summing a frame that is
	 * going up unmerged anyway. */
	if (!cb->flush && ld16(uh + 6) && !(cb->fflags & GRO_FRAME_CSUM_OK) &&
	    !gro_l4_csum_ok(cb, GRO_IPPROTO_UDP)) {
		gro_cb_flush(cb, GRO_R_L4_CSUM);
		return NULL;
	}
	if (tun)
		return udp_tunnel_receive(ctx, cb, tun);
	if (!ld16(uh + 6)) {
		gro_cb_flush(cb, GRO_R_L4_CSUM);
		return NULL;
	}
	ulen = rd16(uh + 4);
	if (ulen <= UDP_HLEN || ulen != cb->len - cb->off) {
		gro_cb_flush(cb, ulen == UDP_HLEN ? GRO_R_NO_PAYLOAD : GRO_R_MALFORMED);
		return NULL;
	}
	gro_cb_key(cb, cb->stack[cb->nstack - 1], cb->off, cb->off + UDP_HLEN);
	cb->l4_off = (uint16_t)cb->off;
	cb->hdr_len = (uint16_t)(cb->off + UDP_HLEN);
	cb->off += UDP_HLEN;
	cb->l4.seg.paylen = ulen - UDP_HLEN;
	cb->l4.seg.next_seq = 0;
	cb->flist = udp_flist(ctx);

	p = gro_flow_lookup(ctx, cb);
	if (!p)
		return NULL;

	/* The network headers as for TCP; a longer datagram, or a frame
	 * that cannot join (an IP-level flush, no room), ends the packet. */
	flush = gro_network_flush(cb, p->head, p);
	if (flush || ulen > rd16(p->head + p->l4_off + 4)) {
		cb->pp_reason = GRO_R_MISMATCH;
		return p;
	}
	/* A list takes only frames whose checksum state is its head's
	 * (ip_summed): one whose check was skipped because of an IP-level
	 * flush goes up alone, and the list stays held. Otherwise that flush
	 * ends the packet, as skb_gro_receive refuses the frame. */
	if (cb->flush && p->flist)
		return NULL;
	if (cb->flush) {
		cb->pp_reason = GRO_R_MISMATCH;
		return p;
	}
	if (p->flist ? gro_list_full(ctx, p, cb) :
	    gro_too_big(p->tot, p->count, cb->l4.seg.paylen, gro_cb_size_limit(ctx, cb, false),
			ctx->seg_cap)) {
		cb->pp_reason = GRO_R_SIZE;
		return p;
	}
	gro_flow_append(ctx, p, cb->data + cb->hdr_len, cb->l4.seg.paylen, cb->cookie);
	cb->merged = true;
	/* A shorter datagram is the last; and the count is capped, so that
	 * a flood of small datagrams cannot grow one packet without end. */
	if (ulen != rd16(p->head + p->l4_off + 4)) {
		cb->pp_reason = GRO_R_SHORT;
		return p;
	}
	if (p->count >= GRO_LIST_SEGS_MAX) {
		cb->pp_reason = GRO_R_SIZE;
		return p;
	}
	return NULL;
}

/* udp4/6_gro_complete + udp_gro_complete_segment: the UDP length covers
 * the merged packet; the checksum field gets the pseudo-header sum over
 * it (CHECKSUM_PARTIAL). A list keeps its checksums, every one verified
 * (CHECKSUM_UNNECESSARY). A tunnel's UDP header (not the packet's
 * innermost transport) gets its length, and its checksum, if set, the
 * pseudo-header sum; the tunnel layer goes on inwards. */
static void udp_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off, unsigned level,
			 const struct gro_flow *f, struct gro_pkt *pkt, const struct gro_layer *net)
{
	uint8_t *uh = head + off;
	uint32_t len = f->tot - off;

	wr16(uh + 4, (uint16_t)len);
	if (off != f->l4_off) {
		if (ld16(uh + 6)) {
			wr16(uh + 6, gro_csum16_fold(net->pseudo(head + pkt->l3_off, len,
								 GRO_IPPROTO_UDP)));
			pkt->gso_type |= GRO_GSO_UDP_TUNNEL_CSUM;
		} else {
			pkt->gso_type |= GRO_GSO_UDP_TUNNEL;
		}
		pkt->outer_l4_off = (uint16_t)off;
		gro_udp_tunnel_find(ctx, (uint16_t)rd16(uh + 2))
			->complete(ctx, head, off + UDP_HLEN, level, f, pkt);
		return;
	}
	pkt->gso_type |= GRO_GSO_UDP_L4;
	if (f->flist) {
		pkt->gso_type |= GRO_GSO_FRAGLIST;
		pkt->csum_valid = 1;
		return;
	}
	wr16(uh + 6, gro_csum16_fold(net->pseudo(head + pkt->l3_off, len, GRO_IPPROTO_UDP)));
	pkt->csum_partial = 1;
	pkt->csum_start = (uint16_t)off;
	pkt->csum_offset = 6;
}

static void udp4_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			  unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	udp_complete(ctx, head, off, level, f, pkt, &gro_ipv4_layer);
}

static void udp6_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			  unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	udp_complete(ctx, head, off, level, f, pkt, &gro_ipv6_layer);
}

/* __udp_gso_segment: each segment's UDP length, and its checksum in full
 * (0 is sent as 0xffff: 0 would say there is none). A partial checksum's
 * seed is moved from the packet's UDP length field to the segment's, as
 * __udp_gso_segment does (csum16_sub(uh->check, uh->len)): the field, not
 * the frame's length, which differs when the frame is padded or the field
 * lies. */
static void udp_segment(uint8_t *o, uint32_t off, unsigned level, const struct gro_gso *g)
{
	uint8_t *uh = o + off;
	uint32_t l4len = g->hdr_len - off + g->plen;
	uint64_t seed;
	uint16_t check;

	(void)level;
	if (off != g->l4_off) {
		/* A tunnel's: the length, and the checksum if it was set,
		 * over the segment's inner headers and payload (the inner
		 * layers have rewritten theirs), as skb_udp_tunnel_segment. */
		wr16(uh + 4, (uint16_t)l4len);
		if (!ld16(g->head + off + 6))
			return;
		wr16(uh + 6, 0);
		check = gro_csum_of(uh, l4len, g->outer_net->pseudo(o + g->outer_net_off, l4len,
								    GRO_IPPROTO_UDP));
		wr16(uh + 6, check ? check : 0xffff);
		return;
	}
	if (g->pkt->csum_partial)
		seed = (uint64_t)htons(rd16(g->head + off + 6)) +
		       htons((uint16_t)~rd16(g->head + off + 4)) + htons((uint16_t)l4len);
	else
		seed = gro_gso_seed(g, o + g->net_off, off, l4len, GRO_IPPROTO_UDP, 6);
	wr16(uh + 4, (uint16_t)l4len);
	wr16(uh + 6, 0);
	check = gro_csum_of(uh, l4len, seed);
	wr16(uh + 6, check ? check : 0xffff);
}

static int udp_parse(const uint8_t *p, uint32_t len, uint32_t off, struct gro_hdr *h)
{
	(void)p;
	if (off + UDP_HLEN > len)
		return -1;
	h->len = UDP_HLEN;
	h->next = 0;
	return 0;
}

/*
 * The rules above for a fast kind: the ports equal to the head's; the
 * UDP length exact (a shorter datagram joins and ends the packet, a longer
 * one goes to the layered path, which ends it); a checksum present; no
 * sequence number and no flags; at most 64 datagrams. (The fast path does
 * not take lists: fraglist contexts have no UDP kinds.)
 */
static bool udp_fast(struct gro_fast *k, uint32_t off, uint32_t end, const struct gro_layer *next)
{
	(void)end;
	if (next && next->class == GRO_LC_TUNNEL) {
		/* A tunnel's UDP header: the ports and the checksum equal to
		 * the head's; a set checksum verified over the datagram on a
		 * start, with the pseudo header of the network layer before
		 * (fastpath.c: the segments after take a shortcut); the
		 * length unchecked, as above; the port a tunnel of the
		 * context's, checked on a start. */
		if (k->tun_port_off || !k->net || off + UDP_HLEN > GRO_FAST_HDR ||
		    k->nkey == sizeof(k->keyseg) / sizeof(k->keyseg[0]))
			return false;
		k->keyseg[k->nkey++] = udp_csum_set_key(off);
		gro_fast_mark(k->same, off, 4, 0xff);
		gro_fast_mark(k->same, off + 6, 2, 0xff);
		k->tun_port_off = (uint16_t)(off + 2);
		k->tun = next;
		k->tun_net = k->net;
		k->tun_l3_off = k->l3_off;
		return true;
	}
	if (k->nlen == GRO_ENCAP_MAX || off + UDP_HLEN > GRO_FAST_HDR)
		return false;
	gro_fast_mark(k->same, off, 4, 0xff);			/* ports */
	k->lenf[k->nlen].off = (uint16_t)(off + 4);
	k->lenf[k->nlen++].base = (uint16_t)off;
	k->l4_off = (uint16_t)off;
	k->hlen_fixed = UDP_HLEN;
	k->min_hlen = UDP_HLEN;
	k->usual_hlen = UDP_HLEN;
	k->nonzero_off = (uint16_t)(off + 6);
	k->max_count = GRO_LIST_SEGS_MAX;
	k->l4proto = GRO_IPPROTO_UDP;
	return true;
}

const struct gro_layer gro_udp4_layer = {
	.name = "udp4",
	.proto = GRO_IPPROTO_UDP,
	.class = GRO_LC_TRANSPORT,
	.active = udp_active,
	.plain = udp_plain,
	.flist = udp_flist,
	.receive = udp_receive,
	.complete = udp4_complete,
	.segment = udp_segment,
	.parse = udp_parse,
	.key = gro_ports_key,
	.fast = udp_fast,
};

const struct gro_layer gro_udp6_layer = {
	.name = "udp6",
	.proto = GRO_IPPROTO_UDP,
	.class = GRO_LC_TRANSPORT,
	.active = udp_active,
	.plain = udp_plain,
	.flist = udp_flist,
	.receive = udp_receive,
	.complete = udp6_complete,
	.segment = udp_segment,
	.parse = udp_parse,
	.key = gro_ports_key,
	.fast = udp_fast,
};
