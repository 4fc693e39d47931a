// SPDX-License-Identifier: MIT
/*
 * TCP: tcp4/6_gro_receive, tcp_gro_receive and tcp_gro_complete.
 *
 * A segment joins its flow only if everything TCP says about the stream is
 * unchanged (flags but FIN/PSH/CWR, window, ACK, every option byte), the IP
 * fields agree, it starts exactly where the flow ends, and it is no longer
 * than the first segment (the mss). Whether or not it joined, a segment
 * shorter than the mss, or one with PSH, FIN, URG, RST or SYN, ends the
 * flow: what comes after it cannot be a continuation.
 */
#include "gro_internal.h"

#define TCP_FLAG_FIN	0x00010000u
#define TCP_FLAG_SYN	0x00020000u
#define TCP_FLAG_RST	0x00040000u
#define TCP_FLAG_PSH	0x00080000u
#define TCP_FLAG_URG	0x00200000u
#define TCP_FLAG_CWR	0x00800000u

#define TCP_FLAGS_END	(TCP_FLAG_URG | TCP_FLAG_PSH | TCP_FLAG_RST | TCP_FLAG_SYN | TCP_FLAG_FIN)

static bool tcp_csum_ok(const struct gro_cb *cb)
{
	uint32_t l4len = cb->len - cb->off;
	uint64_t sum = cb->l3->pseudo(cb->data + cb->l3_off, l4len, 6);

	return gro_csum16_fold(gro_csum_partial(cb->data + cb->off, l4len, sum)) == 0xffff;
}

/* The fields every segment of a flow must share with its first. */
static uint32_t tcp_differs(const struct gro_cb *cb, const uint8_t *th,
			    const uint8_t *head, struct gro_flow *f)
{
	const uint8_t *th2 = head + f->l4_off;
	uint32_t flags = rd32(th + 12), thlen = cb->hdr_len - cb->l4_off, i;
	uint32_t flush;

	/* CWR marks a congestion window cut. In 6.18 a segment carrying it
	 * never joins a packet, and nothing joins it either (CWR is compared
	 * with the rest of the flag word): TCP sees every CWR segment on its
	 * own, as Accurate ECN needs (seen on the live kernel). */
	flush = flags & TCP_FLAG_CWR;
	/* Data offset, flags and window; FIN and PSH may only appear on the
	 * last segment. */
	flush |= (flags ^ rd32(th2 + 12)) & ~(TCP_FLAG_FIN | TCP_FLAG_PSH);
	flush |= ld32(th + 8) ^ ld32(th2 + 8);
	/* Options byte for byte (timestamps included): with the data offsets
	 * equal, both headers have thlen bytes. */
	if (!flush)
		for (i = 20; i < thlen; i += 4)
			flush |= ld32(th + i) ^ ld32(th2 + i);
	flush |= cb->l3->net_flush(cb, head, f);
	/* A segment longer than the first cannot be cut back at the same
	 * boundaries; an empty one carries nothing to merge. */
	flush |= (cb->paylen - 1) >= f->gso_size;
	flush |= f->next_seq ^ rd32(th + 4);
	return flush;
}

static struct gro_flow *tcp_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	struct gro_flow *p;
	const uint8_t *th;
	uint32_t thlen, flags, mss = 1, flush;

	/* Not worth summing a segment that is going up unmerged anyway. */
	if (!cb->flush && !(cb->fflags & GRO_FRAME_CSUM_OK) && !tcp_csum_ok(cb)) {
		gro_cb_flush(cb, GRO_R_L4_CSUM);
		return NULL;
	}
	if (cb->off + 20 > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	th = cb->data + cb->off;
	thlen = (th[12] >> 4) * 4u;
	if (thlen < 20 || cb->off + thlen > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	cb->l4_off = (uint16_t)cb->off;
	cb->hdr_len = (uint16_t)(cb->off + thlen);
	cb->off += thlen;
	cb->paylen = cb->len - cb->hdr_len;
	cb->next_seq = rd32(th + 4) + cb->paylen;
	flags = rd32(th + 12);

	cb->hash = gro_hash_final(ctx, gro_hash_step(cb->hash, (uint64_t)ld32(th) << 32 | cb->rxhash));
	p = gro_flow_lookup(ctx, cb);
	if (p) {
		uint8_t *head = gro_flow_head(ctx, p);

		flush = tcp_differs(cb, th, head, p);
		if (flush) {
			cb->pp_reason = GRO_R_MISMATCH;
		} else if (cb->flush) {
			/* An IP-level flush (length, reserved bit) ends the flow. */
			cb->pp_reason = GRO_R_MISMATCH;
		} else if (gro_flow_full(ctx, p, cb->paylen)) {
			cb->pp_reason = GRO_R_SIZE;
		} else {
			mss = p->gso_size;
			gro_flow_append(ctx, p, cb);
			cb->merged = true;
			head[p->l4_off + 13] |= th[13] & 0x09;	/* FIN, PSH */
		}
	}

	/* The run ends at a short segment or one that closes the push. */
	flush = cb->paylen < mss;
	flush |= flags & TCP_FLAGS_END;
	if (flush) {
		if (cb->merged)
			cb->pp_reason = (flags & TCP_FLAGS_END) ? GRO_R_PUSH : GRO_R_SHORT;
		else
			gro_cb_flush(cb, !cb->paylen ? GRO_R_NO_PAYLOAD : GRO_R_FLAGS);
	}
	if (p && (!cb->merged || flush))
		return p;
	return NULL;
}

/* tcp4/6_gro_complete + tcp_gro_complete: the checksum field gets the
 * pseudo-header sum over the merged length, to be finished by whoever
 * consumes the packet (CHECKSUM_PARTIAL). */
static void tcp_complete(uint8_t *head, const struct gro_flow *f, struct gro_pkt *pkt)
{
	uint8_t *th = head + f->l4_off;
	uint64_t sum = gro_flow_l3(f)->pseudo(head + f->l3_off, f->tot - f->l4_off, 6);

	wr16(th + 16, gro_csum16_fold(sum));
	pkt->csum_partial = 1;
	pkt->csum_start = f->l4_off;
	pkt->csum_offset = 16;
	if (th[13] & 0x80)
		pkt->gso_type |= GRO_GSO_TCP_ECN;
}

const struct gro_l4_ops gro_tcp_ops = {
	.receive = tcp_receive,
	.complete = tcp_complete,
};
