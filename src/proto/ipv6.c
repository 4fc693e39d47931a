// SPDX-License-Identifier: MIT
/*
 * IPv6: ipv6_gro_receive, ipv6_gro_flush and ipv6_gro_complete.
 *
 * The flow key is version, flow label, addresses, next header and every
 * extension header byte. Hop-by-Hop, Routing and Destination Options
 * headers are stepped over (Linux's INET6_PROTO_GSO_EXTHDR protocols; 6.18
 * steps over Hop-by-Hop too, seen on the live kernel); a frame with any
 * other extension header (Fragment, ...) is delivered as is.
 */
#include <arpa/inet.h>

#include "layer.h"

/* What IPv6 carries, Linux's inet6_offloads[]. */
static const struct gro_layer *const inet6_table[256] = {
	[GRO_IPPROTO_IPIP] = &gro_ip4ip6_layer,
	[GRO_IPPROTO_TCP] = &gro_tcp6_layer,
	[GRO_IPPROTO_UDP] = &gro_udp6_layer,
	[GRO_IPPROTO_IPV6] = &gro_ip6ip6_layer,
	[GRO_IPPROTO_GRE] = &gro_gre_layer,
};

const struct gro_layer *gro_inet6_find(uint8_t proto)
{
	return inet6_table[proto];
}

static const struct gro_layer *ipv6_next(uint32_t proto)
{
	return proto < 256 ? inet6_table[proto] : NULL;
}

/* Extension headers GRO steps over (and keeps in the flow key). */
static bool skippable(uint8_t nh)
{
	return nh == GRO_IPPROTO_HOPOPTS || nh == GRO_IPPROTO_ROUTING || nh == GRO_IPPROTO_DSTOPTS;
}

/* Step over the extension headers after the fixed header at @off: the
 * protocol that follows them and, in *@end, where it starts. */
static uint8_t skip_exthdrs(const uint8_t *p, uint32_t len, uint32_t off, uint32_t *end)
{
	uint8_t proto = p[off + 6];

	*end = off + 40;
	while (!gro_inet6_find(proto) && skippable(proto)) {
		uint32_t hl;

		if (*end + 2 > len)
			break;
		hl = (p[*end + 1] + 1u) * 8;
		if (*end + hl > len)
			break;
		proto = p[*end];
		*end += hl;
	}
	return proto;
}

/* Version and flow label, next header: one word under a mask. Traffic
 * class and hop limit are not part of the key: a change there ends the
 * flow (ipv6_net_flush) rather than starting another. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define IP6_KEY_WORD0	0x00ff0000ffff0ff0ull
#else
#define IP6_KEY_WORD0	0xf00fffff0000ff00ull
#endif

static unsigned ipv6_key(struct gro_keyseg *k, uint32_t off, uint32_t end)
{
	unsigned n = 5;

	k[0] = (struct gro_keyseg){ (uint16_t)off, 8, IP6_KEY_WORD0 };
	k[1] = (struct gro_keyseg){ (uint16_t)(off + 8), 8, ~0ull };
	k[2] = (struct gro_keyseg){ (uint16_t)(off + 16), 8, ~0ull };
	k[3] = (struct gro_keyseg){ (uint16_t)(off + 24), 8, ~0ull };
	k[4] = (struct gro_keyseg){ (uint16_t)(off + 32), 8, ~0ull };
	if (end > off + 40) {
		/* Extension headers, whole; a range longer than 8 bytes, or
		 * one word under a mask (they come in multiples of 8). */
		k[5] = (struct gro_keyseg){ (uint16_t)(off + 40), (uint16_t)(end - off - 40), ~0ull };
		n = 6;
	}
	return n;
}

static struct gro_flow *ipv6_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	const struct gro_layer *next;
	const uint8_t *iph;
	uint32_t off = cb->off, end = off + 40;
	uint8_t proto;
	bool badlen;

	if (end > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	iph = cb->data + off;
	badlen = rd16(iph + 4) != cb->len - end;
	proto = skip_exthdrs(cb->data, cb->len, off, &end);
	next = gro_transport(ctx, cb, gro_inet6_find(proto));
	if (!next)
		return NULL;
	/* payload_len must describe the frame exactly: padding or a jumbo
	 * length is not merged, but still ends its flow. */
	if (badlen)
		gro_cb_flush(cb, GRO_R_IP_LEN);

	gro_cb_network(cb, &gro_ipv6_layer, off);
	gro_cb_key(cb, &gro_ipv6_layer, off, end);
	cb->off = end;
	return gro_call_receive(ctx, cb, next);
}

static uint32_t ipv6_net_flush(const struct gro_cb *cb, unsigned level, const uint8_t *head,
			       struct gro_flow *f)
{
	const uint8_t *iph = cb->data + cb->nhoff[level], *iph2 = head + cb->nhoff[level];

	/* Linux picks the check by the version nibble of the arriving
	 * header, which nobody verified for EtherType 0x86dd. */
	if ((iph[0] >> 4) != 6)
		return gro_inet_flush(iph, iph2, level, f);
	return ((ld32(iph) ^ ld32(iph2)) & htonl(0x0ff00000)) | (uint32_t)(iph[7] ^ iph2[7]);
}

static uint64_t ipv6_pseudo(const uint8_t *iph, uint32_t len, uint8_t proto)
{
	return gro_csum_partial(iph + 8, 32, (uint64_t)htonl(len) + htonl(proto));
}

static void ipv6_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	uint32_t end;
	uint8_t proto;

	wr16(head + off + 4, (uint16_t)(f->tot - off - 40));
	gro_pkt_network(pkt, off, level);
	/* The head passed receive: its extension headers are all there. */
	proto = skip_exthdrs(head, f->tot, off, &end);
	gro_inet6_find(proto)->complete(ctx, head, end, level + 1, f, pkt);
}

/* ipv6_gso_segment: each segment's payload length. */
static void ipv6_segment(uint8_t *o, uint32_t off, unsigned level, const struct gro_gso *g)
{
	(void)level;
	wr16(o + off + 4, (uint16_t)(g->hdr_len - off - 40 + g->plen));
}

static int ipv6_parse(const uint8_t *p, uint32_t len, uint32_t off, struct gro_hdr *h)
{
	uint32_t end = off + 40;
	uint8_t proto;

	/* The version nibble is not checked, as neither GRO nor GSO does
	 * in Linux: the EtherType decides. */
	if (end > len)
		return -1;
	proto = p[off + 6];
	while (skippable(proto)) {
		if (end + 2 > len || end + (p[end + 1] + 1u) * 8 > len)
			return -1;
		proto = p[end];
		end += (p[end + 1] + 1u) * 8;
	}
	h->len = end - off;
	h->next = proto;
	return 0;
}

/* The rules above for a fast kind: no extension headers; the header equal
 * to the head's but for payload_len; payload_len exact; version 6 (any
 * other takes IPv4's checks in Linux, so the layered path). */
static bool ipv6_fast(struct gro_fast *k, uint32_t off, uint32_t end, const struct gro_layer *next)
{
	if (end != off + 40 || off + 40 > GRO_FAST_HDR || k->nlen == GRO_ENCAP_MAX)
		return false;
	gro_fast_mark(k->same, off, 4, 0xff);		/* version, traffic class, flow label */
	gro_fast_mark(k->same, off + 6, 34, 0xff);	/* next header, hop limit, addresses */
	gro_fast_sig(k, off, 0xf0, 0x60);
	gro_fast_sig(k, off + 6, 0xff, (uint8_t)next->proto);
	k->lenf[k->nlen].off = (uint16_t)(off + 4);
	k->lenf[k->nlen++].base = (uint16_t)(off + 40);
	k->net = &gro_ipv6_layer;
	k->l3_off = (uint16_t)off;
	return true;
}

const struct gro_layer gro_ipv6_layer = {
	.name = "ipv6",
	.proto = ETH_P_IPV6,
	.class = GRO_LC_NET,
	.fast_len = 40,
	.ipver = 6,
	.receive = ipv6_receive,
	.next = ipv6_next,
	.net_flush = ipv6_net_flush,
	.pseudo = ipv6_pseudo,
	.complete = ipv6_complete,
	.segment = ipv6_segment,
	.parse = ipv6_parse,
	.key = ipv6_key,
	.fast = ipv6_fast,
};

/* ---------------------------------------------------------------- IPv6 in IP */

/*
 * SIT (IPv6 in IPv4) and IPv6 in IPv6: sit_ip6ip6_gro_receive. The inner
 * header is an IPv6 header like any other, one level in
 * (gro_tunnel_receive). A merged packet says it was inside IPv4 or IPv6.
 */
static struct gro_flow *ip6_inner_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	return gro_tunnel_receive(ctx, cb, &gro_ipv6_layer);
}

static void sit_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	pkt->gso_type |= GRO_GSO_IPXIP4;
	ipv6_complete(ctx, head, off, level, f, pkt);
}

static void ip6ip6_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	pkt->gso_type |= GRO_GSO_IPXIP6;
	ipv6_complete(ctx, head, off, level, f, pkt);
}

/* Everything but receive and complete is the inner IPv6 header's, fast
 * kinds included. */
#define IPV6_INNER(sym, nm, cmpl)					\
	const struct gro_layer sym = {					\
		.name = nm,						\
		.proto = GRO_IPPROTO_IPV6,				\
		.class = GRO_LC_NET,					\
		.ipver = 6,						\
		.receive = ip6_inner_receive,				\
		.next = ipv6_next,					\
		.net_flush = ipv6_net_flush,				\
		.pseudo = ipv6_pseudo,					\
		.complete = cmpl,					\
		.segment = ipv6_segment,				\
		.parse = ipv6_parse,					\
		.key = ipv6_key,					\
		.fast = ipv6_fast,					\
	}

IPV6_INNER(gro_sit_layer, "sit", sit_complete);
IPV6_INNER(gro_ip6ip6_layer, "ip6ip6", ip6ip6_complete);
