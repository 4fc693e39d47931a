// SPDX-License-Identifier: MIT
/*
 * IPv6: ipv6_gro_receive, ipv6_gro_flush and ipv6_gro_complete.
 *
 * The flow key is version, flow label, addresses, next header and every
 * extension header byte. Hop-by-Hop, Routing and Destination Options
 * headers are stepped over (Linux's INET6_PROTO_GSO_EXTHDR protocols; 6.18
 * steps over Hop-by-Hop too, seen on the live kernel); a frame with any
 * other extension header (Fragment, ...) is delivered as is.
 */
#include <arpa/inet.h>

#include "gro_internal.h"

#define NEXTHDR_HOP	0
#define NEXTHDR_ROUTING	43
#define NEXTHDR_DEST	60

/* Extension headers GRO steps over (and keeps in the flow key). */
static bool skippable(uint8_t nh)
{
	return nh == NEXTHDR_HOP || nh == NEXTHDR_ROUTING || nh == NEXTHDR_DEST;
}

struct gro_flow *gro_ipv6_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	const struct gro_l4_ops *l4;
	const uint8_t *iph;
	uint32_t off = cb->off, end = off + 40;
	uint8_t proto;
	bool badlen;

	if (end > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	iph = cb->data + off;
	badlen = rd16(iph + 4) != cb->len - end;
	proto = iph[6];
	l4 = gro_l4_find(proto);
	while (!l4 && skippable(proto)) {
		uint32_t hl;

		if (end + 2 > cb->len)
			break;
		hl = (cb->data[end + 1] + 1u) * 8;
		if (end + hl > cb->len)
			break;
		proto = cb->data[end];
		end += hl;
		l4 = gro_l4_find(proto);
	}
	if (!l4) {
		gro_cb_flush(cb, GRO_R_NOT_TCP);
		return NULL;
	}
	/* payload_len must describe the frame exactly: padding or a jumbo
	 * length is not merged, but still ends its flow in TCP. */
	if (badlen)
		gro_cb_flush(cb, GRO_R_IP_LEN);

	cb->l3_off = (uint16_t)off;
	cb->v6 = 1;
	cb->off = end;
	if (++cb->depth == GRO_RECURSION_LIMIT) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	return l4 == &gro_tcp_ops ? gro_tcp_receive(ctx, cb) : l4->receive(ctx, cb);
}

bool gro_ipv6_same_flow(const struct gro_cb *cb, const uint8_t *head, const struct gro_flow *f)
{
	const uint8_t *iph = cb->data + cb->l3_off, *iph2 = head + f->l3_off;

	/* Traffic class and hop limit are not part of the key: a change
	 * there ends the flow (ipv6_net_flush) rather than starting another. */
	return !((ld32(iph) ^ ld32(iph2)) & htonl(0xf00fffff)) &&
	       iph[6] == iph2[6] &&
	       !memcmp(iph + 8, iph2 + 8, 32) &&
	       !memcmp(iph + 40, iph2 + 40, cb->l4_off - cb->l3_off - 40u);
}

uint32_t gro_ipv6_net_flush(const struct gro_cb *cb, const uint8_t *head, struct gro_flow *f)
{
	const uint8_t *iph = cb->data + cb->l3_off, *iph2 = head + f->l3_off;

	/* Linux picks the check by the version nibble of the arriving
	 * header, which nobody verified for EtherType 0x86dd. */
	if ((iph[0] >> 4) != 6)
		return gro_inet_flush(iph, iph2, f);
	return ((ld32(iph) ^ ld32(iph2)) & htonl(0x0ff00000)) | (uint32_t)(iph[7] ^ iph2[7]);
}

uint64_t gro_ipv6_pseudo(const uint8_t *iph, uint32_t len, uint8_t proto)
{
	return gro_csum_partial(iph + 8, 32, (uint64_t)htonl(len) + htonl(proto));
}

static uint32_t ipv6_complete(uint8_t *head, const struct gro_flow *f)
{
	wr16(head + f->l3_off + 4, (uint16_t)(f->tot - f->l3_off - 40));
	return GRO_GSO_TCPV6;
}

const struct gro_l2_ops gro_ipv6_ops = { .type = 0x86dd, .receive = gro_ipv6_receive };

const struct gro_l3_ops gro_ipv6_l3 = {
	.same_flow = gro_ipv6_same_flow,
	.net_flush = gro_ipv6_net_flush,
	.pseudo = gro_ipv6_pseudo,
	.complete = ipv6_complete,
};
