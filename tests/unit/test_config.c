/* Configuration checks and API misuse: every bad argument is refused with
 * GRO_EINVAL and, for gro_create, a message naming the setting. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

static void nop_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	(void)arg;
	(void)pkts;
	(void)n;
}

static void good_config(struct gro_config *cfg)
{
	gro_config_init(cfg);
	cfg->deliver = nop_deliver;
}

/* gro_create must refuse @cfg with GRO_EINVAL, leave *out NULL, and explain
 * in a message that mentions @setting. */
static void expect_refused(const struct gro_config *cfg, const char *setting, const char *rule)
{
	struct gro_ctx *ctx = (struct gro_ctx *)(uintptr_t)1;
	const char *msg;

	cr_assert_eq(gro_create(cfg, &ctx), GRO_EINVAL, "%s: gro_create must return GRO_EINVAL", rule);
	cr_assert_null(ctx, "%s: *out must be NULL after a refusal", rule);
	msg = gro_config_error();
	cr_assert_not_null(msg, "%s: gro_config_error never returns NULL", rule);
	cr_assert(strlen(msg) > 0, "%s: gro_config_error must explain the refusal", rule);
	cr_assert_not_null(strstr(msg, setting), "%s: the message should name '%s', got '%s'",
			   rule, setting, msg);
}

Test(config, defaults_are_linux)
{
	struct gro_config cfg;

	memset(&cfg, 0xa5, sizeof(cfg));
	gro_config_init(&cfg);
	cr_assert_eq(cfg.max_flows, 64, "config: default max_flows is 64 (8 x 8)");
	cr_assert_eq(cfg.buckets, 8, "config: default buckets is 8");
	cr_assert_eq(cfg.max_size, 65535, "config: default max_size is 65535");
	cr_assert_eq(cfg.max_segs, 0, "config: default max_segs is 0 (no limit)");
	cr_assert_eq(cfg.batch, 64, "config: default batch is 64");
	cr_assert_eq(cfg.csum, GRO_CSUM_VERIFY, "config: checksums are verified by default");
	cr_assert_eq(cfg.flush_timeout_ns, 0, "config: default flush timeout is 0");
	cr_assert_null(cfg.deliver, "config: no deliver hook by default");
	cr_assert_null(cfg.release, "config: no release hook by default");
	cr_assert_eq(cfg.hash_seed, 0, "config: random hash key by default");
	cr_assert_eq(cfg.vlan, 1, "config: VLAN-tagged frames are merged by default");
}

Test(config, good_config_creates)
{
	struct gro_config cfg;
	struct gro_ctx *ctx = NULL;

	good_config(&cfg);
	cr_assert_eq(gro_create(&cfg, &ctx), GRO_OK, "config: the defaults plus a deliver hook are valid");
	cr_assert_not_null(ctx, "config: gro_create sets *out");
	cr_assert_gt(gro_memory(ctx), 0, "config: gro_memory reports what was allocated");
	cr_assert_eq(gro_held(ctx), 0, "config: a new engine holds nothing");
	gro_destroy(ctx);
}

Test(config, null_config_refused)
{
	struct gro_ctx *ctx = NULL;

	cr_assert_eq(gro_create(NULL, &ctx), GRO_EINVAL, "config: gro_create(NULL) is GRO_EINVAL");
	cr_assert(strlen(gro_config_error()) > 0, "config: gro_create(NULL) explains itself");
}

Test(config, null_out_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cr_assert_eq(gro_create(&cfg, NULL), GRO_EINVAL, "config: gro_create with out NULL is GRO_EINVAL");
	cr_assert(strlen(gro_config_error()) > 0, "config: and explains itself");
}

Test(config, zero_max_flows_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.max_flows = 0;
	expect_refused(&cfg, "max_flows", "config: max_flows 0");
}

Test(config, too_many_flows_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.max_flows = GRO_MAX_FLOWS + 8;
	expect_refused(&cfg, "max_flows", "config: max_flows above GRO_MAX_FLOWS");
}

Test(config, buckets_not_power_of_two_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.max_flows = 48;
	cfg.buckets = 3;
	expect_refused(&cfg, "buckets", "config: buckets must be a power of two");
}

Test(config, zero_buckets_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.buckets = 0;
	expect_refused(&cfg, "buckets", "config: buckets 0");
}

Test(config, buckets_not_dividing_max_flows_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.max_flows = 12;
	cfg.buckets = 8;
	expect_refused(&cfg, "buckets", "config: buckets must divide max_flows");
}

Test(config, max_size_too_small_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.max_size = 63;
	expect_refused(&cfg, "max_size", "config: max_size below 64");
}

Test(config, max_size_too_large_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.max_size = GRO_MAX_SIZE + 1;
	expect_refused(&cfg, "max_size", "config: max_size above GRO_MAX_SIZE");
}

Test(config, max_segs_out_of_range_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.max_segs = 70000;
	expect_refused(&cfg, "max_segs", "config: max_segs above 65535");
}

Test(config, zero_batch_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.batch = 0;
	expect_refused(&cfg, "batch", "config: batch 0");
}

Test(config, unknown_csum_policy_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.csum = (enum gro_csum_policy)7;
	expect_refused(&cfg, "csum", "config: unknown checksum policy");
}

Test(config, held_frames_below_max_flows_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.max_held_frames = 10;
	expect_refused(&cfg, "max_held_frames", "config: max_held_frames below max_flows");
}

Test(config, vlan_switch_out_of_range_refused)
{
	struct gro_config cfg;

	good_config(&cfg);
	cfg.vlan = 2;
	expect_refused(&cfg, "vlan", "config: vlan must be 0 or 1");
}

Test(api, receive_null_ctx_einval)
{
	struct gro_frame fr;

	memset(&fr, 0, sizeof(fr));
	cr_assert_eq(gro_receive(NULL, &fr, 1, 0), GRO_EINVAL, "api: gro_receive(NULL ctx) is GRO_EINVAL");
	cr_assert_eq(gro_receive(NULL, NULL, 0, 0), GRO_EINVAL, "api: gro_receive(NULL ctx, 0 frames) is GRO_EINVAL");
}

Test(api, receive_null_frames_einval)
{
	struct h *h = h_open(NULL);

	cr_assert_eq(gro_receive(h->gro, NULL, 3, 0), GRO_EINVAL,
		     "api: gro_receive with NULL frames and n > 0 is GRO_EINVAL");
	h_close(h);
}

Test(api, flush_misuse_einval)
{
	struct h *h = h_open(NULL);

	cr_assert_eq(gro_flush(NULL, 0, GRO_FLUSH_ALL), GRO_EINVAL, "api: gro_flush(NULL) is GRO_EINVAL");
	cr_assert_eq(gro_flush(h->gro, 0, 42), GRO_EINVAL, "api: an unknown flush mode is GRO_EINVAL");
	h_close(h);
}

Test(api, null_tolerant_helpers)
{
	struct gro_stats st;

	memset(&st, 0x5a, sizeof(st));
	gro_destroy(NULL);
	cr_assert_eq(gro_held(NULL), 0, "api: gro_held(NULL) is 0");
	cr_assert_eq(gro_memory(NULL), 0, "api: gro_memory(NULL) is 0");
	gro_get_stats(NULL, &st);
	cr_assert_eq(st.frames_in, 0x5a5a5a5a5a5a5a5aull, "api: gro_get_stats(NULL) leaves st alone");
}

Test(api, strerror_never_null)
{
	static const int codes[] = { GRO_OK, GRO_EINVAL, GRO_ENOMEM, GRO_ENOSPC, GRO_EPROTO, GRO_EBUSY, -99, 5 };
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *s = gro_strerror(codes[i]);

		cr_assert_not_null(s, "api: gro_strerror(%d) must not be NULL", codes[i]);
		cr_assert(strlen(s) > 0, "api: gro_strerror(%d) must say something", codes[i]);
	}
	cr_assert_str_neq(gro_strerror(GRO_EINVAL), gro_strerror(GRO_ENOSPC),
			  "api: different errors read differently");
}

Test(api, reason_names_never_null_and_distinct)
{
	int r, q;

	for (r = 0; r < GRO_R_COUNT; r++) {
		cr_assert_not_null(gro_reason_name(r), "api: gro_reason_name(%d) must not be NULL", r);
		cr_assert(strlen(gro_reason_name(r)) > 0, "api: reason %d has a name", r);
		for (q = 0; q < r; q++)
			cr_assert_str_neq(gro_reason_name(r), gro_reason_name(q),
					  "api: reasons %d and %d must have different names", r, q);
	}
	cr_assert_not_null(gro_reason_name(GRO_R_COUNT), "api: out-of-range reason still has a name");
	cr_assert_not_null(gro_reason_name((enum gro_reason)-1), "api: negative reason still has a name");
}

Test(api, linearize_small_buffer_enospc)
{
	static uint8_t a[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, b[5] = { 11, 12, 13, 14, 15 };
	struct gro_seg segs[2] = { { a, 10, NULL }, { b, 5, NULL } };
	struct gro_pkt p;
	uint8_t out[32];

	memset(&p, 0, sizeof(p));
	p.data = a;
	p.len = 15;
	p.nsegs = 2;
	p.segs = segs;
	cr_assert_eq(gro_pkt_linearize(&p, out, 14, 0), GRO_ENOSPC, "linearize: a buffer one byte short is GRO_ENOSPC");
	cr_assert_eq(gro_pkt_linearize(&p, out, 0, 0), GRO_ENOSPC, "linearize: a zero-size buffer is GRO_ENOSPC");
	cr_assert_eq(gro_pkt_linearize(&p, out, 15, 0), 15, "linearize: an exact buffer is enough");
	cr_assert_eq(out[10], 11, "linearize: spans are concatenated in order");
	cr_assert_eq(gro_pkt_linearize(NULL, out, 15, 0), GRO_EINVAL, "linearize: NULL packet is GRO_EINVAL");
}
