/* Unit-test harness for libgro: an engine whose deliver hook records every
 * packet (linearized, with its offload metadata) and whose release hook
 * counts releases per frame, plus shortcuts to feed frames built with
 * pktbuild and to check what came out.
 *
 * Frames get cookies 1..n (index + 1), so every output packet can be traced
 * back to the frames it was made of.
 */
#ifndef UNIT_HELPERS_H
#define UNIT_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gro.h"
#include "pktbuild.h"

/* One delivered packet, as recorded by the deliver hook. */
struct h_pkt {
	uint8_t *raw;		/* gro_pkt_linearize(..., 0): bytes as delivered */
	uint8_t *fixed;		/* gro_pkt_linearize(..., GRO_LIN_CSUM) */
	uint32_t len;
	uint16_t l3_off, l4_off, hdr_len;
	uint16_t gso_size, gso_segs;
	uint16_t csum_start, csum_offset;
	uint8_t csum_partial;
	uint8_t reason;
	uint32_t gso_type;
	uint8_t encap;
	uint16_t outer_l3_off, outer_l4_off;
	uint32_t start;		/* where it starts: 0 or GRO_FRAME_L3_* */
	uint32_t nsegs;
	int *frames;		/* frame index of each span, in order */
	unsigned call;		/* which deliver call brought it (0-based) */
	bool segs_ok;		/* data == segs[0].data, len == sum of spans */
};

struct h {
	struct gro_ctx *gro;
	struct gro_config cfg;
	uint64_t now;		/* time passed to receive and flush */

	/* input frames */
	struct gro_frame *fr;
	uint8_t **orig;		/* pristine copy of each frame */
	size_t nfr, capfr;
	size_t next;		/* first frame not offered yet */
	unsigned *released;	/* release count per frame */
	bool *delivered;	/* frame appeared in a delivered packet */

	/* output */
	struct h_pkt *pkt;
	size_t npkt, cappkt;
	unsigned ncalls;	/* deliver calls */
	unsigned max_batch;	/* largest batch seen */

	/* hook anomalies */
	unsigned early_releases;	/* released before being delivered */
	unsigned bad_cookies;		/* release/segment with an unknown cookie */
	unsigned bad_spans;		/* a span whose cookie was not its frame's */
	unsigned lin_errors;		/* linearize failed or ENOSPC not reported */
};

/* A default configuration (gro_config_init), for tests to tweak. */
void h_config(struct gro_config *cfg);

/* Create the engine; cfg NULL means the defaults. Hooks are installed here. */
struct h *h_open(const struct gro_config *cfg);

/* Destroy the engine, then check every frame came back exactly once and
 * never before it was delivered. Frees everything. */
void h_close(struct h *h);

/* Destroy the engine without freeing the harness (to look at what
 * gro_destroy delivered); h_close still has to be called. */
void h_destroy_engine(struct h *h);

/* Add a frame (not offered yet). Returns its index. */
int h_add(struct h *h, const struct pb_frame *f);
int h_add_bytes(struct h *h, const uint8_t *data, size_t len);

/* Add a frame, then advance f to the next in-order segment: seq += payload,
 * ip_id += 1. Returns its index. */
int h_add_seg(struct h *h, struct pb_frame *f);

/* Receive hash and flags of frame i. */
void h_set_rxhash(struct h *h, int i, uint32_t rxhash);
void h_set_flags(struct h *h, int i, uint32_t flags);

/* Offer every frame added since the last call, in one gro_receive. */
void h_receive(struct h *h);
/* gro_flush(GRO_FLUSH_ALL); returns its result. */
int h_flush(struct h *h);
/* h_receive then h_flush. */
void h_run(struct h *h);

/* The k-th delivered packet (asserts it exists). */
const struct h_pkt *h_pkt(const struct h *h, size_t k);

/* Number of packets delivered so far. */
size_t h_npkt(const struct h *h);

/* Frame i's original bytes and length. */
const uint8_t *h_frame(const struct h *h, int i);
uint32_t h_frame_len(const struct h *h, int i);

/*
 * Assertions; each names the rule it checks (printed on failure).
 */
/* Packet k is frame i delivered untouched (one span, same bytes,
 * gso_size 0, gso_segs 1, no gso_type, not checksum-partial). */
void h_expect_as_is(const struct h *h, size_t k, int i, const char *rule);
/* Packet k is the super-packet of frames first..first+n-1 (n >= 2). */
void h_expect_merged(const struct h *h, size_t k, int first, int n, const char *rule);
/* Packet k consists of exactly the n frames listed. */
void h_expect_frames(const struct h *h, size_t k, const int *idx, int n, const char *rule);
/* Packet k's completed bytes (GRO_LIN_CSUM) equal pb_build(*expected). */
void h_expect_bytes(const struct h *h, size_t k, const struct pb_frame *expected,
		    const char *rule);
/* Packet k left for reason r. */
void h_expect_reason(const struct h *h, size_t k, enum gro_reason r, const char *rule);
/* Exactly n packets delivered so far. */
void h_expect_npkt(const struct h *h, size_t n, const char *rule);

/* Check that gro_get_stats agrees with what the hooks saw. */
void h_check_stats(const struct h *h);

/* Folded (not complemented) pseudo-header sum for TCP over the IP header at
 * @iph (v4 or v6) and an L4 length of @l4len, computed with pktbuild's
 * checksum code. */
uint16_t h_pseudo_seed(const uint8_t *iph, int ipv6, uint32_t l4len);
/* The same for protocol @proto (17: UDP). */
uint16_t h_pseudo_seed_proto(const uint8_t *iph, int ipv6, uint32_t l4len, uint8_t proto);

/* 1 if the TCP checksum of the frame (IP header at l3, TCP at l4, up to len)
 * verifies, computed with pktbuild's checksum code. */
int h_tcp_csum_ok(const uint8_t *frame, uint32_t len, uint32_t l3, uint32_t l4, int ipv6);

/* 1 if the IPv4 header at @iph has a valid checksum (pktbuild's code). */
int h_ipv4_csum_ok(const uint8_t *iph);

static inline uint16_t h_rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t h_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A recorded packet as a gro_pkt again: one span over its bytes as
 * delivered (@seg), with its offload state, for gro_segment() and the
 * virtio_net_hdr codec. */
void h_pkt_gro(const struct h_pkt *p, struct gro_pkt *pkt, struct gro_seg *seg);

/* A standard IPv4 or IPv6 data segment: payload_len bytes at seq. */
void h_seg_init(struct pb_frame *f, int ipv6, uint32_t payload_len);

#endif
