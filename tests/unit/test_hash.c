/*
 * The flow-key hash (src/gro_internal.h): the general form, which takes
 * ranges, and the form for keys of words only, which the fast path
 * inlines, must give the same hash for the same key; and structured sets
 * of keys (counting ports, counting addresses, addresses whose xor is
 * constant, high bits, MAC addresses) must spread over a table as random
 * keys would.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "gro_internal.h"

static struct gro_ctx *keyed(uint64_t k0, uint64_t k1)
{
	struct gro_ctx *ctx = calloc(1, sizeof(*ctx));

	cr_assert(ctx);
	ctx->k0 = k0;
	ctx->k1 = k1;
	ctx->kmul = (k1 * 0x9e3779b97f4a7c15ull ^ k0) | 1ull << 63 | 1;
	return ctx;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

Test(hash, word_form_equals_general_form)
{
	struct gro_ctx *ctx = keyed(0x243f6a8885a308d3ull, 0x13198a2e03707344ull);
	struct gro_keyseg k[GRO_KEY_MAX];
	uint8_t p[160];
	uint64_t s = 88172645463325252ull;
	unsigned t, i, n;

	for (t = 0; t < 2000; t++) {
		for (i = 0; i < sizeof(p); i++)
			p[i] = (uint8_t)rnd(&s);
		n = 1 + (unsigned)(rnd(&s) % 16);
		for (i = 0; i < n; i++) {
			unsigned len = (unsigned)(rnd(&s) % 9);	/* 0: a flag */

			k[i].off = (uint16_t)(rnd(&s) % (sizeof(p) - 8));
			k[i].len = (uint16_t)len;
			k[i].mask = len == 8 ? ~0ull : len ? (1ull << (8 * len)) - 1 : 0xffff;
		}
		cr_assert_eq(gro_key_hash(ctx, p, k, n, (uint32_t)t),
			     gro_key_hash_words(ctx, p, k, n, (uint32_t)t),
			     "key of %u words: the two forms disagree", n);
	}
	free(ctx);
}

Test(hash, every_byte_of_a_range_counts)
{
	struct gro_ctx *ctx = keyed(1, 2);
	struct gro_keyseg k[2] = { { 0, 4, 0xffffffffull }, { 4, 21, 0 } };
	uint8_t p[32] = { 0 };
	uint32_t h0 = gro_key_hash(ctx, p, k, 2, 0);
	unsigned i;

	for (i = 4; i < 25; i++) {
		p[i] ^= 0x40;
		cr_expect_neq(gro_key_hash(ctx, p, k, 2, 0), h0, "byte %u of the range ignored", i);
		p[i] ^= 0x40;
	}
	p[25] = 1;	/* past the range: not part of the key */
	cr_expect_eq(gro_key_hash(ctx, p, k, 2, 0), h0);
	free(ctx);
}

enum set { PORTS, SADDR, XOR_EQUAL, HIGH_BITS, SMAC, NSETS };

static const char *const set_name[NSETS] = {
	"counting ports", "counting source addresses", "addresses with a constant xor",
	"addresses differing in high bits", "counting source MACs",
};

/* The keys of a TCP/IPv4 frame's flow, as the fast path's kind has them:
 * the MAC addresses and type, the protocol, the addresses, the ports. */
static const struct gro_keyseg tcp4_key[5] = {
	{ 0, 8, ~0ull }, { 8, 6, 0xffffffffffffull }, { 23, 1, 0xff },
	{ 26, 8, ~0ull }, { 34, 4, 0xffffffffull },
};

static void make_key(uint8_t *p, enum set set, uint32_t i)
{
	uint32_t sa = 0x0a000001, da = 0x0a000002;
	uint16_t sp = 40000, dp = 80;

	memset(p, 0, 64);
	p[12] = 0x08;
	p[23] = 6;
	switch (set) {
	case PORTS:
		sp = (uint16_t)i;
		dp = (uint16_t)(80 + (i >> 16));
		break;
	case SADDR:
		sa = 0x0a000000 + i;
		break;
	case XOR_EQUAL:
		sa ^= i;
		da ^= i;
		break;
	case HIGH_BITS:
		sa = i << 14;
		break;
	case SMAC:
		p[6] = (uint8_t)i;
		p[7] = (uint8_t)(i >> 8);
		p[8] = (uint8_t)(i >> 16);
		break;
	default:
		break;
	}
	memcpy(p + 26, &sa, 4);
	memcpy(p + 30, &da, 4);
	memcpy(p + 34, &sp, 2);
	memcpy(p + 36, &dp, 2);
}

/* 2^16 keys of each set into 2^16 slots: random keys leave e^-1 = 36.8% of
 * the slots empty (standard deviation 0.19 points) and chains of at most
 * 8 or 9; a hash that kept some structure of the set would leave more
 * empty and make longer chains. */
Test(hash, structured_keys_spread_as_random_ones)
{
	enum { BITS = 16, N = 1 << BITS };
	uint32_t *cnt = calloc(N, sizeof(*cnt));
	uint8_t p[64];
	unsigned seed, set, i;

	cr_assert(cnt);
	for (seed = 1; seed <= 3; seed++) {
		struct gro_ctx *ctx = keyed(0x452821e638d01377ull * seed, 0xbe5466cf34e90c6cull ^ seed);

		for (set = 0; set < NSETS; set++) {
			uint32_t empty = 0, longest = 0;

			memset(cnt, 0, N * sizeof(*cnt));
			for (i = 0; i < N; i++) {
				make_key(p, (enum set)set, i);
				cnt[gro_key_hash_words(ctx, p, tcp4_key, 5, 0) & (N - 1)]++;
			}
			for (i = 0; i < N; i++) {
				empty += !cnt[i];
				if (cnt[i] > longest)
					longest = cnt[i];
			}
			cr_expect(empty > N * 0.358 && empty < N * 0.378,
				  "%s: %.3f of the slots empty (random keys: 0.368)", set_name[set],
				  (double)empty / N);
			cr_expect(longest <= 12, "%s: a chain of %u (random keys: 8 or 9)",
				  set_name[set], longest);
		}
		free(ctx);
	}
	free(cnt);
}

/* A pair of words mixed by one product is the step whose symmetry a
 * sender would try: the same two words in the other order. With the
 * words masked by different secrets the two products differ, so such keys
 * collide no more often than any two keys (2^-32 for a 32-bit hash). */
Test(hash, a_pair_of_words_swapped_is_another_key)
{
	struct gro_ctx *ctx = keyed(0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull);
	const struct gro_keyseg k[2] = { { 0, 8, ~0ull }, { 8, 8, ~0ull } };
	uint64_t s = 0x9e3779b97f4a7c15ull;
	uint8_t p[16], q[16];
	unsigned t, same = 0;

	for (t = 0; t < 65536; t++) {
		uint64_t a = rnd(&s), b = rnd(&s);

		if (t & 1)
			b = a ^ (1ull << (t % 64));	/* words one bit apart */
		memcpy(p, &a, 8);
		memcpy(p + 8, &b, 8);
		memcpy(q, &b, 8);
		memcpy(q + 8, &a, 8);
		same += gro_key_hash_words(ctx, p, k, 2, 0) == gro_key_hash_words(ctx, q, k, 2, 0);
	}
	cr_expect_leq(same, 2, "%u of 65536 keys hash as their words swapped", same);
	free(ctx);
}
