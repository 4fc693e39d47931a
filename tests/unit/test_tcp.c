/* TCP: ports as flow key, fields that must match the first segment,
 * sequence and length rules, flags that end a run, checksum verification. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

#define MSS 1000

/* Segments 0 and 1, then @tweak, then segments 2 and 3: the change must
 * complete [0,1] when 2 arrives; 2 and 3 form the next flow. */
static void change_completes(void (*tweak)(struct pb_frame *), const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;

	h_seg_init(&f, 0, MSS);
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

/* Segments 0 and 1, then an in-sequence segment with @flag set: it is
 * not merged; the held flow completes before it and it goes up as is. */
static void flag_completes_without_merging(uint8_t flag, const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int x;

	h_seg_init(&f, 0, MSS);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.flags |= flag;
	if (flag & PB_URG)
		f.urg_ptr = 10;
	x = h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 2, rule);
	h_expect_merged(h, 0, 0, 2, rule);
	h_expect_reason(h, 0, GRO_R_MISMATCH, rule);
	h_expect_as_is(h, 1, x, rule);
	h_expect_reason(h, 1, GRO_R_FLAGS, rule);
	h_flush(h);
	h_expect_npkt(h, 2, rule);
	h_close(h);
}

static void expect_two_flows(void (*tweak)(struct pb_frame *), const char *rule)
{
	struct h *h = h_open(NULL);
	struct pb_frame a, b;

	h_seg_init(&a, 0, MSS);
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

static void other_sport(struct pb_frame *f) { f->sport = 4001; }
static void other_dport(struct pb_frame *f) { f->dport = 5001; }

Test(tcp, different_source_port_is_another_flow)
{
	expect_two_flows(other_sport, "tcp: a different source port makes a different flow");
}

Test(tcp, different_destination_port_is_another_flow)
{
	expect_two_flows(other_dport, "tcp: a different destination port makes a different flow");
}

static void ack_change(struct pb_frame *f) { f->ack += 1000; }
static void window_change(struct pb_frame *f) { f->window = 2048; }
static void ts_change(struct pb_frame *f) { pb_tcp_opt_timestamp(f, 1001, 2000); }
static void doff_change(struct pb_frame *f)
{
	f->tcp_opts[0] = 1;	/* NOP + EOL: one more option word */
	f->tcp_opts_len = 4;
}
static void ece_on(struct pb_frame *f) { f->flags |= PB_ECE; }

Test(tcp, ack_change_completes_flow)
{
	change_completes(ack_change, "tcp: a different ACK number completes the held flow");
}

Test(tcp, window_change_completes_flow)
{
	change_completes(window_change, "tcp: a different window completes the held flow");
}

Test(tcp, option_change_completes_flow)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;

	/* Only the timestamp value differs between segment 1 and 2. */
	h_seg_init(&f, 0, MSS);
	pb_tcp_opt_timestamp(&f, 1000, 2000);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	ts_change(&f);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "tcp: any option byte change (timestamp value) completes the held flow");
	h_expect_merged(h, 0, 0, 2, "tcp: any option byte change (timestamp value) completes the held flow");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "tcp: an option change is a mismatch");
	h_expect_merged(h, 1, 2, 2, "tcp: the segment with new options starts a new flow");
	h_close(h);
}

Test(tcp, data_offset_change_completes_flow)
{
	change_completes(doff_change, "tcp: a data offset change completes the held flow");
}

Test(tcp, ece_change_completes_flow)
{
	change_completes(ece_on, "tcp: ECE appearing mid-flow completes the held flow");
}

Test(tcp, constant_ece_merges)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, MSS);
	f.flags |= PB_ECE;
	for (i = 0; i < 4; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 1, "tcp: ECE on every segment merges");
	h_expect_merged(h, 0, 0, 4, "tcp: ECE on every segment merges");
	cr_assert_eq(h_pkt(h, 0)->gso_type & GRO_GSO_TCP_ECN, 0, "tcp: ECE alone does not set GRO_GSO_TCP_ECN");
	h_close(h);
}

Test(tcp, longer_segment_completes_and_starts_new_flow)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int big;

	h_seg_init(&f, 0, MSS);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.payload_len = MSS + 200;
	big = h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "tcp: a segment longer than the mss completes the held flow");
	h_expect_merged(h, 0, 0, 2, "tcp: a segment longer than the mss completes the held flow");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "tcp: longer than the mss is a mismatch");
	cr_assert_eq(gro_held(h->gro), 1, "tcp: the longer segment is held as a new flow");
	h_flush(h);
	h_expect_as_is(h, 1, big, "tcp: the longer segment is held as a new flow");
	h_close(h);
}

Test(tcp, shorter_segment_merges_and_completes)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, f0, big;
	int next;

	h_seg_init(&f, 0, MSS);
	f0 = f;
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.payload_len = 400;
	h_add_seg(h, &f);
	f.payload_len = MSS;
	next = h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "tcp: a shorter segment merges and completes the flow at once");
	h_expect_merged(h, 0, 0, 3, "tcp: a shorter segment merges and completes the flow at once");
	h_expect_reason(h, 0, GRO_R_SHORT, "tcp: completed by a short segment");
	big = f0;
	big.payload_len = 2 * MSS + 400;
	h_expect_bytes(h, 0, &big, "tcp: short tail is part of the super-packet");
	h_flush(h);
	h_expect_as_is(h, 1, next, "tcp: the segment after a short one starts a new flow");
	h_close(h);
}

Test(tcp, one_byte_tail_merges_and_completes)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, 1448);
	for (i = 0; i < 5; i++)
		h_add_seg(h, &f);
	f.payload_len = 1;
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "tcp: a 1-byte tail merges and completes the flow");
	h_expect_merged(h, 0, 0, 6, "tcp: a 1-byte tail merges and completes the flow");
	h_expect_reason(h, 0, GRO_R_SHORT, "tcp: a 1-byte tail is a short segment");
	cr_assert_eq(h_pkt(h, 0)->gso_size, 1448, "tcp: gso_size stays the mss, not the tail");
	h_close(h);
}

Test(tcp, sequence_gap_completes_and_new_one_held)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int gap;

	h_seg_init(&f, 0, MSS);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.seq += MSS;		/* one segment lost */
	gap = h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "tcp: a sequence gap completes the held flow");
	h_expect_merged(h, 0, 0, 2, "tcp: a sequence gap completes the held flow");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "tcp: a sequence gap is a mismatch");
	h_flush(h);
	h_expect_as_is(h, 1, gap, "tcp: the segment after the gap is held as a new flow");
	h_close(h);
}

Test(tcp, retransmission_completes_and_new_one_held)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int rtx;

	h_seg_init(&f, 0, MSS);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.seq -= MSS;		/* the last segment again */
	rtx = h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "tcp: a retransmission completes the held flow");
	h_expect_merged(h, 0, 0, 2, "tcp: a retransmission completes the held flow");
	h_flush(h);
	h_expect_as_is(h, 1, rtx, "tcp: the retransmitted segment is held as a new flow");
	h_close(h);
}

Test(tcp, psh_merges_then_completes)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, f0, big;

	h_seg_init(&f, 0, MSS);
	f0 = f;
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.flags |= PB_PSH;
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "tcp: a PSH segment merges and completes the flow");
	h_expect_merged(h, 0, 0, 3, "tcp: a PSH segment merges and completes the flow");
	h_expect_reason(h, 0, GRO_R_PUSH, "tcp: completed by PSH");
	cr_assert(h_pkt(h, 0)->raw[34 + 13] & PB_PSH, "tcp: PSH must be set in the merged head");
	big = f0;
	big.flags |= PB_PSH;
	big.payload_len = 3 * MSS;
	h_expect_bytes(h, 0, &big, "tcp: a PSH super-packet equals one big PSH segment");
	h_close(h);
}

Test(tcp, fin_merges_then_completes)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;

	h_seg_init(&f, 0, MSS);
	h_add_seg(h, &f);
	f.flags |= PB_FIN;
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "tcp: a FIN segment merges and completes the flow");
	h_expect_merged(h, 0, 0, 2, "tcp: a FIN segment merges and completes the flow");
	h_expect_reason(h, 0, GRO_R_PUSH, "tcp: completed by FIN");
	cr_assert(h_pkt(h, 0)->raw[34 + 13] & PB_FIN, "tcp: FIN must be set in the merged head");
	h_close(h);
}

Test(tcp, psh_on_lone_segment_as_is)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int x;

	h_seg_init(&f, 0, MSS);
	f.flags |= PB_PSH;
	x = h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "tcp: PSH with nothing to join goes up at once");
	h_expect_as_is(h, 0, x, "tcp: PSH with nothing to join is delivered as is");
	h_expect_reason(h, 0, GRO_R_FLAGS, "tcp: PSH with nothing to join is tcp-flags");
	cr_assert_eq(gro_held(h->gro), 0, "tcp: a PSH segment is never held");
	h_close(h);
}

Test(tcp, syn_completes_without_merging)
{
	flag_completes_without_merging(PB_SYN, "tcp: SYN differs in the flag word: held flow completes, SYN goes up as is");
}

Test(tcp, rst_completes_without_merging)
{
	flag_completes_without_merging(PB_RST, "tcp: RST differs in the flag word: held flow completes, RST goes up as is");
}

Test(tcp, urg_completes_without_merging)
{
	flag_completes_without_merging(PB_URG, "tcp: URG differs in the flag word: held flow completes, URG goes up as is");
}

/*
 * CWR in 6.18: a segment with CWR never joins a flow (tcp_gro_receive sets
 * flush from flags & TCP_FLAG_CWR), and since commit 4e4f7cefb130 ("gro:
 * prevent ACE field corruption & better AccECN handling", v6.15) CWR is
 * also compared in the flag word, so nothing joins a CWR segment either:
 * every CWR segment goes up on its own.
 */
Test(tcp, cwr_on_new_segment_completes_flow_and_stays_alone)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int cwr;

	h_seg_init(&f, 0, MSS);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.flags |= PB_CWR;
	cwr = h_add_seg(h, &f);
	f.flags &= (uint8_t)~PB_CWR;
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 2, "tcp: CWR on a new segment completes the held flow; nothing joins the CWR segment");
	h_expect_merged(h, 0, 0, 2, "tcp: CWR on a new segment is not merged; the held flow completes");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "tcp: CWR on a new segment is a mismatch");
	h_expect_as_is(h, 1, cwr, "tcp: the CWR segment is held alone, completed by the next segment");
	h_expect_reason(h, 1, GRO_R_MISMATCH, "tcp: the segment after CWR differs in the flag word");
	h_flush(h);
	h_expect_merged(h, 2, cwr + 1, 2, "tcp: segments after the CWR one form a new flow");
	h_close(h);
}

Test(tcp, cwr_on_first_segment_is_not_joined)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;

	h_seg_init(&f, 0, MSS);
	f.flags |= PB_CWR;
	h_add_seg(h, &f);
	f.flags &= (uint8_t)~PB_CWR;
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "tcp: a flow headed by a CWR segment takes no other segment (CWR is in the flag word)");
	h_expect_as_is(h, 0, 0, "tcp: the CWR head goes up alone");
	h_expect_merged(h, 1, 1, 2, "tcp: the following segments merge among themselves");
	cr_assert_eq(h_pkt(h, 1)->gso_type & GRO_GSO_TCP_ECN, 0, "tcp: without CWR in the head, no ECN flag");
	h_close(h);
}

Test(tcp, consecutive_cwr_segments_never_merge)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;

	h_seg_init(&f, 0, MSS);
	f.flags |= PB_CWR;
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "tcp: a CWR segment never joins a flow, even one headed by CWR");
	h_expect_as_is(h, 0, 0, "tcp: each CWR segment goes up alone");
	h_expect_as_is(h, 1, 1, "tcp: each CWR segment goes up alone");
	h_close(h);
}

Test(tcp, pure_ack_as_is_and_completes_held_flow)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int ack;

	h_seg_init(&f, 0, MSS);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.payload_len = 0;
	ack = h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 2, "tcp: a zero-length segment completes the held flow and goes up as is");
	h_expect_merged(h, 0, 0, 2, "tcp: a zero-length segment completes the held flow");
	h_expect_as_is(h, 1, ack, "tcp: a zero-length segment is delivered as is, after the flow");
	h_expect_reason(h, 1, GRO_R_NO_PAYLOAD, "tcp: a zero-length segment is no-payload");
	h_close(h);
}

Test(tcp, pure_ack_with_nothing_held_as_is)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int ack;

	h_seg_init(&f, 0, 0);
	ack = h_add(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "tcp: a lone pure ACK goes up at once");
	h_expect_as_is(h, 0, ack, "tcp: a lone pure ACK is delivered as is");
	h_expect_reason(h, 0, GRO_R_NO_PAYLOAD, "tcp: a lone pure ACK is no-payload");
	cr_assert_eq(gro_held(h->gro), 0, "tcp: a pure ACK is never held");
	h_close(h);
}

Test(tcp, bad_checksum_as_is_and_flow_continues)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int s0, bad;

	h_seg_init(&f, 0, MSS);
	s0 = h_add_seg(h, &f);
	f.bad_tcp_csum = 1;
	bad = h_add(h, &f);
	f.bad_tcp_csum = 0;
	h_add_seg(h, &f);	/* the good copy of the same segment */
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "tcp: a bad TCP checksum is delivered as is without completing the flow");
	h_expect_as_is(h, 0, bad, "tcp: a bad TCP checksum is delivered as is");
	h_expect_reason(h, 0, GRO_R_L4_CSUM, "tcp: a bad TCP checksum is tcp-checksum");
	h_flush(h);
	{
		const int fr[] = { s0, bad + 1, bad + 2 };

		h_expect_frames(h, 1, fr, 3, "tcp: the held flow keeps merging after a bad checksum");
	}
	h_close(h);
}

Test(tcp, csum_trust_does_not_verify)
{
	struct gro_config cfg;
	struct h *h;
	struct pb_frame f;

	h_config(&cfg);
	cfg.csum = GRO_CSUM_TRUST;
	h = h_open(&cfg);
	h_seg_init(&f, 0, MSS);
	h_add_seg(h, &f);
	f.bad_tcp_csum = 1;
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 1, "tcp: with GRO_CSUM_TRUST a bad TCP checksum is not noticed");
	h_expect_merged(h, 0, 0, 3, "tcp: with GRO_CSUM_TRUST a bad TCP checksum is not noticed");
	h_close(h);
}

Test(tcp, frame_csum_ok_flag_skips_verification)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int bad;

	h_seg_init(&f, 0, MSS);
	h_add_seg(h, &f);
	f.bad_tcp_csum = 1;
	bad = h_add_seg(h, &f);
	h_set_flags(h, bad, GRO_FRAME_CSUM_OK);
	h_run(h);
	h_expect_npkt(h, 1, "tcp: a frame marked GRO_FRAME_CSUM_OK is not verified");
	h_expect_merged(h, 0, 0, 2, "tcp: a frame marked GRO_FRAME_CSUM_OK is not verified");
	h_close(h);
}

Test(tcp, bad_checksum_on_first_segment_not_held)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int bad, s1;

	h_seg_init(&f, 0, MSS);
	f.bad_tcp_csum = 1;
	bad = h_add(h, &f);
	f.bad_tcp_csum = 0;
	s1 = h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "tcp: a segment with a bad checksum never starts a flow");
	h_expect_as_is(h, 0, bad, "tcp: a segment with a bad checksum is delivered as is");
	h_expect_merged(h, 1, s1, 2, "tcp: its good copy starts the flow instead");
	h_close(h);
}

Test(tcp, data_offset_below_five_as_is)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	uint8_t buf[128];
	size_t n;
	int x;

	h_seg_init(&f, 0, 20);
	n = pb_build(&f, buf, sizeof(buf));
	buf[34 + 12] = 4 << 4;	/* 16-byte TCP header: invalid */
	x = h_add_bytes(h, buf, n);
	h_set_flags(h, x, GRO_FRAME_CSUM_OK);
	h_run(h);
	h_expect_as_is(h, 0, x, "tcp: a data offset below 5 is delivered as is");
	h_expect_reason(h, 0, GRO_R_MALFORMED, "tcp: a data offset below 5 is malformed");
	h_close(h);
}

Test(tcp, ipv6_segments_follow_same_tcp_rules)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;

	h_seg_init(&f, 1, MSS);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.ack += 1;
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "tcp: over IPv6 an ACK change completes the held flow too");
	h_expect_merged(h, 0, 0, 2, "tcp: over IPv6 an ACK change completes the held flow too");
	h_close(h);
}
