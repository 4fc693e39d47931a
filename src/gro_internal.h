/* SPDX-License-Identifier: MIT */
/*
 * Internal structures shared by the engine, the flow table and the protocol
 * files. Nothing here is part of the public API.
 */
#ifndef LIBGRO_INTERNAL_H
#define LIBGRO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "gro.h"

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define GRO_NIL		UINT32_MAX
#define ETH_HLEN	14

/* Linux gives up after this many nested gro_receive calls (stacked tags). */
#define GRO_RECURSION_LIMIT 15

/* Byte-order helpers on possibly unaligned header fields. */
static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* A 32-bit constant in network byte order, as ld32() of its bytes. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GRO_BE32(x) __builtin_bswap32(x)
#else
#define GRO_BE32(x) (x)
#endif

/* One frame held by the engine: the head of a flow or a merged segment. */
struct gro_node {
	uint8_t *data;
	uint32_t len;
	uint32_t next;		/* next node of the same flow */
	void *cookie;
};

/* A held flow: Linux's skb on the gro_list with its NAPI_GRO_CB. One cache
 * line: everything a segment joining the flow reads or writes is here, and
 * @head saves the look-up of the first node to find the headers. */
struct gro_flow {
	uint8_t *head;		/* the head frame's bytes (nodes[first].data) */
	uint64_t age;		/* time it was first held */
	uint32_t hash;		/* flow-key hash (addresses, ports, rxhash) */
	uint32_t hnext;		/* hash chain */
	uint32_t older, newer;	/* age list of its bucket (rxhash & bucket_mask) */
	uint32_t first, last;	/* nodes: the head frame, then payload spans */
	uint32_t rxhash;
	uint32_t tot;		/* bytes of the super-packet, MAC header included */
	uint32_t next_seq;	/* sequence number the next segment must carry */
	uint16_t l3_off, l4_off, hdr_len;
	uint16_t gso_size;	/* payload of the head segment: the mss */
	uint16_t count;		/* segments merged */
	uint8_t fixedid;	/* IPv4 ID is constant (decided on the 2nd segment) */
	uint8_t v6;		/* network layer: 0 IPv4, 1 IPv6 */
};
_Static_assert(sizeof(struct gro_flow) == 64, "a flow is one cache line");

/*
 * Per-frame parse state, Linux's NAPI_GRO_CB(skb): each layer reads its
 * header at @off, advances @off, and ORs its verdict into @flush. Set up
 * field by field for every frame (see receive_one), not cleared whole.
 */
struct gro_cb {
	uint8_t *data;
	uint32_t len;
	uint32_t off;		/* parse position */
	uint32_t flush;		/* non-zero: deliver this frame as is */
	uint32_t rxhash;
	uint32_t hash;		/* flow-key hash, set by gro_flow_lookup */
	uint32_t fflags;	/* GRO_FRAME_* */
	uint16_t l3_off, l4_off, hdr_len;
	uint8_t depth;		/* nested gro_receive calls */
	uint8_t reason;		/* why @flush was first set */
	bool merged;		/* Linux's same_flow on the skb: it joined a flow */
	uint8_t v6;		/* network layer: 0 IPv4, 1 IPv6 */
	uint8_t pp_reason;	/* why the returned flow must complete */
	uint32_t paylen;	/* TCP payload bytes */
	uint32_t next_seq;	/* TCP seq + paylen */
	void *cookie;
};

struct gro_ctx;

/* A protocol found by EtherType: Ethernet payloads (VLAN, IPv4, IPv6). */
struct gro_l2_ops {
	uint16_t type;
	/* Parse this layer, then hand on to the next. Returns the held flow
	 * that must be completed now (Linux's "pp"), or NULL. */
	struct gro_flow *(*receive)(struct gro_ctx *ctx, struct gro_cb *cb);
};

/* The network layer below TCP: IPv4 or IPv6. */
struct gro_l3_ops {
	/* Is @f the same flow as @cb at this layer (addresses, ...)? */
	bool (*same_flow)(const struct gro_cb *cb, const uint8_t *head, const struct gro_flow *f);
	/* Non-zero if the IP fields forbid merging @cb into @f (TTL, TOS, ID...).
	 * May record decisions in @f (the fixed-ID choice). */
	uint32_t (*net_flush)(const struct gro_cb *cb, const uint8_t *head, struct gro_flow *f);
	/* Pseudo-header sum for an L4 length of @len bytes. */
	uint64_t (*pseudo)(const uint8_t *nh, uint32_t len, uint8_t proto);
	/* Rewrite the head's IP header for the merged length (gro_complete);
	 * returns the GRO_GSO_* bits of this layer. */
	uint32_t (*complete)(uint8_t *head, const struct gro_flow *f);
};

/* A transport protocol found by IP protocol number. */
struct gro_l4_ops {
	struct gro_flow *(*receive)(struct gro_ctx *ctx, struct gro_cb *cb);
	void (*complete)(uint8_t *head, const struct gro_flow *f, struct gro_pkt *pkt);
};

/* Dispatch: the tables live in proto/eth.c and proto/ipv4.c. */
struct gro_flow *gro_l2_receive(struct gro_ctx *ctx, struct gro_cb *cb, uint16_t type);
const struct gro_l4_ops *gro_l4_find(uint8_t proto);

extern const struct gro_l2_ops gro_vlan_ops, gro_ctag_ops, gro_ipv4_ops, gro_ipv6_ops;
extern const struct gro_l3_ops gro_ipv4_l3, gro_ipv6_l3;
#define gro_flow_l3(f) ((f)->v6 ? &gro_ipv6_l3 : &gro_ipv4_l3)
extern const struct gro_l4_ops gro_tcp_ops;

/* The same callbacks by name: the per-frame path calls them directly,
 * which costs no indirect branch and lets the compiler see the callee. */
struct gro_flow *gro_ipv4_receive(struct gro_ctx *ctx, struct gro_cb *cb);
struct gro_flow *gro_ipv6_receive(struct gro_ctx *ctx, struct gro_cb *cb);
struct gro_flow *gro_tcp_receive(struct gro_ctx *ctx, struct gro_cb *cb);
/* The fast paths for plain TCP frames (see tcp.c). gro_tcp_continue()
 * merges the frames at @frames that continue ctx->last_flow and returns
 * how many it took. gro_tcp_hint() tells whether a frame looks plain and
 * its flow-key hash, computed ahead so that its table slot can be fetched
 * early; gro_tcp_plain() then takes the frame whole, or returns false. */
struct gro_hint {
	uint32_t hash;		/* valid if hashed */
	uint16_t l4_off;	/* 0: not a plain frame */
	uint16_t hashed;	/* 0: no flow was held when hinted, so no hash yet */
};
unsigned gro_tcp_continue(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n);
void gro_tcp_hint(const struct gro_ctx *ctx, const struct gro_frame *fr, struct gro_hint *h);
bool gro_tcp_plain(struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_hint *h);
bool gro_ipv4_same_flow(const struct gro_cb *cb, const uint8_t *head, const struct gro_flow *f);
bool gro_ipv6_same_flow(const struct gro_cb *cb, const uint8_t *head, const struct gro_flow *f);
uint32_t gro_ipv4_net_flush(const struct gro_cb *cb, const uint8_t *head, struct gro_flow *f);
uint32_t gro_ipv6_net_flush(const struct gro_cb *cb, const uint8_t *head, struct gro_flow *f);
uint64_t gro_ipv4_pseudo(const uint8_t *nh, uint32_t len, uint8_t proto);
uint64_t gro_ipv6_pseudo(const uint8_t *nh, uint32_t len, uint8_t proto);

/* Mark @cb as not mergeable, remembering the first reason. */
static inline void gro_cb_flush(struct gro_cb *cb, enum gro_reason r)
{
	if (!cb->flush)
		cb->reason = r;
	cb->flush |= 1;
}

/* ---- engine services used by the protocol files ---- */

struct gro_bucket {
	uint32_t oldest, newest;
	uint32_t count;
};

struct gro_ctx {
	struct gro_config cfg;
	uint32_t per_bucket;
	uint32_t bucket_mask;
	struct gro_bucket *buckets;

	struct gro_flow *flows;
	uint32_t free_flow;
	uint32_t *table;	/* hash heads */
	uint32_t table_mask;
	uint32_t held;
	uint32_t last_flow;	/* the flow the previous frame found or started */
	uint64_t next_seq;

	struct gro_node *nodes;
	uint32_t nnodes;
	uint32_t free_node;

	struct gro_pkt *out;	/* the batch being built */
	uint32_t nout;
	struct gro_seg *oseg;
	uint32_t noseg, oseg_cap;

	uint64_t k0, k1, kmul;	/* flow hash key: start, final xor, odd multiplier */
	uint64_t now;
	size_t memory;
	struct gro_stats st;
};

/* flowtab.c */
int gro_flowtab_init(struct gro_ctx *ctx);
void gro_flowtab_free(struct gro_ctx *ctx);
uint32_t gro_inet_flush(const uint8_t *iph, const uint8_t *iph2, struct gro_flow *f);
struct gro_flow *gro_flow_lookup(struct gro_ctx *ctx, struct gro_cb *cb);
struct gro_flow *gro_flow_insert(struct gro_ctx *ctx, const struct gro_cb *cb, uint32_t node);
void gro_flow_remove(struct gro_ctx *ctx, struct gro_flow *f);
struct gro_flow *gro_flow_oldest(struct gro_ctx *ctx, uint32_t bucket);
struct gro_flow *gro_flow_oldest_global(struct gro_ctx *ctx);

static inline uint64_t gro_rotl64(uint64_t x, int r) { return x << r | x >> (64 - r); }

/*
 * The flow-key hash: each 64-bit word of the key is mixed in by a full
 * 64 x 64 -> 128-bit multiply by a secret odd multiplier, whose two halves
 * are folded together. The key (start value and multiplier) is random per
 * context. A step that is linear in its input, such as xor-multiply-rotate
 * with a public constant, lets a sender build differences that pass every
 * step unchanged whatever the key (bit 63 of one word against bit 28 of the
 * next), and so any number of flows with one hash; here how a difference
 * spreads depends on the carries of the secret product. Inline: it runs on
 * every frame, a multiply and an xor a word.
 */
static inline uint64_t gro_hash_start(const struct gro_ctx *ctx)
{
	return ctx->k0;
}

static inline uint64_t gro_hash_step(uint64_t h, uint64_t w, uint64_t m)
{
	unsigned __int128 x = (unsigned __int128)(h ^ w) * m;

	return (uint64_t)x ^ (uint64_t)(x >> 64);
}

static inline uint32_t gro_hash_final(const struct gro_ctx *ctx, uint64_t h)
{
	h ^= ctx->k1;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 31;
	h *= 0x94d049bb133111ebull;
	return (uint32_t)(h >> 32);
}

/*
 * The flow-key hash of a frame covers every byte gro_flow_lookup compares,
 * so that flows differing anywhere in their key land in different chains
 * (a sender who varies only MAC addresses, VLAN tags or IPv6 extension
 * headers must not be able to build long chains): the MAC addresses, any
 * tags, the network layer's key (IPv4: protocol and addresses, as
 * gro_ipv4_same_flow; IPv6: version, flow label, next header, addresses and
 * extension headers, as gro_ipv6_same_flow), the ports and the receive
 * hash. It covers nothing else, so equal keys always have equal hashes.
 * Each step takes a word that, with the offsets, determines its bytes, so
 * no two keys can be made to feed the same words.
 */
static inline uint64_t gro_ipv4_key_hash(uint64_t h, const uint8_t *iph, uint64_t m)
{
	return gro_hash_step(gro_hash_step(h, ld64(iph + 12), m), iph[9], m);
}

static inline uint64_t gro_ipv6_key_hash(uint64_t h, const uint8_t *iph, uint64_t m)
{
	h = gro_hash_step(h, ld64(iph + 8), m);
	h = gro_hash_step(h, ld64(iph + 16), m);
	h = gro_hash_step(h, ld64(iph + 24), m);
	h = gro_hash_step(h, ld64(iph + 32), m);
	/* version and flow label (big-endian mask 0xf00fffff), next header */
	return gro_hash_step(h, (uint64_t)(ld32(iph) & GRO_BE32(0xf00fffffu)) << 8 | iph[6], m);
}

/* Bytes [from, to) of a frame, for the rare keys longer than the common
 * ones: tags, extension headers. The length goes in first. */
static inline uint64_t gro_hash_bytes(uint64_t h, const uint8_t *p, uint32_t from, uint32_t to,
				      uint64_t m)
{
	h = gro_hash_step(h, (uint64_t)from << 32 | to, m);
	for (; from + 8 <= to; from += 8)
		h = gro_hash_step(h, ld64(p + from), m);
	if (from < to) {
		uint64_t w = 0;

		memcpy(&w, p + from, to - from);
		h = gro_hash_step(h, w, m);
	}
	return h;
}

static inline __attribute__((always_inline)) uint32_t gro_key_hash(const struct gro_ctx *ctx, const uint8_t *data, uint32_t l3_off,
				    uint32_t l4_off, int v6, uint32_t rxhash)
{
	const uint8_t *iph = data + l3_off;
	const uint64_t m = ctx->kmul;
	/* Destination and source MAC: bytes 0-7, then 8-11. */
	uint64_t h = gro_hash_step(gro_hash_start(ctx), ld64(data), m);

	h = gro_hash_step(h, (uint64_t)ld32(data + 8) << 32 | rxhash, m);
	/* Tags, and the EtherType that follows them (untagged, the
	 * EtherType is implied by the network protocol). */
	if (__builtin_expect(l3_off != ETH_HLEN, 0))
		h = gro_hash_bytes(h, data, 12, l3_off, m);
	if (v6) {
		h = gro_ipv6_key_hash(h, iph, m);
		if (__builtin_expect(l4_off != l3_off + 40, 0))
			h = gro_hash_bytes(h, data, l3_off + 40, l4_off, m);
	} else {
		h = gro_ipv4_key_hash(h, iph, m);
	}
	return gro_hash_final(ctx, gro_hash_step(h, ld32(data + l4_off), m));
}

static inline uint32_t gro_node_alloc(struct gro_ctx *ctx)
{
	uint32_t n = ctx->free_node;

	ctx->free_node = ctx->nodes[n].next;
	ctx->nodes[n].next = GRO_NIL;
	return n;
}

static inline uint8_t *gro_flow_head(const struct gro_ctx *ctx, const struct gro_flow *f)
{
	(void)ctx;
	return f->head;
}

/* engine.c */
void gro_complete(struct gro_ctx *ctx, struct gro_flow *f, enum gro_reason r);
void gro_deliver_as_is(struct gro_ctx *ctx, const struct gro_cb *cb);
void gro_deliver_frame(struct gro_ctx *ctx, uint8_t *data, uint32_t len, uint16_t l3_off,
		       uint16_t l4_off, uint16_t hdr_len, uint8_t reason, void *cookie);
void gro_hold(struct gro_ctx *ctx, const struct gro_cb *cb);

static inline bool gro_flow_full(const struct gro_ctx *ctx, const struct gro_flow *f, uint32_t len)
{
	/* skb_gro_receive: p->len counts from the end of the Ethernet header. */
	return f->tot - ETH_HLEN + len > ctx->cfg.max_size ||
	       (ctx->cfg.max_segs && f->count >= ctx->cfg.max_segs);
}

/* skb_gro_receive: the segment's payload joins the flow, no copy. */
static inline void gro_flow_append_span(struct gro_ctx *ctx, struct gro_flow *f, uint8_t *data,
					uint32_t len, void *cookie)
{
	uint32_t n = gro_node_alloc(ctx);
	struct gro_node *node = &ctx->nodes[n];

	node->data = data;
	node->len = len;
	node->cookie = cookie;
	ctx->nodes[f->last].next = n;
	f->last = n;
	f->tot += len;
	f->next_seq += len;
	f->count++;
}

static inline void gro_flow_append(struct gro_ctx *ctx, struct gro_flow *f, const struct gro_cb *cb)
{
	gro_flow_append_span(ctx, f, cb->data + cb->hdr_len, cb->paylen, cb->cookie);
}

/* The network layer's part of the flow key and of the merge checks. */
static inline bool gro_l3_same_flow(const struct gro_cb *cb, const uint8_t *head,
				    const struct gro_flow *f)
{
	return cb->v6 ? gro_ipv6_same_flow(cb, head, f) : gro_ipv4_same_flow(cb, head, f);
}

static inline uint32_t gro_l3_net_flush(const struct gro_cb *cb, const uint8_t *head,
					struct gro_flow *f)
{
	return cb->v6 ? gro_ipv6_net_flush(cb, head, f) : gro_ipv4_net_flush(cb, head, f);
}

static inline uint64_t gro_l3_pseudo(int v6, const uint8_t *nh, uint32_t len, uint8_t proto)
{
	return v6 ? gro_ipv6_pseudo(nh, len, proto) : gro_ipv4_pseudo(nh, len, proto);
}

/* gro_receive() prefetches the headers of up to this many frames ahead. */
#define GRO_PREFETCH_MAX 32

static inline void gro_prefetch(const void *p)
{
	__builtin_prefetch(p, 0, 3);
}

static inline void gro_prefetch_w(const void *p)
{
	__builtin_prefetch(p, 1, 3);
}

/* gso.c: where the headers of a TCP packet are. */
struct gro_hdrs {
	uint16_t l3_off, l4_off, hdr_len;
	uint8_t v6;
};
int gro_parse_tcp(const uint8_t *p, uint32_t len, struct gro_hdrs *h);

/* csum.c */
uint64_t gro_csum_partial(const void *data, size_t len, uint64_t sum);
/* The portable loop, and which variant gro_csum_partial() uses ("avx2",
 * "portable"); both give identical bits, see csum.c. */
uint64_t gro_csum_partial_generic(const void *data, size_t len, uint64_t sum);
const char *gro_csum_variant(void);
uint16_t gro_csum16_fold(uint64_t sum);
void gro_csum_replace2(uint8_t *check, uint16_t old, uint16_t now);

/* Fold a sum to 16 bits (see csum.c), inline for the per-frame paths. */
static inline uint16_t gro_csum16_fold_inline(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16((uint16_t)sum);
#else
	return (uint16_t)sum;
#endif
}

/* Is the ones'-complement sum of a 20-byte IPv4 header all ones? Any
 * grouping of the words gives the same folded sum, so five loads do. */
static inline bool gro_ip4_hdr_csum_ok(const uint8_t *iph)
{
	uint64_t s = (uint64_t)ld32(iph) + ld32(iph + 4) + ld32(iph + 8) + ld32(iph + 12) +
		     ld32(iph + 16);

	return gro_csum16_fold_inline(s) == 0xffff;
}

#endif
