/* The public checksum helpers against pktbuild's independent
 * implementation, on random data of every length and alignment. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

static uint32_t rng_state = 0x12345678u;

static uint8_t rnd8(void)
{
	/* xorshift32: deterministic, so a failure can be replayed */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return (uint8_t)rng_state;
}

/* The folded, not complemented, sum according to pktbuild. */
static uint16_t ref_sum(const uint8_t *p, size_t len)
{
	return (uint16_t)~pb_csum_fold(pb_csum_add(0, p, len));
}

Test(csum, every_length_and_alignment_matches_reference)
{
	uint8_t buf[256 + 8];
	size_t len, align;
	int round;

	for (round = 0; round < 4; round++)
		for (align = 0; align < 8; align++)
			for (len = 0; len <= 200; len++) {
				uint8_t *p = buf + align;
				size_t i;

				for (i = 0; i < len; i++)
					p[i] = rnd8();
				cr_assert_eq(gro_csum_fold(gro_csum_add(0, p, len)), ref_sum(p, len),
					     "csum: gro_csum_add/fold must match the reference "
					     "(len %zu, alignment %zu, round %d)", len, align, round);
			}
}

Test(csum, all_ones_and_all_zero)
{
	uint8_t ones[200], zero[200];
	size_t len;

	memset(ones, 0xff, sizeof(ones));
	memset(zero, 0, sizeof(zero));
	for (len = 0; len <= 200; len++) {
		cr_assert_eq(gro_csum_fold(gro_csum_add(0, ones, len)), ref_sum(ones, len),
			     "csum: 0xff bytes (carry heavy), len %zu", len);
		cr_assert_eq(gro_csum_fold(gro_csum_add(0, zero, len)), 0,
			     "csum: zero bytes sum to 0, len %zu", len);
	}
}

Test(csum, sums_chain_at_even_offsets)
{
	uint8_t buf[201];
	size_t i, split;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = rnd8();
	for (split = 0; split <= 200; split += 2) {
		uint64_t s = gro_csum_add(0, buf, split);

		s = gro_csum_add(s, buf + split, sizeof(buf) - split);
		cr_assert_eq(gro_csum_fold(s), ref_sum(buf, sizeof(buf)),
			     "csum: summing in two pieces split at even offset %zu equals one sum", split);
	}
}

Test(csum, seed_is_added)
{
	static const uint8_t word[2] = { 0x12, 0x34 };
	uint64_t seed = gro_csum_add(0, word, 2);
	uint8_t data[64], both[66];
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = rnd8();
	memcpy(both, word, 2);
	memcpy(both + 2, data, sizeof(data));
	cr_assert_eq(gro_csum_fold(gro_csum_add(seed, data, sizeof(data))), ref_sum(both, sizeof(both)),
		     "csum: gro_csum_add adds the data to the sum passed in");
}

/* The reference over a long buffer, summed in 4 KiB pieces (pktbuild's
 * 32-bit accumulator folds only at the end of each call). */
static uint16_t ref_sum_long(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t off;

	for (off = 0; off < len; off += 4096)
		sum = pb_csum_add(sum, p + off, len - off < 4096 ? len - off : 4096);
	return (uint16_t)~pb_csum_fold(sum);
}

Test(csum, fold_of_large_sums)
{
	/* Many 0xffff words: the 64-bit accumulator must fold all carries. */
	static uint8_t big[65536 * 4];
	size_t len, i;

	memset(big, 0xff, sizeof(big));
	for (len = sizeof(big) - 7; len <= sizeof(big); len++)
		cr_assert_eq(gro_csum_fold(gro_csum_add(0, big, len)), ref_sum_long(big, len),
			     "csum: long carry-heavy buffers fold like the reference (len %zu)", len);
	for (i = 0; i < sizeof(big); i++)
		big[i] = rnd8();
	cr_assert_eq(gro_csum_fold(gro_csum_add(0, big, sizeof(big))), ref_sum_long(big, sizeof(big)),
		     "csum: a long random buffer folds like the reference");
}

Test(csum, verifies_a_built_header)
{
	struct pb_frame f;
	uint8_t buf[128];

	/* A header with its checksum in place sums to 0xffff. */
	h_seg_init(&f, 0, 10);
	cr_assert_neq(pb_build(&f, buf, sizeof(buf)), 0);
	cr_assert_eq(gro_csum_fold(gro_csum_add(0, buf + 14, 20)), 0xffff,
		     "csum: a valid IPv4 header sums to 0xffff with gro_csum_add/fold");
}
