// SPDX-License-Identifier: MIT
/*
 * Delivered packets: turning the zero-copy form into one buffer.
 */
#include "gro_internal.h"

long gro_pkt_linearize(const struct gro_pkt *pkt, uint8_t *buf, size_t cap, unsigned flags)
{
	uint64_t total = 0;
	uint32_t i, off = 0;

	if (!pkt || (!buf && cap) || (!pkt->segs && pkt->nsegs))
		return GRO_EINVAL;
	/* The spans decide what is written, whatever len says. */
	for (i = 0; i < pkt->nsegs; i++)
		total += pkt->segs[i].len;
	if (pkt->len > cap || total > cap)
		return GRO_ENOSPC;
	for (i = 0; i < pkt->nsegs; i++) {
		/* An empty span may carry a NULL pointer; memcpy must not see it. */
		if (!pkt->segs[i].len)
			continue;
		memcpy(buf + off, pkt->segs[i].data, pkt->segs[i].len);
		off += pkt->segs[i].len;
	}
	/* The field holds the pseudo-header sum: fold the segment in and
	 * store the complement, which is what the sender would have sent. */
	if ((flags & GRO_LIN_CSUM) && pkt->csum_partial &&
	    (uint32_t)pkt->csum_start + pkt->csum_offset + 2 <= off) {
		uint8_t *field = buf + pkt->csum_start + pkt->csum_offset;
		uint64_t sum = gro_csum_partial(buf + pkt->csum_start, off - pkt->csum_start, 0);
		uint16_t check = (uint16_t)~gro_csum16_fold(sum);

		/* A UDP checksum (at offset 6) that comes out 0 is sent as
		 * 0xffff: 0 says there is none. */
		wr16(field, !check && pkt->csum_offset == 6 ? 0xffff : check);
	}
	return off;
}
