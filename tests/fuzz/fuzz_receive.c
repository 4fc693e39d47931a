// SPDX-License-Identifier: MIT
/*
 * fuzz_receive: configurations, frames, bursts, flushes and timeouts
 * decoded from the input (see fuzz_format.h), run through the engine inside
 * the invariant checker (gro_check.h). Any violated invariant aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_format.h"
#include "gro_check.h"
#include "pktbuild.h"

#define MAX_FRAMES	4096		/* per input */
#define MAX_BYTES	(8u << 20)	/* frame bytes per input */
#define MAX_FRAME	300000u		/* one frame, expansions included */
#define BURST_CAP	512

#define FRAME_CAP	MAX_FRAME

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t u16(struct in *in)
{
	uint16_t lo = u8(in);

	return (uint16_t)(lo | u8(in) << 8);
}

static uint32_t u32(struct in *in)
{
	uint32_t lo = u16(in);

	return lo | (uint32_t)u16(in) << 16;
}

static const struct {
	uint32_t flows, buckets;
} shapes[16] = {
	{ 64, 8 }, { 1, 1 }, { 2, 1 }, { 2, 2 }, { 4, 1 }, { 4, 4 }, { 8, 1 }, { 8, 8 },
	{ 16, 2 }, { 64, 1 }, { 3, 1 }, { 6, 2 }, { 256, 256 }, { 128, 16 }, { 32, 32 }, { 12, 4 },
};

static void decode_config(const uint8_t *h, struct gro_config *c)
{
	uint16_t ms = (uint16_t)(h[2] | h[3] << 8), v = ms >> 2;

	gro_config_init(c);
	/* Always: VXLAN and GENEVE on their IANA ports (what NEW's tunnels
	 * use; any UDP frame to these ports is a tunnel). */
	c->tunnels[0] = (struct gro_udp_tunnel){ GRO_VXLAN_PORT, GRO_TUNNEL_VXLAN };
	c->tunnels[1] = (struct gro_udp_tunnel){ GRO_GENEVE_PORT, GRO_TUNNEL_GENEVE };
	c->max_flows = shapes[h[0] & 15].flows;
	c->buckets = shapes[h[0] & 15].buckets;
	/* The automatic pool has at least 65536 nodes, slow to set up for
	 * every input: only 0xff asks for it. 0 gives what it would give
	 * without that floor (46 per flow). */
	c->max_held_frames = h[1] == 0xff ? 0 : h[1] ? c->max_flows + 2u * (h[1] - 1u) : c->max_flows * 46;
	if (ms) {
		switch (ms & 3) {
		case 0: c->max_size = 65535 - v % 512; break;
		case 1: c->max_size = 64 + v % 2048; break;
		case 2: c->max_size = 1000 + v * 4u > 65535 ? 65535 : 1000 + v * 4u; break;
		default: c->max_size = 64 + v; break;
		}
	}
	c->max_segs = h[4] < 128 ? 0 : h[4] - 127u;
	c->csum = (h[5] & 1) ? GRO_CSUM_TRUST : GRO_CSUM_VERIFY;
	c->vlan = !(h[5] & 2);
	c->batch = (h[5] >> 2) ? (h[5] >> 2) : 64;
	c->flush_timeout_ns = h[6] * 4000ull;
	c->hash_seed = 1 + (h[7] >> 1);
	/* The high half of [0]: UDP GRO, TCP fraglist, BIG TCP. */
	c->udp = (h[0] >> 4 & 3) == 2 ? GRO_UDP_FRAGLIST : (h[0] >> 4 & 3) ? GRO_UDP_L4 : GRO_UDP_OFF;
	c->fraglist = (h[0] >> 6) & 1;
	if (h[0] & 0x80) {
		if (!ms)
			c->max_size = GRO_MAX_SIZE;
		else
			c->ipv4_max_size = 65536 + (uint32_t)(ms * 257u) % (GRO_MAX_SIZE - 65535);
	}
}

struct state {
	struct gck *ck;
	const struct gro_config *cfg;
	struct gro_config pcfg;	/* how templates are parsed: cfg's tunnels, VLAN tags always */
	int tun_idfixed;	/* the last NEW tunnel keeps its outer IPv4 ID */
	uint64_t now;
	uint32_t frames, bytes;
	uint32_t rxhash;
	uint8_t *tmpl;		/* the last frame added: SEG continues its flow */
	uint32_t tmpl_len;
	uint8_t *buf;		/* scratch for building a frame */
};

/* FUZZ_TRACE=1 in the environment: every frame and operation on stderr. */
static int trace = -1;

static void add(struct state *s, const uint8_t *data, uint32_t len, uint32_t rxhash, uint32_t flags)
{
	if (s->frames >= MAX_FRAMES || s->bytes + len > MAX_BYTES)
		return;
	if (trace) {
		uint32_t i;

		fprintf(stderr, "frame %u: len %u rxhash %#x flags %#x%s\n", s->frames, len, rxhash, flags,
			data ? "" : " data NULL");
		for (i = 0; data && i < len && i < 256; i++)
			fprintf(stderr, "%02x%s", data[i], (i + 1) % 32 ? " " : "\n");
		if (data && len)
			fprintf(stderr, "%s\n", len > 256 ? " ..." : "");
	}
	s->frames++;
	s->bytes += len;
	s->rxhash = rxhash;
	gck_add(s->ck, data, len, rxhash, flags);
	if (data) {
		memcpy(s->tmpl, data, len);
		s->tmpl_len = len;
	}
	if (gck_pending(s->ck) >= BURST_CAP)
		gck_receive(s->ck, s->now);
}

static void op_raw(struct state *s, struct in *in)
{
	uint8_t fl = u8(in);
	uint32_t rx = 0, len, flags = (fl & FZ_RAW_CSUM_OK) ? GRO_FRAME_CSUM_OK : 0;
	uint32_t p = 0, r = 0, k = 0, avail;

	switch (fl & 3) {
	case 0: rx = 0; break;
	case 1: rx = s->rxhash; break;
	case 2: rx = u8(in) * 0x01010101u; break;
	default: rx = u32(in); break;
	}
	if (fl & FZ_RAW_EXPAND) {
		p = u16(in);
		r = u8(in) + 1u;
		k = u16(in);
	}
	len = u16(in);
	s->tun_idfixed = 0;
	if (fl & FZ_RAW_NULL) {
		add(s, NULL, len, rx, flags);
		return;
	}
	avail = len < in->n ? len : (uint32_t)in->n;
	memcpy(s->buf, in->p, avail);
	in->p += avail;
	in->n -= avail;
	len = avail;
	if ((fl & FZ_RAW_EXPAND) && p + r <= len && k > 1) {
		/* bytes [p, p+r) repeated k times in place */
		uint64_t grown = (uint64_t)len + (uint64_t)r * (k - 1);

		if (grown > FRAME_CAP)
			k = (uint32_t)((FRAME_CAP - len) / r) + 1;
		if (k > 1) {
			uint32_t i;

			memmove(s->buf + p + r * k, s->buf + p + r, len - p - r);
			for (i = 1; i < k; i++)
				memcpy(s->buf + p + r * i, s->buf + p, r);
			len += r * (k - 1);
		}
	}
	if (len > FRAME_CAP)
		len = FRAME_CAP;
	if (fl & FZ_RAW_FIXUP)
		gck_fixup(s->buf, len, 1, 1, 1);
	add(s, s->buf, len, rx, flags);
}

/* A template's headers: through a configured tunnel if it has one, else
 * as before tunnels were known (a UDP datagram to a tunnel port that
 * carries nothing mergeable is a datagram). */
static void parse_tmpl(struct state *s, struct gck_parse *ps)
{
	gck_parse(&s->pcfg, s->tmpl, s->tmpl_len, 1, ps);
	if (!ps->tcp && !ps->udp)
		gck_parse_frame(s->tmpl, s->tmpl_len, 1, 1, ps);
}

/* A tunnel's outer IPv4 ID steps once per segment, as a tunnel endpoint's
 * does, unless the NEW that made the flow asked for a fixed one. */
static void step_outer(struct state *s, uint8_t *b, const struct gck_parse *ps)
{
	if (ps->tun && !ps->outer_v6 && !s->tun_idfixed) {
		uint16_t id = (uint16_t)((b[ps->outer_l3 + 4] << 8 | b[ps->outer_l3 + 5]) + 1);

		b[ps->outer_l3 + 4] = (uint8_t)(id >> 8);
		b[ps->outer_l3 + 5] = (uint8_t)id;
	}
}

/* Lengths and checksums of a built segment, through its tunnel if any. */
static void fixup(struct state *s, uint8_t *b, uint32_t len, const struct gck_parse *ps)
{
	if (ps->tun)
		gck_fixup_cfg(&s->pcfg, b, len, 1);
	else
		gck_fixup(b, len, 1, 1, 1);
}

/* The next datagram of a UDP template's flow (see op_seg for @m). */
static void seg_udp(struct state *s, uint8_t m, uint32_t pay, uint8_t xo, uint8_t xv, uint32_t rx,
		    const struct gck_parse *ps)
{
	uint8_t *b = s->buf;
	uint32_t len, i, flags = 0;

	if (!(m & 0x04))
		pay = ps->pay;		/* the usual case: the size of the last */
	len = ps->hdr + pay;
	if (len > FRAME_CAP)
		len = FRAME_CAP;
	memcpy(b, s->tmpl, ps->hdr);
	if (!ps->v6 && !(m & 0x08)) {
		uint16_t id = (uint16_t)((b[ps->l3 + 4] << 8 | b[ps->l3 + 5]) + 1);

		b[ps->l3 + 4] = (uint8_t)(id >> 8);
		b[ps->l3 + 5] = (uint8_t)id;
	}
	for (i = ps->hdr; i < len; i++)
		b[i] = pb_pattern(s->frames * 131u + i);
	if (m & 0x40)
		b[xo % len] ^= xv;
	if (m & 0x20)
		flags |= GRO_FRAME_CSUM_OK;
	step_outer(s, b, ps);
	fixup(s, b, len, ps);
	if (m & 0x01)			/* no checksum */
		b[ps->l4 + 6] = b[ps->l4 + 7] = 0;
	if (m & 0x02)			/* a UDP length that lies */
		b[ps->l4 + 5] ^= 1;
	if (m & 0x10)
		b[ps->l4 + 7] ^= 0x5a;
	if (ps->tun)
		gck_fixup_outer(&s->pcfg, b, len);
	add(s, b, len, rx, flags);
}

/* The next segment of the template's flow. */
static void op_seg(struct state *s, struct in *in)
{
	uint8_t m = u8(in);
	uint32_t pay = u16(in) % 9001u, len, i, flags = 0, rx = s->rxhash;
	uint8_t xo = 0, xv = 0;
	struct gck_parse ps;
	uint8_t *b = s->buf;

	if (m & 0x40) {
		xo = u8(in);
		xv = u8(in);
	}
	if (m & 0x80)
		rx = u8(in) * 0x01010101u;
	parse_tmpl(s, &ps);
	if (ps.udp) {
		seg_udp(s, m, pay, xo, xv, rx, &ps);
		return;
	}
	if (!ps.tcp) {
		struct pb_frame f;

		pb_init(&f, 0);
		f.payload_len = 100;
		s->tmpl_len = (uint32_t)pb_build(&f, s->tmpl, MAX_FRAME);
		parse_tmpl(s, &ps);
	}
	len = ps.hdr + pay;
	if (len > FRAME_CAP)
		len = FRAME_CAP;
	memcpy(b, s->tmpl, ps.hdr);
	if (!(m & 0x04)) {
		uint32_t seq = ps.seq + ps.pay;

		b[ps.l4 + 4] = (uint8_t)(seq >> 24);
		b[ps.l4 + 5] = (uint8_t)(seq >> 16);
		b[ps.l4 + 6] = (uint8_t)(seq >> 8);
		b[ps.l4 + 7] = (uint8_t)seq;
	}
	if (!ps.v6 && !(m & 0x08)) {
		uint16_t id = (uint16_t)((b[ps.l3 + 4] << 8 | b[ps.l3 + 5]) + 1);

		b[ps.l3 + 4] = (uint8_t)(id >> 8);
		b[ps.l3 + 5] = (uint8_t)id;
	}
	b[ps.l4 + 13] &= (uint8_t)~0x09;
	b[ps.l4 + 13] |= (m & 1 ? 0x08 : 0) | (m & 2 ? 0x01 : 0);
	{
		uint32_t seq = (uint32_t)b[ps.l4 + 4] << 24 | (uint32_t)b[ps.l4 + 5] << 16 |
			       (uint32_t)b[ps.l4 + 6] << 8 | b[ps.l4 + 7];

		for (i = ps.hdr; i < len; i++)
			b[i] = pb_pattern(seq + (i - ps.hdr));
	}
	if (m & 0x40)
		b[xo % len] ^= xv;
	if (m & 0x20)
		flags |= GRO_FRAME_CSUM_OK;
	step_outer(s, b, &ps);
	fixup(s, b, len, &ps);
	if (m & 0x10)
		b[ps.l4 + 17] ^= 0x5a;
	if (ps.tun)
		gck_fixup_outer(&s->pcfg, b, len);
	add(s, b, len, rx, flags);
}

/*
 * The tunnel around a fresh segment (NEW's op bits 4-6, @tk: 1 IP in IPv4,
 * 2 IP in IPv6, 3 GRE, 4 GRE with key and checksum, 5 GRE TEB with a key,
 * 6 VXLAN, 7 GENEVE with options), described by two more bytes: t0 bit 0
 * outer IPv6 (GRE, VXLAN, GENEVE), 1 the outer IPv4 ID stays fixed in the
 * segments SEG adds, 2 outer DF clear, 3-4 outer TTL/TOS (hop limit,
 * traffic class) variant; UDP tunnels: 5-6 outer checksum (0 none, 1 set,
 * 2 bad, 3 set), 7 a second VXLAN flag bit, or GENEVE's critical bit;
 * GRE: 5 the C flag toggled, 6 a bad GRE checksum, 7 the K flag toggled.
 * t1: the VNI, or the GRE key; GENEVE also takes 4 to 16 bytes of
 * options from its low 2 bits.
 */
static void new_tunnel(struct pb_frame *f, unsigned tk, uint8_t t0, uint8_t t1, uint8_t d1)
{
	int v6 = tk == 2 || (tk >= 3 && (t0 & 1));
	struct pb_tunnel *t = pb_tun_push(f, v6, tk >= 3 && tk <= 5);
	uint8_t var = (t0 >> 3) & 3;

	if (!t)
		return;
	t->ip_id = (uint16_t)(d1 * 257u);
	t->df = !(t0 & 4);
	t->ttl = t->hop_limit = (uint8_t)(64 - var);
	t->tos = t->tclass = (uint8_t)(var << 5);
	switch (tk) {
	case 3:
	case 4:
	case 5:
		t->gre_bits = tk == 4 ? PB_GRE_C | PB_GRE_K : tk == 5 ? PB_GRE_K : 0;
		if (t0 & 0x20)
			t->gre_bits ^= PB_GRE_C;
		if (t0 & 0x80)
			t->gre_bits ^= PB_GRE_K;
		t->bad_gre_csum = !!(t0 & 0x40);
		t->gre_key = 0x10000u + t1;
		t->gre_eth = tk == 5;
		break;
	case 6:
	case 7:
		t->udp_tun = tk == 6 ? PB_TUN_VXLAN : PB_TUN_GENEVE;
		/* The source port follows the inner flow, as endpoints do. */
		t->udp_sport = (uint16_t)(49152 + d1);
		t->udp_csum = ((t0 >> 5) & 3) != 0;
		t->bad_udp_csum = ((t0 >> 5) & 3) == 2;
		t->vni = t1;
		if (tk == 6) {
			if (t0 & 0x80)
				t->vx_flags |= 0x04000000;
		} else {
			int i;

			t->vni = t1 >> 2;
			t->gnv_crit = !!(t0 & 0x80);
			t->gnv_eth = 1;
			t->gnv_opts_len = 4 * (1 + (t1 & 3));
			t->gnv_opts[0] = 0x01;		/* class 0x0102, type 0x80 */
			t->gnv_opts[1] = 0x02;
			t->gnv_opts[2] = 0x80;
			t->gnv_opts[3] = (uint8_t)(t1 & 3);	/* its length in words */
			for (i = 4; i < t->gnv_opts_len; i++)
				t->gnv_opts[i] = (uint8_t)(t1 + i);
		}
		break;
	}
}

/*
 * A fresh segment: d0 bit 0 IPv6, bits 1-2 VLAN tags, bit 3 timestamp
 * option, bit 4 DF clear, bit 5 GRO_FRAME_CSUM_OK, bits 6-7 rxhash
 * (0, flow id, last, ~0); d1 flow id; d2 TCP flags (0: ACK; UDP, op bit 7: see below); d3-d4 payload
 * length; d5 bits 0-1 IPv6 extension headers, 2 IPv4 options, 3 bad IPv4
 * checksum, 4 four bytes of padding, 5 CWR, 6-7 TTL/TOS variant; d6 parts
 * of the flow key outside the 5-tuple: bits 0-2 VLAN ID, 3-4 source MAC,
 * 5-7 IPv6 flow label or extension header byte; @tk: a tunnel around it
 * (new_tunnel), whose two bytes follow d6.
 */
static void op_new(struct state *s, struct in *in, int udp, unsigned tk)
{
	uint8_t d0 = u8(in), d1 = u8(in), d2 = u8(in), d5, d6;
	uint32_t pay = u16(in) % 9001u, rx, i, flags = 0;
	struct pb_frame f;
	size_t len;
	uint8_t *ub = NULL, t0 = 0, t1 = 0;

	d5 = u8(in);
	d6 = u8(in);
	if (tk) {
		t0 = u8(in);
		t1 = u8(in);
	}
	pb_init(&f, d0 & 1);
	if (tk)
		new_tunnel(&f, tk, t0, t1, d1);
	f.nvlan = (d0 >> 1) & 3;
	for (i = 0; i < (uint32_t)f.nvlan; i++) {
		f.vlan_tpid[i] = i ? 0x8100 : 0x88a8;
		f.vlan_tci[i] = (uint16_t)(10 + i + (d6 & 7));
	}
	f.src_mac[5] ^= (uint8_t)((d6 >> 3) & 3);
	f.flowlabel = d6 >> 5;
	if (f.nvlan == 1)
		f.vlan_tpid[0] = 0x8100;
	if (d0 & 8)
		pb_tcp_opt_timestamp(&f, 1000 + d1, 77);
	f.df = !(d0 & 16);
	f.sport = (uint16_t)(4000 + d1);
	f.saddr[f.ipv6 ? 14 : 2] = d1;
	f.seq = 1000u + d1 * 0x01000000u;
	f.flags = d2 ? d2 : PB_ACK;
	f.payload_len = pay;
	if (f.ipv6) {
		uint8_t body[6] = { 1, 4, 0, 0, 0, 0 };

		body[2] = d6 >> 5;
		for (i = 0; i < (d5 & 3u); i++)
			pb_ext_add(&f, i & 1 ? PB_EXT_DEST : PB_EXT_HOP, body, 6);
	} else if (d5 & 4) {
		f.ip_opts_len = 4;
		f.ip_opts[0] = 1;
	}
	f.bad_ip_csum = !!(d5 & 8);
	f.pad = (d5 & 16) ? 4 : 0;
	if (d5 & 32)
		f.flags |= PB_CWR;
	f.ttl = (uint8_t)(64 + (d5 >> 6));
	f.tos = (uint8_t)((d5 >> 6) << 2);
	if (udp) {
		/* A UDP datagram: d2 bit 0 no checksum, 1 bad checksum, 2 a
		 * UDP length one more than the payload's, 3 an empty one. */
		uint32_t ulen = (d2 & 8) ? 8 : 8 + pay;

		ub = malloc(ulen);
		if (!ub)
			abort();
		ub[0] = (uint8_t)(f.sport >> 8);
		ub[1] = (uint8_t)f.sport;
		ub[2] = (uint8_t)(f.dport >> 8);
		ub[3] = (uint8_t)f.dport;
		ub[4] = (uint8_t)((ulen + !!(d2 & 4)) >> 8);
		ub[5] = (uint8_t)(ulen + !!(d2 & 4));
		ub[6] = ub[7] = 0;
		for (i = 8; i < ulen; i++)
			ub[i] = pb_pattern(d1 * 977u + i);
		f.ip_proto = 17;
		f.payload = ub;
		f.payload_len = ulen;
		f.bad_tcp_csum = !!(d2 & 2);
		f.flags = 0;
	}
	switch (d0 >> 6) {
	case 0: rx = 0; break;
	case 1: rx = d1; break;
	case 2: rx = s->rxhash; break;
	default: rx = ~0u; break;
	}
	if (d0 & 32)
		flags |= GRO_FRAME_CSUM_OK;
	len = pb_build(&f, s->buf, MAX_FRAME);
	if (len && udp && (d2 & 1)) {
		struct pb_offsets o;

		pb_layout(&f, &o);
		s->buf[o.l4 + 6] = s->buf[o.l4 + 7] = 0;
		if (tk)
			gck_fixup_outer(&s->pcfg, s->buf, (uint32_t)len);
	}
	free(ub);
	s->tun_idfixed = tk && (t0 & 2);
	if (len)
		add(s, s->buf, (uint32_t)len, rx, flags);
}

/* AddressSanitizer's default 256 MB quarantine makes every input fault in
 * fresh pages (slow on virtual machines); 16 MB still holds every buffer
 * an input frees, so a use after release is still caught. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *tmpl, *buf;
	uint8_t hdr[FZ_HDR_LEN] = { 0 };
	struct gro_config cfg;
	struct state s;
	struct in in;

	if (trace < 0)
		trace = getenv("FUZZ_TRACE") != NULL;
	if (!tmpl) {
		tmpl = malloc(MAX_FRAME + 16);
		buf = malloc(MAX_FRAME + 16);
		if (!tmpl || !buf)
			abort();
	}
	memcpy(hdr, data, size < FZ_HDR_LEN ? size : FZ_HDR_LEN);
	in.p = data + (size < FZ_HDR_LEN ? size : FZ_HDR_LEN);
	in.n = size - (size_t)(in.p - data);
	decode_config(hdr, &cfg);
	if (trace)
		fprintf(stderr, "config: max_flows %u buckets %u max_held_frames %u max_size %u max_segs %u "
			"csum %s vlan %u batch %u flush_timeout %llu ns udp %u fraglist %u ipv4_max_size %u\n",
			cfg.max_flows, cfg.buckets, cfg.max_held_frames, cfg.max_size, cfg.max_segs,
			cfg.csum ? "trust" : "verify", cfg.vlan, cfg.batch,
			(unsigned long long)cfg.flush_timeout_ns, cfg.udp, cfg.fraglist, cfg.ipv4_max_size);

	memset(&s, 0, sizeof(s));
	s.cfg = &cfg;
	s.pcfg = cfg;
	s.pcfg.vlan = 1;
	s.tmpl = tmpl;
	s.buf = buf;
	s.now = 1000000;
	/* Hash seeds with bits 1 and 2 set run the pull calls instead. */
	if ((hdr[7] & 6) == 6)
		s.ck = gck_open_pull(&cfg, hdr[7] >> 3, NULL, NULL);
	else
		s.ck = gck_open(&cfg, NULL, NULL);
	if (!s.ck)
		return 0;
	while (in.n && s.frames < MAX_FRAMES) {
		uint8_t op = u8(&in);

		if (trace && (op & 15) >= 9 && (op & 15) <= 14)
			fprintf(stderr, "op %s\n", (const char *[]){ "receive", "receive", "flush", "timeout",
				"time", "misuse" }[(op & 15) - 9]);
		switch (op & 15) {
		case 5: case 6: case 7:
			op_seg(&s, &in);
			break;
		case 8:
			op_new(&s, &in, !!(op & 0x80), (op >> 4) & 7u);
			break;
		case 9: case 10: {
			uint8_t dt = u8(&in);

			gck_receive(s.ck, s.now);
			s.now += dt * 1000ull;
			break;
		}
		case 11:
			gck_flush(s.ck, s.now, GRO_FLUSH_ALL);
			break;
		case 12:
			s.now += u16(&in) * 1000ull;
			gck_flush(s.ck, s.now, GRO_FLUSH_TIMEOUT);
			break;
		case 13: {
			uint16_t dt = u16(&in);

			if (dt & 0x8000)
				s.now -= (dt & 0x7fffu) * 1000ull;
			else
				s.now += dt * 1000ull;
			break;
		}
		case 14:
			gck_misuse(s.ck, u8(&in), s.now);
			break;
		default:
			op_raw(&s, &in);
			break;
		}
	}
	gck_receive(s.ck, s.now);
	if (hdr[7] & 1)
		gck_flush(s.ck, s.now, GRO_FLUSH_ALL);
	if (trace) {
		struct gck_counts c;

		gck_counts(s.ck, &c);
		fprintf(stderr, "end: %llu frames, %llu packets, %llu super-packets of %llu segments, "
			"largest %llu segments, %llu bytes\n", (unsigned long long)c.frames,
			(unsigned long long)c.pkts, (unsigned long long)c.super_pkts,
			(unsigned long long)c.segs_merged, (unsigned long long)c.max_segs,
			(unsigned long long)c.max_len);
	}
	gck_close(s.ck);
	return 0;
}
