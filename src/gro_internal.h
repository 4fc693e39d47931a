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

/* One frame held by the engine: the head of a flow or a merged segment. */
struct gro_node {
	uint8_t *data;
	uint32_t len;
	uint32_t next;		/* next node of the same flow */
	void *cookie;
};

/* A held flow: Linux's skb on the gro_list with its NAPI_GRO_CB. */
struct gro_flow {
	uint32_t hash;		/* flow-key hash (addresses, ports, rxhash) */
	uint32_t hnext;		/* hash chain */
	uint32_t older, newer;	/* age list of its bucket */
	uint32_t first, last;	/* nodes: the head frame, then payload spans */
	uint32_t rxhash;
	uint32_t tot;		/* bytes of the super-packet, MAC header included */
	uint32_t next_seq;	/* sequence number the next segment must carry */
	uint16_t l3_off, l4_off, hdr_len;
	uint16_t gso_size;	/* payload of the head segment: the mss */
	uint16_t count;		/* segments merged */
	uint8_t bucket;
	uint8_t fixedid;	/* IPv4 ID is constant (decided on the 2nd segment) */
	uint8_t v6;		/* network layer: 0 IPv4, 1 IPv6 */
	uint64_t age;		/* time it was first held */
};

/*
 * Per-frame parse state, Linux's NAPI_GRO_CB(skb): each layer reads its
 * header at @off, advances @off, and ORs its verdict into @flush.
 */
struct gro_cb {
	uint8_t *data;
	uint32_t len;
	uint32_t off;		/* parse position */
	uint32_t flush;		/* non-zero: deliver this frame as is */
	uint64_t hash;		/* running flow-key hash */
	uint32_t rxhash;
	uint32_t fflags;	/* GRO_FRAME_* */
	uint16_t l3_off, l4_off, hdr_len;
	uint8_t depth;		/* nested gro_receive calls */
	uint8_t reason;		/* why @flush was first set */
	bool merged;		/* Linux's same_flow on the skb: it joined a flow */
	uint8_t v6;
	uint8_t pp_reason;	/* why the returned flow must complete */
	uint32_t paylen;	/* TCP payload bytes */
	uint32_t next_seq;	/* TCP seq + paylen */
	const struct gro_l3_ops *l3;
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
	uint64_t next_seq;

	struct gro_node *nodes;
	uint32_t nnodes;
	uint32_t free_node;
	uint32_t nodes_used;

	struct gro_pkt *out;	/* the batch being built */
	uint32_t nout;
	struct gro_seg *oseg;
	uint32_t noseg, oseg_cap;

	uint64_t k0, k1;	/* flow hash key */
	uint64_t now;
	size_t memory;
	struct gro_stats st;
};

/* flowtab.c */
int gro_flowtab_init(struct gro_ctx *ctx);
void gro_flowtab_free(struct gro_ctx *ctx);
uint64_t gro_hash_start(const struct gro_ctx *ctx);
uint64_t gro_hash_step(uint64_t h, uint64_t w);
uint32_t gro_hash_final(const struct gro_ctx *ctx, uint64_t h);
uint32_t gro_inet_flush(const uint8_t *iph, const uint8_t *iph2, struct gro_flow *f);
struct gro_flow *gro_flow_lookup(struct gro_ctx *ctx, const struct gro_cb *cb);
struct gro_flow *gro_flow_insert(struct gro_ctx *ctx, const struct gro_cb *cb, uint32_t node);
void gro_flow_remove(struct gro_ctx *ctx, struct gro_flow *f);
uint32_t gro_node_alloc(struct gro_ctx *ctx);
struct gro_flow *gro_flow_oldest(struct gro_ctx *ctx, uint32_t bucket);
struct gro_flow *gro_flow_oldest_global(struct gro_ctx *ctx);

static inline uint8_t *gro_flow_head(const struct gro_ctx *ctx, const struct gro_flow *f)
{
	return ctx->nodes[f->first].data;
}

/* engine.c */
void gro_flow_append(struct gro_ctx *ctx, struct gro_flow *f, const struct gro_cb *cb);
bool gro_flow_full(const struct gro_ctx *ctx, const struct gro_flow *f, uint32_t len);
void gro_complete(struct gro_ctx *ctx, struct gro_flow *f, enum gro_reason r);

/* gso.c: where the headers of a TCP packet are. */
struct gro_hdrs {
	uint16_t l3_off, l4_off, hdr_len;
	uint8_t v6;
};
int gro_parse_tcp(const uint8_t *p, uint32_t len, struct gro_hdrs *h);

/* csum.c */
uint64_t gro_csum_partial(const void *data, size_t len, uint64_t sum);
uint16_t gro_csum16_fold(uint64_t sum);
void gro_csum_replace2(uint8_t *check, uint16_t old, uint16_t now);

#endif
