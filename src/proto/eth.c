// SPDX-License-Identifier: MIT
/*
 * Ethernet and 802.1Q / 802.1ad VLAN tags.
 *
 * Ethernet has no receive callback of its own: the MAC header (and every
 * tag after it) is part of the flow key, compared whole by the flow table,
 * as gro_list_prepare and vlan_gro_receive compare it. This file holds the
 * EtherType dispatch table, Linux's offload_base.
 */
#include "gro_internal.h"

static const struct gro_l2_ops *const l2_table[] = {
	&gro_ipv4_ops,
	&gro_ipv6_ops,
	&gro_ctag_ops,
	&gro_vlan_ops,
};

static struct gro_flow *vlan_receive(struct gro_ctx *ctx, struct gro_cb *cb);

static const struct gro_l2_ops *l2_find(uint16_t type)
{
	unsigned i;

	for (i = 0; i < sizeof(l2_table) / sizeof(l2_table[0]); i++)
		if (l2_table[i]->type == type)
			return l2_table[i];
	return NULL;
}

struct gro_flow *gro_l2_receive(struct gro_ctx *ctx, struct gro_cb *cb, uint16_t type)
{
	const struct gro_l2_ops *ops = l2_find(type);

	/* Without VLAN support the kernel has no handler for tagged frames. */
	if (!ops || (!ctx->cfg.vlan && ops->receive == vlan_receive)) {
		gro_cb_flush(cb, GRO_R_NOT_TCP);
		return NULL;
	}
	return ops->receive(ctx, cb);
}

/* A tag whose inner EtherType nobody handles is delivered as is; otherwise
 * the tag is stepped over and the inner protocol decides. The tag bytes
 * (TCI and inner type) are in the compared MAC region. */
static struct gro_flow *vlan_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	const struct gro_l2_ops *ops;

	if (cb->off + 4 > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	ops = l2_find(rd16(cb->data + cb->off + 2));
	if (!ops) {
		gro_cb_flush(cb, GRO_R_NOT_TCP);
		return NULL;
	}
	cb->off += 4;
	/* Linux counts nested gro_receive calls and gives up at 15. */
	if (++cb->depth == GRO_RECURSION_LIMIT) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	return ops->receive(ctx, cb);
}

const struct gro_l2_ops gro_ctag_ops = { .type = 0x8100, .receive = vlan_receive };
const struct gro_l2_ops gro_vlan_ops = { .type = 0x88a8, .receive = vlan_receive };
