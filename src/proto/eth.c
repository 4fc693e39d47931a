// SPDX-License-Identifier: MIT
/*
 * Ethernet and 802.1Q / 802.1ad VLAN tags: dev_gro_receive's MAC header
 * comparison and vlan_gro_receive / vlan_gro_complete.
 *
 * The MAC header and every tag are part of the flow key, compared whole,
 * as gro_list_prepare and vlan_gro_receive compare them. This file also
 * holds the EtherType table, Linux's offload_base.
 */
#include "layer.h"

static const struct gro_layer *const link_table[] = {
	&gro_ipv4_layer,
	&gro_ipv6_layer,
	&gro_ctag_layer,
	&gro_stag_layer,
};

const struct gro_layer *gro_link_find(uint16_t type)
{
	unsigned i;

	for (i = 0; i < sizeof(link_table) / sizeof(link_table[0]); i++)
		if (link_table[i]->proto == type)
			return link_table[i];
	return NULL;
}

const struct gro_layer *gro_link_at(unsigned i)
{
	return i < sizeof(link_table) / sizeof(link_table[0]) ? link_table[i] : NULL;
}

static const struct gro_layer *link_find(uint32_t type)
{
	return type < 0x10000 ? gro_link_find((uint16_t)type) : NULL;
}

static bool is_vlan(const struct gro_layer *l)
{
	return l == &gro_ctag_layer || l == &gro_stag_layer;
}

/* The layer for the EtherType at @p, or NULL (the frame goes up as is):
 * without VLAN support the kernel has no handler for tagged frames. */
static const struct gro_layer *link_next(const struct gro_ctx *ctx, const uint8_t *p)
{
	const struct gro_layer *l = gro_link_find(rd16(p));

	return l && (ctx->cfg.vlan || !is_vlan(l)) ? l : NULL;
}

/* What a tunnel header's protocol type names (GRE): an EtherType, or
 * Ethernet itself (0x6558, transparent Ethernet bridging): Linux's
 * gro_find_receive_by_type. @ctx NULL: whatever the configuration. */
const struct gro_layer *gro_payload_find(const struct gro_ctx *ctx, uint32_t type)
{
	if (type == ETH_P_TEB)
		return &gro_eth_layer;
	if (type >= 0x10000)
		return NULL;
	return ctx ? link_next(ctx, (const uint8_t[]){ (uint8_t)(type >> 8), (uint8_t)type })
		   : gro_link_find((uint16_t)type);
}

/* ---------------------------------------------------------------- Ethernet */

static unsigned eth_key(struct gro_keyseg *k, uint32_t off, uint32_t end)
{
	(void)end;
	/* Bytes 0-7 and 6-13: destination, source and EtherType. */
	k[0] = (struct gro_keyseg){ (uint16_t)off, 8, ~0ull };
	k[1] = (struct gro_keyseg){ (uint16_t)(off + 6), 8, ~0ull };
	return 2;
}

static struct gro_flow *eth_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	const struct gro_layer *next;

	if (cb->off + ETH_HLEN > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	next = link_next(ctx, cb->data + cb->off + 12);
	if (!next) {
		gro_cb_flush(cb, GRO_R_UNHANDLED);
		return NULL;
	}
	gro_cb_key(cb, &gro_eth_layer, cb->off, cb->off + ETH_HLEN);
	cb->off += ETH_HLEN;
	/* dev_gro_receive calls the first layer itself: not counted. An
	 * Ethernet header inside a tunnel is eth_gro_receive's, whose call
	 * is (indirect_call_gro_receive_inet). */
	if (cb->nstack > 1)
		return gro_call_receive(ctx, cb, next);
	return gro_enter(ctx, cb, next);
}

static void eth_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	gro_link_find(rd16(head + off + 12))->complete(ctx, head, off + ETH_HLEN, level, f, pkt);
}

static int eth_parse(const uint8_t *p, uint32_t len, uint32_t off, struct gro_hdr *h)
{
	if (off + ETH_HLEN > len)
		return -1;
	h->len = ETH_HLEN;
	h->next = rd16(p + off + 12);
	return 0;
}

static bool eth_fast(struct gro_fast *k, uint32_t off, uint32_t end, const struct gro_layer *next)
{
	(void)end;
	gro_fast_mark(k->same, off, ETH_HLEN, 0xff);
	gro_fast_sig(k, off + 12, 0xff, (uint8_t)(next->proto >> 8));
	gro_fast_sig(k, off + 13, 0xff, (uint8_t)next->proto);
	return true;
}

const struct gro_layer gro_eth_layer = {
	.name = "eth",
	.class = GRO_LC_LINK,
	.fast_len = ETH_HLEN,
	.receive = eth_receive,
	.next = link_find,
	.complete = eth_complete,
	.parse = eth_parse,
	.key = eth_key,
	.fast = eth_fast,
};

/* ---------------------------------------------------------------- VLAN */

/* The tag: TCI and the EtherType it carries. */
static unsigned vlan_key(struct gro_keyseg *k, uint32_t off, uint32_t end)
{
	(void)end;
	k[0] = (struct gro_keyseg){ (uint16_t)off, 4, 0xffffffffull };
	return 1;
}

/* A tag whose inner EtherType nobody handles is delivered as is; otherwise
 * the tag is stepped over and the inner protocol decides. */
static struct gro_flow *vlan_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	const struct gro_layer *next;

	if (cb->off + 4 > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	next = link_next(ctx, cb->data + cb->off + 2);
	if (!next) {
		gro_cb_flush(cb, GRO_R_UNHANDLED);
		return NULL;
	}
	gro_cb_key(cb, cb->stack[cb->nstack - 1], cb->off, cb->off + 4);
	cb->off += 4;
	return gro_call_receive(ctx, cb, next);
}

static void vlan_complete(const struct gro_ctx *ctx, uint8_t *head, uint32_t off,
			 unsigned level, const struct gro_flow *f, struct gro_pkt *pkt)
{
	gro_link_find(rd16(head + off + 2))->complete(ctx, head, off + 4, level, f, pkt);
}

static int vlan_parse(const uint8_t *p, uint32_t len, uint32_t off, struct gro_hdr *h)
{
	if (off + 4 > len)
		return -1;
	h->len = 4;
	h->next = rd16(p + off + 2);
	return 0;
}

static bool vlan_fast(struct gro_fast *k, uint32_t off, uint32_t end, const struct gro_layer *next)
{
	(void)end;
	gro_fast_mark(k->same, off, 4, 0xff);
	gro_fast_sig(k, off + 2, 0xff, (uint8_t)(next->proto >> 8));
	gro_fast_sig(k, off + 3, 0xff, (uint8_t)next->proto);
	return true;
}

const struct gro_layer gro_ctag_layer = {
	.name = "vlan",
	.proto = ETH_P_8021Q,
	.class = GRO_LC_LINK,
	.fast_len = 4,
	.receive = vlan_receive,
	.next = link_find,
	.complete = vlan_complete,
	.parse = vlan_parse,
	.key = vlan_key,
	.fast = vlan_fast,
};

const struct gro_layer gro_stag_layer = {
	.name = "vlan-ad",
	.proto = ETH_P_8021AD,
	.class = GRO_LC_LINK,
	.fast_len = 4,
	.receive = vlan_receive,
	.next = link_find,
	.complete = vlan_complete,
	.parse = vlan_parse,
	.key = vlan_key,
	.fast = vlan_fast,
};
