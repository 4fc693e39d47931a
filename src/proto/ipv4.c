// SPDX-License-Identifier: MIT
/*
 * IPv4: inet_gro_receive, inet_gro_flush and inet_gro_complete.
 *
 * Only plain headers merge: IHL 5, not a fragment, a good header checksum.
 * The flow key is protocol and addresses; the fields that must match
 * between segments of a flow (TTL, TOS, DF, the IP ID sequence) are checked
 * later, from TCP, because only the innermost header's ID can be judged.
 */
#include <arpa/inet.h>

#include "gro_internal.h"

#define IP_DF		0x4000
#define IP_MF		0x2000
#define IP_OFFSET	0x1fff

/* The transport table, Linux's inet_offloads[]: TCP is the protocol we
 * merge. Everything else (UDP included, whose GRO needs a socket that asked
 * for it) is delivered as is, and leaves held flows alone. */
static const struct gro_l4_ops *const l4_table[256] = {
	[6] = &gro_tcp_ops,
};

const struct gro_l4_ops *gro_l4_find(uint8_t proto)
{
	return l4_table[proto];
}

struct gro_flow *gro_ipv4_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	const struct gro_l4_ops *l4;
	const uint8_t *iph;
	uint32_t off = cb->off;
	uint16_t frag;

	if (off + 20 > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	iph = cb->data + off;
	l4 = gro_l4_find(iph[9]);
	if (!l4) {
		gro_cb_flush(cb, GRO_R_NOT_TCP);
		return NULL;
	}
	if (iph[0] != 0x45) {
		gro_cb_flush(cb, (iph[0] >> 4) == 4 ? GRO_R_IP_OPTS : GRO_R_MALFORMED);
		return NULL;
	}
	frag = rd16(iph + 6);
	if (frag & (IP_MF | IP_OFFSET)) {
		gro_cb_flush(cb, GRO_R_IP_FRAG);
		return NULL;
	}
	if (!gro_ip4_hdr_csum_ok(iph)) {
		gro_cb_flush(cb, GRO_R_IP_CSUM);
		return NULL;
	}
	/* A length that disagrees with the frame (Ethernet padding, say) or
	 * the reserved fragment bit: not merged, but it still goes on to TCP,
	 * where it ends its flow like any other mismatch. */
	if ((uint16_t)(rd16(iph + 2) ^ (cb->len - off)) | (frag & ~IP_DF))
		gro_cb_flush(cb, GRO_R_IP_LEN);

	cb->l3_off = (uint16_t)off;
	cb->v6 = 0;
	cb->off = off + 20;
	if (++cb->depth == GRO_RECURSION_LIMIT) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	/* TCP is the only entry: called by name, not through the table. */
	return l4 == &gro_tcp_ops ? gro_tcp_receive(ctx, cb) : l4->receive(ctx, cb);
}

bool gro_ipv4_same_flow(const struct gro_cb *cb, const uint8_t *head, const struct gro_flow *f)
{
	const uint8_t *iph = cb->data + cb->l3_off, *iph2 = head + f->l3_off;

	return iph[9] == iph2[9] && ld64(iph + 12) == ld64(iph2 + 12);
}

/*
 * TTL, TOS (ECN included) and DF must match the first segment. The ID must
 * be the first segment's plus the number of segments merged, or, if the
 * second segment repeated the first's ID, stay fixed from then on: the
 * choice is made once, on the second segment, so that segmentation can
 * give every segment back its ID. 6.18 accepts a fixed ID with DF clear
 * too (seen on the live kernel), and records it as FIXEDID.
 */
static inline uint32_t inet_flush(const uint8_t *iph, const uint8_t *iph2, struct gro_flow *f)
{
	uint32_t id = rd32(iph + 4), id2 = rd32(iph2 + 4);
	uint16_t ipid_offset = (uint16_t)((id >> 16) - (id2 >> 16));
	uint32_t df = id & IP_DF;

	if ((iph[8] ^ iph2[8]) | (iph[1] ^ iph2[1]) | (df ^ (id2 & IP_DF)))
		return 1;
	if (f->count == 1 && !ipid_offset)
		f->fixedid = 1;
	return ipid_offset ^ (f->count * !f->fixedid);
}

uint32_t gro_inet_flush(const uint8_t *iph, const uint8_t *iph2, struct gro_flow *f)
{
	return inet_flush(iph, iph2, f);
}

uint32_t gro_ipv4_net_flush(const struct gro_cb *cb, const uint8_t *head, struct gro_flow *f)
{
	return inet_flush(cb->data + cb->l3_off, head + f->l3_off, f);
}

uint64_t gro_ipv4_pseudo(const uint8_t *iph, uint32_t len, uint8_t proto)
{
	return (uint64_t)ld32(iph + 12) + ld32(iph + 16) + htonl(proto) + htonl(len);
}

static uint32_t ipv4_complete(uint8_t *head, const struct gro_flow *f)
{
	uint8_t *iph = head + f->l3_off;
	uint16_t old = rd16(iph + 2), now = (uint16_t)(f->tot - f->l3_off);

	wr16(iph + 2, now);
	gro_csum_replace2(iph + 10, old, now);
	return GRO_GSO_TCPV4 | (f->fixedid ? GRO_GSO_TCP_FIXEDID : 0);
}

const struct gro_l2_ops gro_ipv4_ops = { .type = 0x0800, .receive = gro_ipv4_receive };

const struct gro_l3_ops gro_ipv4_l3 = {
	.same_flow = gro_ipv4_same_flow,
	.net_flush = gro_ipv4_net_flush,
	.pseudo = gro_ipv4_pseudo,
	.complete = ipv4_complete,
};
