/* Ethernet: the MAC header is part of the flow key; frames that are not
 * IPv4/IPv6 (or VLAN) are delivered as they came. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

/* Two interleaved streams that differ only by what @tweak changes. */
static void two_streams(void (*tweak)(struct pb_frame *), const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame a, b;
	int a0, b0;

	h_seg_init(&a, 0, 1000);
	b = a;
	tweak(&b);
	a0 = h_add_seg(h, &a);
	b0 = h_add_seg(h, &b);
	h_add_seg(h, &a);
	h_add_seg(h, &b);
	h_run(h);
	h_expect_npkt(h, 2, rule);
	{
		const int fa[] = { a0, a0 + 2 }, fb[] = { b0, b0 + 2 };

		h_expect_frames(h, 0, fa, 2, rule);
		h_expect_frames(h, 1, fb, 2, rule);
	}
	h_close(h);
}

static void other_dst(struct pb_frame *f) { f->dst_mac[5] = 0x77; }
static void other_src(struct pb_frame *f) { f->src_mac[0] = 0x06; }

Test(eth, different_destination_mac_is_another_flow)
{
	two_streams(other_dst, "eth: a different destination MAC makes a different flow");
}

Test(eth, different_source_mac_is_another_flow)
{
	two_streams(other_src, "eth: a different source MAC makes a different flow");
}

Test(eth, unknown_ethertype_as_is_held_flow_untouched)
{
	static const uint8_t body[46] = { 1, 2, 3 };
	struct h *h = h_open(NULL);
	struct pb_frame f, arp;
	int s0, x;

	h_seg_init(&f, 0, 1000);
	pb_init(&arp, 0);
	arp.ethertype = 0x0806;
	arp.payload = body;
	arp.payload_len = sizeof(body);
	s0 = h_add_seg(h, &f);
	x = h_add(h, &arp);
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "eth: unknown EtherType is delivered as is, held flow keeps merging");
	h_expect_as_is(h, 0, x, "eth: unknown EtherType is delivered as is");
	h_expect_reason(h, 0, GRO_R_NOT_TCP, "eth: unknown EtherType is not-tcp");
	{
		const int fr[] = { s0, x + 1 };

		h_expect_frames(h, 1, fr, 2, "eth: unknown EtherType must not complete the held flow");
	}
	h_close(h);
}

Test(eth, frame_shorter_than_mac_header_as_is)
{
	static const uint8_t runt[10] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0 };
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int s0, r;

	h_seg_init(&f, 0, 1000);
	s0 = h_add_seg(h, &f);
	r = h_add_bytes(h, runt, sizeof(runt));
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "eth: a frame shorter than 14 bytes is delivered as is");
	h_expect_as_is(h, 0, r, "eth: a frame shorter than 14 bytes is delivered as is");
	h_expect_reason(h, 0, GRO_R_MALFORMED, "eth: a frame shorter than 14 bytes is malformed");
	{
		const int fr[] = { s0, r + 1 };

		h_expect_frames(h, 1, fr, 2, "eth: a runt frame must not complete the held flow");
	}
	h_close(h);
}

Test(eth, truncated_ip_header_as_is)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	uint8_t buf[64];
	int r;

	h_seg_init(&f, 0, 0);
	pb_build(&f, buf, sizeof(buf));
	r = h_add_bytes(h, buf, 14 + 12);	/* IPv4 header cut short */
	h_run(h);
	h_expect_npkt(h, 1, "eth: a frame too short for its IP header is delivered once");
	h_expect_as_is(h, 0, r, "eth: a frame too short for its IP header is delivered as is");
	h_expect_reason(h, 0, GRO_R_MALFORMED, "eth: truncated IP header is malformed");
	h_close(h);
}

Test(eth, truncated_tcp_header_as_is)
{
	struct h *h = h_open(NULL);
	static const uint8_t stub[10] = { 0x0f, 0xa0, 0x13, 0x88 };
	struct pb_frame f;
	uint8_t buf[64];
	int r;

	/* An IPv4 packet of protocol 6 whose L4 part is a 10-byte stub. */
	h_seg_init(&f, 0, 0);
	f.ip_proto = 6;
	f.payload = stub;
	f.payload_len = sizeof(stub);
	pb_build(&f, buf, sizeof(buf));
	r = h_add_bytes(h, buf, 14 + 20 + 10);
	h_set_flags(h, r, GRO_FRAME_CSUM_OK);
	h_run(h);
	h_expect_as_is(h, 0, r, "tcp: a frame too short for the TCP header is delivered as is");
	h_expect_reason(h, 0, GRO_R_MALFORMED, "tcp: truncated TCP header is malformed");
	h_close(h);
}
