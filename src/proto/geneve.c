// SPDX-License-Identifier: MIT
/*
 * GENEVE (RFC 8926): geneve_gro_receive and geneve_gro_complete.
 *
 * Reached from UDP for a configured GENEVE port (gro_config.tunnels). The
 * whole header, options included, is part of the flow, compared byte for
 * byte; version 0 only, and OAM frames are never merged. The protocol type
 * names what follows: Ethernet (0x6558), or a packet the EtherType table
 * knows (IPv4, IPv6), received one level in.
 */
#include "layer.h"

#define GENEVE_HLEN	8
#define GENEVE_OAM	0x80	/* in the second byte */

static uint32_t geneve_hlen(const uint8_t *gh)
{
	return GENEVE_HLEN + (gh[0] & 0x3f) * 4u;
}

/* The whole header: a word when it has no options, else a range. The
 * receive callback passes its end. */
static unsigned geneve_key(struct gro_keyseg *k, uint32_t off, uint32_t end)
{
	k[0] = (struct gro_keyseg){ (uint16_t)off, (uint16_t)(end - off), ~0ull };
	return 1;
}

static struct gro_flow *geneve_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	const struct gro_layer *next;
	const uint8_t *gh;
	uint32_t hlen;

	if (cb->off + GENEVE_HLEN > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	gh = cb->data + cb->off;
	if ((gh[0] >> 6) != 0 || (gh[1] & GENEVE_OAM)) {
		gro_cb_flush(cb, GRO_R_UNHANDLED);
		return NULL;
	}
	hlen = geneve_hlen(gh);
	if (cb->off + hlen > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	next = gro_payload_find(ctx, rd16(gh + 2));
	if (!next) {
		gro_cb_flush(cb, GRO_R_UNHANDLED);
		return NULL;
	}
	gro_cb_key(cb, &gro_geneve_layer, cb->off, cb->off + hlen);
	cb->off += hlen;
	return gro_call_receive(ctx, cb, next);
}

static void geneve_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			    unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	const uint8_t *gh = head + off;

	gro_payload_find(NULL, rd16(gh + 2))->complete(ctx, head, off + geneve_hlen(gh), level, f,
						       pkt);
}

static int geneve_parse(const uint8_t *p, uint32_t len, uint32_t off, struct gro_hdr *h)
{
	if (off + GENEVE_HLEN > len || off + geneve_hlen(p + off) > len)
		return -1;
	h->len = geneve_hlen(p + off);
	h->next = rd16(p + off + 2);
	return 0;
}

static const struct gro_layer *geneve_next(uint32_t type)
{
	return gro_payload_find(NULL, type);
}

/* For a fast kind: the header equal to the head's (all flow key), its
 * first bytes the signature: version 0 and this options length, not OAM,
 * the protocol type of what follows. */
static bool geneve_fast(struct gro_fast *k, uint32_t off, uint32_t end, const struct gro_layer *next)
{
	uint32_t hlen = end - off;
	uint16_t proto = gro_fast_proto(next);

	if (hlen < GENEVE_HLEN || (hlen - GENEVE_HLEN) / 4 > 0x3f || hlen % 4)
		return false;
	gro_fast_mark(k->same, off, hlen, 0xff);
	gro_fast_sig(k, off, 0xff, (uint8_t)((hlen - GENEVE_HLEN) / 4));
	gro_fast_sig(k, off + 1, GENEVE_OAM, 0);
	gro_fast_sig(k, off + 2, 0xff, (uint8_t)(proto >> 8));
	gro_fast_sig(k, off + 3, 0xff, (uint8_t)proto);
	return true;
}

const struct gro_layer gro_geneve_layer = {
	.name = "geneve",
	.proto = GRO_TUNNEL_GENEVE,
	.class = GRO_LC_TUNNEL,
	.receive = geneve_receive,
	.next = geneve_next,
	.complete = geneve_complete,
	.parse = geneve_parse,
	.key = geneve_key,
	.fast = geneve_fast,
};
