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

uint64_t gro_csum_partial(const void *data, size_t len, uint64_t sum)
{
	const uint8_t *p = data;
	uint64_t s0 = 0, s1 = 0;

	/* Two accumulators of 32-bit words: each add can carry into bit 32
	 * at most once per word, so 2^31 words cannot overflow 64 bits. */
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
