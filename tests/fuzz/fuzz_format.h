/* SPDX-License-Identifier: MIT */
/*
 * The input format of fuzz_receive: an 8-byte configuration selector, then
 * a sequence of operations. Every byte string is a valid input: missing
 * bytes read as zero, out-of-range values are reduced into range.
 *
 * Header (8 bytes):
 *   [0] low 4 bits: (max_flows, buckets) from a table of 16 shapes;
 *       bits 4-5: UDP GRO (0 off, 1 and 3 GRO_UDP_L4, 2 GRO_UDP_FRAGLIST);
 *       bit 6: TCP fraglist; bit 7: BIG TCP (with [2..3] 0: max_size
 *       GRO_MAX_SIZE; else ipv4_max_size = 65536 + ([2..3] * 257) mod
 *       (GRO_MAX_SIZE - 65535), above the max_size [2..3] gives)
 *   [1] max_held_frames: 0 = 46 x max_flows, 0xff = automatic, else
 *       max_flows + 2 * ([1] - 1)
 *   [2..3] max_size selector (little endian), 0 = 65535
 *   [4] max_segs: < 128 means none, else [4] - 127
 *   [5] bit 0: csum TRUST; bit 1: vlan off; bits 2-7: batch (0 = 64)
 *   [6] flush_timeout_ns = [6] * 4000
 *   [7] bit 0: flush everything before gro_destroy; bits 1-7: hash seed;
 *       bits 1 and 2 both set: a pull-only engine, driven by the pull
 *       calls with max_out = bits 3-7 (0-31)
 * Always: UDP tunnel ports VXLAN 4789 and GENEVE 6081 (gro_config.tunnels;
 * a UDP datagram to either is a tunnel whatever [0] says of UDP GRO).
 *
 * Operations (the low 4 bits of the op byte pick one):
 *   RAW     0-4, 15   fl [rx...] [exp: p16 r8 k16] len16 bytes...
 *                     fl bits 0-1 rxhash (0, last one, 1 byte x 0x01010101,
 *                     4 bytes); 2 GRO_FRAME_CSUM_OK; 3 fix lengths and
 *                     checksums; 4 data NULL (len kept, no bytes read);
 *                     5 expand: bytes [p, p+r) repeated k times in place
 *   SEG     5-7       m len16: the next segment of the last frame's flow
 *                     (through its tunnel, if any: the outer IPv4 ID steps
 *                     unless its NEW fixed it; outer lengths, GRE and set
 *                     outer UDP checksums follow),
 *                     len payload bytes (mod 9001); m bits 0 PSH, 1 FIN,
 *                     2 retransmit (same seq), 3 same IP ID, 4 bad TCP
 *                     checksum, 5 GRO_FRAME_CSUM_OK, 6 xor byte (2 bytes
 *                     follow: offset, value), 7 new rxhash byte follows.
 *                     After a UDP frame, the next datagram of its flow:
 *                     bits 0 no checksum, 1 UDP length off by one, 2 len
 *                     bytes (else the last one's size), 3-7 as for TCP
 *   NEW     8         d0..d6: a fresh segment from a compact description
 *                     (see fuzz_receive.c); op bit 7: a UDP datagram;
 *                     op bits 4-6: a tunnel around it (0 none, 1 IP in
 *                     IPv4, 2 IP in IPv6, 3 GRE, 4 GRE with key and
 *                     checksum, 5 GRE TEB with a key, 6 VXLAN, 7 GENEVE
 *                     with options), then t0 t1: outer family, IPv4 ID
 *                     fixed in later SEGs, DF, TTL/TOS, outer UDP checksum
 *                     none/set/bad, GRE flags and bad checksum, VXLAN
 *                     flags, GENEVE critical bit; VNI, key, options
 *                     (fuzz_receive.c new_tunnel)
 *   RECEIVE 9, 10     dt: offer the queued frames, then now += dt us
 *   FLUSH   11        gro_flush(GRO_FLUSH_ALL)
 *   TIMEOUT 12        dt16: now += dt us, gro_flush(GRO_FLUSH_TIMEOUT)
 *   TIME    13        dt16: now += dt us (bit 15: go back instead)
 *   MISUSE  14        k: calls that must be refused (gck_misuse)
 * At the end, queued frames are offered, then the engine is destroyed.
 */
#ifndef FUZZ_FORMAT_H
#define FUZZ_FORMAT_H

#define FZ_HDR_LEN	8
#define FZ_OP_RAW	0x00
#define FZ_OP_SEG	0x05
#define FZ_OP_NEW	0x08
#define FZ_OP_RECEIVE	0x09
#define FZ_OP_FLUSH	0x0b
#define FZ_OP_TIMEOUT	0x0c
#define FZ_OP_TIME	0x0d
#define FZ_OP_MISUSE	0x0e

#define FZ_RAW_CSUM_OK	0x04
#define FZ_RAW_FIXUP	0x08
#define FZ_RAW_NULL	0x10
#define FZ_RAW_EXPAND	0x20

#endif
