// SPDX-License-Identifier: MIT
/*
 * VXLAN (RFC 7348): vxlan_gro_receive and vxlan_gro_complete.
 *
 * Reached from UDP for a configured VXLAN port (gro_config.tunnels). The
 * 8-byte header is part of the flow whole: the flags word and the VNI word
 * with its reserved byte, compared as Linux compares them (the I flag is
 * not checked here: the device drops a frame without it after GRO). What
 * follows is an Ethernet frame, received as at the top. Remote checksum
 * offload is a per-device option, off by default, that libgro does not
 * model: its flag is compared like any other.
 */
#include "layer.h"

#define VXLAN_HLEN	8

static unsigned vxlan_key(struct gro_keyseg *k, uint32_t off, uint32_t end)
{
	(void)end;
	k[0] = (struct gro_keyseg){ (uint16_t)off, 8, ~0ull };
	return 1;
}

static struct gro_flow *vxlan_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	if (cb->off + VXLAN_HLEN > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	gro_cb_key(cb, &gro_vxlan_layer, cb->off, cb->off + VXLAN_HLEN);
	cb->off += VXLAN_HLEN;
	return gro_call_receive(ctx, cb, &gro_eth_layer);
}

static void vxlan_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			   unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	gro_eth_layer.complete(ctx, head, off + VXLAN_HLEN, level, f, pkt);
}

static int vxlan_parse(const uint8_t *p, uint32_t len, uint32_t off, struct gro_hdr *h)
{
	(void)p;
	if (off + VXLAN_HLEN > len)
		return -1;
	h->len = VXLAN_HLEN;
	h->next = ETH_P_TEB;
	return 0;
}

static const struct gro_layer *vxlan_next(uint32_t type)
{
	return gro_payload_find(NULL, type);
}

/* For a fast kind: the header equal to the head's (it is all flow key). */
static bool vxlan_fast(struct gro_fast *k, uint32_t off, uint32_t end, const struct gro_layer *next)
{
	(void)next;
	if (end != off + VXLAN_HLEN)
		return false;
	gro_fast_mark(k->same, off, VXLAN_HLEN, 0xff);
	return true;
}

const struct gro_layer gro_vxlan_layer = {
	.name = "vxlan",
	.proto = GRO_TUNNEL_VXLAN,
	.class = GRO_LC_TUNNEL,
	.receive = vxlan_receive,
	.next = vxlan_next,
	.complete = vxlan_complete,
	.parse = vxlan_parse,
	.key = vxlan_key,
	.fast = vxlan_fast,
};
