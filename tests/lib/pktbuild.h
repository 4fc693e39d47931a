/* Packet builder for tests: describe an Ethernet/VLAN/IPv4|IPv6/TCP|UDP frame
 * in a plain struct, turn it into wire bytes, and keep lists of frames that
 * can be written to and read from pcap files.
 *
 * The checksum code here is deliberately self-contained so that tests never
 * validate the library under test with its own arithmetic.
 */
#ifndef PKTBUILD_H
#define PKTBUILD_H

#include <stddef.h>
#include <stdint.h>

/* TCP flag bits as they appear in byte 13 of the TCP header. */
#define PB_FIN 0x01
#define PB_SYN 0x02
#define PB_RST 0x04
#define PB_PSH 0x08
#define PB_ACK 0x10
#define PB_URG 0x20
#define PB_ECE 0x40
#define PB_CWR 0x80

/* IPv6 extension header types understood by pb_ext_add(). */
#define PB_EXT_HOP    0
#define PB_EXT_ROUTE  43
#define PB_EXT_FRAG   44
#define PB_EXT_DEST   60

#define PB_MAX_VLAN 4

/* Tunnels: the bits of the first 16-bit GRE word (RFC 2784/2890). The
 * builder lays out the optional fields the C, R, K and S bits call for;
 * the version is the low 3 bits. */
#define PB_GRE_C   0x8000                   /* checksum (+ reserved1) present */
#define PB_GRE_R   0x4000                   /* routing: checksum/offset present */
#define PB_GRE_K   0x2000                   /* key present */
#define PB_GRE_S   0x1000                   /* sequence number present */
#define PB_GRE_VER 0x0007
#define PB_MAX_TUN 3

/* One encapsulation layer: an outer IPv4 or IPv6 header, optionally with a
 * GRE header after it (and an Ethernet header after that for GRE protocol
 * 0x6558). What follows it is the next layer, or the frame's own IP
 * header. pb_tun_init() gives usable defaults. All values host order. */
struct pb_tunnel {
	int      ipv6;                      /* outer family */
	uint8_t  saddr[16], daddr[16];
	int      proto;                     /* 0: 4 or 41 (IP in IP, by what follows)
	                                     * or 47 with `gre`; else sent as is */
	/* IPv4 */
	uint8_t  tos, ttl;
	uint16_t ip_id;
	int      df;
	uint16_t frag;                      /* MF (0x2000) | offset in 8-byte units */
	uint8_t  ip_opts[40];
	int      ip_opts_len;               /* zero-padded (EOL) to a multiple of 4 */
	int      bad_ip_csum;
	/* IPv6 */
	uint8_t  tclass;
	uint32_t flowlabel;
	uint8_t  hop_limit;
	uint8_t  ext[64];                   /* extension headers, see pb_tun_ext_add() */
	int      ext_len;
	uint8_t  ext_first_nh;
	int      tot_len_delta;             /* tot_len / payload_len lie by this */

	/* GRE */
	int      gre;                       /* a GRE header follows the IP header */
	uint16_t gre_bits;                  /* PB_GRE_* flags and version */
	uint16_t gre_proto;                 /* 0: 0x0800/0x86DD by what follows, or
	                                     * 0x6558 with gre_eth */
	uint32_t gre_key, gre_seq;
	int      bad_gre_csum;              /* store (correct + 1) with PB_GRE_C */
	int      gre_eth;                   /* an Ethernet header after GRE (TEB) */
	uint8_t  eth_dst[6], eth_src[6];    /* its MACs (GRE TEB, VXLAN, GENEVE) */

	/* UDP tunnel, instead of GRE: a UDP header (protocol 17), then a
	 * VXLAN header and an Ethernet header, or a GENEVE header and, with
	 * gnv_eth, an Ethernet header. */
	int      udp_tun;                   /* PB_TUN_VXLAN, PB_TUN_GENEVE, 0: none */
	uint16_t udp_sport, udp_dport;      /* dport 0: 4789 / 6081 by kind */
	int      udp_csum;                  /* fill the outer UDP checksum (0: send 0) */
	int      bad_udp_csum;              /* store (correct + 1) there */
	int      udp_len_delta;             /* the UDP length field lies by this (the
	                                     * checksum, over the real length's pseudo
	                                     * header, covers the lie) */
	int      udp_len_late;              /* ... written after the checksum, which
	                                     * then no longer holds */
	uint32_t vx_flags;                  /* VXLAN's first word; pb_tun_init: 0x08000000 */
	uint32_t vni;                       /* VXLAN VNI / GENEVE VNI (24 bits) */
	uint8_t  vni_low;                   /* the byte after the VNI (reserved) */
	uint8_t  gnv_ver, gnv_oam, gnv_crit;/* GENEVE: version, O and C bits */
	uint16_t gnv_proto;                 /* 0: 0x6558 with gnv_eth, else by what follows */
	int      gnv_eth;
	uint8_t  gnv_opts[64];              /* options, a multiple of 4 bytes */
	int      gnv_opts_len;
};

#define PB_TUN_VXLAN  1
#define PB_TUN_GENEVE 2

/* One frame. pb_init() fills every field with a usable default; change only
 * what a test cares about. All multi-byte values are host order. */
struct pb_frame {
	uint8_t  dst_mac[6], src_mac[6];
	int      nvlan;                     /* 0..4 stacked tags, outermost first */
	uint16_t vlan_tpid[PB_MAX_VLAN];    /* 0x8100 or 0x88a8 */
	uint16_t vlan_tci[PB_MAX_VLAN];     /* PCP/DEI/VID as on the wire */
	uint16_t ethertype;                 /* 0: IPv4/IPv6 per `ipv6`; anything else: a
	                                     * non-IP frame whose body is `payload` */
	int      ipv6;                      /* 0 = IPv4, 1 = IPv6 */
	uint8_t  saddr[16], daddr[16];      /* IPv4 uses the first 4 bytes */

	/* IPv4 */
	uint8_t  tos, ttl;
	uint16_t ip_id;
	int      df;                        /* DF bit */
	uint16_t frag;                      /* MF bit (0x2000) | offset in 8-byte units */
	uint8_t  ip_opts[40];
	int      ip_opts_len;               /* zero-padded (EOL) to a multiple of 4 */

	/* IPv6 */
	uint8_t  tclass;
	uint32_t flowlabel;                 /* low 20 bits */
	uint8_t  hop_limit;
	uint8_t  ext[256];                  /* raw extension header chain */
	int      ext_len;
	uint8_t  ext_first_nh;              /* type of the first header in ext[] */
	int      ext_raw;                   /* 0: the builder sets the last extension
	                                     * header's next-header to the L4 protocol */

	/* TCP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t  flags;                     /* PB_* bits */
	uint16_t window, urg_ptr;
	uint8_t  tcp_opts[40];
	int      tcp_opts_len;              /* zero-padded (EOL) to a multiple of 4 */
	const uint8_t *payload;             /* NULL: pb_pattern() bytes keyed by seq */
	uint32_t payload_len;

	/* perturbations */
	int      bad_ip_csum;               /* store (correct + 1) in the IPv4 checksum */
	int      bad_tcp_csum;              /* same for the L4 checksum */
	uint32_t pad;                       /* zero bytes after the IP packet */
	int      tot_len_delta;             /* IPv4 tot_len / IPv6 payload_len lie by this */
	int      ip_proto;                  /* 0 = TCP; else this protocol number and
	                                     * `payload` is the whole L4 part (UDP, ICMP and
	                                     * ICMPv6 get their checksum filled in if the
	                                     * payload is long enough to hold it) */

	/* UDP: with `udp` set the frame is UDP (protocol 17) with an 8-byte
	 * header built from sport/dport and `payload` after it (NULL payload:
	 * pb_pattern() bytes keyed by seq); TCP fields are ignored and
	 * bad_tcp_csum spoils the UDP checksum. */
	int      udp;
	int      udp_csum_zero;             /* send 0: "no checksum" */
	int      udp_len_delta;             /* UDP length field lies by this */

	/* Encapsulation, outermost first: with ntun > 0 the Ethernet header
	 * carries tun[0]'s family and the IP header described above comes
	 * after the last layer. 0 (pb_init's default): a plain frame. */
	int      ntun;
	struct pb_tunnel tun[PB_MAX_TUN];
};

/* Where the layers of a built frame start; filled by pb_layout(). */
struct pb_offsets {
	size_t outer;       /* first IP header after the link layer (= l3 untunnelled) */
	size_t tun_l3[PB_MAX_TUN];  /* each tunnel layer's IP header */
	size_t tun_l4[PB_MAX_TUN];  /* what follows it (GRE header or next IP) */
	size_t l3;          /* the frame's own (innermost) IP header (or non-IP body) */
	size_t l4;          /* TCP/UDP header or raw L4 bytes */
	size_t payload;     /* TCP/UDP payload */
	size_t ip_len;      /* real length of the IP packet (before any lie) */
	size_t len;         /* whole frame, padding included */
};

/* Fill *f with defaults: MACs 02:00:00:00:00:02 -> 02:00:00:00:00:01,
 * 10.0.0.1 -> 10.0.0.2 or fd00::1 -> fd00::2, ports 4000 -> 5000, seq 1000,
 * ack 1, ACK flag, window 1024, TTL/hop limit 64, DF set, IP ID 0, no payload. */
void pb_init(struct pb_frame *f, int ipv6);

/* Fill *t with defaults for an outer header of family ipv6: 192.0.2.1 ->
 * 192.0.2.2 or 2001:db8::1 -> 2001:db8::2, TTL/hop limit 64, DF set, ID 0,
 * IP in IP (no GRE); GRE fields, when `gre` is set: no flags, version 0,
 * protocol by what follows, inner MACs 02:00:00:00:01:02 -> :01:01. */
void pb_tun_init(struct pb_tunnel *t, int ipv6);

/* Append a layer (outermost first) to f; returns it, or NULL if full. The
 * layer is pb_tun_init(ipv6) with `gre` set as asked. */
struct pb_tunnel *pb_tun_push(struct pb_frame *f, int ipv6, int gre);

/* pb_ext_add() for an IPv6 tunnel layer's extension headers (64 bytes). */
void pb_tun_ext_add(struct pb_tunnel *t, uint8_t type, const uint8_t *body, int body_len);

/* Length of the GRE header t describes (0 without `gre`). */
size_t pb_gre_len(const struct pb_tunnel *t);

/* Bytes between tunnel layer t's IP header and the next IP header: GRE,
 * UDP + VXLAN/GENEVE, and an inner Ethernet header (0 for IP in IP). */
size_t pb_tun_hdr_len(const struct pb_tunnel *t);

/* Compute the offsets and length pb_build() would produce for *f.
 * Returns the frame length, or 0 if the description is invalid. */
size_t pb_layout(const struct pb_frame *f, struct pb_offsets *o);

/* Write the frame into buf. Returns its length, or 0 if it does not fit in
 * cap or the description is invalid. IPv4 header and L4 checksums are correct
 * unless bad_ip_csum/bad_tcp_csum ask otherwise. */
size_t pb_build(const struct pb_frame *f, uint8_t *buf, size_t cap);

/* The default payload byte at TCP sequence number seq; retransmits and
 * merged segments therefore carry consistent stream bytes. */
uint8_t pb_pattern(uint32_t seq);

/* Set the TCP options to NOP NOP Timestamp(tsval, tsecr), the usual Linux layout. */
void pb_tcp_opt_timestamp(struct pb_frame *f, uint32_t tsval, uint32_t tsecr);

/* Append an IPv6 extension header of the given type to f->ext and chain the
 * previous next-header field (or ext_first_nh) to it. Hop-by-hop/Dest-opts/
 * Routing bodies are padded to 8 bytes (PadN/Pad1 for option headers); a
 * Fragment header takes up to 6 body bytes (offset/flags, identification).
 * A NULL body means zero bytes. Does nothing if the chain would not fit. */
void pb_ext_add(struct pb_frame *f, uint8_t type, const uint8_t *body, int body_len);

/* Internet checksum helpers: add bytes to a 32-bit running sum (big-endian
 * 16-bit words, odd trailing byte padded), then fold and complement. */
uint32_t pb_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t pb_csum_fold(uint32_t sum);

/* A growable list of frames with pcap timestamps in microseconds. A zeroed
 * struct is an empty list. Frames are stamped 1 us apart from 0 unless
 * pb_list_gap() inserts a pause. */
struct pb_list {
	uint8_t **data;
	uint32_t *len;
	uint64_t *ts_us;
	size_t    n, cap;
	uint64_t  next_ts_us;     /* timestamp the next added frame gets */
};

/* Append a copy of a frame (aborts on out-of-memory). */
void pb_list_add(struct pb_list *l, const uint8_t *frame, size_t len);
/* Build *f and append it; aborts if the description is invalid. */
void pb_list_add_frame(struct pb_list *l, const struct pb_frame *f);
/* Leave a pause of usec microseconds before the next frame (e.g. to mark a
 * point where a receiver would flush). */
void pb_list_gap(struct pb_list *l, uint64_t usec);
/* Free all frames and reset the list to empty. */
void pb_list_free(struct pb_list *l);

/* Write the list to a DLT_EN10MB pcap file (libpcap writes its headers in
 * host byte order). Returns 0, or -1 with a message on stderr. */
int pb_pcap_write(const char *path, const struct pb_list *l);
/* Append every frame of an Ethernet pcap file to the list (with timestamps).
 * Returns 0, or -1 with a message on stderr. */
int pb_pcap_read(const char *path, struct pb_list *l);

#endif
