// SPDX-License-Identifier: MIT
/*
 * TCP: tcp4/6_gro_receive, tcp_gro_receive and tcp4/6_gro_complete.
 *
 * A segment joins its flow only if everything TCP says about the stream is
 * unchanged (flags but FIN/PSH/CWR, window, ACK, every option byte), the IP
 * fields agree, it starts exactly where the flow ends, and it is no longer
 * than the first segment (the mss). Whether or not it joined, a segment
 * shorter than the mss, or one with PSH, FIN, URG, RST or SYN, ends the
 * flow: what comes after it cannot be a continuation.
 *
 * Fraglist GRO (gro_config.fraglist, Linux's forwarded TCP on a device
 * with rx-gro-list) keeps the segments as a list: the same rules, and
 * every flag equal to the first segment's, at most 64 segments, within
 * 64 KiB counting each one's headers; no checksum is touched.
 */
#include "layer.h"

#define TCP_FLAGS_END	(TCP_URG | TCP_PSH | TCP_RST | TCP_SYN | TCP_FIN)

static bool tcp_flist(const struct gro_ctx *ctx)
{
	return ctx->cfg.fraglist;
}

/* The fields every segment of a flow must share with its first. */
static uint32_t tcp_differs(const struct gro_cb *cb, const uint8_t *th, const uint8_t *head,
			    struct gro_flow *f)
{
	const uint8_t *th2 = head + f->l4_off;
	uint32_t thlen = cb->hdr_len - cb->l4_off, i;
	uint32_t flush;

	/* CWR marks a congestion window cut. In 6.18 a segment carrying it
	 * never joins a packet, and nothing joins it either (CWR is compared
	 * with the rest of the flags): TCP sees every CWR segment on its own,
	 * as Accurate ECN needs (seen on the live kernel). */
	flush = th[13] & TCP_CWR;
	/* Data offset, flags and window; FIN and PSH may only appear on the
	 * last segment. */
#ifdef GRO_LINUX_612_RULES
	/* 6.12: CWR ignored in the comparison, so a CWR segment that starts
	 * a packet is joined by the segments after it. */
	flush |= (rd32(th + 12) ^ rd32(th2 + 12)) & ~((uint32_t)(TCP_FIN | TCP_PSH | TCP_CWR) << 16);
#else
	flush |= (rd32(th + 12) ^ rd32(th2 + 12)) & ~((uint32_t)(TCP_FIN | TCP_PSH) << 16);
#endif
	flush |= ld32(th + 8) ^ ld32(th2 + 8);
	/* Options byte for byte (timestamps included): with the data offsets
	 * equal, both headers have thlen bytes. */
	if (!flush) {
		for (i = 20; i + 8 <= thlen; i += 8)
			flush |= (uint32_t)((ld64(th + i) ^ ld64(th2 + i)) != 0);
		if (i < thlen)
			flush |= ld32(th + i) ^ ld32(th2 + i);
	}
	flush |= gro_network_flush(cb, head, f);
	/* A segment longer than the first cannot be cut back at the same
	 * boundaries; an empty one carries nothing to merge. */
	flush |= (cb->l4.seg.paylen - 1) >= f->gso_size;
	flush |= f->l4.seg.next_seq ^ rd32(th + 4);
	return flush;
}

static struct gro_flow *tcp_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	struct gro_flow *p;
	const uint8_t *th;
	uint32_t thlen, mss = 1, flush, paylen;
	uint8_t flags;

	/* Not worth summing a segment that is going up unmerged anyway. */
	if (!cb->flush && !(cb->fflags & GRO_FRAME_CSUM_OK) && !gro_l4_csum_ok(cb, GRO_IPPROTO_TCP)) {
		gro_cb_flush(cb, GRO_R_L4_CSUM);
		return NULL;
	}
	if (cb->off + 20 > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	th = cb->data + cb->off;
	thlen = (th[12] >> 4) * 4u;
	/* Header offsets are kept in 16 bits, as skb offsets are: a header
	 * ending past 64 KiB (extension headers in a jumbo frame) cannot be
	 * described, so the frame goes up as it came. */
	if (thlen < 20 || cb->off + thlen > cb->len || cb->off + thlen > 0xffff) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	gro_cb_key(cb, cb->stack[cb->nstack - 1], cb->off, cb->off + thlen);
	cb->l4_off = (uint16_t)cb->off;
	cb->hdr_len = (uint16_t)(cb->off + thlen);
	cb->off += thlen;
	paylen = cb->l4.seg.paylen = cb->len - cb->hdr_len;
	cb->l4.seg.next_seq = rd32(th + 4) + paylen;
	cb->flist = tcp_flist(ctx);
	flags = th[13];

	p = gro_flow_lookup(ctx, cb);
	if (p) {
		uint8_t *head = p->head;

		flush = tcp_differs(cb, th, head, p);
		/* A list keeps every header as it came: no flag may differ. */
		if (p->flist)
			flush |= rd32(th + 12) ^ rd32(head + p->l4_off + 12);
		if (flush) {
			cb->pp_reason = GRO_R_MISMATCH;
		} else if (cb->flush) {
			/* An IP-level flush (length, reserved bit) ends the flow. */
			cb->pp_reason = GRO_R_MISMATCH;
		} else if (p->flist ? gro_list_full(ctx, p, cb) :
			   gro_too_big(p->tot, p->count, paylen, gro_cb_size_limit(ctx, cb, true),
				       ctx->seg_cap)) {
			cb->pp_reason = GRO_R_SIZE;
		} else {
			mss = p->gso_size;
			gro_flow_append(ctx, p, cb->data + cb->hdr_len, paylen, cb->cookie);
			p->l4.seg.next_seq += paylen;
			cb->merged = true;
			if (!p->flist)
				head[p->l4_off + 13] |= flags & (TCP_FIN | TCP_PSH);
		}
	}

	/* The run ends at a short segment or one that closes the push. */
	flush = paylen < mss;
	flush |= flags & TCP_FLAGS_END;
	if (flush) {
		if (cb->merged)
			cb->pp_reason = (flags & TCP_FLAGS_END) ? GRO_R_PUSH : GRO_R_SHORT;
		else
			gro_cb_flush(cb, !paylen ? GRO_R_NO_PAYLOAD : GRO_R_FLAGS);
	}
	if (p && (!cb->merged || flush))
		return p;
	return NULL;
}

/* tcp4/6_gro_complete + tcp_gro_complete: the checksum field gets the
 * pseudo-header sum over the merged length, to be finished by whoever
 * consumes the packet (CHECKSUM_PARTIAL). A list keeps its checksums,
 * every one verified (CHECKSUM_UNNECESSARY). */
static void tcp_complete(uint8_t *head, uint32_t off, const struct gro_flow *f,
			 struct gro_pkt *pkt, const struct gro_layer *net, uint32_t gso)
{
	uint8_t *th = head + off;
	uint64_t sum;

	pkt->gso_type |= gso;
	if (f->flist) {
		pkt->gso_type |= GRO_GSO_FRAGLIST;
		pkt->csum_valid = 1;
		return;
	}
	sum = net->pseudo(head + pkt->l3_off, f->tot - off, GRO_IPPROTO_TCP);
	wr16(th + 16, gro_csum16_fold(sum));
	pkt->csum_partial = 1;
	pkt->csum_start = (uint16_t)off;
	pkt->csum_offset = 16;
	if (th[13] & TCP_CWR)
		pkt->gso_type |= GRO_GSO_TCP_ECN;
}

static void tcp4_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	(void)ctx;
	(void)level;
	tcp_complete(head, off, f, pkt, &gro_ipv4_layer, GRO_GSO_TCPV4);
}

static void tcp6_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	(void)ctx;
	(void)level;
	tcp_complete(head, off, f, pkt, &gro_ipv6_layer, GRO_GSO_TCPV6);
}

/* tcp_gso_segment: sequence numbers advance by the mss; PSH and FIN belong
 * to the last segment, CWR to the first, unless Accurate ECN counts it on
 * every one; every checksum is computed in full. */
static void tcp_segment(uint8_t *o, uint32_t off, unsigned level, const struct gro_gso *g)
{
	uint8_t *th = o + off;
	uint32_t seq = rd32(g->head + off + 4) + g->i * g->mss;
	uint32_t l4len = g->hdr_len - off + g->plen;

	(void)level;
	wr16(th + 4, (uint16_t)(seq >> 16));
	wr16(th + 6, (uint16_t)seq);
	if (g->i + 1 < g->nseg)
		th[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (g->i && !(g->pkt->gso_type & GRO_GSO_TCP_ACCECN))
		th[13] &= (uint8_t)~TCP_CWR;
	wr16(th + 16, 0);
	wr16(th + 16, gro_csum_of(th, l4len, gro_gso_seed(g, o + g->net_off, off, l4len,
							  GRO_IPPROTO_TCP, 16)));
}

static int tcp_parse(const uint8_t *p, uint32_t len, uint32_t off, struct gro_hdr *h)
{
	uint32_t thlen;

	if (off + 20 > len)
		return -1;
	thlen = (p[off + 12] >> 4) * 4u;
	if (thlen < 20 || off + thlen > len)
		return -1;
	h->len = thlen;
	h->next = 0;
	return 0;
}

/*
 * The rules above for a fast kind: the header equal to the head's but for
 * the sequence number, FIN/PSH, the checksum and the urgent pointer (not
 * compared, as in Linux); the sequence number continuing the flow; CWR,
 * URG, RST and SYN left to the layered path; FIN and PSH end the packet.
 */
static bool tcp_fast(struct gro_fast *k, uint32_t off, uint32_t end, const struct gro_layer *next)
{
	(void)end;
	(void)next;
	gro_fast_mark(k->same, off, 4, 0xff);			/* ports */
	gro_fast_mark(k->same, off + 8, 5, 0xff);		/* ACK, data offset */
	gro_fast_mark(k->same, off + 13, 1, (uint8_t)~(TCP_FIN | TCP_PSH));
	gro_fast_mark(k->same, off + 14, 2, 0xff);		/* window */
	gro_fast_mark(k->same, off + 20, 40, 0xff);		/* options */
	k->l4_off = (uint16_t)off;
	k->hlen_off = (uint16_t)(off + 12);
	k->min_hlen = 20;
	k->usual_hlen = 32;			/* with timestamps */
	k->seq_off = (uint16_t)(off + 4);
	k->flags_off = (uint16_t)(off + 13);
	k->flags_slow = TCP_CWR | TCP_URG | TCP_RST | TCP_SYN;
	k->flags_end = TCP_FIN | TCP_PSH;
	k->flags_nostart = TCP_FLAGS_END;
	k->l4proto = GRO_IPPROTO_TCP;
	return off + 60 <= GRO_FAST_HDR;
}

const struct gro_layer gro_tcp4_layer = {
	.name = "tcp4",
	.proto = GRO_IPPROTO_TCP,
	.class = GRO_LC_TRANSPORT,
	.flist = tcp_flist,
	.receive = tcp_receive,
	.complete = tcp4_complete,
	.segment = tcp_segment,
	.parse = tcp_parse,
	.key = gro_ports_key,
	.fast = tcp_fast,
};

const struct gro_layer gro_tcp6_layer = {
	.name = "tcp6",
	.proto = GRO_IPPROTO_TCP,
	.class = GRO_LC_TRANSPORT,
	.flist = tcp_flist,
	.receive = tcp_receive,
	.complete = tcp6_complete,
	.segment = tcp_segment,
	.parse = tcp_parse,
	.key = gro_ports_key,
	.fast = tcp_fast,
};
