// SPDX-License-Identifier: MIT
/*
 * The engine: Linux's dev_gro_receive and napi_gro_flush around the flow
 * table. Each frame goes down the protocol layers (proto/), which decide,
 * as Linux's gro_receive callbacks do, whether it joins a held flow, and
 * whether some held flow must complete now. What they decide is carried
 * out here, in the same order as Linux: the completed flow first, then the
 * frame itself (merged, delivered as is, or held as a new flow).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "layer.h"

static _Thread_local struct {
	char msg[160];
} cfg_err;

const char *gro_config_error(void)
{
	return cfg_err.msg[0] ? cfg_err.msg : "no configuration error";
}

const char *gro_strerror(int err)
{
	switch (err) {
	case GRO_OK: return "success";
	case GRO_EINVAL: return "invalid argument";
	case GRO_ENOMEM: return "out of memory";
	case GRO_ENOSPC: return "output buffer too small";
	case GRO_EPROTO: return "packet is not of the expected kind";
	case GRO_EBUSY: return "not while packets are held";
	}
	return "unknown error";
}

static const char *const reason_names[GRO_R_COUNT] = {
	[GRO_R_UNHANDLED] = "not-tcp",
	[GRO_R_MALFORMED] = "malformed",
	[GRO_R_IP_OPTS] = "ip-options",
	[GRO_R_IP_FRAG] = "ip-fragment",
	[GRO_R_IP_CSUM] = "ip-checksum",
	[GRO_R_IP_LEN] = "ip-length",
	[GRO_R_L4_CSUM] = "tcp-checksum",
	[GRO_R_FLAGS] = "tcp-flags",
	[GRO_R_NO_PAYLOAD] = "no-payload",
	[GRO_R_MISMATCH_NEW] = "mismatch-unheld",
	[GRO_R_PUSH] = "push",
	[GRO_R_SHORT] = "short-segment",
	[GRO_R_MISMATCH] = "mismatch",
	[GRO_R_SIZE] = "size-limit",
	[GRO_R_EVICT] = "evict",
	[GRO_R_POLL_END] = "poll-end",
	[GRO_R_TIMEOUT] = "timeout",
	[GRO_R_DESTROY] = "destroy",
};

const char *gro_reason_name(enum gro_reason r)
{
	return (unsigned)r < GRO_R_COUNT ? reason_names[r] : "unknown";
}

void gro_config_init(struct gro_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_flows = 64;
	cfg->buckets = 8;
	cfg->max_size = 65535;
	cfg->batch = 64;
	cfg->csum = GRO_CSUM_VERIFY;
	cfg->vlan = 1;
}

static int bad_config(const char *what)
{
	snprintf(cfg_err.msg, sizeof(cfg_err.msg), "%s", what);
	return GRO_EINVAL;
}

static int check_config(const struct gro_config *c)
{
	cfg_err.msg[0] = 0;
	if (c->release && c->release_batch)
		return bad_config("release, release_batch: set one or the other");
	if (c->max_flows < 1 || c->max_flows > GRO_MAX_FLOWS)
		return bad_config("max_flows: must be 1 to 16777216");
	if (c->buckets < 1 || c->buckets > 256 || (c->buckets & (c->buckets - 1)))
		return bad_config("buckets: must be a power of two from 1 to 256");
	if (c->max_flows % c->buckets)
		return bad_config("buckets: must divide max_flows");
	if (c->max_size < 64 || c->max_size > GRO_MAX_SIZE)
		return bad_config("max_size: must be 64 to 524279 (GRO_MAX_SIZE)");
	if (c->ipv4_max_size && (c->ipv4_max_size < 64 || c->ipv4_max_size > GRO_MAX_SIZE))
		return bad_config("ipv4_max_size: must be 0 (max_size) or 64 to 524279");
	if (c->udp != GRO_UDP_OFF && c->udp != GRO_UDP_L4 && c->udp != GRO_UDP_FRAGLIST)
		return bad_config("udp: must be GRO_UDP_OFF, GRO_UDP_L4 or GRO_UDP_FRAGLIST");
	if (c->fraglist > 1)
		return bad_config("fraglist: must be 0 or 1");
	for (size_t i = 0; i < GRO_UDP_TUNNELS; i++) {
		const struct gro_udp_tunnel *t = &c->tunnels[i];

		if (t->type > GRO_TUNNEL_GENEVE)
			return bad_config("tunnels: type must be GRO_TUNNEL_VXLAN or GRO_TUNNEL_GENEVE");
		if (!t->port != !t->type)
			return bad_config("tunnels: a used entry needs a port and a type, an unused one neither");
		for (size_t j = 0; j < i; j++)
			if (t->port && c->tunnels[j].port == t->port)
				return bad_config("tunnels: a port can name one tunnel only");
	}
	for (size_t i = 0; i < sizeof(c->reserved) / sizeof(c->reserved[0]); i++)
		if (c->reserved[i])
			return bad_config("reserved: must be zero (start from gro_config_init)");
	if (c->max_segs > 65535)
		return bad_config("max_segs: must be 0 (no limit) to 65535");
	if (c->batch < 1 || c->batch > 65536)
		return bad_config("batch: must be 1 to 65536");
	if (c->csum != GRO_CSUM_VERIFY && c->csum != GRO_CSUM_TRUST)
		return bad_config("csum: must be GRO_CSUM_VERIFY or GRO_CSUM_TRUST");
	if (c->max_held_frames && c->max_held_frames < c->max_flows)
		return bad_config("max_held_frames: must be 0 (auto) or at least max_flows");
	if (c->vlan > 1)
		return bad_config("vlan: must be 0 or 1");
	if (c->max_held_frames > (1u << 28))
		return bad_config("max_held_frames: at most 268435456");
	return GRO_OK;
}

int gro_create(const struct gro_config *cfg, struct gro_ctx **out)
{
	struct gro_ctx *ctx;
	uint64_t n;
	int err;

	if (!cfg || !out)
		return bad_config("cfg and out must not be NULL");
	*out = NULL;
	err = check_config(cfg);
	if (err)
		return err;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return GRO_ENOMEM;
	ctx->cfg = *cfg;
	ctx->max_v4 = cfg->ipv4_max_size ? cfg->ipv4_max_size : cfg->max_size;
	ctx->seg_cap = cfg->max_segs ? cfg->max_segs : UINT32_MAX;
	for (unsigned i = 0; i < GRO_UDP_TUNNELS; i++)
		ctx->ntunnels += cfg->tunnels[i].port != 0;
	ctx->memory = sizeof(*ctx);

	/* Enough nodes for every flow to reach 64 KiB of 1448-byte segments,
	 * but for large tables about two per flow: a table that size holds
	 * many short-lived flows, not many full ones. */
	n = cfg->max_held_frames;
	if (!n) {
		uint64_t full = (uint64_t)cfg->max_flows * 46;
		uint64_t lean = (uint64_t)cfg->max_flows * 2 + 65536;

		n = full < lean ? full : lean;
		if (n < 65536)
			n = 65536;
	}
	/* Below 2^31 (and max_held_frames below 2^28): the pool tells an
	 * index from what it keeps of the nodes never taken by the top bit
	 * (gro_node_take). */
	_Static_assert((uint64_t)GRO_MAX_FLOWS * 2 + 65536 < (1ull << 31), "node indexes below 2^31");
	ctx->nnodes = (uint32_t)n;

	if (cfg->deliver) {
		/* One delivered packet can hold at most one node per segment. */
		ctx->out_cap = cfg->batch;
		ctx->oseg_cap = (ctx->nnodes < 65536 ? ctx->nnodes : 65536) + cfg->batch;
	} else {
		/* Pull mode: the queue holds every packet a call may leave
		 * behind plus what the next one makes (see pull_room()). */
		ctx->pull = true;
		ctx->out_cap = cfg->max_flows + cfg->batch;
		ctx->oseg_cap = ctx->nnodes + cfg->batch;
	}
	ctx->out = calloc(ctx->out_cap, sizeof(*ctx->out));
	ctx->oseg = calloc(ctx->oseg_cap, sizeof(*ctx->oseg));
	ctx->memory += (size_t)ctx->out_cap * sizeof(*ctx->out) +
		       (size_t)ctx->oseg_cap * sizeof(*ctx->oseg);
	err = ctx->out && ctx->oseg ? gro_flowtab_init(ctx) : GRO_ENOMEM;
	if (!err)
		err = gro_fast_init(ctx);
	if (err) {
		gro_fast_free(ctx);
		gro_flowtab_free(ctx);
		free(ctx->out);
		free(ctx->oseg);
		free(ctx);
		return err;
	}
	*out = ctx;
	return GRO_OK;
}

/* Hand the batch to the caller, then give every frame in it back. */
void gro_deliver_batch(struct gro_ctx *ctx)
{
	const struct gro_config *c = &ctx->cfg;
	uint32_t i;

	/* In pull mode the queue is drained by the caller, and pull_room()
	 * made sure it cannot fill up during a call. */
	if (!ctx->nout || ctx->pull)
		return;
	c->deliver(c->deliver_arg, ctx->out, ctx->nout);
	if (c->release_batch)
		c->release_batch(c->release_arg, ctx->oseg, ctx->noseg);
	else if (c->release)
		for (i = 0; i < ctx->noseg; i++)
			c->release(c->release_arg, ctx->oseg[i].cookie);
	ctx->nout = 0;
	ctx->noseg = 0;
}

/* A slot in the batch with room for @nsegs spans, zeroed but for segs and
 * nsegs. */
static inline struct gro_pkt *out_slot(struct gro_ctx *ctx, uint32_t nsegs)
{
	struct gro_pkt *pkt;

	if (ctx->nout == ctx->out_cap || ctx->noseg + nsegs > ctx->oseg_cap)
		gro_deliver_batch(ctx);
	pkt = &ctx->out[ctx->nout++];
	*pkt = (struct gro_pkt){ .segs = &ctx->oseg[ctx->noseg], .nsegs = nsegs };
	ctx->noseg += nsegs;
	return pkt;
}

static inline void count_out(struct gro_ctx *ctx, const struct gro_pkt *pkt)
{
	ctx->st.pkts_out++;
	ctx->st.bytes_out += pkt->len;
	ctx->st.reasons[pkt->reason]++;
	if (pkt->gso_segs > 1) {
		ctx->st.super_pkts++;
		ctx->st.segs_merged += pkt->gso_segs;
	}
}

static void deliver_as_is(struct gro_ctx *ctx, const struct gro_cb *cb)
{
	gro_deliver_frame(ctx, cb->data, cb->len, cb->l3_off, cb->l4_off, cb->hdr_len, cb->reason,
			  cb->cookie, cb->link);
}

_Static_assert(offsetof(struct gro_node, data) == offsetof(struct gro_seg, data) &&
	       offsetof(struct gro_node, len) == offsetof(struct gro_seg, len) &&
	       offsetof(struct gro_node, next) == 12 && offsetof(struct gro_seg, cookie) == 16 &&
	       offsetof(struct gro_node, cookie) == 16 && sizeof(struct gro_seg) == 24,
	       "gro_complete() copies a node's first 16 bytes into a span");

/*
 * gro_complete: a flow leaves the table. A flow of one segment goes up
 * untouched, as Linux does; a merged one gets its headers completed by
 * each layer, innermost last, like the gro_complete callbacks.
 */
void gro_complete(struct gro_ctx *ctx, struct gro_flow *f, enum gro_reason r)
{
	struct gro_pkt *pkt = out_slot(ctx, f->count);
	struct gro_seg *s = (struct gro_seg *)pkt->segs;
	const struct gro_node *nodes = ctx->nodes;	/* read once: the spans
							 * written may alias it */
	uint8_t *head = f->head;
	uint32_t n, next;

	pkt->data = head;
	pkt->len = f->tot;
	pkt->l3_off = f->l3_off;
	pkt->l4_off = f->l4_off;
	pkt->hdr_len = f->hdr_len;
	pkt->gso_segs = f->count;
	pkt->reason = (uint8_t)r;
	pkt->start = (uint32_t)f->link << GRO_LINK_SHIFT;
	if (f->count > 1) {
		pkt->gso_size = f->gso_size;
		gro_complete_layers(ctx, head, f, pkt);
	}

	/* A node is laid out as a span with its next index where the span
	 * has padding: its first 16 bytes are copied as one block. */
	for (n = f->first; n != GRO_NIL; n = next) {
		const struct gro_node *node = &nodes[n];

		next = node->next;
		memcpy(s, node, 16);
		s->cookie = node->cookie;
		s++;
	}
	/* The flow's nodes go back to the pool as the chain they are. */
	ctx->nodes[f->last].next = ctx->free_node;
	ctx->free_node = f->first;
	gro_flow_remove(ctx, f);
	count_out(ctx, pkt);
}

/* dev_gro_receive's tail: nothing to join, so the frame starts a flow.
 * @cb has been through the layers, or is what the fast path knows of a
 * frame of fast kind @kind (0: find out). */
void gro_hold(struct gro_ctx *ctx, const struct gro_cb *cb, uint8_t kind)
{
	uint32_t bucket = cb->rxhash & ctx->bucket_mask;
	struct gro_flow *f;
	struct gro_node *node;
	uint32_t n;

	/* A full bucket completes its oldest flow first (gro_flush_oldest). */
	if (ctx->buckets[bucket].count >= ctx->per_bucket)
		gro_complete(ctx, gro_flow_oldest(ctx, bucket), GRO_R_EVICT);

	n = gro_node_alloc(ctx);
	node = &ctx->nodes[n];
	node->data = cb->data;
	node->len = cb->len;
	node->cookie = cb->cookie;

	f = gro_flow_insert(ctx, cb->hash, cb->rxhash, n);
	f->tot = cb->len;
	f->l4.seg.next_seq = cb->l4.seg.next_seq;
	f->l3_off = cb->l3_off;
	f->l4_off = cb->l4_off;
	f->hdr_len = cb->hdr_len;
	f->gso_size = (uint16_t)cb->l4.seg.paylen;
	f->count = 1;
	f->fixedid = 0;
	f->flist = cb->flist;
	f->link = cb->link & 3;
	f->kind = kind ? kind : gro_fast_kind_of(ctx, cb);
	f->age = ctx->now;
}

/* A frame the fast path did not take goes down the layers (counted
 * already). Apart: for most traffic it is rare. */
void gro_receive_layered(struct gro_ctx *ctx, const struct gro_frame *fr)
{
	const struct gro_layer *first;
	struct gro_cb cb;
	struct gro_flow *pp;

	cb.data = fr->data;
	cb.len = fr->data ? fr->len : 0;
	cb.off = 0;
	cb.flush = 0;
	cb.rxhash = fr->rxhash;
	cb.hash = 0;
	cb.fflags = fr->flags;
	if (ctx->cfg.csum == GRO_CSUM_TRUST)
		cb.fflags |= GRO_FRAME_CSUM_OK;
	cb.l3_off = cb.l4_off = cb.hdr_len = 0;
	cb.depth = 0;
	cb.reason = 0;
	cb.merged = false;
	cb.pp_reason = 0;
	cb.encap = 0;
	cb.nnet = 0;
	cb.encap_mark = 0;
	cb.nkey = 0;
	cb.flist = false;
	cb.nstack = 0;
	cb.link = gro_link_of(fr->flags, cb.data, cb.len);
	cb.l4.seg.paylen = 0;
	cb.l4.seg.next_seq = 0;
	cb.cookie = fr->cookie;

	/* Down the layers from Ethernet, or from the IP header of a frame
	 * without one (dev_gro_receive). An IP frame of neither version has
	 * no layer: Linux's TUN would not even have taken it. */
	first = gro_link_layer(cb.link);
	if (unlikely(!first)) {
		gro_cb_flush(&cb, GRO_R_UNHANDLED);
		deliver_as_is(ctx, &cb);
		return;
	}
	pp = gro_enter(ctx, &cb, first);
	if (pp)
		gro_complete(ctx, pp, cb.pp_reason);
	if (cb.merged)
		return;
	if (cb.flush)
		deliver_as_is(ctx, &cb);
	else
		gro_hold(ctx, &cb, 0);
}

static inline void receive_one(struct gro_ctx *ctx, const struct gro_frame *fr,
			       const struct gro_hint *hint)
{
	gro_frame_in(ctx, fr);
	/* A frame of a fast kind is mostly taken whole by fastpath.c. */
	if (hint->kind && gro_fast_receive(ctx, fr, hint))
		return;
	gro_receive_layered(ctx, fr);
}

static void receive_burst(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n,
			  uint64_t now_ns)
{
	struct gro_hint hint[GRO_PREFETCH_MAX];
	/* With nothing held, the first frame that can start a flow mostly
	 * starts one the next ones continue: no hints ahead of it. */
	unsigned i = 0, ahead = ctx->held ? GRO_HINT_AHEAD : 0;

	ctx->now = now_ns;
	while (i < n) {
		unsigned base = i, end = n - i > GRO_PREFETCH_MAX ? i + GRO_PREFETCH_MAX : n;
		unsigned hinted = i, j;

		/* Fetch the headers of the next frames all at once (two
		 * lines: a 66-byte TCP/IPv4 header with timestamps ends in
		 * the second): fresh from a NIC they are rarely in cache, and
		 * this way the misses overlap. A prefetch never faults, so
		 * there is no check for NULL or short frames; the second
		 * address is formed as an integer because pointer arithmetic
		 * on NULL is undefined. (Unrolled by four it took 2
		 * instructions a packet fewer, yet the 1 flow cell was 13%
		 * slower in 18 alternating rounds: not unrolled.) */
		for (j = i; j < end; j++) {
			uintptr_t a = (uintptr_t)frames[j].data;

			gro_prefetch((const void *)a);
			gro_prefetch((const void *)(a + 64));
		}
		/* Many flows held: the look-ahead of these frames, made
		 * at once (the frames before them, of the caller's last
		 * burst, could not fetch their flows ahead). */
		if (ctx->held >= GRO_HELD_BATCH) {
			gro_fast_hints(ctx, frames + base, end - base, hint);
			gro_fetch_batch(ctx, hint, end - base);
			hinted = end;
		}
		while (i < end) {
			/* With nothing held, frames that cannot start a flow
			 * (pure ACKs, SYNs, FINs, pushes) have nothing to look
			 * up: the fast path checks them and sends them up. */
			if (!ctx->held) {
				i += gro_fast_pass(ctx, frames + i, end - i);
				if (i == end)
					break;
			}
			/* Most frames continue the flow of the frame before
			 * them: the fast path takes such runs whole. (Not a
			 * frame whose hash already says it is of another
			 * flow.) */
			if (ctx->last_flow != GRO_NIL &&
			    (i >= hinted || gro_hint_may_run(ctx, &hint[i - base])) &&
			    gro_fast_may_continue(ctx, &frames[i])) {
				unsigned took = gro_fast_continue(ctx, frames + i, end - i);

				i += took;
				if (took)
					ahead = ctx->held >= GRO_HELD_MANY ? GRO_HINT_AHEAD : 0;
				if (i == end)
					break;
			}
			/* The others need their flow from the table: with
			 * many flows, the table, the flow and the head's
			 * headers are all cache misses, so they are fetched a
			 * few frames ahead, each once the one before is in.
			 * Only once frames stop coming in runs: the frame
			 * after one that a run ended or that started a flow
			 * mostly continues it. Unless many flows are held:
			 * then the next flow's table slot and line miss the
			 * cache, and fetching them ahead after every run costs
			 * less than waiting for them (1M flows in runs of 2:
			 * a quarter less time, measured side by side). */
			if (hinted < i)
				hinted = i;
			hinted = base + gro_hints_ahead(ctx, frames + base, hint, hinted - base,
							i - base, ahead, end - base);
			/* Frames of a built-in kind that keep needing the
			 * table are taken by the fast path one after another,
			 * the look-ahead kept going there. */
			if (hint[i - base].kind) {
				unsigned h = hinted - base;
				unsigned took = gro_fast_table(ctx, frames + base, end - base, hint, i - base, &h);

				hinted = base + h;
				if (took) {
					i += took;
					ahead = GRO_HINT_AHEAD;
					continue;
				}
			}
			gro_fetch_ahead(ctx, &hint[i - base], hinted - i);
			receive_one(ctx, &frames[i], &hint[i - base]);
			i++;
			ahead = GRO_HINT_AHEAD;
		}
	}
	gro_deliver_batch(ctx);
}

int gro_receive(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n, uint64_t now_ns)
{
	if (!ctx || ctx->pull || (!frames && n))
		return GRO_EINVAL;
	receive_burst(ctx, frames, n, now_ns);
	return GRO_OK;
}

/* How many flows ahead of the one being completed a flush fetches what
 * completing needs and is not in the flow itself: the hash chain head it
 * is unlinked from, its nodes and its head's headers. */
#define FLUSH_AHEAD 8

static inline void prefetch_completion(const struct gro_ctx *ctx, const struct gro_flow *f)
{
	if (!ctx->drop_chains)
		gro_prefetch_w(&ctx->table[f->hash & ctx->table_mask]);
	gro_prefetch_w(f->head);
	gro_prefetch_w(f->head + 64);
	gro_prefetch(&ctx->nodes[f->first]);
	gro_prefetch(&ctx->nodes[f->last]);
}

static int flush_all(struct gro_ctx *ctx, uint64_t now_ns, int mode, enum gro_reason r)
{
	int done = 0;
	uint32_t b;

	/* Every flow goes, and many: rather than unlink each from its hash
	 * chain (a random line of the table apiece, and of another flow on
	 * the chain, for a table larger than the caches), the table is
	 * emptied at the end, in one sweep over it. (Nothing looks a flow up
	 * meanwhile: the hooks do not call the context.) */
	ctx->drop_chains = mode == GRO_FLUSH_ALL && ctx->held >= (ctx->table_mask + 1) / 16;
	/* Bucket by bucket, oldest first, stopping at the first flow that is
	 * still young, as napi_gro_flush does with flush_old. */
	for (b = 0; b <= ctx->bucket_mask; b++) {
		uint32_t ahead = ctx->buckets[b].oldest, k;
		struct gro_flow *f;

		/* A look-ahead along the age list, which completing the
		 * oldest flow leaves as it is further on. */
		for (k = 0; k < FLUSH_AHEAD && ahead != GRO_NIL; k++) {
			prefetch_completion(ctx, &ctx->flows[ahead]);
			ahead = ctx->flows[ahead].newer;
		}
		while ((f = gro_flow_oldest(ctx, b))) {
			if (mode == GRO_FLUSH_TIMEOUT &&
			    now_ns - f->age < ctx->cfg.flush_timeout_ns)
				break;
			/* __gro_flush_chain with flush_old: the age is the
			 * jiffy it was first held in, compared for equality. */
			if (mode == GRO_FLUSH_OLD && f->age == now_ns)
				break;
			if (ahead != GRO_NIL) {
				prefetch_completion(ctx, &ctx->flows[ahead]);
				ahead = ctx->flows[ahead].newer;
			}
			gro_complete(ctx, f, r);
			done++;
		}
	}
	if (ctx->drop_chains) {
		memset(ctx->table, 0xff, (ctx->table_mask + 1) * sizeof(*ctx->table));
		ctx->drop_chains = false;
	}
	gro_deliver_batch(ctx);
	return done;
}

int gro_flush(struct gro_ctx *ctx, uint64_t now_ns, int mode)
{
	if (!ctx || ctx->pull ||
	    (mode != GRO_FLUSH_ALL && mode != GRO_FLUSH_TIMEOUT && mode != GRO_FLUSH_OLD))
		return GRO_EINVAL;
	ctx->now = now_ns;
	return flush_all(ctx, now_ns, mode, mode == GRO_FLUSH_TIMEOUT ? GRO_R_TIMEOUT : GRO_R_POLL_END);
}

/* ---- pull mode ---- */

/* Frames held in flows right now: every frame taken that no packet out
 * has carried yet. */
static uint64_t held_frames(const struct gro_ctx *ctx)
{
	const struct gro_stats *st = &ctx->st;

	return st->frames_in - (st->segs_merged + st->pkts_out - st->super_pkts);
}

/* Move the queue to the front of out[] and oseg[], over what the caller
 * took already. */
static void pull_compact(struct gro_ctx *ctx)
{
	uint32_t keep = ctx->nout - ctx->pull_head, first, i;

	if (!ctx->pull_head)
		return;
	if (!keep) {
		ctx->nout = ctx->noseg = ctx->pull_head = 0;
		return;
	}
	first = (uint32_t)(ctx->out[ctx->pull_head].segs - ctx->oseg);
	memmove(ctx->oseg, ctx->oseg + first, (size_t)(ctx->noseg - first) * sizeof(*ctx->oseg));
	memmove(ctx->out, ctx->out + ctx->pull_head, (size_t)keep * sizeof(*ctx->out));
	for (i = 0; i < keep; i++)
		ctx->out[i].segs -= first;
	ctx->noseg -= first;
	ctx->nout = keep;
	ctx->pull_head = 0;
}

/* Forget what the last pull call handed out (its spans are the caller's
 * no longer). The queue moves to the front once what lies before it is
 * as long as it: each move costs at most what was taken since the last. */
static void pull_settle(struct gro_ctx *ctx)
{
	ctx->pull_head += ctx->npulled;
	ctx->npulled = 0;
	if (ctx->pull_head >= ctx->nout - ctx->pull_head)
		pull_compact(ctx);
}

/*
 * Can the queue take whatever a call offering @n frames completes? Each
 * packet out carries at least one frame that was held or is new, so the
 * call adds at most held + n packets and held_frames + n spans. The
 * queue holds max_flows + batch packets and nnodes + batch spans, which is
 * always enough when every call offers at most batch frames and has room
 * for as many packets out as frames in: whenever packets stay pending, the
 * call took out at least n of them, so pending + held (packets to come)
 * and pending spans + held frames never grow beyond max_flows and nnodes.
 */
static bool pull_fits(const struct gro_ctx *ctx, unsigned n)
{
	return (uint64_t)ctx->nout + ctx->held + n <= ctx->out_cap &&
	       (uint64_t)ctx->noseg + held_frames(ctx) + n <= ctx->oseg_cap;
}

/* The same, after moving the queue to the front if that is what it takes. */
static bool pull_room(struct gro_ctx *ctx, unsigned n)
{
	if (pull_fits(ctx, n))
		return true;
	pull_compact(ctx);
	return pull_fits(ctx, n);
}

/* Hand up to @max_out queued packets to the caller, oldest first. */
static int pull_out(struct gro_ctx *ctx, struct gro_pkt *out, unsigned max_out)
{
	uint32_t left = ctx->nout - ctx->pull_head, w = left < max_out ? left : max_out;

	if (w)
		memcpy(out, ctx->out + ctx->pull_head, (size_t)w * sizeof(*out));
	ctx->npulled = w;
	return (int)w;
}

static inline bool pull_args_ok(const struct gro_ctx *ctx, const struct gro_pkt *out,
				unsigned max_out)
{
	return ctx && ctx->pull && (out || !max_out) && max_out <= INT_MAX;
}

int gro_receive_pull(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n, uint64_t now_ns,
		     struct gro_pkt *out, unsigned max_out)
{
	if (!pull_args_ok(ctx, out, max_out) || (!frames && n))
		return GRO_EINVAL;
	pull_settle(ctx);
	if (!pull_room(ctx, n))
		return GRO_ENOSPC;
	receive_burst(ctx, frames, n, now_ns);
	return pull_out(ctx, out, max_out);
}

int gro_flush_pull(struct gro_ctx *ctx, uint64_t now_ns, int mode, struct gro_pkt *out,
		   unsigned max_out)
{
	if (!pull_args_ok(ctx, out, max_out) ||
	    (mode != GRO_FLUSH_ALL && mode != GRO_FLUSH_TIMEOUT && mode != GRO_FLUSH_OLD))
		return GRO_EINVAL;
	pull_settle(ctx);
	if (!pull_room(ctx, 0))
		return GRO_ENOSPC;
	ctx->now = now_ns;
	flush_all(ctx, now_ns, mode, mode == GRO_FLUSH_TIMEOUT ? GRO_R_TIMEOUT : GRO_R_POLL_END);
	return pull_out(ctx, out, max_out);
}

int gro_pull(struct gro_ctx *ctx, struct gro_pkt *out, unsigned max_out)
{
	if (!pull_args_ok(ctx, out, max_out))
		return GRO_EINVAL;
	pull_settle(ctx);
	return pull_out(ctx, out, max_out);
}

unsigned gro_pending(const struct gro_ctx *ctx)
{
	return ctx && ctx->pull ? ctx->nout - ctx->pull_head - ctx->npulled : 0;
}

/* Pull mode: the frames of every queued packet go back through the
 * release hook, undelivered (a pull-only context has no one to deliver
 * to), as gro_destroy() gives back the frames it completes. */
static void pull_release_queue(struct gro_ctx *ctx)
{
	const struct gro_config *c = &ctx->cfg;
	uint32_t i;

	if (c->release_batch && ctx->noseg)
		c->release_batch(c->release_arg, ctx->oseg, ctx->noseg);
	else if (c->release)
		for (i = 0; i < ctx->noseg; i++)
			c->release(c->release_arg, ctx->oseg[i].cookie);
	ctx->nout = ctx->noseg = 0;
}

void gro_destroy(struct gro_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->pull) {
		/* What the last call handed out is the caller's; what is
		 * pending goes back first, then what is held. */
		pull_settle(ctx);
		pull_compact(ctx);
		pull_release_queue(ctx);
	}
	flush_all(ctx, ctx->now, GRO_FLUSH_ALL, GRO_R_DESTROY);
	if (ctx->pull)
		pull_release_queue(ctx);
	gro_fast_free(ctx);
	gro_flowtab_free(ctx);
	free(ctx->out);
	free(ctx->oseg);
	free(ctx);
}

unsigned gro_held(const struct gro_ctx *ctx)
{
	return ctx ? ctx->held : 0;
}

void gro_get_stats(const struct gro_ctx *ctx, struct gro_stats *st)
{
	if (ctx && st)
		*st = ctx->st;
}

size_t gro_memory(const struct gro_ctx *ctx)
{
	return ctx ? ctx->memory : 0;
}
