// SPDX-License-Identifier: MIT
/*
 * The one header walker: from Ethernet (or, for a frame without a MAC
 * header, its IP header) down to the transport header, each
 * layer's parse callback saying where its header ends and what follows,
 * each layer's table saying which layer that is. Segmentation, the
 * virtio_net_hdr codec and the RSS hash read packets through it; unlike
 * receive, it takes any header the protocols allow (IPv4 options, any
 * number of VLAN tags), because what it reads need not have come from GRO.
 */
#include "layer.h"

/* Up to the transport header, or (@net_only) to the network header, not
 * parsed. */
static int walk_from(const uint8_t *p, uint32_t len, struct gro_walk *w, bool net_only,
		     const struct gro_layer *l, uint32_t off)
{
	struct gro_hdr h;

	for (;;) {
		if (l->class != GRO_LC_LINK) {
			if (w->nfix == GRO_WALK_FIX)
				return -1;
			w->fix[w->nfix] = l;
			w->fix_off[w->nfix++] = (uint16_t)off;
		}
		if (l->class == GRO_LC_NET) {
			w->l3 = l;
			w->l3_off = (uint16_t)off;
			if (net_only)
				return 0;
		}
		/* Offsets are 16-bit, as in the engine (and in an skb). */
		if (l->parse(p, len, off, &h) || off + h.len > 0xffff)
			return -1;
		if (l->class == GRO_LC_TRANSPORT) {
			w->l4 = l;
			w->l4_off = (uint16_t)off;
			w->hdr_len = (uint16_t)(off + h.len);
			return 0;
		}
		if (l->class == GRO_LC_NET)
			w->l4proto = (uint8_t)h.next;
		else if (l == &gro_ctag_layer || l == &gro_stag_layer)
			w->ntags++;
		off += h.len;
		l = l->next(h.next);
		if (!l)
			return -1;
	}
}

/* From the frame's first layer: Ethernet, or the IP header of a frame
 * without a MAC header (GRO_LINK_*). */
static int walk(const uint8_t *p, uint32_t len, unsigned link, struct gro_walk *w, bool net_only)
{
	const struct gro_layer *first;

	memset(w, 0, sizeof(*w));
	if (!p)
		return -1;
	first = gro_link_layer(gro_link_of((uint32_t)link << GRO_LINK_SHIFT, p, len));
	if (!first)
		return -1;
	return walk_from(p, len, w, net_only, first, 0);
}

int gro_walk(const uint8_t *p, uint32_t len, struct gro_walk *w)
{
	return walk(p, len, GRO_LINK_ETH, w, false);
}

int gro_walk_link(const uint8_t *p, uint32_t len, unsigned link, struct gro_walk *w)
{
	return walk(p, len, link, w, false);
}

/* A UDP tunnel's packet: the outer headers down to its UDP header, which
 * must be at @udp_off; then, from the inner network header at @inner_off,
 * the inner ones. What lies between (the tunnel header, an inner Ethernet
 * header) is copied as is by segmentation, so it needs no walking, and
 * the walker needs no port table. */
int gro_walk_udp_tunnel(const uint8_t *p, uint32_t len, unsigned link, uint32_t udp_off,
			uint32_t inner_off, struct gro_walk *w)
{
	const struct gro_layer *inner;

	if (walk(p, len, link, w, false) || w->l4proto != GRO_IPPROTO_UDP || w->l4_off != udp_off ||
	    inner_off < w->hdr_len || inner_off >= len)
		return -1;
	inner = (p[inner_off] >> 4) == 4 ? &gro_ipv4_layer :
		(p[inner_off] >> 4) == 6 ? &gro_ipv6_layer : NULL;
	if (!inner)
		return -1;
	w->l4 = NULL;
	w->l4_off = w->hdr_len = 0;
	return walk_from(p, len, w, false, inner, inner_off);
}

int gro_walk_net_link(const uint8_t *p, uint32_t len, unsigned link, struct gro_walk *w)
{
	/* A frame of a built-in fast-path kind has its network header where
	 * the kind says (RSS asks this of every frame a shard receives). */
	const struct gro_fast *k = gro_fast_builtin_of(p, len, link);

	if (k) {
		memset(w, 0, sizeof(*w));
		w->l3 = k->net;
		w->l3_off = k->l3_off;
		return 0;
	}
	return walk(p, len, link, w, true);
}

int gro_walk_net(const uint8_t *p, uint32_t len, struct gro_walk *w)
{
	return gro_walk_net_link(p, len, GRO_LINK_ETH, w);
}
