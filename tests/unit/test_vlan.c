/* 802.1Q / 802.1ad tags: every tag (TCI and inner type) is part of the flow
 * key; a tag whose inner type nobody handles is delivered as is. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static void tag(struct pb_frame *f, uint16_t tpid, uint16_t tci)
{
	f->vlan_tpid[f->nvlan] = tpid;
	f->vlan_tci[f->nvlan] = tci;
	f->nvlan++;
}

/* Streams a and b interleaved, two segments each: must stay two flows. */
static void expect_two_flows(struct pb_frame a, struct pb_frame b, const char *rule)
{
	struct h *h = h_open(NULL);
	int a0 = h_add_seg(h, &a), b0 = h_add_seg(h, &b);
	const int fa[] = { a0, a0 + 2 }, fb[] = { b0, b0 + 2 };

	h_add_seg(h, &a);
	h_add_seg(h, &b);
	h_run(h);
	h_expect_npkt(h, 2, rule);
	h_expect_frames(h, 0, fa, 2, rule);
	h_expect_frames(h, 1, fb, 2, rule);
	h_close(h);
}

Test(vlan, same_8021q_tag_merges)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, f0, big;
	int i;

	h_seg_init(&f, 0, 1000);
	tag(&f, 0x8100, 0x2064);
	f0 = f;
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 1, "vlan: segments with the same 802.1Q tag merge");
	h_expect_merged(h, 0, 0, 3, "vlan: segments with the same 802.1Q tag merge");
	cr_assert_eq(h_pkt(h, 0)->l3_off, 18, "vlan: IP header follows the tag");
	big = f0;
	big.payload_len = 3000;
	h_expect_bytes(h, 0, &big, "vlan: the super-packet keeps the tag and is otherwise complete");
	h_close(h);
}

Test(vlan, different_vid_is_another_flow)
{
	struct pb_frame a, b;

	h_seg_init(&a, 0, 1000);
	b = a;
	tag(&a, 0x8100, 100);
	tag(&b, 0x8100, 101);
	expect_two_flows(a, b, "vlan: a different VLAN ID makes a different flow");
}

Test(vlan, different_priority_is_another_flow)
{
	struct pb_frame a, b;

	h_seg_init(&a, 0, 1000);
	b = a;
	tag(&a, 0x8100, 0x0000 | 100);
	tag(&b, 0x8100, 0xa000 | 100);
	expect_two_flows(a, b, "vlan: a different TCI (priority bits) makes a different flow");
}

Test(vlan, tagged_and_untagged_are_different_flows)
{
	struct pb_frame a, b;

	h_seg_init(&a, 0, 1000);
	b = a;
	tag(&b, 0x8100, 7);
	expect_two_flows(a, b, "vlan: a tagged and an untagged stream are different flows");
}

Test(vlan, ctag_and_stag_are_different_flows)
{
	struct pb_frame a, b;

	h_seg_init(&a, 0, 1000);
	b = a;
	tag(&a, 0x8100, 7);
	tag(&b, 0x88a8, 7);
	expect_two_flows(a, b, "vlan: 802.1Q and 802.1ad tags with the same TCI are different flows");
}

Test(vlan, stacked_8021ad_8021q_merge)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, f0, big;
	int i;

	h_seg_init(&f, 1, 1000);
	tag(&f, 0x88a8, 300);
	tag(&f, 0x8100, 12);
	f0 = f;
	for (i = 0; i < 3; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_merged(h, 0, 0, 3, "vlan: QinQ (802.1ad + 802.1Q) segments with equal tags merge");
	cr_assert_eq(h_pkt(h, 0)->l3_off, 22, "vlan: IP header follows both tags");
	big = f0;
	big.payload_len = 3000;
	h_expect_bytes(h, 0, &big, "vlan: a QinQ super-packet is complete");
	h_close(h);
}

Test(vlan, stacked_different_inner_tag_is_another_flow)
{
	struct pb_frame a, b;

	h_seg_init(&a, 0, 1000);
	tag(&a, 0x88a8, 300);
	b = a;
	tag(&a, 0x8100, 12);
	tag(&b, 0x8100, 13);
	expect_two_flows(a, b, "vlan: QinQ with a different inner TCI is a different flow");
}

Test(vlan, stacked_different_outer_tag_is_another_flow)
{
	struct pb_frame a, b;

	h_seg_init(&a, 0, 1000);
	b = a;
	tag(&a, 0x88a8, 300);
	tag(&b, 0x88a8, 301);
	tag(&a, 0x8100, 12);
	tag(&b, 0x8100, 12);
	expect_two_flows(a, b, "vlan: QinQ with a different outer TCI is a different flow");
}

Test(vlan, unknown_inner_type_as_is_held_flow_untouched)
{
	static const uint8_t body[42] = { 9, 9, 9 };
	struct h *h = h_open(NULL);
	struct pb_frame f, other;
	int s0, x;

	h_seg_init(&f, 0, 1000);
	tag(&f, 0x8100, 5);
	pb_init(&other, 0);
	tag(&other, 0x8100, 5);
	other.ethertype = 0x88cc;	/* LLDP */
	other.payload = body;
	other.payload_len = sizeof(body);
	s0 = h_add_seg(h, &f);
	x = h_add(h, &other);
	h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "vlan: a tag with an unknown inner type is delivered as is");
	h_expect_as_is(h, 0, x, "vlan: a tag with an unknown inner type is delivered as is");
	h_expect_reason(h, 0, GRO_R_NOT_TCP, "vlan: unknown inner type is not-tcp");
	{
		const int fr[] = { s0, x + 1 };

		h_expect_frames(h, 1, fr, 2, "vlan: it must not complete the held flow of the same tag");
	}
	h_close(h);
}

/* An IPv4/TCP frame with @ntags 802.1Q tags inserted after the MACs. */
static int add_deep(struct h *h, const struct pb_frame *f, int ntags)
{
	uint8_t base[2048], *buf;
	size_t len = pb_build(f, base, sizeof(base)), n = len + 4 * (size_t)ntags;
	int k, i;

	cr_assert_neq(len, 0, "harness: frame did not build");
	buf = malloc(n);
	cr_assert_not_null(buf);
	memcpy(buf, base, 12);
	for (k = 0; k < ntags; k++) {
		buf[12 + 4 * k] = 0x81;
		buf[13 + 4 * k] = 0x00;
		buf[14 + 4 * k] = 0;
		buf[15 + 4 * k] = (uint8_t)(k + 1);
	}
	memcpy(buf + 12 + 4 * ntags, base + 12, len - 12);
	i = h_add_bytes(h, buf, n);
	free(buf);
	return i;
}

Test(vlan, thirteen_stacked_tags_still_merge)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int s0;

	h_seg_init(&f, 0, 500);
	s0 = add_deep(h, &f, 13);
	f.seq += 500;
	f.ip_id++;
	add_deep(h, &f, 13);
	h_run(h);
	h_expect_npkt(h, 1, "vlan: 13 stacked tags stay within Linux's recursion limit");
	h_expect_merged(h, 0, s0, 2, "vlan: 13 stacked tags stay within Linux's recursion limit");
	h_close(h);
}

Test(vlan, fourteen_stacked_tags_hit_recursion_limit)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int a, b;

	/* 14 tag layers + IP make 15 nested receive calls: Linux gives up. */
	h_seg_init(&f, 0, 500);
	a = add_deep(h, &f, 14);
	f.seq += 500;
	f.ip_id++;
	b = add_deep(h, &f, 14);
	h_run(h);
	h_expect_npkt(h, 2, "vlan: 14 stacked tags hit the recursion limit, nothing merges");
	h_expect_as_is(h, 0, a, "vlan: a frame past the recursion limit is delivered as is");
	h_expect_as_is(h, 1, b, "vlan: a frame past the recursion limit is delivered as is");
	h_close(h);
}

Test(vlan, truncated_tag_as_is)
{
	struct h *h = h_open(NULL);
	uint8_t buf[16] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00 };
	int r = h_add_bytes(h, buf, 16);

	h_run(h);
	h_expect_as_is(h, 0, r, "vlan: a frame that ends inside its tag is delivered as is");
	h_expect_reason(h, 0, GRO_R_MALFORMED, "vlan: a truncated tag is malformed");
	h_close(h);
}

Test(vlan, vlan_off_passes_tagged_frames_through)
{
	struct gro_config cfg;
	struct h *h;
	struct pb_frame f;
	int a, b;

	/* cfg.vlan = 0 models a kernel without CONFIG_VLAN_8021Q: no
	 * handler for tagged frames, so they go up as they came. */
	h_config(&cfg);
	cfg.vlan = 0;
	h = h_open(&cfg);
	h_seg_init(&f, 0, 1000);
	tag(&f, 0x8100, 5);
	a = h_add_seg(h, &f);
	b = h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "vlan off: tagged frames are never merged");
	h_expect_as_is(h, 0, a, "vlan off: a tagged frame is delivered as is");
	h_expect_as_is(h, 1, b, "vlan off: a tagged frame is delivered as is");
	h_close(h);
}

Test(vlan, vlan_off_still_merges_untagged)
{
	struct gro_config cfg;
	struct h *h;
	struct pb_frame f;

	h_config(&cfg);
	cfg.vlan = 0;
	h = h_open(&cfg);
	h_seg_init(&f, 0, 1000);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_run(h);
	h_expect_merged(h, 0, 0, 2, "vlan off: untagged frames merge as usual");
	h_close(h);
}
