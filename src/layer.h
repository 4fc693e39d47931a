/* SPDX-License-Identifier: MIT */
/*
 * The protocol layers, as Linux's packet_offload / net_offload tables.
 *
 * A frame goes down the layers from Ethernet to its transport header. Each
 * layer is one file in src/proto/ and one entry in the table of the layer
 * below it (EtherTypes for what Ethernet and VLAN carry, IP protocol
 * numbers for what IPv4 and IPv6 carry, one table each, as Linux's
 * inet_offloads and inet6_offloads). A layer:
 *
 *  - receive: checks its header, adds its part of the flow key to the
 *    frame's state, ORs in its verdict, and hands on to the next layer
 *    through gro_call_receive(); the transport layer finds the held flow
 *    and decides. Returns the held flow that must complete now (Linux's
 *    "pp"), or NULL.
 *  - net_flush (network layers): whether this header of a segment lets it
 *    join a held flow whose head has the same header at the same offset
 *    (TTL, TOS, the IPv4 ID sequence...), Linux's gro_network_flush.
 *  - complete: fixes its header of a merged packet (lengths, checksums),
 *    records what it is in the packet, and hands on to the layer its own
 *    protocol field names, as Linux's gro_complete callbacks.
 *  - parse: where its header ends and what follows, for the one header
 *    walker (gro_walk) that segmentation, the virtio_net_hdr codec and the
 *    RSS hash share.
 *  - fast: its part of a fast-path kind (fastpath.c): the bytes that must
 *    equal the head's, the lengths it checks, its deltas.
 */
#ifndef LIBGRO_LAYER_H
#define LIBGRO_LAYER_H

#include "gro_internal.h"

/* EtherTypes */
#define ETH_P_IPV4	0x0800
#define ETH_P_8021Q	0x8100
#define ETH_P_IPV6	0x86dd
#define ETH_P_8021AD	0x88a8
#define ETH_P_TEB	0x6558	/* transparent Ethernet bridging: Ethernet in GRE */
#define ETH_HLEN	14

/* IP protocol numbers (IPv6 next headers) */
#define GRO_IPPROTO_HOPOPTS	0
#define GRO_IPPROTO_IPIP	4
#define GRO_IPPROTO_IPV6	41
#define GRO_IPPROTO_TCP	6
#define GRO_IPPROTO_UDP	17
#define GRO_IPPROTO_ROUTING	43
#define GRO_IPPROTO_GRE	47
#define GRO_IPPROTO_DSTOPTS	60

/* TCP flags, in the flags byte (byte 13 of the header) */
#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define TCP_URG		0x20
#define TCP_ECE		0x40
#define TCP_CWR		0x80

/* What a layer's parse callback says of its header at @off. */
struct gro_hdr {
	uint32_t len;		/* header length */
	uint32_t next;		/* the next protocol: an EtherType or IP protocol */
};

/*
 * A fast-path kind (fastpath.c): a stack of layers at fixed offsets, such
 * as Ethernet + IPv4 without options + TCP, whose frames a held flow can
 * take without going down the layers, because the layers have said, as
 * data, everything their rules check:
 */
#define GRO_FAST_HDR	192	/* header bytes a kind can cover */
#define GRO_FAST_LAYERS	8
#define GRO_FAST_CSUM_WORDS 4
#define GRO_FAST_SIGW	6
struct gro_fast {
	/* Bytes a segment must have equal to its flow's head (0xff), from
	 * the frame's start; the others are checked below or not at all. */
	uint8_t same[GRO_FAST_HDR];
	/* The flow key, as bytes (the pieces below, as a mask, but for flags). */
	uint8_t key[GRO_FAST_HDR];
	/* What makes a frame of this kind: sig_val under sig_mask. */
	uint8_t sig_mask[GRO_FAST_HDR];
	uint8_t sig_val[GRO_FAST_HDR];
	uint16_t sig_span, key_span;	/* bytes compared, whole 16-byte blocks */
	uint16_t min_len;		/* the shortest frame of the kind */
	uint8_t builtin;		/* n: it is built-in kind n (fastpath.c), 0: not */
	uint8_t link;			/* where its frames start: GRO_LINK_* */
	uint8_t nsigw;			/* the signature as 64-bit words */
	struct { uint16_t off; uint64_t mask, val; } sigw[GRO_FAST_SIGW];
	struct gro_keyseg keyseg[16];	/* the flow key, for the hash */
	uint8_t nkey;
	uint8_t key_words;		/* every piece is a word */
	uint8_t nstack;
	const struct gro_layer *stack[GRO_FAST_LAYERS];
	uint16_t soff[GRO_FAST_LAYERS];
	uint16_t l3_off, l4_off;	/* innermost network, transport */
	/* 16-bit length fields that must equal the frame's length from
	 * @base (IPv4 tot_len, IPv6 payload_len). */
	uint8_t nlen;
	struct { uint16_t off, base; } lenf[GRO_ENCAP_MAX];
	/* Headers carrying a 16-bit ones'-complement checksum of @len bytes
	 * and a 16-bit counter at @id (the IPv4 ID of network layer @level):
	 * it steps by one per segment, or stays fixed if the second segment
	 * repeated the first's (struct gro_flow.fixedid). */
	uint8_t ncsum;
	struct {
		uint16_t off, len, id;
		uint8_t level;
		/* The 16-bit words of the header that may differ from the
		 * head's (fastpath.c fills these in from the same mask). */
		uint8_t nwords;
		uint16_t word[GRO_FAST_CSUM_WORDS];
	} csum[GRO_ENCAP_MAX];
	/* Fields that must be zero in a frame starting a flow, under mask
	 * (the IPv4 fragment offset, MF and reserved bits). */
	uint8_t nzero;
	struct { uint16_t off, mask; } zero[GRO_ENCAP_MAX + 1];
	/* The transport layer: header length from the 4-bit word count at
	 * hlen_off (TCP data offset), the 32-bit sequence number at seq_off
	 * that must continue the flow by the payload length, and its flags
	 * byte: flags_slow never joins on this path (the layered one says
	 * why), flags_end joins and ends the packet (ORed into the head's),
	 * flags_nostart cannot start one. The checksum covers the transport
	 * header and payload with the network layer's pseudo header. */
	uint16_t hlen_off, seq_off, flags_off;
	uint8_t flags_slow, flags_end, flags_nostart, l4proto;
	uint16_t min_hlen;
	uint16_t usual_hlen;		/* the transport header most flows have */
	uint8_t hlen_fixed;		/* the header's length if fixed (UDP: 8),
					 * instead of the count at hlen_off */
	uint8_t max_count;		/* segments a packet ends at, 0: no limit */
	uint16_t nonzero_off;		/* a 16-bit field that may not be 0 (the UDP
					 * checksum: 0 says there is none), 0: none */
	const struct gro_layer *net;	/* for the pseudo header */
	/* A UDP tunnel: its destination port, which must be configured as
	 * @tun for a frame to start a flow (the port is the context's, not
	 * the kind's), 0: none. Its checksum, when set, is verified over the
	 * datagram with @tun_net's pseudo header (the network header at
	 * @tun_l3_off). */
	uint16_t tun_port_off, tun_l3_off;
	const struct gro_layer *tun, *tun_net;
};

/* The transport header's length in a frame @p of kind @k. */
static inline uint32_t gro_fast_hlen(const struct gro_fast *k, const uint8_t *p)
{
	return k->hlen_fixed ? k->hlen_fixed : (p[k->hlen_off] & 0xf0u) >> 2;	/* words * 4 */
}

/* Worth trying gro_fast_continue() on @fr: the last flow has a kind, and
 * the frame has its transport ports (the first 4 bytes) and next sequence
 * number where the kind has them. (When flows take turns, this saves
 * setting up for a run that is not one.) */
static inline bool gro_fast_may_continue(const struct gro_ctx *ctx, const struct gro_frame *fr)
{
	const struct gro_flow *f = &ctx->flows[ctx->last_flow];
	const struct gro_fast *k = &ctx->fast[f->kind];

	return f->kind && fr->data && fr->len >= (uint32_t)k->l4_off + 8 &&
	       ld32(fr->data + k->l4_off) == ld32(f->head + k->l4_off) &&
	       (!k->seq_off || rd32(fr->data + k->seq_off) == f->l4.seg.next_seq);
}

/* One segment being cut by gro_segment() (gso.c), as each layer's segment
 * callback sees it. */
struct gro_gso {
	const struct gro_pkt *pkt;	/* what is cut */
	const uint8_t *head;		/* its headers */
	uint32_t i, nseg;		/* this segment, of nseg */
	uint32_t mss;			/* payload of every segment but the last */
	uint32_t plen;			/* this segment's payload */
	uint32_t hdr_len;		/* headers copied before it */
	uint32_t total;			/* the packet's length */
	const struct gro_layer *net;	/* the network layer under the transport */
	uint32_t net_off;
	uint32_t l4_off;		/* the (innermost) transport header */
	const struct gro_layer *outer_net;	/* the outermost network layer */
	uint32_t outer_net_off;
};

enum gro_layer_class {
	GRO_LC_LINK,		/* found by EtherType: Ethernet, VLAN */
	GRO_LC_NET,		/* IPv4, IPv6 */
	GRO_LC_TRANSPORT,	/* found by IP protocol: TCP */
	GRO_LC_TUNNEL,		/* a tunnel header between two network layers: GRE */
};

struct gro_layer {
	const char *name;
	uint16_t proto;		/* the EtherType or IP protocol that names it */
	uint8_t class;		/* enum gro_layer_class */
	uint8_t fast_len;	/* header length in a fast kind (0: the transport's own) */
	uint8_t ipver;		/* network layers: the IP version of the header */
	/* Does this context merge it at all (NULL: always)? If not, the layer
	 * below delivers the frame as is, GRO_R_UNHANDLED: UDP with UDP GRO
	 * off, as Linux with no socket or device that asked for it. */
	bool (*active)(const struct gro_ctx *ctx);
	/* Does it make flows of its own in this context (NULL: when active)?
	 * UDP may be active only to carry tunnels; the fast path builds kinds
	 * for a transport only if so. */
	bool (*plain)(const struct gro_ctx *ctx);
	/* Does this context merge its flows as lists, fraglist GRO (NULL:
	 * never)? The fast path does not: such a transport has no kinds. */
	bool (*flist)(const struct gro_ctx *ctx);
	struct gro_flow *(*receive)(struct gro_ctx *ctx, struct gro_cb *cb);
	/* The layer this one's protocol field names, from its table. */
	const struct gro_layer *(*next)(uint32_t proto);
	uint32_t (*net_flush)(const struct gro_cb *cb, unsigned level, const uint8_t *head,
			      struct gro_flow *f);
	/* Pseudo-header sum for an L4 length of @len bytes (network layers). */
	uint64_t (*pseudo)(const uint8_t *nh, uint32_t len, uint8_t proto);
	void (*complete)(const struct gro_ctx *ctx, uint8_t *head, uint32_t off, unsigned level,
			 const struct gro_flow *f, struct gro_pkt *pkt);
	/* GSO: rewrite this layer's header, at @off in the copy @o, for
	 * segment @g->i (NULL: nothing in it changes per segment). */
	void (*segment)(uint8_t *o, uint32_t off, unsigned level, const struct gro_gso *g);
	/* 0 and *h filled, or -1: the header does not fit or is not one. */
	int (*parse)(const uint8_t *p, uint32_t len, uint32_t off, struct gro_hdr *h);
	/* Its pieces of the flow key for a header at @off whose next header
	 * is at @end; returns how many (at most GRO_KEYSEG_LAYER). */
	unsigned (*key)(struct gro_keyseg *k, uint32_t off, uint32_t end);
	/* Adds this layer, its header at @off and @next's at @end, to a
	 * fast kind; false if this header cannot take the fast path. */
	bool (*fast)(struct gro_fast *k, uint32_t off, uint32_t end, const struct gro_layer *next);
};

#define GRO_KEYSEG_LAYER 6

/* Mark bytes [@off, @off + @n) of a fast kind's mask @m. */
static inline void gro_fast_mark(uint8_t *m, uint32_t off, uint32_t n, uint8_t bits)
{
	for (; n && off < GRO_FAST_HDR; n--, off++)
		m[off] |= bits;
}

/* A fast kind's signature: byte @off of a frame, under @mask, is @val. */
static inline void gro_fast_sig(struct gro_fast *k, uint32_t off, uint8_t mask, uint8_t val)
{
	if (off < GRO_FAST_HDR) {
		k->sig_mask[off] |= mask;
		k->sig_val[off] |= val & mask;
	}
}

/* The value a fast kind's signature gives the protocol field before
 * layer @next: its protocol number, or Ethernet's in a tunnel (TEB). */
static inline uint16_t gro_fast_proto(const struct gro_layer *next)
{
	return next->class == GRO_LC_LINK ? ETH_P_TEB : (uint16_t)next->proto;
}

/* The layers (src/proto/). */
extern const struct gro_layer gro_eth_layer, gro_ctag_layer, gro_stag_layer;
extern const struct gro_layer gro_ipv4_layer, gro_ipv6_layer;
extern const struct gro_layer gro_tcp4_layer, gro_tcp6_layer;
extern const struct gro_layer gro_udp4_layer, gro_udp6_layer;
extern const struct gro_layer gro_ipip_layer, gro_sit_layer, gro_ip4ip6_layer, gro_ip6ip6_layer;
extern const struct gro_layer gro_gre_layer;
extern const struct gro_layer gro_vxlan_layer, gro_geneve_layer;

/* Most segments one packet merges when its transport says so: Linux's
 * UDP_GRO_CNT_MAX, and the same count for TCP fraglist. */
#define GRO_LIST_SEGS_MAX 64

/* The dispatch tables: the layer for an EtherType (Ethernet and VLAN
 * payloads: offload_base), or for an IP protocol over IPv4 or IPv6. */
const struct gro_layer *gro_link_find(uint16_t type);
const struct gro_layer *gro_link_at(unsigned i);	/* entry @i, or NULL past the end */
const struct gro_layer *gro_inet4_find(uint8_t proto);
const struct gro_layer *gro_inet6_find(uint8_t proto);
const struct gro_layer *gro_payload_find(const struct gro_ctx *ctx, uint32_t type);

/* IPv4's network flush rule, which IPv6 applies to a header whose version
 * nibble says 4. */
uint32_t gro_inet_flush(const uint8_t *iph, const uint8_t *iph2, unsigned level,
			struct gro_flow *f);

/* Hand @cb, parsed up to cb->off, on to @next. */
static inline struct gro_flow *gro_enter(struct gro_ctx *ctx, struct gro_cb *cb,
					 const struct gro_layer *next)
{
	cb->stack[cb->nstack] = next;
	cb->soff[cb->nstack++] = (uint16_t)cb->off;
	return next->receive(ctx, cb);
}

/* The same, counted: Linux's call_gro_receive, which gives up once a frame
 * has gone through GRO_RECURSION_LIMIT nested calls. (The first hand-on,
 * from the link layer, is dev_gro_receive's own and not counted.) */
static inline struct gro_flow *gro_call_receive(struct gro_ctx *ctx, struct gro_cb *cb,
						const struct gro_layer *next)
{
	if (unlikely(++cb->depth == GRO_RECURSION_LIMIT)) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	return gro_enter(ctx, cb, next);
}

/* ipip_gro_receive, sit_ip6ip6_gro_receive, ip4ip6_gro_receive: an IP
 * header inside another goes on to the @inner network layer's receive,
 * once: a frame already inside a tunnel (IP-in-IP twice, or in any other
 * tunnel) is neither merged nor held. */
static inline struct gro_flow *gro_tunnel_receive(struct gro_ctx *ctx, struct gro_cb *cb,
						  const struct gro_layer *inner)
{
	if (cb->encap_mark) {
		gro_cb_flush(cb, GRO_R_UNHANDLED);
		return NULL;
	}
	cb->encap_mark = 1;
	return inner->receive(ctx, cb);
}

/* The UDP tunnel layer of destination port @port in @ctx (udp_sk's
 * gro_receive, found by the socket lookup), or NULL. Unused entries are
 * all zero: port 0 names none. */
static inline const struct gro_layer *gro_udp_tunnel_find(const struct gro_ctx *ctx, uint16_t port)
{
	unsigned i;

	for (i = 0; ctx->ntunnels && port && i < GRO_UDP_TUNNELS; i++)
		if (ctx->cfg.tunnels[i].port == port)
			return ctx->cfg.tunnels[i].type == GRO_TUNNEL_VXLAN ? &gro_vxlan_layer
									    : &gro_geneve_layer;
	return NULL;
}

/* A transport layer this context merges, for a network layer's receive:
 * NULL (and @cb flushed as unhandled) if there is none. */
static inline const struct gro_layer *gro_transport(const struct gro_ctx *ctx, struct gro_cb *cb,
						    const struct gro_layer *next)
{
	if (!next || (next->active && !next->active(ctx))) {
		gro_cb_flush(cb, GRO_R_UNHANDLED);
		return NULL;
	}
	return next;
}

/* The transport checksum of @cb, over its header at cb->off and payload,
 * with the pseudo header of the network layer below (CHECKSUM_NONE:
 * verified in software, as Linux does before it merges anything). */
static inline bool gro_l4_csum_ok(const struct gro_cb *cb, uint8_t proto)
{
	const struct gro_layer *net = cb->nh[cb->encap];
	uint32_t l4len = cb->len - cb->off;
	uint64_t sum = net->pseudo(cb->data + cb->nhoff[cb->encap], l4len, proto);

	return gro_csum16_fold(gro_csum_partial(cb->data + cb->off, l4len, sum)) == 0xffff;
}

/* A transport layer's part of the flow key: its ports, the first 4 bytes. */
static inline unsigned gro_ports_key(struct gro_keyseg *k, uint32_t off, uint32_t end)
{
	(void)end;
	k[0] = (struct gro_keyseg){ (uint16_t)off, 4, 0xffffffffull };
	return 1;
}

/*
 * skb_gro_receive's size limit, after the Ethernet header, for a packet
 * whose EtherType names @l2next: gro_max_size for IPv6, gro_ipv4_max_size
 * for anything else (Linux reads skb->protocol, so a tagged frame gets the
 * IPv4 one); past 64 KiB only plain TCP over IPv4 or IPv6 (BIG TCP), not
 * in a tunnel (@big false).
 */
static inline uint32_t gro_size_limit(const struct gro_ctx *ctx, const struct gro_layer *l2next,
				      bool big)
{
	uint32_t m = l2next == &gro_ipv6_layer ? ctx->cfg.max_size : ctx->max_v4;

	/* IPv6 past 64 KiB needs a jumbo payload length, which libgro does
	 * not write: IPv6 packets stop at 64 KiB. */
	if (m > 65535 && !(big && l2next == &gro_ipv4_layer))
		m = 65535;
	return m;
}

/* The same for @cb, plus its MAC header, as gro_too_big() takes it. The
 * layer after Ethernet is the second it passed; a frame without a MAC
 * header starts at its network layer, which names its protocol. */
static inline uint32_t gro_cb_size_limit(const struct gro_ctx *ctx, const struct gro_cb *cb,
					 bool tcp)
{
	return gro_size_limit(ctx, cb->stack[cb->link == GRO_LINK_ETH], tcp && !cb->encap) +
	       gro_mac_len(cb->link);
}

/* skb_gro_receive_list's limit: a fraglist packet stays below 64 KiB
 * after the MAC header, counting the whole of the frame that would join
 * it (whatever gro_max_size says); and max_segs, libgro's own. */
static inline bool gro_list_full(const struct gro_ctx *ctx, const struct gro_flow *f,
				 const struct gro_cb *cb)
{
	uint32_t mac = gro_mac_len(cb->link);

	return gro_too_big(f->tot, f->count, cb->len - mac, 65535 + mac, ctx->seg_cap) ||
	       f->count >= GRO_LIST_SEGS_MAX;
}

/* Layer @l, its header at @off and the next at @end, adds its pieces to
 * @cb's flow key. */
static inline void gro_cb_key(struct gro_cb *cb, const struct gro_layer *l, uint32_t off,
			      uint32_t end)
{
	if (likely(cb->nkey + GRO_KEYSEG_LAYER <= GRO_KEY_MAX))
		cb->nkey += l->key(cb->key + cb->nkey, off, end);
	else
		gro_cb_flush(cb, GRO_R_MALFORMED);
}

/* A network layer records itself: Linux's network_offsets[encap_mark]. */
static inline void gro_cb_network(struct gro_cb *cb, const struct gro_layer *l, uint32_t off)
{
	if (cb->nnet++)
		cb->encap = 1;
	cb->nhoff[cb->encap] = (uint16_t)off;
	cb->nh[cb->encap] = l;
	cb->l3_off = (uint16_t)off;
}

/*
 * gro_receive_network_flush: the network headers of a segment against
 * those of its flow's head, from the transport layer, once the flow is
 * known: the outer one too in a tunnel, and only there can its ID be
 * judged against the segment count.
 */
static inline uint32_t gro_network_flush(const struct gro_cb *cb, const uint8_t *head,
					 struct gro_flow *f)
{
	uint32_t flush = 0;
	unsigned i;

	for (i = 0; i <= cb->encap; i++)
		flush |= cb->nh[i]->net_flush(cb, i, head, f);
	return flush;
}

/* A network layer of a merged packet records itself: an inner one (a
 * tunnel's) makes the one before it the outer. */
static inline void gro_pkt_network(struct gro_pkt *pkt, uint32_t off, unsigned level)
{
	if (level) {
		pkt->encap = (uint8_t)level;
		if (level == 1)
			pkt->outer_l3_off = pkt->l3_off;
	}
	pkt->l3_off = (uint16_t)off;
}

/* The first layer of a frame that starts at @link: dev_gro_receive's
 * gro_find_receive_by_type(skb->protocol), Ethernet for a frame with a
 * MAC header; NULL for an IP frame of neither version. */
static inline const struct gro_layer *gro_link_layer(unsigned link)
{
	return link == GRO_LINK_ETH ? &gro_eth_layer :
	       link == GRO_LINK_IPV4 ? &gro_ipv4_layer :
	       link == GRO_LINK_IPV6 ? &gro_ipv6_layer : NULL;
}

/* A merged packet's headers, completed from the outermost layer inwards. */
static inline void gro_complete_layers(const struct gro_ctx *ctx, uint8_t *head,
				       const struct gro_flow *f, struct gro_pkt *pkt)
{
	gro_link_layer(f->link)->complete(ctx, head, 0, 0, f, pkt);
}

/* The checksum to store for @len bytes at @p on top of the sum @sum. */
static inline uint16_t gro_csum_of(const uint8_t *p, uint32_t len, uint64_t sum)
{
	return (uint16_t)~gro_csum16_fold(gro_csum_partial(p, len, sum));
}

/* What a segment's transport checksum starts from, the checksum field at
 * @csum_off in its header at @off, its transport length @l4len (gso.c). */
uint64_t gro_gso_seed(const struct gro_gso *g, const uint8_t *nh, uint32_t off, uint32_t l4len,
		      uint8_t proto, uint32_t csum_off);

/* ---- walk.c: the one header walker ---- */

/* Headers a walk records for segmentation: the network layers, one tunnel
 * header between them, the transport. */
#define GRO_WALK_FIX	(GRO_ENCAP_MAX + 2)

/* Where the headers of a packet are, from Ethernet down to its transport
 * header, as the layers' parse callbacks find them. */
struct gro_walk {
	uint16_t l3_off;	/* the innermost network header */
	uint16_t l4_off;	/* the transport header, 0 if none found */
	uint16_t hdr_len;	/* the end of the transport header */
	uint8_t ntags;		/* VLAN tags stepped over */
	uint8_t l4proto;
	const struct gro_layer *l3, *l4;
	/* The network, tunnel and transport layers, outermost first: the
	 * headers segmentation rewrites. */
	uint8_t nfix;
	const struct gro_layer *fix[GRO_WALK_FIX];
	uint16_t fix_off[GRO_WALK_FIX];
};

/* Walk the headers of the @len-byte frame @p as far as the layers know
 * them. Returns 0 with a transport header found, -1 otherwise (@w then says
 * how far it got). Nothing outside [p, p + len) is read. */
int gro_walk(const uint8_t *p, uint32_t len, struct gro_walk *w);
/* The same for a frame that starts at @link (GRO_LINK_*). */
int gro_walk_link(const uint8_t *p, uint32_t len, unsigned link, struct gro_walk *w);
/* The same, stopping at the first network header, which it does not parse:
 * 0 if it found one. */
int gro_walk_net(const uint8_t *p, uint32_t len, struct gro_walk *w);
int gro_walk_net_link(const uint8_t *p, uint32_t len, unsigned link, struct gro_walk *w);
/* The same for a packet inside a UDP tunnel (GRO_GSO_UDP_TUNNEL), whose
 * outer UDP header is at @udp_off and inner network header at @inner_off. */
int gro_walk_udp_tunnel(const uint8_t *p, uint32_t len, unsigned link, uint32_t udp_off,
			uint32_t inner_off, struct gro_walk *w);

#endif
