/* UDP tunnels (VXLAN, GENEVE): datagrams to a configured port are
 * decapsulated and the inner TCP merges; the outer UDP header is completed
 * as Linux's udp4/6_gro_complete leaves it; one level of tunnel only; and
 * segmentation gives back the frames that arrived, byte for byte. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define MSS 1000

static struct gro_config tun_config(uint16_t port, uint16_t type)
{
	struct gro_config c;

	h_config(&c);
	c.tunnels[0].port = port;
	c.tunnels[0].type = type;
	return c;
}

/* A context with the usual port of tunnel @kind (PB_TUN_*). */
static struct gro_config kind_config(int kind)
{
	return kind == PB_TUN_VXLAN ? tun_config(4789, GRO_TUNNEL_VXLAN)
				    : tun_config(6081, GRO_TUNNEL_GENEVE);
}

/* An inner TCP segment inside one UDP tunnel layer of kind @kind. */
static struct pb_tunnel *udp_tun(struct pb_frame *f, int outer6, int kind, int csum)
{
	struct pb_tunnel *t;

	f->ntun = 0;
	t = pb_tun_push(f, outer6, 0);
	t->udp_tun = kind;
	t->udp_csum = csum;
	t->vni = 0x123456;
	t->gnv_eth = 1;
	return t;
}

/* Segment packet @k of @h and compare with the @n frames from @first. */
static void expect_segments_back(const struct h *h, size_t k, int first, int n, const char *what)
{
	static uint8_t buf[1 << 17];
	struct gro_seg in, out[64];
	struct gro_pkt pkt;
	int i, got;

	h_pkt_gro(h_pkt(h, k), &pkt, &in);
	got = gro_segment(&pkt, buf, sizeof(buf), out, 64);
	cr_assert_eq(got, n, "%s: segmented into %d, not %d", what, got, n);
	for (i = 0; i < n; i++)
		cr_assert(out[i].len == h_frame_len(h, first + i) &&
			  !memcmp(out[i].data, h_frame(h, first + i), out[i].len),
			  "%s: segment %d byte for byte", what, i);
}

Test(udptun, vxlan_and_geneve_merge_complete_and_segment_back)
{
	static const int kinds[] = { PB_TUN_VXLAN, PB_TUN_GENEVE };
	unsigned kk, o6, i6, cs;

	for (kk = 0; kk < 2; kk++)
		for (o6 = 0; o6 < 2; o6++)
			for (i6 = 0; i6 < 2; i6++)
				for (cs = 0; cs < 2; cs++) {
					int kind = kinds[kk];
					struct gro_config c = kind_config(kind);
					struct h *h = h_open(&c);
					struct pb_offsets o;
					const struct h_pkt *p;
					struct pb_frame f;
					struct pb_tunnel *t;
					size_t ul;
					int i;

					h_seg_init(&f, (int)i6, MSS);
					t = udp_tun(&f, (int)o6, kind, (int)cs);
					if (kind == PB_TUN_GENEVE) {
						t->gnv_opts_len = 8;
						memset(t->gnv_opts, 0xab, 8);
					}
					pb_layout(&f, &o);
					for (i = 0; i < 4; i++)
						h_add_seg(h, &f);
					h_run(h);
					h_expect_merged(h, 0, 0, 4, "udp tunnel: merged");
					p = h_pkt(h, 0);
					cr_assert(p->gso_type & (cs ? GRO_GSO_UDP_TUNNEL_CSUM
								   : GRO_GSO_UDP_TUNNEL),
						  "kind %d o6 %u i6 %u cs %u: gso_type %#x", kind, o6,
						  i6, cs, p->gso_type);
					cr_assert(p->gso_type & (i6 ? GRO_GSO_TCPV6 : GRO_GSO_TCPV4));
					cr_assert_eq(p->csum_start, o.l4, "csum_start at the inner TCP");
					cr_assert_eq(p->l3_off, o.l3);
					ul = o.tun_l4[0];
					cr_assert_eq(h_rd16(p->raw + ul + 4), p->len - ul,
						     "the outer UDP length covers the packet");
					if (cs)
						cr_assert_eq(h_rd16(p->raw + ul + 6),
							     h_pseudo_seed_proto(p->raw + o.tun_l3[0],
										 (int)o6,
										 p->len - ul, 17),
							     "the outer checksum: the pseudo-header sum");
					else
						cr_assert_eq(h_rd16(p->raw + ul + 6), 0,
							     "no outer checksum stays none");
					expect_segments_back(h, 0, 0, 4, "udp tunnel");
					h_close(h);
				}
}

/*
 * With UDP GRO on, a tunnel datagram's outer headers look like a plain
 * UDP datagram's: the held tunnel flow must not take the plain UDP fast
 * kind, whose run compares only the outer headers. Inner segments out of
 * sequence, with a wrong inner IPv4 ID or another TCP flag word must not
 * join.
 */
Test(udptun, udp_gro_on_does_not_hide_the_inner_headers)
{
	unsigned how, mode;

	for (mode = 0; mode < 2; mode++)
		for (how = 0; how < 3; how++) {
			struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
			struct pb_frame f;
			struct h *h;
			int i;

			c.udp = mode ? GRO_UDP_L4 : GRO_UDP_OFF;
			h = h_open(&c);
			h_seg_init(&f, 0, MSS);
			udp_tun(&f, 0, PB_TUN_VXLAN, 1);
			for (i = 0; i < 3; i++)
				h_add_seg(h, &f);
			switch (how) {
			case 0: f.seq += 1; break;		/* a gap */
			case 1: f.ip_id += 5; break;		/* inner ID off */
			default: f.window ^= 1; break;		/* flag word */
			}
			h_add_seg(h, &f);
			h_run(h);
			cr_assert_eq(h_npkt(h), 2, "udp %u, change %u: the fourth segment must not join", mode, how);
			h_expect_merged(h, 0, 0, 3, "the first three merge");
			h_expect_as_is(h, 1, 3, "the fourth is its own");
			h_close(h);
		}
}

/* Unused entries of gro_config.tunnels are all zero: a datagram to port
 * 0 is not a tunnel (Linux has no socket there), whatever it carries. */
Test(udptun, port_zero_is_no_tunnel)
{
	unsigned mode;

	for (mode = 0; mode < 2; mode++) {
		struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
		struct pb_offsets o;
		struct pb_frame f;
		struct h *h;
		size_t k;
		int i;

		c.udp = mode ? GRO_UDP_L4 : GRO_UDP_OFF;
		h = h_open(&c);
		h_seg_init(&f, 0, MSS);
		udp_tun(&f, 0, PB_TUN_GENEVE, 1);
		pb_layout(&f, &o);
		for (i = 0; i < 4; i++) {
			uint8_t b[4096], ph[4] = { 0, 17, 0, 0 };
			size_t n = pb_build(&f, b, sizeof(b)), ul = o.tun_l4[0];
			uint32_t sum;
			uint16_t ck;

			cr_assert(n);
			b[ul + 2] = b[ul + 3] = 0;		/* destination port 0 */
			b[ul + 6] = b[ul + 7] = 0;
			ph[2] = (uint8_t)((n - ul) >> 8);
			ph[3] = (uint8_t)(n - ul);
			sum = pb_csum_add(0, b + o.tun_l3[0] + 12, 8);
			sum = pb_csum_add(sum, ph, 4);
			ck = pb_csum_fold(pb_csum_add(sum, b + ul, n - ul));
			b[ul + 6] = (uint8_t)((ck ? ck : 0xffff) >> 8);
			b[ul + 7] = (uint8_t)(ck ? ck : 0xffff);
			h_add_bytes(h, b, n);
			f.seq += f.payload_len;
			f.ip_id++;
		}
		h_run(h);
		for (k = 0; k < h_npkt(h); k++)
			cr_assert(!(h_pkt(h, k)->gso_type & (GRO_GSO_UDP_TUNNEL | GRO_GSO_UDP_TUNNEL_CSUM)),
				  "udp %u: a datagram to port 0 was taken for a tunnel", mode);
		if (mode)
			h_expect_merged(h, 0, 0, 4, "udp l4: plain datagrams of one size merge");
		else
			h_expect_npkt(h, 4, "udp off: nothing merges");
		h_close(h);
	}
}

/*
 * Linux gives up after 15 nested receive calls, and an Ethernet header
 * inside a tunnel hands on with a counted call (eth_gro_receive), unlike
 * the outer one: behind VXLAN (IP, UDP, VXLAN, inner Ethernet, the tags,
 * inner IP) 9 inner VLAN tags still merge, 10 do not. The layers passed
 * must fit the engine's stack either way (the sanitizer pass sees any
 * write past it).
 */
Test(udptun, inner_ethernet_counts_as_a_nested_call)
{
	unsigned ntags;

	for (ntags = 8; ntags <= 11; ntags++) {
		struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
		struct pb_offsets o;
		struct pb_frame f;
		struct h *h = h_open(&c);
		int i;

		h_seg_init(&f, 0, MSS);
		udp_tun(&f, 0, PB_TUN_VXLAN, 0);
		pb_layout(&f, &o);
		for (i = 0; i < 3; i++) {
			uint8_t b[4096], t[4096];
			size_t n = pb_build(&f, b, sizeof(b)), at = o.l3 - 2, k;

			cr_assert(n && n + 4 * ntags <= sizeof(t));
			/* tags after the inner MAC addresses, then the lengths */
			memcpy(t, b, at);
			for (k = 0; k < ntags; k++) {
				t[at + 4 * k] = 0x81;
				t[at + 4 * k + 1] = 0;
				t[at + 4 * k + 2] = 0;
				t[at + 4 * k + 3] = (uint8_t)(10 + k);
			}
			memcpy(t + at + 4 * ntags, b + at, n - at);
			n += 4 * ntags;
			t[o.tun_l3[0] + 2] = (uint8_t)((n - o.tun_l3[0]) >> 8);
			t[o.tun_l3[0] + 3] = (uint8_t)(n - o.tun_l3[0]);
			t[o.tun_l3[0] + 10] = t[o.tun_l3[0] + 11] = 0;
			{
				uint32_t sum = pb_csum_add(0, t + o.tun_l3[0], 20);
				uint16_t ck = pb_csum_fold(sum);

				t[o.tun_l3[0] + 10] = (uint8_t)(ck >> 8);
				t[o.tun_l3[0] + 11] = (uint8_t)ck;
			}
			t[o.tun_l4[0] + 4] = (uint8_t)((n - o.tun_l4[0]) >> 8);
			t[o.tun_l4[0] + 5] = (uint8_t)(n - o.tun_l4[0]);
			h_add_bytes(h, t, n);
			f.seq += f.payload_len;
			f.ip_id++;
		}
		h_run(h);
		if (ntags <= 9)
			h_expect_merged(h, 0, 0, 3, "inner tags within Linux's nesting limit merge");
		else
			h_expect_npkt(h, 3, "past Linux's nesting limit nothing merges");
		h_close(h);
	}
}

Test(udptun, without_the_port_it_is_plain_udp)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, MSS);
	udp_tun(&f, 0, PB_TUN_VXLAN, 1);
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 3, "no tunnel port, no UDP GRO: passed through");
	h_expect_reason(h, 0, GRO_R_UNHANDLED, "plain UDP, not merged");
	h_close(h);

	{
		struct gro_config c;

		h_config(&c);
		c.udp = GRO_UDP_L4;
		h = h_open(&c);
	}
	h_seg_init(&f, 0, MSS);
	udp_tun(&f, 0, PB_TUN_VXLAN, 1);
	for (i = 0; i < 3; i++) {
		f.seq = 1;	/* equal datagrams: UDP GRO needs no sequence */
		h_add_seg(h, &f);
	}
	h_run(h);
	h_expect_merged(h, 0, 0, 3, "no tunnel port, UDP GRO: merged as datagrams");
	cr_assert(h_pkt(h, 0)->gso_type & GRO_GSO_UDP_L4);
	h_close(h);
}

/* Flows @a and @b, three segments each, interleaved: two flows, each
 * merged whole. */
static void expect_two_flows(const struct gro_config *c, struct pb_frame a, struct pb_frame b,
			     const char *what)
{
	struct h *h = h_open(c);
	int i, ia[3], ib[3];

	for (i = 0; i < 3; i++) {
		ia[i] = h_add_seg(h, &a);
		ib[i] = h_add_seg(h, &b);
	}
	h_run(h);
	h_expect_npkt(h, 2, what);
	h_expect_frames(h, 0, ia, 3, what);
	h_expect_frames(h, 1, ib, 3, what);
	h_close(h);
}

Test(udptun, vni_and_checksum_presence_are_part_of_the_flow)
{
	struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
	struct pb_frame a, b;

	/* Two flows that differ only in the outer checksum being set. */
	h_seg_init(&a, 0, MSS);
	udp_tun(&a, 0, PB_TUN_VXLAN, 0);
	b = a;
	b.tun[0].udp_csum = 1;
	expect_two_flows(&c, a, b, "checksum set or not: two flows");

	h_seg_init(&a, 0, MSS);
	udp_tun(&a, 0, PB_TUN_VXLAN, 1);
	b = a;
	b.tun[0].vni = 7;
	expect_two_flows(&c, a, b, "another VNI: another flow");
}

Test(udptun, bad_outer_checksum_goes_up_alone)
{
	struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
	struct h *h = h_open(&c);
	struct pb_frame f;
	int bad;

	h_seg_init(&f, 0, MSS);
	udp_tun(&f, 0, PB_TUN_VXLAN, 1);
	h_add_seg(h, &f);
	f.tun[0].bad_udp_csum = 1;
	bad = h_add(h, &f);
	f.tun[0].bad_udp_csum = 0;
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "bad outer checksum");
	h_expect_as_is(h, 0, bad, "it goes up at once");
	h_expect_reason(h, 0, GRO_R_L4_CSUM, "bad outer checksum");
	{
		const int rest[] = { 0, 2, 3 };

		h_expect_frames(h, 1, rest, 3, "the held packet goes on");
	}
	h_close(h);
}

/* A set outer checksum covers the UDP length, which nothing else checks
 * (Linux does not look at it in a tunnel): a segment whose length field
 * was changed after the checksum was made goes up alone, however much of
 * it equals the held packet's head; one whose checksum was made with it
 * merges. VXLAN and GENEVE, over IPv4 and IPv6, in one burst (the held
 * flow's segments compared with its head) and a frame at a time. */
Test(udptun, a_set_checksum_covers_the_outer_udp_length)
{
	static const int kinds[] = { PB_TUN_VXLAN, PB_TUN_GENEVE };
	unsigned kk, o6, late, burst;

	for (kk = 0; kk < 2; kk++)
		for (o6 = 0; o6 < 2; o6++)
			for (late = 0; late < 2; late++)
				for (burst = 0; burst < 2; burst++) {
					int kind = kinds[kk], odd;
					struct gro_config c = kind_config(kind);
					struct h *h = h_open(&c);
					struct pb_frame f;

					h_seg_init(&f, 0, MSS);
					udp_tun(&f, (int)o6, kind, 1);
					h_add_seg(h, &f);
					if (!burst)
						h_receive(h);
					f.tun[0].udp_len_delta = 2;
					f.tun[0].udp_len_late = (int)late;
					odd = h_add_seg(h, &f);
					if (!burst)
						h_receive(h);
					f.tun[0].udp_len_delta = 0;
					f.tun[0].udp_len_late = 0;
					h_add_seg(h, &f);
					h_run(h);
					if (late) {
						const int rest[] = { 0 };

						h_expect_npkt(h, 3, "the checksum fails");
						h_expect_as_is(h, 0, odd, "it goes up at once");
						h_expect_reason(h, 0, GRO_R_L4_CSUM, "bad outer checksum");
						h_expect_frames(h, 1, rest, 1, "the held packet, alone");
					} else {
						h_expect_npkt(h, 1, "the checksum holds");
						h_expect_merged(h, 0, 0, 3, "merged");
					}
					h_close(h);
				}
}

/* A short last segment whose outer UDP length and checksum fields are the
 * full segments' (the length left as it was, the checksum copied): with
 * IPv4 inside, whose header checksum absorbs its length, the datagram's
 * sum still holds and it merges; with IPv6 inside it does not, and the
 * segment goes up alone, though every header byte compared equals the
 * head's. */
Test(udptun, a_short_segment_with_the_heads_checksum_field)
{
	unsigned i6, o6;

	for (i6 = 0; i6 < 2; i6++)
		for (o6 = 0; o6 < 2; o6++) {
			struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
			struct h *h = h_open(&c);
			struct pb_offsets o;
			struct pb_frame f;
			uint8_t full[2048], buf[2048];
			size_t len;
			int last;

			h_seg_init(&f, (int)i6, MSS);
			udp_tun(&f, (int)o6, PB_TUN_VXLAN, 1);
			pb_layout(&f, &o);
			cr_assert_gt(pb_build(&f, full, sizeof(full)), 0);
			h_add_seg(h, &f);
			f.payload_len = MSS / 2;
			f.tun[0].udp_len_delta = MSS / 2;
			len = pb_build(&f, buf, sizeof(buf));
			cr_assert_gt(len, 0);
			cr_assert_eq(h_rd16(buf + o.tun_l4[0] + 4), h_rd16(full + o.tun_l4[0] + 4));
			memcpy(buf + o.tun_l4[0] + 6, full + o.tun_l4[0] + 6, 2);
			last = h_add_bytes(h, buf, len);
			h_run(h);
			if (!i6) {
				h_expect_npkt(h, 1, "IPv4 inside: the sum holds");
				h_expect_merged(h, 0, 0, 2, "merged");
			} else {
				const int first[] = { 0 };

				h_expect_npkt(h, 2, "IPv6 inside: the sum fails");
				h_expect_as_is(h, 0, last, "it goes up at once");
				h_expect_reason(h, 0, GRO_R_L4_CSUM, "bad outer checksum");
				h_expect_frames(h, 1, first, 1, "the held packet");
			}
			h_close(h);
		}
}

/* The first frame of a flow with a set outer checksum: summed over the
 * datagram when checksums are verified (a bad one goes up at once and the
 * next frame starts the flow), not when they are trusted (Linux with
 * CHECKSUM_UNNECESSARY: the three merge; the checksum field is not
 * compared). VXLAN and GENEVE, over IPv4 and IPv6, with another flow of
 * the tunnel held first (so that the fast path has the tunnel's kind). */
Test(udptun, a_set_checksum_on_a_first_frame)
{
	static const int kinds[] = { PB_TUN_VXLAN, PB_TUN_GENEVE };
	unsigned kk, o6, trust;

	for (kk = 0; kk < 2; kk++)
		for (o6 = 0; o6 < 2; o6++)
			for (trust = 0; trust < 2; trust++) {
				int kind = kinds[kk], bad;
				struct gro_config c = kind_config(kind);
				struct h *h;
				struct pb_frame f;

				if (trust)
					c.csum = GRO_CSUM_TRUST;
				h = h_open(&c);
				h_seg_init(&f, 0, MSS);
				f.sport = 7;
				udp_tun(&f, (int)o6, kind, 1);
				h_add_seg(h, &f);
				h_seg_init(&f, 0, MSS);
				udp_tun(&f, (int)o6, kind, 1);
				f.tun[0].bad_udp_csum = 1;
				bad = h_add_seg(h, &f);
				f.tun[0].bad_udp_csum = 0;
				h_add_seg(h, &f);
				h_add_seg(h, &f);
				h_run(h);
				if (trust) {
					h_expect_npkt(h, 2, "trusted: not summed");
					h_expect_merged(h, 1, 1, 3, "merged");
				} else {
					const int rest[] = { 2, 3 };

					h_expect_npkt(h, 3, "verified: the first fails");
					h_expect_as_is(h, 0, bad, "it goes up at once");
					h_expect_reason(h, 0, GRO_R_L4_CSUM, "bad outer checksum");
					h_expect_frames(h, 2, rest, 2, "the next two merge");
				}
				h_close(h);
			}
}

Test(udptun, geneve_rules)
{
	struct gro_config c = tun_config(6081, GRO_TUNNEL_GENEVE);
	struct pb_frame f, g;
	struct h *h;
	int i, ia[3], ib[3];

	/* OAM frames and other versions are never merged nor held. */
	h = h_open(&c);
	h_seg_init(&f, 0, MSS);
	udp_tun(&f, 0, PB_TUN_GENEVE, 1)->gnv_oam = 1;
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.tun[0].gnv_oam = 0;
	f.tun[0].gnv_ver = 1;
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 3, "OAM and version 1: delivered at once");
	h_expect_reason(h, 0, GRO_R_UNHANDLED, "OAM");
	h_close(h);

	/* Options are compared whole. */
	h = h_open(&c);
	h_seg_init(&f, 1, MSS);
	udp_tun(&f, 1, PB_TUN_GENEVE, 0);
	f.tun[0].gnv_opts_len = 4;
	memcpy(f.tun[0].gnv_opts, "\x01\x02\x03\x04", 4);
	g = f;
	g.tun[0].gnv_opts[3] = 5;
	for (i = 0; i < 3; i++) {
		ia[i] = h_add_seg(h, &f);
		ib[i] = h_add_seg(h, &g);
	}
	h_run(h);
	h_expect_npkt(h, 2, "other option bytes: another flow");
	h_expect_frames(h, 0, ia, 3, "options 01020304");
	h_expect_frames(h, 1, ib, 3, "options 01020305");
	h_close(h);

	/* IP right after GENEVE (protocol type 0x0800), no Ethernet. */
	h = h_open(&c);
	h_seg_init(&f, 0, MSS);
	udp_tun(&f, 0, PB_TUN_GENEVE, 1)->gnv_eth = 0;
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_merged(h, 0, 0, 3, "GENEVE carrying IPv4");
	expect_segments_back(h, 0, 0, 3, "GENEVE carrying IPv4");
	h_close(h);
}

Test(udptun, one_level_of_tunnel_only)
{
	struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
	struct h *h = h_open(&c);
	struct pb_frame f;
	struct pb_tunnel *t;
	int i;

	/* VXLAN inside GRE. */
	h_seg_init(&f, 0, MSS);
	pb_tun_push(&f, 0, 1);
	t = pb_tun_push(&f, 0, 0);
	t->udp_tun = PB_TUN_VXLAN;
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	/* VXLAN inside VXLAN. */
	h_seg_init(&f, 0, MSS);
	f.seq = 1 << 20;
	udp_tun(&f, 0, PB_TUN_VXLAN, 1);
	t = pb_tun_push(&f, 0, 0);
	t->udp_tun = PB_TUN_VXLAN;
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 6, "nested tunnels: neither merged nor held");
	h_close(h);
}

/* With UDP GRO on, a datagram to a tunnel port inside a tunnel is a
 * second tunnel, which Linux sends up unmerged, while a flow to another
 * port is held. */
Test(udptun, udp_gro_on_a_tunnel_port_inside_a_tunnel_is_not_merged)
{
	struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
	struct pb_frame f;
	struct h *h;
	int i;

	c.udp = GRO_UDP_L4;
	h = h_open(&c);
	h_seg_init(&f, 0, MSS);
	f.udp = 1;
	f.sport = 1000;
	f.dport = 5000;
	udp_tun(&f, 0, PB_TUN_VXLAN, 0);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.dport = 4789;
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 3, "the datagrams to the tunnel port: neither merged nor held");
	for (i = 0; i < 3; i++)
		h_expect_as_is(h, (size_t)i, 2 + i, "a second tunnel");
	h_close(h);
}

Test(udptun, config_is_checked)
{
	struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
	struct gro_ctx *g;

	c.deliver = (gro_deliver_fn)1;
	c.tunnels[1] = (struct gro_udp_tunnel){ 4789, GRO_TUNNEL_GENEVE };
	cr_assert_eq(gro_create(&c, &g), GRO_EINVAL, "one port, two tunnels");
	c.tunnels[1] = (struct gro_udp_tunnel){ 6081, 3 };
	cr_assert_eq(gro_create(&c, &g), GRO_EINVAL, "unknown type");
	c.tunnels[1] = (struct gro_udp_tunnel){ 0, GRO_TUNNEL_GENEVE };
	cr_assert_eq(gro_create(&c, &g), GRO_EINVAL, "a type without a port");
	c.tunnels[1] = (struct gro_udp_tunnel){ 6081, GRO_TUNNEL_GENEVE };
	cr_assert_eq(gro_create(&c, &g), GRO_OK);
	gro_destroy(g);
}

Test(udptun, vnet_header_round_trip)
{
	struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
	struct h *h = h_open(&c);
	static uint8_t frame[1 << 16];
	struct gro_pkt pkt, back;
	struct gro_seg in, seg;
	uint8_t vh[GRO_VNET_HDR_V1_LEN];
	struct pb_frame f;
	int i;

	h_seg_init(&f, 1, MSS);
	udp_tun(&f, 0, PB_TUN_VXLAN, 1);
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_pkt_gro(h_pkt(h, 0), &pkt, &in);
	cr_assert_eq(gro_vnet_encode(&pkt, vh, sizeof(vh)), (int)sizeof(vh));
	cr_assert_eq(vh[1], GRO_VNET_GSO_TCPV6, "the inner TCP's type");
	memcpy(frame, h_pkt(h, 0)->raw, h_pkt(h, 0)->len);
	cr_assert_eq(gro_vnet_decode(vh, sizeof(vh), frame, h_pkt(h, 0)->len, &back, &seg), GRO_OK);
	cr_assert(back.gso_type & GRO_GSO_UDP_TUNNEL_CSUM, "the tunnel found again");
	cr_assert_eq(back.outer_l4_off, pkt.outer_l4_off);
	cr_assert_eq(back.l3_off, pkt.l3_off);
	cr_assert_eq(back.l4_off, pkt.l4_off);

	h_close(h);
}

/* Many flows interleaved in one burst: the first frames of a kind's first
 * flows take the layered path (the kind is made when the first flow is
 * held), the rest the fast path, which must find the flows the layered
 * path holds (the same flow key, piece for piece) and continue them. For
 * every tunnel the fast path takes, and for the ones it leaves to the
 * layers (a set outer UDP checksum, a GRE checksum). */
Test(udptun, fast_path_continues_flows_the_layers_hold)
{
	enum { NF = 24, NS = 3 };
	static const struct { int kind, gre, o6, i6, csum, opts; uint16_t gre_bits; } v[] = {
		{ PB_TUN_VXLAN, 0, 0, 0, 0, 0, 0 }, { PB_TUN_VXLAN, 0, 0, 1, 1, 0, 0 },
		{ PB_TUN_VXLAN, 0, 1, 0, 1, 0, 0 }, { PB_TUN_GENEVE, 0, 0, 0, 0, 8, 0 },
		{ PB_TUN_GENEVE, 0, 1, 1, 1, 0, 0 }, { 0, 1, 0, 0, 0, 0, 0 },
		{ 0, 1, 0, 1, 0, 0, PB_GRE_K },      { 0, 1, 1, 0, 0, 0, PB_GRE_K | PB_GRE_C },
		{ 0, 0, 0, 0, 0, 0, 0 },             { 0, 0, 1, 1, 0, 0, 0 },
		{ 0, 0, 0, 1, 0, 0, 0 },
	};
	unsigned t;

	for (t = 0; t < sizeof(v) / sizeof(v[0]); t++) {
		struct gro_config c = tun_config(4789, GRO_TUNNEL_VXLAN);
		struct pb_frame f[NF];
		struct h *h;
		size_t k;
		int j, s;

		c.tunnels[1].port = 6081;
		c.tunnels[1].type = GRO_TUNNEL_GENEVE;
		c.buckets = 1;		/* every flow held at once (no receive hash) */
		h = h_open(&c);
		for (j = 0; j < NF; j++) {
			struct pb_tunnel *tn;

			h_seg_init(&f[j], v[t].i6, MSS);
			f[j].sport = (uint16_t)(20000 + j);
			tn = pb_tun_push(&f[j], v[t].o6, v[t].gre);
			tn->udp_tun = v[t].kind;
			tn->udp_csum = v[t].csum;
			tn->gnv_eth = 1;
			tn->gnv_opts_len = v[t].opts;
			tn->gre_bits = v[t].gre_bits;
			tn->gre_key = 99;
			tn->ip_id = (uint16_t)(j * 1000);
		}
		for (s = 0; s < NS; s++)
			for (j = 0; j < NF; j++) {
				h_add_seg(h, &f[j]);
				f[j].tun[0].ip_id++;
			}
		h_run(h);
		cr_assert_eq(h_npkt(h), NF, "variant %u: %zu packets for %d flows (the first: %s)", t,
			     h_npkt(h), NF, gro_reason_name(h_pkt(h, 0)->reason));
		for (k = 0; k < NF; k++) {
			const struct h_pkt *p = h_pkt(h, k);

			cr_assert_eq(p->gso_segs, NS, "variant %u: packet %zu of %u segments", t, k,
				     p->gso_segs);
			j = p->frames[0];
			cr_assert(j < NF && p->frames[1] == NF + j && p->frames[2] == 2 * NF + j,
				  "variant %u: packet %zu holds its flow's frames in order", t, k);
		}
		h_close(h);
	}
}

/* Without NEEDS_CSUM (a packet whose checksums were completed, sent with
 * DATA_VALID) there is no csum_start to point at the inner TCP header:
 * the headers' length, which gro_vnet_encode writes, finds the tunnel. */
Test(udptun, vnet_header_round_trip_data_valid)
{
	static const int kinds[] = { PB_TUN_VXLAN, PB_TUN_GENEVE };
	unsigned kk, o6, cs;

	for (kk = 0; kk < 2; kk++)
		for (o6 = 0; o6 < 2; o6++)
			for (cs = 0; cs < 2; cs++) {
				int kind = kinds[kk];
				struct gro_config c = kind_config(kind);
				struct h *h = h_open(&c);
				static uint8_t frame[1 << 16];
				struct gro_pkt pkt, back;
				struct gro_seg in, seg;
				uint8_t vh[GRO_VNET_HDR_V1_LEN];
				struct pb_frame f;
				int i;

				h_seg_init(&f, 0, MSS);
				udp_tun(&f, (int)o6, kind, (int)cs);
				for (i = 0; i < 3; i++)
					h_add_seg(h, &f);
				h_run(h);
				h_pkt_gro(h_pkt(h, 0), &pkt, &in);
				cr_assert_eq(pkt.gso_segs, 3);
				pkt.csum_partial = 0;
				pkt.csum_valid = 1;
				cr_assert_eq(gro_vnet_encode(&pkt, vh, sizeof(vh)), (int)sizeof(vh));
				cr_assert_eq(vh[0], GRO_VNET_F_DATA_VALID);
				memcpy(frame, h_pkt(h, 0)->raw, h_pkt(h, 0)->len);
				cr_assert_eq(gro_vnet_decode(vh, sizeof(vh), frame, h_pkt(h, 0)->len, &back,
							     &seg), GRO_OK, "kind %d outer6 %u csum %u", kind, o6, cs);
				cr_assert_eq(back.gso_type & (GRO_GSO_UDP_TUNNEL | GRO_GSO_UDP_TUNNEL_CSUM),
					     cs ? GRO_GSO_UDP_TUNNEL_CSUM : GRO_GSO_UDP_TUNNEL);
				cr_assert(back.gso_type & GRO_GSO_TCPV4);
				cr_assert_eq(back.outer_l4_off, pkt.outer_l4_off);
				cr_assert_eq(back.l3_off, pkt.l3_off);
				cr_assert_eq(back.l4_off, pkt.l4_off);
				cr_assert_eq(back.hdr_len, pkt.hdr_len);
				cr_assert_eq(back.gso_segs, 3);
				/* A length that ends inside the inner TCP header is
				 * no tunnel: the UDP datagram does not match TCPV4. */
				vh[2] = (uint8_t)(pkt.hdr_len - 4);
				cr_assert_eq(gro_vnet_decode(vh, sizeof(vh), frame, h_pkt(h, 0)->len, &back,
							     &seg), GRO_EPROTO);
				h_close(h);
			}
}

/* With UDP GRO on as well, a held tunnel flow is still the inner TCP's:
 * the outer headers look like a plain UDP flow's to the fast path, which
 * must not continue the tunnel flow by them. Four inner flows in one
 * tunnel (same outer headers), interleaved, give four packets; on Linux
 * 6.18 `rx-udp-gro-forwarding on` changes nothing for the tunnel. */
Test(udptun, udp_gro_on_keeps_inner_flows_apart)
{
	static const int kinds[] = { PB_TUN_VXLAN, PB_TUN_GENEVE };
	unsigned kk, mode;

	for (kk = 0; kk < 2; kk++)
		for (mode = 0; mode < 2; mode++) {
			int kind = kinds[kk];
			struct gro_config c = kind_config(kind);
			struct pb_frame f[4];
			struct h *h;
			int k, r;

			c.udp = mode ? GRO_UDP_FRAGLIST : GRO_UDP_L4;
			h = h_open(&c);
			for (k = 0; k < 4; k++) {
				h_seg_init(&f[k], 0, MSS);
				f[k].sport = (uint16_t)(1000 + k);
				udp_tun(&f[k], 0, kind, 1);
			}
			for (r = 0; r < 3; r++)
				for (k = 0; k < 4; k++)
					h_add_seg(h, &f[k]);
			h_run(h);
			h_expect_npkt(h, 4, "one packet per inner flow");
			for (k = 0; k < 4; k++) {
				int idx[3] = { k, k + 4, k + 8 };

				h_expect_frames(h, (size_t)k, idx, 3, "the inner flow's own segments");
			}
			h_close(h);
		}
}
