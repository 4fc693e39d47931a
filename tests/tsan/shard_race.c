// SPDX-License-Identifier: MIT
/*
 * gro_shard under ThreadSanitizer: the lock-free queues, the flush
 * requests, gro_shard_sync() and gro_shard_set_reta() between one producer
 * and the shard threads, on interleaved TCP flows with small queues (so
 * that the producer waits for room), frequent flushes and a table changed
 * mid-stream. Built with -fsanitize=thread by `make tsan` (part of
 * `make check`): any data race is reported and fails the run. Beside that,
 * it checks what a race could break: every frame released exactly once,
 * every segment delivered once, and as many packets as one engine makes
 * of the same calls.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gro.h"
#include "pktbuild.h"

#define NFLOWS	48
#define NFRAMES	12000

static uint32_t rnd_state = 0x7a5e0001;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* The traffic: frames kept pristine, copied into fresh buffers per run
 * (the engine writes into the headers of the packets it merges). */
struct traffic {
	uint8_t *pristine[NFRAMES];
	uint32_t len[NFRAMES];
	uint8_t *buf[NFRAMES];
	struct gro_frame fr[NFRAMES];
};

static void traffic_make(struct traffic *t)
{
	struct pb_frame f[NFLOWS];
	unsigned i;

	for (i = 0; i < NFLOWS; i++) {
		pb_init(&f[i], i % 4 == 3);
		f[i].sport = (uint16_t)(10000 + i);
		f[i].dport = 80;
		f[i].seq = rnd();
		f[i].ip_id = (uint16_t)rnd();
		f[i].df = 1;
		pb_tcp_opt_timestamp(&f[i], rnd(), rnd());
	}
	for (i = 0; i < NFRAMES; i++) {
		struct pb_frame *g = &f[rnd() % NFLOWS];
		uint32_t r = rnd() % 100;
		uint8_t tmp[2048];
		size_t n;

		g->flags = PB_ACK | (r < 4 ? PB_PSH : 0);
		g->payload_len = r < 8 ? 1 + rnd() % 1000 : r < 10 ? 0 : 1400;
		n = pb_build(g, tmp, sizeof(tmp));
		if (!n) {
			fprintf(stderr, "shard_race: pb_build failed\n");
			exit(2);
		}
		t->pristine[i] = malloc(n);
		t->buf[i] = malloc(n);
		if (!t->pristine[i] || !t->buf[i]) {
			fprintf(stderr, "shard_race: out of memory\n");
			exit(2);
		}
		memcpy(t->pristine[i], tmp, n);
		t->len[i] = (uint32_t)n;
		g->seq += g->payload_len;
		g->ip_id++;
	}
}

static void traffic_reset(struct traffic *t)
{
	unsigned i;

	for (i = 0; i < NFRAMES; i++) {
		memcpy(t->buf[i], t->pristine[i], t->len[i]);
		memset(&t->fr[i], 0, sizeof(t->fr[i]));
		t->fr[i].data = t->buf[i];
		t->fr[i].len = t->len[i];
		t->fr[i].cookie = (void *)(uintptr_t)i;
	}
}

/* Per-shard counters (each shard's hooks write only their own), and one
 * release count per frame: two shards releasing the same frame would race
 * on it, which ThreadSanitizer reports. */
struct sink {
	uint64_t pkts, segs;
	uint32_t *rel;
	char pad[64];
};

static void on_deliver(void *arg, const struct gro_pkt *p, unsigned n)
{
	struct sink *s = arg;
	unsigned i;

	for (i = 0; i < n; i++)
		s->segs += p[i].gso_segs ? p[i].gso_segs : 1;
	s->pkts += n;
}

static void on_release(void *arg, void *cookie)
{
	struct sink *s = arg;

	s->rel[(uintptr_t)cookie]++;
}

static void config_engine(struct gro_config *c)
{
	gro_config_init(c);
	/* Room for every flow in one bucket and every frame: no packet
	 * completed early for room, so the shards make the same packets as
	 * one engine (gro.h, "Several cores"). */
	c->max_flows = 4 * NFLOWS;
	c->buckets = 1;
	c->max_held_frames = NFRAMES;
	c->deliver = on_deliver;
	c->release = on_release;
}

/* The calls of one run: bursts of 1 to 64 frames, a flush after about one
 * in three, from a seed, so that a sharded run and one engine make the
 * same calls. */
static unsigned next_burst(uint32_t *st, unsigned left, int *flush)
{
	uint32_t x = *st;
	unsigned n;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*st = x;
	n = 1 + x % 64;
	*flush = (x >> 8) % 3 == 0;
	return n < left ? n : left;
}

static uint64_t one_engine(struct traffic *t, uint32_t seed, uint32_t *rel)
{
	struct gro_config c;
	struct gro_ctx *g;
	struct sink s = { .rel = rel };
	uint64_t now = 0;
	unsigned i = 0;

	config_engine(&c);
	c.deliver_arg = c.release_arg = &s;
	if (gro_create(&c, &g) != GRO_OK) {
		fprintf(stderr, "shard_race: gro_create: %s\n", gro_config_error());
		exit(2);
	}
	traffic_reset(t);
	while (i < NFRAMES) {
		int flush;
		unsigned n = next_burst(&seed, NFRAMES - i, &flush);

		gro_receive(g, t->fr + i, n, now);
		i += n;
		now += 1000;
		if (flush)
			gro_flush(g, now, GRO_FLUSH_ALL);
	}
	gro_destroy(g);
	return s.pkts;
}

static int sharded(struct traffic *t, uint32_t seed, unsigned nshards, int inl, uint32_t ring,
		   uint64_t want_pkts)
{
	struct sink s[GRO_SHARD_MAX];
	void *args[GRO_SHARD_MAX];
	struct gro_shard_config sc;
	struct gro_shard *sh;
	uint32_t *rel = calloc(NFRAMES, sizeof(*rel));
	uint64_t pkts = 0, segs = 0, now = 0;
	unsigned i = 0, k, calls = 0, busy = 0, set = 0;
	int bad = 0, err;

	if (!rel) {
		fprintf(stderr, "shard_race: out of memory\n");
		exit(2);
	}
	memset(s, 0, sizeof(s));
	for (k = 0; k < nshards; k++) {
		s[k].rel = rel;
		args[k] = &s[k];
	}
	gro_shard_config_init(&sc);
	sc.nshards = nshards;
	sc.inline_shard0 = (uint32_t)inl;
	sc.ring_size = ring;
	config_engine(&sc.engine);
	sc.deliver_args = args;
	sc.release_args = args;
	if ((err = gro_shard_create(&sc, &sh)) != GRO_OK) {
		fprintf(stderr, "shard_race: gro_shard_create: %s\n", gro_strerror(err));
		exit(2);
	}
	traffic_reset(t);
	while (i < NFRAMES) {
		int flush;
		unsigned n = next_burst(&seed, NFRAMES - i, &flush);

		gro_shard_receive(sh, t->fr + i, n, now);
		i += n;
		now += 1000;
		if (flush)
			gro_shard_flush(sh, now, GRO_FLUSH_ALL);
		/* Now and then a new table: refused while a packet is held,
		 * taken right after a flush of everything. */
		if (++calls % 37 == 0) {
			uint8_t reta[GRO_SHARD_RETA];

			for (k = 0; k < GRO_SHARD_RETA; k++)
				reta[k] = (uint8_t)(rnd() % nshards);
			err = gro_shard_set_reta(sh, reta, GRO_SHARD_RETA);
			if (err == GRO_EBUSY && !flush) {
				busy++;
			} else if (err == GRO_OK) {
				set++;
			} else {
				fprintf(stderr, "shard_race: set_reta after %s: %s\n",
					flush ? "a flush" : "a receive", gro_strerror(err));
				bad = 1;
			}
		}
	}
	gro_shard_destroy(sh);
	for (k = 0; k < nshards; k++) {
		pkts += s[k].pkts;
		segs += s[k].segs;
	}
	for (i = 0; i < NFRAMES; i++)
		if (rel[i] != 1) {
			fprintf(stderr, "shard_race: frame %u released %u times\n", i, rel[i]);
			bad = 1;
			break;
		}
	if (segs != NFRAMES) {
		fprintf(stderr, "shard_race: %llu segments delivered of %u frames\n",
			(unsigned long long)segs, NFRAMES);
		bad = 1;
	}
	if (pkts != want_pkts) {
		fprintf(stderr, "shard_race: %llu packets, one engine made %llu\n",
			(unsigned long long)pkts, (unsigned long long)want_pkts);
		bad = 1;
	}
	printf("shard_race: %u shards%s, ring %u: %llu packets, table set %u times, refused %u: %s\n",
	       nshards, inl ? " (shard 0 inline)" : "", ring ? ring : 4096,
	       (unsigned long long)pkts, set, busy, bad ? "FAILED" : "ok");
	free(rel);
	return bad;
}

int main(void)
{
	static const struct { unsigned n; int inl; uint32_t ring; } runs[] = {
		{ 2, 0, 32 }, { 2, 1, 32 }, { 3, 0, 64 }, { 3, 1, 0 }, { 4, 1, 32 }, { 4, 0, 0 },
	};
	static struct traffic t;
	uint32_t *rel = calloc(NFRAMES, sizeof(*rel));
	unsigned r, fails = 0;

	if (!rel)
		return 2;
	traffic_make(&t);
	for (r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		uint32_t seed = 0x5c1e0000u + r;
		uint64_t want;

		memset(rel, 0, NFRAMES * sizeof(*rel));
		want = one_engine(&t, seed, rel);
		fails += sharded(&t, seed, runs[r].n, runs[r].inl, runs[r].ring, want);
	}
	free(rel);
	for (r = 0; r < NFRAMES; r++) {
		free(t.pristine[r]);
		free(t.buf[r]);
	}
	printf("shard_race: %u runs, %u failed\n", (unsigned)(sizeof(runs) / sizeof(runs[0])), fails);
	return fails ? 1 : 0;
}
