// SPDX-License-Identifier: MIT
/*
 * The invariant checker: see gro_check.h for what it guarantees to check.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gro_check.h"

#define T_SYN 0x02
#define T_FIN 0x01
#define T_RST 0x04
#define T_PSH 0x08
#define T_URG 0x20
#define T_CWR 0x80

enum { F_QUEUED, F_OFFERED, F_DELIVERED, F_RELEASED };

struct gck_fr {
	uint8_t *buf;		/* what the engine got (NULL: a NULL-data frame, or freed) */
	uint8_t *orig;		/* the frame as given */
	uint32_t len;
	uint32_t rxhash, flags;
	uint8_t state;
	uint8_t isnull;
	uint8_t head;		/* head of a super-packet: its headers were rewritten */
	uint8_t keyed;		/* TCP or UDP: key is its flow's */
	uint64_t key;		/* a hash of (a refinement of) its GRO flow key */
};

/* Per flow key, the arrival index of the last frame delivered in a held
 * packet (+1): open addressing, grown when half full. */
struct gck_keyslot {
	uint64_t key;
	uint32_t last;		/* 0: free */
};

struct gck {
	struct gro_ctx *gro;
	struct gro_config cfg;
	gck_fail_fn fail;
	void *fail_arg;

	struct gck_fr *fr;
	uint32_t nfr, capfr, first_queued;
	struct gro_frame *burst;
	uint32_t capburst;
	size_t memory;

	uint8_t *lin;
	size_t lincap;
	int lin_empty;
	int roundtrip;

	int in_call;		/* 0, or the reason every completion must carry (+1) */
	int in_deliver;
	unsigned flush_done;

	uint64_t offered, delivered, released, outstanding;
	uint64_t pkts, super_pkts, segs_merged, bytes_in, bytes_out, reasons[GRO_R_COUNT];
	uint64_t null_bytes, merged_hdr_bytes, out_total;
	uint64_t max_segs, max_len;
	uint64_t failures;

	struct gck_keyslot *keys;
	uint32_t keycap, nkeys;

	/* Pull mode: the engine has no deliver hook; packets come back from
	 * the pull calls, pull_max at most per call, and are taken as the
	 * deliver hook takes them, their frames given back at once. */
	int pull;
	unsigned pull_max, pull_taken;
	struct gro_pkt *pout;
};

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static void fail(struct gck *ck, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct gck *ck, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ck->failures++;
	if (ck->fail) {
		ck->fail(ck->fail_arg, msg);
		return;
	}
	fprintf(stderr, "gro_check: invariant violated: %s\n", msg);
	abort();
}

/* ------------------------------------------------------------ checksums */

uint64_t gck_csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t gck_csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint64_t pseudo_sum_proto(const uint8_t *iph, int v6, uint32_t l4len, uint8_t proto)
{
	uint64_t s = proto + (l4len >> 16) + (l4len & 0xffff);

	return v6 ? gck_csum_add(s, iph + 8, 32) : gck_csum_add(s, iph + 12, 8);
}

static uint64_t pseudo_sum(const uint8_t *iph, int v6, uint32_t l4len)
{
	return pseudo_sum_proto(iph, v6, l4len, 6);
}

static int l4_csum_valid(const uint8_t *d, uint32_t len, uint32_t l3, uint32_t l4, int v6, uint8_t proto)
{
	uint64_t s = pseudo_sum_proto(d + l3, v6, len - l4, proto);

	return gck_csum_fold(gck_csum_add(s, d + l4, len - l4)) == 0xffff;
}

static int tcp_csum_valid(const uint8_t *d, uint32_t len, uint32_t l3, uint32_t l4, int v6)
{
	return l4_csum_valid(d, len, l3, l4, v6, 6);
}

/* A UDP checksum is valid when present (0 says there is none) and right. */
static int udp_csum_valid(const uint8_t *d, uint32_t len, uint32_t l3, uint32_t l4, int v6)
{
	return rd16(d + l4 + 6) && l4_csum_valid(d, len, l3, l4, v6, 17);
}

/* ------------------------------------------------------------ parsing */

static int skippable6(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60;
}

/* Step over the IPv6 header at @off and the Hop-by-Hop, Routing and
 * Destination Options headers after it: where TCP (or UDP) starts, or 0 if
 * the frame is neither or a header runs past @len. *@proto gets 6 or 17. */
static uint32_t ipv6_l4_off(const uint8_t *d, uint32_t len, uint32_t off, uint8_t *proto)
{
	uint8_t nh = d[off + 6];
	uint32_t l4 = off + 40;

	while (nh != 6 && nh != 17 && skippable6(nh)) {
		uint32_t hl;

		if (l4 + 2 > len)
			return 0;
		hl = (d[l4 + 1] + 1u) * 8;
		if (l4 + hl > len)
			return 0;
		nh = d[l4];
		l4 += hl;
	}
	*proto = nh;
	return nh == 6 || nh == 17 ? l4 : 0;
}

/* The UDP tunnel kind configured for destination @port, or 0. */
static int tun_port(const struct gro_config *cfg, uint16_t port)
{
	unsigned i;

	for (i = 0; port && i < GRO_UDP_TUNNELS; i++)
		if (cfg->tunnels[i].port == port && cfg->tunnels[i].type)
			return cfg->tunnels[i].type == GRO_TUNNEL_VXLAN ? GCK_TUN_VXLAN : GCK_TUN_GENEVE;
	return 0;
}

static int is_tag(uint16_t type)
{
	return type == 0x8100 || type == 0x88a8;
}

/* Step over VLAN tags at *@off while @type names one (and VLAN is on):
 * each tag hands the next layer on, one nested call. 0 if cut short. */
static int walk_tags(const uint8_t *d, uint32_t len, int vlan, uint32_t *off, uint16_t *type, int *ntags,
		     int *depth)
{
	while (vlan && is_tag(*type)) {
		if (*off + 4 > len)
			return 0;
		*type = rd16(d + *off + 2);
		*off += 4;
		++*ntags;
		++*depth;
	}
	return 1;
}

/* One IPv4 or IPv6 header at @off: where what it carries starts (0 if the
 * frame is neither or is cut short), its protocol, and whether GRO may
 * merge it (plain IPv4 header with a good checksum, no fragment; lengths
 * that match the frame). */
static uint32_t parse_net(const uint8_t *d, uint32_t len, uint32_t off, uint16_t type, uint8_t *proto,
			  int *v6, int *ip_ok)
{
	const uint8_t *iph = d + off;

	if (type == 0x0800) {
		uint32_t ihl;
		uint16_t frag;

		if (off + 20 > len)
			return 0;
		ihl = (iph[0] & 15) * 4u;
		if ((iph[0] >> 4) != 4 || ihl < 20 || off + ihl > len)
			return 0;
		*proto = iph[9];
		frag = rd16(iph + 6);
		*v6 = 0;
		*ip_ok = iph[0] == 0x45 && !(frag & 0xbfff) &&
			 gck_csum_fold(gck_csum_add(0, iph, 20)) == 0xffff && rd16(iph + 2) == len - off;
		return off + ihl;
	}
	if (type == 0x86dd) {
		uint8_t nh;
		uint32_t l4 = off + 40;

		if (off + 40 > len)
			return 0;
		nh = iph[6];
		while (skippable6(nh)) {
			uint32_t hl;

			if (l4 + 2 > len)
				return 0;
			hl = (d[l4 + 1] + 1u) * 8;
			if (l4 + hl > len)
				return 0;
			nh = d[l4];
			l4 += hl;
		}
		*proto = nh;
		*v6 = 1;
		*ip_ok = rd16(iph + 4) == len - off - 40;
		return l4;
	}
	return 0;
}

/*
 * The walk Linux's GRO makes through a frame: Ethernet, VLAN tags, IPv4 or
 * IPv6, then at most one tunnel (IP in IP; GRE version 0 with only K and C;
 * VXLAN or GENEVE on a configured UDP port) and what it carries (IPv4,
 * IPv6, VLAN tags, or Ethernet for GRE 0x6558, VXLAN and GENEVE 0x6558),
 * then TCP or UDP. A tunnel inside a tunnel is not parsed (GRO delivers it
 * as is). Linux gives up past 15 nested receive calls: every layer that
 * hands the frame on counts one (a tag, an IP header, GRE, a tunnel's UDP
 * header, VXLAN, GENEVE, an inner Ethernet header), except the outer
 * Ethernet header and IP in IP.
 */
void gck_parse(const struct gro_config *cfg, const uint8_t *d, uint32_t len, int trust, struct gck_parse *p)
{
	uint32_t off = 14, l4, thlen;
	uint16_t type;
	uint8_t proto = 0;
	int ok = 1, ip_ok, v6, first = 1;

	memset(p, 0, sizeof(*p));
	if (!d || len < 14)
		return;
	type = rd16(d + 12);
	if (!walk_tags(d, len, cfg->vlan, &off, &type, &p->ntags, &p->depth))
		return;
	for (;;) {
		l4 = parse_net(d, len, off, type, &proto, &v6, &ip_ok);
		if (!l4)
			return;
		if (first) {
			p->outer_l3 = off;
			p->outer_v6 = v6;
			first = 0;
		}
		p->l3 = off;
		p->v6 = v6;
		ok &= ip_ok;
		p->depth++;			/* IP hands on to what it carries */
		if (proto == 4 || proto == 41) {
			if (p->tun)
				return;
			p->tun = GCK_TUN_IPIP;
			off = l4;
			type = proto == 4 ? 0x0800 : 0x86dd;
			continue;
		}
		if (proto == 47) {
			uint16_t fl;

			if (p->tun || l4 + 4 > len)
				return;
			fl = rd16(d + l4);
			if ((fl & ~(GCK_GRE_C | GCK_GRE_K)) != 0)
				return;
			p->tun = GCK_TUN_GRE;
			p->outer_l4 = p->tun_off = l4;
			p->tun_len = 4 + (fl & GCK_GRE_C ? 4 : 0) + (fl & GCK_GRE_K ? 4 : 0);
			p->ocsum = !!(fl & GCK_GRE_C);
			if (l4 + p->tun_len > len)
				return;
			if (p->ocsum && !trust && gck_csum_fold(gck_csum_add(0, d + l4, len - l4)) != 0xffff)
				ok = 0;
			type = rd16(d + l4 + 2);
			off = l4 + p->tun_len;
			p->depth++;
		} else if (proto == 17 && l4 + 8 <= len && tun_port(cfg, rd16(d + l4 + 2))) {
			uint16_t csum = rd16(d + l4 + 6);

			if (p->tun)
				return;
			p->tun = tun_port(cfg, rd16(d + l4 + 2));
			p->outer_l4 = l4;
			p->tun_off = l4 + 8;
			p->ocsum = !!csum;
			/* A checksum that is set must be right; the UDP length
			 * is not looked at (the IP lengths cover the frame). */
			if (csum && !trust && !udp_csum_valid(d, len, p->l3, l4, v6))
				ok = 0;
			p->depth += 2;		/* UDP to the tunnel, the tunnel onwards */
			if (p->tun == GCK_TUN_VXLAN) {
				p->tun_len = 8;
				type = 0x6558;
			} else {
				const uint8_t *gh = d + p->tun_off;

				if (p->tun_off + 8 > len || (gh[0] >> 6) || (gh[1] & 0x80))
					return;
				p->tun_len = 8 + (gh[0] & 0x3f) * 4u;
				if (p->tun_off + p->tun_len > len)
					return;
				type = rd16(gh + 2);
			}
			off = p->tun_off + p->tun_len;
		} else {
			break;
		}
		/* What GRE or a UDP tunnel carries: Ethernet (0x6558),
		 * VLAN tags or an IP header. */
		if (type == 0x6558) {
			if (off + 14 > len)
				return;
			p->inner_eth = off;
			type = rd16(d + off + 12);
			off += 14;
			p->depth++;
		}
		{
			int itags = 0;

			if (!walk_tags(d, len, cfg->vlan, &off, &type, &itags, &p->depth))
				return;
		}
	}
	if (proto == 17) {
		/* UDP: a datagram merges when its length is its IP payload's,
		 * it is not empty and it carries a checksum (a valid one, unless
		 * trusted); whether UDP merges at all is the configuration's. */
		if (l4 + 8 > len)
			return;
		p->udp = 1;
		p->l4 = l4;
		p->hdr = l4 + 8;
		p->pay = len - p->hdr;
		p->mergeable = ok && p->depth < 15 && p->pay > 0 && rd16(d + l4 + 4) == len - l4 &&
			       rd16(d + l4 + 6) && (trust || udp_csum_valid(d, len, p->l3, l4, p->v6));
		return;
	}
	if (proto != 6 || l4 + 20 > len)
		return;
	thlen = (d[l4 + 12] >> 4) * 4u;
	if (thlen < 20 || l4 + thlen > len)
		return;
	p->tcp = 1;
	p->l4 = l4;
	p->hdr = l4 + thlen;
	p->pay = len - p->hdr;
	p->seq = rd32(d + l4 + 4);
	p->tcpflags = d[l4 + 13];
	p->mergeable = ok && p->depth < 15 && p->pay > 0 &&
		       !(p->tcpflags & (T_SYN | T_RST | T_URG | T_CWR)) &&
		       (trust || tcp_csum_valid(d, len, p->l3, l4, p->v6));
}

void gck_parse_frame(const uint8_t *d, uint32_t len, int vlan, int trust, struct gck_parse *p)
{
	struct gro_config c;

	memset(&c, 0, sizeof(c));
	c.vlan = vlan;
	gck_parse(&c, d, len, trust, p);
}

void gck_fixup(uint8_t *d, uint32_t len, int vlan, int lengths, int tcp_csum)
{
	uint32_t off = 14, l4;
	uint16_t type;
	uint8_t proto = 6;
	int v6 = 0;

	if (!d || len < 14)
		return;
	type = rd16(d + 12);
	while (vlan && (type == 0x8100 || type == 0x88a8)) {
		if (off + 4 > len)
			return;
		type = rd16(d + off + 2);
		off += 4;
	}
	if (type == 0x0800) {
		uint8_t *iph = d + off;
		uint32_t ihl;

		if (off + 20 > len)
			return;
		ihl = (iph[0] & 15) * 4u;
		if (ihl < 20 || off + ihl > len)
			return;
		if (lengths)
			wr16(iph + 2, (uint16_t)(len - off));
		wr16(iph + 10, 0);
		wr16(iph + 10, (uint16_t)~gck_csum_fold(gck_csum_add(0, iph, ihl)));
		if (iph[9] != 6 && iph[9] != 17)
			return;
		proto = iph[9];
		l4 = off + ihl;
	} else if (type == 0x86dd) {
		uint8_t *iph = d + off;

		if (off + 40 > len)
			return;
		if (lengths)
			wr16(iph + 4, (uint16_t)(len - off - 40));
		l4 = ipv6_l4_off(d, len, off, &proto);
		if (!l4)
			return;
		v6 = 1;
	} else {
		return;
	}
	if (proto == 17) {
		uint16_t c;

		if (l4 + 8 > len)
			return;
		if (lengths)
			wr16(d + l4 + 4, (uint16_t)(len - l4));
		if (!tcp_csum)
			return;
		wr16(d + l4 + 6, 0);
		c = (uint16_t)~gck_csum_fold(gck_csum_add(pseudo_sum_proto(d + off, v6, len - l4, 17),
							  d + l4, len - l4));
		wr16(d + l4 + 6, c ? c : 0xffff);
		return;
	}
	if (!tcp_csum || l4 + 20 > len)
		return;
	wr16(d + l4 + 16, 0);
	wr16(d + l4 + 16, (uint16_t)~gck_csum_fold(gck_csum_add(pseudo_sum(d + off, v6, len - l4),
								 d + l4, len - l4)));
}

/* An IP header's length field to match @len, and its checksum. */
static void fix_net(uint8_t *d, uint32_t len, uint32_t l3, int v6)
{
	if (v6) {
		wr16(d + l3 + 4, (uint16_t)(len - l3 - 40));
		return;
	}
	wr16(d + l3 + 2, (uint16_t)(len - l3));
	wr16(d + l3 + 10, 0);
	wr16(d + l3 + 10, (uint16_t)~gck_csum_fold(gck_csum_add(0, d + l3, (d[l3] & 15) * 4u)));
}

/* A UDP header's length and checksum (0 comes out as 0xffff). */
static void fix_udp(uint8_t *d, uint32_t len, uint32_t l3, uint32_t l4, int v6)
{
	uint16_t c;

	wr16(d + l4 + 4, (uint16_t)(len - l4));
	wr16(d + l4 + 6, 0);
	c = (uint16_t)~gck_csum_fold(gck_csum_add(pseudo_sum_proto(d + l3, v6, len - l4, 17), d + l4, len - l4));
	wr16(d + l4 + 6, c ? c : 0xffff);
}

void gck_fixup_outer(const struct gro_config *cfg, uint8_t *d, uint32_t len)
{
	struct gck_parse p;

	gck_parse(cfg, d, len, 1, &p);
	if (!p.tun || (!p.tcp && !p.udp))
		return;
	/* Innermost first: every outer checksum covers what is inside. */
	if (p.tun == GCK_TUN_GRE && p.ocsum) {
		wr16(d + p.tun_off + 4, 0);
		wr16(d + p.tun_off + 4, (uint16_t)~gck_csum_fold(gck_csum_add(0, d + p.tun_off, len - p.tun_off)));
	}
	if (p.tun >= GCK_TUN_VXLAN) {
		/* The outer UDP header: its checksum only if it has one. */
		if (p.ocsum)
			fix_udp(d, len, p.outer_l3, p.outer_l4, p.outer_v6);
		else
			wr16(d + p.outer_l4 + 4, (uint16_t)(len - p.outer_l4));
	}
	fix_net(d, len, p.outer_l3, p.outer_v6);
}

void gck_fixup_cfg(const struct gro_config *cfg, uint8_t *d, uint32_t len, int tcp_csum)
{
	struct gck_parse p;

	gck_parse(cfg, d, len, 1, &p);
	if (!p.tun || (!p.tcp && !p.udp)) {
		gck_fixup(d, len, cfg->vlan, 1, tcp_csum);
		return;
	}
	fix_net(d, len, p.l3, p.v6);
	if (p.udp) {
		if (tcp_csum)
			fix_udp(d, len, p.l3, p.l4, p.v6);
		else
			wr16(d + p.l4 + 4, (uint16_t)(len - p.l4));
	} else if (tcp_csum) {
		wr16(d + p.l4 + 16, 0);
		wr16(d + p.l4 + 16, (uint16_t)~gck_csum_fold(gck_csum_add(pseudo_sum(d + p.l3, p.v6, len - p.l4),
									  d + p.l4, len - p.l4)));
	}
	gck_fixup_outer(cfg, d, len);
}

/* ------------------------------------------------------------ hooks */

static struct gck_fr *frame_of(struct gck *ck, void *cookie, const char *what)
{
	uintptr_t i = (uintptr_t)cookie;

	if (i < 1 || i > ck->nfr) {
		fail(ck, "%s: unknown cookie %p", what, cookie);
		return NULL;
	}
	return &ck->fr[i - 1];
}

static uint8_t *lin_buf(struct gck *ck, size_t len)
{
	if (len + 1 > ck->lincap) {
		free(ck->lin);
		ck->lincap = len + 4096;
		ck->lin = malloc(ck->lincap);
		if (!ck->lin) {
			fprintf(stderr, "gro_check: out of memory\n");
			abort();
		}
	}
	return ck->lin;
}

/* Offsets the engine reports must lie inside the frame and agree with an
 * independent parse wherever the engine got that far. */
static void check_offsets(struct gck *ck, const struct gro_pkt *p, const struct gck_fr *f, uint32_t idx)
{
	struct gck_parse ps;

	if (!p->l3_off && !p->l4_off && !p->hdr_len)
		return;
	if (p->l3_off < 14 || p->l3_off > p->len ||
	    (p->l4_off && (p->l4_off < p->l3_off + 20 || p->l4_off + 8u > p->len)) ||
	    (p->hdr_len && (p->hdr_len < p->l4_off + 8u || p->hdr_len > p->len))) {
		fail(ck, "frame %u (len %u): offsets outside the frame: l3 %u l4 %u hdr %u",
		     idx, p->len, p->l3_off, p->l4_off, p->hdr_len);
		return;
	}
	gck_parse(&ck->cfg, f->orig, f->len, 1, &ps);
	if (p->l4_off && (ps.tcp || ps.udp) && (p->l3_off != ps.l3 || p->l4_off != ps.l4 || p->hdr_len != ps.hdr))
		fail(ck, "frame %u (len %u): engine offsets l3 %u l4 %u hdr %u, frame has %u %u %u",
		     idx, f->len, p->l3_off, p->l4_off, p->hdr_len, ps.l3, ps.l4, ps.hdr);
}

static void check_as_is(struct gck *ck, const struct gro_pkt *p, struct gck_fr *f, uint32_t idx)
{
	const struct gro_seg *s = &p->segs[0];
	long n;

	if (p->nsegs != 1 || p->gso_size || p->gso_type || p->csum_partial || p->encap || p->outer_l3_off ||
	    p->outer_l4_off)
		fail(ck, "frame %u: a packet with gso_segs 1 must be one untouched frame "
		     "(nsegs %u gso_size %u gso_type %#x csum_partial %u encap %u outer_l3 %u outer_l4 %u)",
		     idx, p->nsegs, p->gso_size, p->gso_type, p->csum_partial, p->encap, p->outer_l3_off,
		     p->outer_l4_off);
	if (f->isnull) {
		if (p->data || p->len || s->data || s->len)
			fail(ck, "frame %u (data NULL): delivered as data %p len %u", idx, (void *)p->data, p->len);
		if (!ck->lin_empty)
			return;
	} else {
		if (s->data != f->buf || s->len != f->len)
			fail(ck, "frame %u: passed through as span %p+%u, frame is %p+%u",
			     idx, (void *)s->data, s->len, (void *)f->buf, f->len);
		if (f->len && memcmp(f->buf, f->orig, f->len))
			fail(ck, "frame %u: passed through with modified bytes", idx);
		check_offsets(ck, p, f, idx);
	}
	n = gro_pkt_linearize(p, lin_buf(ck, p->len), p->len, GRO_LIN_CSUM);
	if (n != (long)p->len || (p->len && memcmp(ck->lin, f->orig, p->len)))
		fail(ck, "frame %u: linearized pass-through differs (%ld bytes of %u)", idx, n, p->len);
	if (p->len && gro_pkt_linearize(p, ck->lin, p->len - 1, 0) != GRO_ENOSPC)
		fail(ck, "frame %u: linearize into a buffer one byte short is not GRO_ENOSPC", idx);
}

/* May byte @off of the IP header at @l3 differ between segments? */
static int net_may_differ(uint32_t l3, int v6, const uint8_t *head, uint32_t off, uint8_t a, uint8_t b)
{
	if (!v6)
		return (off >= l3 + 2 && off < l3 + 6) || off == l3 + 10 || off == l3 + 11;
	if (off == l3 + 4 || off == l3 + 5)
		return 1;
	/* An IPv6 EtherType whose version nibble is not 6 gets IPv4's
	 * checks (Linux picks them by the nibble): hop limit and the high
	 * half of the traffic class are not compared. */
	if ((head[l3] >> 4) != 6)
		return off == l3 + 7 || (off == l3 && !((a ^ b) & 0xf0));
	return 0;
}

/* GRE with C and without K: its checksum word (checksum and reserved1)
 * is not compared (Linux compares the first word after the base header
 * only when K is set: the key, or with C the checksum word). */
static int gre_csum_free(const struct gck_parse *h, const uint8_t *head)
{
	return h->tun == GCK_TUN_GRE && (rd16(head + h->tun_off) & (GCK_GRE_C | GCK_GRE_K)) == GCK_GRE_C;
}

/* May byte @off of a later segment's headers differ from the head's? */
static int may_differ(const struct gck_parse *h, const uint8_t *head, uint32_t off, uint8_t a, uint8_t b,
		      int flist)
{
	uint32_t l4 = h->l4;

	if (off >= l4) {
		/* UDP: the length (a shorter last datagram) and the checksum */
		if (h->udp)
			return off >= l4 + 4 && off < l4 + 8;
		/* seq; checksum and urgent pointer (Linux compares neither; URG
		 * itself is in the flag word and never merges) */
		if ((off >= l4 + 4 && off < l4 + 8) || (off >= l4 + 16 && off < l4 + 20))
			return 1;
		/* FIN/PSH may differ, except in a list (every flag equal) */
		return off == l4 + 13 && !flist && !((a ^ b) & ~(T_FIN | T_PSH));
	}
	if (off >= h->l3)
		return net_may_differ(h->l3, h->v6, head, off, a, b);
	if (!h->tun)
		return 0;
	/* The tunnel's headers: the outer IP header's lengths, ID and
	 * checksum; the outer UDP length and checksum (whether it is set is
	 * part of the flow, checked apart); an unkeyed GRE checksum word.
	 * Everything else (extension headers, GRE flags and key, the VXLAN
	 * and GENEVE headers, an inner Ethernet header) is the flow's. */
	if (off >= h->outer_l3 && off < h->outer_l3 + (h->outer_v6 ? 40u : 20u))
		return net_may_differ(h->outer_l3, h->outer_v6, head, off, a, b);
	if (h->tun >= GCK_TUN_VXLAN && off >= h->outer_l4 + 4 && off < h->outer_l4 + 8)
		return 1;
	return gre_csum_free(h, head) && off >= h->tun_off + 4 && off < h->tun_off + 8;
}

/* Where the transport checksum is: TCP 16, UDP 6. */
static uint32_t csum_field(const struct gck_parse *h)
{
	return h->udp ? 6 : 16;
}

/*
 * The largest merged packet, after the Ethernet header (docs/rules.md,
 * "Size"): max_size for untagged IPv6, ipv4_max_size (or max_size) for
 * anything else (by the outermost header); past 64 KiB only TCP over
 * untagged IPv4, not in a tunnel (BIG TCP); a list stays within 64 KiB
 * whatever max_size says.
 */
static uint32_t size_limit(const struct gck *ck, const struct gck_parse *h, int flist)
{
	uint32_t v4 = ck->cfg.ipv4_max_size ? ck->cfg.ipv4_max_size : ck->cfg.max_size;
	uint32_t m = h->outer_v6 && !h->ntags ? ck->cfg.max_size : v4;

	if (flist)
		return 65535;
	if (m > 65535 && (h->udp || h->outer_v6 || h->ntags || h->tun))
		m = 65535;
	return m;
}

/*
 * May byte @i of a segment gro_segment() gives back differ from the frame
 * that arrived (@o)? Only what it recomputes: the IPv4 header checksums,
 * the transport checksum, a set outer UDP checksum and a GRE checksum
 * (each must then be valid); and what GRO does not compare, which comes
 * back as the head's: the urgent pointer of a segment without URG, the
 * reserved word after an unkeyed GRE checksum; and a tunnel's UDP length
 * that lied (Linux does not look at it: GSO writes the true one).
 */
static int seg_may_differ(const struct gck_parse *h, const uint8_t *o, uint32_t len, uint32_t i)
{
	uint32_t l3 = h->l3, l4 = h->l4, cf = l4 + csum_field(h);

	if ((!h->v6 && (i == l3 + 10 || i == l3 + 11)) || i == cf || i == cf + 1 ||
	    (!h->udp && (i == l4 + 18 || i == l4 + 19) && !(o[l4 + 13] & T_URG)))
		return 1;
	if (!h->tun)
		return 0;
	if (!h->outer_v6 && (i == h->outer_l3 + 10 || i == h->outer_l3 + 11))
		return 1;
	if (h->tun >= GCK_TUN_VXLAN)
		return (h->ocsum && (i == h->outer_l4 + 6 || i == h->outer_l4 + 7)) ||
		       ((i == h->outer_l4 + 4 || i == h->outer_l4 + 5) &&
			rd16(o + h->outer_l4 + 4) != len - h->outer_l4);
	if (h->tun == GCK_TUN_GRE && h->ocsum)
		return (i == h->tun_off + 4 || i == h->tun_off + 5) ||
		       (gre_csum_free(h, o) && (i == h->tun_off + 6 || i == h->tun_off + 7));
	return 0;
}

/*
 * GSO, GRO's inverse: gro_segment() of a delivered super-packet must give
 * back the frames that arrived, with only what it recomputes allowed to
 * differ (seg_may_differ). UDP datagrams come back with their own UDP
 * length, tunnelled segments with their own outer lengths and IDs;
 * fraglist packets are cut the same way.
 */
static void check_roundtrip(struct gck *ck, const struct gro_pkt *p, struct gck_fr **fs,
			    const struct gck_parse *h, uint32_t idx0)
{
	uint32_t n = p->nsegs, k, i;
	size_t cap = (size_t)p->len + (size_t)(n - 1) * h->hdr;
	uint8_t *buf = malloc(cap);
	struct gro_seg *out = malloc(n * sizeof(*out));
	int rc;

	if (!buf || !out)
		abort();
	rc = gro_segment(p, buf, cap, out, n);
	/* Reported, not fixed yet: gro_segment refuses an IPv6 EtherType
	 * whose version nibble is not 6, and more than 8 VLAN tags, both of
	 * which GRO merges (as Linux does). Tolerated on request. */
	if (rc == GRO_EPROTO && ck->roundtrip == 2 &&
	    ((h->v6 && (fs[0]->orig[h->l3] >> 4) != 6) || h->ntags > 8))
		goto out;
	if (rc != (int)n) {
		fail(ck, "frame %u: gro_segment of a delivered super-packet of %u segments returned %d (%s)", idx0,
		     n, rc, rc < 0 ? gro_strerror(rc) : "segments");
		goto out;
	}
	for (k = 0; k < n; k++) {
		const struct gck_fr *f = fs[k];
		const uint8_t *o = f->orig, *g = out[k].data;
		uint32_t l3 = h->l3, l4 = h->l4;

		if (out[k].len != f->len) {
			fail(ck, "frame %u: segment %u of its super-packet comes back as %u bytes, arrived as %u", idx0,
			     k, out[k].len, f->len);
			continue;
		}
		for (i = 0; i < f->len; i++) {
			if (g[i] == o[i] || seg_may_differ(h, o, f->len, i))
				continue;
			fail(ck, "frame %u: segment %u of its super-packet differs from the frame that arrived at "
			     "byte %u (%#x, was %#x)", idx0, k, i, g[i], o[i]);
			break;
		}
		if (!h->v6 && gck_csum_fold(gck_csum_add(0, g + l3, 20)) != 0xffff)
			fail(ck, "frame %u: segment %u has a bad IPv4 header checksum", idx0, k);
		if (h->udp ? !udp_csum_valid(g, f->len, l3, l4, h->v6) : !tcp_csum_valid(g, f->len, l3, l4, h->v6))
			fail(ck, "frame %u: segment %u has a bad %s checksum", idx0, k, h->udp ? "UDP" : "TCP");
		if (h->tun && !h->outer_v6 && gck_csum_fold(gck_csum_add(0, g + h->outer_l3, 20)) != 0xffff)
			fail(ck, "frame %u: segment %u has a bad outer IPv4 header checksum", idx0, k);
		if (h->tun >= GCK_TUN_VXLAN && h->ocsum &&
		    !udp_csum_valid(g, f->len, h->outer_l3, h->outer_l4, h->outer_v6))
			fail(ck, "frame %u: segment %u has a bad outer UDP checksum", idx0, k);
		if (h->tun >= GCK_TUN_VXLAN && rd16(g + h->outer_l4 + 4) != f->len - h->outer_l4)
			fail(ck, "frame %u: segment %u has outer UDP length %u, not %u", idx0, k,
			     rd16(g + h->outer_l4 + 4), f->len - h->outer_l4);
		if (h->tun == GCK_TUN_GRE && h->ocsum &&
		    gck_csum_fold(gck_csum_add(0, g + h->tun_off, f->len - h->tun_off)) != 0xffff)
			fail(ck, "frame %u: segment %u has a bad GRE checksum", idx0, k);
	}
out:
	free(buf);
	free(out);
}

/* Does gro_complete rewrite byte @i of the IP header at @l3 (its length,
 * and the IPv4 header checksum)? */
static int net_rewritten(uint32_t l3, int v6, uint32_t i)
{
	return v6 ? i == l3 + 4 || i == l3 + 5 : i == l3 + 2 || i == l3 + 3 || i == l3 + 10 || i == l3 + 11;
}

/* A completed IP header at @l3 of a packet of @len bytes: its length
 * (IPv4 past 64 KiB, BIG TCP: 0, as iph_set_totlen leaves it) and IPv4
 * header checksum. */
static void check_net_completed(struct gck *ck, const uint8_t *out, uint32_t len, uint32_t l3, int v6,
				uint32_t idx0, const char *which)
{
	if (!v6) {
		uint32_t want = len - l3 > 65535 ? 0 : len - l3;

		if (rd16(out + l3 + 2) != want)
			fail(ck, "frame %u: %sIPv4 tot_len %u, packet has %u bytes of IP (expected %u)", idx0,
			     which, rd16(out + l3 + 2), len - l3, want);
		if (gck_csum_fold(gck_csum_add(0, out + l3, 20)) != 0xffff)
			fail(ck, "frame %u: completed %sIPv4 header checksum is wrong", idx0, which);
	} else if (rd16(out + l3 + 4) != len - l3 - 40) {
		fail(ck, "frame %u: %sIPv6 payload_len %u, packet has %u", idx0, which, rd16(out + l3 + 4),
		     len - l3 - 40);
	}
}

/* The checksum field of the transport header at @l4 holds the folded
 * pseudo-header sum over the packet from @l4 (CHECKSUM_PARTIAL's seed). */
static void check_seed(struct gck *ck, const uint8_t *out, uint32_t len, uint32_t l3, int v6, uint32_t l4,
		       uint8_t proto, uint32_t idx0, const char *what)
{
	uint32_t cf = l4 + (proto == 17 ? 6 : 16);
	uint16_t seed = gck_csum_fold(pseudo_sum_proto(out + l3, v6, len - l4, proto));

	if (rd16(out + cf) != seed && !(seed == 0xffff && !rd16(out + cf)))
		fail(ck, "frame %u: %s checksum field %#x, pseudo-header seed %#x", idx0, what, rd16(out + cf), seed);
}

static void check_super(struct gck *ck, const struct gro_pkt *p, struct gck_fr **fs)
{
	uint32_t n = p->nsegs, k, i, tot, expect_seq, idx0 = (uint32_t)(fs[0] - ck->fr), cf, limit;
	const int trust = ck->cfg.csum == GRO_CSUM_TRUST;
	struct gck_parse h, ps;
	const struct gck_fr *f0 = fs[0];
	const uint8_t *o0 = f0->orig, *out = f0->buf;
	uint8_t fin_psh = 0;
	int fixed[2] = { 0, 0 }, udp, flist, lv;
	uint32_t want_type;
	long ln;

	if (p->gso_segs != n) {
		fail(ck, "frame %u: gso_segs %u but %u spans", idx0, p->gso_segs, n);
		return;
	}
	if (f0->isnull) {
		fail(ck, "frame %u: a NULL frame heads a super-packet", idx0);
		return;
	}
	gck_parse(&ck->cfg, o0, f0->len, trust || (f0->flags & GRO_FRAME_CSUM_OK), &h);
	if (!h.mergeable || (h.udp && ck->cfg.udp == GRO_UDP_OFF)) {
		fail(ck, "frame %u heads a super-packet but is not a mergeable %s", idx0,
		     h.udp ? "UDP datagram (or UDP GRO is off)" : "TCP segment");
		return;
	}
	udp = h.udp;
	flist = udp ? ck->cfg.udp == GRO_UDP_FRAGLIST : !!ck->cfg.fraglist;
	cf = h.l4 + csum_field(&h);
	if (p->segs[0].data != f0->buf || p->segs[0].len != f0->len)
		fail(ck, "frame %u: a super-packet must start with its whole head frame", idx0);
	if (p->l3_off != h.l3 || p->l4_off != h.l4 || p->hdr_len != h.hdr || p->gso_size != h.pay)
		fail(ck, "frame %u: super-packet metadata l3 %u l4 %u hdr %u gso_size %u, head has %u %u %u %u",
		     idx0, p->l3_off, p->l4_off, p->hdr_len, p->gso_size, h.l3, h.l4, h.hdr, h.pay);
	if (p->encap != !!h.tun || p->outer_l3_off != (h.tun ? h.outer_l3 : 0) ||
	    p->outer_l4_off != (h.tun ? h.outer_l4 : 0))
		fail(ck, "frame %u: super-packet encap %u outer_l3 %u outer_l4 %u, head has %u %u %u", idx0,
		     p->encap, p->outer_l3_off, p->outer_l4_off, !!h.tun, h.tun ? h.outer_l3 : 0,
		     h.tun ? h.outer_l4 : 0);
	if (!ck->cfg.vlan && h.ntags)
		fail(ck, "frame %u: a VLAN-tagged super-packet with vlan off", idx0);
	if (flist ? p->csum_partial != 0 || p->csum_valid != 1 :
		    p->csum_partial != 1 || p->csum_start != h.l4 || p->csum_offset != csum_field(&h))
		fail(ck, "frame %u: checksum metadata partial %u valid %u start %u offset %u (%s%s)", idx0,
		     p->csum_partial, p->csum_valid, p->csum_start, p->csum_offset, udp ? "UDP" : "TCP",
		     flist ? ", fraglist" : "");
	if (ck->cfg.max_segs && n > ck->cfg.max_segs)
		fail(ck, "frame %u: %u segments, max_segs %u", idx0, n, ck->cfg.max_segs);
	if ((udp || flist) && n > 64)
		fail(ck, "frame %u: %u segments in a %s packet, at most 64", idx0, n, udp ? "UDP" : "TCP list");

	tot = f0->len;
	expect_seq = h.seq + h.pay;
	for (k = 1; k < n; k++) {
		const struct gck_fr *f = fs[k];
		uint32_t idx = (uint32_t)(f - ck->fr);

		if (f->isnull) {
			fail(ck, "frame %u (NULL) merged into a super-packet", idx);
			return;
		}
		gck_parse(&ck->cfg, f->orig, f->len, trust || (f->flags & GRO_FRAME_CSUM_OK), &ps);
		if (!ps.mergeable) {
			fail(ck, "frame %u merged (segment %u of frame %u's packet) but is not a mergeable "
			     "%s", idx, k, idx0, ps.udp ? "UDP datagram" : "TCP segment");
			return;
		}
		if (ps.l3 != h.l3 || ps.l4 != h.l4 || ps.hdr != h.hdr || ps.v6 != h.v6 || ps.udp != h.udp ||
		    ps.tun != h.tun || ps.outer_l3 != h.outer_l3 || ps.outer_v6 != h.outer_v6 ||
		    ps.outer_l4 != h.outer_l4 || ps.tun_len != h.tun_len || ps.ocsum != h.ocsum) {
			fail(ck, "frame %u merged with frame %u but their header layouts differ", idx, idx0);
			return;
		}
		if (f->rxhash != f0->rxhash)
			fail(ck, "frame %u merged with frame %u despite different rxhash", idx, idx0);
		if (p->segs[k].data != f->buf + ps.hdr || p->segs[k].len != ps.pay)
			fail(ck, "segment %u of frame %u's packet: span %p+%u, payload of frame %u is %p+%u",
			     k, idx0, (void *)p->segs[k].data, p->segs[k].len, idx, (void *)(f->buf + ps.hdr), ps.pay);
		if (memcmp(f->buf, f->orig, f->len))
			fail(ck, "frame %u: a merged segment's bytes were modified", idx);
		if (!udp && ps.seq != expect_seq)
			fail(ck, "frame %u: segment %u of frame %u's packet has seq %u, expected %u (out of order)",
			     idx, k, idx0, ps.seq, expect_seq);
		expect_seq = ps.seq + ps.pay;
		if (k + 1 < n ? ps.pay != h.pay : ps.pay > h.pay)
			fail(ck, "frame %u: segment %u of %u carries %u bytes, gso_size %u", idx, k, n, ps.pay, h.pay);
		if (k + 1 < n && (ps.tcpflags & (T_FIN | T_PSH)))
			fail(ck, "frame %u: a FIN/PSH segment is not the last of its packet", idx);
		for (i = 0; i < h.hdr; i++)
			if (o0[i] != f->orig[i] && !may_differ(&h, o0, i, o0[i], f->orig[i], flist)) {
				fail(ck, "frame %u merged into frame %u's packet but header byte %u differs "
				     "(%#x vs %#x)", idx, idx0, i, f->orig[i], o0[i]);
				break;
			}
		/* Each IPv4 header's ID (outer, then inner: Linux's levels)
		 * counts up from the head's, or stays fixed from the second
		 * segment on. */
		for (lv = 0; lv <= !!h.tun; lv++) {
			uint32_t l3 = lv ? h.l3 : h.outer_l3;
			uint16_t id0, id;

			if (lv ? h.v6 : h.outer_v6)
				continue;
			id0 = rd16(o0 + l3 + 4);
			id = rd16(f->orig + l3 + 4);
			if (k == 1)
				fixed[lv] = id == id0;
			if (id != (uint16_t)(id0 + (fixed[lv] ? 0 : k)))
				fail(ck, "frame %u: %s ID %u in segment %u after %u (%s)", idx,
				     h.tun && !lv ? "outer IPv4" : "IPv4", id, k, id0,
				     fixed[lv] ? "fixed" : "incrementing");
		}
		fin_psh |= ps.tcpflags & (T_FIN | T_PSH);
		tot += ps.pay;
		ck->merged_hdr_bytes += ps.hdr;
	}
	if (h.tcpflags & (T_FIN | T_PSH))
		fail(ck, "frame %u: a FIN/PSH segment heads a super-packet", idx0);
	if (tot != p->len)
		fail(ck, "frame %u: super-packet len %u, its segments add up to %u", idx0, p->len, tot);
	limit = size_limit(ck, &h, flist);
	if (p->len - 14 > limit)
		fail(ck, "frame %u: %s%s super-packet of %u bytes after Ethernet, limit %u (max_size %u, "
		     "ipv4_max_size %u)", idx0, udp ? "UDP" : "TCP", flist ? " list" : "", p->len - 14, limit,
		     ck->cfg.max_size, ck->cfg.ipv4_max_size);
	/* The transport's type; FIXEDID by level: a tunnel's outer IPv4
	 * header is level 0, the inner one level 1 (_INNER). */
	want_type = udp ? GRO_GSO_UDP_L4 : h.v6 ? GRO_GSO_TCPV6 : GRO_GSO_TCPV4;
	if (!h.outer_v6 && fixed[0])
		want_type |= GRO_GSO_TCP_FIXEDID;
	if (h.tun && !h.v6 && fixed[1])
		want_type |= GRO_GSO_TCP_FIXEDID_INNER;
	switch (h.tun) {
	case GCK_TUN_IPIP:
		want_type |= h.outer_v6 ? GRO_GSO_IPXIP6 : GRO_GSO_IPXIP4;
		break;
	case GCK_TUN_GRE:
		want_type |= GRO_GSO_GRE | (h.ocsum ? GRO_GSO_GRE_CSUM : 0);
		break;
	case GCK_TUN_VXLAN:
	case GCK_TUN_GENEVE:
		want_type |= h.ocsum ? GRO_GSO_UDP_TUNNEL_CSUM : GRO_GSO_UDP_TUNNEL;
		break;
	}
	if (flist)
		want_type |= GRO_GSO_FRAGLIST;
	if (p->gso_type != want_type)
		fail(ck, "frame %u: gso_type %#x, expected %#x", idx0, p->gso_type, want_type);

	/* The head: only what gro_complete rewrites may have changed: the
	 * lengths (and IPv4 checksums) of every IP header, a tunnel's UDP
	 * length and set checksum; a GRE header stays as it came. */
	for (i = 0; i < f0->len; i++) {
		uint32_t l4 = h.l4;

		if (out[i] == o0[i])
			continue;
		if (net_rewritten(h.l3, h.v6, i) || (h.tun && net_rewritten(h.outer_l3, h.outer_v6, i)))
			continue;
		if (h.tun >= GCK_TUN_VXLAN && (i == h.outer_l4 + 4 || i == h.outer_l4 + 5 ||
					       (h.ocsum && (i == h.outer_l4 + 6 || i == h.outer_l4 + 7))))
			continue;
		if (!flist && (i == cf || i == cf + 1))
			continue;
		if (udp && (i == l4 + 4 || i == l4 + 5))
			continue;
		if (!udp && !flist && i == l4 + 13 && out[i] == (o0[i] | fin_psh))
			continue;
		fail(ck, "frame %u: head byte %u changed from %#x to %#x%s", idx0, i, o0[i], out[i],
		     flist ? " (fraglist)" : "");
		break;
	}
	if (!udp && out[h.l4 + 13] != (o0[h.l4 + 13] | fin_psh))
		fail(ck, "frame %u: head TCP flags %#x, expected %#x", idx0, out[h.l4 + 13], o0[h.l4 + 13] | fin_psh);
	check_net_completed(ck, out, p->len, h.l3, h.v6, idx0, "");
	if (h.tun)
		check_net_completed(ck, out, p->len, h.outer_l3, h.outer_v6, idx0, "outer ");
	if (udp && rd16(out + h.l4 + 4) != p->len - h.l4)
		fail(ck, "frame %u: UDP length %u, packet has %u bytes of UDP", idx0, rd16(out + h.l4 + 4),
		     p->len - h.l4);
	if (!flist)
		check_seed(ck, out, p->len, h.l3, h.v6, h.l4, udp ? 17 : 6, idx0, udp ? "UDP" : "TCP");
	if (h.tun >= GCK_TUN_VXLAN) {
		if (rd16(out + h.outer_l4 + 4) != p->len - h.outer_l4)
			fail(ck, "frame %u: outer UDP length %u, packet has %u bytes of UDP", idx0,
			     rd16(out + h.outer_l4 + 4), p->len - h.outer_l4);
		if (h.ocsum)
			check_seed(ck, out, p->len, h.outer_l3, h.outer_v6, h.outer_l4, 17, idx0, "outer UDP");
		else if (rd16(out + h.outer_l4 + 6))
			fail(ck, "frame %u: outer UDP checksum set to %#x, the head had none", idx0,
			     rd16(out + h.outer_l4 + 6));
	}

	/* Linearized (and completed, unless a list, whose checksums are the
	 * head's as it came), the packet is the head frame followed by the
	 * payloads, in order. */
	ln = gro_pkt_linearize(p, lin_buf(ck, p->len), p->len, GRO_LIN_CSUM);
	if (ln != (long)p->len) {
		fail(ck, "frame %u: linearize returned %ld for %u bytes", idx0, ln, p->len);
		return;
	}
	if (!flist && (udp ? !udp_csum_valid(ck->lin, p->len, h.l3, h.l4, h.v6) :
			     !tcp_csum_valid(ck->lin, p->len, h.l3, h.l4, h.v6)))
		fail(ck, "frame %u: completed super-packet has a bad %s checksum", idx0, udp ? "UDP" : "TCP");
	if (flist ? memcmp(ck->lin, out, f0->len) :
		    memcmp(ck->lin, out, cf) || memcmp(ck->lin + cf + 2, out + cf + 2, f0->len - cf - 2))
		fail(ck, "frame %u: linearized head differs from the head frame", idx0);
	for (k = 1, tot = f0->len; k < n; k++) {
		if (memcmp(ck->lin + tot, p->segs[k].data, p->segs[k].len))
			fail(ck, "frame %u: linearized payload %u differs", idx0, k);
		tot += p->segs[k].len;
	}
	if (gro_pkt_linearize(p, ck->lin, p->len - 1, GRO_LIN_CSUM) != GRO_ENOSPC)
		fail(ck, "frame %u: linearize into a buffer one byte short is not GRO_ENOSPC", idx0);
	if (ck->roundtrip)
		check_roundtrip(ck, p, fs, &h, idx0);
}

/*
 * The flow key of a TCP or UDP frame, refined: everything Linux compares
 * to tell flows apart (receive hash, MAC header and VLAN tags, IP
 * addresses and protocol, the IPv6 version, traffic class and flow label
 * word and extension headers, ports; a tunnel's outer headers likewise,
 * and its GRE, VXLAN or GENEVE header and inner Ethernet header), and a
 * little more (the IPv4 header length, an outer IPv4 header's, bytes of
 * a tunnel's headers that Linux compares only as a flush). Frames with
 * equal keys are in one GRO flow.
 */
static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* An IP header's part of the key, its header at @l3 and what it carries
 * at @end: IPv6 version, traffic class and flow label word, addresses and
 * extension headers; IPv4 version and header length, protocol, addresses. */
static uint64_t net_key(uint64_t h, const uint8_t *d, uint32_t l3, int v6, uint32_t end)
{
	if (v6) {
		h = fnv(h, d + l3, 4);
		h = fnv(h, d + l3 + 6, 1);
		return fnv(h, d + l3 + 8, end - l3 - 8);
	}
	h = fnv(h, d + l3, 1);
	h = fnv(h, d + l3 + 9, 1);
	return fnv(h, d + l3 + 12, 8);
}

static int frame_key(const struct gck *ck, const uint8_t *d, uint32_t len, uint32_t rxhash, uint64_t *key)
{
	struct gck_parse ps;
	uint8_t rx[4] = { (uint8_t)(rxhash >> 24), (uint8_t)(rxhash >> 16), (uint8_t)(rxhash >> 8),
			  (uint8_t)rxhash };
	uint64_t h = 0xcbf29ce484222325ull;

	gck_parse(&ck->cfg, d, len, 1, &ps);
	if (!ps.tcp && !ps.udp)
		return 0;
	h = fnv(h, rx, 4);
	if (ps.tun) {
		/* The outer headers as the inner ones below; then every byte
		 * up to the inner IP header but the outer UDP length and
		 * checksum (whether it is set is kept) and an unkeyed GRE
		 * checksum word. */
		uint32_t i, o = ps.outer_l3 + (ps.outer_v6 ? 40 : 20);

		h = fnv(h, d, ps.outer_l3);
		h = net_key(h, d, ps.outer_l3, ps.outer_v6, ps.outer_l4 ? ps.outer_l4 : ps.l3);
		for (i = o; i < ps.l3; i++) {
			if (ps.tun >= GCK_TUN_VXLAN && i >= ps.outer_l4 + 4 && i < ps.outer_l4 + 8)
				continue;
			if (gre_csum_free(&ps, d) && i >= ps.tun_off + 4 && i < ps.tun_off + 8)
				continue;
			h = fnv(h, d + i, 1);
		}
		h ^= (uint64_t)ps.ocsum << 1;
	} else {
		h = fnv(h, d, ps.l3);
	}
	h = net_key(h, d, ps.l3, ps.v6, ps.l4);
	h = fnv(h, d + ps.l4, 4);
	*key = h ^ (uint64_t)ps.udp;
	return 1;
}


static struct gck_keyslot *key_slot(struct gck *ck, uint64_t key)
{
	uint32_t i;

	if (2 * (ck->nkeys + 1) > ck->keycap) {
		struct gck_keyslot *old = ck->keys;
		uint32_t oc = ck->keycap, j;

		ck->keycap = oc ? 2 * oc : 256;
		ck->keys = calloc(ck->keycap, sizeof(*ck->keys));
		if (!ck->keys)
			abort();
		ck->nkeys = 0;
		for (j = 0; j < oc; j++)
			if (old[j].last) {
				for (i = (uint32_t)old[j].key & (ck->keycap - 1); ck->keys[i].last;
				     i = (i + 1) & (ck->keycap - 1))
					;
				ck->keys[i] = old[j];
				ck->nkeys++;
			}
		free(old);
	}
	for (i = (uint32_t)key & (ck->keycap - 1); ck->keys[i].last && ck->keys[i].key != key;
	     i = (i + 1) & (ck->keycap - 1))
		;
	if (!ck->keys[i].last) {
		ck->keys[i].key = key;
		ck->nkeys++;
	}
	return &ck->keys[i];
}

/* Held frames of one flow come out in the order they arrived: a flow is
 * held once at most, and its packets complete in order. (Frames delivered
 * as they came may overtake held ones.) */
static void check_order(struct gck *ck, const struct gro_pkt *p, struct gck_fr **fs)
{
	uint32_t k;

	if (p->reason < GRO_R_PUSH)
		return;
	for (k = 0; k < p->nsegs; k++) {
		struct gck_keyslot *s;
		uint32_t idx = (uint32_t)(fs[k] - ck->fr);

		if (!fs[k]->keyed)
			continue;
		s = key_slot(ck, fs[k]->key);
		if (s->last > idx + 1)
			fail(ck, "frame %u (held, %s) delivered after frame %u of its flow, which arrived later",
			     idx, gro_reason_name(p->reason), s->last - 1);
		else
			s->last = idx + 1;
	}
}

static void check_pkt(struct gck *ck, const struct gro_pkt *p)
{
	struct gck_fr *fs_small[64], **fs = fs_small;
	uint64_t sum = 0;
	uint32_t k;

	if (!p->segs || !p->nsegs) {
		fail(ck, "a packet with no spans");
		return;
	}
	if (p->reason >= GRO_R_COUNT)
		fail(ck, "reason %u out of range", p->reason);
	else if (ck->in_call > 0 && p->reason != ck->in_call - 1)
		fail(ck, "packet completed by gro_flush/gro_destroy with reason %s, expected %s",
		     gro_reason_name(p->reason), gro_reason_name(ck->in_call - 1));
	if (p->data != p->segs[0].data)
		fail(ck, "pkt->data is not segs[0].data");
	if (p->gso_segs > 1 && p->reason < GRO_R_PUSH)
		fail(ck, "a super-packet with pass-through reason %s", gro_reason_name(p->reason));
	if (p->nsegs > 64) {
		fs = malloc(p->nsegs * sizeof(*fs));
		if (!fs)
			abort();
	}
	for (k = 0; k < p->nsegs; k++) {
		struct gck_fr *f = frame_of(ck, p->segs[k].cookie, "deliver");

		sum += p->segs[k].len;
		if (!f)
			goto out;
		if (f->state != F_OFFERED) {
			fail(ck, "frame %u delivered %s", (uint32_t)(f - ck->fr),
			     f->state == F_QUEUED ? "before it was offered" : "twice");
			goto out;
		}
		f->state = F_DELIVERED;
		ck->delivered++;
		ck->outstanding++;
		fs[k] = f;
	}
	if (sum != p->len)
		fail(ck, "pkt->len %u but the spans add up to %llu", p->len, (unsigned long long)sum);
	check_order(ck, p, fs);
	if (p->gso_segs <= 1) {
		if (p->gso_segs != 1)
			fail(ck, "gso_segs 0");
		check_as_is(ck, p, fs[0], (uint32_t)(fs[0] - ck->fr));
	} else {
		fs[0]->head = 1;
		check_super(ck, p, fs);
		ck->super_pkts++;
		ck->segs_merged += p->gso_segs;
	}
	ck->pkts++;
	ck->bytes_out += p->len;
	ck->out_total += p->len;
	if (p->reason < GRO_R_COUNT)
		ck->reasons[p->reason]++;
	if (p->reason == GRO_R_POLL_END || p->reason == GRO_R_TIMEOUT)
		ck->flush_done++;
	if (p->nsegs > ck->max_segs)
		ck->max_segs = p->nsegs;
	if (p->len > ck->max_len)
		ck->max_len = p->len;
out:
	if (fs != fs_small)
		free(fs);
}

static void on_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct gck *ck = arg;
	unsigned i;

	if (!ck->in_call)
		fail(ck, "deliver hook called outside gro_receive/gro_flush/gro_destroy");
	if (ck->in_deliver)
		fail(ck, "deliver hook re-entered");
	if (!n || n > ck->cfg.batch)
		fail(ck, "a batch of %u packets (batch %u)", n, ck->cfg.batch);
	if (ck->outstanding)
		fail(ck, "%llu frames of an earlier batch not released before the next batch",
		     (unsigned long long)ck->outstanding);
	ck->in_deliver = 1;
	for (i = 0; i < n; i++)
		check_pkt(ck, &pkts[i]);
	ck->in_deliver = 0;
}

/* Frame @f comes back from the engine (release hook, or a pulled packet). */
static void give_back(struct gck *ck, struct gck_fr *f)
{
	uint32_t idx = (uint32_t)(f - ck->fr);

	if (f->state != F_DELIVERED) {
		fail(ck, "frame %u released %s", idx,
		     f->state == F_RELEASED ? "twice" : "before its packet was delivered");
		return;
	}
	if (!f->head && f->buf && f->len && memcmp(f->buf, f->orig, f->len))
		fail(ck, "frame %u modified while the engine held it", idx);
	free(f->buf);
	free(f->orig);
	f->buf = f->orig = NULL;
	f->state = F_RELEASED;
	ck->released++;
	ck->outstanding--;
}

static void on_release(void *arg, void *cookie)
{
	struct gck *ck = arg;
	struct gck_fr *f = frame_of(ck, cookie, "release");
	uint32_t idx;

	if (!f)
		return;
	idx = (uint32_t)(f - ck->fr);
	if (ck->in_deliver)
		fail(ck, "frame %u released inside the deliver hook", idx);
	if (!ck->in_call)
		fail(ck, "frame %u released outside an engine call", idx);
	give_back(ck, f);
}

/* Pull mode: @got packets a pull call wrote into ck->pout, checked as the
 * deliver hook checks them; the caller owns their frames from now on. */
static void take_pulled(struct gck *ck, int got, unsigned max, const char *what)
{
	if (got < 0 || (unsigned)got > max) {
		fail(ck, "%s returned %d (max_out %u)", what, got, max);
		return;
	}
	ck->in_deliver = 1;
	for (int i = 0; i < got; i++)
		check_pkt(ck, &ck->pout[i]);
	ck->in_deliver = 0;
	for (int i = 0; i < got; i++)
		for (uint32_t k = 0; k < ck->pout[i].nsegs; k++) {
			struct gck_fr *f = frame_of(ck, ck->pout[i].segs[k].cookie, "pull");

			if (f && f->state == F_DELIVERED)
				give_back(ck, f);
		}
	ck->pull_taken += (unsigned)got;
}

/* Pull mode: take everything still pending, with gro_pull(). */
static void drain_pulled(struct gck *ck)
{
	unsigned max = ck->pull_max ? ck->pull_max : 1;

	while (gro_pending(ck->gro)) {
		int got = gro_pull(ck->gro, ck->pout, max);

		if (got <= 0) {
			fail(ck, "gro_pull returned %d with %u pending", got, gro_pending(ck->gro));
			return;
		}
		take_pulled(ck, got, max, "gro_pull");
	}
}

/* ------------------------------------------------------------ driving */

static struct gck *open_ck(const struct gro_config *cfg, int pull, unsigned pull_max,
			   gck_fail_fn failfn, void *fail_arg)
{
	struct gck *ck = calloc(1, sizeof(*ck));
	int err;

	if (!ck)
		abort();
	ck->fail = failfn;
	ck->fail_arg = fail_arg;
	ck->lin_empty = 1;
	ck->roundtrip = 1;
	ck->cfg = *cfg;
	ck->cfg.deliver = pull ? NULL : on_deliver;
	ck->cfg.deliver_arg = ck;
	ck->cfg.release = on_release;
	ck->cfg.release_arg = ck;
	ck->pull = pull;
	ck->pull_max = pull_max;
	if (pull) {
		ck->pout = calloc(pull_max ? pull_max : 1, sizeof(*ck->pout));
		if (!ck->pout)
			abort();
	}
	err = gro_create(&ck->cfg, &ck->gro);
	if (err) {
		fail(ck, "gro_create refused a configuration: %s (%s)", gro_strerror(err), gro_config_error());
		free(ck->pout);
		free(ck);
		return NULL;
	}
	ck->memory = gro_memory(ck->gro);
	return ck;
}

struct gck *gck_open(const struct gro_config *cfg, gck_fail_fn failfn, void *fail_arg)
{
	return open_ck(cfg, 0, 0, failfn, fail_arg);
}

struct gck *gck_open_pull(const struct gro_config *cfg, unsigned max_out, gck_fail_fn failfn,
			  void *fail_arg)
{
	return open_ck(cfg, 1, max_out, failfn, fail_arg);
}

void gck_set_linearize_empty(struct gck *ck, int on)
{
	ck->lin_empty = on;
}

void gck_set_roundtrip(struct gck *ck, int on)
{
	ck->roundtrip = on;
}

uint32_t gck_add(struct gck *ck, const uint8_t *data, uint32_t len, uint32_t rxhash, uint32_t flags)
{
	struct gck_fr *f;

	if (ck->nfr == ck->capfr) {
		ck->capfr = ck->capfr ? ck->capfr * 2 : 256;
		ck->fr = realloc(ck->fr, ck->capfr * sizeof(*ck->fr));
		if (!ck->fr)
			abort();
	}
	f = &ck->fr[ck->nfr];
	memset(f, 0, sizeof(*f));
	f->len = len;
	f->rxhash = rxhash;
	f->flags = flags;
	f->state = F_QUEUED;
	if (!data) {
		f->isnull = 1;
	} else {
		/* malloc(len) exactly, so a sanitizer sees every overread. */
		f->buf = malloc(len ? len : 1);
		f->orig = malloc(len ? len : 1);
		if (!f->buf || !f->orig)
			abort();
		memcpy(f->buf, data, len);
		memcpy(f->orig, data, len);
		f->keyed = (uint8_t)frame_key(ck, data, len, rxhash, &f->key);
	}
	return ck->nfr++;
}

unsigned gck_pending(const struct gck *ck)
{
	return ck->nfr - ck->first_queued;
}

static void after_call(struct gck *ck, const char *what)
{
	unsigned held = gro_held(ck->gro);
	uint64_t inside = ck->offered - ck->delivered;

	if (ck->outstanding)
		fail(ck, "%s: %llu delivered frames not released when it returned", what,
		     (unsigned long long)ck->outstanding);
	if (held > ck->cfg.max_flows)
		fail(ck, "%s: gro_held() %u > max_flows %u", what, held, ck->cfg.max_flows);
	if (held > inside || (!held && inside))
		fail(ck, "%s: gro_held() %u with %llu frames inside the engine", what, held,
		     (unsigned long long)inside);
	if (ck->cfg.max_held_frames && inside > ck->cfg.max_held_frames)
		fail(ck, "%s: %llu frames held, max_held_frames %u", what, (unsigned long long)inside,
		     ck->cfg.max_held_frames);
	if (gro_memory(ck->gro) != ck->memory)
		fail(ck, "%s: gro_memory() changed from %zu to %zu", what, ck->memory, gro_memory(ck->gro));
}

/* Pull mode: gro_receive_pull() of @n frames, everything taken. Nothing is
 * pending when it is called, so the engine may refuse it only for more
 * frames than batch; the burst is then offered in two halves. */
static void receive_pull(struct gck *ck, struct gro_frame *fr, uint32_t n, uint64_t now)
{
	int got = gro_receive_pull(ck->gro, fr, n, now, ck->pout, ck->pull_max);

	if (got == GRO_ENOSPC) {
		if (n <= ck->cfg.batch) {
			fail(ck, "gro_receive_pull refused %u frames (batch %u) with nothing pending", n,
			     ck->cfg.batch);
			return;
		}
		receive_pull(ck, fr, n / 2, now);
		receive_pull(ck, fr + n / 2, n - n / 2, now);
		return;
	}
	take_pulled(ck, got, ck->pull_max, "gro_receive_pull");
	drain_pulled(ck);
}

void gck_receive(struct gck *ck, uint64_t now)
{
	uint32_t n = ck->nfr - ck->first_queued, i;
	int rc;

	if (n > ck->capburst) {
		free(ck->burst);
		ck->capburst = n + 64;
		ck->burst = malloc(ck->capburst * sizeof(*ck->burst));
		if (!ck->burst)
			abort();
	}
	for (i = 0; i < n; i++) {
		struct gck_fr *f = &ck->fr[ck->first_queued + i];

		ck->burst[i] = (struct gro_frame){
			.data = f->buf, .len = f->len, .rxhash = f->rxhash, .flags = f->flags,
			.cookie = (void *)(uintptr_t)(ck->first_queued + i + 1),
		};
		f->state = F_OFFERED;
		ck->bytes_in += f->len;
		if (f->isnull)
			ck->null_bytes += f->len;
	}
	ck->first_queued = ck->nfr;
	ck->offered += n;
	ck->in_call = -1;
	if (ck->pull) {
		receive_pull(ck, ck->burst, n, now);
		ck->in_call = 0;
		after_call(ck, "gro_receive_pull");
		return;
	}
	rc = gro_receive(ck->gro, ck->burst, n, now);
	ck->in_call = 0;
	if (rc != GRO_OK)
		fail(ck, "gro_receive returned %d", rc);
	after_call(ck, "gro_receive");
}

void gck_flush(struct gck *ck, uint64_t now, int mode)
{
	int rc;

	ck->flush_done = 0;
	ck->in_call = 1 + (mode == GRO_FLUSH_ALL ? GRO_R_POLL_END : GRO_R_TIMEOUT);
	if (ck->pull) {
		/* The count is of packets written; with what gro_pull()
		 * takes after it, of every flow completed. */
		ck->pull_taken = 0;
		rc = gro_flush_pull(ck->gro, now, mode, ck->pout, ck->pull_max);
		if (rc == GRO_ENOSPC)
			fail(ck, "gro_flush_pull refused with nothing pending");
		else
			take_pulled(ck, rc, ck->pull_max, "gro_flush_pull");
		drain_pulled(ck);
		rc = (int)ck->pull_taken;
	} else {
		rc = gro_flush(ck->gro, now, mode);
	}
	ck->in_call = 0;
	if (rc != (int)ck->flush_done)
		fail(ck, "gro_flush returned %d, completed %u packets", rc, ck->flush_done);
	if (mode == GRO_FLUSH_ALL && gro_held(ck->gro))
		fail(ck, "gro_flush(GRO_FLUSH_ALL) left %u flows held", gro_held(ck->gro));
	after_call(ck, "gro_flush");
}

static void check_stats(struct gck *ck)
{
	struct gro_stats st;
	int r;

	memset(&st, 0xa5, sizeof(st));
	gro_get_stats(ck->gro, &st);
	if (st.frames_in != ck->offered || st.pkts_out != ck->pkts || st.super_pkts != ck->super_pkts ||
	    st.segs_merged != ck->segs_merged || st.bytes_in != ck->bytes_in || st.bytes_out != ck->bytes_out)
		fail(ck, "stats disagree with the hooks: frames_in %llu/%llu pkts_out %llu/%llu super %llu/%llu "
		     "segs %llu/%llu bytes_in %llu/%llu bytes_out %llu/%llu",
		     (unsigned long long)st.frames_in, (unsigned long long)ck->offered,
		     (unsigned long long)st.pkts_out, (unsigned long long)ck->pkts,
		     (unsigned long long)st.super_pkts, (unsigned long long)ck->super_pkts,
		     (unsigned long long)st.segs_merged, (unsigned long long)ck->segs_merged,
		     (unsigned long long)st.bytes_in, (unsigned long long)ck->bytes_in,
		     (unsigned long long)st.bytes_out, (unsigned long long)ck->bytes_out);
	for (r = 0; r < GRO_R_COUNT; r++)
		if (st.reasons[r] != ck->reasons[r])
			fail(ck, "stats: %llu packets with reason %s, hooks saw %llu",
			     (unsigned long long)st.reasons[r], gro_reason_name(r),
			     (unsigned long long)ck->reasons[r]);
}

/* gck_misuse() on a pull-only engine. */
static void pull_misuse(struct gck *ck, unsigned kind, uint64_t now)
{
	struct gro_frame dummy;
	struct gro_pkt out[1];

	memset(&dummy, 0, sizeof(dummy));
	switch (kind % 4) {
	case 0:
		if (gro_receive_pull(ck->gro, NULL, 0, now, NULL, 0) != 0 || gro_pull(ck->gro, NULL, 0) != 0)
			fail(ck, "a pull call with no frames and no room is not a harmless 0");
		after_call(ck, "gro_receive_pull(n=0)");
		break;
	case 1:
		if (gro_receive_pull(ck->gro, NULL, 1 + kind / 4, now, out, 1) != GRO_EINVAL ||
		    gro_receive_pull(ck->gro, &dummy, 1, now, NULL, 1) != GRO_EINVAL ||
		    gro_receive_pull(NULL, &dummy, 1, now, out, 1) != GRO_EINVAL)
			fail(ck, "gro_receive_pull with a NULL array or context is not GRO_EINVAL");
		if (gro_receive(ck->gro, &dummy, 1, now) != GRO_EINVAL ||
		    gro_flush(ck->gro, now, GRO_FLUSH_ALL) != GRO_EINVAL)
			fail(ck, "gro_receive/gro_flush on a pull-only engine is not GRO_EINVAL");
		after_call(ck, "gro_receive_pull(misuse)");
		break;
	case 2:
		if (gro_flush_pull(ck->gro, now, 3 + (int)(kind / 4), out, 1) != GRO_EINVAL ||
		    gro_flush_pull(ck->gro, now, -1, out, 1) != GRO_EINVAL)
			fail(ck, "gro_flush_pull with an unknown mode is not GRO_EINVAL");
		after_call(ck, "gro_flush_pull(bad mode)");
		break;
	default:
		check_stats(ck);
		break;
	}
}

void gck_misuse(struct gck *ck, unsigned kind, uint64_t now)
{
	struct gro_frame dummy;
	int rc;

	if (ck->pull) {
		pull_misuse(ck, kind, now);
		return;
	}
	switch (kind % 4) {
	case 0:
		ck->in_call = -1;
		rc = gro_receive(ck->gro, NULL, 0, now);
		ck->in_call = 0;
		if (rc != GRO_OK)
			fail(ck, "gro_receive(ctx, NULL, 0) returned %d", rc);
		after_call(ck, "gro_receive(n=0)");
		break;
	case 1:
		if (gro_receive(ck->gro, NULL, 1 + kind / 4, now) != GRO_EINVAL)
			fail(ck, "gro_receive(ctx, NULL, n>0) is not GRO_EINVAL");
		memset(&dummy, 0, sizeof(dummy));
		if (gro_receive(NULL, &dummy, 1, now) != GRO_EINVAL)
			fail(ck, "gro_receive(NULL ctx) is not GRO_EINVAL");
		after_call(ck, "gro_receive(misuse)");
		break;
	case 2:
		if (gro_flush(ck->gro, now, 3 + (int)(kind / 4)) != GRO_EINVAL ||
		    gro_flush(ck->gro, now, -1) != GRO_EINVAL)
			fail(ck, "gro_flush with an unknown mode is not GRO_EINVAL");
		after_call(ck, "gro_flush(bad mode)");
		break;
	default:
		check_stats(ck);
		break;
	}
}

unsigned gck_close(struct gck *ck)
{
	uint64_t failures;
	uint32_t i;

	/* A pull-only engine gives back what it holds at gro_destroy()
	 * undelivered: take it first. */
	if (ck->pull)
		gck_flush(ck, 0, GRO_FLUSH_ALL);
	check_stats(ck);
	ck->in_call = 1 + GRO_R_DESTROY;
	gro_destroy(ck->gro);
	ck->in_call = 0;
	if (ck->outstanding)
		fail(ck, "gro_destroy: %llu delivered frames not released", (unsigned long long)ck->outstanding);
	for (i = 0; i < ck->first_queued; i++)
		if (ck->fr[i].state != F_RELEASED) {
			fail(ck, "frame %u never released (state %u)", i, ck->fr[i].state);
			break;
		}
	if (ck->out_total != ck->bytes_in - ck->null_bytes - ck->merged_hdr_bytes)
		fail(ck, "bytes: %llu in (%llu of them headers of merged segments), %llu out",
		     (unsigned long long)(ck->bytes_in - ck->null_bytes),
		     (unsigned long long)ck->merged_hdr_bytes, (unsigned long long)ck->out_total);
	for (i = 0; i < ck->nfr; i++)
		if (ck->fr[i].state != F_RELEASED) {
			free(ck->fr[i].buf);
			free(ck->fr[i].orig);
		}
	failures = ck->failures;
	free(ck->fr);
	free(ck->burst);
	free(ck->lin);
	free(ck->keys);
	free(ck->pout);
	free(ck);
	return (unsigned)(failures > 0xffffffffu ? 0xffffffffu : failures);
}

void gck_counts(const struct gck *ck, struct gck_counts *c)
{
	c->frames = ck->offered;
	c->pkts = ck->pkts;
	c->super_pkts = ck->super_pkts;
	c->segs_merged = ck->segs_merged;
	c->max_segs = ck->max_segs;
	c->max_len = ck->max_len;
	c->failures = ck->failures;
}
