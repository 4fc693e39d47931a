// SPDX-License-Identifier: MIT
/*
 * mkseed: turns captures into fuzz seeds.
 *
 *   mkseed receive IN.pcap OUT [HEADER]   fuzz_receive input: HEADER (16 hex
 *                                         digits, default all zero: Linux's
 *                                         defaults) then the frames, polled
 *                                         as `gro coalesce` polls them
 *   mkseed pcap IN.pcap OUT [SEL]         fuzz_pcap input: the capture with
 *                                         SEL (8 hex digits) in sigfigs
 *   mkseed pcapng IN.pcap OUT             the same frames as pcapng
 *   mkseed synth DIR                      hand-written fuzz_receive seeds
 *   mkseed synthpcap DIR                  fuzz_pcap seeds with tunnels
 *
 * A poll is up to 64 frames within 1000 us of its first, as in the CLI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_format.h"
#include "pktbuild.h"

static FILE *out;

static void put(const void *p, size_t n)
{
	if (fwrite(p, 1, n, out) != n) {
		perror("write");
		exit(1);
	}
}

static void put8(unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(&b, 1);
}

static void put16le(unsigned v)
{
	put8(v & 0xff);
	put8(v >> 8);
}

static void put32le(uint32_t v)
{
	put16le(v & 0xffff);
	put16le(v >> 16);
}

static int hexbytes(const char *s, uint8_t *b, size_t n)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = (uint8_t)v;
	}
	return 0;
}

static void end_poll(uint64_t gap_us)
{
	put8(FZ_OP_RECEIVE);
	put8(0);
	put8(FZ_OP_FLUSH);
	if (gap_us) {
		put8(FZ_OP_TIME);
		put16le(gap_us > 0x7fff ? 0x7fff : (unsigned)gap_us);
	}
}

static int to_receive(const struct pb_list *l, const uint8_t hdr[FZ_HDR_LEN])
{
	uint64_t first = 0;
	size_t i, n = 0;

	put(hdr, FZ_HDR_LEN);
	for (i = 0; i < l->n; i++) {
		if (l->len[i] > 0xffff)
			continue;
		if (n && (n == 64 || l->ts_us[i] - first > 1000)) {
			end_poll(l->ts_us[i] - first);
			n = 0;
		}
		if (!n)
			first = l->ts_us[i];
		put8(FZ_OP_RAW);
		put8(0);
		put16le(l->len[i]);
		put(l->data[i], l->len[i]);
		n++;
	}
	if (n)
		end_poll(0);
	return 0;
}

static void block(uint32_t type, const void *body, uint32_t len)
{
	static const uint8_t zero[4];
	uint32_t pad = (4 - len % 4) % 4, tot = 12 + len + pad;

	put32le(type);
	put32le(tot);
	put(body, len);
	put(zero, pad);
	put32le(tot);
}

static int to_pcapng(const struct pb_list *l)
{
	uint8_t shb[16] = { 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
			    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t idb[8] = { 1, 0, 0, 0, 0, 0, 4, 0 };	/* Ethernet, snaplen 262144 */
	size_t i;

	block(0x0a0d0d0a, shb, sizeof(shb));
	block(1, idb, sizeof(idb));
	for (i = 0; i < l->n; i++) {
		uint8_t *epb = malloc(20 + l->len[i]);
		uint64_t ts = l->ts_us[i];

		if (!epb)
			exit(1);
		memset(epb, 0, 20);
		epb[4] = (uint8_t)(ts >> 32);
		epb[5] = (uint8_t)(ts >> 40);
		epb[6] = (uint8_t)(ts >> 48);
		epb[7] = (uint8_t)(ts >> 56);
		epb[8] = (uint8_t)ts;
		epb[9] = (uint8_t)(ts >> 8);
		epb[10] = (uint8_t)(ts >> 16);
		epb[11] = (uint8_t)(ts >> 24);
		memcpy(epb + 12, &l->len[i], 4);
		memcpy(epb + 16, &l->len[i], 4);
		memcpy(epb + 20, l->data[i], l->len[i]);
		block(6, epb, 20 + l->len[i]);
		free(epb);
	}
	return 0;
}

/* ---- synthetic fuzz_receive seeds: operation sequences that reach what
 * captures of single hosts rarely do (VLAN keys, rxhash, timeouts, pool
 * and size limits, extension headers, misuse). */

static void op_new(unsigned d0, unsigned flow, unsigned flags, unsigned pay, unsigned d5, unsigned d6)
{
	put8(FZ_OP_NEW);
	put8(d0);
	put8(flow);
	put8(flags);
	put16le(pay);
	put8(d5);
	put8(d6);
}

static void op_seg(unsigned m, unsigned pay)
{
	put8(FZ_OP_SEG);
	put8(m);
	put16le(pay);
}

static void op_recv(unsigned dt)
{
	put8(FZ_OP_RECEIVE);
	put8(dt);
}

/* A fresh UDP datagram (op_new's layout; @how: bit 0 no checksum, 1 bad
 * checksum, 2 UDP length off by one, 3 empty). */
static void op_new_udp(unsigned d0, unsigned flow, unsigned how, unsigned pay, unsigned d5, unsigned d6)
{
	put8(FZ_OP_NEW | 0x80);
	put8(d0);
	put8(flow);
	put8(how);
	put16le(pay);
	put8(d5);
	put8(d6);
}

/* A fresh segment inside tunnel @tk (NEW's op bits 4-6; see
 * fuzz_receive.c new_tunnel for @t0 and @t1), TCP or (@udp) UDP. */
static void op_new_tun(unsigned tk, int udp, unsigned d0, unsigned flow, unsigned pay, unsigned t0, unsigned t1)
{
	put8(FZ_OP_NEW | (udp ? 0x80 : 0) | tk << 4);
	put8(d0);
	put8(flow);
	put8(0);
	put16le(pay);
	put8(0);
	put8(0);
	put8(t0);
	put8(t1);
}

/* SEG with byte @xo of the frame xored with @xv (before the fix-ups). */
static void op_seg_xor(unsigned m, unsigned pay, unsigned xo, unsigned xv)
{
	op_seg(m | 0x40, pay);
	put8(xo);
	put8(xv);
}

/* Every tunnel, inner IPv4 and IPv6, outer IPv4 and IPv6: runs of
 * segments ended by a short one; the outer ID stepping and fixed, the
 * inner one fixed; outer checksums set, absent and bad; GRE checksums
 * bad; VXLAN flags and GENEVE's critical bit; a changed VNI or key
 * mid-run; PSH; interleaved tunnelled flows; UDP inside. */
static void tunnel_program(void)
{
	unsigned tk, k, i;

	for (tk = 1; tk <= 7; tk++) {
		for (k = 0; k < 4; k++) {
			unsigned t0 = (k & 2 ? 1 : 0) | (k == 3 ? 0x22 : 0x20), flow = tk * 8 + k;

			op_new_tun(tk, 0, (k & 1) | (k == 3 ? 2 : 0), flow, 1000, t0, 5);
			for (i = 0; i < 6; i++)
				op_seg(i == 3 ? 0x08 : 0, 1000);
			op_seg(0, 300);			/* short: ends the run */
			op_new_tun(tk, 0, k & 1, flow + 100, 500, t0 ^ 0x80, 6);
			op_seg(0x10, 500);		/* bad inner checksum */
			op_seg(0, 500);
			op_seg(1, 500);			/* PSH */
			op_recv(0);
		}
		/* outer checksums: none, bad; a bad GRE checksum; a second
		 * tunnel (another VNI or key) interleaved */
		op_new_tun(tk, 0, 0, 1, 800, 0x00, 9);
		op_seg(0, 800);
		op_new_tun(tk, 0, 0, 2, 800, 0x40, 10);
		op_seg(0, 800);
		op_new_tun(tk, 0, 1, 3, 800, 0x60, 11);
		op_seg(0, 800);
		op_seg(0, 800);
		/* a byte of the tunnel's headers changed mid-run (outer
		 * IPv4: the VNI of VXLAN and GENEVE, GRE's key or inner
		 * MAC, IP in IP's inner source address): a new flow */
		op_new_tun(tk, 0, 0, 5, 700, 0x20, 13);
		op_seg(0, 700);
		op_seg_xor(0, 700, tk <= 2 ? 47 : tk == 3 ? 40 : 47, 1);
		op_seg(0, 700);
		op_new_tun(tk, 1, 0, 4, 600, 0x20, 12);	/* UDP inside */
		op_seg(0, 0);
		op_seg(0, 0);
		op_recv(0);
	}
	put8(FZ_OP_FLUSH);
}

/* The UDP seeds' program, for either UDP mode: runs of equal datagrams
 * ended by a shorter or a longer one, fixed IDs, datagrams that never
 * merge (no checksum, a bad one, a lying length, empty), 8-byte ones,
 * more than 64 tiny ones, extension headers, VLAN tags, flows interleaved
 * and mixed with TCP. */
static void udp_program(void)
{
	unsigned i, k;

	for (k = 0; k < 2; k++) {
		/* equal datagrams, then a shorter one (ends the packet) */
		op_new_udp(k, 1, 0, 1200, 0, 0);
		for (i = 0; i < 5; i++)
			op_seg(0, 0);
		op_seg(0x04, 700);
		/* a longer one ends it and starts the next */
		op_new_udp(k, 2, 0, 500, 0, 0);
		op_seg(0, 0);
		op_seg(0x04, 900);
		op_seg(0, 0);
		/* fixed IPv4 IDs */
		op_new_udp(k, 3, 0, 300, 0, 0);
		for (i = 0; i < 4; i++)
			op_seg(0x08, 0);
		op_recv(0);
		/* never merged: no checksum, a bad one, a lying length, empty */
		op_new_udp(k, 4, 0, 400, 0, 0);
		op_seg(0x01, 0);
		op_seg(0, 0);
		op_seg(0x10, 0);
		op_seg(0, 0);
		op_seg(0x02, 0);
		op_seg(0x20, 0);		/* checksum trusted */
		op_new_udp(k, 4, 8, 0, 0, 0);
		op_new_udp(k, 5, 1, 400, 0, 0);
		op_new_udp(k, 5, 2, 400, 0, 0);
		op_new_udp(k, 5, 4, 400, 0, 0);
		/* one payload byte each, past the 64-datagram cap */
		op_new_udp(k, 6, 0, 1, 0, 0);
		for (i = 0; i < 70; i++)
			op_seg(0, 0);
		op_recv(0);
		/* padded (the UDP length is not the frame's), tagged, extension
		 * headers (IPv6) or options (IPv4) */
		op_new_udp(k, 7, 0, 200, 0x10, 0);
		op_new_udp(k | 2, 8, 0, 600, 0, 3);
		op_seg(0, 0);
		op_seg(0, 0);
		op_new_udp(k, 9, 0, 600, k ? 2 : 4, 0x20);
		op_seg(0, 0);
		op_seg(0, 0);
		/* three flows interleaved, with TCP of the same addresses */
		for (i = 0; i < 3; i++) {
			op_new_udp(k, 10 + i, 0, 1000, 0, 0);
			op_new(k, 10 + i, 0, 1000, 0, 0);
		}
		for (i = 0; i < 9; i++) {
			op_new_udp(k, 10 + i % 3, 0, 1000, 0, 0);
			op_seg(0, 0);
		}
		op_recv(0);
		/* 64 KiB: 8000-byte datagrams (9 do not fit) */
		op_new_udp(k, 13, 0, 8000, 0, 0);
		for (i = 0; i < 9; i++)
			op_seg(0, 0);
		op_recv(0);
		put8(FZ_OP_FLUSH);
	}
}

static void open_seed(const char *dir, const char *name, const char *hdr16)
{
	char path[4096];
	uint8_t hdr[FZ_HDR_LEN];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (out)
		fclose(out);
	out = fopen(path, "wb");
	if (!out || hexbytes(hdr16, hdr, sizeof(hdr))) {
		perror(path);
		exit(1);
	}
	put(hdr, sizeof(hdr));
}

static int synth(const char *dir)
{
	unsigned i, k;

	/* Interleaved VLAN flows (0-3 tags) that differ only in VLAN ID or
	 * source MAC, vlan on, then the same with vlan off. */
	for (k = 0; k < 2; k++) {
		open_seed(dir, k ? "synth-vlan-off" : "synth-vlan-on", k ? "0700000000020000" : "0700000000000000");
		for (i = 0; i < 6; i++) {
			op_new((i % 4) << 1, 1, 0, 500, 0, i & 1 ? 1 : 8);
			op_seg(0, 500);
			op_seg(0, 500);
		}
		/* The next segment, but under another VLAN ID (outer, then
		 * inner tag): another flow. */
		for (i = 1; i < 4; i++) {
			op_new(i << 1, 2, 0, 400, 0, 0);
			op_seg(0x40, 400);
			put8(15);
			put8(1);
			op_seg(0x40, 400);
			put8(19);
			put8(2);
			op_seg(0, 400);
		}
		op_recv(0);
		put8(FZ_OP_FLUSH);
	}
	/* One flow under changing rxhash, then extension-header key bytes. */
	open_seed(dir, "synth-rxhash-exthdr", "0900000000010000");
	op_new(1 << 6, 3, 0, 700, 0, 0);
	op_seg(0, 700);
	op_seg(0x80, 700);
	put8(0x07);	/* the new rxhash byte */
	op_new(1, 4, 0, 600, 2, 0x20);
	op_new(1, 4, 0, 600, 2, 0x40);
	op_seg(0, 600);
	op_seg(0, 600);
	op_recv(10);
	/* Ageing: flows held across polls, flushed by timeouts. */
	open_seed(dir, "synth-timeout", "00000000000019fe");
	for (i = 0; i < 4; i++) {
		op_new(0, i, 0, 1000, 0, 0);
		op_recv(50);
		op_seg(0, 1000);
		op_recv(50);
	}
	put8(FZ_OP_TIMEOUT);
	put16le(60);
	put8(FZ_OP_TIME);
	put16le(0x8000 | 500);
	put8(FZ_OP_TIMEOUT);
	put16le(1);
	/* A pool of 8 frames for 4 flows, max_segs 3, a batch of 1. */
	open_seed(dir, "synth-pool-limits", "0403000082050000");
	for (i = 0; i < 12; i++) {
		op_new(0, i % 5, 0, 300, 0, 0);
		op_seg(0, 300);
		op_seg(i & 1 ? 1 : 0, 300);
	}
	op_recv(0);
	/* 64 KiB exactly: 1448-byte segments up to max_size, IPv4 and IPv6. */
	open_seed(dir, "synth-64k", "0000000000000001");
	for (k = 0; k < 2; k++) {
		op_new(k, 7, 0, 1448, 0, 0);
		for (i = 0; i < 44; i++)
			op_seg(0, 1448);
		op_seg(0, k ? 315 : 335);	/* 65535 after Ethernet */
		op_seg(0, 1);
		op_recv(0);
		/* and one byte more, in one burst */
		op_new(k, 8, 0, 1448, 0, 0);
		for (i = 0; i < 44; i++)
			op_seg(0, 1448);
		op_seg(0, k ? 316 : 336);
		op_recv(0);
	}
	/* One header field changed in the next segment of a flow, each
	 * field in turn (checksums fixed): IPv4 TOS, DF, MF, fragment offset,
	 * TTL, protocol, addresses; TCP ports, ACK, data offset, flags,
	 * window, urgent pointer; IPv6 traffic class, flow label, hop limit. */
	{
		static const uint8_t v4[][2] = {
			{ 15, 4 }, { 20, 0x40 }, { 20, 0x20 }, { 21, 1 }, { 22, 1 }, { 23, 0x11 },
			{ 29, 1 }, { 33, 1 }, { 35, 1 }, { 37, 1 }, { 45, 1 }, { 46, 0x10 },
			{ 47, 0x20 }, { 47, 0x80 }, { 47, 0x40 }, { 49, 1 }, { 53, 1 },
		};
		static const uint8_t v6[][2] = {
			{ 14, 1 }, { 15, 0x10 }, { 16, 1 }, { 21, 1 }, { 20, 0x11 }, { 37, 1 },
			{ 14, 0x20 },
		};

		open_seed(dir, "synth-fields", "0100000000000000");
		for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
			op_new(0, 9, 0, 300, 0, 0);
			op_seg(0x40, 300);
			put8(v4[i][0]);
			put8(v4[i][1]);
			op_seg(0, 300);
		}
		for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
			op_new(1, 9, 0, 300, 0, 0);
			op_seg(0x40, 300);
			put8(v6[i][0]);
			put8(v6[i][1]);
			op_seg(0, 300);
		}
		op_recv(0);
	}
	/* Runs of plain segments in one burst (the engine's fast path for a
	 * flow's continuation): the next segment changes one field (ACK,
	 * CWR, TCP option bytes, TTL/hop limit, TOS, DF, flow label, an
	 * extension header byte), or is padded, or has a bad IP header
	 * checksum; then a normal segment. */
	{
		static const uint8_t v4[][2] = {
			{ 42, 1 }, { 45, 1 }, { 47, 0x80 }, { 54, 1 }, { 55, 1 }, { 56, 1 }, { 57, 1 },
			{ 60, 1 }, { 64, 1 }, { 22, 1 }, { 15, 4 }, { 20, 0x40 }, { 46, 0x10 }, { 48, 1 },
		};
		static const uint8_t v6[][2] = {
			{ 62, 1 }, { 67, 0x80 }, { 74, 1 }, { 75, 1 }, { 76, 1 }, { 77, 1 }, { 80, 1 },
			{ 21, 1 }, { 15, 0x10 }, { 16, 1 }, { 17, 1 }, { 66, 0x10 },
		};
		struct pb_frame f;
		uint8_t fb[2048];
		size_t n;

		open_seed(dir, "synth-fastpath", "0000000000000000");
		for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
			op_new(8, 20 + i, 0, 500, v4[i][0] == 47 ? 0x20 : 0, 0);
			op_seg(0, 500);
			op_seg(0x40, 500);
			put8(v4[i][0]);
			put8(v4[i][1]);
			op_seg(0, 500);
		}
		for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
			op_new(9, 40 + i, 0, 500, v6[i][0] == 67 ? 0x20 : 0, 0);
			op_seg(0, 500);
			op_seg(0x40, 500);
			put8(v6[i][0]);
			put8(v6[i][1]);
			op_seg(0, 500);
		}
		/* IPv6 with a Hop-by-Hop header: its option bytes change. */
		for (i = 0; i < 2; i++) {
			op_new(1, 60 + i, 0, 500, 1, 0);
			op_seg(0, 500);
			op_seg(0x40, 500);
			put8(58 + i);
			put8(1);
			op_seg(0, 500);
		}
		/* Padded, and bad IPv4 header checksum, continuations. */
		for (k = 0; k < 4; k++) {
			pb_init(&f, k & 1);
			pb_tcp_opt_timestamp(&f, 7, 8);
			f.sport = (uint16_t)(7000 + k);
			f.payload_len = 500;
			n = pb_build(&f, fb, sizeof(fb));
			put8(FZ_OP_RAW);
			put8(0);
			put16le((unsigned)n);
			put(fb, n);
			op_seg(0, 500);	/* the flow is found: the next frame takes the fast path */
			f.seq += 1000;
			f.ip_id += 2;
			if (k < 2) {	/* shorter than the mss: padding must not pass for payload */
				f.pad = 4;
				f.payload_len = 400;
			} else {
				f.bad_ip_csum = 1;
			}
			n = pb_build(&f, fb, sizeof(fb));
			put8(FZ_OP_RAW);
			put8(FZ_RAW_CSUM_OK);	/* only the lengths can tell */
			put16le((unsigned)n);
			put(fb, n);
			op_seg(0, 500);
		}
		op_recv(0);
	}
	/* UDP GRO, L4 then fraglist (header [0] bits 4-5). */
	open_seed(dir, "synth-udp-l4", "1000000000000001");
	udp_program();
	open_seed(dir, "synth-udp-fraglist", "2000000000000001");
	udp_program();
	/* the same with checksums trusted, one bucket of 8, max_segs 4 */
	open_seed(dir, "synth-udp-trust", "1700000083010000");
	udp_program();
	/* TCP fraglist (bit 6): runs with PSH in the middle, a flag change,
	 * more than 64 segments, 64 KiB counting headers; and UDP lists. */
	open_seed(dir, "synth-tcp-fraglist", "6000000000000001");
	for (k = 0; k < 2; k++) {
		op_new(k, 1, 0, 1000, 0, 0);
		op_seg(0, 1000);
		op_seg(1, 1000);		/* PSH: goes up alone */
		op_seg(0, 1000);
		op_seg(0, 1000);
		op_new(k, 2, 0, 100, 0, 0);
		for (i = 0; i < 70; i++)
			op_seg(0, 100);
		op_recv(0);
		op_new(k | 8, 3, 0, 1448, 0, 0);
		for (i = 0; i < 46; i++)
			op_seg(0, 1448);
		op_seg(0, 500);
		op_new(k, 4, 0, 700, 0, 0);
		op_seg(0x08, 700);		/* fixed ID */
		op_seg(0x08, 700);
		op_seg(2, 300);			/* FIN */
		op_new_udp(k, 5, 0, 900, 0, 0);
		op_seg(0, 0);
		op_seg(0, 0);
		op_recv(0);
	}
	/* BIG TCP (bit 7): max_size GRO_MAX_SIZE; jumbo segments over IPv4
	 * (grows past 64 KiB: tot_len 0), IPv6 and tagged IPv4 (stop there),
	 * UDP (stops there). */
	open_seed(dir, "synth-bigtcp", "9000000000000001");
	for (k = 0; k < 3; k++) {
		op_new(k == 1 ? 1 : k == 2 ? 2 : 0, 1 + k, 0, 8948, 0, 0);
		for (i = 0; i < 62; i++)
			op_seg(0, 8948);
		op_seg(0, 1000);
		op_recv(0);
	}
	op_new_udp(0, 7, 0, 8000, 0, 0);
	for (i = 0; i < 10; i++)
		op_seg(0, 0);
	op_recv(0);
	/* ipv4_max_size 65536 + 0x4000 * 257 mod (GRO_MAX_SIZE - 65535)
	 * above a max_size of 65535 - ..., with a timestamp option */
	open_seed(dir, "synth-bigtcp-v4max", "8000004000000001");
	for (k = 0; k < 2; k++) {
		op_new(k | 8, 1 + k, 0, 8900, 0, 0);
		for (i = 0; i < 40; i++)
			op_seg(0, 8900);
		op_recv(0);
	}
	/* Tunnels (always configured: VXLAN 4789, GENEVE 6081): Linux's
	 * defaults; UDP GRO on, checksums trusted; TCP fraglist; VLAN
	 * off, 2 flows, max_segs 4, batch 3. */
	open_seed(dir, "synth-tunnels", "0000000000000001");
	tunnel_program();
	open_seed(dir, "synth-tunnels-udp-trust", "1000000000010001");
	tunnel_program();
	open_seed(dir, "synth-tunnels-fraglist", "6000000000000001");
	tunnel_program();
	open_seed(dir, "synth-tunnels-small", "02000000830e0003");
	tunnel_program();
	/* Misuse between real work, NULL and empty frames, a 2-byte flag mix. */
	open_seed(dir, "synth-misuse", "0500000000000000");
	op_new(0, 1, 0, 100, 0, 0);
	for (i = 0; i < 4; i++) {
		put8(FZ_OP_MISUSE);
		put8(i);
	}
	put8(FZ_OP_RAW);
	put8(0x10);
	put16le(60);
	put8(FZ_OP_RAW);
	put8(0);
	put16le(0);
	op_seg(0x21, 100);
	op_new(0, 1, 0x12, 0, 0x20, 0);
	op_recv(0);
	put8(FZ_OP_MISUSE);
	put8(3);
	fclose(out);
	out = NULL;
	return 0;
}

/* fuzz_pcap seeds with tunnels (the harness always configures VXLAN 4789
 * and GENEVE 6081): IP in IPv4 and IPv6, GRE with key and checksum, GRE
 * TEB, VXLAN and GENEVE, inner IPv4 and IPv6, runs ended short, two
 * flows interleaved; as pcap under two selectors (the first writes
 * pcapng, which segment cuts back) and as pcapng. */
static int synth_pcap(const char *dir)
{
	static const char *const sels[2] = { "00400000", "08250a00" };
	struct pb_list l;
	char path[4096];
	unsigned tk, k, i;
	int rc = 0;

	memset(&l, 0, sizeof(l));
	for (tk = 0; tk < 6; tk++)
		for (k = 0; k < 2; k++) {
			struct pb_frame f[2];
			unsigned j;

			for (j = 0; j < 2; j++) {
				struct pb_tunnel *t;

				pb_init(&f[j], (int)k);
				f[j].sport = (uint16_t)(3000 + tk * 4 + k * 2 + j);
				f[j].payload_len = 100;
				t = pb_tun_push(&f[j], tk == 1 || (tk >= 2 && (int)j), tk == 2 || tk == 3);
				if (!t)
					return 1;
				if (tk == 2)
					t->gre_bits = 0xa000;	/* checksum and key */
				if (tk == 3) {
					t->gre_bits = 0x2000;
					t->gre_eth = 1;
				}
				if (tk == 4 || tk == 5) {
					t->udp_tun = tk == 4 ? PB_TUN_VXLAN : PB_TUN_GENEVE;
					t->udp_csum = (int)j;
					t->gnv_eth = 1;
					t->gnv_opts_len = 4;
					t->gnv_opts[2] = 0x80;
				}
			}
			for (i = 0; i < 5; i++)
				for (j = 0; j < 2; j++) {
					if (i == 4)
						f[j].payload_len = 40;
					pb_list_add_frame(&l, &f[j]);
					f[j].seq += f[j].payload_len;
					f[j].ip_id++;
					f[j].tun[0].ip_id++;
				}
		}
	snprintf(path, sizeof(path), "%s/synth-tunnels.tmp", dir);
	if (pb_pcap_write(path, &l))
		return 1;
	for (k = 0; k < 2 && !rc; k++) {
		FILE *in = fopen(path, "rb");
		uint8_t buf[65536], sel[4];
		size_t n, first = 1;
		char name[4096];

		snprintf(name, sizeof(name), "%s/synth-tunnels-%s.pcap", dir, sels[k]);
		out = fopen(name, "wb");
		if (!in || !out || hexbytes(sels[k], sel, sizeof(sel))) {
			perror(name);
			return 1;
		}
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
			if (first && n >= 16)
				memcpy(buf + 12, sel, 4);
			first = 0;
			put(buf, n);
		}
		fclose(in);
		rc = fclose(out) != 0;
	}
	snprintf(path, sizeof(path), "%s/synth-tunnels.pcapng", dir);
	out = fopen(path, "wb");
	if (!out)
		return 1;
	rc |= to_pcapng(&l);
	rc |= fclose(out) != 0;
	out = NULL;
	snprintf(path, sizeof(path), "%s/synth-tunnels.tmp", dir);
	unlink(path);
	pb_list_free(&l);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: mkseed receive IN.pcap OUT [HEADER16HEX]\n"
			"       mkseed pcap IN.pcap OUT [SEL8HEX]\n"
			"       mkseed pcapng IN.pcap OUT\n"
			"       mkseed synth DIR\n"
			"       mkseed synthpcap DIR\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct pb_list l;
	int rc;

	if (argc == 3 && !strcmp(argv[1], "synth"))
		return synth(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "synthpcap"))
		return synth_pcap(argv[2]);
	if (argc < 4 || argc > 5)
		return usage();
	memset(&l, 0, sizeof(l));
	if (pb_pcap_read(argv[2], &l))
		return 1;
	out = fopen(argv[3], "wb");
	if (!out) {
		perror(argv[3]);
		return 1;
	}
	if (!strcmp(argv[1], "receive")) {
		uint8_t hdr[FZ_HDR_LEN] = { 0 };

		if (argc == 5 && hexbytes(argv[4], hdr, sizeof(hdr)))
			return usage();
		rc = to_receive(&l, hdr);
	} else if (!strcmp(argv[1], "pcap")) {
		uint8_t sel[4] = { 0 };
		FILE *in = fopen(argv[2], "rb");
		uint8_t buf[65536];
		size_t n, first = 1;

		if ((argc == 5 && hexbytes(argv[4], sel, sizeof(sel))) || !in)
			return usage();
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
			if (first && n >= 16)
				memcpy(buf + 12, sel, 4);
			first = 0;
			put(buf, n);
		}
		fclose(in);
		rc = 0;
	} else if (!strcmp(argv[1], "pcapng") && argc == 4) {
		rc = to_pcapng(&l);
	} else {
		return usage();
	}
	pb_list_free(&l);
	if (fclose(out)) {
		perror(argv[3]);
		return 1;
	}
	return rc;
}
