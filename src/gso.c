// SPDX-License-Identifier: MIT
/*
 * Segmentation: GRO's inverse, as Linux's GSO does it for TCP. Because GRO
 * only merges segments that differ in nothing but what GSO rewrites (the
 * sequence number, the IPv4 ID and lengths, PSH/FIN on the last one, the
 * checksums), cutting a super-packet at gso_size gives back exactly the
 * frames that arrived.
 */
#include <arpa/inet.h>

#include "layer.h"

/* Where the headers of a TCP packet are: the walker's answer, for TCP. */
static int parse_tcp(const uint8_t *p, uint32_t len, struct gro_walk *w)
{
	return gro_walk(p, len, w) || w->l4proto != GRO_IPPROTO_TCP ? GRO_EPROTO : GRO_OK;
}

/* Copy @n bytes of the packet's payload, continuing from *si / *soff. */
static void gather(const struct gro_pkt *pkt, uint32_t *si, uint32_t *soff, uint8_t *dst, uint32_t n)
{
	while (n) {
		const struct gro_seg *s = &pkt->segs[*si];
		uint32_t k = s->len - *soff < n ? s->len - *soff : n;

		/* An empty span may have a NULL pointer: no memcpy for it. */
		if (k)
			memcpy(dst, s->data + *soff, k);
		dst += k;
		n -= k;
		*soff += k;
		if (*soff == s->len) {
			(*si)++;
			*soff = 0;
		}
	}
}

static uint16_t csum_of(const uint8_t *p, uint32_t len, uint64_t sum)
{
	return (uint16_t)~gro_csum16_fold(gro_csum_partial(p, len, sum));
}

/*
 * What a segment's TCP checksum starts from. A packet whose checksum is
 * partial carries the pseudo-header sum for its whole length in the field;
 * like tcp_gso_segment, adjust that sum for the segment's length instead
 * of recomputing it, so a sender's seed is honoured exactly. Otherwise the
 * pseudo header is summed afresh, as Linux does for CHECKSUM_NONE.
 */
static uint64_t seed_sum(const struct gro_pkt *pkt, const uint8_t *head, const struct gro_walk *h,
			 const uint8_t *iph, uint32_t l4len, uint32_t total)
{
	uint32_t totlen = total - h->l4_off;

	if (!pkt->csum_partial)
		return h->l3->pseudo(iph, l4len, GRO_IPPROTO_TCP);
	/* Take the whole length off and the segment's length on, in 32
	 * bits: an IPv6 pseudo header carries the length as a 32-bit word,
	 * so past 64 KiB its high half counts too. */
	return (uint64_t)htons(rd16(head + h->l4_off + 16)) + htonl(~totlen + l4len);
}

int gro_segment(const struct gro_pkt *pkt, uint8_t *buf, size_t cap,
		struct gro_seg *out, unsigned max_out)
{
	struct gro_walk h;
	const uint8_t *head;
	uint32_t total = 0, payload, mss, nseg, i, si = 0, soff, seq, hl;
	uint16_t id;
	size_t pos = 0;
	int err;
	bool v6;

	if (!pkt || !pkt->segs || !pkt->nsegs || !pkt->segs[0].data || (!buf && cap) ||
	    (!out && max_out))
		return GRO_EINVAL;
	for (i = 0; i < pkt->nsegs; i++) {
		if (!pkt->segs[i].data && pkt->segs[i].len)
			return GRO_EINVAL;
		total += pkt->segs[i].len;
	}
	head = pkt->segs[0].data;
	err = parse_tcp(head, pkt->segs[0].len, &h);
	if (err)
		return err;
	v6 = h.l3 == &gro_ipv6_layer;
	if (((pkt->gso_type & GRO_GSO_TCPV4) && v6) || ((pkt->gso_type & GRO_GSO_TCPV6) && !v6))
		return GRO_EPROTO;
	hl = h.hdr_len;
	/* Every byte after the headers is payload, trailer or not, as for
	 * tcp_gso_segment (skb->len): the kernel forwarding a padded GSO
	 * packet from a TAP cuts the padding into a segment of its own. */
	payload = total - hl;
	mss = pkt->gso_size;
	nseg = mss && payload > mss ? (payload + mss - 1) / mss : 1;
	if (nseg > max_out || (uint64_t)nseg * hl + payload > cap)
		return GRO_ENOSPC;

	if (nseg == 1) {
		/* Nothing to cut: the packet as it is, its checksum finished. */
		long n = gro_pkt_linearize(pkt, buf, cap, GRO_LIN_CSUM);

		if (n < 0)
			return (int)n;
		out[0] = (struct gro_seg){ .data = buf, .len = (uint32_t)n };
		return 1;
	}

	seq = rd32(head + h.l4_off + 4);
	id = rd16(head + h.l3_off + 4);
	soff = hl;
	while (si < pkt->nsegs && soff >= pkt->segs[si].len) {
		soff -= pkt->segs[si].len;
		si++;
	}
	for (i = 0; i < nseg; i++) {
		uint32_t plen = i + 1 < nseg ? mss : payload - mss * (nseg - 1);
		uint8_t *o = buf + pos, *iph = o + h.l3_off, *th = o + h.l4_off;
		uint32_t l4len = hl - h.l4_off + plen;

		memcpy(o, head, hl);
		gather(pkt, &si, &soff, o + hl, plen);
		if (v6) {
			wr16(iph + 4, (uint16_t)(hl - h.l3_off - 40 + plen));
		} else {
			wr16(iph + 2, (uint16_t)(hl - h.l3_off + plen));
			if (!(pkt->gso_type & GRO_GSO_TCP_FIXEDID))
				wr16(iph + 4, (uint16_t)(id + i));
			wr16(iph + 10, 0);
			wr16(iph + 10, csum_of(iph, (iph[0] & 15) * 4u, 0));
		}
		wr16(th + 4, (uint16_t)((seq + i * mss) >> 16));
		wr16(th + 6, (uint16_t)(seq + i * mss));
		/* PSH and FIN belong to the last segment; CWR to the first,
		 * unless Accurate ECN counts it on every one. */
		if (i + 1 < nseg)
			th[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (i && !(pkt->gso_type & GRO_GSO_TCP_ACCECN))
			th[13] &= (uint8_t)~TCP_CWR;
		wr16(th + 16, 0);
		wr16(th + 16, csum_of(th, l4len, seed_sum(pkt, head, &h, iph, l4len, total)));
		out[i] = (struct gro_seg){ .data = o, .len = hl + plen };
		pos += hl + plen;
	}
	return (int)nseg;
}
