// SPDX-License-Identifier: MIT
/*
 * bigcap: a large capture for timing `gro coalesce` against other capture
 * tools (bench/tool_bench.sh). Deterministic for a given size:
 *
 *	bigcap [-F pcap|pcapng] [-m MIB] OUT	(OUT "-": standard output)
 *
 * What a receiver's tap on a 10 Gb/s link might see: Ethernet, bulk TCP
 * (timestamps option, MSS 1448 over IPv4, 1428 over IPv6) from 1024 flows,
 * half of them IPv6, a few at a time, each sending trains of 8 to 64
 * segments that end short with PSH, interleaved a few segments at a time,
 * with the receiver's pure ACKs coming back. Among them, what GRO passes
 * through: UDP (DNS-sized), ICMP echo, ARP, and now and then a segment
 * with a bad TCP checksum. Timestamps advance at line rate (microseconds).
 *
 * Plain C and stdio, no libgro: the capture must not depend on the code
 * it measures.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NFLOWS		1024
#define NACTIVE		6	/* flows sending at a time: fits Linux's 8 held */
#define SNAPLEN		262144
#define TCP_HLEN	32	/* 20 + NOP NOP Timestamp */
#define PAYLOAD_POOL	(1u << 17)

struct flow {
	int ipv6;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport, ip_id, ack_ip_id;
	uint32_t seq, ack;
	uint32_t left;		/* segments left in the current train */
	uint32_t since_ack;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* xorshift64*: the same capture on every run. */
static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

static uint8_t pool[PAYLOAD_POOL + 2048];
static uint8_t frame[2048];
static FILE *out;
static int pcapng;
static uint64_t now_ns = 1764806400ull * 1000000000u;	/* 2025-12-04 */
static uint64_t nbytes, nrec;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

/* Ones'-complement sum in native word order (RFC 1071: the folded sum,
 * stored natively, is the right checksum whatever the byte order). */
static uint64_t sum_add(uint64_t s, const uint8_t *p, size_t n)
{
	uint32_t w;

	for (; n >= 4; p += 4, n -= 4) {
		memcpy(&w, p, 4);
		s += w;
	}
	if (n) {
		uint8_t t[4] = { 0 };

		memcpy(t, p, n);
		memcpy(&w, t, 4);
		s += w;
	}
	return s;
}

static uint16_t sum_fold(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put_bytes(const void *p, size_t n)
{
	if (fwrite(p, 1, n, out) != n) {
		perror("bigcap: write");
		exit(1);
	}
}

static void le32(uint32_t v) { put_bytes(&v, 4); }

static void emit(const uint8_t *f, uint32_t len)
{
	uint64_t us = now_ns / 1000;

	if (!pcapng) {
		le32((uint32_t)(us / 1000000));
		le32((uint32_t)(us % 1000000));
		le32(len);
		le32(len);
		put_bytes(f, len);
		nbytes += 16 + len;
	} else {
		static const uint8_t zero[4];
		uint32_t pad = (4 - len % 4) % 4, total = 32 + len + pad;

		le32(6);		/* Enhanced Packet Block */
		le32(total);
		le32(0);
		le32((uint32_t)(us >> 32));
		le32((uint32_t)us);
		le32(len);
		le32(len);
		put_bytes(f, len);
		put_bytes(zero, pad);
		le32(total);
		nbytes += total;
	}
	nrec++;
	/* 10 Gb/s: 0.8 ns a byte, with preamble and gap. */
	now_ns += (uint64_t)(len + 24) * 8 / 10;
}

static void eth(uint8_t *f, int to_rx, uint16_t type)
{
	static const uint8_t rx[6] = { 0x02, 0, 0, 0, 0, 0x01 }, tx[6] = { 0x02, 0, 0, 0, 0, 0x02 };

	memcpy(f, to_rx ? rx : tx, 6);
	memcpy(f + 6, to_rx ? tx : rx, 6);
	put16(f + 12, type);
}

/* IP header for @l4len bytes of @proto; returns its length. */
static uint32_t ip(uint8_t *h, int ipv6, const uint8_t *s, const uint8_t *d, uint8_t proto,
		   uint32_t l4len, uint16_t id)
{
	if (ipv6) {
		put32(h, 6u << 28);
		put16(h + 4, (uint16_t)l4len);
		h[6] = proto;
		h[7] = 64;
		memcpy(h + 8, s, 16);
		memcpy(h + 24, d, 16);
		return 40;
	}
	memset(h, 0, 20);
	h[0] = 0x45;
	put16(h + 2, (uint16_t)(20 + l4len));
	put16(h + 4, id);
	put16(h + 6, 0x4000);	/* DF */
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, s, 4);
	memcpy(h + 16, d, 4);
	{
		uint16_t c = sum_fold(sum_add(0, h, 20));

		memcpy(h + 10, &c, 2);
	}
	return 20;
}

/* The L4 checksum at @l4 + @off over @l4len bytes, with the pseudo-header. */
static void l4_csum(uint8_t *l4, uint32_t l4len, unsigned off, int ipv6, const uint8_t *s,
		    const uint8_t *d, uint8_t proto, int bad)
{
	uint8_t ph[8] = { 0 };
	uint64_t sum;
	uint16_t c;

	put32(ph, l4len);
	ph[7] = proto;
	memset(l4 + off, 0, 2);
	sum = sum_add(sum_add(sum_add(0, s, ipv6 ? 16 : 4), d, ipv6 ? 16 : 4), ph, 8);
	c = sum_fold(sum_add(sum, l4, l4len));
	if (bad)
		c ^= 0x0100;
	memcpy(l4 + off, &c, 2);
}

static void tcp(struct flow *fl, int reverse, uint32_t plen, uint8_t flags, int bad)
{
	const uint8_t *s = reverse ? fl->daddr : fl->saddr, *d = reverse ? fl->saddr : fl->daddr;
	uint8_t *th;
	uint32_t l3, tsval = (uint32_t)(now_ns / 1000000);

	eth(frame, !reverse, fl->ipv6 ? 0x86dd : 0x0800);
	l3 = ip(frame + 14, fl->ipv6, s, d, 6, TCP_HLEN + plen,
		reverse ? fl->ack_ip_id++ : fl->ip_id++);
	th = frame + 14 + l3;
	memset(th, 0, TCP_HLEN);
	put16(th, reverse ? fl->dport : fl->sport);
	put16(th + 2, reverse ? fl->sport : fl->dport);
	put32(th + 4, reverse ? fl->ack : fl->seq);
	put32(th + 8, reverse ? fl->seq : fl->ack);
	th[12] = (TCP_HLEN / 4) << 4;
	th[13] = flags;
	put16(th + 14, 4096);
	th[20] = 1;
	th[21] = 1;
	th[22] = 8;
	th[23] = 10;
	put32(th + 24, tsval);
	put32(th + 28, tsval - 40);
	memcpy(th + TCP_HLEN, pool + fl->seq % PAYLOAD_POOL, plen);
	l4_csum(th, TCP_HLEN + plen, 16, fl->ipv6, s, d, 6, bad);
	emit(frame, 14 + l3 + TCP_HLEN + plen);
	if (!reverse)
		fl->seq += plen;
}

static void udp(const struct flow *fl)
{
	uint32_t plen = 40 + rnd() % 80, l3;
	uint8_t *uh;

	eth(frame, 1, fl->ipv6 ? 0x86dd : 0x0800);
	l3 = ip(frame + 14, fl->ipv6, fl->saddr, fl->daddr, 17, 8 + plen, (uint16_t)rnd());
	uh = frame + 14 + l3;
	put16(uh, 53);
	put16(uh + 2, (uint16_t)(32768 + rnd() % 28000));
	put16(uh + 4, (uint16_t)(8 + plen));
	memcpy(uh + 8, pool + rnd() % PAYLOAD_POOL, plen);
	l4_csum(uh, 8 + plen, 6, fl->ipv6, fl->saddr, fl->daddr, 17, 0);
	emit(frame, 14 + l3 + 8 + plen);
}

static void icmp(const struct flow *fl)
{
	uint8_t *ih;
	uint16_t c;

	eth(frame, 1, 0x0800);
	ip(frame + 14, 0, fl->saddr, fl->daddr, 1, 64, (uint16_t)rnd());
	ih = frame + 34;
	memset(ih, 0, 8);
	ih[0] = 8;		/* echo request */
	put16(ih + 4, 0x1234);
	put16(ih + 6, (uint16_t)nrec);
	memcpy(ih + 8, pool, 56);
	c = sum_fold(sum_add(0, ih, 64));
	memcpy(ih + 2, &c, 2);
	emit(frame, 98);
}

static void arp(void)
{
	eth(frame, 1, 0x0806);
	memset(frame + 14, 0, 46);
	put16(frame + 14, 1);
	put16(frame + 16, 0x0800);
	frame[18] = 6;
	frame[19] = 4;
	put16(frame + 20, 1);
	memset(frame, 0xff, 6);
	emit(frame, 60);
}

static void flow_init(struct flow *fl, unsigned i)
{
	memset(fl, 0, sizeof(*fl));
	fl->ipv6 = i & 1;
	if (fl->ipv6) {
		fl->saddr[0] = fl->daddr[0] = 0xfd;
		fl->saddr[14] = (uint8_t)(i >> 8);
		fl->saddr[15] = (uint8_t)i;
		fl->daddr[15] = 1;
	} else {
		fl->saddr[0] = fl->daddr[0] = 10;
		fl->saddr[2] = (uint8_t)(i >> 8);
		fl->saddr[3] = (uint8_t)i;
		fl->daddr[3] = 1;
	}
	fl->sport = (uint16_t)(20000 + i);
	fl->dport = 443;
	fl->seq = rnd();
	fl->ack = rnd();
	fl->ip_id = (uint16_t)rnd();
	fl->ack_ip_id = (uint16_t)rnd();
}

int main(int argc, char **argv)
{
	static struct flow flows[NFLOWS];
	unsigned active[NACTIVE], next_flow = 0, i;
	uint64_t target = 4096ull << 20;
	static char obuf[4 << 20];
	int c;

	while ((c = getopt(argc, argv, "F:m:")) != -1) {
		if (c == 'F' && (!strcmp(optarg, "pcap") || !strcmp(optarg, "pcapng")))
			pcapng = !strcmp(optarg, "pcapng");
		else if (c == 'm' && atoll(optarg) > 0)
			target = (uint64_t)atoll(optarg) << 20;
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	out = strcmp(argv[optind], "-") ? fopen(argv[optind], "wb") : stdout;
	if (!out) {
		fprintf(stderr, "bigcap: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	setvbuf(out, obuf, _IOFBF, sizeof(obuf));
	for (i = 0; i < sizeof(pool); i++)
		pool[i] = (uint8_t)rnd();
	for (i = 0; i < NFLOWS; i++)
		flow_init(&flows[i], i);
	for (i = 0; i < NACTIVE; i++)
		active[i] = next_flow++;

	if (!pcapng) {
		le32(0xa1b2c3d4);	/* microseconds */
		put_bytes("\x02\x00\x04\x00", 4);
		le32(0);
		le32(0);
		le32(SNAPLEN);
		le32(1);		/* Ethernet */
	} else {
		static const char appl[] = "bigcap";	/* 6 bytes, padded to 8 */

		le32(0x0A0D0D0A);
		le32(28 + 16);
		le32(0x1A2B3C4D);
		put_bytes("\x01\x00\x00\x00", 4);
		le32(0xffffffffu);
		le32(0xffffffffu);
		put_bytes("\x04\x00\x06\x00", 4);	/* shb_userappl */
		put_bytes(appl, 6);
		put_bytes("\0\0\0\0\0\0", 6);	/* padding, opt_endofopt */
		le32(28 + 16);
		le32(1);		/* IDB: Ethernet, snaplen, no options */
		le32(20);
		le32(1);
		le32(SNAPLEN);
		le32(20);
	}

	while (nbytes < target) {
		unsigned a = rnd() % NACTIVE, n = 1 + rnd() % 4, k;
		struct flow *fl = &flows[active[a]];
		uint32_t r = rnd() % 1000;

		/* What GRO passes through, between the bulk. */
		if (r < 12)
			udp(fl);
		else if (r < 14)
			icmp(fl);
		else if (r < 15)
			arp();
		if (!fl->left)
			fl->left = 8 + rnd() % 57;
		for (k = 0; k < n && fl->left; k++) {
			uint32_t mss = fl->ipv6 ? 1428 : 1448;

			if (--fl->left == 0) {
				tcp(fl, 0, 1 + rnd() % mss, 0x18, 0);	/* PSH|ACK */
				active[a] = next_flow++ % NFLOWS;
				break;
			}
			tcp(fl, 0, mss, 0x10, rnd() % 5000 == 0);
			/* The receiver acknowledges every other segment. */
			if (++fl->since_ack == 2) {
				fl->since_ack = 0;
				tcp(fl, 1, 0, 0x10, 0);
			}
		}
	}
	if (fflush(out) || (out != stdout && fclose(out))) {
		perror("bigcap: write");
		return 1;
	}
	fprintf(stderr, "bigcap: %llu records, %llu bytes\n", (unsigned long long)nrec,
		(unsigned long long)(nbytes + (pcapng ? 64 : 24)));
	return 0;
usage:
	fprintf(stderr, "usage: bigcap [-F pcap|pcapng] [-m MIB] OUT\n");
	return 2;
}
