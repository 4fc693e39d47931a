/* Merging in-order segments, and the bytes of a completed super-packet. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

/* Four in-order 1000-byte IPv4 segments, received in one call. */
static struct h *four_v4(struct pb_frame *first)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, 1000);
	*first = f;
	for (i = 0; i < 4; i++)
		h_add_seg(h, &f);
	h_run(h);
	return h;
}

Test(merge, consecutive_segments_merge_into_one)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);

	h_expect_npkt(h, 1, "merge: consecutive in-order segments of equal mss form one packet");
	h_expect_merged(h, 0, 0, 4, "merge: consecutive in-order segments of equal mss form one packet");
	h_expect_reason(h, 0, GRO_R_POLL_END, "merge: a flow still open at gro_flush completes as poll-end");
	h_close(h);
}

Test(merge, gso_size_is_first_payload_and_gso_segs_the_count)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);
	const struct h_pkt *p = h_pkt(h, 0);

	cr_assert_eq(p->gso_size, 1000, "merge: gso_size must be the first segment's payload");
	cr_assert_eq(p->gso_segs, 4, "merge: gso_segs must count the merged segments");
	h_close(h);
}

Test(merge, ipv4_gso_type_is_tcpv4)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);

	cr_assert_eq(h_pkt(h, 0)->gso_type, GRO_GSO_TCPV4,
		     "merge: an IPv4 super-packet with incrementing IDs has gso_type TCPV4 only");
	h_close(h);
}

Test(merge, output_is_head_headers_plus_all_payloads)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);
	const struct h_pkt *p = h_pkt(h, 0);
	uint32_t i;

	cr_assert_eq(p->len, 54 + 4000, "merge: length = head headers + every payload");
	cr_assert_eq(p->hdr_len, 54, "merge: hdr_len ends after the TCP header");
	cr_assert_eq(p->l3_off, 14, "merge: l3_off is the IP header offset");
	cr_assert_eq(p->l4_off, 34, "merge: l4_off is the TCP header offset");
	cr_assert(!memcmp(p->raw, h_frame(h, 0) + 0, 14), "merge: the MAC header is the head's");
	for (i = 0; i < 4000; i++)
		cr_assert_eq(p->raw[54 + i], pb_pattern(f0.seq + i),
			     "merge: payload byte %u must be stream byte seq+%u, in order", i, i);
	h_close(h);
}

Test(merge, ipv4_tot_len_rewritten)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);

	cr_assert_eq(h_rd16(h_pkt(h, 0)->raw + 14 + 2), 20 + 20 + 4000,
		     "merge: IPv4 tot_len must be rewritten to the merged length");
	h_close(h);
}

Test(merge, ipv4_header_checksum_valid_after_rewrite)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);

	cr_assert(h_ipv4_csum_ok(h_pkt(h, 0)->raw + 14),
		  "merge: the IPv4 header checksum must be updated for the new tot_len");
	h_close(h);
}

Test(merge, ipv4_header_checksum_equals_fresh_computation)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);
	uint8_t iph[20];

	/* The incremental update must land on the same bytes as summing the
	 * rewritten header from scratch. */
	memcpy(iph, h_pkt(h, 0)->raw + 14, 20);
	iph[10] = iph[11] = 0;
	cr_assert_eq(h_rd16(h_pkt(h, 0)->raw + 14 + 10), pb_csum_fold(pb_csum_add(0, iph, 20)),
		     "merge: incremental IPv4 checksum update must equal a fresh computation");
	h_close(h);
}

Test(merge, tcp_checksum_is_pseudo_header_seed)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);
	const struct h_pkt *p = h_pkt(h, 0);

	cr_assert_eq(h_rd16(p->raw + 34 + 16), h_pseudo_seed(p->raw + 14, 0, 20 + 4000),
		     "merge: TCP checksum field must hold the folded pseudo-header sum "
		     "over the merged TCP length (not complemented)");
	h_close(h);
}

Test(merge, checksum_offload_fields)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);
	const struct h_pkt *p = h_pkt(h, 0);

	cr_assert_eq(p->csum_partial, 1, "merge: a super-packet is checksum-partial");
	cr_assert_eq(p->csum_start, 34, "merge: csum_start is the TCP header offset");
	cr_assert_eq(p->csum_offset, 16, "merge: csum_offset is 16, the TCP checksum field");
	h_close(h);
}

Test(merge, linearize_with_csum_gives_valid_tcp_checksum)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);
	const struct h_pkt *p = h_pkt(h, 0);

	cr_assert(h_tcp_csum_ok(p->fixed, p->len, 14, 34, 0),
		  "linearize: GRO_LIN_CSUM must leave a fully valid TCP checksum");
	h_close(h);
}

Test(merge, completed_bytes_equal_one_big_segment)
{
	struct pb_frame f0, big;
	struct h *h = four_v4(&f0);

	/* The merged packet is what the sender would have sent as one segment. */
	big = f0;
	big.payload_len = 4000;
	h_expect_bytes(h, 0, &big, "merge: completed super-packet = the one large segment");
	h_close(h);
}

Test(merge, unmerged_packet_delivered_untouched)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, 700);
	i = h_add(h, &f);
	h_run(h);
	h_expect_npkt(h, 1, "untouched: a lone segment is delivered once");
	h_expect_as_is(h, 0, i, "untouched: a packet that merged with nothing is delivered byte for byte");
	h_close(h);
}

Test(merge, linearize_csum_leaves_unmerged_bytes_alone)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, 300);
	i = h_add(h, &f);
	h_run(h);
	cr_assert(!memcmp(h_pkt(h, 0)->fixed, h_frame(h, i), h_frame_len(h, i)),
		  "linearize: GRO_LIN_CSUM must not touch a packet that is not checksum-partial");
	h_close(h);
}

Test(merge, ipv6_segments_merge)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, f0, big;
	int i;

	h_seg_init(&f, 1, 1200);
	f0 = f;
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 1, "merge: IPv6 in-order segments form one packet");
	h_expect_merged(h, 0, 0, 3, "merge: IPv6 in-order segments form one packet");
	cr_assert_eq(h_pkt(h, 0)->gso_type, GRO_GSO_TCPV6, "merge: IPv6 super-packet has gso_type TCPV6");
	big = f0;
	big.payload_len = 3600;
	h_expect_bytes(h, 0, &big, "merge: completed IPv6 super-packet = the one large segment");
	h_close(h);
}

Test(merge, ipv6_payload_len_rewritten)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 1, 1200);
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_run(h);
	cr_assert_eq(h_rd16(h_pkt(h, 0)->raw + 14 + 4), 20 + 3600,
		     "merge: IPv6 payload_len must be rewritten to the merged length");
	h_close(h);
}

Test(merge, ipv6_tcp_checksum_seed_and_offload_fields)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	const struct h_pkt *p;
	int i;

	h_seg_init(&f, 1, 1200);
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_run(h);
	p = h_pkt(h, 0);
	cr_assert_eq(h_rd16(p->raw + 54 + 16), h_pseudo_seed(p->raw + 14, 1, 20 + 3600),
		     "merge: IPv6 TCP checksum field must hold the pseudo-header seed");
	cr_assert_eq(p->csum_start, 54, "merge: IPv6 csum_start is the TCP header offset");
	cr_assert_eq(p->csum_offset, 16, "merge: csum_offset is 16");
	cr_assert(h_tcp_csum_ok(p->fixed, p->len, 14, 54, 1),
		  "linearize: GRO_LIN_CSUM must give a valid IPv6 TCP checksum");
	h_close(h);
}

Test(merge, segments_delivered_as_zero_copy_spans)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);
	const struct h_pkt *p = h_pkt(h, 0);

	/* segs[0] is the whole head frame, then one payload span per frame. */
	cr_assert_eq(p->nsegs, 4, "spans: one span per merged frame");
	cr_assert(p->segs_ok, "spans: data is segs[0].data and len is the sum of the spans");
	h_close(h);
}

Test(merge, timestamps_merge_when_equal)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, f0, big;
	int i;

	h_seg_init(&f, 0, 1448);
	pb_tcp_opt_timestamp(&f, 1000, 2000);
	f0 = f;
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_merged(h, 0, 0, 3, "merge: segments with identical options merge");
	big = f0;
	big.payload_len = 3 * 1448;
	h_expect_bytes(h, 0, &big, "merge: options of the head are kept in the super-packet");
	h_close(h);
}

Test(merge, only_head_frame_is_written)
{
	struct pb_frame f0;
	struct h *h = four_v4(&f0);
	const uint8_t *head = h->fr[0].data, *orig = h_frame(h, 0);
	uint32_t i;
	int k;

	/* Frames after the head are never written to. */
	for (k = 1; k < 4; k++)
		cr_assert(!memcmp(h->fr[k].data, h_frame(h, k), h_frame_len(h, k)),
			  "ownership: frame %d (not a head) must not be modified", k);
	/* The head changes only in tot_len, the IP checksum and the TCP
	 * checksum field. */
	for (i = 0; i < h_frame_len(h, 0); i++) {
		int allowed = (i >= 16 && i < 18) || (i >= 24 && i < 26) || (i >= 50 && i < 52);

		if (!allowed)
			cr_assert_eq(head[i], orig[i], "ownership: head byte %u must not change", i);
	}
	h_close(h);
}
