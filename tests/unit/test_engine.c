/* The engine around the protocol rules: flow table capacity and eviction,
 * flushing, delivery order and batching, buffer release, statistics. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define MSS 1000

/* One segment of flow @k (source port 1000 + k) at stream position @n. */
static int add_flow_seg(struct h *h, int k, int n, uint32_t rxhash)
{
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, 1000);
	f.sport = (uint16_t)(1000 + k);
	f.seq = 1000 + (uint32_t)n * 1000;
	f.ip_id = (uint16_t)n;
	i = h_add(h, &f);
	h_set_rxhash(h, i, rxhash);
	return i;
}

static uint16_t pkt_sport(const struct h *h, size_t k)
{
	return h_rd16(h_pkt(h, k)->raw + h_pkt(h, k)->l4_off);
}

Test(engine, default_table_holds_eight_flows_with_rxhash_zero)
{
	struct h *h = h_open(NULL);
	int k;

	for (k = 0; k < 8; k++)
		add_flow_seg(h, k, 0, 0);
	h_receive(h);
	h_expect_npkt(h, 0, "capacity: 8 flows of one bucket are all held");
	cr_assert_eq(gro_held(h->gro), 8, "capacity: 8 flows of one bucket are all held");
	h_flush(h);
	h_close(h);
}

Test(engine, ninth_flow_evicts_oldest_in_same_call)
{
	struct h *h = h_open(NULL);
	int k;

	for (k = 0; k < 9; k++)
		add_flow_seg(h, k, 0, 0);
	h_receive(h);
	h_expect_npkt(h, 1, "capacity: a 9th flow in a full bucket completes the oldest, in the same call");
	h_expect_as_is(h, 0, 0, "capacity: the evicted flow is the oldest one");
	h_expect_reason(h, 0, GRO_R_EVICT, "capacity: the oldest flow leaves for reason evict");
	cr_assert_eq(gro_held(h->gro), 8, "capacity: the new flow takes the freed place");
	h_flush(h);
	for (k = 1; k < 9; k++)
		cr_assert_eq(pkt_sport(h, (size_t)k), 1000 + k, "capacity: flows 1..8 stay held until the flush");
	h_close(h);
}

Test(engine, oldest_means_first_held_not_last_touched)
{
	struct h *h = h_open(NULL);
	int k, a1;

	for (k = 0; k < 8; k++)
		add_flow_seg(h, k, 0, 0);
	a1 = add_flow_seg(h, 0, 1, 0);	/* flow 0 grows, but stays the oldest */
	add_flow_seg(h, 8, 0, 0);
	h_receive(h);
	h_expect_npkt(h, 1, "capacity: eviction completes the flow held first");
	{
		const int fr[] = { 0, a1 };

		h_expect_frames(h, 0, fr, 2, "capacity: eviction picks the flow held first even if it merged since");
	}
	h_expect_reason(h, 0, GRO_R_EVICT, "capacity: eviction reason");
	h_flush(h);
	h_close(h);
}

Test(engine, different_buckets_hold_more_flows)
{
	struct h *h = h_open(NULL);
	int k;

	for (k = 0; k < 64; k++)
		add_flow_seg(h, k, 0, (uint32_t)k);
	h_receive(h);
	h_expect_npkt(h, 0, "capacity: 64 flows spread over 8 buckets are all held");
	cr_assert_eq(gro_held(h->gro), 64, "capacity: 64 flows spread over 8 buckets are all held");
	add_flow_seg(h, 64, 0, 3);
	h_receive(h);
	h_expect_npkt(h, 1, "capacity: a 65th flow evicts from its own bucket");
	cr_assert_eq(pkt_sport(h, 0), 1003, "capacity: the oldest flow of bucket 3 is evicted, not the oldest overall");
	h_flush(h);
	h_close(h);
}

Test(engine, different_rxhash_never_merges)
{
	struct h *h = h_open(NULL);

	/* Same 5-tuple; rxhash 1 and 9 even share bucket 1. */
	add_flow_seg(h, 0, 0, 1);
	add_flow_seg(h, 0, 1, 9);
	add_flow_seg(h, 0, 2, 1);
	h_run(h);
	h_expect_npkt(h, 3, "rxhash: frames with different receive hashes never merge");
	h_expect_as_is(h, 0, 0, "rxhash: a different rxhash is a different flow");
	h_close(h);
}

Test(engine, same_rxhash_merges)
{
	struct h *h = h_open(NULL);

	add_flow_seg(h, 0, 0, 0xdeadbeef);
	add_flow_seg(h, 0, 1, 0xdeadbeef);
	h_run(h);
	h_expect_merged(h, 0, 0, 2, "rxhash: equal non-zero receive hashes merge");
	h_close(h);
}

Test(engine, single_bucket_max_flows)
{
	struct gro_config cfg;
	struct h *h;
	int k;

	h_config(&cfg);
	cfg.max_flows = 4;
	cfg.buckets = 1;
	h = h_open(&cfg);
	for (k = 0; k < 5; k++)
		add_flow_seg(h, k, 0, (uint32_t)k * 7);
	h_receive(h);
	h_expect_npkt(h, 1, "capacity: with buckets=1, max_flows bounds all flows");
	h_expect_as_is(h, 0, 0, "capacity: with buckets=1 the oldest flow overall is evicted");
	h_expect_reason(h, 0, GRO_R_EVICT, "capacity: eviction reason");
	cr_assert_eq(gro_held(h->gro), 4, "capacity: max_flows flows stay held");
	h_flush(h);
	h_close(h);
}

Test(engine, flush_all_bucket_by_bucket)
{
	struct h *h = h_open(NULL);

	add_flow_seg(h, 0, 0, 5);	/* bucket 5, held first */
	add_flow_seg(h, 1, 0, 2);	/* bucket 2 */
	add_flow_seg(h, 2, 0, 0);	/* bucket 0, held last */
	h_receive(h);
	cr_assert_eq(h_flush(h), 3, "flush: gro_flush returns the number of completed packets");
	h_expect_npkt(h, 3, "flush: every held flow is completed");
	cr_assert_eq(pkt_sport(h, 0), 1002, "flush: bucket 0 first");
	cr_assert_eq(pkt_sport(h, 1), 1001, "flush: then bucket 2");
	cr_assert_eq(pkt_sport(h, 2), 1000, "flush: then bucket 5");
	h_expect_reason(h, 0, GRO_R_POLL_END, "flush: GRO_FLUSH_ALL completes as poll-end");
	h_close(h);
}

Test(engine, flush_all_oldest_first_within_bucket)
{
	struct h *h = h_open(NULL);
	int k;

	for (k = 0; k < 5; k++)
		add_flow_seg(h, k, 0, 0);
	h_run(h);
	for (k = 0; k < 5; k++)
		cr_assert_eq(pkt_sport(h, (size_t)k), 1000 + k, "flush: oldest first within a bucket");
	h_close(h);
}

Test(engine, flush_timeout_only_old_flows)
{
	struct gro_config cfg;
	struct h *h;
	int n;

	h_config(&cfg);
	cfg.flush_timeout_ns = 1000;
	h = h_open(&cfg);
	h->now = 0;
	add_flow_seg(h, 0, 0, 0);
	h_receive(h);
	h->now = 500;
	add_flow_seg(h, 1, 0, 0);
	h_receive(h);
	n = gro_flush(h->gro, 1200, GRO_FLUSH_TIMEOUT);
	cr_assert_eq(n, 1, "timeout: only flows held at least flush_timeout_ns are completed");
	h_expect_npkt(h, 1, "timeout: only flows held at least flush_timeout_ns are completed");
	cr_assert_eq(pkt_sport(h, 0), 1000, "timeout: the old flow is completed");
	h_expect_reason(h, 0, GRO_R_TIMEOUT, "timeout: reason timeout");
	cr_assert_eq(gro_held(h->gro), 1, "timeout: the young flow stays held");
	h_flush(h);
	h_close(h);
}

Test(engine, flush_timeout_stops_at_first_young_flow_of_bucket)
{
	struct gro_config cfg;
	struct h *h;

	h_config(&cfg);
	cfg.flush_timeout_ns = 1000;
	h = h_open(&cfg);
	/* Bucket 0: young then old (a clock that went back); bucket 1: old. */
	h->now = 5000;
	add_flow_seg(h, 0, 0, 0);
	h_receive(h);
	h->now = 0;
	add_flow_seg(h, 1, 0, 0);
	add_flow_seg(h, 2, 0, 1);
	h_receive(h);
	gro_flush(h->gro, 5500, GRO_FLUSH_TIMEOUT);
	h_expect_npkt(h, 1, "timeout: a bucket's scan stops at its first young flow");
	cr_assert_eq(pkt_sport(h, 0), 1002, "timeout: other buckets are still scanned");
	cr_assert_eq(gro_held(h->gro), 2, "timeout: the old flow behind a young one stays");
	h_flush(h);
	h_close(h);
}

Test(engine, destroy_completes_and_releases_everything)
{
	struct h *h = h_open(NULL);
	int k;

	for (k = 0; k < 3; k++) {
		add_flow_seg(h, k, 0, (uint32_t)k);
		add_flow_seg(h, k, 1, (uint32_t)k);
	}
	h_receive(h);
	h_expect_npkt(h, 0, "destroy: nothing delivered before");
	h_destroy_engine(h);
	h_expect_npkt(h, 3, "destroy: gro_destroy completes every held flow");
	h_expect_reason(h, 0, GRO_R_DESTROY, "destroy: reason destroy");
	h_expect_reason(h, 2, GRO_R_DESTROY, "destroy: reason destroy");
	h_close(h);	/* checks every frame was released exactly once */
}

Test(engine, completed_flow_delivered_before_frame_that_completed_it)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int ack;

	h_seg_init(&f, 0, 1000);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.payload_len = 0;
	ack = h_add(h, &f);
	h_receive(h);
	h_expect_npkt(h, 2, "order: the completed flow and the frame");
	h_expect_merged(h, 0, 0, 2, "order: the completed held flow comes first");
	h_expect_as_is(h, 1, ack, "order: the frame that completed it comes after");
	cr_assert_eq(h_pkt(h, 0)->call, h_pkt(h, 1)->call, "order: both in one delivery batch");
	h_close(h);
}

Test(engine, batches_respect_cfg_batch)
{
	struct gro_config cfg;
	struct h *h;
	struct pb_frame f;
	int k;

	h_config(&cfg);
	cfg.batch = 2;
	h = h_open(&cfg);
	h_seg_init(&f, 0, 0);	/* pure ACKs: all go up as is */
	for (k = 0; k < 5; k++) {
		f.ack += 100;
		h_add(h, &f);
	}
	h_receive(h);
	h_expect_npkt(h, 5, "batch: every packet is delivered");
	cr_assert_eq(h->max_batch, 2, "batch: no delivery call carries more than cfg.batch packets");
	cr_assert_eq(h->ncalls, 3, "batch: 5 packets in batches of 2 take 3 calls");
	for (k = 0; k < 5; k++)
		h_expect_as_is(h, (size_t)k, k, "batch: order is kept across batches");
	h_close(h);
}

Test(engine, one_batch_per_receive_call_by_default)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int k;

	h_seg_init(&f, 0, 0);
	for (k = 0; k < 10; k++) {
		f.ack += 100;
		h_add(h, &f);
	}
	h_receive(h);
	cr_assert_eq(h->ncalls, 1, "batch: up to 64 packets go up in one deliver call");
	h_close(h);
}

Test(engine, every_frame_released_exactly_once_mixed_traffic)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, g;
	int k;

	h_seg_init(&f, 0, 1448);
	h_seg_init(&g, 1, 1000);
	g.sport = 7;
	for (k = 0; k < 30; k++) {
		h_add_seg(h, &f);
		h_add_seg(h, &g);
		if (k % 7 == 6) {
			f.flags |= PB_PSH;
			h_add_seg(h, &f);
			f.flags &= (uint8_t)~PB_PSH;
			g.seq += 1;	/* a gap */
		}
		if (k % 11 == 3) {
			struct pb_frame a = f;

			a.payload_len = 0;
			h_add(h, &a);
		}
	}
	h_receive(h);
	h_flush(h);
	h_check_stats(h);
	h_close(h);	/* every frame released once, never before delivery */
}

Test(engine, stats_add_up)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	struct gro_stats st;

	h_seg_init(&f, 0, 1000);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.payload_len = 0;
	h_add(h, &f);		/* completes the flow, goes up as is */
	f.payload_len = 1000;
	h_add_seg(h, &f);	/* held alone until the flush */
	h_run(h);
	gro_get_stats(h->gro, &st);
	cr_assert_eq(st.frames_in, 5, "stats: frames_in");
	cr_assert_eq(st.pkts_out, 3, "stats: pkts_out");
	cr_assert_eq(st.super_pkts, 1, "stats: super_pkts");
	cr_assert_eq(st.segs_merged, 3, "stats: segs_merged");
	cr_assert_eq(st.reasons[GRO_R_MISMATCH], 1, "stats: one mismatch completion");
	cr_assert_eq(st.reasons[GRO_R_NO_PAYLOAD], 1, "stats: one no-payload frame");
	cr_assert_eq(st.reasons[GRO_R_POLL_END], 1, "stats: one poll-end completion");
	h_check_stats(h);
	h_close(h);
}

Test(engine, bytes_in_equal_bytes_out_without_merging)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	struct gro_stats st;
	int k;

	h_seg_init(&f, 0, 100);
	for (k = 0; k < 6; k++) {
		f.sport = (uint16_t)(2000 + k);
		h_add(h, &f);
	}
	h_run(h);
	gro_get_stats(h->gro, &st);
	cr_assert_eq(st.bytes_in, st.bytes_out, "stats: with nothing merged, bytes in == bytes out");
	h_close(h);
}

Test(engine, payload_bytes_conserved)
{
	struct h *h = h_open(NULL);
	struct pb_frame f, g;
	uint64_t in = 0, out = 0;
	size_t k;
	int i;

	h_seg_init(&f, 0, 1448);
	h_seg_init(&g, 1, 900);
	g.sport = 99;
	for (i = 0; i < 50; i++) {
		in += f.payload_len + g.payload_len;
		h_add_seg(h, &f);
		h_add_seg(h, &g);
		if (i == 20)
			f.ack += 1;
	}
	h_run(h);
	for (k = 0; k < h_npkt(h); k++)
		out += h_pkt(h, k)->len - h_pkt(h, k)->hdr_len;
	cr_assert_eq(in, out, "stats: TCP payload bytes in == payload bytes out, always");
	h_close(h);
}

Test(engine, receive_nothing_is_fine)
{
	struct h *h = h_open(NULL);

	cr_assert_eq(gro_receive(h->gro, NULL, 0, 0), GRO_OK, "api: gro_receive of 0 frames is OK");
	cr_assert_eq(gro_flush(h->gro, 0, GRO_FLUSH_ALL), 0, "api: flushing an empty engine completes nothing");
	h_expect_npkt(h, 0, "api: nothing in, nothing out");
	h_close(h);
}

Test(engine, held_count_tracks_flows)
{
	struct h *h = h_open(NULL);

	add_flow_seg(h, 0, 0, 0);
	add_flow_seg(h, 1, 0, 1);
	add_flow_seg(h, 0, 1, 0);
	h_receive(h);
	cr_assert_eq(gro_held(h->gro), 2, "api: gro_held counts held flows, not frames");
	h_flush(h);
	cr_assert_eq(gro_held(h->gro), 0, "api: nothing is held after GRO_FLUSH_ALL");
	h_close(h);
}

Test(engine, frame_pool_exhaustion_evicts_oldest_flow)
{
	struct gro_config cfg;
	struct h *h;
	struct pb_frame a, b;
	int k;

	/* A documented limit: 64 held frames in all. Flow A holds 40, flow B
	 * fills the pool, and B's next frame forces A out early. */
	h_config(&cfg);
	cfg.max_held_frames = 64;
	h = h_open(&cfg);
	h_seg_init(&a, 0, 100);
	h_seg_init(&b, 0, 100);
	b.sport = 4444;
	for (k = 0; k < 40; k++)
		h_add_seg(h, &a);
	for (k = 0; k < 30; k++)
		h_add_seg(h, &b);
	h_receive(h);
	h_expect_npkt(h, 1, "pool: when held frames run out, the oldest flow completes");
	h_expect_merged(h, 0, 0, 40, "pool: when held frames run out, the oldest flow completes");
	h_expect_reason(h, 0, GRO_R_EVICT, "pool: an early completion is an eviction");
	h_flush(h);
	h_expect_merged(h, 1, 40, 30, "pool: the other flow is not cut");
	h_close(h);
}

/*
 * The pool of 64 held frames counts every node once, whether it was freed
 * by a flow completed earlier or never taken since the pool last started
 * over (a flush that leaves nothing held): flow A (20 frames) completes
 * with a push while B (10) is held, then C takes A's 20 and 34 more, which
 * fills the pool exactly; only C's next frame forces B out. After the
 * flush, the same again.
 */
Test(engine, frame_pool_counts_freed_and_fresh_nodes_alike)
{
	struct gro_config cfg;
	struct h *h;
	int round, k;

	h_config(&cfg);
	cfg.max_held_frames = 64;
	h = h_open(&cfg);
	for (round = 0; round < 2; round++) {
		struct pb_frame a, b, c;
		size_t first = h->npkt;
		int base = (int)h->nfr;

		h_seg_init(&a, 0, 100);
		h_seg_init(&b, 0, 100);
		h_seg_init(&c, 0, 100);
		a.seq = b.seq = c.seq = 1000u + (uint32_t)round * 100000u;
		b.sport = 4444;
		c.sport = 5555;
		for (k = 0; k < 10; k++)
			h_add_seg(h, &b);
		for (k = 0; k < 20; k++) {
			if (k == 19)
				a.flags |= PB_PSH;
			h_add_seg(h, &a);
		}
		for (k = 0; k < 54; k++)
			h_add_seg(h, &c);
		h_receive(h);
		h_expect_npkt(h, first + 1, "pool: a full pool of freed and fresh nodes evicts nothing");
		h_expect_merged(h, first, base + 10, 20, "pool: the push ends A");
		cr_assert_eq(gro_held(h->gro), 2, "pool: B and C held, 64 frames in all");
		h_add_seg(h, &c);
		h_receive(h);
		h_expect_npkt(h, first + 2, "pool: one frame more than the pool holds evicts the oldest");
		h_expect_merged(h, first + 1, base, 10, "pool: B, the oldest, goes");
		h_expect_reason(h, first + 1, GRO_R_EVICT, "pool: an early completion is an eviction");
		h_flush(h);
		h_expect_merged(h, first + 2, base + 30, 55, "pool: C whole, at the flush");
	}
	h_close(h);
}

/*
 * With the default configuration libgro holds at most 65536 frames in all
 * (max_held_frames auto), and completes the oldest flow early when they run
 * out (receive_one in src/engine.c). Linux has no such pool: each of its
 * flows only stops at gro_max_size, which one-byte segments reach after
 * about 65000 segments. Two such flows (A: 40000 segments, B: 30000) stay
 * held in Linux until the flush; libgro evicts A in the middle of B.
 * Disabled: documented resource limit.
 */
Test(engine, tiny_segments_no_pool_limit_linux, .disabled = true)
{
	struct h *h = h_open(NULL);
	struct pb_frame a, b;
	int k;

	h_seg_init(&a, 0, 1);
	h_seg_init(&b, 0, 1);
	b.sport = 4444;
	for (k = 0; k < 40000; k++)
		h_add_seg(h, &a);
	for (k = 0; k < 30000; k++)
		h_add_seg(h, &b);
	h_receive(h);
	h_expect_npkt(h, 0, "pool (Linux): nothing completes before the flush");
	h_flush(h);
	h_expect_merged(h, 0, 0, 40000, "pool (Linux): flow A is one packet");
	h_expect_merged(h, 1, 40000, 30000, "pool (Linux): flow B is one packet");
	h_close(h);
}

/* release_batch: one call per delivered batch, covering exactly the spans of
 * that batch; every frame comes back once, and only after its packet went up. */
struct rb_state {
	unsigned delivered[256], released[256];
	unsigned calls, batches;
	uint8_t *base;
	size_t stride;
};

static void rb_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct rb_state *st = arg;
	unsigned i, j;

	st->batches++;
	for (i = 0; i < n; i++)
		for (j = 0; j < pkts[i].nsegs; j++)
			st->delivered[(uintptr_t)pkts[i].segs[j].cookie]++;
}

static void rb_release(void *arg, const struct gro_seg *segs, unsigned n)
{
	struct rb_state *st = arg;
	unsigned i;

	st->calls++;
	cr_assert_eq(st->calls, st->batches, "release_batch: one call right after each delivery");
	for (i = 0; i < n; i++) {
		uintptr_t k = (uintptr_t)segs[i].cookie;

		cr_assert_eq(st->delivered[k], 1, "release_batch: frame %u released after its delivery",
			     (unsigned)k);
		st->released[k]++;
	}
}

Test(engine, release_batch_returns_every_frame_once)
{
	static uint8_t bufs[200][2048];
	struct rb_state st;
	struct gro_frame fr[200];
	struct gro_config c;
	struct gro_ctx *g;
	struct pb_frame f;
	unsigned i;

	memset(&st, 0, sizeof(st));
	gro_config_init(&c);
	c.deliver = rb_deliver;
	c.deliver_arg = &st;
	c.release_batch = rb_release;
	c.release_arg = &st;
	c.batch = 4;
	cr_assert_eq(gro_create(&c, &g), GRO_OK);
	/* 20 flows x 10 segments, every fifth segment with PSH. */
	for (i = 0; i < 200; i++) {
		h_seg_init(&f, (int)(i & 1), 1000);
		f.sport = (uint16_t)(1000 + i % 20);
		f.seq = 1 + (i / 20) * 1000;
		if ((i / 20) % 5 == 4)
			f.flags |= PB_PSH;
		fr[i] = (struct gro_frame){ .data = bufs[i], .len = (uint32_t)pb_build(&f, bufs[i], 2048),
					    .cookie = (void *)(uintptr_t)i };
	}
	cr_assert_eq(gro_receive(g, fr, 200, 0), GRO_OK);
	gro_destroy(g);
	for (i = 0; i < 200; i++)
		cr_assert_eq(st.released[i], 1, "release_batch: frame %u released exactly once", i);
	cr_assert_gt(st.calls, 1, "release_batch: several batches of at most 4 packets");
}

static void rb_release_one(void *arg, void *cookie)
{
	(void)arg;
	(void)cookie;
}

Test(engine, release_and_release_batch_together_refused)
{
	struct gro_config c;
	struct gro_ctx *g = (struct gro_ctx *)&c;

	gro_config_init(&c);
	c.deliver = rb_deliver;
	c.release = rb_release_one;
	c.release_batch = rb_release;
	cr_assert_eq(gro_create(&c, &g), GRO_EINVAL, "config: release and release_batch both set");
	cr_assert_null(g, "config: *out is NULL on error");
	cr_assert(strstr(gro_config_error(), "release_batch"), "config: the message names the setting");
}

/* A hand-built packet whose len is less than its spans hold: linearize goes
 * by the spans and refuses rather than writing past the buffer. */
Test(engine, linearize_checks_spans_not_len)
{
	uint8_t a[40], b[40], out[64];
	struct gro_seg s[2] = { { .data = a, .len = 40 }, { .data = b, .len = 40 } };
	struct gro_pkt p = { .data = a, .len = 60, .nsegs = 2, .segs = s };

	memset(a, 1, sizeof(a));
	memset(b, 2, sizeof(b));
	memset(out, 0xee, sizeof(out));
	cr_assert_eq(gro_pkt_linearize(&p, out, sizeof(out), 0), GRO_ENOSPC,
		     "linearize: 80 bytes of spans do not fit in 64, whatever len says");
	for (size_t i = 0; i < sizeof(out); i++)
		cr_assert_eq(out[i], 0xee, "linearize: nothing written on refusal");
	p.nsegs = 1;
	p.len = 40;
	cr_assert_eq(gro_pkt_linearize(&p, out, sizeof(out), 0), 40);
}

/*
 * With nothing held, frames that can neither join nor start a flow take
 * a short cut (no flow look-up). Every kind of such frame, and frames the
 * short cut must leave to the full path (bad checksums, IPv4 options, a
 * data segment that starts a flow, then frames while it is held), in one
 * burst and in batches of 3: each goes up as is, in order, for the reason
 * the full path gives, with its offsets, and the stats add up.
 */
static void nothing_held_burst(unsigned batch)
{
	static const struct {
		int ipv6;
		uint8_t flags;
		uint32_t payload;
		int bad_ip, bad_tcp, opts, raw;
		enum gro_reason reason;	/* GRO_R_COUNT: starts or joins a flow */
	} in[] = {
		{ 0, PB_ACK, 0, 0, 0, 0, 0, GRO_R_NO_PAYLOAD },
		{ 0, PB_SYN, 0, 0, 0, 0, 0, GRO_R_NO_PAYLOAD },
		{ 0, PB_SYN | PB_ACK, 0, 0, 0, 0, 0, GRO_R_NO_PAYLOAD },
		{ 0, PB_FIN | PB_ACK, 0, 0, 0, 0, 0, GRO_R_NO_PAYLOAD },
		{ 0, PB_RST, 0, 0, 0, 0, 0, GRO_R_NO_PAYLOAD },
		{ 0, PB_PSH | PB_ACK, 100, 0, 0, 0, 0, GRO_R_FLAGS },
		{ 0, PB_URG | PB_ACK, 100, 0, 0, 0, 0, GRO_R_FLAGS },
		{ 0, PB_FIN | PB_ACK, 100, 0, 0, 0, 0, GRO_R_FLAGS },
		{ 1, PB_ACK, 0, 0, 0, 0, 0, GRO_R_NO_PAYLOAD },
		{ 1, PB_PSH | PB_ACK, 100, 0, 0, 0, 0, GRO_R_FLAGS },
		{ 0, PB_ACK, 0, 1, 0, 0, 0, GRO_R_IP_CSUM },
		{ 0, PB_ACK, 0, 0, 0, 1, 0, GRO_R_IP_OPTS },
		{ 0, PB_ACK, 0, 0, 0, 0, 1, GRO_R_NO_PAYLOAD },
		{ 1, PB_PSH | PB_ACK, 100, 0, 0, 0, 1, GRO_R_FLAGS },
		{ 0, PB_ACK, 0, 0, 0, 0, 0, GRO_R_NO_PAYLOAD },
		{ 0, PB_ACK, MSS, 0, 0, 0, 0, GRO_R_COUNT },	/* starts a flow */
		{ 1, PB_ACK, 0, 0, 0, 0, 0, GRO_R_NO_PAYLOAD },	/* while it is held */
		{ 0, PB_SYN, 0, 0, 0, 0, 0, GRO_R_NO_PAYLOAD },
		{ 0, PB_ACK, MSS, 0, 0, 0, 0, GRO_R_COUNT },	/* joins it */
	};
	const size_t n = sizeof(in) / sizeof(in[0]);
	struct gro_config cfg;
	struct gro_stats st;
	struct h *h;
	uint64_t bytes = 0, want[GRO_R_SLOTS] = { 0 };
	size_t k, out = 0;
	int flow[2], nflow = 0;

	h_config(&cfg);
	cfg.batch = batch;
	cfg.csum = GRO_CSUM_VERIFY;
	h = h_open(&cfg);
	for (k = 0; k < n; k++) {
		struct pb_frame f;

		h_seg_init(&f, in[k].ipv6, in[k].payload);
		f.flags = in[k].flags;
		f.bad_ip_csum = in[k].bad_ip;
		f.bad_tcp_csum = in[k].bad_tcp;
		if (in[k].reason != GRO_R_COUNT) {
			f.sport = (uint16_t)(1000 + k);	/* flows of their own */
		} else if (nflow) {
			f.seq += MSS;
			f.ip_id++;
		}
		if (in[k].opts) {
			f.ip_opts[0] = 1;	/* NOP padding: IHL 6 */
			f.ip_opts_len = 4;
		}
		if (in[k].raw) {
			/* The same frame without its MAC header. */
			uint8_t buf[256];
			size_t len = pb_build(&f, buf, sizeof(buf));
			int i = h_add_bytes(h, buf + 14, len - 14);

			h_set_flags(h, i, GRO_FRAME_L3_IP);
		} else {
			int i = h_add(h, &f);

			if (in[k].reason == GRO_R_COUNT)
				flow[nflow++] = i;
		}
		bytes += h_frame_len(h, (int)k);
	}
	h_receive(h);
	h_flush(h);

	for (k = 0; k < n; k++) {
		const struct h_pkt *p;

		if (in[k].reason == GRO_R_COUNT)
			continue;
		p = h_pkt(h, out);
		h_expect_as_is(h, out, (int)k, "nothing held: an unmergeable frame goes up as is");
		h_expect_reason(h, out, in[k].reason, "nothing held: the full path's reason");
		if (in[k].reason == GRO_R_NO_PAYLOAD || in[k].reason == GRO_R_FLAGS) {
			uint16_t l3 = in[k].raw ? 0 : 14;
			uint16_t l4 = (uint16_t)(l3 + (in[k].ipv6 ? 40 : 20));

			cr_assert_eq(p->l3_off, l3, "nothing held: frame %zu: l3_off", k);
			cr_assert_eq(p->l4_off, l4, "nothing held: frame %zu: l4_off", k);
			cr_assert_eq(p->hdr_len, p->len - in[k].payload,
				     "nothing held: frame %zu: hdr_len", k);
			cr_assert_eq(p->start, in[k].raw ? (in[k].ipv6 ? GRO_FRAME_L3_IPV6 :
							    GRO_FRAME_L3_IPV4) : 0u,
				     "nothing held: frame %zu: where it starts", k);
		}
		want[in[k].reason]++;
		out++;
	}
	h_expect_frames(h, out, flow, 2, "nothing held: the flow started in the burst merges");
	h_expect_npkt(h, out + 1, "nothing held: every frame comes out once");
	want[GRO_R_POLL_END]++;
	cr_assert_leq(h->max_batch, batch, "nothing held: batches of at most cfg.batch");

	gro_get_stats(h->gro, &st);
	cr_assert_eq(st.frames_in, n, "nothing held: stats: frames in");
	cr_assert_eq(st.bytes_in, bytes, "nothing held: stats: bytes in");
	cr_assert_eq(st.pkts_out, out + 1, "nothing held: stats: packets out");
	for (k = 0; k < GRO_R_SLOTS; k++)
		cr_assert_eq(st.reasons[k], want[k], "nothing held: stats: reasons[%zu]", k);
	h_check_stats(h);
	h_close(h);
}

Test(engine, nothing_held_unmergeable_frames_take_the_short_cut)
{
	nothing_held_burst(64);
	nothing_held_burst(3);
}

/* A flush of everything from a table that holds many flows empties the
 * hash table in one sweep instead of unlinking flow by flow (engine.c,
 * flush_all): afterwards every flow is found again as a new one, and a
 * flush of a few flows still unlinks them one by one. */
Test(engine, flows_found_after_a_flush_that_empties_the_table)
{
	struct gro_config cfg;
	struct h *h;
	int k, first[40];
	size_t base;

	h_config(&cfg);
	cfg.max_flows = 64;
	cfg.buckets = 1;
	h = h_open(&cfg);
	for (k = 0; k < 40; k++)
		add_flow_seg(h, k, 0, (uint32_t)k * 2654435761u);
	h_receive(h);
	cr_assert_eq(gro_held(h->gro), 40, "bulk flush: 40 flows held");
	cr_assert_eq(h_flush(h), 40, "bulk flush: every flow completed");
	cr_assert_eq(gro_held(h->gro), 0, "bulk flush: nothing held after it");

	/* The same flows again, two segments each, interleaved: each pair
	 * merges, and no segment finds a flow of the first round. */
	for (k = 0; k < 40; k++)
		first[k] = add_flow_seg(h, k, 1, (uint32_t)k * 2654435761u);
	for (k = 0; k < 40; k++)
		add_flow_seg(h, k, 2, (uint32_t)k * 2654435761u);
	h_receive(h);
	cr_assert_eq(gro_held(h->gro), 40, "bulk flush: the flows are held anew");
	cr_assert_eq(h_flush(h), 40, "bulk flush: a second flush of everything");
	for (k = 0; k < 40; k++) {
		int idx[2] = { first[k], first[k] + 40 };

		h_expect_frames(h, 40 + (size_t)k, idx, 2, "bulk flush: each flow's two segments, merged");
	}

	/* A few flows: unlinked one by one; the table still finds the rest. */
	base = h_npkt(h);
	for (k = 0; k < 3; k++)
		add_flow_seg(h, k, 3, (uint32_t)k * 2654435761u);
	h_receive(h);
	cr_assert_eq(gro_flush(h->gro, h->now, GRO_FLUSH_ALL), 3, "few flows: flushed");
	for (k = 0; k < 3; k++)
		add_flow_seg(h, 100 + k, 0, (uint32_t)(100 + k));
	for (k = 0; k < 3; k++)
		add_flow_seg(h, 100 + k, 1, (uint32_t)(100 + k));
	h_receive(h);
	cr_assert_eq(h_flush(h), 3, "few flows: three more flows, merged in pairs");
	h_expect_npkt(h, base + 6, "few flows: six packets since");
	h_check_stats(h);
	h_close(h);
}

/*
 * More flows held than GRO_HELD_MANY (src/gro_internal.h): the look-ahead
 * then makes hints even of frames that may continue a run. 70000 flows of
 * two segments in runs, every fifth flow's second segment only after the
 * next flow's run, in bursts of 32: the packets must be exactly those of
 * the same frames received one per call (no look-ahead at all), in the
 * same order, each flow's two segments merged.
 */
struct many_out {
	uintptr_t *first;	/* each packet's first frame */
	uint32_t *nsegs;
	size_t n, cap;
};

static void many_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct many_out *o = arg;
	unsigned i;

	for (i = 0; i < n; i++) {
		cr_assert_lt(o->n, o->cap, "many flows: no more packets than flows");
		o->first[o->n] = (uintptr_t)pkts[i].segs[0].cookie;
		o->nsegs[o->n++] = pkts[i].nsegs;
	}
}

static void many_run(const struct gro_frame *in, size_t n, unsigned burst, struct many_out *o)
{
	struct gro_frame *fr = malloc(n * sizeof(*fr));
	struct gro_config c;
	struct gro_ctx *g;
	size_t i;

	cr_assert_not_null(fr);
	gro_config_init(&c);
	c.max_flows = 1u << 17;
	c.buckets = 1;
	c.max_held_frames = 1u << 18;
	c.hash_seed = 7;
	c.deliver = many_deliver;
	c.deliver_arg = o;
	cr_assert_eq(gro_create(&c, &g), GRO_OK);
	memcpy(fr, in, n * sizeof(*fr));
	for (i = 0; i < n; i += burst)
		cr_assert_eq(gro_receive(g, fr + i, (unsigned)(n - i < burst ? n - i : burst), 0),
			     GRO_OK);
	cr_assert_geq(gro_held(g), 65536, "many flows: more held than GRO_HELD_MANY");
	gro_flush(g, 0, GRO_FLUSH_ALL);
	gro_destroy(g);
	free(fr);
}

Test(engine, many_flows_look_ahead_decides_as_one_frame_per_call)
{
	enum { NFLOWS = 70000, STRIDE = 256 };
	const size_t n = 2 * (size_t)NFLOWS;
	uint8_t *buf = malloc(n * STRIDE), *copy = malloc(n * STRIDE);
	struct gro_frame *fr = malloc(n * sizeof(*fr));
	struct many_out a = { 0 }, b = { 0 };
	size_t i, pos = 0;

	cr_assert(buf && copy && fr);
	for (i = 0; i < NFLOWS; i++) {
		/* Flow i's segments at pos and pos + 1, or (every fifth) its
		 * second after flow i + 1's two. */
		size_t at[2] = { pos, pos + 1 };
		int s;

		if (i % 5 == 0 && i + 1 < NFLOWS) {
			at[1] = pos + 3;
			pos += 4;
		} else if (i % 5 == 1) {
			at[0] = pos - 3;
			at[1] = pos - 2;
		} else {
			pos += 2;
		}
		for (s = 0; s < 2; s++) {
			struct pb_frame f;
			uint8_t *p = buf + at[s] * STRIDE;

			h_seg_init(&f, 0, 100);
			f.sport = (uint16_t)(1024 + i % 50000);
			f.dport = (uint16_t)(80 + i / 50000);
			f.seq = 1000u + (uint32_t)s * 100u;
			f.ip_id = (uint16_t)s;
			fr[at[s]] = (struct gro_frame){ .data = p,
							.len = (uint32_t)pb_build(&f, p, STRIDE),
							.cookie = (void *)(uintptr_t)at[s] };
		}
	}
	cr_assert_eq(pos, n, "many flows: every place filled");
	a.cap = b.cap = 2 * NFLOWS;
	a.first = malloc(a.cap * sizeof(*a.first));
	a.nsegs = malloc(a.cap * sizeof(*a.nsegs));
	b.first = malloc(b.cap * sizeof(*b.first));
	b.nsegs = malloc(b.cap * sizeof(*b.nsegs));
	cr_assert(a.first && a.nsegs && b.first && b.nsegs);
	/* The first run rewrites its heads' headers: the second gets the
	 * frames as they were. */
	memcpy(copy, buf, n * STRIDE);
	many_run(fr, n, 32, &a);
	memcpy(buf, copy, n * STRIDE);
	many_run(fr, n, 1, &b);
	cr_assert_eq(a.n, NFLOWS, "many flows: one packet per flow");
	cr_assert_eq(b.n, NFLOWS, "many flows: one packet per flow, one frame per call");
	for (i = 0; i < NFLOWS; i++) {
		cr_assert_eq(a.nsegs[i], 2, "many flows: packet %zu merges its flow's two segments", i);
		cr_assert_eq(a.first[i], b.first[i], "many flows: packet %zu as one frame per call", i);
		cr_assert_eq(b.nsegs[i], 2);
	}
	free(a.first);
	free(a.nsegs);
	free(b.first);
	free(b.nsegs);
	free(fr);
	free(copy);
	free(buf);
}
