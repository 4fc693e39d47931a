/* SPDX-License-Identifier: MIT */
/*
 * Flow sharding: N GRO engines, one thread each, fed by one producer that
 * spreads frames over them by an RSS (Toeplitz) hash of their addresses and
 * ports, as a NIC spreads flows over its receive queues.
 *
 * Every segment of a TCP flow hashes to the same shard, so each engine sees
 * its flows exactly as a single engine would: merge decisions are the same
 * as Linux's with one NAPI context per receive queue. Only the interleaving
 * of completions from different shards is left to the threads.
 *
 * The per-packet path takes no lock: the producer writes each shard's
 * single-producer single-consumer ring and publishes its tail with a
 * release store; the shard's thread reads it with an acquire load.
 *
 * Deliver and release hooks run on the shard's thread (or, for shard 0 with
 * inline_shard0, on the producer's), one shard at a time per hook argument.
 */
#ifndef LIBGRO_SHARD_H
#define LIBGRO_SHARD_H

#include <stdint.h>

#include "gro.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- RSS hash */

#define GRO_RSS_KEY_MAX	52	/* bytes; 40 covers IPv6 addresses + ports */

/* A Toeplitz hash with its key expanded into per-byte tables, so that a
 * 12-byte IPv4 tuple costs 12 table loads instead of 96 bit steps. */
struct gro_rss {
	uint32_t tbl[36][256];
	uint8_t key[GRO_RSS_KEY_MAX];
	uint32_t key_len;
};

/* The 40-byte key most NICs ship with (Microsoft's RSS verification key). */
extern const uint8_t gro_rss_default_key[40];

/* Expand @key (@len bytes, 40 to GRO_RSS_KEY_MAX; NULL: the default key).
 * Returns GRO_OK or GRO_EINVAL. */
int gro_rss_init(struct gro_rss *rss, const uint8_t *key, uint32_t len);

/* Toeplitz hash of @len bytes (at most 36) in wire order. */
uint32_t gro_rss_hash(const struct gro_rss *rss, const uint8_t *in, uint32_t len);

/* The hash a NIC computes for a frame: source and destination address, then
 * source and destination port for TCP and UDP (not for IP fragments), over
 * Ethernet with up to two VLAN tags. 0 for frames that are not IP. */
uint32_t gro_rss_frame(const struct gro_rss *rss, const uint8_t *frame, uint32_t len);

/* ---------------------------------------------------------------- shards */

#define GRO_SHARD_MAX	64

struct gro_shard_config {
	uint32_t nshards;		/* 1 to GRO_SHARD_MAX */
	/* RSS key (NULL: gro_rss_default_key) and its length in bytes. */
	const uint8_t *rss_key;
	uint32_t rss_key_len;
	/* 1: use gro_frame.rxhash as the NIC's Toeplitz hash when non-zero,
	 * instead of hashing the frame. */
	uint32_t use_rxhash;
	/* Frames each shard's queue holds (a power of two, default 4096).
	 * A producer that finds a queue full waits for it. */
	uint32_t ring_size;
	/* 1: the producer runs shard 0's engine itself, so N shards use N
	 * threads including the caller's (N - 1 are started). */
	uint32_t inline_shard0;
	/* Each shard's engine. deliver_arg and release_arg may be
	 * overridden per shard by the arrays below (NULL: the same for all). */
	struct gro_config engine;
	void *const *deliver_args;
	void *const *release_args;
};

struct gro_shard;

/* Fill @cfg: 2 shards, default key, ring 4096, engine from gro_config_init. */
void gro_shard_config_init(struct gro_shard_config *cfg);

/* Create the engines and start their threads. */
int gro_shard_create(const struct gro_shard_config *cfg, struct gro_shard **out);

/* The shard a frame goes to: an indirection table of 128 entries indexed
 * by the low bits of its RSS hash, as NICs do. */
unsigned gro_shard_of(const struct gro_shard *sh, const struct gro_frame *fr);

/* Offer @n frames from the one producer thread. Each is queued to its
 * shard (or, for shard 0 with inline_shard0, received at once). */
int gro_shard_receive(struct gro_shard *sh, struct gro_frame *frames, unsigned n, uint64_t now_ns);

/* gro_flush() on every shard, after the frames offered before this call. */
int gro_shard_flush(struct gro_shard *sh, uint64_t now_ns, int mode);

/* Wait until every shard has processed everything offered so far. */
void gro_shard_sync(struct gro_shard *sh);

/* Sum of every shard's counters. */
void gro_shard_get_stats(const struct gro_shard *sh, struct gro_stats *st);

/* The engine of shard @i (its own counters, gro_memory()); use it only
 * while the shard is idle (after gro_shard_sync()). */
struct gro_ctx *gro_shard_engine(const struct gro_shard *sh, unsigned i);

/* Process what is queued, stop the threads, destroy the engines. */
void gro_shard_destroy(struct gro_shard *sh);

#ifdef __cplusplus
}
#endif
#endif
