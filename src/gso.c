// SPDX-License-Identifier: MIT
/*
 * Segmentation: GRO's inverse, as Linux's GSO does it for TCP, each layer
 * rewriting its own header (its segment callback). Because GRO only merges
 * segments that differ in nothing but what GSO rewrites (the
 * sequence number, the IPv4 ID and lengths, PSH/FIN on the last one, the
 * checksums), cutting a super-packet at gso_size gives back exactly the
 * frames that arrived.
 */
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

int gro_segment(const struct gro_pkt *pkt, uint8_t *buf, size_t cap,
		struct gro_seg *out, unsigned max_out)
{
	struct gro_walk h;
	const uint8_t *head;
	uint32_t total = 0, payload, mss, nseg, i, si = 0, soff, hl;
	struct gro_gso g;
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

	g.pkt = pkt;
	g.head = head;
	g.nseg = nseg;
	g.mss = mss;
	g.hdr_len = hl;
	g.total = total;
	g.net = h.l3;
	g.net_off = h.l3_off;
	soff = hl;
	while (si < pkt->nsegs && soff >= pkt->segs[si].len) {
		soff -= pkt->segs[si].len;
		si++;
	}
	for (i = 0; i < nseg; i++) {
		uint8_t *o = buf + pos;
		unsigned j, level = 0;

		g.i = i;
		g.plen = i + 1 < nseg ? mss : payload - mss * (nseg - 1);
		memcpy(o, head, hl);
		gather(pkt, &si, &soff, o + hl, g.plen);
		/* Each layer rewrites its own header, outermost first. */
		for (j = 0; j < h.nfix; j++) {
			h.fix[j]->segment(o, h.fix_off[j], level, &g);
			level += h.fix[j]->class == GRO_LC_NET;
		}
		out[i] = (struct gro_seg){ .data = o, .len = hl + g.plen };
		pos += hl + g.plen;
	}
	return (int)nseg;
}
