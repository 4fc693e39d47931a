/* Frames without a MAC header (GRO_FRAME_L3_*): a TUN's or a WireGuard
 * peer's packets, LINKTYPE_RAW captures. Linux merges them by the rules
 * it applies behind Ethernet, with no MAC header in the key (mac_len 0):
 * so every scenario here runs twice, as Ethernet frames and as the same
 * frames with their first 14 bytes cut off, and what comes out must be
 * the same packets from the same frames, 14 bytes shorter, offsets 14
 * less. Then the way back: gro_segment() and the virtio_net_hdr with a
 * TUN's offsets. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "layer.h"

#define MAXF 64

/* A scenario: frames as pktbuild descriptions. */
struct scen {
	struct pb_frame f[MAXF];
	int n;
};

static void add(struct scen *s, const struct pb_frame *f)
{
	cr_assert(s->n < MAXF);
	s->f[s->n++] = *f;
}

/* Add @f and step it to the next in-order segment. */
static void add_seg(struct scen *s, struct pb_frame *f)
{
	add(s, f);
	f->seq += f->payload_len;
	f->ip_id++;
}

/* Run @s through an engine with @cfg: as Ethernet frames (@start < 0),
 * or without their Ethernet header, flagged @start. */
static struct h *run(const struct scen *s, const struct gro_config *cfg, int start)
{
	struct h *h = h_open(cfg);
	int i;

	for (i = 0; i < s->n; i++) {
		struct pb_offsets o;
		size_t len = pb_layout(&s->f[i], &o);
		uint8_t *b = malloc(len);

		cr_assert_not_null(b);
		pb_build(&s->f[i], b, len);
		if (start < 0) {
			h_add_bytes(h, b, len);
		} else {
			h_add_bytes(h, b + 14, len - 14);
			h_set_flags(h, i, (uint32_t)start);
		}
		free(b);
	}
	h_run(h);
	return h;
}

/* The raw run gives what the Ethernet run gives, 14 bytes less. */
static void expect_same(const struct scen *s, const struct gro_config *cfg, int start,
			uint32_t resolved)
{
	struct h *e = run(s, cfg, -1), *r = run(s, cfg, start);
	size_t k;

	cr_assert_gt(h_npkt(e), 0);
	cr_assert_eq(h_npkt(r), h_npkt(e), "start %#x: %zu packets, behind Ethernet %zu", start,
		     h_npkt(r), h_npkt(e));
	for (k = 0; k < h_npkt(e); k++) {
		const struct h_pkt *a = h_pkt(e, k), *b = h_pkt(r, k);
		uint32_t i;

		cr_assert_eq(b->len + 14, a->len, "packet %zu: length", k);
		cr_assert_eq(b->reason, a->reason, "packet %zu: reason %s, behind Ethernet %s", k,
			     gro_reason_name(b->reason), gro_reason_name(a->reason));
		cr_assert_eq(b->gso_segs, a->gso_segs, "packet %zu: segments", k);
		cr_assert_eq(b->gso_size, a->gso_size);
		cr_assert_eq(b->gso_type, a->gso_type);
		cr_assert_eq(b->csum_partial, a->csum_partial);
		cr_assert_eq(b->nsegs, a->nsegs);
		for (i = 0; i < a->nsegs; i++)
			cr_assert_eq(b->frames[i], a->frames[i], "packet %zu: span %u", k, i);
		cr_assert_eq(b->start, resolved, "packet %zu: start %#x", k, b->start);
		cr_assert_eq(a->start, 0);
		if (a->l4_off) {
			cr_assert_eq(b->l3_off + 14, a->l3_off);
			cr_assert_eq(b->l4_off + 14, a->l4_off);
			cr_assert_eq(b->hdr_len + 14, a->hdr_len);
		}
		if (a->csum_partial)
			cr_assert_eq(b->csum_start + 14, a->csum_start);
		cr_assert(!memcmp(b->raw, a->raw + 14, b->len), "packet %zu: bytes", k);
		cr_assert(!memcmp(b->fixed, a->fixed + 14, b->len), "packet %zu: completed bytes", k);
	}
	h_check_stats(r);
	h_close(e);
	h_close(r);
}

/* Every ending a flow can have, two flows interleaved, and frames that
 * go up as they are. */
static void mixed(struct scen *s, int ipv6)
{
	struct pb_frame a, b, x;
	int i;

	memset(s, 0, sizeof(*s));
	h_seg_init(&a, ipv6, 1000);
	h_seg_init(&b, ipv6, 1000);
	b.sport = (uint16_t)(a.sport + 1);
	for (i = 0; i < 4; i++) {
		add_seg(s, &a);
		add_seg(s, &b);
	}
	a.flags |= PB_PSH;			/* ends with push */
	add_seg(s, &a);
	a.flags &= (uint8_t)~PB_PSH;
	b.payload_len = 500;			/* short segment */
	add_seg(s, &b);
	b.payload_len = 1000;
	x = a;
	x.payload_len = 0;			/* a pure ACK */
	add(s, &x);
	add_seg(s, &a);
	a.ack += 1;				/* the ACK moved: mismatch */
	add_seg(s, &a);
	add_seg(s, &a);
	x = a;
	x.bad_tcp_csum = 1;			/* bad checksum, not held */
	add(s, &x);
	x = a;
	x.flags |= PB_SYN;
	add(s, &x);
	for (i = 0; i < 3; i++)
		add_seg(s, &b);
}

Test(rawip, ipv4_merges_as_behind_ethernet)
{
	struct scen s;

	mixed(&s, 0);
	expect_same(&s, NULL, GRO_FRAME_L3_IPV4, GRO_FRAME_L3_IPV4);
	expect_same(&s, NULL, GRO_FRAME_L3_IP, GRO_FRAME_L3_IPV4);
}

Test(rawip, ipv6_merges_as_behind_ethernet)
{
	struct scen s;

	mixed(&s, 1);
	expect_same(&s, NULL, GRO_FRAME_L3_IPV6, GRO_FRAME_L3_IPV6);
	expect_same(&s, NULL, GRO_FRAME_L3_IP, GRO_FRAME_L3_IPV6);
}

/* max_size counts after the MAC header: with none, from the IP header,
 * so the same segments stop at the same count. */
Test(rawip, size_limit_counts_from_the_ip_header)
{
	struct gro_config cfg;
	struct scen s;
	struct pb_frame a;
	int i;

	memset(&s, 0, sizeof(s));
	h_config(&cfg);
	cfg.max_size = 4100;
	h_seg_init(&a, 0, 1000);
	for (i = 0; i < 10; i++)
		add_seg(&s, &a);
	expect_same(&s, &cfg, GRO_FRAME_L3_IP, GRO_FRAME_L3_IPV4);
	/* 4 segments of 1000 with 40 bytes of headers fit 4100 exactly
	 * counting from the IP header: one byte less and only 3 do. */
	cfg.max_size = 4040;
	expect_same(&s, &cfg, GRO_FRAME_L3_IP, GRO_FRAME_L3_IPV4);
	{
		struct h *h = run(&s, &cfg, GRO_FRAME_L3_IPV4);

		cr_assert_eq(h_pkt(h, 0)->gso_segs, 4);
		h_close(h);
	}
	cfg.max_size = 4039;
	{
		struct h *h = run(&s, &cfg, GRO_FRAME_L3_IPV4);

		cr_assert_eq(h_pkt(h, 0)->gso_segs, 3);
		h_close(h);
	}
}

/* A raw frame and an Ethernet frame never share a flow, whatever their
 * bytes: Linux's TUN and an Ethernet device are two devices. */
Test(rawip, never_joins_an_ethernet_flow)
{
	struct h *h = h_open(NULL);
	struct pb_frame a;
	uint8_t buf[2048];
	size_t len;
	int i, j;
	static const int eth[] = { 0, 2, 4 }, raw[] = { 1, 3, 5 };

	/* The same three segments twice, interleaved: behind Ethernet and
	 * without it. */
	h_seg_init(&a, 0, 1000);
	for (i = 0; i < 3; i++) {
		len = pb_build(&a, buf, sizeof(buf));
		h_add_bytes(h, buf, len);
		j = h_add_bytes(h, buf + 14, len - 14);
		h_set_flags(h, j, GRO_FRAME_L3_IP);
		a.seq += a.payload_len;
		a.ip_id++;
	}
	h_run(h);
	h_expect_npkt(h, 2, "two flows");
	h_expect_frames(h, 0, eth, 3, "the Ethernet frames merge among themselves");
	h_expect_frames(h, 1, raw, 3, "the raw frames merge among themselves");
	h_close(h);
}

/* The same flow with and without the explicit version: one flow. */
Test(rawip, explicit_and_nibble_starts_are_one_flow)
{
	struct h *h = h_open(NULL);
	struct pb_frame a;
	uint8_t buf[2048];
	size_t len;
	int i, j;

	h_seg_init(&a, 1, 1000);
	for (i = 0; i < 4; i++) {
		len = pb_build(&a, buf, sizeof(buf));
		j = h_add_bytes(h, buf + 14, len - 14);
		h_set_flags(h, j, i % 2 ? GRO_FRAME_L3_IP : GRO_FRAME_L3_IPV6);
		a.seq += a.payload_len;
	}
	h_run(h);
	h_expect_merged(h, 0, 0, 4, "L3_IP and L3_IPV6 frames of one flow merge");
	cr_assert_eq(h_pkt(h, 0)->start, GRO_FRAME_L3_IPV6);
	h_close(h);
}

/* "IP" with a version nibble other than 4 or 6 has no layer: as is;
 * L3_IPV6 on an IPv4 packet: what Linux does with EtherType 0x86dd on one. */
Test(rawip, other_versions_go_up_as_they_are)
{
	struct h *h = h_open(NULL);
	struct pb_frame a;
	uint8_t buf[2048];
	size_t len;
	int j;

	h_seg_init(&a, 0, 1000);
	len = pb_build(&a, buf, sizeof(buf));
	buf[14] = (uint8_t)(0x50 | (buf[14] & 15));
	j = h_add_bytes(h, buf + 14, len - 14);
	h_set_flags(h, j, GRO_FRAME_L3_IP);
	h_run(h);
	h_expect_as_is(h, 0, 0, "version 5");
	h_expect_reason(h, 0, GRO_R_UNHANDLED, "version 5: not-tcp");
	cr_assert_eq(h_pkt(h, 0)->start, GRO_FRAME_L3_IP);
	h_close(h);
}

/* Raw TCP takes the fast path: a held flow has the built-in kind. */
Test(rawip, fast_path_kinds_hold_raw_flows)
{
	struct pb_frame a;
	uint8_t buf[2048];
	size_t len;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		struct h *h = h_open(NULL);
		const struct gro_flow *f;
		int i, j;

		h_seg_init(&a, v6, 1000);
		for (i = 0; i < 3; i++) {
			len = pb_build(&a, buf, sizeof(buf));
			j = h_add_bytes(h, buf + 14, len - 14);
			h_set_flags(h, j, GRO_FRAME_L3_IP);
			a.seq += a.payload_len;
		}
		h_receive(h);
		cr_assert_eq(gro_held(h->gro), 1);
		f = &h->gro->flows[h->gro->last_flow];
		cr_assert_eq(f->count, 3);
		cr_assert_neq(f->kind, 0, "a raw IPv%d flow has a fast kind", v6 ? 6 : 4);
		cr_assert_eq(h->gro->fast[f->kind].link, v6 ? GRO_LINK_IPV6 : GRO_LINK_IPV4);
		cr_assert_neq(h->gro->fast[f->kind].builtin, 0, "built in");
		h_flush(h);
		h_expect_merged(h, 0, 0, 3, "raw segments merge");
		h_close(h);
	}
}

/* gro_segment() cuts a raw super-packet back into the raw frames, and
 * the virtio_net_hdr carries a TUN's offsets (from the IP header). */
Test(rawip, segment_and_vnet_round_trip_with_tun_offsets)
{
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		struct scen s;
		struct pb_frame a;
		struct h *h;
		const struct h_pkt *p;
		struct gro_pkt pkt, dec;
		struct gro_seg seg, dseg, out[16];
		static uint8_t buf[65536];
		uint8_t vh[GRO_VNET_HDR_LEN];
		int i, n;
		uint32_t l4 = v6 ? 40 : 20;

		memset(&s, 0, sizeof(s));
		h_seg_init(&a, v6, 1200);
		for (i = 0; i < 5; i++)
			add_seg(&s, &a);
		h = run(&s, NULL, GRO_FRAME_L3_IP);
		h_expect_npkt(h, 1, "five segments merge");
		p = h_pkt(h, 0);
		cr_assert_eq(p->gso_segs, 5);
		cr_assert_eq(p->l3_off, 0);
		cr_assert_eq(p->l4_off, l4);
		cr_assert_eq(p->csum_start, l4);

		h_pkt_gro(p, &pkt, &seg);
		n = gro_segment(&pkt, buf, sizeof(buf), out, 16);
		cr_assert_eq(n, 5, "five segments back, got %d", n);
		for (i = 0; i < n; i++) {
			cr_assert_eq(out[i].len, h_frame_len(h, i));
			cr_assert(!memcmp(out[i].data, h_frame(h, i), out[i].len),
				  "segment %d is the raw frame", i);
		}
		/* Without the start, the same bytes are no Ethernet frame. */
		pkt.start = 0;
		cr_assert_lt(gro_segment(&pkt, buf, sizeof(buf), out, 16), 0);
		pkt.start = p->start;

		cr_assert_eq(gro_vnet_encode(&pkt, vh, sizeof(vh)), GRO_VNET_HDR_LEN);
		cr_assert_eq(vh[0], GRO_VNET_F_NEEDS_CSUM);
		cr_assert_eq(vh[1], v6 ? GRO_VNET_GSO_TCPV6 : GRO_VNET_GSO_TCPV4);
		cr_assert_eq(vh[2] | vh[3] << 8, p->hdr_len);
		cr_assert_eq(vh[6] | vh[7] << 8, l4, "csum_start at the TCP header of a TUN frame");
		cr_assert_eq(vh[8] | vh[9] << 8, 16);

		cr_assert_eq(gro_vnet_decode_start(vh, sizeof(vh), p->raw, p->len, GRO_FRAME_L3_IP,
						   &dec, &dseg), GRO_OK);
		cr_assert_eq(dec.start, v6 ? GRO_FRAME_L3_IPV6 : GRO_FRAME_L3_IPV4);
		cr_assert_eq(dec.l4_off, l4);
		cr_assert_eq(dec.gso_size, 1200);
		cr_assert_eq(dec.gso_segs, 5);
		n = gro_segment(&dec, buf, sizeof(buf), out, 16);
		cr_assert_eq(n, 5);
		for (i = 0; i < n; i++)
			cr_assert(!memcmp(out[i].data, h_frame(h, i), out[i].len),
				  "decoded segment %d is the raw frame", i);
		/* Read as an Ethernet frame, the header does not describe it. */
		cr_assert_eq(gro_vnet_decode(vh, sizeof(vh), p->raw, p->len, &dec, &dseg),
			     GRO_EPROTO);
		cr_assert_eq(gro_vnet_decode_start(vh, sizeof(vh), p->raw, p->len, 0x400, &dec,
						   &dseg), GRO_EINVAL);
		h_close(h);
	}
}
