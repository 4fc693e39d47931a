/* IPv4: which headers merge, which are delivered as is, and which fields
 * must match the first segment of the flow. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

/* Segments 0 and 1 normal, then @tweak, then segments 2 and 3 (which
 * continue the stream). The change must complete [0,1] as soon as 2
 * arrives, and 2 starts a new flow that 3 joins. */
static void change_completes(void (*tweak)(struct pb_frame *), const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;

	h_seg_init(&f, 0, 1000);
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

/* Segment 0, then an odd frame from @odd (same stream position), then the
 * proper segment 1: the odd one is delivered as is and the held flow keeps
 * merging, as if the odd frame had not been there. */
static void as_is_untouched(void (*odd)(struct pb_frame *), enum gro_reason why, const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, x;
	int s0, xi;

	h_seg_init(&f, 0, 1000);
	s0 = h_add_seg(h, &f);
	x = f;
	odd(&x);
	xi = h_add(h, &x);
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, rule);
	h_expect_as_is(h, 0, xi, rule);
	h_expect_reason(h, 0, why, rule);
	h_flush(h);
	h_expect_npkt(h, 2, rule);
	{
		const int fr[] = { s0, xi + 1 };

		h_expect_frames(h, 1, fr, 2, rule);
	}
	h_close(h);
}

/* Segment 0 held, then an odd frame that must be delivered as is AND
 * complete the held flow first. */
static void as_is_completes(void (*odd)(struct pb_frame *), enum gro_reason why, const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, x;
	int s0, s1, xi;

	h_seg_init(&f, 0, 1000);
	s0 = h_add_seg(h, &f);
	s1 = h_add_seg(h, &f);
	x = f;
	odd(&x);
	xi = h_add(h, &x);
	h_receive(h);
	h_expect_npkt(h, 2, rule);
	h_expect_merged(h, 0, s0, 2, rule);
	h_expect_reason(h, 0, GRO_R_MISMATCH, rule);
	h_expect_as_is(h, 1, xi, rule);
	h_expect_reason(h, 1, why, rule);
	(void)s1;
	h_flush(h);
	h_expect_npkt(h, 2, rule);
	h_close(h);
}

static void ip_options(struct pb_frame *f)
{
	f->ip_opts[0] = 1;	/* NOP, then EOL padding */
	f->ip_opts_len = 4;
}
static void more_fragments(struct pb_frame *f) { f->frag = 0x2000; f->df = 0; }
static void frag_offset(struct pb_frame *f) { f->frag = 185; f->df = 0; }
static void bad_ip_csum(struct pb_frame *f) { f->bad_ip_csum = 1; }
static void padded(struct pb_frame *f) { f->pad = 6; }
static void long_tot_len(struct pb_frame *f) { f->tot_len_delta = 4; }
static void reserved_bit(struct pb_frame *f) { f->frag = 0x8000; }
static void ttl_change(struct pb_frame *f) { f->ttl = 63; }
static void tos_change(struct pb_frame *f) { f->tos = 0x10; }
static void ecn_change(struct pb_frame *f) { f->tos = 0x03; }
static void df_change(struct pb_frame *f) { f->df = 0; }

Test(ipv4, options_as_is_held_flow_untouched)
{
	as_is_untouched(ip_options, GRO_R_IP_OPTS,
			"ipv4: IHL != 5 is delivered as is and does not complete the held flow");
}

Test(ipv4, more_fragments_as_is_held_flow_untouched)
{
	as_is_untouched(more_fragments, GRO_R_IP_FRAG, "ipv4: a fragment (MF) is delivered as is");
}

Test(ipv4, fragment_offset_as_is_held_flow_untouched)
{
	as_is_untouched(frag_offset, GRO_R_IP_FRAG, "ipv4: a fragment (offset) is delivered as is");
}

Test(ipv4, bad_header_checksum_as_is_held_flow_untouched)
{
	as_is_untouched(bad_ip_csum, GRO_R_IP_CSUM, "ipv4: a bad header checksum is delivered as is");
}

Test(ipv4, padding_as_is_and_completes_held_flow)
{
	as_is_completes(padded, GRO_R_IP_LEN,
			"ipv4: tot_len shorter than the frame (padding): as is, and the held flow completes");
}

Test(ipv4, tot_len_longer_than_frame_as_is_and_completes)
{
	as_is_completes(long_tot_len, GRO_R_IP_LEN,
			"ipv4: tot_len longer than the frame: as is, and the held flow completes");
}

Test(ipv4, reserved_fragment_bit_as_is_and_completes)
{
	as_is_completes(reserved_bit, GRO_R_IP_LEN,
			"ipv4: the reserved fragment bit: as is, and the held flow completes");
}

Test(ipv4, padded_frame_with_nothing_held_as_is)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int a, b;

	h_seg_init(&f, 0, 10);
	f.pad = 6;		/* a short segment padded to the Ethernet minimum */
	a = h_add_seg(h, &f);
	b = h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "ipv4: padded frames are never merged or held");
	h_expect_as_is(h, 0, a, "ipv4: padded frame is delivered as is");
	h_expect_as_is(h, 1, b, "ipv4: padded frame is delivered as is");
	h_close(h);
}

Test(ipv4, ttl_change_completes_flow)
{
	change_completes(ttl_change, "ipv4: a TTL change completes the held flow and starts a new one");
}

Test(ipv4, tos_change_completes_flow)
{
	change_completes(tos_change, "ipv4: a TOS change completes the held flow and starts a new one");
}

Test(ipv4, ecn_change_completes_flow)
{
	change_completes(ecn_change, "ipv4: an ECN (CE) change completes the held flow");
}

Test(ipv4, df_change_completes_flow)
{
	change_completes(df_change, "ipv4: a DF change completes the held flow");
}

/* IDs given explicitly: @n segments of one stream. */
static struct h *with_ids(const uint16_t *ids, int n, int df)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, 1000);
	f.df = df;
	for (i = 0; i < n; i++) {
		f.ip_id = ids[i];
		h_add_seg(h, &f);
	}
	h_run(h);
	return h;
}

Test(ipv4, incrementing_id_merges)
{
	static const uint16_t ids[] = { 100, 101, 102, 103, 104, 105 };
	struct h *h = with_ids(ids, 6, 1);

	h_expect_npkt(h, 1, "ipv4: an ID that grows by 1 per segment merges");
	h_expect_merged(h, 0, 0, 6, "ipv4: an ID that grows by 1 per segment merges");
	cr_assert_eq(h_pkt(h, 0)->gso_type & GRO_GSO_TCP_FIXEDID, 0,
		     "ipv4: incrementing IDs must not be flagged FIXEDID");
	h_close(h);
}

Test(ipv4, incrementing_id_wraps)
{
	static const uint16_t ids[] = { 65534, 65535, 0, 1 };
	struct h *h = with_ids(ids, 4, 1);

	h_expect_merged(h, 0, 0, 4, "ipv4: an incrementing ID wraps from 65535 to 0 and keeps merging");
	h_close(h);
}

Test(ipv4, incrementing_id_without_df_merges)
{
	static const uint16_t ids[] = { 7, 8, 9 };
	struct h *h = with_ids(ids, 3, 0);

	h_expect_merged(h, 0, 0, 3, "ipv4: incrementing IDs merge with DF clear too");
	h_close(h);
}

Test(ipv4, fixed_id_with_df_merges_as_fixedid)
{
	static const uint16_t ids[] = { 77, 77, 77, 77 };
	struct h *h = with_ids(ids, 4, 1);

	h_expect_npkt(h, 1, "ipv4: a fixed ID with DF set merges");
	h_expect_merged(h, 0, 0, 4, "ipv4: a fixed ID with DF set merges");
	cr_assert_eq(h_pkt(h, 0)->gso_type, GRO_GSO_TCPV4 | GRO_GSO_TCP_FIXEDID,
		     "ipv4: a fixed-ID super-packet carries GRO_GSO_TCP_FIXEDID");
	h_close(h);
}

Test(ipv4, fixed_id_zero_with_df_merges)
{
	static const uint16_t ids[] = { 0, 0, 0 };
	struct h *h = with_ids(ids, 3, 1);

	h_expect_merged(h, 0, 0, 3, "ipv4: ID 0 on every segment with DF set merges (fixed ID)");
	cr_assert(h_pkt(h, 0)->gso_type & GRO_GSO_TCP_FIXEDID, "ipv4: ID 0 throughout is a fixed ID");
	h_close(h);
}

/*
 * Linux 6.18 merges fixed-ID segments whatever DF says: commit f095a358faf2
 * ("net: gro: remove unnecessary df checks", in v6.18) dropped the DF test
 * from inet_gro_flush (include/net/gro.h): the flow becomes fixed-ID when
 * the second segment repeats the first's ID.
 */
Test(ipv4, fixed_id_without_df_merges)
{
	static const uint16_t ids[] = { 42, 42, 42 };
	struct h *h = with_ids(ids, 3, 0);

	h_expect_npkt(h, 1, "ipv4: a fixed ID merges with DF clear (6.18)");
	h_expect_merged(h, 0, 0, 3, "ipv4: a fixed ID merges with DF clear (6.18)");
	cr_assert_eq(h_pkt(h, 0)->gso_type, GRO_GSO_TCPV4 | GRO_GSO_TCP_FIXEDID,
		     "ipv4: the fixed-ID flag is set without DF too (6.18)");
	h_close(h);
}

Test(ipv4, id_jump_completes_flow)
{
	static const uint16_t ids[] = { 5, 6, 9, 10 };
	struct h *h = with_ids(ids, 4, 1);

	h_expect_npkt(h, 2, "ipv4: an ID that jumps completes the held flow");
	h_expect_merged(h, 0, 0, 2, "ipv4: an ID that jumps completes the held flow");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "ipv4: an ID that jumps is a mismatch");
	h_expect_merged(h, 1, 2, 2, "ipv4: the segment after the jump starts a new flow");
	h_close(h);
}

Test(ipv4, id_going_back_completes_flow)
{
	static const uint16_t ids[] = { 5, 4 };
	struct h *h = with_ids(ids, 2, 1);

	h_expect_npkt(h, 2, "ipv4: a decreasing ID does not merge");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "ipv4: a decreasing ID completes the held flow");
	h_close(h);
}

Test(ipv4, incrementing_then_fixed_does_not_merge_past_switch)
{
	static const uint16_t ids[] = { 5, 6, 6 };
	struct h *h = with_ids(ids, 3, 1);

	h_expect_npkt(h, 2, "ipv4: incrementing then fixed ID does not merge past the switch");
	h_expect_merged(h, 0, 0, 2, "ipv4: incrementing then fixed ID does not merge past the switch");
	cr_assert_eq(h_pkt(h, 0)->gso_type & GRO_GSO_TCP_FIXEDID, 0,
		     "ipv4: the flow decided 'incrementing' on its second segment");
	h_expect_as_is(h, 1, 2, "ipv4: the repeated ID starts a new (single) flow");
	h_close(h);
}

Test(ipv4, fixed_then_incrementing_does_not_merge_past_switch)
{
	static const uint16_t ids[] = { 5, 5, 6 };
	struct h *h = with_ids(ids, 3, 1);

	h_expect_npkt(h, 2, "ipv4: fixed then incrementing ID does not merge past the switch");
	h_expect_merged(h, 0, 0, 2, "ipv4: fixed then incrementing ID does not merge past the switch");
	cr_assert(h_pkt(h, 0)->gso_type & GRO_GSO_TCP_FIXEDID,
		  "ipv4: the flow decided 'fixed' on its second segment");
	h_close(h);
}

Test(ipv4, fixed_id_decided_on_second_segment_only)
{
	static const uint16_t ids[] = { 5, 6, 7, 7 };
	struct h *h = with_ids(ids, 4, 1);

	h_expect_npkt(h, 2, "ipv4: a repeated ID after the 2nd segment is not a fixed-ID flow");
	h_expect_merged(h, 0, 0, 3, "ipv4: a repeated ID after the 2nd segment is not a fixed-ID flow");
	h_close(h);
}

static void to_udp(struct pb_frame *f)
{
	static const uint8_t udp[32] = { 0x13, 0x88, 0x0f, 0xa0, 0, 32 };

	f->ip_proto = 17;
	f->payload = udp;
	f->payload_len = sizeof(udp);
}

static void to_icmp(struct pb_frame *f)
{
	static const uint8_t echo[16] = { 8, 0, 0, 0, 0, 1, 0, 1 };

	f->ip_proto = 1;
	f->payload = echo;
	f->payload_len = sizeof(echo);
}

Test(ipv4, udp_as_is_held_tcp_flow_untouched)
{
	as_is_untouched(to_udp, GRO_R_NOT_TCP,
			"ipv4: UDP (same addresses) is delivered as is and leaves the TCP flow alone");
}

Test(ipv4, icmp_as_is_held_tcp_flow_untouched)
{
	as_is_untouched(to_icmp, GRO_R_NOT_TCP,
			"ipv4: ICMP is delivered as is and leaves the TCP flow alone");
}

static void other_saddr(struct pb_frame *f) { f->saddr[3] = 9; }
static void other_daddr(struct pb_frame *f) { f->daddr[2] = 1; }

static void expect_two_flows(void (*tweak)(struct pb_frame *), const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame a, b;

	h_seg_init(&a, 0, 1000);
	b = a;
	tweak(&b);
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

Test(ipv4, different_source_address_is_another_flow)
{
	expect_two_flows(other_saddr, "ipv4: a different source address makes a different flow");
}

Test(ipv4, different_destination_address_is_another_flow)
{
	expect_two_flows(other_daddr, "ipv4: a different destination address makes a different flow");
}

/* An IPv4-in-IPv4 frame whose inner packet is @inner's IP packet. */
static int add_ipip(struct h *h, struct pb_frame *outer, const struct pb_frame *inner)
{
	uint8_t in[2048];
	size_t n = pb_build(inner, in, sizeof(in));
	struct pb_frame o = *outer;

	cr_assert_neq(n, 0);
	o.ip_proto = 4;
	o.payload = in + 14;
	o.payload_len = (uint32_t)(n - 14);
	outer->ip_id++;
	return h_add(h, &o);
}

/*
 * Linux merges TCP carried in IPv4-in-IPv4: inet_gro_receive looks up
 * inet_offloads[IPPROTO_IPIP] = ipip_offload, whose ipip_gro_receive
 * (net/ipv4/af_inet.c) runs inet_gro_receive again on the inner header, so
 * two in-order inner segments become one packet (gso_type TCPV4 |
 * SKB_GSO_IPXIP4). The same holds for SIT (IPv6 in IPv4), ip6ip6/ip4ip6
 * (net/ipv6/ip6_offload.c) and GRE (net/ipv4/gre_offload.c). libgro only
 * knows TCP directly over IP (l4_table in src/proto/ipv4.c) and delivers
 * such frames as is. Disabled: encapsulation is not implemented.
 */
Test(ipv4, ipip_inner_tcp_merges_linux, .disabled = true)
{
	struct h *h = h_open(NULL);
	struct pb_frame outer, inner;

	pb_init(&outer, 0);
	outer.saddr[3] = 101;
	outer.daddr[3] = 102;
	h_seg_init(&inner, 0, 1000);
	add_ipip(h, &outer, &inner);
	inner.seq += 1000;
	inner.ip_id++;
	add_ipip(h, &outer, &inner);
	h_run(h);
	h_expect_npkt(h, 1, "ipv4 (Linux): IPIP-encapsulated TCP segments merge");
	h_expect_merged(h, 0, 0, 2, "ipv4 (Linux): IPIP-encapsulated TCP segments merge");
	h_close(h);
}

Test(ipv4, header_checksum_checked_even_with_csum_trust)
{
	struct gro_config cfg;
	struct h *h;
	struct pb_frame f;
	int s0, x;

	h_config(&cfg);
	cfg.csum = GRO_CSUM_TRUST;
	h = h_open(&cfg);
	h_seg_init(&f, 0, 1000);
	s0 = h_add_seg(h, &f);
	f.bad_ip_csum = 1;
	x = h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "ipv4: the IP header checksum is always verified (trust covers TCP only)");
	h_expect_as_is(h, 0, x, "ipv4: a bad header checksum is delivered as is");
	h_expect_as_is(h, 1, s0, "ipv4: the held flow stays open until the flush");
	h_close(h);
}
