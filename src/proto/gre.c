// SPDX-License-Identifier: MIT
/*
 * GRE: gre_gro_receive, gre_gro_complete, and gre_gso_segment's checksum.
 *
 * Version 0 with the K (key) and C (checksum) flags only: a sequence
 * number, the routing bit or another version cannot be cut back by GSO, so
 * such packets go up as they came. The flags, the protocol type and, with
 * K, the word after the base header are part of the flow (one tunnel):
 * the key, or with C as well the checksum word, which is what Linux
 * compares (segments of one stream have equal GRE checksums while their
 * sizes and pseudo headers are equal, so a shorter last one starts a new
 * flow, and the key itself is not compared). What follows is an IPv4 or
 * IPv6 header, or an Ethernet frame (0x6558), received as at the top, one
 * level of tunnel in. A checksum is verified before anything merges; a frame
 * with a bad one goes up at once and leaves the held packet alone. The
 * merged packet keeps the first segment's GRE checksum, as Linux leaves
 * it; libgro records GRO_GSO_GRE_CSUM so that segmentation can give every
 * segment its own.
 */
#include "layer.h"

#define GRE_CSUM	0x8000
#define GRE_KEY		0x2000
#define GRE_FLAGS_VER	0xffff0000u	/* flags and version, in the first word */

static uint32_t gre_hlen(uint16_t flags)
{
	return 4 + (flags & GRE_KEY ? 4 : 0) + (flags & GRE_CSUM ? 4 : 0);
}

/* Flags, version and protocol type; with K, the word after them. */
static unsigned gre_key(struct gro_keyseg *k, uint32_t off, uint32_t end)
{
	unsigned n = 1;

	k[0] = (struct gro_keyseg){ (uint16_t)off, 4, 0xffffffffull };
	if (end >= off + 8) {
		/* @end is off + 8 when K is set (see gre_receive). */
		k[1] = (struct gro_keyseg){ (uint16_t)(end - 4), 4, 0xffffffffull };
		n = 2;
	}
	return n;
}

static struct gro_flow *gre_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	const struct gro_layer *next;
	const uint8_t *gh;
	uint32_t off = cb->off, hlen;
	uint16_t flags;

	if (cb->encap_mark || off + 4 > cb->len) {
		gro_cb_flush(cb, cb->encap_mark ? GRO_R_UNHANDLED : GRO_R_MALFORMED);
		return NULL;
	}
	cb->encap_mark = 1;
	gh = cb->data + off;
	flags = (uint16_t)rd16(gh);
	next = gro_payload_find(ctx, rd16(gh + 2));
	if ((flags & ~(GRE_KEY | GRE_CSUM)) || !next) {
		gro_cb_flush(cb, GRO_R_UNHANDLED);
		return NULL;
	}
	hlen = gre_hlen(flags);
	if (off + hlen > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	/* Over the GRE header and all that follows, no pseudo header. */
	if ((flags & GRE_CSUM) && !cb->flush && !(cb->fflags & GRO_FRAME_CSUM_OK) &&
	    gro_csum16_fold(gro_csum_partial(gh, cb->len - off, 0)) != 0xffff) {
		gro_cb_flush(cb, GRO_R_L4_CSUM);
		return NULL;
	}
	/* gre_gro_receive compares, when K is set, the 32 bits after the
	 * base header "as the key": with C too, that is the checksum and
	 * the reserved half-word, and the key itself is not compared. */
	gro_cb_key(cb, &gro_gre_layer, off, flags & GRE_KEY ? off + 8 : off + 4);
	cb->off = off + hlen;
	return gro_call_receive(ctx, cb, next);
}

static void gre_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	uint16_t flags = (uint16_t)rd16(head + off);

	pkt->gso_type |= GRO_GSO_GRE | (flags & GRE_CSUM ? GRO_GSO_GRE_CSUM : 0);
	pkt->outer_l4_off = (uint16_t)off;
	gro_payload_find(NULL, rd16(head + off + 2))->complete(ctx, head, off + gre_hlen(flags), level,
							       f, pkt);
}

/* gre_gso_segment: each segment's GRE checksum, over the GRE header and
 * everything after it (the inner layers have rewritten theirs first). */
static void gre_segment(uint8_t *o, uint32_t off, unsigned level, const struct gro_gso *g)
{
	uint8_t *gh = o + off;
	uint32_t len = g->hdr_len - off + g->plen;

	(void)level;
	if (!(rd16(gh) & GRE_CSUM))
		return;
	wr16(gh + 4, 0);
	wr16(gh + 4, gro_csum_of(gh, len, 0));
}

static int gre_parse(const uint8_t *p, uint32_t len, uint32_t off, struct gro_hdr *h)
{
	uint16_t flags;

	if (off + 4 > len)
		return -1;
	flags = (uint16_t)rd16(p + off);
	if ((flags & ~(GRE_KEY | GRE_CSUM)) || off + gre_hlen(flags) > len)
		return -1;
	h->len = gre_hlen(flags);
	h->next = rd16(p + off + 2);
	return 0;
}

static const struct gro_layer *gre_next(uint32_t type)
{
	return gro_payload_find(NULL, type);
}

/* For a fast kind: no checksum (verified over the whole frame: the layered
 * path does that), so the header's length says whether a key follows;
 * flags, version and protocol type are the signature, the header equal to
 * the head's (all flow key). */
static bool gre_fast(struct gro_fast *k, uint32_t off, uint32_t end, const struct gro_layer *next)
{
	uint32_t hlen = end - off;
	uint16_t proto = gro_fast_proto(next);

	if (hlen != 4 && hlen != 8)
		return false;
	gro_fast_mark(k->same, off, hlen, 0xff);
	gro_fast_sig(k, off, 0xff, hlen == 8 ? GRE_KEY >> 8 : 0);
	gro_fast_sig(k, off + 1, 0xff, 0);
	gro_fast_sig(k, off + 2, 0xff, (uint8_t)(proto >> 8));
	gro_fast_sig(k, off + 3, 0xff, (uint8_t)proto);
	return true;
}

const struct gro_layer gro_gre_layer = {
	.name = "gre",
	.proto = GRO_IPPROTO_GRE,
	.class = GRO_LC_TUNNEL,
	.receive = gre_receive,
	.next = gre_next,
	.complete = gre_complete,
	.segment = gre_segment,
	.parse = gre_parse,
	.key = gre_key,
	.fast = gre_fast,
};
