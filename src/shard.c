// SPDX-License-Identifier: MIT
/*
 * Flow sharding (see "Several cores: sharding" in gro.h): a Toeplitz hash
 * picks the shard, each shard has its own engine, thread and
 * single-producer single-consumer queue.
 *
 * The queue is a ring of frames with two indices, tail (written only by the
 * producer) and head (written only by the shard's thread), on separate cache
 * lines. The producer publishes tail once per call (release), so a burst of
 * frames costs one cache-line transfer, not one per frame. Flush requests
 * travel in a second small ring of ring positions: "flush once you have
 * received everything before position P", which keeps a flush exactly
 * between the same frames as with a single engine.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layer.h"
#include "rss.h"

const uint8_t gro_rss_default_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* ---------------------------------------------------------------- RSS */

/* The 32 key bits starting at bit @bit (bit 0 = top bit of key[0]). */
static uint32_t key_window(const uint8_t *key, uint32_t len, uint32_t bit)
{
	uint64_t w = 0;
	uint32_t i, byte = bit / 8;

	for (i = 0; i < 5; i++)
		w = w << 8 | (byte + i < len ? key[byte + i] : 0);
	return (uint32_t)(w >> (8 - bit % 8));
}

int gro_rss_init(struct gro_rss *rss, const uint8_t *key, uint32_t len)
{
	uint32_t pos, v, b;

	if (!key) {
		key = gro_rss_default_key;
		len = sizeof(gro_rss_default_key);
	}
	if (!rss || len < 40 || len > GRO_RSS_KEY_MAX)
		return GRO_EINVAL;
	memcpy(rss->key, key, len);
	rss->key_len = len;
	/* Toeplitz is linear over XOR: the hash of an input is the XOR of
	 * the key windows of its set bits, so each (byte position, value)
	 * pair can be summed once here. */
	for (pos = 0; pos < 36; pos++) {
		uint32_t win[8];

		for (b = 0; b < 8; b++)
			win[b] = key_window(key, len, pos * 8 + b);
		for (v = 0; v < 256; v++) {
			uint32_t h = 0;

			for (b = 0; b < 8; b++)
				if (v & (0x80u >> b))
					h ^= win[b];
			rss->tbl[pos][v] = h;
		}
	}
	return GRO_OK;
}

int gro_rss_create(const uint8_t *key, uint32_t len, struct gro_rss **out)
{
	struct gro_rss *rss;
	int rc;

	if (!out)
		return GRO_EINVAL;
	*out = NULL;
	rss = malloc(sizeof(*rss));
	if (!rss)
		return GRO_ENOMEM;
	rc = gro_rss_init(rss, key, len);
	if (rc) {
		free(rss);
		return rc;
	}
	*out = rss;
	return GRO_OK;
}

void gro_rss_destroy(struct gro_rss *rss)
{
	free(rss);
}

uint32_t gro_rss_hash(const struct gro_rss *rss, const uint8_t *in, uint32_t len)
{
	uint32_t h = 0, i;

	if (len > 36)
		len = 36;
	for (i = 0; i < len; i++)
		h ^= rss->tbl[i][in[i]];
	return h;
}

/*
 * What a NIC hashes: the header walker finds the network header (a NIC
 * parses at most two VLAN tags), then the NIC's own rules pick the input:
 * the addresses, and the ports of TCP and UDP where they are plainly there
 * (IPv4: not a fragment; IPv6: right after the fixed header).
 */
static uint32_t rss_frame(const struct gro_rss *rss, const uint8_t *f, uint32_t len, unsigned link)
{
	struct gro_walk w;
	const uint8_t *ip;
	uint8_t in[36];
	uint32_t off, n;

	gro_walk_net_link(f, len, link, &w);
	if (!w.l3 || w.ntags > 2)
		return 0;
	off = w.l3_off;
	ip = f + off;
	if (w.l3 == &gro_ipv4_layer && off + 20 <= len) {
		uint32_t ihl = (ip[0] & 15) * 4u;

		memcpy(in, ip + 12, 8);
		n = 8;
		if ((ip[9] == GRO_IPPROTO_TCP || ip[9] == GRO_IPPROTO_UDP) &&
		    !(rd16(ip + 6) & 0x3fff) && ihl >= 20 && off + ihl + 4 <= len) {
			memcpy(in + 8, ip + ihl, 4);
			n = 12;
		}
		return gro_rss_hash(rss, in, n);
	}
	if (w.l3 == &gro_ipv6_layer && off + 40 <= len) {
		memcpy(in, ip + 8, 32);
		n = 32;
		if ((ip[6] == GRO_IPPROTO_TCP || ip[6] == GRO_IPPROTO_UDP) && off + 44 <= len) {
			memcpy(in + 32, ip + 40, 4);
			n = 36;
		}
		return gro_rss_hash(rss, in, n);
	}
	return 0;
}

/* ---------------------------------------------------------------- queues */

#define FLQ_SIZE	64	/* pending flush requests per shard */
#define CHUNK		32	/* frames per gro_receive() call on a shard */
#define RETA_SIZE	GRO_SHARD_RETA
_Static_assert(GRO_SHARD_MAX <= 255, "a table entry is a byte");

struct ent {
	struct gro_frame fr;
	uint64_t now;
};

struct flush_req {
	uint32_t pos;		/* ring position the flush comes after */
	int mode;
	uint64_t now;
};

struct shard {
	/* producer-owned, read by the shard's thread while it waits */
	_Alignas(64) uint32_t tail;		/* published with release */
	uint32_t fl_tail;			/* published with release */

	/* producer-private, written for every frame: on a line of its own,
	 * or every frame would take the line from a waiting shard thread */
	_Alignas(64) uint32_t ptail;		/* private tail, ahead of @tail */
	uint32_t head_seen;			/* last @head the producer read */

	/* consumer-owned */
	_Alignas(64) uint32_t head;		/* published with release */
	uint32_t fl_head;			/* published with release */

	_Alignas(64) struct ent *ring;
	uint32_t mask;
	struct flush_req flq[FLQ_SIZE];
	struct gro_ctx *gro;
	pthread_t thread;
	int has_thread;
	struct gro_shard *owner;
};

struct gro_shard {
	struct gro_shard_config cfg;
	struct gro_rss rss;
	uint8_t reta[RETA_SIZE];
	/* Read by idle shard threads: apart from what the producer writes. */
	_Alignas(64) int stop;			/* atomic */
	_Alignas(64) uint32_t nshards;
	struct shard *sh;
	/* inline shard 0: frames collected during one receive call */
	struct gro_frame pend[CHUNK];
	uint32_t npend;
	uint64_t last_now;
};

static inline uint32_t load_acq(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void store_rel(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Waiting without a lock: spin briefly (the other side is usually just
 * about to move), then yield, then sleep so an idle shard costs nothing. */
static void backoff(unsigned *spins)
{
	unsigned s = (*spins)++;

	if (s < 256) {
		cpu_relax();
	} else if (s < 2048) {
		sched_yield();
	} else {
		struct timespec ts = { 0, 20000 };

		nanosleep(&ts, NULL);
	}
}

void gro_shard_config_init(struct gro_shard_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->nshards = 2;
	cfg->ring_size = 4096;
	gro_config_init(&cfg->engine);
}

/* The shard thread: receive in chunks up to the next flush point, flush
 * there, repeat. */
static void *shard_main(void *arg)
{
	struct shard *s = arg;
	struct gro_frame chunk[CHUNK];
	unsigned spins = 0;

	for (;;) {
		/* The tail first, then the flush requests. The producer
		 * publishes a flush (its position, then fl_tail) before any
		 * tail beyond that position, so a flush this read of fl_tail
		 * misses lies at or after @tail: the frames up to @tail can
		 * be received without passing it. (Read the other way round,
		 * a flush and more frames published between the two reads
		 * let the shard run past the flush point, after which
		 * head != limit never held again.) A flush seen may lie
		 * beyond @tail: its frames are published with it. */
		uint32_t tail = load_acq(&s->tail);
		uint32_t flt = load_acq(&s->fl_tail);
		uint32_t head = s->head, start = head, limit = tail;
		int flush_due = s->fl_head != flt;

		if (flush_due)
			limit = s->flq[s->fl_head % FLQ_SIZE].pos;
		while (head != limit) {
			uint32_t n = 0;
			uint64_t now = s->ring[head & s->mask].now;

			/* One call per run of frames offered at one time. */
			while (head != limit && n < CHUNK && s->ring[head & s->mask].now == now)
				chunk[n++] = s->ring[head++ & s->mask].fr;
			gro_receive(s->gro, chunk, n, now);
			store_rel(&s->head, head);
		}
		if (flush_due) {
			const struct flush_req *r = &s->flq[s->fl_head % FLQ_SIZE];

			gro_flush(s->gro, r->now, r->mode);
			store_rel(&s->fl_head, s->fl_head + 1);
		}
		if (head != start || flush_due) {
			spins = 0;
			continue;
		}
		if (__atomic_load_n(&s->owner->stop, __ATOMIC_ACQUIRE) &&
		    load_acq(&s->tail) == head && load_acq(&s->fl_tail) == s->fl_head)
			break;
		backoff(&spins);
	}
	return NULL;
}

static void shard_free(struct gro_shard *g)
{
	uint32_t i;

	if (!g->sh)
		return;
	for (i = 0; i < g->nshards; i++) {
		gro_destroy(g->sh[i].gro);
		free(g->sh[i].ring);
	}
	free(g->sh);
}

int gro_shard_create(const struct gro_shard_config *cfg, struct gro_shard **out)
{
	struct gro_shard *g;
	uint32_t i, n;
	int err = GRO_OK;

	if (!cfg || !out)
		return GRO_EINVAL;
	*out = NULL;
	n = cfg->nshards;
	/* The shards deliver on their own threads: no pull mode. */
	if (!cfg->engine.deliver)
		return GRO_EINVAL;
	if (n < 1 || n > GRO_SHARD_MAX ||
	    (cfg->ring_size && (cfg->ring_size < CHUNK || (cfg->ring_size & (cfg->ring_size - 1)))))
		return GRO_EINVAL;
	if (posix_memalign((void **)&g, 64, sizeof(*g)))
		return GRO_ENOMEM;
	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	if (!g->cfg.ring_size)
		g->cfg.ring_size = 4096;
	g->nshards = n;
	if (gro_rss_init(&g->rss, cfg->rss_key, cfg->rss_key_len)) {
		free(g);
		return GRO_EINVAL;
	}
	for (i = 0; i < RETA_SIZE; i++)
		g->reta[i] = (uint8_t)(i % n);

	if (posix_memalign((void **)&g->sh, 64, n * sizeof(*g->sh))) {
		free(g);
		return GRO_ENOMEM;
	}
	memset(g->sh, 0, n * sizeof(*g->sh));
	for (i = 0; i < n && !err; i++) {
		struct shard *s = &g->sh[i];
		struct gro_config c = cfg->engine;

		if (cfg->deliver_args)
			c.deliver_arg = cfg->deliver_args[i];
		if (cfg->release_args)
			c.release_arg = cfg->release_args[i];
		s->owner = g;
		s->mask = g->cfg.ring_size - 1;
		s->ring = calloc(g->cfg.ring_size, sizeof(*s->ring));
		if (!s->ring)
			err = GRO_ENOMEM;
		else
			err = gro_create(&c, &s->gro);
	}
	for (i = 0; i < n && !err; i++) {
		struct shard *s = &g->sh[i];

		if (i == 0 && cfg->inline_shard0)
			continue;
		if (pthread_create(&s->thread, NULL, shard_main, s)) {
			err = GRO_ENOMEM;
			break;
		}
		s->has_thread = 1;
	}
	if (err) {
		gro_shard_destroy(g);
		return err;
	}
	*out = g;
	return GRO_OK;
}

uint32_t gro_rss_frame(const struct gro_rss *rss, const uint8_t *f, uint32_t len)
{
	return rss_frame(rss, f, len, GRO_LINK_ETH);
}

/* The shard of a frame; inline in gro_shard_receive(), which asks it of
 * every frame (with @use_rxhash read once). */
static inline unsigned shard_of(const struct gro_shard *g, const struct gro_frame *fr,
				bool use_rxhash)
{
	uint32_t h;

	if (use_rxhash && fr->rxhash)
		h = fr->rxhash;
	else
		h = rss_frame(&g->rss, fr->data, fr->len,
			      (fr->flags & GRO_FRAME_START_MASK) >> GRO_LINK_SHIFT);
	return g->reta[h % RETA_SIZE];
}

unsigned gro_shard_of(const struct gro_shard *g, const struct gro_frame *fr)
{
	return shard_of(g, fr, g->cfg.use_rxhash);
}

static void inline_drain(struct gro_shard *g, uint64_t now)
{
	if (g->npend) {
		gro_receive(g->sh[0].gro, g->pend, g->npend, now);
		g->npend = 0;
	}
}

int gro_shard_receive(struct gro_shard *g, struct gro_frame *frames, unsigned n, uint64_t now)
{
	uint32_t i, np, dirty = 0;	/* shards whose tail moved (bit mask) */
	uint64_t dirty_hi = 0;
	struct shard *sh;
	bool inline0, use_rxhash;

	if (!g || (!frames && n))
		return GRO_EINVAL;
	g->last_now = now;
	/* Read once, and the pending count kept here: the frames stored
	 * below are made of fields of the same types, so the compiler
	 * would read each of these again after every store. */
	inline0 = g->cfg.inline_shard0;
	use_rxhash = g->cfg.use_rxhash;
	sh = g->sh;
	np = g->npend;
	for (i = 0; i < n; i++) {
		unsigned k = shard_of(g, &frames[i], use_rxhash);
		struct shard *s = &sh[k];
		unsigned spins = 0;

		if (k == 0 && inline0) {
			g->pend[np++] = frames[i];
			if (np == CHUNK) {
				g->npend = np;
				inline_drain(g, now);
				np = 0;
			}
			continue;
		}
		/* Full: publish what is queued and wait for the shard. */
		while (s->ptail - s->head_seen > s->mask) {
			store_rel(&s->tail, s->ptail);
			s->head_seen = load_acq(&s->head);
			if (s->ptail - s->head_seen > s->mask)
				backoff(&spins);
		}
		s->ring[s->ptail & s->mask].fr = frames[i];
		s->ring[s->ptail & s->mask].now = now;
		s->ptail++;
		if (k < 32)
			dirty |= 1u << k;
		else
			dirty_hi |= 1ull << (k - 32);
	}
	g->npend = np;
	inline_drain(g, now);
	for (i = 0; i < g->nshards; i++)
		if (i < 32 ? dirty & (1u << i) : dirty_hi & (1ull << (i - 32)))
			store_rel(&g->sh[i].tail, g->sh[i].ptail);
	return GRO_OK;
}

int gro_shard_set_reta(struct gro_shard *g, const uint8_t *reta, unsigned n)
{
	uint32_t i;

	if (!g || !reta || n != RETA_SIZE)
		return GRO_EINVAL;
	for (i = 0; i < RETA_SIZE; i++)
		if (reta[i] >= g->nshards)
			return GRO_EINVAL;
	/* Moving an entry moves its flows to another engine: only while
	 * no engine holds one (after the queues are drained, the shard
	 * threads touch their engines no more until new frames come). */
	gro_shard_sync(g);
	for (i = 0; i < g->nshards; i++)
		if (gro_held(g->sh[i].gro))
			return GRO_EBUSY;
	memcpy(g->reta, reta, RETA_SIZE);
	return GRO_OK;
}

int gro_shard_flush(struct gro_shard *g, uint64_t now, int mode)
{
	uint32_t i;

	if (!g || (mode != GRO_FLUSH_ALL && mode != GRO_FLUSH_TIMEOUT && mode != GRO_FLUSH_OLD))
		return GRO_EINVAL;
	for (i = 0; i < g->nshards; i++) {
		struct shard *s = &g->sh[i];
		struct flush_req *r;
		unsigned spins = 0;

		if (i == 0 && g->cfg.inline_shard0) {
			inline_drain(g, now);
			gro_flush(s->gro, now, mode);
			continue;
		}
		while (s->fl_tail - load_acq(&s->fl_head) >= FLQ_SIZE)
			backoff(&spins);
		r = &s->flq[s->fl_tail % FLQ_SIZE];
		r->pos = s->ptail;
		r->mode = mode;
		r->now = now;
		store_rel(&s->tail, s->ptail);
		store_rel(&s->fl_tail, s->fl_tail + 1);
	}
	return GRO_OK;
}

void gro_shard_sync(struct gro_shard *g)
{
	uint32_t i;

	if (!g)
		return;
	for (i = 0; i < g->nshards; i++) {
		struct shard *s = &g->sh[i];
		unsigned spins = 0;

		if (!s->has_thread)
			continue;
		store_rel(&s->tail, s->ptail);
		while (load_acq(&s->head) != s->ptail || load_acq(&s->fl_head) != s->fl_tail)
			backoff(&spins);
	}
}

void gro_shard_get_stats(const struct gro_shard *g, struct gro_stats *st)
{
	uint32_t i, r;

	memset(st, 0, sizeof(*st));
	for (i = 0; g && i < g->nshards; i++) {
		struct gro_stats s;

		gro_get_stats(g->sh[i].gro, &s);
		st->frames_in += s.frames_in;
		st->pkts_out += s.pkts_out;
		st->super_pkts += s.super_pkts;
		st->segs_merged += s.segs_merged;
		st->bytes_in += s.bytes_in;
		st->bytes_out += s.bytes_out;
		for (r = 0; r < GRO_R_COUNT; r++)
			st->reasons[r] += s.reasons[r];
	}
}

struct gro_ctx *gro_shard_engine(const struct gro_shard *g, unsigned i)
{
	return g && i < g->nshards ? g->sh[i].gro : NULL;
}

void gro_shard_destroy(struct gro_shard *g)
{
	uint32_t i;

	if (!g)
		return;
	if (g->sh) {
		inline_drain(g, g->last_now);
		for (i = 0; i < g->nshards; i++)
			store_rel(&g->sh[i].tail, g->sh[i].ptail);
		__atomic_store_n(&g->stop, 1, __ATOMIC_RELEASE);
		for (i = 0; i < g->nshards; i++)
			if (g->sh[i].has_thread)
				pthread_join(g->sh[i].thread, NULL);
	}
	shard_free(g);
	free(g);
}
