// SPDX-License-Identifier: MIT
/*
 * Captures for the CLI tests.
 *   pcapgen linktype OUT   a valid pcap of a link type the tool does not read
 *   pcapgen empty LT OUT   a pcap of link type LT (a number) with no packet
 *   pcapgen count IN       the records of IN (pcap or pcapng) as libpcap
 *                          reads them, on stdout; exit 1 if it cannot
 *   pcapgen linkcap LT OUT ETH  TCP flows (and an ARP frame)
 *                          as records of link type LT (eth, raw, ipv4, ipv6,
 *                          sll, sll2, null, null-be, loop), and the same
 *                          records as Ethernet frames into ETH
 *   pcapgen toeth LT|any IN OUT  every record of IN back as the Ethernet
 *                          frame linkcap made it from (pseudo-headers checked)
 *   pcapgen linkmix OUT    a pcapng whose interfaces differ in link type and
 *                          snapshot length
 *   pcapgen paced OUT GAP N  one TCP flow, N segments GAP us apart
 *   pcapgen hostile OUT    Ethernet frames GRO must pass through unchanged:
 *                          truncated headers, impossible lengths, bad
 *                          checksums, unknown EtherTypes, options, fragments
 *   pcapgen vlanprobe OUT  two segments of one 802.1Q-tagged flow
 *   pcapgen udpcap OUT     UDP flows, one after the other, for --udp
 *   pcapgen tuncap OUT     TCP flows inside VXLAN, GENEVE, GRE and IPIP,
 *                          interleaved, for --vxlan-port/--geneve-port
 *
 * For `gro segment` (pcapng is written here byte by byte, independently of
 * the tool's own writer, in either byte order):
 *   pcapgen metacap le|be OUT EXPECT   super-packets with libgro's GSO
 *                          metadata option, among frames without; EXPECT is
 *                          the pcap of what segmenting must give, built
 *                          segment by segment
 *   pcapgen badmeta OUT    super-packets whose metadata is wrong in 4 ways,
 *                          and one whose metadata is right
 *   pcapgen oversized OUT EXPECT   plain oversized TCP frames (and frames
 *                          that must not be cut); EXPECT: `--mss 1000`
 *   pcapgen pcapng-bad KIND OUT    a broken pcapng: truncated, optlen,
 *                          blocklen, trailer, noif, bom, version
 *   pcapgen pcapng-mixed OUT EXPECT  two sections of both byte orders, three
 *                          interfaces (us, ns + offset, 2^-20 s), skipped
 *                          blocks, EPB, SPB and obsolete packet blocks
 *   pcapgen same A B       exit 0 if A and B hold the same frames (bytes and
 *                          wire lengths) in the same order; same-ts: and
 *                          the same timestamps (microseconds)
 *   pcapgen flowcmp A B    exit 0 if B holds A's frames, each flow's in A's
 *                          order, except that frames GRO delivers early (bad
 *                          checksums, IP options, fragments, non-TCP) may move
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"
#include "pktbuild.h"

static int linktype(const char *out)
{
	pcap_t *p = pcap_open_dead(DLT_IEEE802_11, 65535);
	pcap_dumper_t *d = p ? pcap_dump_open(p, out) : NULL;
	struct pcap_pkthdr h = { .caplen = 20, .len = 20 };
	uint8_t ip[20] = { 0x45 };

	if (!d)
		return 1;
	pcap_dump((u_char *)d, &h, ip);
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

static int empty(const char *lt, const char *out)
{
	static const uint8_t le[20] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, [16] = 0xff, 0xff };
	uint32_t l = (uint32_t)strtoul(lt, NULL, 0);
	uint8_t lb[4] = { (uint8_t)l, (uint8_t)(l >> 8), (uint8_t)(l >> 16), (uint8_t)(l >> 24) };
	FILE *f = fopen(out, "wb");

	if (!f || fwrite(le, 1, sizeof(le), f) != sizeof(le) || fwrite(lb, 1, 4, f) != 4)
		return 1;
	return fclose(f) ? 1 : 0;
}

static int count(const char *in)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(in, err);
	struct pcap_pkthdr *h;
	const u_char *d;
	long n = 0;
	int got;

	if (!p) {
		fprintf(stderr, "pcapgen: %s: %s\n", in, err);
		return 1;
	}
	while ((got = pcap_next_ex(p, &h, &d)) == 1)
		n++;
	pcap_close(p);
	if (got != PCAP_ERROR_BREAK)
		return 1;
	printf("%ld\n", n);
	return 0;
}

static int hostile(const char *out)
{
	struct pb_list l = { 0 };
	struct pb_frame f;
	uint8_t buf[2048];
	size_t n;
	int i, v6;

	for (v6 = 0; v6 < 2; v6++) {
		pb_init(&f, v6);
		f.payload_len = 100;
		n = pb_build(&f, buf, sizeof(buf));
		/* Every truncation of a valid frame. */
		for (i = 0; i < (int)n - 100; i += 3)
			pb_list_add(&l, buf, (size_t)i);
		pb_init(&f, v6);
		f.payload_len = 64;
		f.bad_tcp_csum = 1;
		pb_list_add_frame(&l, &f);
		pb_init(&f, v6);
		f.payload_len = 64;
		f.tot_len_delta = 700;
		pb_list_add_frame(&l, &f);
		f.tot_len_delta = -30;
		pb_list_add_frame(&l, &f);
		pb_init(&f, v6);
		f.payload_len = 10;
		f.pad = 20;
		pb_list_add_frame(&l, &f);
		pb_init(&f, v6);
		f.tcp_opts_len = 0;
		buf[0] = 0;
		f.payload_len = 0;
		pb_list_add_frame(&l, &f);	/* pure ACK */
		pb_init(&f, v6);
		f.ethertype = 0x88b5;
		f.payload = (const uint8_t *)"hello";
		f.payload_len = 5;
		pb_list_add_frame(&l, &f);
	}
	pb_init(&f, 0);
	f.payload_len = 100;
	f.bad_ip_csum = 1;
	pb_list_add_frame(&l, &f);
	pb_init(&f, 0);
	f.payload_len = 100;
	f.ip_opts_len = 4;
	f.ip_opts[0] = 1;
	pb_list_add_frame(&l, &f);
	pb_init(&f, 0);
	f.payload_len = 96;
	f.frag = 0x2000;
	pb_list_add_frame(&l, &f);
	pb_init(&f, 1);
	f.payload_len = 50;
	pb_ext_add(&f, PB_EXT_FRAG, NULL, 0);
	pb_list_add_frame(&l, &f);
	/* A TCP header claiming more bytes than the frame has. */
	pb_init(&f, 0);
	f.payload_len = 8;
	n = pb_build(&f, buf, sizeof(buf));
	buf[14 + 20 + 12] = 0xf0;
	pb_list_add(&l, buf, n);
	i = pb_pcap_write(out, &l);
	pb_list_free(&l);
	return i ? 1 : 0;
}

/* Two consecutive segments of one 802.1Q-tagged flow: a kernel with VLAN
 * GRO merges them, one without passes both through. */
static int vlanprobe(const char *out)
{
	struct pb_list l = { 0 };
	struct pb_frame f;
	int i;

	pb_init(&f, 0);
	f.nvlan = 1;
	f.vlan_tpid[0] = 0x8100;
	f.vlan_tci[0] = 7;
	f.payload_len = 500;
	for (i = 0; i < 2; i++) {
		pb_list_add_frame(&l, &f);
		f.seq += f.payload_len;
		f.ip_id++;
	}
	i = pb_pcap_write(out, &l);
	pb_list_free(&l);
	return i ? 1 : 0;
}

/* ------------------------------------------------------------ pcapng */

struct png {
	uint8_t *b;
	size_t n, cap;
	int be;
};

static void pput(struct png *p, const void *d, size_t n)
{
	if (!n)
		return;
	if (p->n + n > p->cap) {
		p->cap = (p->n + n) * 2 + 256;
		p->b = realloc(p->b, p->cap);
		if (!p->b)
			abort();
	}
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void p32(struct png *p, uint32_t v)
{
	uint8_t b[4];
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (uint8_t)(p->be ? v >> (24 - 8 * i) : v >> (8 * i));
	pput(p, b, 4);
}

static void p16(struct png *p, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(p->be ? v >> 8 : v), (uint8_t)(p->be ? v : v >> 8) };

	pput(p, b, 2);
}

static void ppad(struct png *p)
{
	static const uint8_t z[4];

	pput(p, z, (4 - p->n % 4) % 4);
}

/* Patch the 32-bit value at @off. */
static void pset32(struct png *p, size_t off, uint32_t v)
{
	size_t n = p->n;

	p->n = off;
	p32(p, v);
	p->n = n;
}

/* Start a block; png_end() fills in its lengths. */
static size_t png_begin(struct png *p, uint32_t type)
{
	size_t at = p->n;

	p32(p, type);
	p32(p, 0);
	return at;
}

static void png_end(struct png *p, size_t at)
{
	uint32_t len = (uint32_t)(p->n - at + 4);

	pset32(p, at + 4, len);
	p32(p, len);
}

static void png_opt(struct png *p, uint16_t code, const void *v, uint16_t len)
{
	p16(p, code);
	p16(p, len);
	pput(p, v, len);
	ppad(p);
}

static void png_shb(struct png *p)
{
	size_t at = png_begin(p, 0x0A0D0D0A);

	p32(p, 0x1A2B3C4D);
	p16(p, 1);
	p16(p, 0);
	p32(p, 0xffffffff);
	p32(p, 0xffffffff);
	png_opt(p, 4, "pcapgen", 7);
	png_opt(p, 0, NULL, 0);
	png_end(p, at);
}

/* An Ethernet interface; @tsoffset seconds if non-zero. */
static void png_idb(struct png *p, int tsresol, int64_t tsoffset)
{
	size_t at = png_begin(p, 1);
	uint8_t r = (uint8_t)tsresol;

	p16(p, 1);		/* Ethernet */
	p16(p, 0);
	p32(p, 0);		/* no snapshot limit */
	png_opt(p, 9, &r, 1);
	if (tsoffset) {
		p16(p, 14);
		p16(p, 8);
		if (p->be) {
			p32(p, (uint32_t)((uint64_t)tsoffset >> 32));
			p32(p, (uint32_t)tsoffset);
		} else {
			p32(p, (uint32_t)tsoffset);
			p32(p, (uint32_t)((uint64_t)tsoffset >> 32));
		}
	}
	png_opt(p, 0, NULL, 0);
	png_end(p, at);
}

static void png_head(struct png *p, int tsresol)
{
	png_shb(p);
	png_idb(p, tsresol, 0);
}

/* libgro's metadata option value: PEN 32473 (section order), "LGRO",
 * version 1, header size 12, virtio_net_hdr_v1 (little-endian), gso_type
 * and gso_segs (little-endian). */
struct meta {
	uint8_t flags, type;
	uint16_t hdr_len, gso_size, cstart, coff;
	uint32_t gso_type;
	uint16_t gso_segs;
	uint8_t version;
};

static void png_meta(struct png *p, const struct meta *m)
{
	uint8_t v[28];
	size_t n;
	struct png q = { .be = p->be };

	p32(&q, 32473);
	memcpy(v, q.b, 4);
	free(q.b);
	memcpy(v + 4, "LGRO", 4);
	v[8] = m->version ? m->version : 1;
	v[9] = 12;
	memset(v + 10, 0, 12);
	v[10] = m->flags;
	v[11] = m->type;
	v[12] = (uint8_t)m->hdr_len;
	v[13] = (uint8_t)(m->hdr_len >> 8);
	v[14] = (uint8_t)m->gso_size;
	v[15] = (uint8_t)(m->gso_size >> 8);
	v[16] = (uint8_t)m->cstart;
	v[17] = (uint8_t)(m->cstart >> 8);
	v[18] = (uint8_t)m->coff;
	v[19] = (uint8_t)(m->coff >> 8);
	for (n = 0; n < 4; n++)
		v[22 + n] = (uint8_t)(m->gso_type >> (8 * n));
	v[26] = (uint8_t)m->gso_segs;
	v[27] = (uint8_t)(m->gso_segs >> 8);
	png_opt(p, 2989, v, 28);
}

/* An EPB on interface @ifid; @comment and @m may be NULL. Returns the
 * block's offset. */
static size_t png_epb(struct png *p, uint32_t ifid, uint64_t ts, const uint8_t *d, uint32_t len,
		      const char *comment, const struct meta *m)
{
	size_t at = png_begin(p, 6);

	p32(p, ifid);
	p32(p, (uint32_t)(ts >> 32));
	p32(p, (uint32_t)ts);
	p32(p, len);
	p32(p, len);
	pput(p, d, len);
	ppad(p);
	if (comment || m) {
		if (comment)
			png_opt(p, 1, comment, (uint16_t)strlen(comment));
		if (m)
			png_meta(p, m);
		png_opt(p, 0, NULL, 0);
	}
	png_end(p, at);
	return at;
}

static int png_save(struct png *p, const char *path)
{
	FILE *f = fopen(path, "wb");
	int bad;

	if (!f) {
		perror(path);
		return 1;
	}
	bad = fwrite(p->b, 1, p->n, f) != p->n;
	bad |= fclose(f) != 0;
	free(p->b);
	return bad;
}

static size_t build(const struct pb_frame *f, uint8_t *buf, size_t cap)
{
	size_t n = pb_build(f, buf, cap);

	if (!n) {
		fprintf(stderr, "pcapgen: bad frame\n");
		exit(2);
	}
	return n;
}

/* A super-packet of @nseg segments of @f (the last @last bytes long), its
 * metadata, and the segments GSO must give back, built one by one. */
static void super(struct png *p, struct pb_list *expect, const struct pb_frame *f, int nseg,
		  uint32_t last, int fixedid, uint64_t ts)
{
	static uint8_t buf[70000];
	struct pb_frame big = *f, s;
	struct pb_offsets o;
	struct meta m = { 0 };
	uint32_t mss = f->payload_len;
	size_t n;
	int i;

	big.payload_len = mss * (uint32_t)(nseg - 1) + last;
	big.flags = f->flags;
	n = build(&big, buf, sizeof(buf));
	pb_layout(&big, &o);
	m.flags = 2;		/* DATA_VALID: the checksum is complete */
	m.type = f->ipv6 ? 4 : 1;
	m.hdr_len = (uint16_t)o.payload;
	m.gso_size = (uint16_t)mss;
	m.gso_type = (f->ipv6 ? 2u : 1u) | (fixedid ? 8u : 0u);
	m.gso_segs = (uint16_t)nseg;
	png_epb(p, 0, ts, buf, (uint32_t)n, "a super-packet", &m);
	for (i = 0; i < nseg; i++) {
		s = *f;
		s.seq = f->seq + mss * (uint32_t)i;
		s.payload_len = i + 1 < nseg ? mss : last;
		if (!fixedid)
			s.ip_id = (uint16_t)(f->ip_id + i);
		if (i + 1 < nseg)
			s.flags &= (uint8_t)~(PB_PSH | PB_FIN);
		pb_list_add_frame(expect, &s);
	}
}

static void plain(struct png *p, struct pb_list *expect, const struct pb_frame *f, uint64_t ts)
{
	static uint8_t buf[70000];
	size_t n = build(f, buf, sizeof(buf));

	png_epb(p, 0, ts, buf, (uint32_t)n, NULL, NULL);
	pb_list_add(expect, buf, n);
}

static int metacap(const char *order, const char *out, const char *exp)
{
	struct png p = { .be = !strcmp(order, "be") };
	struct pb_list e = { 0 };
	struct pb_frame f;
	int rc;

	png_head(&p, 6);
	/* IPv4, incrementing IDs, PSH on a short last segment. */
	pb_init(&f, 0);
	f.ip_id = 65534;
	f.payload_len = 1000;
	pb_tcp_opt_timestamp(&f, 7, 8);
	f.flags |= PB_PSH;
	super(&p, &e, &f, 4, 123, 0, 10);
	/* A frame without metadata in between. */
	pb_init(&f, 1);
	f.payload_len = 0;
	plain(&p, &e, &f, 11);
	/* IPv4 with a fixed ID, DF clear. */
	pb_init(&f, 0);
	f.df = 0;
	f.ip_id = 42;
	f.seq = 0xfffffc00u;
	f.payload_len = 500;
	super(&p, &e, &f, 5, 500, 1, 12);
	/* IPv6 behind two VLAN tags, with a Destination Options header. */
	pb_init(&f, 1);
	f.nvlan = 2;
	f.vlan_tpid[0] = 0x88a8;
	f.vlan_tci[0] = 10;
	f.vlan_tpid[1] = 0x8100;
	f.vlan_tci[1] = 20;
	pb_ext_add(&f, PB_EXT_DEST, NULL, 0);
	f.payload_len = 1400;
	f.flags |= PB_FIN;
	super(&p, &e, &f, 3, 1, 0, 13);
	rc = png_save(&p, out);
	rc |= pb_pcap_write(exp, &e) != 0;
	pb_list_free(&e);
	return rc;
}

static int badmeta(const char *out)
{
	struct png p = { 0 };
	struct pb_list e = { 0 };
	struct pb_frame f;
	static uint8_t buf[8192];
	struct meta m = { .flags = 2, .type = 1, .hdr_len = 54, .gso_size = 1000,
			  .gso_type = 1, .gso_segs = 3 };
	size_t n;

	png_head(&p, 6);
	pb_init(&f, 0);
	f.payload_len = 3000;
	n = build(&f, buf, sizeof(buf));
	m.gso_size = 0;		/* a type without a size */
	png_epb(&p, 0, 1, buf, (uint32_t)n, NULL, &m);
	m.gso_size = 1000;
	m.type = 4;		/* TCPV6 on an IPv4 frame */
	m.gso_type = 2;
	png_epb(&p, 0, 2, buf, (uint32_t)n, NULL, &m);
	m.type = 1;
	m.gso_type = 1;
	m.gso_segs = 4;		/* the count disagrees */
	png_epb(&p, 0, 3, buf, (uint32_t)n, NULL, &m);
	m.gso_segs = 3;
	m.version = 9;		/* a version this tool does not know */
	png_epb(&p, 0, 4, buf, (uint32_t)n, NULL, &m);
	m.version = 1;		/* right */
	png_epb(&p, 0, 5, buf, (uint32_t)n, NULL, &m);
	pb_list_free(&e);
	return png_save(&p, out);
}

static int pcapng_bad(const char *kind, const char *out)
{
	struct png p = { 0 };
	uint8_t buf[256];
	struct pb_frame f;
	size_t n, at;

	png_head(&p, 6);
	pb_init(&f, 0);
	f.payload_len = 60;
	n = build(&f, buf, sizeof(buf));
	png_epb(&p, 0, 1, buf, (uint32_t)n, NULL, NULL);
	at = png_epb(&p, 0, 2, buf, (uint32_t)n, "a comment", NULL);
	if (!strcmp(kind, "truncated")) {
		p.n -= 30;
	} else if (!strcmp(kind, "optlen")) {
		/* The comment option (after 28 bytes of EPB header and the
		 * padded frame) claims 200 bytes. */
		size_t opt = at + 28 + ((n + 3) & ~(size_t)3);

		p.b[opt + 2] = 200;
		p.b[opt + 3] = 0;
	} else if (!strcmp(kind, "blocklen")) {
		pset32(&p, at + 4, 30);
	} else if (!strcmp(kind, "trailer")) {
		pset32(&p, p.n - 4, 12);
	} else if (!strcmp(kind, "noif")) {
		pset32(&p, at + 8, 1);
	} else if (!strcmp(kind, "bom")) {
		pset32(&p, 8, 0x11223344);
	} else if (!strcmp(kind, "version")) {
		p.b[12] = 2;
		p.b[13] = 0;
	} else {
		fprintf(stderr, "pcapgen: unknown kind %s\n", kind);
		return 2;
	}
	return png_save(&p, out);
}

static int oversized(const char *out, const char *exp)
{
	struct pb_list l = { 0 }, e = { 0 };
	struct pb_frame f, s;
	uint32_t i;
	int rc;

	/* IPv4, 3500 bytes: 1000 + 1000 + 1000 + 500, IDs counting up. */
	pb_init(&f, 0);
	f.payload_len = 3500;
	f.ip_id = 100;
	f.flags |= PB_PSH;
	pb_list_add_frame(&l, &f);
	for (i = 0; i < 4; i++) {
		s = f;
		s.seq = f.seq + 1000 * i;
		s.payload_len = i < 3 ? 1000 : 500;
		s.ip_id = (uint16_t)(f.ip_id + i);
		if (i < 3)
			s.flags &= (uint8_t)~PB_PSH;
		pb_list_add_frame(&e, &s);
	}
	/* At most 1000 bytes: left alone. */
	pb_init(&f, 1);
	f.payload_len = 1000;
	pb_list_add_frame(&l, &f);
	pb_list_add_frame(&e, &f);
	/* IPv6 behind a VLAN tag with a Hop-by-Hop header: 2001 bytes. */
	pb_init(&f, 1);
	f.nvlan = 1;
	f.vlan_tpid[0] = 0x8100;
	f.vlan_tci[0] = 33;
	pb_ext_add(&f, PB_EXT_HOP, NULL, 0);
	f.payload_len = 2001;
	pb_list_add_frame(&l, &f);
	for (i = 0; i < 3; i++) {
		s = f;
		s.seq = f.seq + 1000 * i;
		s.payload_len = i < 2 ? 1000 : 1;
		pb_list_add_frame(&e, &s);
	}
	/* Padding after the IP packet: the lengths disagree, left alone. */
	pb_init(&f, 0);
	f.payload_len = 2000;
	f.pad = 4;
	pb_list_add_frame(&l, &f);
	pb_list_add_frame(&e, &f);
	/* Not TCP: left alone. */
	{
		static uint8_t udp[3000];

		pb_init(&f, 0);
		f.ip_proto = 17;
		f.payload = udp;
		f.payload_len = sizeof(udp);
		pb_list_add_frame(&l, &f);
		pb_list_add_frame(&e, &f);
	}
	rc = pb_pcap_write(out, &l) || pb_pcap_write(exp, &e);
	pb_list_free(&l);
	pb_list_free(&e);
	return rc ? 1 : 0;
}

/* UDP datagrams for `gro coalesce --udp`: pktbuild's raw L4 mode carries
 * a UDP header and payload made here and fills in the checksum. */
static void udp_add(struct pb_list *l, const struct pb_frame *t, uint32_t n, uint32_t key, int nocsum)
{
	static uint8_t l4[9000], buf[9200];
	struct pb_frame f = *t;
	size_t len;
	uint32_t i;

	l4[0] = (uint8_t)(t->sport >> 8);
	l4[1] = (uint8_t)t->sport;
	l4[2] = (uint8_t)(t->dport >> 8);
	l4[3] = (uint8_t)t->dport;
	l4[4] = (uint8_t)((n + 8) >> 8);
	l4[5] = (uint8_t)(n + 8);
	l4[6] = l4[7] = 0;
	for (i = 0; i < n; i++)
		l4[8 + i] = pb_pattern(key + i);
	f.ip_proto = 17;
	f.payload = l4;
	f.payload_len = n + 8;
	len = pb_build(&f, buf, sizeof(buf));
	if (!len)
		abort();
	if (nocsum) {
		/* no checksum (IPv4 only): never merged */
		size_t at = len - n - 2;

		buf[at] = buf[at + 1] = 0;
	}
	pb_list_add(l, buf, len);
}

/* Flows of UDP datagrams one after the other, each a sender's UDP_SEGMENT
 * bursts: equal sizes, a shorter last one, more than GRO's 64, 1-byte and
 * 8000-byte datagrams, VLAN, IPv6, and a datagram without a checksum.
 * `gro coalesce --udp=l4` then `gro segment` must give them all back. */
static int udpcap(const char *out)
{
	static const struct { int v6, vlan; uint32_t size, count, last; } fl[] = {
		{ 0, 0, 1200, 20, 300 }, { 1, 0, 1000, 70, 7 }, { 0, 1, 1, 30, 1 },
		{ 0, 0, 8000, 9, 8000 }, { 1, 1, 1472, 12, 100 }, { 0, 0, 536, 5, 536 },
	};
	struct pb_list l = { 0 };
	struct pb_frame f;
	uint32_t key = 0, i, k;
	int rc;

	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		pb_init(&f, fl[i].v6);
		f.sport = (uint16_t)(40000 + i);
		f.dport = 443;
		f.ip_id = (uint16_t)(65530 + i);
		if (fl[i].vlan) {
			f.nvlan = 1;
			f.vlan_tpid[0] = 0x8100;
			f.vlan_tci[0] = 100;
		}
		for (k = 0; k < fl[i].count; k++) {
			uint32_t n = k + 1 == fl[i].count ? fl[i].last : fl[i].size;

			udp_add(&l, &f, n, key, 0);
			key += n;
			f.ip_id++;
		}
		if (i == 0) {
			udp_add(&l, &f, 100, key, 1);
			key += 100;
			f.ip_id++;
		}
		pb_list_gap(&l, 100000);
	}
	rc = pb_pcap_write(out, &l);
	pb_list_free(&l);
	return rc ? 1 : 0;
}

/* TCP inside every tunnel kind, one flow after the other: VXLAN over IPv4 with
 * the outer UDP checksum set and over IPv6 (where it must be), VXLAN over
 * IPv4 without one, GENEVE with options and an IPv6 inner packet, GENEVE
 * without the inner Ethernet header, GRE with a key and IPIP. Outer IPv4
 * IDs count up, as a tunnel endpoint's do. With both ports configured,
 * `gro coalesce` merges every flow; `gro segment` must give back each frame,
 * in order. */
static int tuncap(const char *out)
{
	static const struct { int kind, oip6, iip6, csum, opts, eth; } fl[] = {
		{ PB_TUN_VXLAN, 0, 0, 1, 0, 1 },  { PB_TUN_VXLAN, 1, 0, 1, 0, 1 },
		{ PB_TUN_VXLAN, 0, 1, 0, 0, 1 },  { PB_TUN_GENEVE, 0, 1, 1, 8, 1 },
		{ PB_TUN_GENEVE, 1, 0, 0, 0, 0 }, { -1, 0, 0, 0, 0, 0 },
		{ -2, 1, 1, 0, 0, 0 },
	};
	static uint8_t buf[9200];
	struct pb_list l = { 0 };
	struct pb_frame f;
	uint32_t i, k;
	int rc;

	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		struct pb_tunnel *t;

		pb_init(&f, fl[i].iip6);
		f.sport = (uint16_t)(30000 + i);
		f.payload_len = 1400;
		t = pb_tun_push(&f, fl[i].oip6, fl[i].kind == -1);
		t->ip_id = (uint16_t)(1000 * i);
		t->udp_tun = fl[i].kind > 0 ? fl[i].kind : 0;
		t->udp_csum = fl[i].csum;
		t->udp_sport = (uint16_t)(50000 + i);
		t->vni = 42 + i;
		t->gnv_eth = fl[i].eth;
		t->gnv_opts_len = fl[i].opts;
		memset(t->gnv_opts, 0xab, sizeof(t->gnv_opts));
		if (fl[i].kind == -1) {
			t->gre_bits = PB_GRE_K;
			t->gre_key = 7;
		}
		for (k = 0; k < 24; k++) {
			pb_list_add(&l, buf, build(&f, buf, sizeof(buf)));
			f.seq += f.payload_len;
			f.ip_id++;
			f.tun[0].ip_id++;
		}
	}
	rc = pb_pcap_write(out, &l);
	pb_list_free(&l);
	return rc ? 1 : 0;
}

/* Two sections (little-, then big-endian), three interfaces with
 * different timestamp units and an offset, blocks the tool skips, and every
 * kind of packet block. EXPECT: what `gro segment` must write (as pcap,
 * timestamps in microseconds). */
static int mixed(const char *out, const char *exp)
{
	static uint8_t buf[8192];
	struct png p = { 0 };
	struct pb_list e = { 0 };
	struct pb_frame f;
	size_t n, at;
	int i;

	png_shb(&p);
	png_idb(&p, 6, 0);			/* if 0: microseconds */
	png_idb(&p, 9, 1000);			/* if 1: nanoseconds, +1000 s */
	at = png_begin(&p, 4);			/* Name Resolution Block: skipped */
	p32(&p, 0);
	png_end(&p, at);
	pb_init(&f, 0);
	f.payload_len = 10;
	n = build(&f, buf, sizeof(buf));
	png_epb(&p, 0, 5, buf, (uint32_t)n, "first", NULL);
	pb_list_add(&e, buf, n);
	e.ts_us[e.n - 1] = 5;
	f.seq += 10;
	n = build(&f, buf, sizeof(buf));
	png_epb(&p, 1, 7000000123ull, buf, (uint32_t)n, NULL, NULL);
	pb_list_add(&e, buf, n);
	e.ts_us[e.n - 1] = 1007000000;
	f.seq += 10;
	n = build(&f, buf, sizeof(buf));
	at = png_begin(&p, 3);			/* Simple Packet Block: interface 0, no time */
	p32(&p, (uint32_t)n);
	pput(&p, buf, n);
	ppad(&p);
	png_end(&p, at);
	pb_list_add(&e, buf, n);
	e.ts_us[e.n - 1] = 0;
	f.seq += 10;
	n = build(&f, buf, sizeof(buf));
	at = png_begin(&p, 2);			/* obsolete Packet Block */
	p16(&p, 0);
	p16(&p, 0);
	p32(&p, 0);
	p32(&p, 9);
	p32(&p, (uint32_t)n);
	p32(&p, (uint32_t)n);
	pput(&p, buf, n);
	ppad(&p);
	png_end(&p, at);
	pb_list_add(&e, buf, n);
	e.ts_us[e.n - 1] = 9;
	at = png_begin(&p, 0x40000BAD);		/* a custom block: skipped */
	p32(&p, 32473);
	png_end(&p, at);
	at = png_begin(&p, 5);			/* Interface Statistics Block: skipped */
	p32(&p, 0);
	p32(&p, 0);
	p32(&p, 0);
	png_end(&p, at);

	/* A second section, big-endian: its own interfaces. */
	p.be = 1;
	png_shb(&p);
	png_idb(&p, 0x94, 0);			/* 2^-20 s */
	{
		struct pb_list seg = { 0 };
		size_t k;

		pb_init(&f, 1);
		f.payload_len = 700;
		super(&p, &seg, &f, 2, 300, 0, 3ull << 20);
		for (k = 0; k < seg.n; k++) {
			pb_list_add(&e, seg.data[k], seg.len[k]);
			e.ts_us[e.n - 1] = 3000000;
		}
		pb_list_free(&seg);
	}
	i = png_save(&p, out);
	i |= pb_pcap_write(exp, &e) != 0;
	pb_list_free(&e);
	return i;
}

/* ------------------------------------------------------------ comparing */

/* ------------------------------------------------------------ link types */

/* The link types of `linkcap`, with the pseudo-header each record gets:
 * LINKTYPE_ value, libpcap's DLT_ to write it, what AF_INET6 is (NULL,
 * LOOP), whether the 4-byte AF_ is big-endian. */
static const struct lt {
	const char *name;
	int lt, dlt;
	uint32_t af6;
	int be;
} lts[] = {
	{ "eth", 1, DLT_EN10MB, 0, 0 },
	{ "raw", 101, DLT_RAW, 0, 0 },
	{ "ipv4", 228, 228, 0, 0 },
	{ "ipv6", 229, 229, 0, 0 },
	{ "sll", 113, DLT_LINUX_SLL, 0, 0 },
	{ "sll2", 276, 276, 0, 0 },
	{ "null", 0, DLT_NULL, 30, 0 },		/* macOS, written little-endian */
	{ "null-be", 0, DLT_NULL, 28, 1 },	/* FreeBSD, written big-endian */
	{ "loop", 108, 108, 24, 1 },		/* OpenBSD */
};

static const struct lt *lt_named(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(lts) / sizeof(lts[0]); i++)
		if (!strcmp(lts[i].name, name))
			return &lts[i];
	fprintf(stderr, "pcapgen: unknown link type %s\n", name);
	return NULL;
}

static void put32(uint8_t *p, uint32_t v, int be)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(be ? v >> (24 - 8 * i) : v >> (8 * i));
}

/* The pseudo-header of @t for a packet of EtherType @type into @h: its
 * length, or -1 if the link type cannot carry it. The test's own mapping
 * for ARP under NULL and LOOP: AF 7, which names nothing the tool knows. */
static int lt_hdr(const struct lt *t, uint16_t type, uint8_t *h)
{
	static const uint8_t addr[8] = { 0x02, 0, 0, 0, 0, 0x02, 0, 0 };

	switch (t->lt) {
	case 1:
		return 14;
	case 101:
		return type == 0x0800 || type == 0x86dd ? 0 : -1;
	case 228:
		return type == 0x0800 ? 0 : -1;
	case 229:
		return type == 0x86dd ? 0 : -1;
	case 113:
		memset(h, 0, 16);
		h[3] = 1;			/* ARPHRD_ETHER */
		h[5] = 6;
		memcpy(h + 6, addr, 8);
		h[14] = (uint8_t)(type >> 8);
		h[15] = (uint8_t)type;
		return 16;
	case 276:
		memset(h, 0, 20);
		h[0] = (uint8_t)(type >> 8);
		h[1] = (uint8_t)type;
		h[7] = 3;			/* ifindex */
		h[9] = 1;			/* ARPHRD_ETHER */
		h[11] = 6;
		memcpy(h + 12, addr, 8);
		return 20;
	case 0:
	case 108:
		put32(h, type == 0x0800 ? 2 : type == 0x86dd ? t->af6 : 7, t->be);
		return 4;
	}
	return -1;
}

/* The EtherType a record's pseudo-header says, or -1 if it is not one
 * lt_hdr() writes. */
static int lt_type(const struct lt *t, const uint8_t *d, uint32_t len, int *hl)
{
	static const uint16_t types[] = { 0x0800, 0x86dd, 0x0806 };
	uint8_t h[20];
	size_t i;

	if (t->lt == 1) {
		*hl = 14;
		return len >= 14 ? d[12] << 8 | d[13] : -1;
	}
	if (t->lt == 101 || t->lt == 228 || t->lt == 229) {
		*hl = 0;
		if (!len || ((d[0] >> 4) != 4 && (d[0] >> 4) != 6))
			return -1;
		return (d[0] >> 4) == 4 ? 0x0800 : 0x86dd;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int n = lt_hdr(t, types[i], h);

		if (n >= 0 && (uint32_t)n <= len && !memcmp(h, d, (size_t)n)) {
			*hl = n;
			return types[i];
		}
	}
	return -1;
}

/* The frames of `linkcap`, as Ethernet frames: an IPv4 and an IPv6 TCP
 * flow interleaved, with timestamps, a pure ACK, a bad checksum, a PSH
 * and an ARP frame. */
static void link_frames(struct pb_list *l, uint16_t sport)
{
	static uint8_t buf[2048];
	struct pb_frame a, b, x;
	uint8_t arp[42] = { 0 };
	int k;

	pb_init(&a, 0);
	pb_init(&b, 1);
	if (sport)
		a.sport = sport;
	a.payload_len = b.payload_len = 1400;
	pb_tcp_opt_timestamp(&a, 100, 200);
	pb_tcp_opt_timestamp(&b, 300, 400);
	b.sport = (uint16_t)(a.sport + 1);
	for (k = 0; k < 14; k++) {
		if (k == 9)
			a.flags |= PB_PSH;
		pb_list_add(l, buf, build(&a, buf, sizeof(buf)));
		a.flags &= (uint8_t)~PB_PSH;
		a.seq += a.payload_len;
		a.ip_id++;
		pb_list_add(l, buf, build(&b, buf, sizeof(buf)));
		b.seq += b.payload_len;
		if (k == 4) {
			x = a;
			x.payload_len = 0;
			pb_list_add(l, buf, build(&x, buf, sizeof(buf)));
			memcpy(arp, buf, 12);
			arp[12] = 0x08;
			arp[13] = 0x06;
			arp[15] = 1;
			pb_list_add(l, arp, sizeof(arp));
		}
		if (k == 6) {
			x = b;
			x.bad_tcp_csum = 1;
			pb_list_add(l, buf, build(&x, buf, sizeof(buf)));
		}
	}
}

/* linkcap LT OUT ETH: the frames above as records of link type LT (those
 * it can carry), and the same records as Ethernet frames into ETH. */
static int linkcap(const char *name, const char *out, const char *eth)
{
	const struct lt *t = lt_named(name);
	struct pb_list l = { 0 };
	pcap_t *p, *pe;
	pcap_dumper_t *d, *de;
	static uint8_t rec[2048];
	size_t i;

	if (!t)
		return 2;
	link_frames(&l, 0);
	p = pcap_open_dead(t->dlt, 65535);
	pe = pcap_open_dead(DLT_EN10MB, 65535);
	d = p ? pcap_dump_open(p, out) : NULL;
	de = pe ? pcap_dump_open(pe, eth) : NULL;
	if (!d || !de)
		return 1;
	for (i = 0; i < l.n; i++) {
		const uint8_t *f = l.data[i];
		uint32_t len = l.len[i];
		struct pcap_pkthdr h = { .ts = { .tv_sec = 1, .tv_usec = (suseconds_t)(i * 10) } };
		int n = lt_hdr(t, (uint16_t)(f[12] << 8 | f[13]), rec);

		if (n < 0)
			continue;
		if (t->lt != 1) {
			memcpy(rec + n, f + 14, len - 14);
			h.caplen = h.len = (uint32_t)n + len - 14;
		} else {
			memcpy(rec, f, len);
			h.caplen = h.len = len;
		}
		pcap_dump((u_char *)d, &h, rec);
		h.caplen = h.len = len;
		pcap_dump((u_char *)de, &h, f);
	}
	pcap_dump_close(d);
	pcap_dump_close(de);
	pcap_close(p);
	pcap_close(pe);
	pb_list_free(&l);
	return 0;
}

/* toeth LT|any IN OUT: every record of IN (pcap, or pcapng through the
 * tool's reader) as the Ethernet frame `linkcap` made it from; with a link
 * type named, every record must be of that type; its pseudo-header must
 * be the one `linkcap` writes. */
static int toeth(const char *name, const char *in, const char *out)
{
	const struct lt *want = strcmp(name, "any") ? lt_named(name) : NULL;
	struct pb_frame mac;
	pcap_t *pe = pcap_open_dead(DLT_EN10MB, 262144);
	pcap_dumper_t *de = pe ? pcap_dump_open(pe, out) : NULL;
	static uint8_t eth[262144 + 14];
	struct png_reader r;
	struct png_pkt q;
	FILE *f = fopen(in, "rb");
	uint64_t nrec = 0;
	int rc = 0, k;

	if ((strcmp(name, "any") && !want) || !de || !f)
		return 2;
	pb_init(&mac, 0);
	if (png_open(&r, f, in)) {
		/* Not pcapng: a pcap, through libpcap. */
		char err[PCAP_ERRBUF_SIZE];
		struct pcap_pkthdr *h;
		const u_char *d;
		pcap_t *pc = pcap_open_offline(in, err);

		fclose(f);
		f = NULL;
		if (!pc) {
			fprintf(stderr, "pcapgen: %s: %s\n", in, err);
			return 2;
		}
		k = pcap_datalink(pc);
		if (want && k != want->dlt) {
			fprintf(stderr, "pcapgen: %s: link type %d, not %s\n", in, k, name);
			return 1;
		}
		while (!rc && pcap_next_ex(pc, &h, &d) == 1) {
			const struct lt *t = want;
			int hl, type;

			if (!t) {
				fprintf(stderr, "pcapgen: %s: name the link type of a pcap\n", in);
				return 2;
			}
			type = lt_type(t, d, h->caplen, &hl);
			if (type < 0) {
				fprintf(stderr, "pcapgen: %s: record %llu: not a pseudo-header of %s\n",
					in, (unsigned long long)nrec, name);
				rc = 1;
				break;
			}
			memcpy(eth, mac.dst_mac, 6);
			memcpy(eth + 6, mac.src_mac, 6);
			eth[12] = (uint8_t)(type >> 8);
			eth[13] = (uint8_t)type;
			memcpy(eth + 14, d + hl, h->caplen - (uint32_t)hl);
			h->caplen = h->caplen - (uint32_t)hl + 14;
			h->len = h->len - (uint32_t)hl + 14;
			pcap_dump((u_char *)de, h, t->lt == 1 ? d : eth);
			nrec++;
		}
		pcap_close(pc);
	} else {
		while (!rc && (k = png_next(&r, &q)) == 1) {
			const struct lt *t = NULL;
			struct pcap_pkthdr h;
			size_t i;
			int hl = 0, type = -1;

			for (i = 0; i < sizeof(lts) / sizeof(lts[0]) && type < 0; i++)
				if (lts[i].lt == q.linktype && (!want || want == &lts[i])) {
					t = &lts[i];
					type = lt_type(t, q.data, q.caplen, &hl);
				}
			if (type < 0) {
				fprintf(stderr, "pcapgen: %s: record %llu: link type %u, pseudo-header not "
					"one linkcap writes\n", in, (unsigned long long)nrec, q.linktype);
				rc = 1;
				break;
			}
			memcpy(eth, mac.dst_mac, 6);
			memcpy(eth + 6, mac.src_mac, 6);
			eth[12] = (uint8_t)(type >> 8);
			eth[13] = (uint8_t)type;
			memcpy(eth + 14, q.data + hl, q.caplen - (uint32_t)hl);
			h.ts.tv_sec = (time_t)(q.ts_ns / 1000000000u);
			h.ts.tv_usec = (suseconds_t)(q.ts_ns % 1000000000u / 1000);
			h.caplen = q.caplen - (uint32_t)hl + 14;
			h.len = q.origlen - (uint32_t)hl + 14;
			pcap_dump((u_char *)de, &h, t->lt == 1 ? q.data : eth);
			nrec++;
		}
		if (k < 0) {
			fprintf(stderr, "pcapgen: %s: %s\n", in, r.err);
			rc = 2;
		}
		png_close(&r);
		fclose(f);
	}
	pcap_dump_close(de);
	pcap_close(pe);
	return rc;
}

/* linkmix OUT: a pcapng whose interfaces differ in link type and snapshot
 * length (Ethernet with none, LINUX_SLL2 65535, RAW 9000, NULL 4096), each
 * with its own flows, their records interleaved. */
static int linkmix(const char *out)
{
	static const struct { const char *lt; uint32_t snap; } ifs[] = {
		{ "eth", 0 }, { "sll2", 65535 }, { "raw", 9000 }, { "null", 4096 },
	};
	struct png p = { 0 };
	struct pb_list ls[4] = { { 0 } };
	static uint8_t rec[2048];
	size_t i, k;

	png_shb(&p);
	for (i = 0; i < 4; i++) {
		size_t at = png_begin(&p, 1);
		uint8_t r = 6;

		p16(&p, (uint16_t)lt_named(ifs[i].lt)->lt);
		p16(&p, 0);
		p32(&p, ifs[i].snap);
		png_opt(&p, 9, &r, 1);
		png_opt(&p, 0, NULL, 0);
		png_end(&p, at);
	}
	/* Each interface its own flows (ports), records taking turns. */
	for (i = 0; i < 4; i++)
		link_frames(&ls[i], (uint16_t)(4000 + 10 * i));
	for (k = 0; k < ls[0].n; k++) {
		for (i = 0; i < 4; i++) {
			const struct lt *t = lt_named(ifs[i].lt);
			const uint8_t *f = ls[i].data[k];
			uint32_t len = ls[i].len[k];
			int n = lt_hdr(t, (uint16_t)(f[12] << 8 | f[13]), rec);

			if (n < 0)
				continue;
			if (t->lt != 1) {
				memcpy(rec + n, f + 14, len - 14);
				n += (int)len - 14;
			} else {
				memcpy(rec, f, len);
				n = (int)len;
			}
			png_epb(&p, (uint32_t)i, 1000000 + k * 40 + i, rec, (uint32_t)n, NULL, NULL);
		}
	}
	for (i = 0; i < 4; i++)
		pb_list_free(&ls[i]);
	return png_save(&p, out);
}

/* paced OUT GAP N: one TCP flow of N segments, one every GAP microseconds
 * from 1 s (a jiffy boundary for any HZ dividing 10^6), for the deferred
 * poll model of `gro coalesce --napi-defer`. */
static int paced(const char *out, const char *gap, const char *count)
{
	static uint8_t buf[2048];
	struct pb_list l = { 0 };
	struct pb_frame f;
	long g = atol(gap), n = atol(count), k;
	int rc;

	pb_init(&f, 0);
	f.payload_len = 1000;
	l.next_ts_us = 1000000;
	for (k = 0; k < n; k++) {
		pb_list_add(&l, buf, build(&f, buf, sizeof(buf)));
		l.ts_us[l.n - 1] = 1000000 + (uint64_t)(k * g);
		f.seq += f.payload_len;
		f.ip_id++;
	}
	rc = pb_pcap_write(out, &l);
	pb_list_free(&l);
	return rc ? 1 : 0;
}

struct cap {
	uint8_t **d;
	uint32_t *len, *wire;
	uint64_t *ts;		/* microseconds */
	size_t n;
};

static int load(const char *path, struct cap *c)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc = pcap_open_offline(path, err);
	int r;

	memset(c, 0, sizeof(*c));
	if (!pc) {
		fprintf(stderr, "pcapgen: %s: %s\n", path, err);
		return 1;
	}
	while ((r = pcap_next_ex(pc, &h, &d)) == 1) {
		c->d = realloc(c->d, (c->n + 1) * sizeof(*c->d));
		c->len = realloc(c->len, (c->n + 1) * sizeof(*c->len));
		c->wire = realloc(c->wire, (c->n + 1) * sizeof(*c->wire));
		c->ts = realloc(c->ts, (c->n + 1) * sizeof(*c->ts));
		if (!c->d || !c->len || !c->wire || !c->ts)
			abort();
		c->ts[c->n] = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
		c->d[c->n] = malloc(h->caplen ? h->caplen : 1);
		if (!c->d[c->n])
			abort();
		memcpy(c->d[c->n], d, h->caplen);
		c->len[c->n] = h->caplen;
		c->wire[c->n++] = h->len;
	}
	pcap_close(pc);
	if (r != PCAP_ERROR_BREAK) {
		fprintf(stderr, "pcapgen: %s: read error\n", path);
		return 1;
	}
	return 0;
}

static void unload(struct cap *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->d[i]);
	free(c->d);
	free(c->len);
	free(c->wire);
	free(c->ts);
	memset(c, 0, sizeof(*c));
}

static int same(const char *a, const char *b, int ts)
{
	struct cap x = { 0 }, y = { 0 };
	size_t i;
	int rc = 0;

	if (load(a, &x) || load(b, &y)) {
		rc = 2;
	} else if (x.n != y.n) {
		fprintf(stderr, "pcapgen: %zu frames in %s, %zu in %s\n", x.n, a, y.n, b);
		rc = 1;
	} else {
		for (i = 0; i < x.n && !rc; i++)
			if (x.len[i] != y.len[i] || x.wire[i] != y.wire[i] ||
			    memcmp(x.d[i], y.d[i], x.len[i])) {
				fprintf(stderr, "pcapgen: frame %zu differs\n", i);
				rc = 1;
			} else if (ts && x.ts[i] != y.ts[i]) {
				fprintf(stderr, "pcapgen: frame %zu: time %llu us, not %llu\n", i,
					(unsigned long long)y.ts[i], (unsigned long long)x.ts[i]);
				rc = 1;
			}
	}
	unload(&x);
	unload(&y);
	return rc;
}

/* A frame's flow (VLAN tags, addresses, ports) and whether GRO delivers it
 * as it is without holding it: not TCP, IPv4 options or fragment, bad IPv4
 * or TCP checksum, no payload. */
static void classify(const uint8_t *p, uint32_t len, char *key, size_t cap, int *early)
{
	uint32_t off = 14, l4 = 0, l4len = 0;
	unsigned type = len >= 14 ? (unsigned)(p[12] << 8 | p[13]) : 0;
	size_t k = 0;
	uint32_t sum, i;

	*early = 1;
	key[0] = 0;
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= len) {
		k += (size_t)snprintf(key + k, cap - k, "%02x%02x.", p[off], p[off + 1]);
		type = (unsigned)(p[off + 2] << 8 | p[off + 3]);
		off += 4;
	}
	if (type == 0x0800 && off + 20 <= len && p[off + 9] == 6) {
		uint32_t ihl = (p[off] & 15) * 4u, tot = (uint32_t)(p[off + 2] << 8 | p[off + 3]);

		l4 = off + ihl;
		l4len = tot - ihl;
		if (ihl == 20 && !((p[off + 6] << 8 | p[off + 7]) & 0x3fff) && off + tot == len &&
		    pb_csum_fold(pb_csum_add(0, p + off, 20)) == 0) {
			uint8_t ph[12] = { 0 };

			memcpy(ph, p + off + 12, 8);
			ph[9] = 6;
			ph[10] = (uint8_t)(l4len >> 8);
			ph[11] = (uint8_t)l4len;
			sum = pb_csum_add(pb_csum_add(0, ph, 12), p + l4, l4len);
			*early = pb_csum_fold(sum) != 0;
		}
		k += (size_t)snprintf(key + k, cap - k, "4:%u.%u.%u.%u>%u.%u.%u.%u", p[off + 12],
				      p[off + 13], p[off + 14], p[off + 15], p[off + 16], p[off + 17],
				      p[off + 18], p[off + 19]);
	} else if (type == 0x86dd && off + 40 <= len && p[off + 6] == 6) {
		uint8_t ph[40] = { 0 };

		l4 = off + 40;
		l4len = len - l4;
		memcpy(ph, p + off + 8, 32);
		ph[34] = (uint8_t)(l4len >> 8);
		ph[35] = (uint8_t)l4len;
		ph[39] = 6;
		sum = pb_csum_add(pb_csum_add(0, ph, 40), p + l4, l4len);
		*early = pb_csum_fold(sum) != 0 || (uint32_t)(p[off + 4] << 8 | p[off + 5]) != l4len;
		k += (size_t)snprintf(key + k, cap - k, "6:");
		for (i = 8; i < 40 && k + 3 < cap; i++)
			k += (size_t)snprintf(key + k, cap - k, "%02x", p[off + i]);
	} else {
		snprintf(key + k, cap - k, "other");
		return;
	}
	if (l4 + 20 <= len) {
		uint32_t doff = (p[l4 + 12] >> 4) * 4u;

		snprintf(key + k, cap - k, ":%u>%u", p[l4] << 8 | p[l4 + 1], p[l4 + 2] << 8 | p[l4 + 3]);
		if (l4 + doff >= l4 + l4len)
			*early = 1;	/* no payload */
	} else {
		*early = 1;
	}
}

static int flowcmp(const char *a, const char *b)
{
	struct cap x = { 0 }, y = { 0 };
	char (*kx)[128] = NULL, (*ky)[128] = NULL;
	int *ex = NULL, *ey = NULL, *used = NULL, rc = 0;
	size_t i, j, early = 0;

	if (load(a, &x) || load(b, &y)) {
		rc = 2;
		goto out;
	}
	if (x.n != y.n) {
		fprintf(stderr, "pcapgen: %zu frames in %s, %zu in %s\n", x.n, a, y.n, b);
		rc = 1;
		goto out;
	}
	kx = calloc(x.n + 1, sizeof(*kx));
	ky = calloc(y.n + 1, sizeof(*ky));
	ex = calloc(x.n + 1, sizeof(int));
	ey = calloc(y.n + 1, sizeof(int));
	used = calloc(x.n + 1, sizeof(int));
	if (!kx || !ky || !ex || !ey || !used)
		abort();
	for (i = 0; i < x.n; i++)
		classify(x.d[i], x.len[i], kx[i], sizeof(kx[i]), &ex[i]);
	for (i = 0; i < y.n; i++)
		classify(y.d[i], y.len[i], ky[i], sizeof(ky[i]), &ey[i]);
	/* Every frame of B is an unused frame of A, byte for byte. */
	for (i = 0; i < y.n && !rc; i++) {
		for (j = 0; j < x.n; j++)
			if (!used[j] && x.len[j] == y.len[i] && !memcmp(x.d[j], y.d[i], y.len[i]))
				break;
		if (j == x.n) {
			fprintf(stderr, "pcapgen: frame %zu of %s is not in %s\n", i, b, a);
			rc = 1;
		} else {
			used[j] = 1;
		}
	}
	/* Per flow, the frames GRO holds come in A's order. */
	for (i = 0; i < x.n && !rc; i++) {
		size_t pa = 0, pb = 0;

		if (ex[i])
			continue;
		for (j = 0; j < i; j++)
			if (!strcmp(kx[j], kx[i]))
				break;
		if (j < i)
			continue;	/* flow already checked */
		for (;;) {
			while (pa < x.n && (ex[pa] || strcmp(kx[pa], kx[i])))
				pa++;
			while (pb < y.n && (ey[pb] || strcmp(ky[pb], kx[i])))
				pb++;
			if (pa == x.n || pb == y.n)
				break;
			if (x.len[pa] != y.len[pb] || memcmp(x.d[pa], y.d[pb], x.len[pa])) {
				fprintf(stderr, "pcapgen: flow %s: frame %zu of %s out of order\n", kx[i], pb, b);
				rc = 1;
				break;
			}
			pa++;
			pb++;
		}
	}
	for (i = 0; i < x.n; i++)
		early += (size_t)ex[i];
	if (!rc && getenv("PCAPGEN_VERBOSE"))
		printf("flowcmp: %zu frames, every flow in order (%zu that GRO delivers early may move)\n",
		       x.n, early);
out:
	unload(&x);
	unload(&y);
	free(kx);
	free(ky);
	free(ex);
	free(ey);
	free(used);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "metacap"))
		return metacap(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "badmeta"))
		return badmeta(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "oversized"))
		return oversized(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "pcapng-bad"))
		return pcapng_bad(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "same"))
		return same(argv[2], argv[3], 0);
	if (argc == 4 && !strcmp(argv[1], "same-ts"))
		return same(argv[2], argv[3], 1);
	if (argc == 4 && !strcmp(argv[1], "pcapng-mixed"))
		return mixed(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "flowcmp"))
		return flowcmp(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "vlanprobe"))
		return vlanprobe(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "empty"))
		return empty(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "count"))
		return count(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "linktype"))
		return linktype(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "udpcap"))
		return udpcap(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "tuncap"))
		return tuncap(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "linkcap"))
		return linkcap(argv[2], argv[3], argv[4]);
	if (argc == 5 && !strcmp(argv[1], "toeth"))
		return toeth(argv[2], argv[3], argv[4]);
	if (argc == 5 && !strcmp(argv[1], "paced"))
		return paced(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "linkmix"))
		return linkmix(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "hostile"))
		return hostile(argv[2]);
	fprintf(stderr, "usage: pcapgen linktype|hostile|vlanprobe OUT (see pcapgen.c for more)\n");
	return 2;
}
