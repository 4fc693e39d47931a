/* IPv6: flow key (flow label, addresses, extension headers), fields that
 * must match (traffic class, hop limit), and what is delivered as is. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

static const uint8_t rt_a[6] = { 0, 0, 0, 0, 0, 0 };
static const uint8_t rt_b[6] = { 0, 0, 0, 0, 0, 1 };
static const uint8_t rt_long[14] = { 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t dst_a[4] = { 0x1e, 2, 0xab, 0xcd };	/* an option of type 0x1e */
static const uint8_t dst_b[4] = { 0x1e, 2, 0xab, 0xce };

static void expect_two_flows(struct pb_frame a, struct pb_frame b, const char *rule)
{
	struct h *h = h_open(NULL);

	h_add_seg(h, &a);
	h_add_seg(h, &b);
	h_add_seg(h, &a);
	h_add_seg(h, &b);
	h_run(h);
	h_expect_npkt(h, 2, rule);
	{
		const int fa[] = { 0, 2 }, fb[] = { 1, 3 };

		h_expect_frames(h, 0, fa, 2, rule);
		h_expect_frames(h, 1, fb, 2, rule);
	}
	h_close(h);
}

static void merges(struct pb_frame f, int n, const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame big = f;
	int i;

	for (i = 0; i < n; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 1, rule);
	h_expect_merged(h, 0, 0, n, rule);
	cr_assert_eq(h_pkt(h, 0)->gso_type, GRO_GSO_TCPV6, "%s: gso_type TCPV6", rule);
	big.payload_len = f.payload_len * (uint32_t)n;
	h_expect_bytes(h, 0, &big, rule);
	h_close(h);
}

static void change_completes(void (*tweak)(struct pb_frame *), const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;

	h_seg_init(&f, 1, 1000);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	tweak(&f);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, rule);
	h_expect_merged(h, 0, 0, 2, rule);
	h_expect_reason(h, 0, GRO_R_MISMATCH, rule);
	h_flush(h);
	h_expect_npkt(h, 2, rule);
	h_expect_merged(h, 1, 2, 2, rule);
	h_close(h);
}

static void as_is_untouched(void (*odd)(struct pb_frame *), enum gro_reason why, const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, x;
	int s0, xi;

	h_seg_init(&f, 1, 1000);
	s0 = h_add_seg(h, &f);
	x = f;
	odd(&x);
	xi = h_add(h, &x);
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, rule);
	h_expect_as_is(h, 0, xi, rule);
	h_expect_reason(h, 0, why, rule);
	{
		const int fr[] = { s0, xi + 1 };

		h_expect_frames(h, 1, fr, 2, rule);
	}
	h_close(h);
}

static void as_is_completes(void (*odd)(struct pb_frame *), const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, x;
	int s0, xi;

	h_seg_init(&f, 1, 1000);
	s0 = h_add_seg(h, &f);
	h_add_seg(h, &f);
	x = f;
	odd(&x);
	xi = h_add(h, &x);
	h_receive(h);
	h_expect_npkt(h, 2, rule);
	h_expect_merged(h, 0, s0, 2, rule);
	h_expect_reason(h, 0, GRO_R_MISMATCH, rule);
	h_expect_as_is(h, 1, xi, rule);
	h_expect_reason(h, 1, GRO_R_IP_LEN, rule);
	h_close(h);
}

Test(ipv6, different_flow_label_is_another_flow)
{
	struct pb_frame a, b;

	h_seg_init(&a, 1, 1000);
	b = a;
	a.flowlabel = 0x12345;
	b.flowlabel = 0x12346;
	expect_two_flows(a, b, "ipv6: a different flow label makes a different flow (both held)");
}

Test(ipv6, different_source_address_is_another_flow)
{
	struct pb_frame a, b;

	h_seg_init(&a, 1, 1000);
	b = a;
	b.saddr[15] = 7;
	expect_two_flows(a, b, "ipv6: a different source address makes a different flow");
}

Test(ipv6, same_flow_label_merges)
{
	struct pb_frame f;

	h_seg_init(&f, 1, 1000);
	f.flowlabel = 0xabcde;
	merges(f, 3, "ipv6: segments with the same flow label merge");
}

static void tclass_change(struct pb_frame *f) { f->tclass = 0x20; }
static void ecn_change(struct pb_frame *f) { f->tclass = 0x03; }
static void hop_change(struct pb_frame *f) { f->hop_limit = 63; }
static void padded(struct pb_frame *f) { f->pad = 6; }
static void long_payload_len(struct pb_frame *f) { f->tot_len_delta = 8; }

Test(ipv6, traffic_class_change_completes_flow)
{
	change_completes(tclass_change, "ipv6: a traffic class change completes the held flow");
}

Test(ipv6, ecn_change_completes_flow)
{
	change_completes(ecn_change, "ipv6: an ECN change in the traffic class completes the held flow");
}

Test(ipv6, hop_limit_change_completes_flow)
{
	change_completes(hop_change, "ipv6: a hop limit change completes the held flow");
}

Test(ipv6, padding_as_is_and_completes_held_flow)
{
	as_is_completes(padded, "ipv6: payload_len shorter than the frame: as is, and the held flow completes");
}

Test(ipv6, payload_len_too_long_as_is_and_completes)
{
	as_is_completes(long_payload_len,
			"ipv6: payload_len longer than the frame: as is, and the held flow completes");
}

Test(ipv6, routing_header_same_bytes_merge)
{
	struct pb_frame f;

	h_seg_init(&f, 1, 1000);
	pb_ext_add(&f, PB_EXT_ROUTE, rt_a, sizeof(rt_a));
	merges(f, 3, "ipv6: segments with identical Routing headers merge");
}

Test(ipv6, routing_header_payload_len_counts_extension)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	const struct h_pkt *p;

	h_seg_init(&f, 1, 1000);
	pb_ext_add(&f, PB_EXT_ROUTE, rt_a, sizeof(rt_a));
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_run(h);
	p = h_pkt(h, 0);
	cr_assert_eq(p->l4_off, 14 + 40 + 8, "ipv6: TCP follows the Routing header");
	cr_assert_eq(h_rd16(p->raw + 14 + 4), 8 + 20 + 2000,
		     "ipv6: the rewritten payload_len includes the extension header");
	cr_assert_eq(p->csum_start, 14 + 40 + 8, "ipv6: csum_start is the TCP header behind the extension");
	h_close(h);
}

Test(ipv6, routing_header_different_bytes_another_flow)
{
	struct pb_frame a, b;

	h_seg_init(&a, 1, 1000);
	b = a;
	pb_ext_add(&a, PB_EXT_ROUTE, rt_a, sizeof(rt_a));
	pb_ext_add(&b, PB_EXT_ROUTE, rt_b, sizeof(rt_b));
	expect_two_flows(a, b, "ipv6: different Routing header bytes make a different flow");
}

Test(ipv6, routing_header_different_length_another_flow)
{
	struct pb_frame a, b;

	h_seg_init(&a, 1, 1000);
	b = a;
	pb_ext_add(&a, PB_EXT_ROUTE, rt_a, sizeof(rt_a));
	pb_ext_add(&b, PB_EXT_ROUTE, rt_long, sizeof(rt_long));
	expect_two_flows(a, b, "ipv6: Routing headers of different lengths make different flows");
}

Test(ipv6, extension_vs_none_another_flow)
{
	struct pb_frame a, b;

	h_seg_init(&a, 1, 1000);
	b = a;
	pb_ext_add(&b, PB_EXT_DEST, dst_a, sizeof(dst_a));
	expect_two_flows(a, b, "ipv6: a stream with a Destination Options header differs from one without");
}

Test(ipv6, destination_options_same_bytes_merge)
{
	struct pb_frame f;

	h_seg_init(&f, 1, 1000);
	pb_ext_add(&f, PB_EXT_DEST, dst_a, sizeof(dst_a));
	merges(f, 3, "ipv6: segments with identical Destination Options headers merge");
}

Test(ipv6, destination_options_different_bytes_another_flow)
{
	struct pb_frame a, b;

	h_seg_init(&a, 1, 1000);
	b = a;
	pb_ext_add(&a, PB_EXT_DEST, dst_a, sizeof(dst_a));
	pb_ext_add(&b, PB_EXT_DEST, dst_b, sizeof(dst_b));
	expect_two_flows(a, b, "ipv6: different Destination Options bytes make a different flow");
}

Test(ipv6, dest_then_routing_chain_merges)
{
	struct pb_frame f;

	h_seg_init(&f, 1, 1000);
	pb_ext_add(&f, PB_EXT_DEST, dst_a, sizeof(dst_a));
	pb_ext_add(&f, PB_EXT_ROUTE, rt_a, sizeof(rt_a));
	merges(f, 2, "ipv6: a Destination Options + Routing chain is stepped over and merges");
}

/*
 * Hop-by-Hop is stepped over like Routing and Destination Options: since
 * v6.9 net/ipv6/exthdrs_offload.c registers hbh_offload for IPPROTO_HOPOPTS
 * with INET6_PROTO_GSO_EXTHDR, so ipv6_gro_pull_exthdrs walks past it.
 */
Test(ipv6, hop_by_hop_same_bytes_merge)
{
	struct pb_frame f;

	h_seg_init(&f, 1, 1000);
	pb_ext_add(&f, PB_EXT_HOP, NULL, 0);
	merges(f, 3, "ipv6: segments with identical Hop-by-Hop headers merge");
}

Test(ipv6, hop_by_hop_different_bytes_another_flow)
{
	static const uint8_t opt_a[4] = { 0x1e, 2, 0, 1 }, opt_b[4] = { 0x1e, 2, 0, 2 };
	struct pb_frame a, b;

	h_seg_init(&a, 1, 1000);
	b = a;
	pb_ext_add(&a, PB_EXT_HOP, opt_a, sizeof(opt_a));
	pb_ext_add(&b, PB_EXT_HOP, opt_b, sizeof(opt_b));
	expect_two_flows(a, b, "ipv6: different Hop-by-Hop bytes make a different flow");
}

static void frag_header(struct pb_frame *f)
{
	static const uint8_t body[6] = { 0, 1, 0, 0, 0, 42 };	/* offset 0, M=1 */

	pb_ext_add(f, PB_EXT_FRAG, body, sizeof(body));
}

Test(ipv6, fragment_header_as_is_held_flow_untouched)
{
	as_is_untouched(frag_header, GRO_R_NOT_TCP,
			"ipv6: a Fragment header is delivered as is and leaves the held flow alone");
}

static void to_udp(struct pb_frame *f)
{
	static const uint8_t udp[24] = { 0x13, 0x88, 0x0f, 0xa0, 0, 24 };

	f->ip_proto = 17;
	f->payload = udp;
	f->payload_len = sizeof(udp);
}

Test(ipv6, udp_as_is_held_tcp_flow_untouched)
{
	as_is_untouched(to_udp, GRO_R_NOT_TCP, "ipv6: UDP is delivered as is and leaves the TCP flow alone");
}

Test(ipv6, bad_tcp_checksum_as_is)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int s0, bad;

	h_seg_init(&f, 1, 1000);
	s0 = h_add_seg(h, &f);
	f.bad_tcp_csum = 1;
	bad = h_add(h, &f);
	f.bad_tcp_csum = 0;
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "ipv6: a bad TCP checksum is delivered as is, the flow continues");
	h_expect_as_is(h, 0, bad, "ipv6: a bad TCP checksum is delivered as is");
	h_expect_reason(h, 0, GRO_R_L4_CSUM, "ipv6: bad TCP checksum reason");
	{
		const int fr[] = { s0, bad + 1 };

		h_expect_frames(h, 1, fr, 2, "ipv6: the held flow continues after a bad checksum");
	}
	h_close(h);
}
