/* The pull calls (gro_receive_pull, gro_flush_pull, gro_pull, gro_pending):
 * the same packets as the deliver hook, in the same order, with the same
 * bytes; what does not fit waits, in order; nothing is lost or released
 * twice. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define MAXFR 2048

/* A mixed stream: interleaved TCP flows over two buckets (more flows than
 * they hold, so some are evicted), short segments, PSH, pure ACKs, frames
 * that are not IP. Each engine gets its own copy of the bytes, since the
 * first frame of a super-packet is rewritten. */
struct stream {
	uint8_t *buf[MAXFR];
	uint32_t len[MAXFR];
	uint32_t rxhash[MAXFR];
	size_t n;
};

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void stream_make(struct stream *s, size_t n, uint32_t seed)
{
	enum { FLOWS = 24 };
	uint32_t seq[FLOWS], rnd = seed;
	uint16_t id[FLOWS];
	int k = 0;

	memset(s, 0, sizeof(*s));
	for (int f = 0; f < FLOWS; f++) {
		seq[f] = 1000 + (uint32_t)f * 77777;
		id[f] = (uint16_t)(f * 100);
	}
	for (size_t i = 0; i < n; i++) {
		struct pb_frame f;
		uint32_t r = lcg(&rnd) % 100;
		uint8_t tmp[2048];

		/* Mostly the flow of the frame before, as on a real link. */
		if (lcg(&rnd) % 4 == 0)
			k = (int)(lcg(&rnd) % FLOWS);
		h_seg_init(&f, k % 3 == 2, 1000);
		f.sport = (uint16_t)(2000 + k);
		f.seq = seq[k];
		f.ip_id = id[k]++;
		if (r < 3) {
			f.payload_len = 0;		/* pure ACK */
		} else if (r < 6) {
			f.flags |= PB_PSH;
		} else if (r < 9) {
			f.payload_len = 400;		/* short: ends the packet */
		} else if (r < 11) {
			f.ethertype = 0x88b5;		/* not IP */
			f.payload_len = 60;
		}
		if (!f.ethertype)
			seq[k] += f.payload_len;
		s->len[i] = (uint32_t)pb_build(&f, tmp, sizeof(tmp));
		s->buf[i] = malloc(s->len[i]);
		cr_assert_not_null(s->buf[i]);
		memcpy(s->buf[i], tmp, s->len[i]);
		s->rxhash[i] = (uint32_t)(k & 1);
	}
	s->n = n;
}

static void stream_free(struct stream *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->buf[i]);
}

/* One packet out, recorded: its fields, its bytes, which frames. */
struct rec {
	struct gro_pkt meta;	/* data and segs cleared */
	uint8_t *bytes;
	uint32_t nsegs;
	uintptr_t cookie[128];
	uint32_t seg_off[128];	/* each span's offset in its frame */
};

struct run {
	struct stream *s;
	uint8_t *copy[MAXFR];		/* the bytes this engine works on */
	struct gro_frame fr[MAXFR];
	struct rec *rec;
	size_t nrec;
	unsigned released[MAXFR];
	unsigned returned[MAXFR];	/* frame came out in a pulled packet */
};

static void run_init(struct run *r, struct stream *s)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->rec = calloc(MAXFR * 2, sizeof(*r->rec));
	cr_assert_not_null(r->rec);
	for (size_t i = 0; i < s->n; i++) {
		r->copy[i] = malloc(s->len[i]);
		cr_assert_not_null(r->copy[i]);
		memcpy(r->copy[i], s->buf[i], s->len[i]);
		r->fr[i] = (struct gro_frame){ .data = r->copy[i], .len = s->len[i],
					       .rxhash = s->rxhash[i],
					       .cookie = (void *)(uintptr_t)(i + 1) };
	}
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->nrec; i++)
		free(r->rec[i].bytes);
	free(r->rec);
	for (size_t i = 0; i < r->s->n; i++)
		free(r->copy[i]);
}

static void record(struct run *r, const struct gro_pkt *p)
{
	struct rec *c = &r->rec[r->nrec++];
	long n;

	cr_assert_leq(p->nsegs, 128, "pull: test limit on spans");
	c->meta = *p;
	c->meta.data = NULL;
	c->meta.segs = NULL;
	c->nsegs = p->nsegs;
	for (uint32_t i = 0; i < p->nsegs; i++) {
		uintptr_t ck = (uintptr_t)p->segs[i].cookie;

		cr_assert(ck >= 1 && ck <= r->s->n, "pull: a span's cookie is a frame's");
		c->cookie[i] = ck;
		c->seg_off[i] = (uint32_t)(p->segs[i].data - r->copy[ck - 1]);
	}
	c->bytes = malloc(p->len ? p->len : 1);
	cr_assert_not_null(c->bytes);
	n = gro_pkt_linearize(p, c->bytes, p->len, 0);
	cr_assert_eq(n, (long)p->len, "pull: a packet out linearizes to its length");
}

static void on_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		record(arg, &pkts[i]);
}

static void on_release(void *arg, void *cookie)
{
	struct run *r = arg;
	uintptr_t ck = (uintptr_t)cookie;

	cr_assert(ck >= 1 && ck <= r->s->n, "pull: released cookie is a frame's");
	r->released[ck - 1]++;
}

static struct gro_config base_config(void)
{
	struct gro_config cfg;

	gro_config_init(&cfg);
	cfg.hash_seed = 0x1234567;
	cfg.flush_timeout_ns = 3000;
	cfg.max_flows = 16;	/* 2 buckets x 8 with rxhash 0 and 1 */
	cfg.buckets = 8;
	return cfg;
}

/* The reference: bursts of @burst frames, a flush every @every bursts
 * (alternately by age and of everything), through the deliver hook. */
static void run_callback(struct run *r, unsigned burst, unsigned every)
{
	struct gro_config cfg = base_config();
	struct gro_ctx *g;
	uint64_t now = 0;
	unsigned b = 0;

	cfg.deliver = on_deliver;
	cfg.deliver_arg = r;
	cfg.release = on_release;
	cfg.release_arg = r;
	cr_assert_eq(gro_create(&cfg, &g), GRO_OK);
	for (size_t i = 0; i < r->s->n; i += burst, b++) {
		unsigned n = (unsigned)(r->s->n - i < burst ? r->s->n - i : burst);

		now += 1000;
		cr_assert_eq(gro_receive(g, &r->fr[i], n, now), GRO_OK);
		if (b % every == every - 1)
			cr_assert_geq(gro_flush(g, now, (b / every) % 2 ? GRO_FLUSH_ALL :
						GRO_FLUSH_TIMEOUT), 0);
	}
	gro_flush(g, now, GRO_FLUSH_ALL);
	gro_destroy(g);
}

/* Take what a pull call wrote. */
static void take(struct run *r, const struct gro_pkt *out, int got, unsigned max_out)
{
	cr_assert_geq(got, 0, "pull: a valid call returns a count");
	cr_assert_leq((unsigned)got, max_out, "pull: never more than max_out");
	for (int k = 0; k < got; k++) {
		record(r, &out[k]);
		for (uint32_t j = 0; j < out[k].nsegs; j++)
			r->returned[(uintptr_t)out[k].segs[j].cookie - 1]++;
	}
}

/* Empty the queue with gro_pull(). */
static void drain(struct run *r, struct gro_ctx *g, struct gro_pkt *out, unsigned max_out)
{
	while (gro_pending(g)) {
		int got = gro_pull(g, out, max_out);

		cr_assert_gt(got, 0, "pull: gro_pull returns pending packets");
		take(r, out, got, max_out);
	}
}

/* The same schedule through the pull calls, @max_out packets at most per
 * call; @late leaves pending packets to later calls (else each flush is
 * drained before going on). Returns the calls refused with GRO_ENOSPC. */
static unsigned run_pull(struct run *r, unsigned burst, unsigned every, unsigned max_out,
			 bool late)
{
	struct gro_config cfg = base_config();
	struct gro_pkt *out = calloc(max_out ? max_out : 1, sizeof(*out));
	struct gro_ctx *g;
	uint64_t now = 0;
	unsigned b = 0, refused = 0;
	int got;

	cr_assert_not_null(out);
	cfg.release = on_release;
	cfg.release_arg = r;
	cr_assert_eq(gro_create(&cfg, &g), GRO_OK, "pull: no deliver hook is a pull-only context");
	for (size_t i = 0; i < r->s->n; i += burst, b++) {
		unsigned n = (unsigned)(r->s->n - i < burst ? r->s->n - i : burst);

		now += 1000;
		while ((got = gro_receive_pull(g, &r->fr[i], n, now, out, max_out)) == GRO_ENOSPC) {
			refused++;
			drain(r, g, out, max_out ? max_out : 1);
		}
		take(r, out, got, max_out);
		if (b % every == every - 1) {
			int mode = (b / every) % 2 ? GRO_FLUSH_ALL : GRO_FLUSH_TIMEOUT;

			while ((got = gro_flush_pull(g, now, mode, out, max_out)) == GRO_ENOSPC) {
				refused++;
				drain(r, g, out, max_out ? max_out : 1);
			}
			take(r, out, got, max_out);
			if (!late)
				drain(r, g, out, max_out ? max_out : 1);
		}
	}
	while ((got = gro_flush_pull(g, now, GRO_FLUSH_ALL, out, max_out)) == GRO_ENOSPC) {
		refused++;
		drain(r, g, out, max_out ? max_out : 1);
	}
	take(r, out, got, max_out);
	drain(r, g, out, max_out ? max_out : 1);
	cr_assert_eq(gro_held(g), 0);
	gro_destroy(g);
	free(out);
	return refused;
}

static void expect_same(const struct run *a, const struct run *b, const char *what)
{
	cr_assert_eq(a->nrec, b->nrec, "%s: as many packets as the deliver hook (%zu, %zu)", what,
		     a->nrec, b->nrec);
	for (size_t k = 0; k < a->nrec; k++) {
		const struct rec *x = &a->rec[k], *y = &b->rec[k];

		cr_assert_eq(memcmp(&x->meta, &y->meta, sizeof(x->meta)), 0,
			     "%s: packet %zu has the same offload fields", what, k);
		cr_assert_eq(memcmp(x->bytes, y->bytes, x->meta.len), 0,
			     "%s: packet %zu has the same bytes", what, k);
		cr_assert_eq(memcmp(x->cookie, y->cookie, x->nsegs * sizeof(x->cookie[0])), 0,
			     "%s: packet %zu is made of the same frames", what, k);
		cr_assert_eq(memcmp(x->seg_off, y->seg_off, x->nsegs * sizeof(x->seg_off[0])), 0,
			     "%s: packet %zu has the same spans", what, k);
	}
}

/* Every frame came back once: to the caller in a pulled packet, never
 * through the release hook. */
static void expect_all_returned(const struct run *r, const char *what)
{
	for (size_t i = 0; i < r->s->n; i++) {
		cr_assert_eq(r->returned[i], 1, "%s: frame %zu came out exactly once", what, i);
		cr_assert_eq(r->released[i], 0, "%s: frame %zu, pulled, is not released", what, i);
	}
}

static void equivalence(unsigned burst, unsigned every, unsigned max_out, bool late,
			bool may_refuse)
{
	struct stream *s = malloc(sizeof(*s));
	struct run *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	unsigned refused;
	size_t merged = 0;

	cr_assert(s && a && b);
	stream_make(s, 1500, 7);
	run_init(a, s);
	run_init(b, s);
	run_callback(a, burst, every);
	refused = run_pull(b, burst, every, max_out, late);
	for (size_t k = 0; k < a->nrec; k++)
		merged += a->rec[k].meta.gso_segs > 1;
	cr_assert_gt(merged, 50, "pull: the stream merges (%zu super-packets)", merged);
	expect_same(a, b, "pull");
	expect_all_returned(b, "pull");
	if (!may_refuse)
		cr_assert_eq(refused, 0, "pull: with max_out >= n no call is refused");
	run_free(a);
	run_free(b);
	stream_free(s);
	free(a);
	free(b);
	free(s);
}

Test(pull, same_as_deliver_hook_array_as_large_as_burst)
{
	equivalence(32, 3, 32, true, false);
}

Test(pull, same_as_deliver_hook_array_larger_than_burst)
{
	equivalence(16, 2, 64, false, false);
}

Test(pull, same_as_deliver_hook_one_packet_per_call)
{
	/* max_out 1 with bursts of 1: never refused either. */
	equivalence(1, 40, 1, true, false);
}

Test(pull, same_as_deliver_hook_array_smaller_than_burst)
{
	/* max_out < n may be refused: draining and calling again gives
	 * the same packets all the same. */
	equivalence(32, 4, 3, true, true);
}

Test(pull, same_as_deliver_hook_nothing_out_until_drained)
{
	equivalence(8, 5, 0, true, true);
}

/* A flow of @n in-order segments, then a pure ACK of another flow. */
static void small_stream(struct stream *s, unsigned n)
{
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < n; i++) {
		struct pb_frame f;
		uint8_t tmp[2048];

		h_seg_init(&f, 0, 1000);
		f.sport = (uint16_t)(i < n - 1 ? 1 : 2);
		f.seq = 1 + i * 1000;
		f.ip_id = (uint16_t)i;
		if (i == n - 1)
			f.payload_len = 0;
		s->len[i] = (uint32_t)pb_build(&f, tmp, sizeof(tmp));
		s->buf[i] = malloc(s->len[i]);
		memcpy(s->buf[i], tmp, s->len[i]);
	}
	s->n = n;
}

Test(pull, full_array_keeps_the_rest_pending_in_order)
{
	struct stream s;
	struct run r;
	struct gro_config cfg = base_config();
	struct gro_ctx *g;
	struct gro_pkt out[4];
	int got;

	stream_make(&s, 64, 3);
	run_init(&r, &s);
	cfg.release = on_release;
	cfg.release_arg = &r;
	cr_assert_eq(gro_create(&cfg, &g), GRO_OK);
	got = gro_receive_pull(g, r.fr, 64, 1, out, 0);
	cr_assert_eq(got, 0, "pull: max_out 0 writes nothing");
	got = gro_flush_pull(g, 2, GRO_FLUSH_ALL, out, 1);
	cr_assert_eq(got, 1, "pull: a flush writes as many as fit");
	cr_assert_eq(gro_held(g), 0, "pull: a flush completes every flow even when the array is full");
	cr_assert_gt(gro_pending(g), 0, "pull: what did not fit is pending");
	take(&r, out, got, 1);
	{
		unsigned pending = gro_pending(g);
		size_t before = r.nrec;

		drain(&r, g, out, 4);
		cr_assert_eq(r.nrec - before, pending, "pull: gro_pull returns exactly the pending packets");
	}
	cr_assert_eq(gro_pull(g, out, 4), 0, "pull: nothing left");
	gro_destroy(g);
	expect_all_returned(&r, "pull");
	run_free(&r);
	stream_free(&s);
}

Test(pull, refuses_what_the_queue_cannot_take_and_takes_nothing)
{
	struct stream s;
	struct run r;
	struct gro_config cfg;
	struct gro_ctx *g;
	struct gro_stats st;
	struct gro_pkt out[16];
	int got;

	/* Pure ACKs only: each is one packet out. A queue of max_flows (1) +
	 * batch (4) = 5 packets. */
	memset(&s, 0, sizeof(s));
	for (unsigned i = 0; i < 8; i++) {
		struct pb_frame f;
		uint8_t tmp[256];

		h_seg_init(&f, 0, 0);
		f.seq = i;
		s.len[i] = (uint32_t)pb_build(&f, tmp, sizeof(tmp));
		s.buf[i] = malloc(s.len[i]);
		memcpy(s.buf[i], tmp, s.len[i]);
	}
	s.n = 8;
	run_init(&r, &s);
	gro_config_init(&cfg);
	cfg.max_flows = 1;
	cfg.buckets = 1;
	cfg.batch = 4;
	cfg.release = on_release;
	cfg.release_arg = &r;
	cr_assert_eq(gro_create(&cfg, &g), GRO_OK);
	cr_assert_eq(gro_receive_pull(g, r.fr, 4, 1, out, 0), 0);
	cr_assert_eq(gro_pending(g), 4);
	cr_assert_eq(gro_receive_pull(g, r.fr + 4, 2, 2, out, 0), GRO_ENOSPC,
		     "pull: 4 pending + 2 may exceed a queue of 5: refused");
	gro_get_stats(g, &st);
	cr_assert_eq(st.frames_in, 4, "pull: a refused call takes no frame");
	cr_assert_eq(gro_pending(g), 4, "pull: a refused call leaves the queue as it was");
	cr_assert_eq(gro_receive_pull(g, r.fr + 4, 1, 2, out, 0), 0, "pull: 4 + 1 fits");
	cr_assert_eq(gro_receive_pull(g, r.fr + 5, 3, 3, out, 16), GRO_ENOSPC,
		     "pull: a full queue refuses even with room in the array");
	got = gro_pull(g, out, 16);
	cr_assert_eq(got, 5, "pull: gro_pull empties the queue");
	take(&r, out, got, 16);
	for (int k = 0; k < 5; k++)
		cr_assert_eq((uintptr_t)out[k].segs[0].cookie, (uintptr_t)k + 1,
			     "pull: packets come out in arrival order");
	got = gro_receive_pull(g, r.fr + 5, 3, 3, out, 16);
	cr_assert_eq(got, 3, "pull: then the call goes through");
	take(&r, out, got, 16);
	for (int k = 0; k < 3; k++)
		cr_assert_eq((uintptr_t)out[k].segs[0].cookie, (uintptr_t)k + 6);
	gro_destroy(g);
	expect_all_returned(&r, "pull");
	run_free(&r);
	stream_free(&s);
}

Test(pull, destroy_releases_held_and_pending_frames_once)
{
	struct stream s;
	struct run r;
	struct gro_config cfg = base_config();
	struct gro_ctx *g;
	struct gro_pkt out[2];
	int got;

	small_stream(&s, 10);
	run_init(&r, &s);
	cfg.release = on_release;
	cfg.release_arg = &r;
	cr_assert_eq(gro_create(&cfg, &g), GRO_OK);
	/* The ACK comes out; the flow of 9 is held. */
	got = gro_receive_pull(g, r.fr, 10, 1, out, 2);
	cr_assert_eq(got, 1);
	take(&r, out, got, 2);
	cr_assert_eq(gro_held(g), 1);
	gro_destroy(g);
	for (unsigned i = 0; i < 9; i++)
		cr_assert_eq(r.released[i], 1, "pull: a held frame goes back through release at destroy");
	cr_assert_eq(r.released[9], 0, "pull: a pulled frame is the caller's, never released");
	run_free(&r);

	/* Now with the packets pending, one handed out by the last call. */
	run_init(&r, &s);
	cr_assert_eq(gro_create(&cfg, &g), GRO_OK);
	cfg.release_arg = &r;
	gro_destroy(g);
	cr_assert_eq(gro_create(&cfg, &g), GRO_OK);
	cr_assert_eq(gro_receive_pull(g, r.fr, 10, 1, out, 0), 0);
	got = gro_flush_pull(g, 2, GRO_FLUSH_ALL, out, 1);
	cr_assert_eq(got, 1);
	take(&r, out, got, 1);
	cr_assert_eq(gro_pending(g), 1);
	gro_destroy(g);
	for (unsigned i = 0; i < 10; i++)
		cr_assert_eq(r.released[i] + r.returned[i], 1,
			     "pull: frame %u comes back exactly once, pulled or released", i);
	run_free(&r);
	stream_free(&s);
}

static void nop_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	(void)arg;
	(void)pkts;
	(void)n;
}

Test(pull, calls_of_the_other_mode_are_refused)
{
	struct gro_config cfg;
	struct gro_ctx *push, *pull;
	struct gro_pkt out[1];
	struct gro_frame fr = { 0 };

	gro_config_init(&cfg);
	cr_assert_eq(gro_create(&cfg, &pull), GRO_OK, "pull: no deliver hook is valid (pull-only)");
	cfg.deliver = nop_deliver;
	cr_assert_eq(gro_create(&cfg, &push), GRO_OK);

	cr_assert_eq(gro_receive(pull, &fr, 1, 0), GRO_EINVAL, "pull: gro_receive needs a deliver hook");
	cr_assert_eq(gro_flush(pull, 0, GRO_FLUSH_ALL), GRO_EINVAL, "pull: gro_flush needs a deliver hook");
	cr_assert_eq(gro_receive_pull(push, &fr, 1, 0, out, 1), GRO_EINVAL,
		     "pull: a context with a deliver hook is not pulled");
	cr_assert_eq(gro_flush_pull(push, 0, GRO_FLUSH_ALL, out, 1), GRO_EINVAL);
	cr_assert_eq(gro_pull(push, out, 1), GRO_EINVAL);
	cr_assert_eq(gro_pending(push), 0);

	cr_assert_eq(gro_receive_pull(NULL, &fr, 1, 0, out, 1), GRO_EINVAL);
	cr_assert_eq(gro_receive_pull(pull, NULL, 1, 0, out, 1), GRO_EINVAL);
	cr_assert_eq(gro_receive_pull(pull, &fr, 1, 0, NULL, 1), GRO_EINVAL);
	cr_assert_eq(gro_flush_pull(pull, 0, 7, out, 1), GRO_EINVAL, "pull: unknown flush mode");
	cr_assert_eq(gro_pull(pull, NULL, 1), GRO_EINVAL);
	cr_assert_eq(gro_pull(NULL, out, 1), GRO_EINVAL);
	cr_assert_eq(gro_pending(NULL), 0);
	cr_assert_eq(gro_receive_pull(pull, NULL, 0, 0, NULL, 0), 0, "pull: nothing in, nothing out");
	cr_assert_eq(gro_pull(pull, NULL, 0), 0);
	gro_destroy(pull);
	gro_destroy(push);
}
