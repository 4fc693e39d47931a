/* SPDX-License-Identifier: MIT */
/*
 * The RSS (Toeplitz) hash state behind the opaque struct gro_rss of gro.h.
 * Private to the library: gro_shard embeds one, gro_rss_create() allocates
 * one, and the unit tests read it to check the key expansion. Not
 * exported from the shared library.
 */
#ifndef LIBGRO_RSS_H
#define LIBGRO_RSS_H

#include <stdint.h>

#include "gro.h"

/* The key expanded into one table per input byte position (about 36 KiB),
 * so that a 12-byte IPv4 tuple costs 12 table loads. Read-only once
 * filled. */
struct gro_rss {
	uint32_t tbl[36][256];
	uint8_t key[GRO_RSS_KEY_MAX];
	uint32_t key_len;
};

/* Fill @rss for the @len-byte @key, with the rules of gro_rss_create() (a
 * NULL @key means gro_rss_default_key). Returns GRO_OK, or GRO_EINVAL for
 * a NULL @rss or a length out of range (@rss is then left untouched). */
int gro_rss_init(struct gro_rss *rss, const uint8_t *key, uint32_t len);

#endif /* LIBGRO_RSS_H */
