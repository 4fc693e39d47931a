/* SPDX-License-Identifier: MIT */
/*
 * libgro - Generic Receive Offload in user space, with Linux's exact rules.
 *
 * GRO merges consecutive segments of a flow (TCP segments, and UDP
 * datagrams when asked: see gro_config.udp) into one large packet (a
 * super-packet) early on the receive path, so everything after it pays its
 * per-packet costs once per super-packet. Every header of the first segment
 * is kept, and the segment boundaries are known exactly (gso_size), so the
 * super-packet can be split back into the packets that arrived.
 *
 * libgro makes the same decisions as the Linux 6.18 kernel: the same frames
 * merge, the same frames are passed through untouched, super-packets
 * complete at the same moments and in the same order, and completed headers
 * carry the same bytes (IPv4 tot_len and header checksum, IPv6 payload_len,
 * the TCP or UDP length and pseudo-header checksum seed).
 *
 * Quick example:
 *
 *	static void on_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
 *	{
 *		for (unsigned i = 0; i < n; i++)
 *			forward(&pkts[i]);      // headers + segs[], see struct gro_pkt
 *	}
 *	static void on_release(void *arg, void *cookie) { buffer_free(cookie); }
 *
 *	struct gro_config cfg;
 *	struct gro_ctx *gro;
 *	gro_config_init(&cfg);
 *	cfg.deliver = on_deliver;
 *	cfg.release = on_release;
 *	if (gro_create(&cfg, &gro) != GRO_OK) ...
 *	for (;;) {                               // one NAPI-like poll
 *		n = rx_burst(frames, 64);        // fill struct gro_frame[]
 *		gro_receive(gro, frames, n, now_ns());
 *		gro_flush(gro, now_ns(), 0);     // end of poll: complete all
 *	}
 *	gro_destroy(gro);
 *
 * Buffer ownership: libgro never copies payload. A frame handed to
 * gro_receive() stays owned by libgro until it comes back through the
 * release hook (release or release_batch), exactly once, right after the
 * packet it belongs to has been
 * delivered. Until then its memory must stay valid and unmodified by the
 * caller. libgro writes into a frame only when it is the first frame of a
 * super-packet, and only into its IP and TCP header fields that Linux's
 * gro_complete rewrites.
 *
 * Threading: a context is used by one thread at a time; distinct contexts
 * are independent. To spread flows over several cores, see "Several cores:
 * sharding" at the end.
 */
#ifndef LIBGRO_GRO_H
#define LIBGRO_GRO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * GRO_API marks what the shared library exports: every function and object
 * declared with it, and nothing else (the library is built with
 * -fvisibility=hidden).
 */
#if defined(__GNUC__) || defined(__clang__)
#define GRO_API __attribute__((visibility("default")))
#else
#define GRO_API
#endif

/* ---------------------------------------------------------------- version */

/* The version of this header. The shared library's soname is
 * libgro.so.GRO_VERSION_MAJOR. */
#define GRO_VERSION_MAJOR 1
#define GRO_VERSION_MINOR 3
#define GRO_VERSION_PATCH 0
/* The version as one number, as gro_version() returns it. */
#define GRO_VERSION_NUM(major, minor, patch)	((major) << 16 | (minor) << 8 | (patch))
#define GRO_VERSION	GRO_VERSION_NUM(GRO_VERSION_MAJOR, GRO_VERSION_MINOR, GRO_VERSION_PATCH)

/* The version of the library actually linked or loaded, which may differ
 * from the header's GRO_VERSION: (major << 16) | (minor << 8) | patch. A
 * program built with this header needs a library of the same major version
 * (the soname says it) and a minor version at least GRO_VERSION_MINOR, which
 * is when what it calls was added. */
GRO_API unsigned gro_version(void);

/* The same as "major.minor.patch", e.g. "1.0.0". */
GRO_API const char *gro_version_string(void);

/* ---------------------------------------------------------------- errors */

/* Every fallible call returns GRO_OK (0) or one of these negative codes. */
enum gro_error {
	GRO_OK = 0,
	GRO_EINVAL = -1,	/* an argument or configuration value is out of range */
	GRO_ENOMEM = -2,	/* memory allocation failed */
	GRO_ENOSPC = -3,	/* the output buffer is too small */
	GRO_EPROTO = -4,	/* the packet is not of the kind the call needs */
	GRO_EBUSY = -5,		/* not while packets are held (since 1.3) */
};

/* A sentence describing @err, never NULL. */
GRO_API const char *gro_strerror(int err);

/* After gro_create() returned GRO_EINVAL: which setting was wrong, and why. */
GRO_API const char *gro_config_error(void);

/* ---------------------------------------------------------------- input */

/* The NIC (or the caller) has verified the L4 checksum: Linux's
 * CHECKSUM_UNNECESSARY. libgro then skips its own verification. */
#define GRO_FRAME_CSUM_OK	0x1u

/* One received Ethernet frame, starting at the destination MAC address
 * (or an IP packet, see "Frames without a MAC header" below). */
struct gro_frame {
	uint8_t *data;		/* the frame; see "Buffer ownership" above */
	uint32_t len;		/* bytes in the frame (no FCS) */
	uint32_t rxhash;	/* the NIC's receive hash, or 0: Linux only merges
				 * frames with equal hashes, and picks the bucket
				 * from its low bits (see gro_config.buckets) */
	uint32_t flags;		/* GRO_FRAME_*, GRO_FRAME_L3_* */
	void *cookie;		/* handed back to the release hook */
};

/*
 * Frames without a MAC header (since 1.2). A TUN device, a WireGuard-style
 * VPN or a LINKTYPE_RAW capture carries IP packets that start at their IP
 * header. Two bits of gro_frame.flags say where a frame's packet starts;
 * 0, what every earlier caller passes, is Ethernet:
 *
 *   GRO_FRAME_L3_IPV4  an IPv4 header (Linux: skb->protocol ETH_P_IP, no MAC header)
 *   GRO_FRAME_L3_IPV6  an IPv6 header (ETH_P_IPV6)
 *   GRO_FRAME_L3_IP    either, by the version nibble of its first byte, as a
 *                      TUN device without packet information decides (any
 *                      other nibble: delivered as is, GRO_R_UNHANDLED)
 *
 * Such a packet is merged by the same rules as one behind Ethernet, as
 * Linux merges a TUN's or a WireGuard peer's packets (no MAC header in the
 * flow key: its mac_len is 0), and it never joins a flow of frames that
 * start elsewhere. Offsets in the delivered packet (l3_off, l4_off,
 * csum_start, hdr_len) count from its first byte, the IP header, which is
 * what a TUN device's virtio_net_hdr wants; gro_config.max_size counts
 * from there too (there is no Ethernet header to leave out). The
 * delivered packet says where it starts in gro_pkt.start (the L3_IP value
 * resolved to L3_IPV4 or L3_IPV6 when the nibble said 4 or 6), which
 * gro_segment() reads, and gro_vnet_decode_start() decodes the
 * virtio_net_hdr of such a frame.
 */
#define GRO_FRAME_L3_IPV4	0x100u
#define GRO_FRAME_L3_IPV6	0x200u
#define GRO_FRAME_L3_IP		0x300u
#define GRO_FRAME_START_MASK	0x300u	/* the bits above; 0: Ethernet */

/* ---------------------------------------------------------------- output */

/* A piece of a delivered packet: a span of one input frame. */
struct gro_seg {
	uint8_t *data;
	uint32_t len;
	void *cookie;		/* the cookie of the frame this span lies in */
};

/* gso_type bits, with the meaning of Linux's SKB_GSO_* of the same name. */
#define GRO_GSO_TCPV4		0x01u	/* TCP over IPv4 */
#define GRO_GSO_TCPV6		0x02u	/* TCP over IPv6 */
#define GRO_GSO_TCP_ECN		0x04u	/* the first segment has CWR; 6.18 never merges a
					 * CWR segment, so GRO output never has it, but
					 * segmentation input may */
#define GRO_GSO_TCP_FIXEDID	0x08u	/* IPv4 ID was the same in every segment (TCP or,
					 * unlike Linux, which leaves it to count up
					 * again, UDP) */
#define GRO_GSO_TCP_ACCECN	0x10u	/* Accurate ECN: CWR is data, kept on every segment */
#define GRO_GSO_TCP_FIXEDID_INNER 0x20u	/* the inner IPv4 ID of a tunnel was fixed */
#define GRO_GSO_UDP_L4		0x40u	/* UDP datagrams of gso_size payload bytes */
#define GRO_GSO_FRAGLIST	0x80u	/* fraglist GRO: the segments' checksums are
					 * as they arrived (not a pseudo-header seed),
					 * see gro_config.udp and .fraglist */
/* Tunnels (the packet's encap, outer_l3_off, outer_l4_off say where the
 * outer headers are): */
#define GRO_GSO_UDP_TUNNEL	0x100u	/* inside a UDP tunnel (VXLAN, GENEVE) */
#define GRO_GSO_UDP_TUNNEL_CSUM	0x200u	/* ... whose outer UDP checksum is set; Linux's
					 * packet socket drops both bits from the
					 * vnet header it writes, libgro keeps them */
#define GRO_GSO_GRE		0x400u	/* inside GRE */
#define GRO_GSO_GRE_CSUM	0x800u	/* ... with the GRE checksum, which the merged
					 * packet has as its first segment had it;
					 * Linux leaves this bit out, libgro sets it so
					 * that gro_segment() gives each its own */
#define GRO_GSO_IPXIP4		0x1000u	/* inside IPv4 (IPIP, SIT) */
#define GRO_GSO_IPXIP6		0x2000u	/* inside IPv6 (IPv4/IPv6-in-IPv6) */

/* Why a packet left the engine. The first group is for packets delivered
 * as they arrived (never held); the second for held packets (merged or not). */
enum gro_reason {
	/* delivered as is, without being held */
	GRO_R_UNHANDLED = 0,	/* no layer merges it: not Ethernet/VLAN +
				 * IPv4/IPv6 (+ one tunnel: IP-in-IP, GRE, VXLAN, GENEVE) + TCP,
				 * or UDP (as configured), or a tunnel inside a
				 * tunnel; its name stays "not-tcp" */
	GRO_R_MALFORMED,	/* too short, or a length that does not add up
				 * (a UDP length other than the IP payload's) */
	GRO_R_IP_OPTS,		/* IPv4 header with options (IHL != 5) */
	GRO_R_IP_FRAG,		/* IPv4 fragment */
	GRO_R_IP_CSUM,		/* bad IPv4 header checksum */
	GRO_R_IP_LEN,		/* tot_len/payload_len differ from the frame (e.g. padding) */
	GRO_R_L4_CSUM,		/* bad TCP or UDP checksum, or a UDP datagram
				 * without one (0), which Linux never merges */
	GRO_R_FLAGS,		/* SYN, RST, URG, PSH or FIN on a packet with nothing to join */
	GRO_R_NO_PAYLOAD,	/* zero-length segment (a pure ACK, an empty datagram) */
	GRO_R_MISMATCH_NEW,	/* could not join its held flow, and may not start one */
	/* held packets, completed */
	GRO_R_PUSH,		/* the segment just merged carries PSH, FIN, URG, RST or SYN */
	GRO_R_SHORT,		/* the segment just merged is shorter than gso_size */
	GRO_R_MISMATCH,		/* the next segment differs (seq, ACK, flags, options,
				 * IP fields, mss; a longer datagram) */
	GRO_R_SIZE,		/* merging the next segment would exceed max_size or
				 * max_segs, or the packet has 64 segments (UDP,
				 * fraglist: Linux's limit) */
	GRO_R_EVICT,		/* the flow table (or its bucket) was full: oldest flow completed */
	GRO_R_POLL_END,		/* gro_flush() at the end of a poll */
	GRO_R_TIMEOUT,		/* gro_flush() with an age limit */
	GRO_R_DESTROY,		/* gro_destroy() */
	GRO_R_COUNT
};
/* Room for reasons in struct gro_stats: later versions may add some
 * (below GRO_R_SLOTS) without changing its size. */
#define GRO_R_SLOTS 32
/* The name of GRO_R_UNHANDLED before 0.2. */
#define GRO_R_NOT_TCP GRO_R_UNHANDLED

/* A short name for a reason ("push", "evict", ...), for logs and stats. */
GRO_API const char *gro_reason_name(enum gro_reason r);

/*
 * A delivered packet: either a frame passed through untouched (nsegs == 1,
 * gso_segs == 1, gso_size == 0) or a super-packet.
 *
 * A super-packet is segs[0], the whole first frame (its headers rewritten as
 * Linux's gro_complete does), followed by segs[1..nsegs-1], the TCP or UDP
 * payload of each following segment in order. Its bytes in order form the
 * merged packet. The TCP or UDP checksum field holds the pseudo-header seed
 * (checksum offload state CHECKSUM_PARTIAL: the sum still has to be folded
 * in over [csum_start, end) and stored at csum_start + csum_offset), exactly
 * as Linux leaves it; gro_pkt_linearize() can finish it.
 *
 * A fraglist super-packet (GRO_GSO_FRAGLIST) is laid out the same, but its
 * checksums are those of its first segment as it arrived (csum_partial 0,
 * csum_valid 1: every segment's was verified), and each span segs[i], i >=
 * 1, is preceded in its frame by that segment's own headers, hdr_len bytes,
 * which gro_segment() gives back unchanged.
 *
 * A merged IPv4 packet longer than 65535 bytes (BIG TCP, see
 * gro_config.max_size) has tot_len 0, as in Linux.
 */
struct gro_pkt {
	uint8_t *data;		/* == segs[0].data, the first byte of the frame */
	uint32_t len;		/* total bytes: the sum of segs[i].len */
	uint16_t l3_off;	/* offset of the (innermost) IP header, 0 if not parsed */
	uint16_t l4_off;	/* offset of the (innermost) transport header, 0 if not parsed */
	uint16_t hdr_len;	/* bytes of headers up to the end of the transport
				 * header, 0 if not parsed */
	uint16_t gso_size;	/* payload bytes per segment (the last may be shorter); 0 if not merged */
	uint16_t gso_segs;	/* segments merged into this packet (1 if not merged) */
	uint16_t csum_start;	/* super-packets: offset of the transport header */
	uint16_t csum_offset;	/* super-packets: offset of its checksum field in it
				 * (TCP: 16, UDP: 6) */
	uint8_t csum_partial;	/* 1: that checksum holds the pseudo-header seed */
	uint8_t reason;		/* enum gro_reason */
	uint8_t encap;		/* super-packets: network headers outside the
				 * innermost one (0: not tunnelled) */
	uint8_t csum_valid;	/* 1: every transport checksum in it was verified
				 * (fraglist super-packets): CHECKSUM_UNNECESSARY */
	uint16_t outer_l3_off;	/* with encap: the outermost IP header */
	uint16_t outer_l4_off;	/* with encap: the outer transport (or tunnel) header, 0 if none */
	uint32_t gso_type;	/* GRO_GSO_* bits; 0 if not merged */
	uint32_t nsegs;
	/* Where the packet starts: 0 Ethernet, or GRO_FRAME_L3_IPV4/IPV6/IP
	 * (see "Frames without a MAC header"). Padding before 1.2: a packet
	 * built for gro_segment() must have it zeroed (or set). */
	uint32_t start;
	const struct gro_seg *segs;
};

/* Delivery hook: a batch of @n completed packets, in completion order. The
 * packets and their memory are valid only during the call; right after it
 * returns, libgro hands every frame of the batch to the release hook. The
 * hooks must not call the context that calls them (they run in the middle
 * of its work); another context is fine. */
typedef void (*gro_deliver_fn)(void *arg, const struct gro_pkt *pkts, unsigned n);

/* Release hook: libgro is done with the frame that carried @cookie. */
typedef void (*gro_release_fn)(void *arg, void *cookie);

/* Batch release hook, instead of the one above: libgro is done with the
 * frames of the @n spans at @segs (read each span's cookie), all frames of
 * the batch just delivered. One call per batch, for datapaths that free
 * buffers in bulk (rte_pktmbuf_free_bulk, an AF_XDP fill ring). The spans
 * are valid only during the call. */
typedef void (*gro_release_batch_fn)(void *arg, const struct gro_seg *segs, unsigned n);

/* ---------------------------------------------------------------- config */

enum gro_csum_policy {
	GRO_CSUM_VERIFY = 0,	/* verify TCP and UDP checksums in software, as Linux does
				 * for CHECKSUM_NONE frames (bad ones are passed
				 * through, never merged) */
	GRO_CSUM_TRUST = 1,	/* treat every frame as GRO_FRAME_CSUM_OK */
};

/*
 * UDP tunnels. Linux merges the packets inside VXLAN and GENEVE when a
 * tunnel socket listens on the datagram's destination port (a VXLAN or
 * GENEVE device; `ip link add ... type vxlan external dstport 4789` opens
 * one for IPv4 and one for IPv6). libgro has no sockets: the ports are
 * configured, and apply to IPv4 and IPv6 alike, whatever the addresses.
 *
 * A datagram to such a port is a tunnel whatever gro_config.udp says:
 * its outer headers and the tunnel header are part of the flow (the
 * ports, whether the UDP checksum is set, the VXLAN flags and VNI, the
 * whole GENEVE header with its options), its inner Ethernet frame (or,
 * for GENEVE, the packet its protocol type names) is received as at the
 * top, and the inner packets merge by their own rules. A non-zero outer
 * checksum must be right; one level of tunnel only (a tunnel inside GRE,
 * IP-in-IP or another UDP tunnel is delivered as is); GENEVE OAM frames
 * and versions other than 0 are never merged; VXLAN-GPE is not a tunnel
 * libgro knows. The merged packet has GRO_GSO_UDP_TUNNEL, or
 * GRO_GSO_UDP_TUNNEL_CSUM with the outer checksum set to the outer pseudo
 * header sum (as Linux's udp4/6_gro_complete leaves it), its outer UDP
 * length rewritten, and csum_start at the inner transport header.
 */
enum gro_udp_tunnel_type {
	GRO_TUNNEL_NONE = 0,	/* an unused entry */
	GRO_TUNNEL_VXLAN = 1,	/* VXLAN (RFC 7348): 8-byte header, an Ethernet frame */
	GRO_TUNNEL_GENEVE = 2,	/* GENEVE (RFC 8926): header with options */
};

#define GRO_UDP_TUNNELS	4	/* entries in gro_config.tunnels */
#define GRO_VXLAN_PORT	4789	/* IANA ports, for convenience */
#define GRO_GENEVE_PORT	6081

struct gro_udp_tunnel {
	uint16_t port;		/* destination port, host byte order; not 0 when used */
	uint16_t type;		/* enum gro_udp_tunnel_type */
};

struct gro_config {
	/* Held super-packets at most. Default 64, as Linux's 8 buckets x 8.
	 * At most GRO_MAX_FLOWS. */
	uint32_t max_flows;
	/* Linux spreads held flows over 8 buckets chosen by the low bits of
	 * the receive hash, 8 flows each, and completes the oldest flow of a
	 * full bucket. buckets must be a power of two dividing max_flows;
	 * each bucket holds max_flows / buckets flows. Default 8. Set 1 to
	 * let any flow use any slot. */
	uint32_t buckets;
	/* Largest merged packet, in bytes after the 14-byte Ethernet header
	 * (VLAN tags count): Linux's gro_max_size minus one. Default 65535;
	 * at most GRO_MAX_SIZE. Above 65535 (BIG TCP), only TCP packets grow
	 * past 64 KiB, as in Linux: UDP and fraglist packets stop there.
	 * This is the limit of IPv6 packets, and of IPv4 ones unless
	 * ipv4_max_size says otherwise. */
	uint32_t max_size;
	/* Most segments per super-packet; 0 (default) means no limit beyond
	 * max_size, as in Linux. */
	uint32_t max_segs;
	/* Frames held across all flows at most (the segment pool). When it is
	 * exhausted the oldest flow is completed early. 0 (default) sizes it
	 * so that every flow can reach max_size with 1448-byte segments. */
	uint32_t max_held_frames;
	/* Age limit for gro_flush(ctx, now, GRO_FLUSH_TIMEOUT): nanoseconds.
	 * Default 0. */
	uint64_t flush_timeout_ns;
	enum gro_csum_policy csum;
	/* Merge 802.1Q / 802.1ad tagged frames: 1 (default) as a kernel built
	 * with CONFIG_VLAN_8021Q does; 0 as one without it, which passes
	 * tagged frames through untouched. */
	uint32_t vlan;
	/* Packets per delivery batch; default 64. */
	uint32_t batch;
	gro_deliver_fn deliver;	/* NULL: a pull-only context (see "Pull mode") */
	void *deliver_arg;
	gro_release_fn release;	/* optional */
	void *release_arg;
	/* Seed of the flow hash. 0 (default): a random key per context, so a
	 * sender cannot predict which flows collide. */
	uint64_t hash_seed;
	/* optional, instead of release (setting both is GRO_EINVAL); it
	 * gets release_arg */
	gro_release_batch_fn release_batch;
	/* UDP GRO: GRO_UDP_OFF (default), GRO_UDP_L4 or GRO_UDP_FRAGLIST,
	 * see below. */
	uint32_t udp;
	/* 1: fraglist GRO for TCP, as Linux does for forwarded TCP (no local
	 * socket) on a device with rx-gro-list on: segments of a flow merge
	 * only with every flag equal, at most 64, within 64 KiB counting
	 * each segment's headers, and keep their checksums. Default 0. */
	uint32_t fraglist;
	/* Largest merged IPv4 packet: Linux's gro_ipv4_max_size minus one;
	 * 0 (default): max_size. At most GRO_MAX_SIZE. */
	uint32_t ipv4_max_size;
	/* UDP tunnels: datagrams to these ports are decapsulated and their
	 * inner packets merged, as Linux does for the ports of its tunnel
	 * sockets (see "UDP tunnels" below). Unused entries are all zero. */
	struct gro_udp_tunnel tunnels[GRO_UDP_TUNNELS];
	/* Zero (gro_config_init): room for later settings. */
	uint32_t reserved[9];
};

/* gro_config.udp: how UDP datagrams are merged. Linux merges UDP only for
 * a socket that asked for it (UDP_GRO) or for forwarding (the device's
 * rx-udp-gro-forwarding or rx-gro-list); otherwise every datagram goes up
 * as it came (GRO_R_UNHANDLED). In both merging modes, datagrams of a flow
 * (addresses and ports) merge while they have the size of the first; a
 * shorter one is merged and ends the packet, a longer one ends it and
 * starts the next; a datagram whose UDP checksum is 0 (none) or wrong, or
 * whose UDP length is not its IP payload's, is never merged; at most 64
 * datagrams merge (UDP_GRO_CNT_MAX); the IP rules are TCP's. */
enum gro_udp_mode {
	GRO_UDP_OFF = 0,	/* pass UDP through (Linux with neither) */
	GRO_UDP_L4 = 1,		/* UDP_GRO / rx-udp-gro-forwarding: one datagram of
				 * the merged length, UDP length and checksum seed
				 * set (GRO_GSO_UDP_L4, csum_offset 6) */
	GRO_UDP_FRAGLIST = 2,	/* rx-gro-list: the datagrams as a list, checksums
				 * as they arrived (GRO_GSO_UDP_L4 | GRO_GSO_FRAGLIST),
				 * within 64 KiB counting each one's headers */
};

#define GRO_MAX_FLOWS	(1u << 24)
/* The largest max_size: Linux's largest gro_max_size (8 x 65535) minus one. */
#define GRO_MAX_SIZE	524279u

/* Fill @cfg with the defaults above (Linux's behaviour). */
GRO_API void gro_config_init(struct gro_config *cfg);

/* ---------------------------------------------------------------- engine */

struct gro_ctx;

/* Create an engine. All memory is allocated here; receive and flush never
 * allocate. Returns GRO_OK and sets *out, or GRO_EINVAL (see
 * gro_config_error()) or GRO_ENOMEM. */
GRO_API int gro_create(const struct gro_config *cfg, struct gro_ctx **out);

/* Complete every held packet (reason GRO_R_DESTROY), deliver, release, free.
 * NULL is accepted. */
GRO_API void gro_destroy(struct gro_ctx *ctx);

/*
 * Offer @n frames, in arrival order, at time @now_ns (any monotonic clock;
 * only differences matter). Each frame is, as in Linux's dev_gro_receive:
 * merged into its held flow, held as the start of a new flow, or delivered
 * as is (GRO_NORMAL); and a held flow may complete on the way (the frame
 * ends it, does not fit it, or its bucket is full). Completed packets reach
 * the deliver hook in batches, in completion order, before this returns.
 * Returns GRO_OK, or GRO_EINVAL for a NULL ctx or frames with n > 0.
 */
GRO_API int gro_receive(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n, uint64_t now_ns);

/* gro_flush() modes */
#define GRO_FLUSH_ALL		0	/* complete everything (napi_complete_done) */
#define GRO_FLUSH_TIMEOUT	1	/* only flows held longer than flush_timeout_ns */

/*
 * The deferred flush (since 1.2). With gro_flush_timeout and
 * napi_defer_hard_irqs set, Linux's napi_complete_done does not complete
 * everything at the end of a poll: it completes only the packets first
 * held in an earlier jiffy (gro_flush_normal(..., flush_old): a held
 * packet's age is the value of jiffies when it was first held, and the
 * walk of each bucket, oldest first, stops at the first whose age equals
 * jiffies), and leaves the rest to a poll the timer brings; a poll that
 * exhausts its budget does the same when HZ >= 1000. GRO_FLUSH_OLD is that
 * flush: pass the tick count (jiffies, floor(time * HZ)) as now_ns to
 * gro_receive() and gro_flush() alike, and the flows held at another
 * value of it than @now_ns are completed (reason GRO_R_POLL_END).
 */
#define GRO_FLUSH_OLD		2

/* Complete held packets, bucket by bucket, oldest first, and deliver them.
 * Returns the number of packets completed, or GRO_EINVAL. */
GRO_API int gro_flush(struct gro_ctx *ctx, uint64_t now_ns, int mode);

/* Flows held right now. */
GRO_API unsigned gro_held(const struct gro_ctx *ctx);

/* Counters since creation. */
struct gro_stats {
	uint64_t frames_in;
	uint64_t pkts_out;		/* packets delivered */
	uint64_t super_pkts;		/* delivered packets with gso_segs > 1 */
	uint64_t segs_merged;		/* frames inside those super-packets */
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t reasons[GRO_R_SLOTS];	/* delivered packets by reason (enum gro_reason;
					 * slots from GRO_R_COUNT on stay 0) */
};
GRO_API void gro_get_stats(const struct gro_ctx *ctx, struct gro_stats *st);

/* Bytes of memory the context allocated at creation (it never grows). */
GRO_API size_t gro_memory(const struct gro_ctx *ctx);

/* ---------------------------------------------------------------- pull mode */

/*
 * The calls above push packets to the deliver hook. A context created
 * without one (gro_config.deliver NULL) is pull-only instead: it is driven
 * by the calls below, which return the packets they complete in the
 * caller's array, as DPDK's rte_gro_reassemble_burst() and
 * rte_gro_timeout_flush() do. gro_receive() and gro_flush() refuse such a
 * context (GRO_EINVAL), and the calls below refuse one with a deliver
 * hook; gro_shard_create() needs the hook.
 *
 * The engine is the same: given the same frames, flushes and times, the
 * pull calls return the same packets, in the same order, with the same
 * bytes and fields, as the deliver hook would get them. gro_get_stats()
 * counts a packet out when it completes, pending or not.
 *
 * Ownership: a packet returned in @out, and every frame it is made of,
 * belongs to the caller once the call returns: the release hook is not
 * called for it. The packet's segs[] spans are libgro's memory, valid
 * until the next gro_receive_pull(), gro_flush_pull(), gro_pull() or
 * gro_destroy() on the context (the frames themselves stay valid as long
 * as the caller keeps them). Frames still held or pending when the context
 * is destroyed go back through the release hook (release or
 * release_batch, optional in pull mode) without being returned.
 *
 * Nothing is lost when @out is full: completed packets that do not fit
 * stay queued in the context, in order (gro_pending() counts them), and
 * the next pull call returns them first, before anything it completes
 * itself. The queue is allocated by gro_create() (max_flows + batch
 * packets, and a span for each frame the table can hold plus batch: 56
 * bytes per flow more than with a deliver hook for small tables, 104 for a
 * million flows; gro_memory() counts it) and never grows. A call that could complete more than the queue has room
 * for takes nothing and returns GRO_ENOSPC; empty the queue with gro_pull()
 * and call again. That never happens to a caller whose every call offers
 * at most gro_config.batch frames with room in @out for at least as many
 * packets as it offers frames (max_out >= n): packets then stay pending
 * only while as many came out as went in, so the queue never holds more
 * than the table can.
 *
 * A typical poll:
 *
 *	n = rx_burst(frames, 32);
 *	got = gro_receive_pull(gro, frames, n, now, pkts, 32);   // n <= 32
 *	forward(pkts, got);
 *	if (end_of_poll) {
 *		// every flow completes here, as with gro_flush()
 *		got = gro_flush_pull(gro, now, GRO_FLUSH_ALL, pkts, 32);
 *		forward(pkts, got);
 *		while (gro_pending(gro))        // what did not fit in pkts
 *			forward(pkts, gro_pull(gro, pkts, 32));
 *	}
 */

/* As gro_receive(), on a pull-only context: offer @n frames at @now_ns,
 * then write up to @max_out completed packets into @out: first those
 * pending from before, then those this call completed, in completion
 * order. Returns the number written (the rest stays pending), GRO_ENOSPC
 * (no frame taken: see above), or GRO_EINVAL (a NULL or not pull-only
 * @ctx, NULL @frames with n > 0, NULL @out with max_out > 0, max_out above
 * INT_MAX). */
GRO_API int gro_receive_pull(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n,
			     uint64_t now_ns, struct gro_pkt *out, unsigned max_out);

/* As gro_flush(@now_ns, @mode), on a pull-only context: complete the held
 * flows the mode says, all of them at once, then write up to @max_out
 * packets into @out as gro_receive_pull() does. Returns the number written
 * (not the number of flows completed), GRO_ENOSPC or GRO_EINVAL (also for
 * an unknown @mode). */
GRO_API int gro_flush_pull(struct gro_ctx *ctx, uint64_t now_ns, int mode, struct gro_pkt *out,
			   unsigned max_out);

/* Write up to @max_out pending packets into @out, without receiving or
 * completing anything. Returns the number written, or GRO_EINVAL. */
GRO_API int gro_pull(struct gro_ctx *ctx, struct gro_pkt *out, unsigned max_out);

/* Completed packets waiting for a pull call; 0 for NULL or a context with
 * a deliver hook. */
GRO_API unsigned gro_pending(const struct gro_ctx *ctx);

/* ---------------------------------------------------------------- packets */

#define GRO_LIN_CSUM	0x1u	/* finish the TCP/UDP checksum (no longer partial) */

/* Copy @pkt into @buf as one contiguous frame. With GRO_LIN_CSUM a
 * super-packet's TCP or UDP checksum is completed in the copy. Returns the length,
 * or GRO_ENOSPC if @cap is smaller than len or than the spans together. */
GRO_API long gro_pkt_linearize(const struct gro_pkt *pkt, uint8_t *buf, size_t cap, unsigned flags);

/* ---------------------------------------------------------------- segmentation */

/*
 * Cut a packet back into the segments it was made of, as Linux's GSO
 * (tcp_gso_segment, __udp_gso_segment, inet_gso_segment, ipv6_gso_segment)
 * does: each segment gets a copy of the headers and gso_size bytes of
 * payload (the last one the rest); a tunnel's outer headers are rewritten
 * as well (lengths, IDs, a GRE checksum); TCP sequence numbers advance; UDP
 * lengths are rewritten; IPv4 IDs count up from the first (unless
 * GRO_GSO_TCP_FIXEDID), tot_len / payload_len and the IPv4 header checksum
 * are rewritten; PSH and FIN stay on the last segment only and CWR on the
 * first only (unless GRO_GSO_TCP_ACCECN); every TCP or UDP checksum is
 * computed in full (a UDP one that comes out 0 as 0xffff). Every other
 * byte is copied. A fraglist packet (GRO_GSO_FRAGLIST) is cut the same
 * way: GRO only merged segments these rules give back exactly.
 *
 * @pkt describes the packet: a delivered super-packet as is, or any packet
 * whose headers (Ethernet, VLAN tags, or none when pkt->start says so,
 * IPv4 or IPv6 with extension headers,
 * one level of IP-in-IP or GRE around them, TCP or UDP) lie in segs[0] and
 * whose gso_size and gso_type are set
 * (gso_type 0: taken from the packet). gso_size 0, or a payload of at most
 * gso_size, gives one segment: the packet itself with its checksum done.
 * The segments are written one after the other into @buf; out[i] points to
 * each (cookie NULL). Nothing is allocated.
 *
 * Returns the number of segments, GRO_ENOSPC if @buf or @out is too small,
 * GRO_EPROTO if the packet is not TCP or UDP over IPv4/IPv6 or does not
 * agree with its gso_type (TCPV4/TCPV6: TCP over that version, UDP_L4:
 * UDP), GRO_EINVAL for bad arguments.
 */
GRO_API int gro_segment(const struct gro_pkt *pkt, uint8_t *buf, size_t cap,
		struct gro_seg *out, unsigned max_out);

/* ---------------------------------------------------------------- virtio_net_hdr */

/*
 * The header the kernel exchanges with TAP devices (IFF_VNET_HDR), vhost
 * and virtio NICs: struct virtio_net_hdr (10 bytes) or, with num_buffers,
 * virtio_net_hdr_v1 (12 bytes), little-endian.
 */
#define GRO_VNET_HDR_LEN	10
#define GRO_VNET_HDR_V1_LEN	12

#define GRO_VNET_F_NEEDS_CSUM	1	/* checksum from csum_start, store at +csum_offset */
#define GRO_VNET_F_DATA_VALID	2	/* checksum already verified */
#define GRO_VNET_GSO_NONE	0
#define GRO_VNET_GSO_TCPV4	1
#define GRO_VNET_GSO_UDP	3
#define GRO_VNET_GSO_TCPV6	4
#define GRO_VNET_GSO_UDP_L4	5
#define GRO_VNET_GSO_ECN	0x80

/* Write @pkt's offload state as a virtio_net_hdr of @hdr_size bytes (10 or
 * 12) at @hdr. Returns @hdr_size, or GRO_EINVAL. A fraglist packet is
 * written as Linux's packet socket shows one (its transport's type,
 * DATA_VALID, no checksum offsets), which records it but which a TAP or
 * virtio device refuses, as Linux never hands them one: segment it
 * first (gro_segment()). */
GRO_API int gro_vnet_encode(const struct gro_pkt *pkt, void *hdr, size_t hdr_size);

/*
 * Read a virtio_net_hdr that came with the @len-byte frame at @frame and
 * fill the offload fields of @pkt (gso_size, gso_type, csum_*, l3/l4
 * offsets, hdr_len; data, len and one span covering the frame), so that
 * gro_segment(@pkt) can cut it. Everything is checked against the frame
 * itself: offsets past its end, a gso_size of 0 with a GSO type, a type
 * that does not match the packet (TCPV4/TCPV6: TCP over that IP version;
 * UDP_L4, 5: UDP), a checksum to finish that is not the transport's own
 * field give GRO_EPROTO (or GRO_EINVAL for bad
 * arguments); nothing is read outside [@frame, @frame + @len). A TCP type
 * on a UDP datagram is a UDP tunnel's packet (VXLAN, GENEVE) when an inner
 * IP header leads to the TCP header at csum_start (NEEDS_CSUM) or to TCP
 * headers ending at hdr_len (as gro_vnet_encode() writes it): @pkt then
 * has GRO_GSO_UDP_TUNNEL or GRO_GSO_UDP_TUNNEL_CSUM and the outer offsets.
 */
GRO_API int gro_vnet_decode(const void *hdr, size_t hdr_size, uint8_t *frame, size_t len,
		    struct gro_pkt *pkt, struct gro_seg *seg);

/* The same for a frame whose packet starts where @start says (a
 * GRO_FRAME_START_MASK value: 0 Ethernet, GRO_FRAME_L3_IPV4/IPV6/IP), such
 * as one read from a TUN device with IFF_VNET_HDR; pkt->start is set to
 * it (L3_IP resolved by the version nibble). GRO_EINVAL for other bits in
 * @start. (Since 1.2.) */
GRO_API int gro_vnet_decode_start(const void *hdr, size_t hdr_size, uint8_t *frame, size_t len,
				  uint32_t start, struct gro_pkt *pkt, struct gro_seg *seg);

/* Ones'-complement sum of @len bytes at @data, added to @sum (not folded). */
GRO_API uint64_t gro_csum_add(uint64_t sum, const void *data, size_t len);

/* Fold a sum from gro_csum_add() to 16 bits (not inverted). */
GRO_API uint16_t gro_csum_fold(uint64_t sum);

/* ---------------------------------------------------------------- several cores: sharding */

/*
 * One engine keeps one core busy. To use several, spread the flows over
 * several engines as a NIC spreads them over its receive queues (RSS): a
 * Toeplitz hash of the addresses and ports picks one of GRO_SHARD_RETA
 * (128) entries of an indirection table, and the entry names the engine.
 * By default shard i gets every entry e with e % nshards == i; like a
 * NIC's table, it can be set: gro_shard_set_reta().
 *
 * Every segment of a TCP flow carries the same addresses and ports, so it
 * reaches the same engine, in the order it was offered. Each flow is
 * therefore merged exactly as one engine would merge it: the same packets
 * with the same bytes, completed at the same flush, as Linux with one NAPI
 * context per receive queue. Only two things can differ from one engine:
 * the order in which packets of flows on different shards reach the hooks,
 * and which flow is completed early when a flow table or segment pool
 * overflows (GRO_R_EVICT), since each shard has its own, sized by
 * gro_shard_config.engine. Frames that share a flow but not its hash input
 * (an IPv4 fragment hashes without ports, as on a NIC) may reach another
 * shard.
 *
 * gro_shard runs one engine per shard, each on a thread of its own with a
 * queue of frames, fed by one producer thread through gro_shard_receive().
 * The per-frame path takes no lock: each queue has one writer and one
 * reader. The RSS hash can also be used on its own, to compute
 * gro_frame.rxhash as a NIC would.
 *
 * Threading: gro_shard_receive(), gro_shard_flush(), gro_shard_sync(),
 * gro_shard_get_stats(), gro_shard_engine() and gro_shard_destroy() are
 * called by one thread, the producer, one call at a time. The deliver and
 * release hooks of shard i run on shard i's thread, one call at a time for
 * that shard, but hooks of different shards run at the same time: hooks
 * shared by every shard (the same deliver_arg and release_arg) must be
 * thread-safe; deliver_args and release_args give each shard its own. With
 * inline_shard0, shard 0's hooks run on the producer, inside
 * gro_shard_receive() and gro_shard_flush(). The hooks must not call
 * gro_shard_* themselves. gro_rss_hash(), gro_rss_frame() and
 * gro_shard_of() only read what they are given: any thread may call them.
 *
 * Buffer ownership is that of gro_receive(): a frame stays owned by libgro
 * until the release hook hands back its cookie, exactly once. The struct
 * gro_frame array itself is copied: it can be reused as soon as
 * gro_shard_receive() returns. Unlike gro_receive(), packets are completed
 * and delivered later, on the shard threads; gro_shard_sync() waits for it.
 */

#define GRO_RSS_KEY_MAX	52	/* longest RSS key, bytes; 40 cover IPv6 addresses + ports */

/* An RSS (Toeplitz) hash with its key expanded for speed (about 36 KiB):
 * opaque, made by gro_rss_create(), read-only after that. */
struct gro_rss;

/* The 40-byte key most NICs ship with: Microsoft's RSS verification key. */
GRO_API extern const uint8_t gro_rss_default_key[40];

/* Prepare an RSS hash for the @len-byte @key (40 to GRO_RSS_KEY_MAX bytes;
 * a NIC with a longer key uses only its first 40 for these inputs). A NULL
 * @key means gro_rss_default_key, and @len is then ignored. Returns GRO_OK
 * and sets *out; GRO_EINVAL (*out NULL) for a NULL @out or a length out of
 * range; GRO_ENOMEM (*out NULL). */
GRO_API int gro_rss_create(const uint8_t *key, uint32_t len, struct gro_rss **out);

/* Free what gro_rss_create() made. NULL is accepted. */
GRO_API void gro_rss_destroy(struct gro_rss *rss);

/* The Toeplitz hash of @len bytes at @in, in wire order (addresses and
 * ports big-endian, as a NIC reads them). Only the first 36 bytes are
 * hashed (an IPv6 source and destination address and two ports); @len
 * beyond that is treated as 36. */
GRO_API uint32_t gro_rss_hash(const struct gro_rss *rss, const uint8_t *in, uint32_t len);

/* The hash a NIC computes for the @len-byte Ethernet @frame, with up to two
 * VLAN tags (802.1Q or 802.1ad): over the source and destination address,
 * followed by the source and destination port when the packet is TCP or UDP
 * (IPv4: not a fragment; IPv6: TCP or UDP right after the fixed header, no
 * extension header) and the ports are inside the frame. 0 for a NULL
 * @frame or one that is not IPv4 or IPv6 or too short to hold its IP
 * header. */
GRO_API uint32_t gro_rss_frame(const struct gro_rss *rss, const uint8_t *frame, uint32_t len);

#define GRO_SHARD_MAX	64	/* shards at most */
#define GRO_SHARD_RETA	128	/* entries of the indirection table */

struct gro_shard_config {
	/* Shards: engines, each with a thread. 1 to GRO_SHARD_MAX. Default 2. */
	uint32_t nshards;
	/* The RSS key and its length in bytes, as for gro_rss_create(). Default
	 * NULL: gro_rss_default_key. */
	const uint8_t *rss_key;
	uint32_t rss_key_len;
	/* 1: take gro_frame.rxhash, when it is not 0, as the NIC's Toeplitz
	 * hash of the frame instead of computing it. Default 0. */
	uint32_t use_rxhash;
	/* Frames each shard's queue holds: a power of two from 32. Default
	 * (and 0) 4096. A producer that finds a queue full waits for room. */
	uint32_t ring_size;
	/* 1: the producer runs shard 0's engine itself, inside
	 * gro_shard_receive() and gro_shard_flush(), so that N shards keep N
	 * threads busy counting the caller's (N - 1 are started). Default 0. */
	uint32_t inline_shard0;
	/* Every shard's engine, as for gro_create() (deliver is required).
	 * Default: gro_config_init(). */
	struct gro_config engine;
	/* When not NULL, arrays of nshards hook arguments: shard i's engine
	 * gets deliver_args[i] and release_args[i] instead of
	 * engine.deliver_arg and engine.release_arg. Read only by
	 * gro_shard_create(). Default NULL. */
	void *const *deliver_args;
	void *const *release_args;
};

struct gro_shard;

/* Fill @cfg with the defaults above. */
GRO_API void gro_shard_config_init(struct gro_shard_config *cfg);

/* Create the engines and their queues and start the shard threads. All
 * memory is allocated here. Returns GRO_OK and sets *out; GRO_EINVAL (*out
 * NULL) for NULL arguments, nshards 0 or above GRO_SHARD_MAX, a ring_size
 * that is not 0 or a power of two from 32, an RSS key length out of range,
 * or an engine configuration gro_create() refuses (see gro_config_error());
 * GRO_ENOMEM when memory or a thread cannot be had. */
GRO_API int gro_shard_create(const struct gro_shard_config *cfg, struct gro_shard **out);

/* The shard @fr goes to: its RSS hash (or, with use_rxhash, its rxhash),
 * modulo GRO_SHARD_RETA, through the indirection table. */
GRO_API unsigned gro_shard_of(const struct gro_shard *sh, const struct gro_frame *fr);

/* Offer @n frames, in arrival order, at time @now_ns, as gro_receive()
 * does for one engine: each is queued to its shard (with inline_shard0,
 * shard 0's are received before this returns). Waits while a queue is
 * full. Returns GRO_OK, or GRO_EINVAL for a NULL @sh or frames with n > 0. */
GRO_API int gro_shard_receive(struct gro_shard *sh, struct gro_frame *frames, unsigned n, uint64_t now_ns);

/* Set the indirection table (since 1.3): entry e of @reta (@n must be
 * GRO_SHARD_RETA) names the shard of the frames whose hash is e modulo
 * GRO_SHARD_RETA, as a NIC's RSS table (`ethtool -X`) does for its queues:
 * to give a faster or less busy shard more of the flows. It first waits,
 * as gro_shard_sync() does, and takes effect for the frames offered after
 * it. A flow must stay on the engine that holds it, so the table is only
 * changed while no shard holds a packet: after gro_shard_flush() with
 * GRO_FLUSH_ALL, say. A producer call: gro_shard_of() must not run on
 * another thread meanwhile. Returns GRO_OK; GRO_EINVAL (nothing changed)
 * for a NULL @sh or @reta, @n not GRO_SHARD_RETA or an entry not below
 * nshards; GRO_EBUSY (nothing changed) while a shard holds a packet. */
GRO_API int gro_shard_set_reta(struct gro_shard *sh, const uint8_t *reta, unsigned n);

/* gro_flush(@now_ns, @mode) on every shard, right after the frames offered
 * before this call and before any offered after it: the same flush point
 * as with one engine. Queued, not waited for (except on shard 0 with
 * inline_shard0). Returns GRO_OK, or GRO_EINVAL for a NULL @sh or an
 * unknown mode. */
GRO_API int gro_shard_flush(struct gro_shard *sh, uint64_t now_ns, int mode);

/* Wait until every shard has received and flushed everything offered so
 * far (and delivered what that completed). NULL is accepted. */
GRO_API void gro_shard_sync(struct gro_shard *sh);

/* The sum of every shard's counters (gro_get_stats()). The shards must be
 * idle: call it after gro_shard_sync(). A NULL @sh gives zeros. */
GRO_API void gro_shard_get_stats(const struct gro_shard *sh, struct gro_stats *st);

/* The engine of shard @i, for its own counters or gro_memory(), or NULL if
 * there is no such shard. Use it only while the shards are idle (after
 * gro_shard_sync()), and never destroy it. */
GRO_API struct gro_ctx *gro_shard_engine(const struct gro_shard *sh, unsigned i);

/* Receive and flush everything still queued, stop the threads, then
 * destroy the engines, which completes the packets they still hold
 * (GRO_R_DESTROY) and delivers and releases them on the calling thread.
 * Every frame offered has been released when this returns. NULL is
 * accepted. */
GRO_API void gro_shard_destroy(struct gro_shard *sh);

#ifdef __cplusplus
}
#endif
#endif /* LIBGRO_GRO_H */
