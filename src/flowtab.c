// SPDX-License-Identifier: MIT
/*
 * The flow table: held flows, found in O(1) by a keyed hash of their
 * addresses and ports, and kept per bucket in the order they were first
 * held, which is the order Linux completes and evicts them in.
 *
 * Linux keeps at most 8 flows in each of 8 lists and scans a list per
 * packet. Equal keys find the same flow here as there, because Linux never
 * holds two flows with equal keys: a segment that finds its flow either
 * joins it or completes it. So a hash lookup is the list scan made O(1),
 * and the age lists keep the order in which Linux walks its lists.
 *
 * All memory is allocated once: the flow slots, the hash heads, and a pool
 * of nodes, one per held frame.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "gro_internal.h"

static uint32_t pow2_at_least(uint64_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/*
 * A zeroed array of @n bytes, counted in gro_memory() as allocated. Lines
 * of its own; and large ones (a table for many flows) on 2 MiB pages where
 * the system has them: at a million flows the flows, hash heads and nodes
 * are about 120 MiB touched at random, and on 4 KiB pages such accesses
 * also miss the TLB (1M flows 4-8% less time, measured side by side).
 */
#define BIG_PAGE ((size_t)2 << 20)

static void *big_alloc(struct gro_ctx *ctx, size_t n)
{
	size_t align = n < BIG_PAGE ? 64 : BIG_PAGE;
	void *p;

	n = (n + align - 1) & ~(align - 1);
	p = aligned_alloc(align, n ? n : align);
	if (!p)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (align == BIG_PAGE)
		madvise(p, n, MADV_HUGEPAGE);
#endif
	memset(p, 0, n);
	ctx->memory += n;
	return p;
}

int gro_flowtab_init(struct gro_ctx *ctx)
{
	const struct gro_config *c = &ctx->cfg;
	uint32_t nflows = c->max_flows, i;
	uint32_t nbuckets = pow2_at_least((uint64_t)nflows * 2);

	/* Flows on cache-line boundaries: a flow is then one line. */
	ctx->flows = big_alloc(ctx, (size_t)nflows * sizeof(*ctx->flows));
	ctx->table = big_alloc(ctx, (size_t)nbuckets * sizeof(*ctx->table));
	ctx->nodes = big_alloc(ctx, (size_t)ctx->nnodes * sizeof(*ctx->nodes));
	ctx->buckets = calloc(c->buckets, sizeof(*ctx->buckets));
	if (!ctx->flows || !ctx->table || !ctx->buckets || !ctx->nodes)
		return GRO_ENOMEM;
	ctx->memory += (size_t)c->buckets * sizeof(*ctx->buckets);

	ctx->table_mask = nbuckets - 1;
	for (i = 0; i < nbuckets; i++)
		ctx->table[i] = GRO_NIL;
	for (i = 0; i < nflows; i++)
		ctx->flows[i].hnext = i + 1 < nflows ? i + 1 : GRO_NIL;
	ctx->free_flow = 0;
	gro_pool_restart(ctx);
	ctx->last_flow = GRO_NIL;
	for (i = 0; i < c->buckets; i++)
		ctx->buckets[i].oldest = ctx->buckets[i].newest = GRO_NIL;
	ctx->bucket_mask = c->buckets - 1;
	ctx->per_bucket = nflows / c->buckets;

	if (c->hash_seed) {
		ctx->k0 = c->hash_seed;
		ctx->k1 = gro_rotl64(c->hash_seed, 32) ^ 0x6a09e667f3bcc909ull;
	} else {
		uint64_t k[2];

		if (getrandom(k, sizeof(k), 0) != sizeof(k)) {
			struct timespec ts;

			/* No entropy source: still differ per context. */
			clock_gettime(CLOCK_MONOTONIC, &ts);
			k[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uintptr_t)ctx;
			k[1] = gro_rotl64(k[0], 17) ^ (uint64_t)ts.tv_sec;
		}
		ctx->k0 = k[0];
		ctx->k1 = k[1];
	}
	/* The multiplier: odd (a bijection on the low half) with its top
	 * bit set (a full-width product), the rest from the key. */
	ctx->kmul = (ctx->k1 * 0x9e3779b97f4a7c15ull ^ ctx->k0) | 1ull << 63 | 1;
	return GRO_OK;
}

void gro_flowtab_free(struct gro_ctx *ctx)
{
	free(ctx->flows);
	free(ctx->table);
	free(ctx->buckets);
	free(ctx->nodes);
}

/* Does held flow @f have @cb's key? The receive hash, the transport
 * header's offset and where the frames start (no MAC header is a key
 * piece of its own) first, which are in @f itself and differ most often;
 * then every piece the layers put in the key. (With the offsets equal, the
 * pieces lie inside the head's headers: the frame's lie before its
 * transport header, and the head's is at the same place.) */
static inline bool flow_matches(const struct gro_cb *cb, const struct gro_flow *f)
{
	return f->rxhash == cb->rxhash && f->l4_off == cb->l4_off && f->link == cb->link &&
	       gro_key_equal(f->head, cb->data, cb->key, cb->nkey);
}

struct gro_flow *gro_flow_lookup(struct gro_ctx *ctx, struct gro_cb *cb)
{
	uint32_t h, i = ctx->last_flow;

	/* Segments of a flow mostly come in runs: try the flow the previous
	 * frame found or started before the table. A match there is the one
	 * the table would give, because no two held flows have the same key
	 * (a segment that finds its flow joins or completes it), and its
	 * hash is this frame's: the hash covers only fields of the key. */
	if (i != GRO_NIL && flow_matches(cb, &ctx->flows[i])) {
		cb->hash = ctx->flows[i].hash;
		return &ctx->flows[i];
	}

	h = cb->hash = gro_key_hash(ctx, cb->data, cb->key, cb->nkey, cb->rxhash);
	for (i = ctx->table[h & ctx->table_mask]; i != GRO_NIL; i = ctx->flows[i].hnext) {
		struct gro_flow *f = &ctx->flows[i];

		if (f->hash == h && flow_matches(cb, f)) {
			ctx->last_flow = i;
			return f;
		}
	}
	return NULL;
}

struct gro_flow *gro_flow_insert(struct gro_ctx *ctx, uint32_t h, uint32_t rxhash, uint32_t node)
{
	uint32_t i = ctx->free_flow;
	struct gro_flow *f = &ctx->flows[i];
	struct gro_bucket *b = &ctx->buckets[rxhash & ctx->bucket_mask];

	ctx->free_flow = f->hnext;

	f->hash = h;
	f->hnext = ctx->table[h & ctx->table_mask];
	ctx->table[h & ctx->table_mask] = i;

	f->newer = GRO_NIL;
	f->older = b->newest;
	if (b->newest != GRO_NIL)
		ctx->flows[b->newest].newer = i;
	else
		b->oldest = i;
	b->newest = i;
	b->count++;
	ctx->held++;

	f->first = f->last = node;
	f->head = ctx->nodes[node].data;
	f->rxhash = rxhash;
	ctx->last_flow = i;
	return f;
}

void gro_flow_remove(struct gro_ctx *ctx, struct gro_flow *f)
{
	uint32_t i = (uint32_t)(f - ctx->flows);
	uint32_t *pp = &ctx->table[f->hash & ctx->table_mask];
	struct gro_bucket *b = &ctx->buckets[f->rxhash & ctx->bucket_mask];

	if (ctx->last_flow == i)
		ctx->last_flow = GRO_NIL;
	if (!ctx->drop_chains) {
		while (*pp != i)
			pp = &ctx->flows[*pp].hnext;
		*pp = f->hnext;
	}

	if (f->older != GRO_NIL)
		ctx->flows[f->older].newer = f->newer;
	else
		b->oldest = f->newer;
	if (f->newer != GRO_NIL)
		ctx->flows[f->newer].older = f->older;
	else
		b->newest = f->older;
	b->count--;
	/* The last flow gone, every node is free: the pool starts over. */
	if (!--ctx->held)
		gro_pool_restart(ctx);

	f->hnext = ctx->free_flow;
	ctx->free_flow = i;
}

struct gro_flow *gro_flow_oldest(struct gro_ctx *ctx, uint32_t bucket)
{
	uint32_t i = ctx->buckets[bucket].oldest;

	return i == GRO_NIL ? NULL : &ctx->flows[i];
}

/* The node pool ran dry: the flow held longest, over all buckets. */
struct gro_flow *gro_flow_oldest_global(struct gro_ctx *ctx)
{
	struct gro_flow *best = NULL;
	uint32_t b;

	for (b = 0; b <= ctx->bucket_mask; b++) {
		struct gro_flow *f = gro_flow_oldest(ctx, b);

		if (f && (!best || f->age < best->age))
			best = f;
	}
	return best;
}
