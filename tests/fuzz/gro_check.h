/* SPDX-License-Identifier: MIT */
/*
 * An engine wrapped in invariant checks, for the fuzz harnesses and the
 * hostile-traffic tests.
 *
 * The checker owns every frame: it keeps a pristine copy, hands the engine a
 * buffer of exactly the frame's length (so AddressSanitizer sees any read
 * past its end), and frees that buffer when the engine releases it (so a
 * later access is a use after free). Its deliver and release hooks check,
 * for every packet and every frame:
 *
 *  - every frame is released exactly once, after the packet it belongs to
 *    was delivered, and before the receive or flush call that delivered it
 *    returns;
 *  - a packet passed through is an input frame, unchanged, as it was given;
 *  - a super-packet is its head frame with only the fields gro_complete
 *    rewrites changed (IPv4 tot_len and header checksum, IPv6 payload_len,
 *    TCP checksum seed, FIN/PSH; UDP length and checksum seed), followed
 *    by the TCP or UDP payload of each segment, in sequence order; its
 *    segments are well-formed TCP segments (UDP datagrams, when UDP GRO
 *    is on) of one flow whose headers differ only where consecutive
 *    segments may; all but the last carry exactly gso_size bytes, the last
 *    at most that; the merged length respects the size limit of its kind
 *    (max_size, ipv4_max_size past 64 KiB for BIG TCP over IPv4 with
 *    tot_len 0, 64 KiB for UDP, IPv6 and lists) and max_segs, and UDP
 *    packets and TCP lists hold 64 segments at most; the checksum field
 *    holds the pseudo-header seed at csum_offset 16 (TCP) or 6 (UDP), or,
 *    for a list (GRO_GSO_FRAGLIST), is untouched with csum_valid set;
 *    gso_type has exactly the bits of its kind; cut back with
 *    gro_segment(), it gives the frames that arrived (checksums aside);
 *  - the same through one level of tunnel (IP in IP, GRE, VXLAN and GENEVE
 *    on the configured ports), for every header: outer IP lengths, IDs
 *    and checksums, the outer UDP length and seed, a GRE header as it
 *    came, the tunnel's gso_type bits, encap and the outer offsets, and
 *    Linux's limit of 15 nested receive calls;
 *  - held frames of one flow (its key: MAC header, VLAN tags, addresses,
 *    ports, IPv6 flow label and extension headers, receive hash) come out
 *    in the order they arrived;
 *  - gro_held() <= max_flows, frames held <= the node pool, gro_memory()
 *    never changes, batches respect cfg.batch, gro_flush() returns what it
 *    completed, and the statistics agree with what the hooks saw.
 *
 * The header parser and checksum code here are independent of the library.
 */
#ifndef GRO_CHECK_H
#define GRO_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "gro.h"

struct gck;

/* Called on every violated invariant, with a one-line description. The
 * default (NULL) prints it and aborts, which is what a fuzzer wants. */
typedef void (*gck_fail_fn)(void *arg, const char *msg);

/* Create an engine from @cfg (its hooks are replaced by the checker's).
 * Returns NULL if gro_create() refuses the configuration (reported as a
 * failure too). */
struct gck *gck_open(const struct gro_config *cfg, gck_fail_fn fail, void *fail_arg);

/* The same with a pull-only engine (no deliver hook): every call takes its
 * packets with the pull calls, @max_out per call (0 too), and what stays
 * pending with gro_pull(), checked as delivered packets are; a call the
 * engine may not refuse (at most batch frames, nothing pending) must not
 * be refused. */
struct gck *gck_open_pull(const struct gro_config *cfg, unsigned max_out, gck_fail_fn fail,
			  void *fail_arg);

/* Queue a copy of a frame for the next gck_receive(). @data NULL offers a
 * frame whose data pointer is NULL (with the given length). Returns the
 * frame's index. */
uint32_t gck_add(struct gck *ck, const uint8_t *data, uint32_t len, uint32_t rxhash, uint32_t flags);

/* Frames queued and not offered yet. */
unsigned gck_pending(const struct gck *ck);

/* Offer the queued frames in one gro_receive() call at @now. */
void gck_receive(struct gck *ck, uint64_t now);

/* gro_flush(@mode) at @now, with checks. */
void gck_flush(struct gck *ck, uint64_t now, int mode);

/* Calls that must be refused or be harmless: gro_receive with no frames,
 * with NULL frames and n > 0, gro_flush with an unknown mode, a stats
 * snapshot compared with what the hooks saw. @kind selects one. */
void gck_misuse(struct gck *ck, unsigned kind, uint64_t now);

/* Linearize packets of length 0 too (a frame offered with data NULL comes
 * back as such a packet). On by default. */
void gck_set_linearize_empty(struct gck *ck, int on);

/* Cut every super-packet back with gro_segment() and compare the segments
 * with the frames that arrived (GRO's lossless round trip). 1 (default):
 * on; 2: on, but tolerate gro_segment refusing the super-packets it is
 * known to refuse (see tests/fuzz/regress/disabled.txt); 0: off. */
void gck_set_roundtrip(struct gck *ck, int on);

/* Destroy the engine, run the final checks, free everything. Returns the
 * number of failures seen over the checker's life. */
unsigned gck_close(struct gck *ck);

/* Figures for the hostile tests. */
struct gck_counts {
	uint64_t frames, pkts, super_pkts, segs_merged, max_segs, max_len;
	uint64_t failures;
};
void gck_counts(const struct gck *ck, struct gck_counts *c);

/* ---- shared with the harnesses: an independent header parser ---- */

/* Tunnels the parser knows: one level, as Linux's encap_mark. */
enum { GCK_TUN_NONE, GCK_TUN_IPIP, GCK_TUN_GRE, GCK_TUN_VXLAN, GCK_TUN_GENEVE };
#define GCK_GRE_C	0x8000
#define GCK_GRE_K	0x2000

struct gck_parse {
	int tcp;		/* found a TCP header inside the frame */
	int udp;		/* found a UDP header instead (hdr = l4 + 8) */
	int mergeable;		/* well-formed enough that GRO may merge it */
	int v6;			/* the innermost IP header is IPv6 */
	int ntags;		/* VLAN tags walked before the outermost IP header */
	uint32_t l3, l4, hdr, pay;	/* the innermost IP and transport headers */
	uint32_t seq;
	uint8_t tcpflags;
	/* A tunnel (GCK_TUN_*; NONE: outer_l3 = l3, outer_v6 = v6): */
	int tun;
	int outer_v6;		/* the outermost IP header is IPv6 */
	int ocsum;		/* the outer UDP checksum is set, or GRE has C */
	uint32_t outer_l3;	/* the outermost IP header */
	uint32_t outer_l4;	/* the outer UDP or GRE header (0: IP in IP) */
	uint32_t tun_off, tun_len;	/* the GRE, VXLAN or GENEVE header */
	uint32_t inner_eth;	/* an Ethernet header inside the tunnel (0: none) */
	int depth;		/* Linux's nested receive calls (at most 14 merge) */
};

/* Parse @data as GRO walks it under @cfg (its VLAN switch and UDP tunnel
 * ports): Ethernet, VLAN tags, IPv4 or IPv6 with Hop-by-Hop, Routing and
 * Destination Options headers, one tunnel (IP in IP, GRE, VXLAN, GENEVE)
 * with what it carries, TCP or UDP. @trust: do not require valid TCP, UDP
 * or GRE checksums for "mergeable" (a UDP datagram without one, checksum
 * 0, never is). */
void gck_parse(const struct gro_config *cfg, const uint8_t *data, uint32_t len, int trust, struct gck_parse *p);

/* The same with VLAN tags walked when @vlan and no UDP tunnel port. */
void gck_parse_frame(const uint8_t *data, uint32_t len, int vlan, int trust, struct gck_parse *p);

/* Rewrite IPv4 tot_len / IPv6 payload_len (and a UDP length) to match
 * @len, then recompute the IPv4 header checksum and the TCP or UDP
 * checksum, as far as the frame's headers can be found (no tunnel is
 * looked into). Used to build frames a fuzzer can merge. */
void gck_fixup(uint8_t *data, uint32_t len, int vlan, int lengths, int tcp_csum);

/* The same through a tunnel (@cfg's VLAN switch and ports) when the frame
 * has one: every length of the inner and outer headers, the inner
 * checksums (the transport's with @tcp_csum), a GRE checksum when present,
 * the outer UDP checksum when set (0 stays 0), the outer IPv4 header
 * checksum. Without a tunnel, gck_fixup(lengths 1). */
void gck_fixup_cfg(const struct gro_config *cfg, uint8_t *data, uint32_t len, int tcp_csum);

/* Only a tunnel's part of that (nothing without one): after changing
 * what is inside, the GRE checksum, the outer UDP length and checksum,
 * the outer IP length and checksum. */
void gck_fixup_outer(const struct gro_config *cfg, uint8_t *data, uint32_t len);

/* Internet checksum: running sum of big-endian 16-bit words (an odd
 * trailing byte padded with zero), and its fold to 16 bits (not inverted). */
uint64_t gck_csum_add(uint64_t sum, const uint8_t *p, size_t len);
uint16_t gck_csum_fold(uint64_t sum);

#endif
