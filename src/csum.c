// SPDX-License-Identifier: MIT
/*
 * Internet checksum (RFC 1071) arithmetic.
 *
 * Sums are kept in host word order in a 64-bit accumulator: ones'-complement
 * addition is byte-order independent up to a final byte swap, so loading
 * native words avoids a swap per word. gro_csum16_fold() returns the folded
 * sum as the big-endian 16-bit value a header field holds.
 */
#include <arpa/inet.h>

#include "gro_internal.h"

/*
 * Every variant below computes the same two plain 64-bit sums: s0 over the
 * 32-bit words at byte offsets 0 and 8 of each 16-byte block plus every
 * whole word after the last block, and s1 over the words at offsets 4 and
 * 12 plus the zero-padded tail bytes. Integer addition modulo 2^64 does
 * not depend on the order it is done in, so the vector code, which adds
 * the same words in other orders, returns exactly the bits the portable
 * code returns (not just the same folded checksum).
 */

/* What the vector loops leave over: fewer than 32 bytes. */
static inline uint64_t csum_tail(const uint8_t *p, size_t len, uint64_t s0, uint64_t s1,
				 uint64_t sum)
{
	while (len >= 16) {
		s0 += ld32(p);
		s1 += ld32(p + 4);
		s0 += ld32(p + 8);
		s1 += ld32(p + 12);
		p += 16;
		len -= 16;
	}
	while (len >= 4) {
		s0 += ld32(p);
		p += 4;
		len -= 4;
	}
	if (len) {
		uint8_t tail[4] = { 0, 0, 0, 0 };

		memcpy(tail, p, len);
		s1 += ld32(tail);
	}
	sum += s0;
	if (sum < s0)
		sum++;
	sum += s1;
	if (sum < s1)
		sum++;
	return sum;
}

uint64_t gro_csum_partial_generic(const void *data, size_t len, uint64_t sum)
{
	const uint8_t *p = data;
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;

	/* Two accumulators of 32-bit words each way round: each add can
	 * carry into bit 32 at most once per word, so 2^31 words cannot
	 * overflow 64 bits. Four independent chains keep the adder busy. */
	while (len >= 32) {
		s0 += ld32(p);
		s1 += ld32(p + 4);
		s2 += ld32(p + 8);
		s3 += ld32(p + 12);
		s0 += ld32(p + 16);
		s1 += ld32(p + 20);
		s2 += ld32(p + 24);
		s3 += ld32(p + 28);
		p += 32;
		len -= 32;
	}
	return csum_tail(p, len, s0 + s2, s1 + s3, sum);
}

#if defined(__x86_64__) && defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <immintrin.h>

/*
 * AVX2: each 64-bit lane of a 32-byte load holds one word of each class
 * (low half: offset 0 or 8 of a 16-byte block; high half: 4 or 12), so
 * masking and shifting split them into two vectors of 64-bit sums, which
 * cannot overflow for any length this library sees.
 */
__attribute__((target("avx2")))
static uint64_t csum_avx2(const void *data, size_t len, uint64_t sum)
{
	const uint8_t *p = data;
	const __m256i lo = _mm256_set1_epi64x(0xffffffff);
	__m256i e0 = _mm256_setzero_si256(), o0 = e0, e1 = e0, o1 = e0;
	uint64_t s0, s1;
	__m128i t;

	while (len >= 64) {
		__m256i a = _mm256_loadu_si256((const __m256i *)p);
		__m256i b = _mm256_loadu_si256((const __m256i *)(p + 32));

		e0 = _mm256_add_epi64(e0, _mm256_and_si256(a, lo));
		o0 = _mm256_add_epi64(o0, _mm256_srli_epi64(a, 32));
		e1 = _mm256_add_epi64(e1, _mm256_and_si256(b, lo));
		o1 = _mm256_add_epi64(o1, _mm256_srli_epi64(b, 32));
		p += 64;
		len -= 64;
	}
	if (len >= 32) {
		__m256i a = _mm256_loadu_si256((const __m256i *)p);

		e0 = _mm256_add_epi64(e0, _mm256_and_si256(a, lo));
		o0 = _mm256_add_epi64(o0, _mm256_srli_epi64(a, 32));
		p += 32;
		len -= 32;
	}
	e0 = _mm256_add_epi64(e0, e1);
	o0 = _mm256_add_epi64(o0, o1);
	t = _mm_add_epi64(_mm256_castsi256_si128(e0), _mm256_extracti128_si256(e0, 1));
	s0 = (uint64_t)_mm_cvtsi128_si64(t) + (uint64_t)_mm_extract_epi64(t, 1);
	t = _mm_add_epi64(_mm256_castsi256_si128(o0), _mm256_extracti128_si256(o0, 1));
	s1 = (uint64_t)_mm_cvtsi128_si64(t) + (uint64_t)_mm_extract_epi64(t, 1);
	return csum_tail(p, len, s0, s1, sum);
}

typedef uint64_t (*csum_fn)(const void *, size_t, uint64_t);

static uint64_t csum_pick(const void *data, size_t len, uint64_t sum);
static csum_fn csum_impl = csum_pick;

/* Chosen on first use: every thread that races here stores the same. */
static csum_fn csum_choose(void)
{
	csum_fn f;

	__builtin_cpu_init();
	f = __builtin_cpu_supports("avx2") ? csum_avx2 : gro_csum_partial_generic;
	__atomic_store_n(&csum_impl, f, __ATOMIC_RELAXED);
	return f;
}

static uint64_t csum_pick(const void *data, size_t len, uint64_t sum)
{
	return csum_choose()(data, len, sum);
}

uint64_t gro_csum_partial(const void *data, size_t len, uint64_t sum)
{
	/* Short spans (pseudo-headers, IP headers) are not worth a call
	 * through a pointer. */
	if (len < 64)
		return gro_csum_partial_generic(data, len, sum);
	return __atomic_load_n(&csum_impl, __ATOMIC_RELAXED)(data, len, sum);
}

const char *gro_csum_variant(void)
{
	csum_fn f = __atomic_load_n(&csum_impl, __ATOMIC_RELAXED);

	if (f == csum_pick)
		f = csum_choose();
	return f == csum_avx2 ? "avx2" : "portable";
}
#else
uint64_t gro_csum_partial(const void *data, size_t len, uint64_t sum)
{
	return gro_csum_partial_generic(data, len, sum);
}

const char *gro_csum_variant(void)
{
	return "portable";
}
#endif

uint16_t gro_csum16_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ntohs((uint16_t)sum);
}

/* RFC 1624 incremental update of a checksum field when a 16-bit word of
 * the covered data changes from @old to @now, with the same end-around
 * carries as Linux's csum_replace2(), so the field's bytes match it even
 * where 0x0000 and 0xffff would both be correct. */
static uint16_t csum16_add(uint16_t csum, uint16_t addend)
{
	uint16_t res = (uint16_t)(csum + addend);

	return (uint16_t)(res + (res < addend));
}

void gro_csum_replace2(uint8_t *check, uint16_t old, uint16_t now)
{
	uint16_t c = (uint16_t)~rd16(check);

	c = csum16_add(c, (uint16_t)~old);
	c = csum16_add(c, now);
	wr16(check, (uint16_t)~c);
}

uint64_t gro_csum_add(uint64_t sum, const void *data, size_t len)
{
	return gro_csum_partial(data, len, sum);
}

uint16_t gro_csum_fold(uint64_t sum)
{
	return gro_csum16_fold(sum);
}
