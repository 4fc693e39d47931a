/* SPDX-License-Identifier: MIT */
/*
 * Internal structures shared by the engine, the flow table, the fast path
 * and the protocol layers. Nothing here is part of the public API, and
 * nothing here knows which protocols exist: that is src/layer.h and the
 * files of src/proto/.
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

/* Byte-order helpers on possibly unaligned header fields. Always inline:
 * the fast path instantiates its loops once per built-in kind, and in a
 * file that large the compiler would otherwise call some of them. */
#define GRO_ALWAYS_INLINE static inline __attribute__((always_inline))

GRO_ALWAYS_INLINE uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
GRO_ALWAYS_INLINE uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void wr16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
GRO_ALWAYS_INLINE uint32_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
GRO_ALWAYS_INLINE uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
GRO_ALWAYS_INLINE uint64_t ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* A 32-bit constant in network byte order, as ld32() of its bytes. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GRO_BE32(x) __builtin_bswap32(x)
#else
#define GRO_BE32(x) (x)
#endif

/* Where a frame's packet starts, gro_frame.flags >> 8 (GRO_FRAME_L3_*),
 * once GRO_LINK_IP is resolved by the version nibble: Ethernet, or an IP
 * header with no MAC header before it (mac_len 0). */
#define GRO_LINK_ETH	0
#define GRO_LINK_IPV4	1
#define GRO_LINK_IPV6	2
#define GRO_LINK_IP	3	/* unresolved: neither version */
#define GRO_LINK_SHIFT	8

/* The link of the @len-byte frame @p whose flags are @flags. */
static inline uint8_t gro_link_of(uint32_t flags, const uint8_t *p, uint32_t len)
{
	uint8_t link = (uint8_t)((flags & GRO_FRAME_START_MASK) >> GRO_LINK_SHIFT);

	if (link == GRO_LINK_IP && p && len)
		link = (p[0] >> 4) == 4 ? GRO_LINK_IPV4 : (p[0] >> 4) == 6 ? GRO_LINK_IPV6 : GRO_LINK_IP;
	return link;
}

/* Bytes of MAC header Linux leaves out of p->len: Ethernet's 14, or none. */
static inline uint32_t gro_mac_len(unsigned link)
{
	return link == GRO_LINK_ETH ? 14 : 0;
}

/* Network layers a frame may stack (outer, inner): Linux's
 * network_offsets[] indexed by encap_mark. */
#define GRO_ENCAP_MAX	2
/* Layers one frame may pass through on the way to its transport header:
 * Linux gives up after 15 nested gro_receive calls. */
#define GRO_RECURSION_LIMIT 15

/*
 * A flow key is a list of pieces of the headers, each contributed by the
 * layer whose header it lies in (the MAC addresses, a VLAN tag, the IP
 * addresses, the ports...). A piece of up to 8 bytes is the 64-bit word at
 * @off under @mask (the bytes that count, in memory order); a longer one
 * (IPv6 extension headers) is @len bytes taken whole. Two frames are the
 * same flow when every piece is equal, and the flow hash is a hash of the
 * pieces, so the comparison and the hash cover exactly the same bytes.
 * A piece of length 0 is whether the word under @mask is zero or not (a
 * UDP tunnel's checksum: set or absent is part of its flow).
 */
struct gro_keyseg {
	uint16_t off;
	uint16_t len;		/* > 8: a whole range, mask unused; 0: zero or not */
	uint64_t mask;
};

/* The value a piece of key @k of the frame at @p stands for, if it is a
 * word (len <= 8). */
static inline __attribute__((always_inline)) uint64_t
gro_key_word(const uint8_t *p, const struct gro_keyseg *k)
{
	uint64_t w = ld64(p + k->off) & k->mask;

	return k->len ? w : w != 0;
}

#define GRO_KEY_MAX	48

struct gro_layer;

/*
 * Per-frame parse state, Linux's NAPI_GRO_CB(skb): each layer reads its
 * header at @off, adds its part of the flow key, advances @off, and ORs its
 * verdict into @flush. Set up field by field for every frame (see
 * gro_cb_init), not cleared whole.
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
	uint8_t depth;		/* nested receive calls */
	uint8_t reason;		/* why @flush was first set */
	bool merged;		/* Linux's same_flow on the skb: it joined a flow */
	uint8_t pp_reason;	/* why the returned flow must complete */
	uint8_t encap;		/* network layers seen, minus one: the index of
				 * the innermost in nhoff[] and nh[] */
	uint8_t encap_mark;	/* a tunnel layer was passed: Linux's encap_mark,
				 * which allows one level of tunnel */
	uint8_t nkey;
	bool flist;		/* is_flist: a flow it starts merges as a list */
	uint8_t link;		/* where the packet starts: GRO_LINK_* */
	uint8_t nnet;		/* network layers passed (a raw IP frame's
				 * first is at offset 0) */
	uint16_t nhoff[GRO_ENCAP_MAX];			/* network_offsets[] */
	const struct gro_layer *nh[GRO_ENCAP_MAX];	/* their layers */
	union {			/* the transport layer's per-frame state */
		struct {
			uint32_t paylen;	/* payload bytes */
			uint32_t next_seq;	/* TCP: seq + paylen; UDP: 0 */
		} seg;
	} l4;
	void *cookie;
	/* The layers passed, with their offsets: the outer Ethernet header
	 * and the layer it hands on to (not counted), then at most
	 * GRO_RECURSION_LIMIT - 1 counted calls (the one that reaches the
	 * limit gives up before it enters). */
	uint8_t nstack;
	const struct gro_layer *stack[GRO_RECURSION_LIMIT + 1];
	uint16_t soff[GRO_RECURSION_LIMIT + 1];
	struct gro_keyseg key[GRO_KEY_MAX];
};

/* Mark @cb as not mergeable, remembering the first reason. */
static inline void gro_cb_flush(struct gro_cb *cb, enum gro_reason r)
{
	if (!cb->flush)
		cb->reason = r;
	cb->flush |= 1;
}

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
	uint32_t hash;		/* flow-key hash */
	uint32_t hnext;		/* hash chain */
	uint32_t older, newer;	/* age list of its bucket (rxhash & bucket_mask) */
	uint32_t first, last;	/* nodes: the head frame, then payload spans */
	uint32_t rxhash;
	uint32_t tot;		/* bytes of the super-packet, MAC header included */
	union {			/* the transport layer's per-flow state */
		struct {
			uint32_t next_seq;	/* TCP: the sequence number the
						 * next segment must carry */
		} seg;
	} l4;
	uint16_t l3_off, l4_off, hdr_len;	/* the innermost network and
						 * transport headers */
	uint16_t gso_size;	/* payload of the head segment: the mss */
	uint16_t count;		/* segments merged */
	uint8_t fixedid : 5;	/* bit n: network layer n keeps a fixed IPv4 ID
				 * (decided on the 2nd segment): ip_fixedid */
	uint8_t link : 2;	/* where its packets start: GRO_LINK_* */
	uint8_t flist : 1;	/* merged as a list (fraglist GRO): is_flist */
	uint8_t kind;		/* fast-path kind (fastpath.c), 0: none */
};
_Static_assert(sizeof(struct gro_flow) == 64, "a flow is one cache line");

struct gro_bucket {
	uint32_t oldest, newest;
	uint32_t count;
};

struct gro_fast;

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
	bool drop_chains;	/* flush_all empties the table itself: completed
				 * flows leave their hash chains as they are */

	/* The node pool: a list of the nodes freed since it last started
	 * over, then the nodes [0, r) never taken since, which the list ends
	 * in as ~r: GRO_NIL once there are none, so that free_node ==
	 * GRO_NIL is the one test of an empty pool (no index comes near the
	 * top bit). Nodes never taken are only taken with the list empty,
	 * so no node still on it holds a stale ~r. The pool starts over
	 * whenever no flow is held (every flush of everything), so that
	 * nodes are taken in address order, not in the order earlier
	 * packets freed them: with many flows that order is random, and
	 * following it costs a cache miss per node, one after another. */
	struct gro_node *nodes;
	uint32_t nnodes;
	uint32_t free_node;

	struct gro_pkt *out;	/* the batch being built (pull mode: the queue) */
	uint32_t nout, out_cap;
	struct gro_seg *oseg;
	uint32_t noseg, oseg_cap;
	/* Pull mode (no deliver hook): out[pull_head, nout) is a queue whose
	 * first npulled packets were handed to the caller by the last pull
	 * call; their spans stay in oseg[] until the next one. What lies
	 * before pull_head is the caller's already, and is dropped (moved
	 * over) only once it is at least as long as the queue, so that a
	 * long queue drained in small arrays costs no more per packet than
	 * a short one. */
	bool pull;
	uint32_t npulled, pull_head;

	const struct gro_fast *fast;	/* fast-path kinds; [0] unused */
	uint32_t nfast;
	uint32_t nbuiltin;		/* kinds 1..nbuiltin are the built-in ones */
	uint32_t fast_max_size[16];	/* per kind: gro_size_limit() of its flows */
	uint32_t fast_first;		/* bit per kind after the built-in ones: no
					 * kind before it can match a frame it does
					 * (gro_fast_overlap), so such a frame is
					 * of it without trying them */

	uint32_t max_v4;	/* ipv4_max_size, or max_size */
	uint32_t seg_cap;	/* max_segs, or no limit (UINT32_MAX) for 0 */
	uint32_t ntunnels;	/* used entries of cfg.tunnels */
	uint64_t k0, k1, kmul;	/* flow hash key: start, final xor, odd multiplier */
	uint64_t now;
	size_t memory;
	struct gro_stats st;
};

/* ---- the flow hash ---- */

static inline uint64_t gro_rotl64(uint64_t x, int r) { return x << r | x >> (64 - r); }

/*
 * The flow-key hash: the 64-bit words of the key are mixed in two at a
 * time, by a full 64 x 64 -> 128-bit multiply of one masked with a secret
 * (the multiplier) by the other masked with the state, whose two halves
 * are folded together (the step of wyhash and its kin); a last word alone
 * is multiplied by the secret odd multiplier. The key (start value and
 * multiplier) is random per context. A step that is linear in its input,
 * such as xor-multiply-rotate with a public constant, lets a sender build
 * differences that pass every step unchanged whatever the key (bit 63 of
 * one word against bit 28 of the next), and so any number of flows with
 * one hash; here how a difference spreads depends on the carries of a
 * product of secret-masked values, and a product made 0 needs a word
 * equal to a secret. One multiply for two words: it runs on every frame.
 */
static inline uint64_t gro_hash_pair(uint64_t h, uint64_t w0, uint64_t w1, uint64_t m)
{
	unsigned __int128 x = (unsigned __int128)(w0 ^ m) * (w1 ^ h);

	return (uint64_t)x ^ (uint64_t)(x >> 64);
}

static inline uint64_t gro_hash_step(uint64_t h, uint64_t w, uint64_t m)
{
	unsigned __int128 x = (unsigned __int128)(h ^ w) * m;

	return (uint64_t)x ^ (uint64_t)(x >> 64);
}

/* The last step, the receive hash mixed into the state: one more product
 * by the secret multiplier, whose folded halves spread every bit of its
 * input over every bit kept. */
GRO_ALWAYS_INLINE uint32_t gro_hash_final(const struct gro_ctx *ctx, uint64_t h, uint32_t rxhash)
{
	return (uint32_t)gro_hash_step(h ^ ctx->k1, rxhash, ctx->kmul);
}

/* The words of a key as they come, paired: @have says @pend waits for the
 * next one. */
struct gro_hash_acc {
	uint64_t h, pend;
	bool have;
};

static inline void gro_hash_feed(struct gro_hash_acc *a, uint64_t w, uint64_t m)
{
	if (a->have)
		a->h = gro_hash_pair(a->h, a->pend, w, m);
	else
		a->pend = w;
	a->have = !a->have;
}

/* A range of bytes, whole, for the rare long pieces of a key (extension
 * headers). Its length goes in first, so that no two ranges feed the same
 * words. */
static inline void gro_hash_range(struct gro_hash_acc *a, const uint8_t *p, uint32_t len,
				  uint64_t m)
{
	uint32_t i;

	gro_hash_feed(a, len, m);
	for (i = 0; i + 8 <= len; i += 8)
		gro_hash_feed(a, ld64(p + i), m);
	if (i < len) {
		uint64_t w = 0;

		memcpy(&w, p + i, len - i);
		gro_hash_feed(a, w, m);
	}
}

/*
 * The hash of the @n key pieces @k of the frame at @p with receive hash
 * @rxhash. The receive hash goes in last, before the final mix: it is not
 * the sender's to choose, and the state it meets is secret, so it needs
 * no multiply of its own. Every byte the comparison looks at goes in, and
 * nothing else,
 * so equal keys have equal hashes and a sender who varies any part of the
 * key (MAC addresses, tags, extension headers) cannot build long chains.
 * The fast path hashes a frame with its kind's pieces through this same
 * function, or, for pieces that are all words, the one below, which pairs
 * the words the same way: they must never disagree.
 */
static inline __attribute__((always_inline)) uint32_t
gro_key_hash(const struct gro_ctx *ctx, const uint8_t *p, const struct gro_keyseg *k, unsigned n,
	     uint32_t rxhash)
{
	const uint64_t m = ctx->kmul;
	struct gro_hash_acc a = { ctx->k0, 0, false };
	unsigned i;

	for (i = 0; i < n; i++) {
		if (likely(k[i].len <= 8))
			gro_hash_feed(&a, gro_key_word(p, &k[i]), m);
		else
			gro_hash_range(&a, p + k[i].off, k[i].len, m);
	}
	if (a.have)
		a.h = gro_hash_step(a.h, a.pend, m);
	return gro_hash_final(ctx, a.h, rxhash);
}

/* The same for pieces that are all words (len <= 8, or 0 for a flag), @n
 * of them: a loop the compiler can unroll for a constant @n. */
static inline __attribute__((always_inline)) uint32_t
gro_key_hash_words(const struct gro_ctx *ctx, const uint8_t *p, const struct gro_keyseg *k,
		   const unsigned n, uint32_t rxhash)
{
	const uint64_t m = ctx->kmul;
	uint64_t h = ctx->k0;
	unsigned i;

#pragma GCC unroll 8
	for (i = 0; i + 1 < n; i += 2)
		h = gro_hash_pair(h, gro_key_word(p, &k[i]), gro_key_word(p, &k[i + 1]), m);
	if (i < n)
		h = gro_hash_step(h, gro_key_word(p, &k[i]), m);
	return gro_hash_final(ctx, h, rxhash);
}

/* Are the pieces @k of frames @a and @b equal? */
static inline bool gro_key_equal(const uint8_t *a, const uint8_t *b, const struct gro_keyseg *k,
				 unsigned n)
{
	uint64_t d = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (likely(k[i].len <= 8))
			d |= gro_key_word(a, &k[i]) ^ gro_key_word(b, &k[i]);
		else if (memcmp(a + k[i].off, b + k[i].off, k[i].len))
			return false;
	}
	return !d;
}

/* ---- flowtab.c ---- */
int gro_flowtab_init(struct gro_ctx *ctx);
void gro_flowtab_free(struct gro_ctx *ctx);
struct gro_flow *gro_flow_lookup(struct gro_ctx *ctx, struct gro_cb *cb);
struct gro_flow *gro_flow_insert(struct gro_ctx *ctx, uint32_t hash, uint32_t rxhash,
				 uint32_t node);
void gro_flow_remove(struct gro_ctx *ctx, struct gro_flow *f);
struct gro_flow *gro_flow_oldest(struct gro_ctx *ctx, uint32_t bucket);
struct gro_flow *gro_flow_oldest_global(struct gro_ctx *ctx);

/* The node pool starts over: every node is free. */
GRO_ALWAYS_INLINE void gro_pool_restart(struct gro_ctx *ctx)
{
	ctx->free_node = ~ctx->nnodes;
}

/* A node from the pool whose first free node is *@free_node (not empty);
 * its next is not set. */
GRO_ALWAYS_INLINE uint32_t gro_node_pop(const struct gro_node *nodes, uint32_t *free_node)
{
	uint32_t n = *free_node;

	if (!(n >> 31)) {
		*free_node = nodes[n].next;
		return n;
	}
	/* ~r: node r - 1, and r - 1 left. */
	*free_node = n + 1;
	return ~n - 1;
}

/* The same from the context's pool. (A run of segments keeps the pool's
 * first free node in a register: gro_node_pop() on a copy.) */
GRO_ALWAYS_INLINE uint32_t gro_node_take(struct gro_ctx *ctx)
{
	return gro_node_pop(ctx->nodes, &ctx->free_node);
}

static inline uint32_t gro_node_alloc(struct gro_ctx *ctx)
{
	uint32_t n = gro_node_take(ctx);

	ctx->nodes[n].next = GRO_NIL;
	return n;
}

/* ---- engine.c: what the layers ask of the engine ---- */
void gro_complete(struct gro_ctx *ctx, struct gro_flow *f, enum gro_reason r);
void gro_deliver_batch(struct gro_ctx *ctx);

/* GRO_NORMAL: the frame goes up as it came. Inline: for traffic that
 * never merges this is most of the work per frame. */
static inline void gro_deliver_frame(struct gro_ctx *ctx, uint8_t *data, uint32_t len,
				     uint16_t l3_off, uint16_t l4_off, uint16_t hdr_len,
				     uint8_t reason, void *cookie, uint8_t link)
{
	struct gro_pkt *pkt;
	struct gro_seg *s;

	if (unlikely(ctx->nout == ctx->out_cap || ctx->noseg + 1 > ctx->oseg_cap))
		gro_deliver_batch(ctx);
	s = &ctx->oseg[ctx->noseg++];
	s->data = data;
	s->len = len;
	s->cookie = cookie;
	pkt = &ctx->out[ctx->nout++];
	*pkt = (struct gro_pkt){
		.data = data, .len = len, .l3_off = l3_off, .l4_off = l4_off, .hdr_len = hdr_len,
		.gso_segs = 1, .reason = reason, .nsegs = 1, .segs = s,
		.start = (uint32_t)link << GRO_LINK_SHIFT,
	};
	ctx->st.pkts_out++;
	ctx->st.bytes_out += len;
	ctx->st.reasons[reason]++;
}
void gro_hold(struct gro_ctx *ctx, const struct gro_cb *cb, uint8_t kind);

/* skb_gro_receive's limits: would @len more bytes overfill a packet of
 * @tot bytes (MAC header included) and @count segments, or has it
 * @seg_cap segments (ctx->seg_cap: gro_config.max_segs)? Linux's p->len
 * counts from the end of the MAC header, so @max_size here is the limit
 * plus the MAC header's length (gro_mac_len). */
GRO_ALWAYS_INLINE bool gro_too_big(uint32_t tot, uint32_t count, uint32_t len, uint32_t max_size,
				    uint32_t seg_cap)
{
	return tot + len > max_size || count >= seg_cap;
}

/* skb_gro_receive: @len bytes at @data join the flow, no copy. */
static inline void gro_flow_append(struct gro_ctx *ctx, struct gro_flow *f, uint8_t *data,
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
	f->count++;
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

/* ---- fastpath.c ---- */

/* What the fast path knows of a frame before it is received: its kind (0:
 * none, the layered path takes it) and, when a flow was held, its hash, so
 * that its table slot can be fetched early. */
struct gro_hint {
	uint32_t hash;		/* valid if hashed, else 0 */
	uint8_t kind;
	uint8_t hashed;
};

/* How far ahead of the frame being received its hint (flow hash) is made
 * and its table slot fetched, then the flow, then the head's headers: each
 * step needs the one before to have arrived. Hints are made HINT_BATCH at
 * a time while frames keep needing them. */
#define GRO_HINT_AHEAD	8
#define GRO_FLOW_AHEAD	5
#define GRO_HEAD_AHEAD	2
#define GRO_HINT_BATCH	8

/* Held flows from which a flow's table slot and line are taken to miss
 * the cache (64K flows are 4 MiB of lines): hints are then made ahead even
 * of frames that may continue a run. (At 64K flows in runs of 4 it made
 * no difference either way.) */
#define GRO_HELD_MANY	65536

/* Held flows from which a burst's look-ahead is made for all its frames
 * at its start (gro_fetch_batch). A burst's first frames have no frames
 * before them to fetch their lines ahead, and at a million flows each of
 * them waited for its flow, then its head, one miss after another. With
 * few flows held the lines are in cache and the hashes of frames that
 * continue runs are made for nothing: at 1K flows in runs, 15 ns per
 * packet became 19 with the batch made from 256 held flows. */
#define GRO_HELD_BATCH	4096

/* The look-ahead for the frame whose hint is @h, @left hints made from it
 * on: the flows of the frames GRO_FLOW_AHEAD on, the head headers and last
 * node of those GRO_HEAD_AHEAD on. */
GRO_ALWAYS_INLINE void gro_fetch_ahead(const struct gro_ctx *ctx, const struct gro_hint *h,
				       unsigned left)
{
	if (GRO_FLOW_AHEAD < left && h[GRO_FLOW_AHEAD].hashed) {
		uint32_t k = ctx->table[h[GRO_FLOW_AHEAD].hash & ctx->table_mask];

		if (k != GRO_NIL)
			gro_prefetch(&ctx->flows[k]);
	}
	if (GRO_HEAD_AHEAD < left && h[GRO_HEAD_AHEAD].hashed) {
		uint32_t k = ctx->table[h[GRO_HEAD_AHEAD].hash & ctx->table_mask];

		if (k != GRO_NIL) {
			const struct gro_flow *f = &ctx->flows[k];

			gro_prefetch(f->head);
			gro_prefetch(f->head + 64);
			gro_prefetch_w(&ctx->nodes[f->last]);
		}
	}
}

/* The look-ahead of the @n frames of a burst whose hints @h are made (and
 * their table slots fetched) all at once: each step for every frame, then
 * the next (the flows, then the head headers and last nodes), so that one
 * step's misses overlap one another and the burst waits for each step
 * once, not once per frame. */
GRO_ALWAYS_INLINE void gro_fetch_batch(const struct gro_ctx *ctx, const struct gro_hint *h,
				       unsigned n)
{
	uint32_t slot[GRO_PREFETCH_MAX];
	unsigned j;

	for (j = 0; j < n; j++) {
		slot[j] = h[j].hashed ? ctx->table[h[j].hash & ctx->table_mask] : GRO_NIL;
		if (slot[j] != GRO_NIL)
			gro_prefetch(&ctx->flows[slot[j]]);
	}
	for (j = 0; j < n; j++) {
		if (slot[j] != GRO_NIL) {
			const struct gro_flow *f = &ctx->flows[slot[j]];

			gro_prefetch(f->head);
			gro_prefetch(f->head + 64);
			gro_prefetch_w(&ctx->nodes[f->last]);
		}
	}
}

/* May the frame whose hint is @h continue the flow the one before it
 * found or started? Not if its hash says it is of another flow. */
GRO_ALWAYS_INLINE bool gro_hint_may_run(const struct gro_ctx *ctx, const struct gro_hint *h)
{
	return ctx->last_flow != GRO_NIL &&
	       !(h->hashed && h->hash != ctx->flows[ctx->last_flow].hash);
}

/* Every frame taken is counted, and may need a node: if the pool is dry,
 * room is made the way a full bucket does, by completing the oldest flow. */
GRO_ALWAYS_INLINE void gro_frame_in(struct gro_ctx *ctx, const struct gro_frame *fr)
{
	ctx->st.frames_in++;
	ctx->st.bytes_in += fr->len;
	if (unlikely(ctx->free_node == GRO_NIL))
		gro_complete(ctx, gro_flow_oldest_global(ctx), GRO_R_EVICT);
}

void gro_fast_hints(const struct gro_ctx *ctx, const struct gro_frame *fr, unsigned n,
		    struct gro_hint *h);

/* Hints for the @n frames @frames (@hint beside them), made up to
 * @hinted so far, to reach @ahead frames past frame @i: up to there when
 * none past @i are made yet (the frame after a run mostly continues it, so
 * no more), else GRO_HINT_BATCH more at a time, one call for several
 * frames. Returns how far they are made now. */
GRO_ALWAYS_INLINE unsigned gro_hints_ahead(const struct gro_ctx *ctx,
					   const struct gro_frame *frames, struct gro_hint *hint,
					   unsigned hinted, unsigned i, unsigned ahead, unsigned n)
{
	unsigned to;

	if (hinted > i + ahead || hinted >= n)
		return hinted;
	to = i + ahead + (hinted > i ? GRO_HINT_BATCH : 1);
	if (to > n)
		to = n;
	gro_fast_hints(ctx, &frames[hinted], to - hinted, &hint[hinted]);
	return to;
}

/* engine.c: the layered path for a frame the fast path did not take. */
void gro_receive_layered(struct gro_ctx *ctx, const struct gro_frame *fr);

int gro_fast_init(struct gro_ctx *ctx);
void gro_fast_free(struct gro_ctx *ctx);
unsigned gro_fast_continue(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n);
unsigned gro_fast_pass(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n);
bool gro_fast_receive(struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_hint *h);
unsigned gro_fast_table(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n,
			struct gro_hint *hint, unsigned i, unsigned *hinted);
uint8_t gro_fast_kind_of(const struct gro_ctx *ctx, const struct gro_cb *cb);
const struct gro_fast *gro_fast_builtin_of(const uint8_t *p, uint32_t len, unsigned link);
bool gro_fast_overlap(const struct gro_fast *a, const struct gro_fast *b);

/* ---- csum.c ---- */
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

#endif
