/* Size limits: max_size counts bytes after the 14-byte Ethernet header
 * (VLAN tags included); a segment that would go past it completes the flow
 * and starts a new one. max_segs likewise. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

/*
 * 45 full segments of 1448 bytes, then a tail of @tail bytes, over IPv4 or
 * IPv6 with @nvlan tags. Over plain IPv4, 45 segments count
 * 40 + 45 * 1448 = 65200 bytes, so a 335-byte tail makes exactly 65535 and
 * a 336-byte one 65536; IPv6 and tags move the boundary by their size.
 */
static struct h *fill(int ipv6, int nvlan, uint32_t tail)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, ipv6, 1448);
	for (i = 0; i < nvlan; i++) {
		f.vlan_tpid[i] = 0x8100;
		f.vlan_tci[i] = (uint16_t)(10 + i);
	}
	f.nvlan = nvlan;
	for (i = 0; i < 45; i++)
		h_add_seg(h, &f);
	f.payload_len = tail;
	h_add_seg(h, &f);
	h_receive(h);
	return h;
}

Test(size, ipv4_exactly_65535_merges)
{
	struct h *h = fill(0, 0, 335);

	h_expect_npkt(h, 1, "size: a merged total of exactly 65535 bytes after Ethernet merges");
	h_expect_merged(h, 0, 0, 46, "size: a merged total of exactly 65535 bytes after Ethernet merges");
	cr_assert_eq(h_pkt(h, 0)->len - 14, 65535, "size: the super-packet is 65535 bytes after Ethernet");
	cr_assert_eq(h_rd16(h_pkt(h, 0)->raw + 14 + 2), 65535, "size: tot_len reaches 65535");
	h_expect_reason(h, 0, GRO_R_SHORT, "size: the short tail completed it");
	h_close(h);
}

Test(size, ipv4_65536_does_not_merge)
{
	struct h *h = fill(0, 0, 336);

	h_expect_npkt(h, 1, "size: a segment that would make 65536 completes the held flow");
	h_expect_merged(h, 0, 0, 45, "size: a segment that would make 65536 completes the held flow");
	h_expect_reason(h, 0, GRO_R_SIZE, "size: completed because of the size limit");
	cr_assert_eq(gro_held(h->gro), 1, "size: the segment that did not fit starts a new flow");
	h_flush(h);
	h_expect_as_is(h, 1, 45, "size: the segment that did not fit is held and delivered alone");
	h_close(h);
}

/* A segment that does not fit but carries a push: the flow completes for
 * its size, and the segment, which cannot start a flow, goes up alone. */
Test(size, a_push_that_does_not_fit_goes_up_alone)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, 1448);
	for (i = 0; i < 45; i++)
		h_add_seg(h, &f);
	f.payload_len = 336;
	f.flags |= PB_PSH;
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 2, "size: the flow, then the push that did not fit");
	h_expect_merged(h, 0, 0, 45, "size: a push that does not fit completes the flow");
	h_expect_reason(h, 0, GRO_R_SIZE, "size: completed because of the size limit");
	h_expect_as_is(h, 1, 45, "size: the push goes up alone");
	h_expect_reason(h, 1, GRO_R_FLAGS, "size: the push cannot start a flow");
	cr_assert_eq(gro_held(h->gro), 0, "size: nothing is held after the push");
	h_check_stats(h);
	h_close(h);
}

/* With checksums verified, a segment that does not fit and fails its TCP
 * checksum is not looked up at all (tcp4_gro_receive validates first): it
 * goes up alone and the flow stays held, unchanged. */
Test(size, a_bad_checksum_that_does_not_fit_leaves_the_flow_held)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, 1448);
	for (i = 0; i < 45; i++)
		h_add_seg(h, &f);
	f.payload_len = 336;
	f.bad_tcp_csum = 1;
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "size: only the bad segment goes up");
	h_expect_as_is(h, 0, 45, "size: the bad segment goes up alone");
	h_expect_reason(h, 0, GRO_R_L4_CSUM, "size: for its checksum, not the size");
	cr_assert_eq(gro_held(h->gro), 1, "size: the flow stays held");
	h_flush(h);
	h_expect_merged(h, 1, 0, 45, "size: the flow is whole at the flush");
	h_check_stats(h);
	h_close(h);
}

/* The segment that does not fit found through the table (another flow's
 * segment came between) rather than as the next of a run: the same. */
Test(size, a_segment_that_does_not_fit_after_another_flow)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, g;
	int i;

	h_seg_init(&f, 0, 1448);
	g = f;
	g.sport = (uint16_t)(f.sport + 1);
	for (i = 0; i < 45; i++)
		h_add_seg(h, &f);
	h_add_seg(h, &g);
	f.payload_len = 336;
	h_add_seg(h, &f);
	h_receive(h);
	h_expect_npkt(h, 1, "size: the full flow completes");
	h_expect_merged(h, 0, 0, 45, "size: the full flow completes");
	h_expect_reason(h, 0, GRO_R_SIZE, "size: completed because of the size limit");
	cr_assert_eq(gro_held(h->gro), 2, "size: the other flow and the new one are held");
	h_flush(h);
	h_expect_npkt(h, 3, "size: both held flows go up at the flush");
	h_check_stats(h);
	h_close(h);
}

Test(size, ipv6_boundary)
{
	/* 60 + 45 * 1448 = 65220: 315 fits, 316 does not. */
	struct h *h = fill(1, 0, 315);
	struct h *g;

	h_expect_merged(h, 0, 0, 46, "size: IPv6 total of exactly 65535 merges");
	cr_assert_eq(h_rd16(h_pkt(h, 0)->raw + 14 + 4), 65535 - 40, "size: payload_len reaches 65495");
	h_close(h);
	g = fill(1, 0, 316);
	h_expect_merged(g, 0, 0, 45, "size: IPv6 total of 65536 does not merge");
	h_expect_reason(g, 0, GRO_R_SIZE, "size: IPv6 size limit");
	h_close(g);
}

Test(size, vlan_tag_counts_toward_limit)
{
	/* One tag adds 4 bytes: 44 + 45 * 1448 = 65204, so 331 fits, 332 not. */
	struct h *h = fill(0, 1, 331);
	struct h *g;

	h_expect_merged(h, 0, 0, 46, "size: with a VLAN tag, 65535 bytes (tag included) merge");
	h_close(h);
	g = fill(0, 1, 332);
	h_expect_merged(g, 0, 0, 45, "size: the VLAN tag counts toward max_size");
	h_expect_reason(g, 0, GRO_R_SIZE, "size: the VLAN tag counts toward max_size");
	h_close(g);
}

Test(size, smaller_max_size)
{
	struct gro_config cfg;
	struct h *h;
	struct pb_frame f;
	int i;

	/* 40 + 2 * 1000 = 2040 fits in 2040; a third segment does not. */
	h_config(&cfg);
	cfg.max_size = 2040;
	h = h_open(&cfg);
	h_seg_init(&f, 0, 1000);
	for (i = 0; i < 5; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 3, "size: max_size bounds every super-packet");
	h_expect_merged(h, 0, 0, 2, "size: max_size bounds every super-packet");
	h_expect_reason(h, 0, GRO_R_SIZE, "size: completed by max_size");
	h_expect_merged(h, 1, 2, 2, "size: the next flow starts with the segment that did not fit");
	h_expect_as_is(h, 2, 4, "size: the last segment is alone");
	h_close(h);
}

Test(size, max_segs_limit)
{
	struct gro_config cfg;
	struct h *h;
	struct pb_frame f;
	int i;

	h_config(&cfg);
	cfg.max_segs = 3;
	h = h_open(&cfg);
	h_seg_init(&f, 0, 500);
	for (i = 0; i < 7; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 3, "size: max_segs bounds the segments per super-packet");
	h_expect_merged(h, 0, 0, 3, "size: max_segs bounds the segments per super-packet");
	h_expect_reason(h, 0, GRO_R_SIZE, "size: completed by max_segs");
	h_expect_merged(h, 1, 3, 3, "size: a new flow starts after max_segs");
	h_expect_as_is(h, 2, 6, "size: the remainder is delivered alone");
	h_close(h);
}

Test(size, oversized_first_segment_is_held_but_never_joined)
{
	struct gro_config cfg;
	struct h *h;
	struct pb_frame f;

	/* A head larger than max_size is still held (nothing checks it);
	 * nothing can join it. */
	h_config(&cfg);
	cfg.max_size = 1000;
	h = h_open(&cfg);
	h_seg_init(&f, 0, 1200);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_receive(h);
	cr_assert_eq(gro_held(h->gro), 1, "size: the second segment completed the oversized head");
	h_expect_as_is(h, 0, 0, "size: an oversized head goes up alone");
	h_expect_reason(h, 0, GRO_R_SIZE, "size: an oversized head is completed by the size check");
	h_flush(h);
	h_close(h);
}

/*
 * Linux can merge beyond 64 KiB (BIG TCP: tot_len 0, or an IPv6 jumbo
 * Hop-by-Hop header). libgro does not write those headers yet, so it must
 * refuse a max_size that would need them rather than write a wrong length.
 */
Test(size, max_size_beyond_limit_rejected)
{
	struct gro_config cfg;
	struct gro_ctx *ctx = NULL;

	/* (h_config sets no deliver hook: a pull-only context, which
	 * checks max_size all the same.) */
	h_config(&cfg);
	cfg.max_size = GRO_MAX_SIZE + 1;
	cr_assert_eq(gro_create(&cfg, &ctx), GRO_EINVAL,
		     "size: max_size above GRO_MAX_SIZE must be refused, not truncated");
	cr_assert_null(ctx);
	cfg.max_size = 65535;
	h_close(h_open(&cfg));	/* Linux's default is accepted */
}
