// SPDX-License-Identifier: MIT
/*
 * virtio_net_hdr: the offload metadata the kernel exchanges with TAP
 * devices, vhost and virtio NICs. Decoding trusts nothing: every field is
 * checked against the frame it describes before anything uses it.
 */
#include "layer.h"

static void le16w(uint8_t *p, uint16_t v) { p[0] = v & 0xff; p[1] = v >> 8; }
static uint16_t le16r(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

int gro_vnet_encode(const struct gro_pkt *pkt, void *hdr, size_t hdr_size)
{
	uint8_t *h = hdr, type = GRO_VNET_GSO_NONE;

	if (!pkt || !h || (hdr_size != GRO_VNET_HDR_LEN && hdr_size != GRO_VNET_HDR_V1_LEN))
		return GRO_EINVAL;
	memset(h, 0, hdr_size);
	if (pkt->gso_size && pkt->gso_segs > 1) {
		/* A fraglist packet shows as its transport's type: the header
		 * has no word for a list. */
		if (pkt->gso_type & GRO_GSO_TCPV4)
			type = GRO_VNET_GSO_TCPV4;
		else if (pkt->gso_type & GRO_GSO_TCPV6)
			type = GRO_VNET_GSO_TCPV6;
		else if (pkt->gso_type & GRO_GSO_UDP_L4)
			type = GRO_VNET_GSO_UDP_L4;
		else
			return GRO_EINVAL;
		if (pkt->gso_type & GRO_GSO_TCP_ECN)
			type |= GRO_VNET_GSO_ECN;
		le16w(h + 2, pkt->hdr_len);
		le16w(h + 4, pkt->gso_size);
	}
	h[1] = type;
	if (pkt->csum_partial) {
		h[0] = GRO_VNET_F_NEEDS_CSUM;
		le16w(h + 6, pkt->csum_start);
		le16w(h + 8, pkt->csum_offset);
	} else if (pkt->csum_valid) {
		h[0] = GRO_VNET_F_DATA_VALID;
	}
	return (int)hdr_size;
}

/* The inner headers of a UDP tunnel's packet whose inner TCP header is at
 * @l4 (from csum_start) or, with @l4 0, whose headers end at @end (from
 * hdr_len, when no checksum is left to finish): the inner network header
 * nearest before it from which the walk lands there (the tunnel header
 * between is not parsed: the port that names it is not in the frame's
 * metadata). *@w is replaced only then. */
static bool udp_tunnel_walk(const uint8_t *p, uint32_t len, unsigned link, uint32_t l4,
			    uint32_t end, struct gro_walk *w)
{
	uint32_t top = l4 ? l4 - 20 : end - 40;
	struct gro_walk t;
	uint32_t at;

	if (l4 ? l4 < (uint32_t)w->hdr_len + 20 : end < (uint32_t)w->hdr_len + 40)
		return false;
	for (at = top; at >= w->hdr_len; at--) {
		if ((p[at] >> 4) != 4 && (p[at] >> 4) != 6)
			continue;
		if (!gro_walk_udp_tunnel(p, len, link, w->l4_off, at, &t) && t.l4proto == GRO_IPPROTO_TCP &&
		    (l4 ? t.l4_off == l4 : t.hdr_len == end)) {
			*w = t;
			return true;
		}
	}
	return false;
}

int gro_vnet_decode(const void *hdr, size_t hdr_size, uint8_t *frame, size_t len,
		    struct gro_pkt *pkt, struct gro_seg *seg)
{
	return gro_vnet_decode_start(hdr, hdr_size, frame, len, 0, pkt, seg);
}

int gro_vnet_decode_start(const void *hdr, size_t hdr_size, uint8_t *frame, size_t len,
			  uint32_t start, struct gro_pkt *pkt, struct gro_seg *seg)
{
	unsigned link;
	const uint8_t *h = hdr;
	struct gro_walk hd;
	uint8_t flags, type, base;
	uint16_t hdr_len, gso_size, cstart, coff;
	bool l4, udp, tunnel = false;

	if (!h || !frame || !pkt || !seg || len > UINT32_MAX ||
	    (hdr_size != GRO_VNET_HDR_LEN && hdr_size != GRO_VNET_HDR_V1_LEN) ||
	    (start & ~GRO_FRAME_START_MASK))
		return GRO_EINVAL;
	/* A TUN device's frames start at their IP header: every offset
	 * counts from there. */
	link = gro_link_of(start, frame, (uint32_t)len);
	flags = h[0];
	type = h[1];
	hdr_len = le16r(h + 2);
	gso_size = le16r(h + 4);
	cstart = le16r(h + 6);
	coff = le16r(h + 8);
	base = type & (uint8_t)~GRO_VNET_GSO_ECN;

	if (flags & ~(GRO_VNET_F_NEEDS_CSUM | GRO_VNET_F_DATA_VALID))
		return GRO_EPROTO;
	/* The ECN bit qualifies a type; alone it is no type at all, and
	 * Linux refuses it (virtio_net_hdr_to_skb). */
	if ((base != GRO_VNET_GSO_NONE && base != GRO_VNET_GSO_TCPV4 && base != GRO_VNET_GSO_TCPV6 &&
	     base != GRO_VNET_GSO_UDP_L4) ||
	    type == GRO_VNET_GSO_ECN || (base == GRO_VNET_GSO_UDP_L4 && (type & GRO_VNET_GSO_ECN)))
		return GRO_EPROTO;
	/* A checksum to finish must lie in the frame, and start no earlier
	 * than the smallest network header could end (Linux: nh_min_len, 20
	 * bytes, or 40 for TCPV6): it is never in the MAC header. */
	if ((flags & GRO_VNET_F_NEEDS_CSUM) &&
	    ((uint32_t)cstart + coff + 2 > len || cstart < (base == GRO_VNET_GSO_TCPV6 ? 40 : 20)))
		return GRO_EPROTO;
	if (hdr_len > len)
		return GRO_EPROTO;
	l4 = !gro_walk_link(frame, (uint32_t)len, link, &hd) &&
	     (hd.l4proto == GRO_IPPROTO_TCP || hd.l4proto == GRO_IPPROTO_UDP);
	/* TCP segmentation of a UDP datagram: a UDP tunnel's (the header
	 * has no word for it; Linux's packet socket drops the tunnel bits
	 * and keeps csum_start at the inner TCP header). The inner TCP
	 * header is where the checksum starts or, with none to finish,
	 * the one whose header ends at hdr_len. */
	if (l4 && hd.l4proto == GRO_IPPROTO_UDP &&
	    (base == GRO_VNET_GSO_TCPV4 || base == GRO_VNET_GSO_TCPV6))
		tunnel = udp_tunnel_walk(frame, (uint32_t)len, link,
					 flags & GRO_VNET_F_NEEDS_CSUM ? cstart : 0, hdr_len, &hd);
	udp = l4 && hd.l4proto == GRO_IPPROTO_UDP;

	memset(pkt, 0, sizeof(*pkt));
	*seg = (struct gro_seg){ .data = frame, .len = (uint32_t)len };
	pkt->data = frame;
	pkt->len = (uint32_t)len;
	pkt->segs = seg;
	pkt->nsegs = 1;
	pkt->gso_segs = 1;
	pkt->start = (uint32_t)link << GRO_LINK_SHIFT;
	if (l4) {
		pkt->l3_off = hd.l3_off;
		pkt->l4_off = hd.l4_off;
		pkt->hdr_len = hd.hdr_len;
	}
	if (tunnel) {
		pkt->encap = 1;
		pkt->outer_l3_off = hd.fix_off[0];
		pkt->outer_l4_off = hd.fix_off[1];
	}
	if (flags & GRO_VNET_F_NEEDS_CSUM) {
		pkt->csum_partial = 1;
		pkt->csum_start = cstart;
		pkt->csum_offset = coff;
	} else if (flags & GRO_VNET_F_DATA_VALID) {
		pkt->csum_valid = 1;
	}
	if (base == GRO_VNET_GSO_NONE)
		return GRO_OK;

	/* A GSO packet: it must be the TCP or UDP packet its type says, with
	 * room for at least one byte of payload per segment, and a partial
	 * checksum, if any, that is its transport checksum. */
	/* gso_size 0xFFFF is GSO_BY_FRAGS, a kernel-internal value that
	 * Linux refuses from a virtio_net_hdr. */
	if (!gso_size || gso_size == 0xffff || !l4 || udp != (base == GRO_VNET_GSO_UDP_L4) ||
	    (!udp && (hd.l3->ipver == 6) != (base == GRO_VNET_GSO_TCPV6)))
		return GRO_EPROTO;
	if (pkt->csum_partial && (cstart != hd.l4_off || coff != (udp ? 6 : 16)))
		return GRO_EPROTO;
	pkt->gso_size = gso_size;
	if (tunnel)
		pkt->gso_type = ld16(frame + pkt->outer_l4_off + 6) ? GRO_GSO_UDP_TUNNEL_CSUM
								   : GRO_GSO_UDP_TUNNEL;
	if (udp)
		pkt->gso_type = GRO_GSO_UDP_L4;
	else
		pkt->gso_type |= (base == GRO_VNET_GSO_TCPV6 ? GRO_GSO_TCPV6 : GRO_GSO_TCPV4) |
				(type & GRO_VNET_GSO_ECN ? GRO_GSO_TCP_ECN : 0);
	/* gso_segs is 16 bits, as in Linux: a count that does not fit is
	 * held at the most it can say rather than wrapping to 0 (no GSO). */
	if (len > hd.hdr_len) {
		size_t segs = (len - hd.hdr_len + gso_size - 1) / gso_size;

		pkt->gso_segs = segs > 0xffff ? 0xffff : (uint16_t)segs;
	}
	return GRO_OK;
}
