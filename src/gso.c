// SPDX-License-Identifier: MIT
/*
 * Segmentation: GRO's inverse, as Linux's GSO does it for TCP and UDP,
 * each layer rewriting its own header (its segment callback). Because GRO
 * only merges segments that differ in nothing but what GSO rewrites (the
 * sequence number, the IPv4 ID and lengths, PSH/FIN on the last one, the
 * checksums), cutting a super-packet at gso_size gives back exactly the
 * frames that arrived. That holds for fraglist packets too: their
 * segments follow the same rules, so they are cut the same way.
 */
#include <arpa/inet.h>

#include "layer.h"

/* Where the headers of a TCP or UDP packet are, and whether its gso_type
 * describes it: TCPV4/TCPV6 a TCP packet over that IP version, UDP_L4 a
 * UDP one. */
static int parse_l4(const struct gro_pkt *pkt, const uint8_t *p, uint32_t len, struct gro_walk *w)
{
	unsigned link = (pkt->start & GRO_FRAME_START_MASK) >> GRO_LINK_SHIFT;
	bool v6, udp;
	int err = pkt->gso_type & (GRO_GSO_UDP_TUNNEL | GRO_GSO_UDP_TUNNEL_CSUM) ?
		  gro_walk_udp_tunnel(p, len, link, pkt->outer_l4_off, pkt->l3_off, w) :
		  gro_walk_link(p, len, link, w);

	if (err || (w->l4proto != GRO_IPPROTO_TCP && w->l4proto != GRO_IPPROTO_UDP))
		return GRO_EPROTO;
	v6 = w->l3->ipver == 6;
	udp = w->l4proto == GRO_IPPROTO_UDP;
	if (((pkt->gso_type & GRO_GSO_TCPV4) && (v6 || udp)) ||
	    ((pkt->gso_type & GRO_GSO_TCPV6) && (!v6 || udp)) ||
	    ((pkt->gso_type & GRO_GSO_UDP_L4) && !udp))
		return GRO_EPROTO;
	return GRO_OK;
}

/*
 * What a segment's checksum starts from. A packet whose checksum is
 * partial carries the pseudo-header sum for its whole length in the field;
 * like tcp_gso_segment and __udp_gso_segment, adjust that sum for the
 * segment's length instead of recomputing it, so a sender's seed is
 * honoured exactly. Otherwise the pseudo header is summed afresh, as Linux
 * does for CHECKSUM_NONE.
 */
uint64_t gro_gso_seed(const struct gro_gso *g, const uint8_t *nh, uint32_t off, uint32_t l4len,
		      uint8_t proto, uint32_t csum_off)
{
	uint32_t totlen = g->total - off;

	if (!g->pkt->csum_partial)
		return g->net->pseudo(nh, l4len, proto);
	/* Take the whole length off and the segment's length on, in 32
	 * bits: an IPv6 pseudo header carries the length as a 32-bit word,
	 * so past 64 KiB its high half counts too. */
	return (uint64_t)htons(rd16(g->head + off + csum_off)) + htonl(~totlen + l4len);
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
	uint32_t total = 0, payload, mss, nseg, i, k, si = 0, soff, hl;
	unsigned level[GRO_WALK_FIX];
	struct gro_gso g;
	size_t pos = 0;
	int err;

	if (!pkt || !pkt->segs || !pkt->nsegs || !pkt->segs[0].data || (!buf && cap) ||
	    (!out && max_out))
		return GRO_EINVAL;
	for (i = 0; i < pkt->nsegs; i++) {
		if (!pkt->segs[i].data && pkt->segs[i].len)
			return GRO_EINVAL;
		total += pkt->segs[i].len;
	}
	head = pkt->segs[0].data;
	err = parse_l4(pkt, head, pkt->segs[0].len, &h);
	if (err)
		return err;
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
	g.l4_off = h.l4_off;
	g.outer_net = NULL;
	g.outer_net_off = 0;
	/* The network level of each header walked: its index among them. */
	for (i = 0, k = 0; i < h.nfix; i++) {
		level[i] = k;
		if (h.fix[i]->class == GRO_LC_NET && !g.outer_net) {
			g.outer_net = h.fix[i];
			g.outer_net_off = h.fix_off[i];
		}
		k += h.fix[i]->class == GRO_LC_NET;
	}
	soff = hl;
	while (si < pkt->nsegs && soff >= pkt->segs[si].len) {
		soff -= pkt->segs[si].len;
		si++;
	}
	for (i = 0; i < nseg; i++) {
		uint8_t *o = buf + pos;
		unsigned j;

		g.i = i;
		g.plen = i + 1 < nseg ? mss : payload - mss * (nseg - 1);
		memcpy(o, head, hl);
		gather(pkt, &si, &soff, o + hl, g.plen);
		/* Each layer rewrites its own header, innermost first: a
		 * tunnel's checksum (GRE's) covers the inner headers. */
		for (j = h.nfix; j-- > 0;)
			h.fix[j]->segment(o, h.fix_off[j], level[j], &g);
		out[i] = (struct gro_seg){ .data = o, .len = hl + g.plen };
		pos += hl + g.plen;
	}
	return (int)nseg;
}
