// SPDX-License-Identifier: MIT
/*
 * IPv4: inet_gro_receive, inet_gro_flush and inet_gro_complete.
 *
 * Only plain headers merge: IHL 5, not a fragment, a good header checksum.
 * The flow key is protocol and addresses; the fields that must match
 * between segments of a flow (TTL, TOS, DF, the IP ID sequence) are checked
 * later, from the transport layer, because only there is the flow known
 * and, in a tunnel, only the innermost header's ID can be judged.
 */
#include <arpa/inet.h>

#include "layer.h"

#define IP_DF		0x4000
#define IP_MF		0x2000
#define IP_OFFSET	0x1fff

/* What IPv4 carries, Linux's inet_offloads[]: TCP, and UDP where the
 * context merges it. Everything else is delivered as is, and leaves held
 * flows alone. */
static const struct gro_layer *const inet4_table[256] = {
	[GRO_IPPROTO_IPIP] = &gro_ipip_layer,
	[GRO_IPPROTO_TCP] = &gro_tcp4_layer,
	[GRO_IPPROTO_UDP] = &gro_udp4_layer,
	[GRO_IPPROTO_IPV6] = &gro_sit_layer,
	[GRO_IPPROTO_GRE] = &gro_gre_layer,
};

const struct gro_layer *gro_inet4_find(uint8_t proto)
{
	return inet4_table[proto];
}

static const struct gro_layer *ipv4_next(uint32_t proto)
{
	return proto < 256 ? inet4_table[proto] : NULL;
}

/* Is the ones'-complement sum of a 20-byte IPv4 header all ones? Any
 * grouping of the words gives the same folded sum, so five loads do. */
static inline bool hdr_csum_ok(const uint8_t *iph)
{
	uint64_t s = (uint64_t)ld32(iph) + ld32(iph + 4) + ld32(iph + 8) + ld32(iph + 12) +
		     ld32(iph + 16);

	return gro_csum16_fold_inline(s) == 0xffff;
}

static unsigned ipv4_key(struct gro_keyseg *k, uint32_t off, uint32_t end)
{
	(void)end;
	k[0] = (struct gro_keyseg){ (uint16_t)(off + 12), 8, ~0ull };	/* addresses */
	k[1] = (struct gro_keyseg){ (uint16_t)(off + 9), 1, 0xff };	/* protocol */
	return 2;
}

static struct gro_flow *ipv4_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	const struct gro_layer *next;
	const uint8_t *iph;
	uint32_t off = cb->off;
	uint16_t frag;

	if (off + 20 > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	iph = cb->data + off;
	next = gro_transport(ctx, cb, gro_inet4_find(iph[9]));
	if (!next)
		return NULL;
	if (iph[0] != 0x45) {
		gro_cb_flush(cb, (iph[0] >> 4) == 4 ? GRO_R_IP_OPTS : GRO_R_MALFORMED);
		return NULL;
	}
	frag = rd16(iph + 6);
	if (frag & (IP_MF | IP_OFFSET)) {
		gro_cb_flush(cb, GRO_R_IP_FRAG);
		return NULL;
	}
	if (!hdr_csum_ok(iph)) {
		gro_cb_flush(cb, GRO_R_IP_CSUM);
		return NULL;
	}
	/* A length that disagrees with the frame (Ethernet padding, say) or
	 * the reserved fragment bit: not merged, but it still goes on to the
	 * transport layer, where it ends its flow like any other mismatch. */
	if ((uint16_t)(rd16(iph + 2) ^ (cb->len - off)) | (frag & ~IP_DF))
		gro_cb_flush(cb, GRO_R_IP_LEN);

	gro_cb_network(cb, &gro_ipv4_layer, off);
	gro_cb_key(cb, &gro_ipv4_layer, off, off + 20);
	cb->off = off + 20;
	return gro_call_receive(ctx, cb, next);
}

/*
 * TTL, TOS (ECN included) and DF must match the first segment. The ID must
 * be the first segment's plus the number of segments merged, or, if the
 * second segment repeated the first's ID, stay fixed from then on: the
 * choice is made once, on the second segment, for this header's level, so
 * that segmentation can give every segment back its ID. 6.18 accepts a
 * fixed ID with DF clear too (seen on the live kernel), and records it as
 * FIXEDID.
 */
static uint32_t inet_flush(const uint8_t *iph, const uint8_t *iph2, unsigned level,
			   struct gro_flow *f)
{
	uint32_t id = rd32(iph + 4), id2 = rd32(iph2 + 4);
	uint16_t ipid_offset = (uint16_t)((id >> 16) - (id2 >> 16));
	uint8_t bit = (uint8_t)(1u << level);

	if ((iph[8] ^ iph2[8]) | (iph[1] ^ iph2[1]) | ((id ^ id2) & IP_DF))
		return 1;
	if (f->count == 1 && !ipid_offset)
		f->fixedid |= bit;
	return ipid_offset ^ (f->count * !(f->fixedid & bit));
}

#ifdef GRO_LINUX_612_RULES
/*
 * Linux 6.12's rule, for the test build that tells 6.12's differences from
 * bugs (tests/kernel/conformance.sh): only the outermost and the innermost
 * header are checked; the outer one of a tunnel with DF set is not judged
 * by its ID at all; a fixed ID needs DF; and one fixed-ID bit serves both
 * levels.
 */
static uint32_t inet_flush_612(const uint8_t *iph, const uint8_t *iph2, bool outer,
			       struct gro_flow *f)
{
	uint32_t id = rd32(iph + 4), id2 = rd32(iph2 + 4);
	uint16_t ipid_offset = (uint16_t)((id >> 16) - (id2 >> 16));
	uint32_t df = id & IP_DF;

	if ((iph[8] ^ iph2[8]) | (iph[1] ^ iph2[1]) | ((id ^ id2) & IP_DF))
		return 1;
	if (outer && df)
		return 0;
	if (f->count == 1 && df && !ipid_offset)
		f->fixedid |= 1;
	return ipid_offset ^ (f->count * !(f->fixedid & 1));
}
#endif

static uint32_t ipv4_net_flush(const struct gro_cb *cb, unsigned level, const uint8_t *head,
			       struct gro_flow *f)
{
	uint32_t off = cb->nhoff[level];

#ifdef GRO_LINUX_612_RULES
	if (level && level != cb->encap)
		return 0;
	return inet_flush_612(cb->data + off, head + off, !level && cb->encap, f);
#endif
	return inet_flush(cb->data + off, head + off, level, f);
}

/* IPv6's flush applies IPv4's rule to a header whose version nibble says 4
 * (see ipv6.c). */
uint32_t gro_inet_flush(const uint8_t *iph, const uint8_t *iph2, unsigned level,
			struct gro_flow *f)
{
	return inet_flush(iph, iph2, level, f);
}

static uint64_t ipv4_pseudo(const uint8_t *iph, uint32_t len, uint8_t proto)
{
	return (uint64_t)ld32(iph + 12) + ld32(iph + 16) + htonl(proto) + htonl(len);
}

/* The length, 0 past 65535 (BIG TCP: the packet's length says it). */
static void ipv4_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	uint8_t *iph = head + off;
	uint16_t old = rd16(iph + 2), now = f->tot - off > 0xffff ? 0 : (uint16_t)(f->tot - off);

	wr16(iph + 2, now);
	gro_csum_replace2(iph + 10, old, now);
	gro_pkt_network(pkt, off, level);
	if (f->fixedid & (1u << level))
		pkt->gso_type |= level ? GRO_GSO_TCP_FIXEDID_INNER : GRO_GSO_TCP_FIXEDID;
	gro_inet4_find(iph[9])->complete(ctx, head, off + 20, level + 1, f, pkt);
}

/* inet_gso_segment: each segment's length and header checksum, and its ID
 * counted up from the first unless the packet says it was fixed (for this
 * header's level: the outer one, or the inner one of a tunnel). */
static void ipv4_segment(uint8_t *o, uint32_t off, unsigned level, const struct gro_gso *g)
{
	uint8_t *iph = o + off;
	uint32_t fixed = level ? GRO_GSO_TCP_FIXEDID_INNER : GRO_GSO_TCP_FIXEDID;

	wr16(iph + 2, (uint16_t)(g->hdr_len - off + g->plen));
	if (!(g->pkt->gso_type & fixed))
		wr16(iph + 4, (uint16_t)(rd16(g->head + off + 4) + g->i));
	wr16(iph + 10, 0);
	wr16(iph + 10, gro_csum_of(iph, (iph[0] & 15) * 4u, 0));
}

static int ipv4_parse(const uint8_t *p, uint32_t len, uint32_t off, struct gro_hdr *h)
{
	uint32_t ihl;

	if (off + 20 > len || (p[off] >> 4) != 4)
		return -1;
	ihl = (p[off] & 15) * 4u;
	if (ihl < 20 || off + ihl > len)
		return -1;
	h->len = ihl;
	h->next = p[off + 9];
	return 0;
}

/* The rules above, as a fast kind states them: the header equal to the
 * head's but for tot_len, ID and checksum; tot_len exact; the checksum
 * valid; the ID a counter; no fragment bits in a flow's first frame. */
static bool ipv4_fast(struct gro_fast *k, uint32_t off, uint32_t end, const struct gro_layer *next)
{
	if (end != off + 20 || off + 20 > GRO_FAST_HDR || k->nlen == GRO_ENCAP_MAX ||
	    k->ncsum == GRO_ENCAP_MAX || k->nzero > GRO_ENCAP_MAX)
		return false;
	gro_fast_mark(k->same, off, 2, 0xff);		/* version, IHL, TOS */
	gro_fast_mark(k->same, off + 6, 14, 0xff);	/* fragment field, TTL, protocol, addresses */
	k->same[off + 10] = k->same[off + 11] = 0;	/* but the checksum */
	gro_fast_sig(k, off, 0xff, 0x45);
	gro_fast_sig(k, off + 9, 0xff, (uint8_t)next->proto);
	k->lenf[k->nlen].off = (uint16_t)(off + 2);
	k->lenf[k->nlen++].base = (uint16_t)off;
	k->csum[k->ncsum].off = (uint16_t)off;
	k->csum[k->ncsum].len = 20;
	k->csum[k->ncsum].id = (uint16_t)(off + 4);
	k->csum[k->ncsum++].level = (uint8_t)(k->net ? 1 : 0);
	k->zero[k->nzero].off = (uint16_t)(off + 6);
	k->zero[k->nzero++].mask = (uint16_t)~IP_DF;
	k->net = &gro_ipv4_layer;
	k->l3_off = (uint16_t)off;
	return true;
}

const struct gro_layer gro_ipv4_layer = {
	.name = "ipv4",
	.proto = ETH_P_IPV4,
	.class = GRO_LC_NET,
	.fast_len = 20,
	.ipver = 4,
	.receive = ipv4_receive,
	.next = ipv4_next,
	.net_flush = ipv4_net_flush,
	.pseudo = ipv4_pseudo,
	.complete = ipv4_complete,
	.segment = ipv4_segment,
	.parse = ipv4_parse,
	.key = ipv4_key,
	.fast = ipv4_fast,
};

/* ---------------------------------------------------------------- IPv4 in IP */

/*
 * IPIP (IPv4 in IPv4) and IPv4 in IPv6: ipip_gro_receive and
 * ip4ip6_gro_receive. The inner header is an IPv4 header like any other,
 * one level in (gro_tunnel_receive); the outer one's rules (TTL, TOS, the
 * ID sequence, per level) apply as well, from the transport layer
 * (gro_network_flush). A merged packet says it was inside IPv4 or IPv6.
 */
static struct gro_flow *ipip_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	return gro_tunnel_receive(ctx, cb, &gro_ipv4_layer);
}

static void ipip_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	pkt->gso_type |= GRO_GSO_IPXIP4;
	ipv4_complete(ctx, head, off, level, f, pkt);
}

static void ip4ip6_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	pkt->gso_type |= GRO_GSO_IPXIP6;
	ipv4_complete(ctx, head, off, level, f, pkt);
}

/* Everything but receive and complete is the inner IPv4 header's, fast
 * kinds included. */
#define IPV4_INNER(sym, nm, cmpl)					\
	const struct gro_layer sym = {					\
		.name = nm,						\
		.proto = GRO_IPPROTO_IPIP,				\
		.class = GRO_LC_NET,					\
		.ipver = 4,						\
		.receive = ipip_receive,				\
		.next = ipv4_next,					\
		.net_flush = ipv4_net_flush,				\
		.pseudo = ipv4_pseudo,					\
		.complete = cmpl,					\
		.segment = ipv4_segment,				\
		.parse = ipv4_parse,					\
		.key = ipv4_key,					\
		.fast = ipv4_fast,					\
	}

IPV4_INNER(gro_ipip_layer, "ipip", ipip_complete);
IPV4_INNER(gro_ip4ip6_layer, "ip4ip6", ip4ip6_complete);
