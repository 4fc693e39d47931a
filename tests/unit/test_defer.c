/* The deferred flush (GRO_FLUSH_OLD): Linux's napi_complete_done with a
 * gro_flush_timeout completes only the held packets whose age (jiffies
 * when first held) is not the current jiffies, walking each bucket oldest
 * first and stopping at the first that is; the rest wait for the timer.
 * The engine's clock is the caller's tick count here. */
#include <criterion/criterion.h>

#include "helpers.h"

/* A segment of flow @sport, offered at tick @now. */
static int seg_at(struct h *h, struct pb_frame *f, uint64_t now)
{
	int i = h_add_seg(h, f);

	h->now = now;
	h_receive(h);
	return i;
}

static int flush_old(struct h *h, uint64_t now)
{
	int n = gro_flush(h->gro, now, GRO_FLUSH_OLD);

	cr_assert_geq(n, 0);
	return n;
}

Test(defer, a_flow_of_this_jiffy_stays_held)
{
	struct h *h = h_open(NULL);
	struct pb_frame a;

	h_seg_init(&a, 0, 1000);
	seg_at(h, &a, 5);
	seg_at(h, &a, 5);
	cr_assert_eq(flush_old(h, 5), 0, "held in jiffy 5: not old at 5");
	cr_assert_eq(gro_held(h->gro), 1);
	/* It goes on merging after the poll ended... */
	seg_at(h, &a, 5);
	/* ...and a segment in the next jiffy joins it: the age is the
	 * first segment's, so the next poll end completes it. */
	seg_at(h, &a, 6);
	cr_assert_eq(flush_old(h, 6), 1);
	h_expect_merged(h, 0, 0, 4, "four segments over two polls, one packet");
	h_expect_reason(h, 0, GRO_R_POLL_END, "the deferred flush is a poll end");
	h_close(h);
}

/* The age is compared for equality, not order: a clock that went back
 * (another tick count) still makes the flow old. */
Test(defer, age_is_compared_for_equality)
{
	struct h *h = h_open(NULL);
	struct pb_frame a;

	h_seg_init(&a, 0, 1000);
	seg_at(h, &a, 9);
	cr_assert_eq(flush_old(h, 8), 1);
	h_close(h);
}

/* Each bucket is walked oldest first and the walk stops at the first flow
 * of the current jiffy, even if one behind it is old (its clock went
 * back); another bucket is walked on its own. */
Test(defer, the_walk_stops_at_the_first_young_flow_of_each_bucket)
{
	struct h *h = h_open(NULL);
	struct pb_frame a, b, c;
	int ia, ib, ic;

	h_seg_init(&a, 0, 1000);
	h_seg_init(&b, 0, 1000);
	h_seg_init(&c, 0, 1000);
	b.sport = (uint16_t)(a.sport + 1);
	c.sport = (uint16_t)(a.sport + 2);
	ia = seg_at(h, &a, 7);			/* bucket 0, oldest: young at 7 */
	ib = seg_at(h, &b, 6);			/* bucket 0, behind it: old */
	ic = h_add_seg(h, &c);			/* bucket 1: old */
	h_set_rxhash(h, ic, 1);
	h->now = 6;
	h_receive(h);
	cr_assert_eq(flush_old(h, 7), 1, "only bucket 1's flow: bucket 0 stops at its oldest");
	h_expect_as_is(h, 0, ic, "the old flow of bucket 1");
	cr_assert_eq(gro_held(h->gro), 2);
	cr_assert_eq(flush_old(h, 8), 2, "at 8 both of bucket 0 are old");
	h_expect_as_is(h, 1, ia, "oldest first");
	h_expect_as_is(h, 2, ib, "then the next");
	h_close(h);
}

Test(defer, unknown_flush_modes_are_refused)
{
	struct h *h = h_open(NULL);

	cr_assert_eq(gro_flush(h->gro, 0, 3), GRO_EINVAL);
	cr_assert_eq(gro_flush(NULL, 0, GRO_FLUSH_OLD), GRO_EINVAL);
	h_close(h);
}
