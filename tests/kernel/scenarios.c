/* scenarios: writes GRO test inputs as pcap files.
 *
 *   scenarios selftest OUTDIR           one pcap (+ .expect) per case of the
 *                                       kernel's GRO selftest, IPv4 and IPv6
 *   scenarios random SEED COUNT OUTDIR  COUNT seeded random scenarios
 *   scenarios udp-selftest OUTDIR       UDP cases per receiver mode (udpoff-,
 *                                       udpl4-, udpfl-) and the TCP cases
 *                                       again for a fraglist receiver (tcpfl-)
 *   scenarios random-udp SEED COUNT OUTDIR
 *                                       COUNT random UDP scenarios per UDP
 *                                       mode, COUNT/4 TCP ones as tcpfl-
 *   scenarios big OUTDIR                BIG TCP streams (big-), for
 *                                       gro_max_size 200000
 *   scenarios tun-selftest OUTDIR       the TCP cases and outer-header cases
 *                                       inside tunnels (ipip-, sit-, 4in6-,
 *                                       6in6-, gre-)
 *   scenarios random-tun SEED COUNT OUTDIR
 *                                       COUNT random tunnelled scenarios per
 *                                       kind
 *   scenarios vxlan-selftest OUTDIR     the same inside VXLAN (vxlan-), and
 *                                       cases of the VXLAN and UDP headers
 *   scenarios random-vxlan SEED COUNT OUTDIR
 *                                       COUNT random VXLAN scenarios
 *   scenarios geneve-selftest OUTDIR    the same inside GENEVE (gnv-), and
 *                                       cases of the GENEVE and UDP headers
 *   scenarios random-geneve SEED COUNT OUTDIR
 *                                       COUNT random GENEVE scenarios
 *   scenarios vlan-selftest OUTDIR      the TCP cases under 802.1Q, 802.1ad
 *                                       and QinQ tags, and cases of the tags
 *                                       (vlan-)
 *   scenarios random-vlan SEED COUNT OUTDIR
 *                                       COUNT random tagged scenarios
 *   scenarios check DIR NAME...         kernel outputs against .expect
 *   scenarios dump FILE.pcap            one line per frame
 *
 * Selftest cases mirror the packets the kernel's GRO conformance selftest
 * sends on the wire (addresses, ports, sequence numbers, flags, options, the
 * closing FIN). Its pauses (100 ms before the FIN in most cases, 100 ms in
 * data_burst, 1 s in ip_frag6) become gaps between pcap timestamps: a
 * replayer should flush everything held when it sees such a gap, as the
 * kernel does when its flush timer fires. The .expect file lists, one per
 * line, the TCP payload lengths the selftest's receiver expects to see
 * before the FIN (-2 for a frame that is not TCP); the FIN itself is the
 * end marker and is not listed.
 */
#include "pktbuild.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FRAME 9014          /* MTU 9000 plus Ethernet header */

static const char *outdir;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* mkdir -p */
static void make_dir(const char *path)
{
	char buf[4096];
	size_t i, n = strlen(path);

	if (n >= sizeof(buf))
		die("path too long: %s", path);
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			die("mkdir %s: %s", buf, strerror(errno));
		buf[i] = path[i];
	}
}

static void write_pcap(const struct pb_list *l, const char *fmt, ...)
{
	char path[4096], name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s.pcap", outdir, name);
	if (pb_pcap_write(path, l))
		exit(1);
}

/* ------------------------------------------------------------------------ */
/* Selftest cases                                                           */

#define ST_PAYLOAD 100
#define ST_SEQ     100          /* first sequence and ack number */
#define ST_PAUSE   100000       /* the selftest's 100 ms pause, in us */

struct st {
	int v6;
	struct pb_list l;
	int exp[256];
	int nexp;
	int mode;               /* UDP cases: UM_OFF, UM_L4 or UM_FL */
	uint32_t u_off;         /* UDP cases: payload pattern offset (every datagram differs) */
	uint16_t u_id;          /* UDP cases: IPv4 ID, incrementing as a GSO sender's */
	const struct tkind *tk; /* tunnel cases: the encapsulation, else NULL */
	int vlan;               /* VLAN cases: VT_* tags on every frame, else 0 */
};

/* The tags of the VLAN cases (vlan-selftest): one 802.1Q tag, one 802.1ad
 * tag, or QinQ (802.1ad outside, 802.1Q inside). */
enum { VT_NONE, VT_C, VT_AD, VT_QQ };
static void vlan_tag(const struct st *c, struct pb_frame *f);

static void tun_wrap(const struct st *c, struct pb_frame *f);
static int tun_overhead(const struct st *c);

static uint8_t st_fill[65536];  /* the selftest's payload: all 'a' */

/* A plain data segment of the selftest's flow at sequence offset seq_off. */
static void st_pkt(const struct st *c, struct pb_frame *f, uint32_t seq_off, uint32_t len)
{
	static const uint8_t dmac[6] = { 0xaa, 0, 0, 0, 0, 0x01 };
	static const uint8_t smac[6] = { 0xaa, 0, 0, 0, 0, 0x02 };

	pb_init(f, c->v6);
	memcpy(f->dst_mac, dmac, 6);
	memcpy(f->src_mac, smac, 6);
	if (c->v6) {
		inet_pton(AF_INET6, "fdaa::2", f->saddr);
		inet_pton(AF_INET6, "fdaa::1", f->daddr);
	} else {
		inet_pton(AF_INET, "192.168.1.200", f->saddr);
		inet_pton(AF_INET, "192.168.1.100", f->daddr);
	}
	f->ttl = f->hop_limit = 8;
	f->sport = 1500;
	f->dport = 8000;
	f->seq = ST_SEQ + seq_off;
	f->ack = ST_SEQ;
	f->window = 65535;
	f->payload = st_fill;
	f->payload_len = len;
	if (c->tk)
		tun_wrap(c, f);
	if (c->vlan)
		vlan_tag(c, f);
}

static void st_add(struct st *c, const struct pb_frame *f)
{
	pb_list_add_frame(&c->l, f);
}

static void st_data(struct st *c, uint32_t seq_off, uint32_t len)
{
	struct pb_frame f;

	st_pkt(c, &f, seq_off, len);
	st_add(c, &f);
}

/* The closing packet every case ends with: FIN at offset 200, no data. */
static void st_fin(struct st *c, int pause)
{
	struct pb_frame f;

	if (pause)
		pb_list_gap(&c->l, ST_PAUSE);
	st_pkt(c, &f, 2 * ST_PAYLOAD, 0);
	f.flags |= PB_FIN;
	st_add(c, &f);
}

/* An expected frame that is not TCP, or not inside a tunnel the check
 * walks through (-2 in .expect files, "x" in check's lines). */
#define EXP_NOT_TCP (-2)

static void expect(struct st *c, int n, ...)
{
	va_list ap;

	va_start(ap, n);
	while (n--)
		c->exp[c->nexp++] = va_arg(ap, int);
	va_end(ap);
}

static void case_data(struct st *c, int arg)
{
	static const int len[4][2] = { { 100, 100 }, { 100, 50 }, { 100, 1 }, { 50, 100 } };

	st_data(c, 0, len[arg][0]);
	st_data(c, len[arg][0], len[arg][1]);
	st_fin(c, 0);
	if (arg == 3)
		expect(c, 2, 50, 100);          /* small then large: no merge */
	else
		expect(c, 1, len[arg][0] + len[arg][1]);
}

static void case_data_burst(struct st *c, int arg)
{
	(void)arg;
	st_data(c, 0, 100);
	st_data(c, 100, 100);
	pb_list_gap(&c->l, ST_PAUSE);
	st_data(c, 200, 100);
	st_data(c, 300, 100);
	st_fin(c, 0);
	expect(c, 2, 200, 200);
}

static void case_ack(struct st *c, int arg)
{
	struct pb_frame f;

	(void)arg;
	st_pkt(c, &f, 0, 0);
	st_add(c, &f);
	st_add(c, &f);                          /* duplicate ACK */
	f.ack += 1;
	st_add(c, &f);
	st_fin(c, 0);
	expect(c, 3, 0, 0, 0);
}

/* Five segments; the third (and for CWR also the second) carries the flag.
 * SYN/RST/URG flag segments carry no data and reuse the first sequence. */
static void case_flags(struct st *c, int flag)
{
	uint32_t flen = (flag == PB_PSH || flag == PB_CWR) ? ST_PAYLOAD : 0;
	struct pb_frame f;
	int i;

	for (i = 0; i < 5; i++) {
		if (i == 2 || (i == 1 && flag == PB_CWR)) {
			st_pkt(c, &f, i * flen, flen);
			f.flags |= flag;
		} else {
			st_pkt(c, &f, i * ST_PAYLOAD, ST_PAYLOAD);
		}
		st_add(c, &f);
	}
	st_fin(c, 0);
	if (flag == PB_PSH)
		expect(c, 2, 300, 200);
	else if (flag == PB_CWR)
		expect(c, 3, 100, 200, 200);
	else
		expect(c, 3, 200, 0, 200);
}

static void case_tcp_csum(struct st *c, int arg)
{
	struct pb_frame f;

	(void)arg;
	st_data(c, 0, 100);
	st_pkt(c, &f, 100, 100);
	f.bad_tcp_csum = 1;
	st_add(c, &f);
	st_fin(c, 1);
	expect(c, 2, 100, 100);
}

static void case_tcp_seq(struct st *c, int arg)
{
	(void)arg;
	st_data(c, 0, 100);
	st_data(c, 101, 100);                   /* one byte past the expected seq */
	st_fin(c, 1);
	expect(c, 2, 100, 100);
}

/* 12 option bytes built from {NOP, NOP, TS} in one of the selftest's orders.
 * The selftest stores tsval without byte swapping, so on the little-endian
 * hosts it runs on, the wire bytes are the value's little-endian bytes.
 * Its third order ends up as TS, EOL, NOP: the second NOP lands where the
 * payload is copied and the byte before it keeps a zero from earlier use. */
static void st_ts(struct pb_frame *f, uint32_t tsval, int order)
{
	uint8_t ts[10] = { 8, 10, (uint8_t)tsval, (uint8_t)(tsval >> 8),
			   (uint8_t)(tsval >> 16), (uint8_t)(tsval >> 24), 0, 0, 0, 0 };
	uint8_t *o = f->tcp_opts;

	memset(o, 0, 12);
	if (order == 0) {
		o[0] = o[1] = 1;
		memcpy(o + 2, ts, 10);
	} else if (order == 1) {
		o[0] = 1;
		memcpy(o + 1, ts, 10);
		o[11] = 1;
	} else {
		memcpy(o, ts, 10);
		o[11] = 1;
	}
	f->tcp_opts_len = 12;
}

static void st_data_ts(struct st *c, uint32_t seq_off, uint32_t tsval, int order)
{
	struct pb_frame f;

	st_pkt(c, &f, seq_off, ST_PAYLOAD);
	st_ts(&f, tsval, order);
	st_add(c, &f);
}

/* arg 0: the selftest's full sequence; 1..3: each change on its own. */
static void case_tcp_ts(struct st *c, int arg)
{
	switch (arg) {
	case 0:
		st_data_ts(c, 0, 0, 0);
		st_data_ts(c, 100, 0, 0);
		st_data_ts(c, 200, 100, 0);     /* new tsval */
		st_data_ts(c, 300, 100, 1);     /* same tsval, options reordered */
		st_data_ts(c, 400, 100, 2);
		expect(c, 4, 200, 100, 100, 100);
		break;
	case 1:
		st_data_ts(c, 0, 0, 0);
		st_data_ts(c, 100, 100, 0);
		expect(c, 2, 100, 100);
		break;
	case 2:
	case 3:
		st_data_ts(c, 0, 100, arg - 2);
		st_data_ts(c, 100, 100, arg - 1);
		expect(c, 2, 100, 100);
		break;
	}
	st_fin(c, 1);
}

/* Third segment has a 4-byte option block instead of NOP NOP TS. For IPv4
 * the selftest writes NOP+window-scale at the IPv6 header offset, where the
 * payload copy overwrites it, so on IPv4 the block is four zero (EOL) bytes. */
static void case_tcp_opt(struct st *c, int arg)
{
	static const uint8_t ws[4] = { 1, 3, 3, 0 };
	struct pb_frame f;

	(void)arg;
	st_data_ts(c, 0, 0, 0);
	st_data_ts(c, 100, 0, 0);
	st_pkt(c, &f, 200, 100);
	memset(f.tcp_opts, 0, 4);
	if (c->v6)
		memcpy(f.tcp_opts, ws, 4);
	f.tcp_opts_len = 4;
	st_add(c, &f);
	st_fin(c, 1);
	expect(c, 2, 200, 100);
}

/* arg 0: ECN bits ECT(0); 1: TOS (IPv4 tos 1, IPv6 priority nibble 0xf);
 * 2: TTL 7 (IPv4 only). */
static void case_ip_field(struct st *c, int arg)
{
	struct pb_frame f;

	st_data(c, 0, 100);
	st_pkt(c, &f, 100, 100);
	if (arg == 0) {
		f.tos = 0x02;
		f.tclass = 0x02;
	} else if (arg == 1) {
		f.tos = 0x01;
		f.tclass = 0xf0;
	} else {
		f.ttl = 7;
	}
	st_add(c, &f);
	st_fin(c, 0);
	expect(c, 2, 100, 100);
}

/* The middle segment carries a 40-byte IPv4 timestamp option. */
static void case_ip_opt(struct st *c, int arg)
{
	struct pb_frame f;

	(void)arg;
	st_data(c, 0, 100);
	st_pkt(c, &f, 100, 100);
	memset(f.ip_opts, 0, 40);
	f.ip_opts[0] = 0x44;                    /* timestamp, copied=0, class 2 */
	f.ip_opts[1] = 40;
	f.ip_opts[2] = 5;                       /* pointer: first slot */
	f.ip_opts[3] = 0;                       /* flags: timestamps only */
	f.ip_opts_len = 40;
	st_add(c, &f);
	st_data(c, 200, 100);
	st_fin(c, 1);
	expect(c, 3, 100, 100, 100);
}

/* A first fragment (DF and MF set) whose TCP header and checksum describe
 * 200 bytes of which only the first 100 are in this packet. */
static void case_ip_frag4(struct st *c, int arg)
{
	struct pb_frame f;
	uint8_t buf[512];
	size_t n;

	(void)arg;
	st_data(c, 0, 100);
	st_pkt(c, &f, 100, 200);
	f.frag = 0x2000;
	f.tot_len_delta = -100;
	n = pb_build(&f, buf, sizeof(buf));
	pb_list_add(&c->l, buf, n - 100);
	st_fin(c, 1);
	expect(c, 2, 100, 100);
}

/* IP ID and DF combinations; three-packet cases switch pattern at the end. */
static void case_ip_id(struct st *c, int arg)
{
	static const struct { int df, npkt; uint16_t id[3]; int exp2; } t[6] = {
		{ 1, 2, { 8, 9 }, 0 },          /* df1_inc */
		{ 1, 2, { 8, 8 }, 0 },          /* df1_fixed */
		{ 0, 2, { 8, 9 }, 0 },          /* df0_inc */
		{ 0, 2, { 8, 8 }, 0 },          /* df0_fixed */
		{ 1, 3, { 8, 9, 9 }, 1 },       /* df1_inc_fixed */
		{ 1, 3, { 8, 8, 9 }, 1 },       /* df1_fixed_inc */
	};
	struct pb_frame f;
	int i;

	for (i = 0; i < t[arg].npkt; i++) {
		st_pkt(c, &f, i * ST_PAYLOAD, ST_PAYLOAD);
		f.df = t[arg].df;
		f.ip_id = t[arg].id[i];
		st_add(c, &f);
	}
	st_fin(c, 1);
	if (t[arg].exp2)
		expect(c, 2, 200, 100);
	else
		expect(c, 1, 200);
}

/* Two segments, a 1 s pause, a segment behind an (atomic) Fragment header,
 * then one more plain segment. */
static void case_ip_frag6(struct st *c, int arg)
{
	struct pb_frame f;

	(void)arg;
	st_data(c, 0, 100);
	st_data(c, 100, 100);
	pb_list_gap(&c->l, 1000000);
	st_pkt(c, &f, 200, 100);
	pb_ext_add(&f, PB_EXT_FRAG, NULL, 0);
	st_add(c, &f);
	st_data(c, 300, 100);
	st_fin(c, 1);
	expect(c, 3, 200, 100, 100);
}

/* Two segments behind an 8-byte Destination Options header (the older
 * selftest used Hop-by-Hop: arg bit 1) whose 6 body bytes are equal (0x00)
 * or differ (0x00 then 0x11: arg bit 0). */
static void case_ip_v6ext(struct st *c, int arg)
{
	uint8_t body[2][6];
	uint8_t type = (arg & 2) ? PB_EXT_HOP : PB_EXT_DEST;
	struct pb_frame f;
	int i;

	memset(body[0], 0x00, 6);
	memset(body[1], (arg & 1) ? 0x11 : 0x00, 6);
	for (i = 0; i < 2; i++) {
		st_pkt(c, &f, i * ST_PAYLOAD, ST_PAYLOAD);
		pb_ext_add(&f, type, body[i], 6);
		st_add(c, &f);
	}
	st_fin(c, 1);
	if (arg & 1)
		expect(c, 2, 100, 100);
	else
		expect(c, 1, 200);
}

/* Segments of a 4096-byte-MTU mss up to the 64 KiB IP limit; the last one
 * exactly fits (arg 0) or is one byte too long (arg 1), then one more
 * (non-contiguous) segment of the same length follows. */
static void case_large(struct st *c, int arg)
{
	/* The 64 KiB limit counts from the first VLAN tag on (skb->len after
	 * the Ethernet header). */
	int hdr = (c->v6 ? 60 : 40) + tun_overhead(c) + (c->vlan == VT_QQ ? 8 : c->vlan ? 4 : 0);
	int mss = 4096 - hdr, maxp = 65535 - hdr;
	int n = maxp / mss, rem = maxp % mss, last = rem + arg, i;

	for (i = 0; i < n; i++)
		st_data(c, i * mss, mss);
	st_data(c, n * mss, last);
	st_data(c, (n + 1) * mss, last);
	st_fin(c, 0);
	if (arg == 0)
		expect(c, 2, maxp, rem);
	else
		expect(c, 3, maxp - rem, rem + 1, rem + 1);
}

static void case_single(struct st *c, int arg)
{
	(void)arg;
	st_data(c, 0, 100);
	st_fin(c, 0);
	expect(c, 1, 100);
}

/* arg flows (source ports 1500+i, payload byte 'a'+i): every flow's first
 * 200-byte segment, then every flow's second one with PSH. */
static void case_capacity(struct st *c, int nflows)
{
	static uint8_t pay[16][200];
	struct pb_frame f;
	int i, k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < nflows; i++) {
			memset(pay[i], 'a' + i, 200);
			st_pkt(c, &f, k * 200, 200);
			f.sport = 1500 + i;
			f.payload = pay[i];
			if (k)
				f.flags |= PB_PSH;
			st_add(c, &f);
		}
	}
	st_fin(c, 1);
	for (i = 0; i < nflows; i++)
		expect(c, 1, 400);
}

enum { V4 = 1, V6 = 2, BOTH = 3 };

static const struct st_case {
	const char *name;
	int fam;
	void (*fn)(struct st *c, int arg);
	int arg;
} st_cases[] = {
	{ "data_same",           BOTH, case_data, 0 },
	{ "data_lrg_sml",        BOTH, case_data, 1 },
	{ "data_lrg_1byte",      BOTH, case_data, 2 },
	{ "data_sml_lrg",        BOTH, case_data, 3 },
	{ "data_burst",          BOTH, case_data_burst, 0 },
	{ "ack",                 BOTH, case_ack, 0 },
	{ "flags_psh",           BOTH, case_flags, PB_PSH },
	{ "flags_syn",           BOTH, case_flags, PB_SYN },
	{ "flags_rst",           BOTH, case_flags, PB_RST },
	{ "flags_urg",           BOTH, case_flags, PB_URG },
	{ "flags_cwr",           BOTH, case_flags, PB_CWR },
	{ "tcp_csum",            BOTH, case_tcp_csum, 0 },
	{ "tcp_seq",             BOTH, case_tcp_seq, 0 },
	{ "tcp_ts",              BOTH, case_tcp_ts, 0 },
	{ "tcp_ts_val",          BOTH, case_tcp_ts, 1 },
	{ "tcp_ts_order1",       BOTH, case_tcp_ts, 2 },
	{ "tcp_ts_order2",       BOTH, case_tcp_ts, 3 },
	{ "tcp_opt",             BOTH, case_tcp_opt, 0 },
	{ "ip_ecn",              BOTH, case_ip_field, 0 },
	{ "ip_tos",              BOTH, case_ip_field, 1 },
	{ "ip_ttl",              V4,   case_ip_field, 2 },
	{ "ip_opt",              V4,   case_ip_opt, 0 },
	{ "ip_frag4",            V4,   case_ip_frag4, 0 },
	{ "ip_id_df1_inc",       V4,   case_ip_id, 0 },
	{ "ip_id_df1_fixed",     V4,   case_ip_id, 1 },
	{ "ip_id_df0_inc",       V4,   case_ip_id, 2 },
	{ "ip_id_df0_fixed",     V4,   case_ip_id, 3 },
	{ "ip_id_df1_inc_fixed", V4,   case_ip_id, 4 },
	{ "ip_id_df1_fixed_inc", V4,   case_ip_id, 5 },
	{ "ip_frag6",            V6,   case_ip_frag6, 0 },
	{ "ip_v6ext_same",       V6,   case_ip_v6ext, 0 },
	{ "ip_v6ext_diff",       V6,   case_ip_v6ext, 1 },
	{ "ip_v6ext_same_hbh",   V6,   case_ip_v6ext, 2 },
	{ "ip_v6ext_diff_hbh",   V6,   case_ip_v6ext, 3 },
	{ "large_max",           BOTH, case_large, 0 },
	{ "large_rem",           BOTH, case_large, 1 },
	{ "single",              BOTH, case_single, 0 },
	{ "capacity",            BOTH, case_capacity, 4 },
	{ "capacity_8",          BOTH, case_capacity, 8 },
};

static void write_expect(const struct st *c, const char *name)
{
	char path[4096];
	FILE *fp;
	int k;

	snprintf(path, sizeof(path), "%s/%s.expect", outdir, name);
	fp = fopen(path, "w");
	if (!fp)
		die("%s: %s", path, strerror(errno));
	for (k = 0; k < c->nexp; k++)
		fprintf(fp, "%d\n", c->exp[k]);
	if (fclose(fp))
		die("%s: write error", path);
}

/* Case @sc for each family it is for, for a receiver in @mode, as
 * PREFIXv4_NAME and PREFIXv6_NAME (with .expect files if @expect).
 * Returns the number of files written. */
static int write_case(const struct st_case *sc, int mode, const char *prefix, int expect)
{
	int v6, files = 0;

	for (v6 = 0; v6 < 2; v6++) {
		static struct st c;
		char name[256];

		if (!(sc->fam & (v6 ? V6 : V4)))
			continue;
		memset(&c, 0, sizeof(c));
		c.v6 = v6;
		c.mode = mode;
		c.u_id = 1000;
		sc->fn(&c, sc->arg);
		snprintf(name, sizeof(name), "%sv%d_%s", prefix, v6 ? 6 : 4, sc->name);
		write_pcap(&c.l, "%s", name);
		if (expect)
			write_expect(&c, name);
		pb_list_free(&c.l);
		files++;
	}
	return files;
}

/* The TCP cases, file names starting with prefix (tcpfl-: the same inputs
 * for a receiver with fraglist GRO). */
static int run_selftest(const char *prefix)
{
	size_t i;
	int files = 0;

	memset(st_fill, 'a', sizeof(st_fill));
	/* Fraglist GRO merges less (equal flag words only, the 64 KiB rule
	 * counting headers): the expectations hold without a prefix only. */
	for (i = 0; i < sizeof(st_cases) / sizeof(st_cases[0]); i++)
		files += write_case(&st_cases[i], 0, prefix, !*prefix);
	printf("wrote %d %sselftest scenarios to %s\n", files, prefix, outdir);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* UDP selftest ports                                                       */

/* The cases of udpgro.sh, udpgro_fwd.sh and udpgro_frglist.sh that are
 * about what GRO merges, as the datagrams their senders put on the wire
 * (udpgso_bench_tx: one GSO send cut into gso_size datagrams, or separate
 * sends), plus the edges of Linux's UDP GRO rules. Every case is written
 * once per receiver mode:
 *
 *   udpoff-  no UDP GRO (rx-udp-gro-forwarding and rx-gro-list off)
 *   udpl4-   UDP L4 GRO for forwarded traffic (rx-udp-gro-forwarding on)
 *   udpfl-   fraglist GRO (rx-gro-list on)
 *
 * The .expect file lists the UDP payload lengths delivered, in order. */

enum { UM_OFF, UM_L4, UM_FL };
static const char *const um_prefix[] = { "udpoff-", "udpl4-", "udpfl-" };

#define U_SPORT 40000
#define U_DPORT 8000

/* Attributes of one datagram of a case. */
enum {
	UD_ZERO = 1,            /* checksum field 0 */
	UD_BAD = 2,             /* wrong checksum */
	UD_PAD = 4,             /* Ethernet padding after the IP packet */
	UD_LIE = 8,             /* UDP length one less than the datagram */
	UD_FRAG = 16,           /* IPv4: first fragment (MF); IPv6: Fragment header */
	UD_TTL = 32,            /* TTL / hop limit one less */
	UD_TOS = 64,            /* TOS / traffic class changed */
};

static void u_pkt(struct st *c, struct pb_frame *f, uint32_t len)
{
	st_pkt(c, f, 0, 0);
	f->udp = 1;
	f->sport = U_SPORT;
	f->dport = U_DPORT;
	f->payload = NULL;              /* pattern bytes keyed by seq */
	f->seq = c->u_off;
	f->payload_len = len;
	f->ip_id = c->u_id++;
	c->u_off += len;
}

static void u_add(struct st *c, uint32_t len, int attr)
{
	struct pb_frame f;

	u_pkt(c, &f, len);
	if (attr & UD_ZERO)
		f.udp_csum_zero = 1;
	if (attr & UD_BAD)
		f.bad_tcp_csum = 1;
	if (attr & UD_PAD)
		f.pad = 60 > len + 42 ? 60 - (len + 42) + 4 : 4;
	if (attr & UD_LIE)
		f.udp_len_delta = -1;
	if (attr & UD_FRAG) {
		if (c->v6)
			pb_ext_add(&f, PB_EXT_FRAG, (const uint8_t[]){ 0, 1, 0, 0, 0, 7 }, 6);
		else
			f.frag = 0x2000;
	}
	if (attr & UD_TTL)
		f.ttl = f.hop_limit = 7;
	if (attr & UD_TOS)
		f.tos = f.tclass = 0x28;
	st_add(c, &f);
	/* Without UDP GRO every datagram goes up as it came. */
	if (c->mode == UM_OFF)
		c->exp[c->nexp++] = (int)len;
}

static void u_run(struct st *c, int n, uint32_t len)
{
	while (n--)
		u_add(c, len, 0);
}

static void u_expect(struct st *c, int n, ...)
{
	va_list ap;

	va_start(ap, n);
	while (n--) {
		int v = va_arg(ap, int);

		if (c->mode != UM_OFF)
			c->exp[c->nexp++] = v;
	}
	va_end(ap);
}

/* udpgro.sh "no GRO": ten separate 1400-byte sends. */
static void ucase_no_gro(struct st *c, int arg)
{
	(void)arg;
	u_run(c, 10, 1400);
	u_expect(c, 1, 14000);
}

/* udpgro.sh "GRO": one 14720 (IPv6 14520) byte GSO send, gso_size the
 * 1500-byte MTU's datagram; arg 500: "GRO with custom segment size". */
static void ucase_gro(struct st *c, int seg)
{
	int total = c->v6 ? 14520 : 14720, n;

	if (!seg)
		seg = c->v6 ? 1452 : 1472;
	for (n = total; n > 0; n -= seg)
		u_add(c, (uint32_t)(n < seg ? n : seg), 0);
	u_expect(c, 1, total);
}

/* udpgro_fwd.sh "GRO fwd" / "GRO frag list": 13000 bytes as 10 x 1300. */
static void ucase_fwd(struct st *c, int arg)
{
	(void)arg;
	u_run(c, 10, 1300);
	u_expect(c, 1, 13000);
}

/* udpgro_frglist.sh "udp gso and gro": bulk 1472-byte datagrams. */
static void ucase_bulk(struct st *c, int arg)
{
	(void)arg;
	u_run(c, 40, c->v6 ? 1452 : 1472);
	u_expect(c, 1, 40 * (c->v6 ? 1452 : 1472));
}

/* A shorter datagram ends the run; the next ones start another. */
static void ucase_short(struct st *c, int arg)
{
	(void)arg;
	u_run(c, 5, 1000);
	u_add(c, 500, 0);
	u_run(c, 3, 1000);
	u_expect(c, 2, 5500, 3000);
}

/* A larger datagram is not merged: the held run goes, it starts anew and
 * takes the next (shorter) one as its last. */
static void ucase_larger(struct st *c, int arg)
{
	(void)arg;
	u_run(c, 3, 1000);
	u_add(c, 1200, 0);
	u_run(c, 2, 1000);
	u_expect(c, 3, 3000, 2200, 1000);
}

/* One datagram of a run has a zero (arg 0) or bad (arg 1) checksum: it is
 * never merged and goes up at once, before the held run. Over IPv6 the run
 * goes on around it; over IPv4 the next datagram's ID is then one too far
 * on and starts a new run. */
static void ucase_csum(struct st *c, int arg)
{
	u_run(c, 2, 1000);
	u_add(c, 1000, arg ? UD_BAD : UD_ZERO);
	u_run(c, 2, 1000);
	if (c->v6)
		u_expect(c, 2, 1000, 4000);
	else
		u_expect(c, 3, 1000, 2000, 2000);
}

/* Every datagram without a checksum: nothing merges. */
static void ucase_zero_all(struct st *c, int arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 5; i++)
		u_add(c, 1000, UD_ZERO);
	u_expect(c, 5, 1000, 1000, 1000, 1000, 1000);
}

static void ucase_mixed(struct st *c, int arg)
{
	static const int len[] = { 1000, 1000, 800, 1000, 600, 600, 300, 1200 };
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof(len) / sizeof(len[0]); i++)
		u_add(c, (uint32_t)len[i], 0);
	u_expect(c, 4, 2800, 1600, 900, 1200);
}

/* udpgro.sh "segment count exceeding 64" style: more datagrams than one
 * GRO packet may hold (UDP_GRO_CNT_MAX 64). */
static void ucase_seg64(struct st *c, int arg)
{
	(void)arg;
	u_run(c, 70, 100);
	u_expect(c, 2, 6400, 600);
}

/* Datagrams to the VXLAN port with no VXLAN device: plain UDP. */
static void ucase_vxlan_port(struct st *c, int arg)
{
	struct pb_frame f;
	int i;

	(void)arg;
	for (i = 0; i < 5; i++) {
		u_pkt(c, &f, 1000);
		f.dport = 4789;
		st_add(c, &f);
		if (c->mode == UM_OFF)
			c->exp[c->nexp++] = 1000;
	}
	u_expect(c, 1, 5000);
}

/* Two flows interleaved datagram by datagram. arg 0: each flow has its
 * own IPv4 ID sequence; 1: they share one (as two sockets sending to one
 * host do), so over IPv4 no flow's IDs are consecutive and nothing merges. */
static void ucase_two_flows(struct st *c, int arg)
{
	struct pb_frame f;
	int i, k;

	for (i = 0; i < 5; i++)
		for (k = 0; k < 2; k++) {
			u_pkt(c, &f, 1000);
			f.sport = (uint16_t)(U_SPORT + k);
			if (!arg)
				f.ip_id = (uint16_t)(2000 + 500 * k + i);
			st_add(c, &f);
			if (c->mode == UM_OFF)
				c->exp[c->nexp++] = 1000;
		}
	if (arg && !c->v6)
		for (i = 0; i < 10; i++)
			u_expect(c, 1, 1000);
	else
		u_expect(c, 2, 5000, 5000);
}

/* A field of the middle datagram differs (arg: UD_TTL, UD_TOS): it is
 * not merged with the run before it, nor with the datagram after it. */
static void ucase_ipfield(struct st *c, int attr)
{
	u_run(c, 2, 1000);
	u_add(c, 1000, attr);
	u_run(c, 2, 1000);
	u_expect(c, 3, 2000, 1000, 2000);
}

/* IPv4 ID patterns (DF arg>>1, fixed arg&1), three datagrams. */
static void ucase_ipid(struct st *c, int arg)
{
	struct pb_frame f;
	int i;

	for (i = 0; i < 3; i++) {
		u_pkt(c, &f, 1000);
		f.df = arg >> 1;
		f.ip_id = (uint16_t)(arg & 1 ? 100 : 100 + i);
		st_add(c, &f);
		if (c->mode == UM_OFF)
			c->exp[c->nexp++] = 1000;
	}
	u_expect(c, 1, 3000);
}

/* Padded frames (the UDP length is less than the frame's): not merged.
 * arg 0: Ethernet padding after the IP packet; 1: the UDP length lies. */
static void ucase_padded(struct st *c, int arg)
{
	int i;

	for (i = 0; i < 3; i++)
		u_add(c, 10, arg ? UD_LIE : UD_PAD);
	u_expect(c, 3, 10, 10, 10);
}

/* A fragment in the middle of a run. */
static void ucase_frag(struct st *c, int arg)
{
	(void)arg;
	u_run(c, 2, 1000);
	u_add(c, 1000, UD_FRAG);
	u_run(c, 2, 1000);
	if (c->v6)
		u_expect(c, 2, 1000, 4000);
	else
		u_expect(c, 3, 1000, 2000, 2000);
}

static void ucase_single(struct st *c, int arg)
{
	(void)arg;
	u_add(c, 1000, 0);
	u_expect(c, 1, 1000);
}

/* Datagrams up to the 64 KiB limit. L4 GRO stops where the merged packet
 * (IP header on) would reach 65536; fraglist counts the new datagram's
 * headers too. */
static void ucase_size(struct st *c, int arg)
{
	int hdr = (c->v6 ? 40 : 20) + 8, seg = c->v6 ? 1452 : 1472, n = 50;
	int add = c->mode == UM_FL ? hdr : 0, len = hdr, k = 0, i;

	(void)arg;
	u_run(c, n, (uint32_t)seg);
	for (i = 0; i < n; i++) {
		if (k && len + seg + add >= 65536) {
			u_expect(c, 1, len - hdr);
			len = hdr;
			k = 0;
		}
		len += seg;
		k++;
	}
	u_expect(c, 1, len - hdr);
}

static const struct st_case u_cases[] = {
	{ "no_gro",            BOTH, ucase_no_gro, 0 },
	{ "gro",               BOTH, ucase_gro, 0 },
	{ "gro_custom_seg",    BOTH, ucase_gro, 500 },
	{ "fwd",               BOTH, ucase_fwd, 0 },
	{ "frglist_bulk",      BOTH, ucase_bulk, 0 },
	{ "short_last",        BOTH, ucase_short, 0 },
	{ "larger",            BOTH, ucase_larger, 0 },
	{ "zero_csum",         BOTH, ucase_csum, 0 },
	{ "bad_csum",          BOTH, ucase_csum, 1 },
	{ "zero_csum_all",     BOTH, ucase_zero_all, 0 },
	{ "mixed_sizes",       BOTH, ucase_mixed, 0 },
	{ "seg_count_64",      BOTH, ucase_seg64, 0 },
	{ "vxlan_port",        BOTH, ucase_vxlan_port, 0 },
	{ "two_flows",         BOTH, ucase_two_flows, 0 },
	{ "two_flows_one_id",  BOTH, ucase_two_flows, 1 },
	{ "ttl",               BOTH, ucase_ipfield, UD_TTL },
	{ "tos",               BOTH, ucase_ipfield, UD_TOS },
	{ "ip_id_df0_inc",     V4,   ucase_ipid, 0 },
	{ "ip_id_df0_fixed",   V4,   ucase_ipid, 1 },
	{ "ip_id_df1_inc",     V4,   ucase_ipid, 2 },
	{ "ip_id_df1_fixed",   V4,   ucase_ipid, 3 },
	{ "padded",            BOTH, ucase_padded, 0 },
	{ "len_lie",           BOTH, ucase_padded, 1 },
	{ "frag",              BOTH, ucase_frag, 0 },
	{ "single",            BOTH, ucase_single, 0 },
	{ "size_limit",        BOTH, ucase_size, 0 },
};

static int run_udp_selftest(void)
{
	size_t i;
	int mode, files = 0;

	for (mode = UM_OFF; mode <= UM_FL; mode++)
		for (i = 0; i < sizeof(u_cases) / sizeof(u_cases[0]); i++)
			files += write_case(&u_cases[i], mode, um_prefix[mode], 1);
	printf("wrote %d UDP selftest scenarios to %s\n", files, outdir);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* BIG TCP                                                                  */

/* TCP streams of 9000-byte-MTU segments whose merged size passes 64 KiB,
 * for a receiver with gro_max_size and gro_ipv4_max_size BIG_MAX (file
 * names big-*). A merged packet stays below BIG_MAX counting its IP and TCP
 * headers; the .expect file lists the TCP payload lengths delivered. */
#define BIG_MAX 200000

static void big_seg(struct st *c, uint32_t seq_off, uint32_t len, int ts)
{
	struct pb_frame f;

	st_pkt(c, &f, seq_off, len);
	f.payload = NULL;               /* pattern bytes keyed by seq */
	if (ts)
		pb_tcp_opt_timestamp(&f, 1000, 2000);
	st_add(c, &f);
}

/* n full segments and an optional shorter last one; the expectation
 * follows the limit rule. arg: bit 0 timestamps, the rest the last
 * segment's length (0: none). */
static void big_stream(struct st *c, int n, uint32_t last, int ts)
{
	uint32_t hdr = (c->v6 ? 60 : 40) + (ts ? 12 : 0);
	uint32_t mss = 9000 - hdr, off = 0, len = hdr, run = 0;
	int i;

	for (i = 0; i <= n; i++) {
		uint32_t seg = i < n ? mss : last;

		if (!seg)
			break;
		big_seg(c, off, seg, ts);
		off += seg;
		if (run && len + seg >= BIG_MAX) {
			c->exp[c->nexp++] = (int)(len - hdr);
			len = hdr;
			run = 0;
		}
		len += seg;
		run++;
	}
	c->exp[c->nexp++] = (int)(len - hdr);
}

static void bcase_stream(struct st *c, int arg)
{
	big_stream(c, arg >> 1, 0, arg & 1);
}

/* 22 full segments and a last one that brings the packet to exactly
 * BIG_MAX - 1 bytes (arg 0: merged) or BIG_MAX (arg 1: not). */
static void bcase_edge(struct st *c, int arg)
{
	uint32_t hdr = c->v6 ? 60 : 40, mss = 9000 - hdr;

	big_stream(c, 22, BIG_MAX - 1 - hdr - 22 * mss + (uint32_t)arg, 0);
}

static const struct st_case big_cases[] = {
	{ "64k",          BOTH, bcase_stream, 8 << 1 },
	{ "stream",       BOTH, bcase_stream, 30 << 1 },
	{ "stream_ts",    BOTH, bcase_stream, 30 << 1 | 1 },
	{ "limit",        BOTH, bcase_edge, 0 },
	{ "limit_over",   BOTH, bcase_edge, 1 },
};

static int run_big(void)
{
	size_t i;
	int v6, files = 0;

	for (i = 0; i < sizeof(big_cases) / sizeof(big_cases[0]); i++) {
		for (v6 = 0; v6 < 2; v6++) {
			static struct st c;
			char name[256];

			memset(&c, 0, sizeof(c));
			c.v6 = v6;
			big_cases[i].fn(&c, big_cases[i].arg);
			snprintf(name, sizeof(name), "big-v%d_%s", v6 ? 6 : 4, big_cases[i].name);
			write_pcap(&c.l, "%s", name);
			write_expect(&c, name);
			pb_list_free(&c.l);
			files++;
		}
	}
	printf("wrote %d BIG TCP scenarios to %s\n", files, outdir);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Random scenarios                                                         */

/* splitmix64: tiny, fast, and its output depends only on the seed. */
struct rng { uint64_t s; };

static uint64_t rnd64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd32(struct rng *r) { return (uint32_t)(rnd64(r) >> 32); }

/* Uniform in [0, n) by multiply-shift (no modulo bias worth caring about). */
static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((uint64_t)rnd32(r) * n) >> 32);
}

static int chance(struct rng *r, unsigned permille) { return below(r, 1000) < permille; }

#define MAX_FLOWS  10
#define MAX_FRAMES 60           /* a whole scenario fits one 64-packet NAPI poll */

enum { ID_INC, ID_FIXED, ID_RANDOM };

struct flow {
	struct pb_frame tpl;    /* what every segment of the flow shares */
	uint32_t mss;
	uint32_t next_seq;
	int id_mode;
	int ts;                 /* flow uses the timestamp option */
	uint32_t tsval, tsecr;
	struct pb_frame fr[MAX_FRAMES];
	int n;
	int oid_mode;           /* tunnelled flows: the outer IPv4 ID's mode */
};

struct scen {
	struct rng r;
	int clean;              /* no perturbations at all */
	unsigned perm;          /* per-frame perturbation probability, permille */
	struct flow fl[MAX_FLOWS];
	int nflows;
	struct pb_frame out[MAX_FRAMES];
	int nout;
	struct pb_tunnel tun_ep[2];     /* tunnelled scenarios: shared endpoints per outer family */
};

/* Tunnelled scenarios (random-tun): the kind being generated, else NULL.
 * Nothing below draws a random number for tunnels unless it is set, so
 * the other generators' streams stay as they were. */
static const struct tkind *tun_mode;
static int tun_pick_fam(struct scen *s);
static void tun_setup_flow(struct scen *s, struct flow *fl);
static void tun_frame(struct scen *s, struct flow *fl, struct pb_frame *f);

/* VLAN scenarios (random-vlan): set, the flows get tags and the tags
 * perturbations; unset, nothing draws a number for them. */
static int vlan_mode;
static void vlan_setup_flow(struct scen *s, int i);
static void vlan_perturb(struct scen *s, struct flow *fl, struct pb_frame *f);

static const uint32_t mss_choices[] = { 536, 1000, 1200, 1448, 1460, 4000, 8948 };

static size_t frame_len(const struct pb_frame *f)
{
	struct pb_offsets o;

	return pb_layout(f, &o);
}

/* Shrink the payload until the frame fits the 9014-byte limit. */
static void clamp(struct pb_frame *f)
{
	size_t len = frame_len(f);

	if (len > MAX_FRAME) {
		size_t over = len - MAX_FRAME;

		f->payload_len = f->payload_len > over ? f->payload_len - (uint32_t)over : 0;
	}
}

static void rand_mac(struct rng *r, uint8_t *mac)
{
	int i;

	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)rnd32(r);
	mac[0] = (mac[0] & 0xfc) | 0x02;        /* unicast, locally administered */
}

static void rand_addr(struct rng *r, int v6, uint8_t *a)
{
	int i;

	memset(a, 0, 16);
	if (v6) {
		a[0] = 0xfd;
		for (i = 1; i < 16; i++)
			a[i] = (uint8_t)rnd32(r);
	} else {
		a[0] = 10;
		for (i = 1; i < 4; i++)
			a[i] = (uint8_t)rnd32(r);
	}
}

static void set_ts(struct flow *fl, struct pb_frame *f)
{
	if (fl->ts)
		pb_tcp_opt_timestamp(f, fl->tsval, fl->tsecr);
	else
		f->tcp_opts_len = 0;
}

/* What the flows of a scenario may share: the MACs, and a source and a
 * destination address per family (a[v6][0], a[v6][1]). */
struct endpoints {
	uint8_t smac[6], dmac[6];
	uint8_t a[2][2][16];
};

static void rand_endpoints(struct rng *r, struct endpoints *e)
{
	int v6;

	rand_mac(r, e->smac);
	rand_mac(r, e->dmac);
	for (v6 = 0; v6 < 2; v6++) {
		rand_addr(r, v6, e->a[v6][0]);
		rand_addr(r, v6, e->a[v6][1]);
	}
}

/* A flow's MACs and addresses: the scenario's shared ones, or its own. */
static void flow_addrs(struct rng *r, const struct endpoints *e, int shared, struct pb_frame *t)
{
	int v6 = t->ipv6;

	memcpy(t->src_mac, e->smac, 6);
	memcpy(t->dst_mac, e->dmac, 6);
	if (shared) {
		memcpy(t->saddr, e->a[v6][0], 16);
		memcpy(t->daddr, e->a[v6][1], 16);
	} else {
		rand_addr(r, v6, t->saddr);
		rand_addr(r, v6, t->daddr);
	}
}

/* A source port none of the @n earlier flows has (@used): every flow stays
 * distinct even when all else is shared. */
static uint16_t unique_sport(struct rng *r, const uint16_t *used, int n)
{
	uint16_t port = (uint16_t)(1024 + below(r, 60000));
	int k;

	for (k = 0; k < n; k++)
		if (used[k] == port) {
			port++;
			k = -1;
		}
	return port;
}

/* The TTL (hop limit) of a common system; now and then a DSCP/ECN value. */
static void rand_ttl_tos(struct rng *r, struct pb_frame *t)
{
	t->ttl = t->hop_limit = (uint8_t[]){ 64, 64, 128, 255 }[below(r, 4)];
	if (chance(r, 200))
		t->tos = t->tclass = (uint8_t[]){ 0x02, 0x01, 0x28, 0xb8 }[below(r, 4)];
}

/* @size, or less if a frame of template @t carrying it would pass the
 * 9014-byte limit (VLAN tags and IP options eat into it). */
static uint32_t fit_frame(struct pb_frame *t, uint32_t size)
{
	uint32_t maxpay;

	t->payload_len = 0;
	maxpay = MAX_FRAME - (uint32_t)frame_len(t);
	return size > maxpay ? maxpay : size;
}

/* The IPv4 ID of a flow's next frame: @tpl holds the next one counted. */
static uint16_t next_ip_id(struct rng *r, struct pb_frame *tpl, int id_mode)
{
	uint16_t id = tpl->ip_id;

	if (id_mode == ID_INC)
		tpl->ip_id++;
	else if (id_mode == ID_RANDOM)
		id = (uint16_t)rnd32(r);
	return id;
}

/* A wrong IP header checksum; IPv6 has none, so a wrong L4 one. */
static void bad_ip_csum(struct pb_frame *f)
{
	if (f->ipv6)
		f->bad_tcp_csum = 1;
	else
		f->bad_ip_csum = 1;
}

static void setup_flows(struct scen *s)
{
	struct rng *r = &s->r;
	struct endpoints e;
	int fam = below(r, 10);                 /* 0-2 all IPv4, 3-5 all IPv6, else mixed */
	int vlans = chance(r, 400);
	int shared_addr = chance(r, 500);       /* flows differ by ports only */
	uint16_t dport = (uint16_t[]){ 80, 443, 5201, 8000, 9000 }[below(r, 5)];
	uint16_t sports[MAX_FLOWS];
	int i, k;

	rand_endpoints(r, &e);
	if (tun_mode)
		fam = tun_pick_fam(s);

	for (i = 0; i < s->nflows; i++) {
		struct flow *fl = &s->fl[i];
		struct pb_frame *t = &fl->tpl;
		int v6 = fam < 3 ? 0 : fam < 6 ? 1 : (int)below(r, 2);

		memset(fl, 0, sizeof(*fl));
		pb_init(t, v6);
		if (vlans && chance(r, 500)) {
			t->nvlan = chance(r, 700) ? 1 : 2;
			for (k = 0; k < t->nvlan; k++) {
				t->vlan_tpid[k] = 0x8100;
				t->vlan_tci[k] = (uint16_t)(below(r, 8) << 13 | (1 + below(r, 4094)));
			}
			if (t->nvlan == 2 && chance(r, 600))
				t->vlan_tpid[0] = 0x88a8;
			else if (t->nvlan == 1 && chance(r, 100))
				t->vlan_tpid[0] = 0x88a8;
		}
		flow_addrs(r, &e, shared_addr, t);
		t->sport = sports[i] = unique_sport(r, sports, i);
		t->dport = dport;
		t->seq = chance(r, 100) ? 0xffffffffu - below(r, 20000) : rnd32(r);
		t->ack = rnd32(r);
		t->window = (uint16_t)(512 + below(r, 65000));
		rand_ttl_tos(r, t);
		if (v6 && chance(r, 500))
			t->flowlabel = rnd32(r) & 0xfffff;
		t->df = chance(r, 850);
		/* Linux sends DF packets with a fixed or incrementing ID. */
		fl->id_mode = t->df ? (chance(r, 500) ? ID_FIXED : ID_INC)
				    : (chance(r, 800) ? ID_INC : ID_FIXED);
		if (!s->clean && chance(r, 100))
			fl->id_mode = ID_RANDOM;
		t->ip_id = (uint16_t)rnd32(r);
		fl->ts = chance(r, 700);
		fl->tsval = rnd32(r);
		fl->tsecr = rnd32(r);
		set_ts(fl, t);
		if (tun_mode)
			tun_setup_flow(s, fl);
		if (vlan_mode)
			vlan_setup_flow(s, i);

		fl->mss = mss_choices[below(r, sizeof(mss_choices) / sizeof(mss_choices[0]))];
		if (v6 && fl->mss > 8928)
			fl->mss = 8928;
		fl->mss = fit_frame(t, fl->mss);
		fl->next_seq = t->seq;
	}
}

/* Perturbations of a single segment. Some also change the flow's later
 * segments, as a real sender would; retransmits are done by the caller;
 * a kind that does not apply to the family falls back to a related one. */
enum {
	P_FLAG, P_ACK, P_WIN, P_TSOPT, P_TTL, P_TOS, P_DF, P_ID, P_IPOPT, P_FRAG,
	P_EXT, P_FLOWLABEL, P_BADIP, P_BADTCP, P_PAD, P_LIE, P_GAP, P_RETRANS,
	P_REORDER, P_LEN, P_MAC, P_COUNT
};

static void perturb(struct scen *s, struct flow *fl, struct pb_frame *f, int kind, int *reorder)
{
	static const uint8_t flag_bits[] = { PB_SYN, PB_RST, PB_URG, PB_PSH, PB_FIN, PB_CWR, PB_ECE };
	struct rng *r = &s->r;
	struct pb_frame *t = &fl->tpl;
	uint32_t u;

	switch (kind) {
	case P_FLAG:
		u = flag_bits[below(r, sizeof(flag_bits))];
		f->flags |= (uint8_t)u;
		if (u == PB_URG)
			f->urg_ptr = (uint16_t)(1 + below(r, f->payload_len + 1));
		break;
	case P_ACK:                             /* the peer acknowledged more data */
		t->ack += 1 + below(r, 100000);
		f->ack = t->ack;
		break;
	case P_WIN:
		t->window = (uint16_t)(512 + below(r, 65000));
		f->window = t->window;
		break;
	case P_TSOPT:
		switch (below(r, 4)) {
		case 0:                         /* option toggled on this segment only */
			if (fl->ts)
				f->tcp_opts_len = 0;
			else
				pb_tcp_opt_timestamp(f, fl->tsval, fl->tsecr);
			break;
		case 1:                         /* clock ticked: later segments follow */
			fl->tsval += 1 + below(r, 1000);
			set_ts(fl, t);
			set_ts(fl, f);
			break;
		case 2:                         /* echo reply changed */
			fl->tsecr += 1 + below(r, 1000);
			set_ts(fl, t);
			set_ts(fl, f);
			break;
		default: {                      /* some other option block */
			static const uint8_t sack[12] = { 1, 1, 5, 10 };
			static const uint8_t mss[4] = { 2, 4, 5, 0xb4 };

			if (chance(r, 500)) {
				memcpy(f->tcp_opts, sack, 12);
				u = rnd32(r);
				f->tcp_opts[4] = (uint8_t)(u >> 24);
				f->tcp_opts[7] = (uint8_t)u;
				f->tcp_opts_len = 12;
			} else {
				memcpy(f->tcp_opts, mss, 4);
				f->tcp_opts_len = 4;
			}
		}
		}
		break;
	case P_TTL:
		f->ttl = f->hop_limit = (uint8_t)(f->ttl - 1 - below(r, 10));
		if (chance(r, 300))
			t->ttl = t->hop_limit = f->ttl;
		break;
	case P_TOS:
		switch (below(r, 3)) {
		case 0: u = 0x03; break;        /* CE */
		case 1: u = 0x01; break;        /* ECT(1) */
		default: u = 0x20 << below(r, 3); break;
		}
		f->tos ^= (uint8_t)u;
		f->tclass ^= (uint8_t)u;
		break;
	case P_DF:
		if (f->ipv6)
			goto flowlabel;
		f->df = !f->df;
		break;
	case P_ID:
		if (f->ipv6)
			goto flowlabel;
		switch (below(r, 3)) {
		case 0:                         /* jump, then continue from there */
			t->ip_id += (uint16_t)(2 + below(r, 1000));
			f->ip_id = t->ip_id;
			break;
		case 1:
			f->ip_id = (uint16_t)rnd32(r);
			break;
		default:                        /* sender changes its ID scheme */
			fl->id_mode = (int)below(r, 3);
			break;
		}
		break;
	case P_IPOPT:
	ipopt:
		if (f->ipv6)
			goto ext;
		if (chance(r, 500)) {
			memset(f->ip_opts, 1, 4);       /* four NOPs */
			f->ip_opts_len = 4;
		} else {
			static const uint8_t rr[8] = { 7, 7, 4 };  /* record route, one slot */

			memcpy(f->ip_opts, rr, 8);
			f->ip_opts_len = 8;
		}
		break;
	case P_FRAG:
		if (f->ipv6) {
			uint8_t body[6] = { 0 };

			/* first fragment, atomic fragment, or a later one */
			u = chance(r, 500) ? 0 : 1 + below(r, 1000);
			body[0] = (uint8_t)(u >> 5);
			body[1] = (uint8_t)(u << 3) | (uint8_t)chance(r, u ? 500 : 700);
			u = rnd32(r);
			body[2] = (uint8_t)(u >> 24);
			body[3] = (uint8_t)(u >> 16);
			body[4] = (uint8_t)(u >> 8);
			body[5] = (uint8_t)u;
			pb_ext_add(f, PB_EXT_FRAG, body, 6);
		} else {
			f->frag = chance(r, 500) ? 0x2000 : (uint16_t)(1 + below(r, 1000));
			if (chance(r, 300))
				f->frag |= 0x2000;
		}
		break;
	case P_EXT:
	ext:
		if (!f->ipv6)
			goto ipopt;
		do {
			static const uint8_t types[] = { PB_EXT_HOP, PB_EXT_ROUTE, PB_EXT_DEST, PB_EXT_FRAG };
			uint8_t body[14] = { 0 };
			uint8_t ty = types[below(r, 4)];

			if (ty == PB_EXT_HOP && f->ext_len)
				ty = PB_EXT_DEST;       /* Hop-by-hop must come first */
			if (ty == PB_EXT_ROUTE)
				body[0] = 253;          /* experimental routing type, 0 left */
			else if (ty != PB_EXT_FRAG)
				body[0] = 1, body[1] = 4;       /* PadN */
			pb_ext_add(f, ty, body, ty == PB_EXT_ROUTE ? 6 : (int)(6 + 8 * below(r, 2)));
		} while (chance(r, 300) && f->ext_len < 64);
		break;
	case P_FLOWLABEL:
	flowlabel:
		if (!f->ipv6) {
			f->tos ^= 0x04;
			break;
		}
		f->flowlabel = rnd32(r) & 0xfffff;
		if (chance(r, 500))
			t->flowlabel = f->flowlabel;
		break;
	case P_BADIP:
		bad_ip_csum(f);
		break;
	case P_BADTCP:
		f->bad_tcp_csum = 1;
		break;
	case P_PAD: {
		size_t len = frame_len(f);

		/* Either the padding a NIC adds to short frames, or junk. */
		if (len < 60 && chance(r, 700))
			f->pad = (uint32_t)(60 - len);
		else
			f->pad = 1 + below(r, 40);
		break;
	}
	case P_LIE:
		u = chance(r, 700) ? 1 + below(r, 8) : 1 + below(r, 300);
		f->tot_len_delta = chance(r, 500) ? (int)u : -(int)u;
		break;
	case P_GAP:                             /* a lost segment */
		fl->next_seq += 1 + below(r, 2 * fl->mss);
		f->seq = fl->next_seq;
		break;
	case P_REORDER:
		*reorder = 1;
		break;
	case P_LEN:
		switch (below(r, 5)) {
		case 0: f->payload_len = fl->mss - 1; break;
		case 1: f->payload_len = fl->mss + 1; break;
		case 2: f->payload_len = 1; break;
		case 3: f->payload_len = 0; break;      /* pure ACK */
		default: f->payload_len = 1 + below(r, fl->mss); break;
		}
		break;
	case P_MAC:
		if (chance(r, 500))
			f->src_mac[5] ^= (uint8_t)(1 + below(r, 255));
		else
			f->dst_mac[5] ^= (uint8_t)(1 + below(r, 255));
		break;
	}
}

/* Generate `quota` frames for one flow into fl->fr. */
static void gen_flow(struct scen *s, struct flow *fl, int quota)
{
	struct rng *r = &s->r;
	int reorder_at[MAX_FRAMES], nre = 0, i;

	while (fl->n < quota) {
		struct pb_frame *f = &fl->fr[fl->n];
		int reorder = 0, kind;

		*f = fl->tpl;
		f->seq = fl->next_seq;
		f->payload_len = fl->mss;
		if (!f->ipv6)
			f->ip_id = next_ip_id(r, &fl->tpl, fl->id_mode);

		if (s->clean) {
			/* Bulk data: full segments, maybe a short PSH tail. */
			if (fl->n == quota - 1 && chance(r, 300))
				f->payload_len = 1 + below(r, fl->mss);
			if (fl->n == quota - 1 && chance(r, 300))
				f->flags |= PB_PSH;
		} else if (chance(r, s->perm)) {
			kind = (int)below(r, P_COUNT);
			/* A retransmit repeats an earlier segment byte for byte. */
			if (kind == P_RETRANS && fl->n > 0) {
				*f = fl->fr[below(r, fl->n)];
				fl->n++;
				continue;
			}
			perturb(s, fl, f, kind, &reorder);
			if (chance(r, 150))     /* occasionally two at once */
				perturb(s, fl, f, (int)below(r, P_COUNT), &reorder);
		}
		if (tun_mode)
			tun_frame(s, fl, f);
		if (vlan_mode && !s->clean && chance(r, s->perm))
			vlan_perturb(s, fl, f);
		clamp(f);
		fl->next_seq = f->seq + f->payload_len;
		if (reorder && fl->n + 1 < quota)
			reorder_at[nre++] = fl->n;
		fl->n++;
	}
	/* Swap a segment with its successor: the later one arrives first. */
	for (i = 0; i < nre; i++) {
		struct pb_frame tmp = fl->fr[reorder_at[i]];

		fl->fr[reorder_at[i]] = fl->fr[reorder_at[i] + 1];
		fl->fr[reorder_at[i] + 1] = tmp;
	}
}

/* A frame that is not TCP: UDP, ICMP(v6) or an unknown EtherType, sharing
 * addresses and VLAN tags with one of the flows. */
static void gen_other(struct scen *s, struct pb_frame *f)
{
	static uint8_t body[4][256];    /* built after generation: at most 3 in use */
	static int slot;
	struct rng *r = &s->r;
	struct flow *fl = &s->fl[below(r, s->nflows)];
	uint8_t *b = body[slot++ & 3];
	uint32_t len = 8 + below(r, 200), i;

	*f = fl->tpl;
	f->tcp_opts_len = 0;
	for (i = 0; i < len; i++)
		b[i] = (uint8_t)rnd32(r);
	f->payload = b;
	f->payload_len = len;
	switch (below(r, 3)) {
	case 0:                                 /* UDP, same ports as the flow */
		f->ip_proto = 17;
		b[0] = (uint8_t)(f->sport >> 8);
		b[1] = (uint8_t)f->sport;
		b[2] = (uint8_t)(f->dport >> 8);
		b[3] = (uint8_t)f->dport;
		b[4] = (uint8_t)(len >> 8);
		b[5] = (uint8_t)len;
		break;
	case 1:                                 /* echo request */
		f->ip_proto = f->ipv6 ? 58 : 1;
		b[0] = f->ipv6 ? 128 : 8;
		b[1] = 0;
		break;
	default:                                /* ARP, or a local experimental type */
		f->ethertype = chance(r, 500) ? 0x0806 : 0x88b5;
		break;
	}
}

/* Give each of @nflows flows one of @total frames, the rest to random
 * flows. */
static void spread(struct rng *r, int *left, int nflows, int total)
{
	int i;

	for (i = 0; i < nflows; i++)
		left[i] = 1;
	for (i = nflows; i < total; i++)
		left[below(r, (uint32_t)nflows)]++;
}

/* The flow the next frame of an interleaving comes from, @pos[i] of
 * @n[i] taken from flow i so far. Modes: 0 flow after flow, 3 round robin,
 * else a random one; each flow's own order is kept. */
static int next_flow(struct rng *r, int mode, int last, const int *pos, const int *n, int nflows)
{
	int fi;

	if (mode == 3)
		fi = (last + 1) % nflows;
	else if (mode == 0 && last >= 0 && pos[last] < n[last])
		return last;
	else
		fi = (int)below(r, (uint32_t)nflows);
	while (pos[fi] == n[fi])
		fi = (fi + 1) % nflows;
	return fi;
}

/* Make room at a random place among the @*n frames of @out for one more. */
static struct pb_frame *insert_at_random(struct rng *r, struct pb_frame *out, int *n)
{
	int at = (int)below(r, (uint32_t)*n + 1);

	memmove(&out[at + 1], &out[at], (size_t)(*n - at) * sizeof(out[0]));
	(*n)++;
	return &out[at];
}

static void gen_scenario(struct scen *s, uint64_t seed, uint64_t idx)
{
	static const unsigned perms[] = { 20, 60, 120, 250 };
	struct rng *r = &s->r;
	int total, nother, ntcp, left[MAX_FLOWS], pos[MAX_FLOWS] = { 0 }, remaining, i, mode, last = -1;

	memset(s, 0, sizeof(*s));
	/* Each scenario gets its own stream so that scenario i does not depend
	 * on how many random numbers scenario i-1 consumed. */
	r->s = seed ^ (0xd1b54a32d192ed03ull * (idx + 1));
	rnd64(r);

	s->clean = chance(r, 400);
	s->perm = s->clean ? 0 : perms[below(r, 4)];
	total = s->clean ? 20 + (int)below(r, MAX_FRAMES - 19) : 1 + (int)below(r, MAX_FRAMES);
	nother = !s->clean && total > 3 && chance(r, 300) ? 1 + (int)below(r, 3) : 0;
	ntcp = total - nother;

	if (chance(r, 100))
		s->nflows = 9 + (int)below(r, 2);       /* over the 8-flow capacity */
	else if (s->clean && chance(r, 600))
		s->nflows = 1 + (int)below(r, 4);
	else
		s->nflows = 1 + (int)below(r, 8);
	if (s->nflows > ntcp)
		s->nflows = ntcp;
	setup_flows(s);

	spread(r, left, s->nflows, ntcp);
	for (i = 0; i < s->nflows; i++)
		gen_flow(s, &s->fl[i], left[i]);

	/* Interleave: flow after flow, runs of a few, fully shuffled, or
	 * round robin. gen_flow() made left[i] frames for flow i. */
	mode = (int)below(r, 4);
	remaining = ntcp;
	while (remaining > 0) {
		int fi = next_flow(r, mode, last, pos, left, s->nflows), run;

		run = mode == 1 ? 1 + (int)below(r, 8) : 1;
		while (run-- > 0 && pos[fi] < left[fi]) {
			s->out[s->nout++] = s->fl[fi].fr[pos[fi]++];
			remaining--;
		}
		last = fi;
	}

	for (i = 0; i < nother; i++)
		gen_other(s, insert_at_random(r, s->out, &s->nout));
}

/* Scenario @idx of @seed (its frames @f) as PREFIXrSEED_IDX.pcap. */
static void write_scenario(const struct pb_frame *f, int n, const char *prefix, uint64_t seed,
			   uint64_t idx)
{
	struct pb_list l = { 0 };
	int k;

	for (k = 0; k < n; k++) {
		if (frame_len(&f[k]) > MAX_FRAME)
			die("internal error: frame over %d bytes", MAX_FRAME);
		pb_list_add_frame(&l, &f[k]);
	}
	write_pcap(&l, "%sr%" PRIu64 "_%" PRIu64, prefix, seed, idx);
	pb_list_free(&l);
}

static int run_random(uint64_t seed, uint64_t count)
{
	static struct scen s;
	uint64_t i;

	for (i = 0; i < count; i++) {
		gen_scenario(&s, seed, i);
		write_scenario(s.out, s.nout, "", seed, i);
	}
	printf("wrote %" PRIu64 " random scenarios to %s\n", count, outdir);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Random UDP scenarios                                                     */

/* UDP streams (some mixed with TCP frames from the generator above) with
 * every perturbation UDP GRO cares about. Written once per mode:
 * udpl4-rSEED_I and udpfl-rSEED_I (different streams), and the TCP random
 * scenarios again as tcpfl-rSEED_I for the fraglist receiver. */
#define U_MAX_FLOWS  10
#define U_MAX_FRAMES 200

struct uflow {
	struct pb_frame tpl;
	uint32_t seg;
	int id_mode;
};

struct uscen {
	struct rng r;
	struct uflow fl[U_MAX_FLOWS];
	int nflows;
	struct pb_frame out[U_MAX_FRAMES + MAX_FRAMES];
	int flow_of[U_MAX_FRAMES];
	int nout;
	uint32_t off;
};

static const uint32_t u_segs[] = { 8, 100, 500, 1000, 1200, 1400, 1452, 1472, 4000, 8000 };
static const uint16_t u_dports[] = { 8000, 4789, 443, 53, 5201, 6081 };

static void u_setup(struct uscen *u, int fam)
{
	struct rng *r = &u->r;
	struct endpoints e;
	int shared = chance(r, 500), i;
	uint16_t sports[U_MAX_FLOWS];

	rand_endpoints(r, &e);
	for (i = 0; i < u->nflows; i++) {
		struct uflow *fl = &u->fl[i];
		struct pb_frame *t = &fl->tpl;
		int v6 = fam < 3 ? 0 : fam < 6 ? 1 : (int)below(r, 2);

		pb_init(t, v6);
		t->udp = 1;
		flow_addrs(r, &e, shared, t);
		t->sport = sports[i] = unique_sport(r, sports, i);
		t->dport = u_dports[below(r, sizeof(u_dports) / sizeof(u_dports[0]))];
		rand_ttl_tos(r, t);
		if (v6 && chance(r, 300))
			t->flowlabel = rnd32(r) & 0xfffff;
		t->df = chance(r, 600);
		fl->id_mode = chance(r, 700) ? ID_INC : chance(r, 700) ? ID_FIXED : ID_RANDOM;
		t->ip_id = (uint16_t)rnd32(r);
		fl->seg = fit_frame(t, u_segs[below(r, sizeof(u_segs) / sizeof(u_segs[0]))]);
	}
}

enum {
	UP_SHORT, UP_LONG, UP_ZERO, UP_BAD, UP_TTL, UP_TOS, UP_ID, UP_DF, UP_FRAG,
	UP_PAD, UP_ULEN, UP_IPLEN, UP_BADIP, UP_OPT, UP_COUNT
};

static void u_perturb(struct uscen *u, struct uflow *fl, struct pb_frame *f, int kind)
{
	struct rng *r = &u->r;

	switch (kind) {
	case UP_SHORT:
		f->payload_len = 1 + below(r, fl->seg);
		break;
	case UP_LONG:
		f->payload_len += 1 + below(r, 200);
		break;
	case UP_ZERO:
		f->udp_csum_zero = 1;
		break;
	case UP_BAD:
		f->bad_tcp_csum = 1;
		break;
	case UP_TTL:
		f->ttl = f->hop_limit = (uint8_t)(f->ttl - 1);
		if (chance(r, 300))
			fl->tpl.ttl = fl->tpl.hop_limit = f->ttl;
		break;
	case UP_TOS:
		f->tos ^= 0x01;
		f->tclass ^= 0x01;
		break;
	case UP_ID:
		if (f->ipv6) {
			f->flowlabel ^= 1 + below(r, 0xfffff);
			break;
		}
		if (chance(r, 500))
			fl->tpl.ip_id += (uint16_t)(1 + below(r, 100));
		else
			fl->id_mode = (int)below(r, 3);
		f->ip_id = fl->tpl.ip_id;
		break;
	case UP_DF:
		if (f->ipv6)
			f->hop_limit ^= 0x80;
		else
			f->df = !f->df;
		break;
	case UP_FRAG:
		if (f->ipv6)
			pb_ext_add(f, PB_EXT_FRAG, (const uint8_t[]){ 0, (uint8_t)chance(r, 500), 0, 0, 1, 2 }, 6);
		else
			f->frag = chance(r, 500) ? 0x2000 : (uint16_t)(1 + below(r, 100));
		break;
	case UP_PAD: {
		size_t len = frame_len(f);

		f->pad = len < 60 && chance(r, 700) ? (uint32_t)(60 - len) : 1 + below(r, 20);
		break;
	}
	case UP_ULEN:
		f->udp_len_delta = chance(r, 500) ? -(int)(1 + below(r, 8)) : (int)(1 + below(r, 8));
		break;
	case UP_IPLEN:
		f->tot_len_delta = chance(r, 500) ? -1 : 1;
		break;
	case UP_BADIP:
		bad_ip_csum(f);
		break;
	case UP_OPT:
		if (f->ipv6) {
			pb_ext_add(f, PB_EXT_DEST, NULL, 6);
		} else {
			memset(f->ip_opts, 1, 4);
			f->ip_opts_len = 4;
		}
		break;
	}
}

static void gen_udp_scenario(struct uscen *u, uint64_t seed, uint64_t idx, int mode)
{
	static const unsigned perms[] = { 0, 30, 100, 250 };
	static struct scen tcp;
	struct rng *r = &u->r;
	int total, ntcp = 0, i, k, fam, perm, ilv, last = -1;
	int left[U_MAX_FLOWS], pos[U_MAX_FLOWS];
	static struct pb_frame per[U_MAX_FLOWS][U_MAX_FRAMES];

	memset(u, 0, sizeof(*u));
	r->s = seed ^ (0x9e6c63d0676a9a99ull * (idx + 1)) ^ ((uint64_t)mode << 56);
	rnd64(r);
	fam = (int)below(r, 10);
	perm = (int)perms[below(r, 4)];
	if (chance(r, 100)) {
		u->nflows = 1;                  /* a long run: 64+ datagrams */
		total = 64 + (int)below(r, 100);
	} else {
		u->nflows = chance(r, 80) ? 9 + (int)below(r, 2) : 1 + (int)below(r, 6);
		total = u->nflows + (int)below(r, 60 - u->nflows);
	}
	u_setup(u, fam);
	spread(r, left, u->nflows, total);
	for (i = 0; i < u->nflows; i++) {
		struct uflow *fl = &u->fl[i];

		for (k = 0; k < left[i]; k++) {
			struct pb_frame *f = &per[i][k];

			*f = fl->tpl;
			f->payload = NULL;
			f->payload_len = fl->seg;
			f->seq = u->off;
			f->ip_id = next_ip_id(r, &fl->tpl, fl->id_mode);
			/* The sender's last datagram is often shorter. */
			if (k == left[i] - 1 && chance(r, 300))
				f->payload_len = 1 + below(r, fl->seg);
			if (perm && chance(r, (unsigned)perm)) {
				u_perturb(u, fl, f, (int)below(r, UP_COUNT));
				if (chance(r, 150))
					u_perturb(u, fl, f, (int)below(r, UP_COUNT));
			}
			clamp(f);
			u->off += f->payload_len;
		}
	}
	/* Interleave as the TCP generator does. */
	ilv = (int)below(r, 4);
	memset(pos, 0, sizeof(pos));
	for (i = 0; i < total; i++) {
		int fi = next_flow(r, ilv, last, pos, left, u->nflows);

		u->out[u->nout++] = per[fi][pos[fi]++];
		last = fi;
	}
	/* A datagram swapped with its successor, now and then. */
	if (perm && chance(r, 200) && u->nout > 1) {
		int at = (int)below(r, (uint32_t)u->nout - 1);
		struct pb_frame t = u->out[at];

		u->out[at] = u->out[at + 1];
		u->out[at + 1] = t;
	}
	/* TCP frames of the same capture, inserted at random places. */
	if (chance(r, 250)) {
		gen_scenario(&tcp, seed ^ 0x5555, idx * 2 + (uint64_t)mode);
		ntcp = tcp.nout < 20 ? tcp.nout : 20;
		for (i = 0; i < ntcp; i++)
			*insert_at_random(r, u->out, &u->nout) = tcp.out[i];
	}
}

static int run_random_udp(uint64_t seed, uint64_t count)
{
	static struct uscen u;
	static struct scen s;
	uint64_t i;
	int mode;

	for (mode = UM_L4; mode <= UM_FL; mode++)
		for (i = 0; i < count; i++) {
			gen_udp_scenario(&u, seed, i, mode);
			write_scenario(u.out, u.nout, um_prefix[mode], seed, i);
		}
	/* TCP through a fraglist receiver: a quarter as many. */
	for (i = 0; i < (count + 3) / 4; i++) {
		gen_scenario(&s, seed, i);
		write_scenario(s.out, s.nout, "tcpfl-", seed, i);
	}
	printf("wrote %" PRIu64 " random UDP scenarios per mode and %" PRIu64
	       " TCP fraglist ones to %s\n", count, (count + 3) / 4, outdir);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* VLAN tags                                                                */

/* The TCP selftest cases with tags, and cases about the tags, read by a
 * kernel with VLAN GRO (CONFIG_VLAN_8021Q; no VLAN device needed):
 *
 *   vlan-c-v4_*, -v6_*    one 802.1Q tag, VID 100
 *   vlan-ad-v4_*, -v6_*   one 802.1ad tag, VID 100
 *   vlan-qq-v4_*, -v6_*   802.1ad VID 100 outside, 802.1Q VID 200 inside
 *
 * The .expect file lists the TCP payload lengths delivered, in order. */
static const char *const vt_prefix[] = { "", "vlan-c-", "vlan-ad-", "vlan-qq-" };

static void vlan_tag(const struct st *c, struct pb_frame *f)
{
	f->nvlan = c->vlan == VT_QQ ? 2 : 1;
	f->vlan_tpid[0] = c->vlan == VT_C ? 0x8100 : 0x88a8;
	f->vlan_tci[0] = 100;
	f->vlan_tpid[1] = 0x8100;
	f->vlan_tci[1] = 200;
}

/* A tag differs on the second of three segments: 0 VID, 1 priority
 * (PCP 5), 2 DEI, 3 TPID (802.1Q <-> 802.1ad), 4 no tag, 5 one more tag
 * (802.1Q VID 300 inside), 6 the inner tag's VID (QinQ; else the outer),
 * 7 the inner tag's priority (QinQ; else the outer). */
static void vcase_change(struct st *c, int arg)
{
	struct pb_frame f;
	int i;

	for (i = 0; i < 3; i++) {
		int k;

		st_pkt(c, &f, (uint32_t)i * ST_PAYLOAD, ST_PAYLOAD);
		k = (arg >= 6 && f.nvlan > 1) ? 1 : 0;
		if (i == 1) {
			switch (arg) {
			case 0:
			case 6: f.vlan_tci[k] ^= 0x0010; break;
			case 1:
			case 7: f.vlan_tci[k] |= 5 << 13; break;
			case 2: f.vlan_tci[0] |= 0x1000; break;
			case 3: f.vlan_tpid[0] = f.vlan_tpid[0] == 0x8100 ? 0x88a8 : 0x8100; break;
			case 4:
				memmove(&f.vlan_tpid[0], &f.vlan_tpid[1], sizeof(f.vlan_tpid[0]) * 3);
				memmove(&f.vlan_tci[0], &f.vlan_tci[1], sizeof(f.vlan_tci[0]) * 3);
				f.nvlan--;
				break;
			case 5:
				f.vlan_tpid[f.nvlan] = 0x8100;
				f.vlan_tci[f.nvlan] = 300;
				f.nvlan++;
				break;
			}
		}
		st_add(c, &f);
	}
	st_fin(c, 1);
	expect(c, 3, 100, 100, 100);
}

/* Two flows with the same addresses and ports on different VLANs,
 * interleaved (arg 0: VIDs 100 and 101; 1: PCP 0 and 3 on VID 100; 2: the
 * second untagged), two segments each. And 3: PCP 6 and DEI on every
 * segment of one flow. */
static void vcase_two(struct st *c, int arg)
{
	struct pb_frame f;
	int i, fl;

	for (i = 0; i < 2; i++) {
		for (fl = 0; fl < 2; fl++) {
			/* (3: one flow, four segments in a row) */
			st_pkt(c, &f, (uint32_t)(arg == 3 ? 2 * i + fl : i) * ST_PAYLOAD / 2,
			       ST_PAYLOAD / 2);
			if (arg == 3)
				f.vlan_tci[0] |= 0xd000;
			else if (fl && arg == 0)
				f.vlan_tci[0] ^= 1;
			else if (fl && arg == 1)
				f.vlan_tci[0] |= 3 << 13;
			else if (fl && arg == 2)
				f.nvlan = 0;
			if (fl && arg != 3)
				f.seq = ST_SEQ + 10000 + (uint32_t)i * ST_PAYLOAD / 2;
			st_add(c, &f);
		}
	}
	st_fin(c, 1);
	if (arg == 3)
		expect(c, 1, 200);
	else
		expect(c, 2, 100, 100);
}

static const struct st_case v_cases[] = {
	{ "vid_diff",        BOTH, vcase_change, 0 },
	{ "pcp_diff",        BOTH, vcase_change, 1 },
	{ "dei_diff",        BOTH, vcase_change, 2 },
	{ "tpid_diff",       BOTH, vcase_change, 3 },
	{ "tag_dropped",     BOTH, vcase_change, 4 },
	{ "tag_added",       BOTH, vcase_change, 5 },
	{ "inner_vid_diff",  BOTH, vcase_change, 6 },
	{ "inner_pcp_diff",  BOTH, vcase_change, 7 },
	{ "two_vids",        BOTH, vcase_two, 0 },
	{ "two_pcps",        BOTH, vcase_two, 1 },
	{ "tagged_untagged", BOTH, vcase_two, 2 },
	{ "pcp_dei_all",     BOTH, vcase_two, 3 },
};

static int write_vcase(int vt, const struct st_case *sc)
{
	int v6, files = 0;

	for (v6 = 0; v6 < 2; v6++) {
		static struct st c;
		char name[256];

		if (!(sc->fam & (v6 ? V6 : V4)))
			continue;
		memset(&c, 0, sizeof(c));
		c.v6 = v6;
		c.vlan = vt;
		sc->fn(&c, sc->arg);
		snprintf(name, sizeof(name), "%sv%d_%s", vt_prefix[vt], v6 ? 6 : 4, sc->name);
		write_pcap(&c.l, "%s", name);
		write_expect(&c, name);
		pb_list_free(&c.l);
		files++;
	}
	return files;
}

static int run_vlan_selftest(void)
{
	size_t i;
	int vt, files = 0;

	memset(st_fill, 'a', sizeof(st_fill));
	for (vt = VT_C; vt <= VT_QQ; vt++) {
		for (i = 0; i < sizeof(st_cases) / sizeof(st_cases[0]); i++)
			files += write_vcase(vt, &st_cases[i]);
		for (i = 0; i < sizeof(v_cases) / sizeof(v_cases[0]); i++)
			files += write_vcase(vt, &v_cases[i]);
	}
	printf("wrote %d VLAN selftest scenarios to %s\n", files, outdir);
	return 0;
}

/* Random VLAN scenarios (random-vlan): the TCP generator with tags on
 * (nearly) every flow, flows that share addresses and ports on other
 * VLANs, and perturbations of the tags. */
static uint16_t vlan_tci_pick(struct rng *r)
{
	uint16_t vid = chance(r, 700) ? (uint16_t[]){ 1, 2, 100, 4094 }[below(r, 4)]
				      : (uint16_t)(1 + below(r, 4094));

	return (uint16_t)((chance(r, 300) ? below(r, 8) << 13 : 0) |
			  (chance(r, 30) ? 0x1000 : 0) | vid);
}

static void vlan_setup_flow(struct scen *s, int i)
{
	struct rng *r = &s->r;
	struct pb_frame *t = &s->fl[i].tpl;
	unsigned u = below(r, 100);
	int k;

	if (u < 5) {
		t->nvlan = 0;
	} else if (u < 60) {
		t->nvlan = 1;
		t->vlan_tpid[0] = chance(r, 800) ? 0x8100 : 0x88a8;
	} else {
		t->nvlan = 2;
		t->vlan_tpid[1] = 0x8100;
		u = below(r, 10);
		t->vlan_tpid[0] = u < 6 ? 0x88a8 : 0x8100;
		if (u == 9)
			t->vlan_tpid[1] = 0x88a8;
	}
	for (k = 0; k < t->nvlan; k++)
		t->vlan_tci[k] = vlan_tci_pick(r);
	/* The same addresses and ports as the first flow, another VLAN. */
	if (i > 0 && t->ipv6 == s->fl[0].tpl.ipv6 && chance(r, 300)) {
		memcpy(t->saddr, s->fl[0].tpl.saddr, 16);
		memcpy(t->daddr, s->fl[0].tpl.daddr, 16);
		t->sport = s->fl[0].tpl.sport;
		t->dport = s->fl[0].tpl.dport;
		if (t->nvlan && t->nvlan == s->fl[0].tpl.nvlan &&
		    !memcmp(t->vlan_tci, s->fl[0].tpl.vlan_tci, sizeof(t->vlan_tci)))
			t->vlan_tci[0] ^= 1;
	}
}

/* A tag perturbation of one segment (and now and then the flow's rest). */
static void vlan_perturb(struct scen *s, struct flow *fl, struct pb_frame *f)
{
	struct rng *r = &s->r;
	int k = f->nvlan > 1 && chance(r, 500) ? 1 : 0;

	switch (below(r, 6)) {
	case 0:
		if (f->nvlan)
			f->vlan_tci[k] ^= (uint16_t)(1 + below(r, 7));
		break;
	case 1:
		if (f->nvlan)
			f->vlan_tci[k] ^= (uint16_t)((1 + below(r, 7)) << 13);
		break;
	case 2:
		if (f->nvlan)
			f->vlan_tci[k] ^= 0x1000;
		break;
	case 3:
		if (f->nvlan)
			f->vlan_tpid[k] = f->vlan_tpid[k] == 0x8100 ? 0x88a8 : 0x8100;
		break;
	case 4:                                         /* the outer tag dropped */
		if (f->nvlan) {
			memmove(&f->vlan_tpid[0], &f->vlan_tpid[1], sizeof(f->vlan_tpid[0]) * 3);
			memmove(&f->vlan_tci[0], &f->vlan_tci[1], sizeof(f->vlan_tci[0]) * 3);
			f->nvlan--;
		}
		break;
	default:                                        /* a tag added outside */
		if (f->nvlan < 3) {
			memmove(&f->vlan_tpid[1], &f->vlan_tpid[0], sizeof(f->vlan_tpid[0]) * 3);
			memmove(&f->vlan_tci[1], &f->vlan_tci[0], sizeof(f->vlan_tci[0]) * 3);
			f->vlan_tpid[0] = chance(r, 500) ? 0x88a8 : 0x8100;
			f->vlan_tci[0] = vlan_tci_pick(r);
			f->nvlan++;
		}
		break;
	}
	if (chance(r, 300)) {
		fl->tpl.nvlan = f->nvlan;
		memcpy(fl->tpl.vlan_tpid, f->vlan_tpid, sizeof(f->vlan_tpid));
		memcpy(fl->tpl.vlan_tci, f->vlan_tci, sizeof(f->vlan_tci));
	}
}

static int run_random_vlan(uint64_t seed, uint64_t count)
{
	static struct scen s;
	uint64_t i;

	vlan_mode = 1;
	for (i = 0; i < count; i++) {
		gen_scenario(&s, seed ^ 0x5bd1e9955bd1e995ull, i);
		write_scenario(s.out, s.nout, "vlan-", seed, i);
	}
	vlan_mode = 0;
	printf("wrote %" PRIu64 " random VLAN scenarios (vlan-) to %s\n", count, outdir);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Tunnelled TCP                                                            */

/* The TCP selftest cases inside a tunnel, and cases about the outer
 * headers, per kind of encapsulation a receiver with no tunnel device
 * still merges:
 *
 *   ipip-v4_*     IPv4 in IPv4 (protocol 4)
 *   sit-v6_*      IPv6 in IPv4 (protocol 41)
 *   4in6-v4_*     IPv4 in IPv6 (next header 4)
 *   6in6-v6_*     IPv6 in IPv6 (next header 41)
 *   gre-v4_*, gre-v6_*          GRE over IPv4, IPv4 or IPv6 inside
 *   gre-o6v4_*, gre-o6v6_*      GRE over IPv6
 *   gnv-v4_*, gnv-v6_*          GENEVE over IPv4 (UDP port 6081), Ethernet
 *                               and IPv4 or IPv6 inside (geneve-selftest)
 *   gnv-o6v4_*, gnv-o6v6_*      GENEVE over IPv6
 *
 * GENEVE is merged only by a receiver with a GENEVE device on port 6081
 * (kgro --geneve-port 6081), so its kinds have commands of their own.
 * The outer header defaults to 172.16.0.1 -> 172.16.0.2 (fd00:7::1 ->
 * fd00:7::2), TTL 64, DF, a fixed ID 0; GRE to no flags, version 0. The
 * .expect file lists the inner TCP payload lengths delivered, in order. */
struct tkind {
	const char *prefix;
	int outer6;
	int gre;
	int fam;                /* inner families (V4, V6, BOTH) */
	int vxlan;              /* VXLAN (UDP port 4789) instead of GRE or IP in IP */
	int csum;               /* VXLAN: the outer UDP checksum is set */
	int geneve;             /* GENEVE (UDP port 6081), Ethernet inside */
};

/* Layer kinds for tun_layer(). */
enum { TL_IPIP, TL_GRE, TL_VXLAN, TL_GENEVE };

static int tk_kind(const struct tkind *tk)
{
	return tk->vxlan ? TL_VXLAN : tk->geneve ? TL_GENEVE : tk->gre ? TL_GRE : TL_IPIP;
}

static const struct tkind tkinds[] = {
	{ "ipip-", 0, 0, V4, 0, 0, 0 },
	{ "sit-",  0, 0, V6, 0, 0, 0 },
	{ "4in6-", 1, 0, V4, 0, 0, 0 },
	{ "6in6-", 1, 0, V6, 0, 0, 0 },
	{ "gre-",  0, 1, BOTH, 0, 0, 0 },
	{ "gre-o6", 1, 1, BOTH, 0, 0, 0 },
	{ "gnv-",  0, 0, BOTH, 0, 0, 1 },
	{ "gnv-o6", 1, 0, BOTH, 0, 0, 1 },
};
#define NTKINDS (sizeof(tkinds) / sizeof(tkinds[0]))

#define GNV_VNI 0x123456

/* One tunnel layer of @kind (TL_*) with the cases' outer addresses;
 * @depth > 0 gives an inner layer its own addresses (and VNI for VXLAN,
 * UDP source port for GENEVE). GENEVE carries Ethernet, VNI GNV_VNI, no
 * options, a UDP checksum. */
static struct pb_tunnel *tun_layer(struct pb_frame *f, int outer6, int kind, int depth)
{
	struct pb_tunnel *t = pb_tun_push(f, outer6, kind == TL_GRE);

	if (!t)
		die("internal error: too many tunnel layers");
	if (kind == TL_VXLAN) {
		t->udp_tun = PB_TUN_VXLAN;
		t->vni = 0x123456u + (uint32_t)depth;
	} else if (kind == TL_GENEVE) {
		t->udp_tun = PB_TUN_GENEVE;
		t->gnv_eth = 1;
		t->vni = GNV_VNI;
		t->udp_sport = (uint16_t)(49152 + depth);
	}
	if (outer6) {
		inet_pton(AF_INET6, "fd00:7::1", t->saddr);
		inet_pton(AF_INET6, "fd00:7::2", t->daddr);
		t->saddr[14] = t->daddr[14] = (uint8_t)depth;
	} else {
		inet_pton(AF_INET, "172.16.0.1", t->saddr);
		inet_pton(AF_INET, "172.16.0.2", t->daddr);
		t->saddr[2] = t->daddr[2] = (uint8_t)depth;
	}
	return t;
}

static void tun_wrap(const struct st *c, struct pb_frame *f)
{
	struct pb_tunnel *t = tun_layer(f, c->tk->outer6, tk_kind(c->tk), 0);

	if (c->tk->vxlan)
		t->udp_csum = c->tk->csum;
}

/* Bytes the case's encapsulation adds in front of the inner IP header. */
static int tun_overhead(const struct st *c)
{
	struct pb_frame f;
	struct pb_offsets o;

	if (!c->tk)
		return 0;
	pb_init(&f, c->v6);
	tun_wrap(c, &f);
	pb_layout(&f, &o);
	return (int)(o.l3 - o.outer);
}

/* A selftest-style segment @i (100 bytes at offset 100 * i). */
static void t_seg(struct st *c, struct pb_frame *f, int i)
{
	st_pkt(c, f, (uint32_t)i * ST_PAYLOAD, ST_PAYLOAD);
}

/* Outer IPv4 ID and DF: npkt segments with outer IDs id[] and DF df[]. */
static void tcase_outer_id(struct st *c, int arg)
{
	static const struct { int npkt; uint16_t id[3]; int df[3]; int nexp, exp[3]; } t[] = {
		{ 3, { 8, 9, 10 }, { 1, 1, 1 }, 1, { 300 } },           /* 0 inc */
		{ 3, { 8, 8, 8 }, { 1, 1, 1 }, 1, { 300 } },            /* 1 fixed */
		{ 3, { 8, 9, 10 }, { 0, 0, 0 }, 1, { 300 } },           /* 2 df0 inc */
		{ 3, { 8, 8, 8 }, { 0, 0, 0 }, 1, { 300 } },            /* 3 df0 fixed */
		{ 3, { 8, 9, 9 }, { 1, 1, 1 }, 2, { 200, 100 } },       /* 4 inc then fixed */
		{ 3, { 8, 8, 9 }, { 1, 1, 1 }, 2, { 200, 100 } },       /* 5 fixed then inc */
		{ 2, { 8, 10 }, { 1, 1 }, 2, { 100, 100 } },            /* 6 jump */
		{ 3, { 8, 8, 8 }, { 1, 1, 0 }, 2, { 200, 100 } },       /* 7 DF flip, fixed */
		{ 3, { 8, 9, 10 }, { 1, 1, 0 }, 2, { 200, 100 } },      /* 8 DF flip, inc */
		{ 3, { 8, 7, 6 }, { 1, 1, 1 }, 3, { 100, 100, 100 } },  /* 9 decrementing */
	};
	struct pb_frame f;
	int i;

	for (i = 0; i < t[arg].npkt; i++) {
		t_seg(c, &f, i);
		f.tun[0].ip_id = t[arg].id[i];
		f.tun[0].df = t[arg].df[i];
		st_add(c, &f);
	}
	st_fin(c, 1);
	for (i = 0; i < t[arg].nexp; i++)
		expect(c, 1, t[arg].exp[i]);
}

/* Inner IPv4 ID against outer: arg 0 outer inc/inner fixed, 1 outer
 * fixed/inner inc, 2 both inc, 3 inner inc then fixed under a fixed
 * outer, 4 inner fixed then inc under an incrementing outer, 5 inner
 * DF off and fixed, 6 inner jump. */
static void tcase_inner_id(struct st *c, int arg)
{
	static const struct { uint16_t oid[3], iid[3]; int idf, nexp, exp[2]; } t[] = {
		{ { 1, 2, 3 }, { 5, 5, 5 }, 1, 1, { 300 } },
		{ { 1, 1, 1 }, { 5, 6, 7 }, 1, 1, { 300 } },
		{ { 1, 2, 3 }, { 5, 6, 7 }, 1, 1, { 300 } },
		{ { 1, 1, 1 }, { 5, 6, 6 }, 1, 2, { 200, 100 } },
		{ { 1, 2, 3 }, { 5, 5, 6 }, 1, 2, { 200, 100 } },
		{ { 1, 2, 3 }, { 5, 5, 5 }, 0, 1, { 300 } },
		{ { 1, 2, 3 }, { 5, 9, 10 }, 1, 2, { 100, 200 } },
	};
	struct pb_frame f;
	int i;

	for (i = 0; i < 3; i++) {
		t_seg(c, &f, i);
		if (!f.tun[0].ipv6)
			f.tun[0].ip_id = t[arg].oid[i];
		f.ip_id = t[arg].iid[i];
		f.df = t[arg].idf;
		st_add(c, &f);
	}
	st_fin(c, 1);
	for (i = 0; i < t[arg].nexp; i++)
		expect(c, 1, t[arg].exp[i]);
}

/* The second of two segments differs in one outer field: 0 TTL/hop limit,
 * 1 TOS/traffic class, 2 ECN bits, 3 flow label (IPv4: TOS 0x04),
 * 4 source address, 5 bad IPv4 header checksum (IPv6: a wrong outer
 * payload length), 6 40-byte IPv4 options (IPv6: a Destination Options
 * header), 7 first fragment (MF), 8 later fragment (offset 8), 9 outer
 * length longer than the frame... (IPv4 tot_len + 4 bytes of padding). */
static void tcase_outer_field(struct st *c, int arg)
{
	struct pb_frame f;
	struct pb_tunnel *t;

	t_seg(c, &f, 0);
	st_add(c, &f);
	t_seg(c, &f, 1);
	t = &f.tun[0];
	switch (arg) {
	case 0: t->ttl = t->hop_limit = 7; break;
	case 1: t->tos = 0x01; t->tclass = 0xf0; break;
	case 2: t->tos = t->tclass = 0x02; break;
	case 3: t->flowlabel = 0x12345; t->tos = 0x04; break;
	case 4: t->saddr[t->ipv6 ? 15 : 3] ^= 0x10; break;
	case 5:
		if (t->ipv6)
			t->tot_len_delta = -1;
		else
			t->bad_ip_csum = 1;
		break;
	case 6:
		if (t->ipv6) {
			pb_tun_ext_add(t, PB_EXT_DEST, NULL, 6);
		} else {
			t->ip_opts[0] = 0x44;
			t->ip_opts[1] = 40;
			t->ip_opts[2] = 5;
			t->ip_opts_len = 40;
		}
		break;
	case 7:
	case 8:
		if (t->ipv6) {
			uint8_t body[6] = { 0, (uint8_t)(arg == 7 ? 1 : 8), 0, 0, 0, 1 };

			if (arg == 8)
				body[1] = 1 << 3;
			pb_tun_ext_add(t, PB_EXT_FRAG, body, 6);
		} else {
			t->frag = arg == 7 ? 0x2000 : 1;
		}
		break;
	case 9:
		f.pad = 4;
		t->tot_len_delta = 4;
		break;
	}
	st_add(c, &f);
	t_seg(c, &f, 2);
	st_add(c, &f);
	st_fin(c, 1);
	/* Every change ends the run (a different flow for 4; a segment that
	 * goes up alone otherwise). IPv6's short payload length cuts a byte;
	 * with a UDP checksum to verify (GENEVE's cases always have one), that
	 * segment is not even looked at (udp_gro_receive cannot trust it) and
	 * goes up first. */
	if (arg == 5 && c->tk->outer6 && (c->tk->geneve || (c->tk->vxlan && c->tk->csum)))
		expect(c, 3, 99, 100, 100);
	else
		expect(c, 3, 100, arg == 5 && c->tk->outer6 ? 99 : 100, 100);
}

/* The same outer change on every segment: 0 IPv4 options (4 NOPs) /
 * IPv6 Destination Options, 1 an atomic IPv6 fragment header / IPv4 DF
 * off with a fixed ID, 2 TTL 1. */
static void tcase_outer_all(struct st *c, int arg)
{
	struct pb_frame f;
	int i;

	for (i = 0; i < 2; i++) {
		struct pb_tunnel *t;

		t_seg(c, &f, i);
		t = &f.tun[0];
		if (arg == 0 && t->ipv6) {
			pb_tun_ext_add(t, PB_EXT_DEST, NULL, 6);
		} else if (arg == 0) {
			memset(t->ip_opts, 1, 4);
			t->ip_opts_len = 4;
		} else if (arg == 1 && t->ipv6) {
			pb_tun_ext_add(t, PB_EXT_FRAG, NULL, 0);
		} else if (arg == 1) {
			t->df = 0;
		} else {
			t->ttl = t->hop_limit = 1;
		}
		st_add(c, &f);
	}
	st_fin(c, 1);
	/* IPv4 options and an IPv6 Fragment header are never merged; IPv6
	 * Destination Options, DF off with a fixed ID and TTL 1 are. */
	if ((arg == 0 && !c->tk->outer6) || (arg == 1 && c->tk->outer6))
		expect(c, 2, 100, 100);
	else
		expect(c, 1, 200);
}

/* Nested: every segment in a second layer (arg 0: the same kind inside
 * itself; 1: GRE around it; 2: IP in IP around GRE; 3: GRE inside it;
 * 4: IP in IP of the other family inside it). Two segments of the
 * nested flow with a plain segment of the selftest flow between them. */
static void tcase_nested(struct st *c, int arg)
{
	struct pb_frame f;
	int i;

	for (i = 0; i < 2; i++) {
		t_seg(c, &f, i);
		f.ntun = 0;
		if (arg == 1)
			tun_layer(&f, c->tk->outer6, TL_GRE, 1);
		else if (arg == 2)
			tun_layer(&f, c->tk->outer6, TL_IPIP, 1);
		tun_layer(&f, c->tk->outer6, arg == 2 ? TL_GRE : tk_kind(c->tk), 0);
		if (arg == 0)
			tun_layer(&f, c->tk->outer6, tk_kind(c->tk), 2);
		else if (arg == 3)
			tun_layer(&f, c->tk->outer6, TL_GRE, 2);
		else if (arg == 4)
			tun_layer(&f, !c->tk->outer6, TL_IPIP, 2);
		st_add(c, &f);
	}
	st_fin(c, 1);
	expect(c, 2, 100, 100);
}

/* A plain segment and a tunnelled one of the same inner flow. */
static void tcase_mixed(struct st *c, int arg)
{
	struct pb_frame f;

	t_seg(c, &f, 0);
	if (arg == 0)
		f.ntun = 0;
	st_add(c, &f);
	t_seg(c, &f, 1);
	if (arg == 1)
		f.ntun = 0;
	st_add(c, &f);
	st_fin(c, 1);
	expect(c, 2, 100, 100);
}

/* A segment whose outer header is broken goes up at once; is the flow held
 * before it flushed? Segment 0, the broken copy of segment 1, then a good
 * segment 1: arg 0 bad outer IPv4 checksum (IPv6: a hop limit change),
 * 1 bad GRE checksum (GRE with C), 2 GRE S flag, 3 outer fragment,
 * 4 nested in a second layer of the same kind, 5 outer IPv4 options (IPv6:
 * a Routing header), 6 bad outer UDP checksum (VXLAN with a checksum). */
static void tcase_broken(struct st *c, int arg)
{
	struct pb_frame f;
	struct pb_tunnel *t;
	int i;

	for (i = 0; i < 3; i++) {
		t_seg(c, &f, i ? 1 : 0);
		t = &f.tun[0];
		if (arg == 1)
			t->gre_bits = PB_GRE_C;
		if (i == 1) {
			switch (arg) {
			case 0:
				if (t->ipv6)
					t->hop_limit = 3;
				else
					t->bad_ip_csum = 1;
				break;
			case 1: t->bad_gre_csum = 1; break;
			case 6: t->bad_udp_csum = 1; break;
			case 2: t->gre_bits |= PB_GRE_S; t->gre_seq = 1; break;
			case 3:
				if (t->ipv6)
					pb_tun_ext_add(t, PB_EXT_FRAG, NULL, 0);
				else
					t->frag = 0x2000;
				break;
			case 4:                 /* nested: the same kind around it */
				f.ntun = 0;
				tun_layer(&f, c->tk->outer6, tk_kind(c->tk), 1);
				tun_layer(&f, c->tk->outer6, tk_kind(c->tk), 0);
				break;
			case 5:
				if (t->ipv6) {
					static const uint8_t rt[6] = { 253 };

					pb_tun_ext_add(t, PB_EXT_ROUTE, rt, 6);
				} else {
					memset(t->ip_opts, 1, 4);
					t->ip_opts_len = 4;
				}
				break;
			}
		}
		st_add(c, &f);
	}
	st_fin(c, 1);
	/* A broken segment goes up at once and leaves the held flow held;
	 * a different hop limit is no damage, it ends the run. */
	if (arg == 0 && c->tk->outer6)
		expect(c, 3, 100, 100, 100);
	else if (arg == 5 && c->tk->outer6)
		expect(c, 2, 200, 100);         /* its own flow, held, flushed after */
	else
		expect(c, 2, 100, 200);
}

/* GRE header variants on every segment: 0 C, 1 K, 2 C+K, 3 S, 4 version
 * 1, 5 R, 6 unknown protocol 0x88b5, 7 TEB (Ethernet inside), 8 C+K+S,
 * 9 reserved flag bit 0x0080, 10 recursion bits 0x0100. */
static void tcase_gre_hdr(struct st *c, int arg)
{
	static const uint16_t bits[] = { PB_GRE_C, PB_GRE_K, PB_GRE_C | PB_GRE_K, PB_GRE_S, 1,
					 PB_GRE_R, 0, 0, PB_GRE_C | PB_GRE_K | PB_GRE_S, 0x0080, 0x0100 };
	struct pb_frame f;
	int i;

	for (i = 0; i < 2; i++) {
		t_seg(c, &f, i);
		f.tun[0].gre_bits = bits[arg];
		f.tun[0].gre_key = 0x1234;
		f.tun[0].gre_seq = (uint32_t)i;
		if (arg == 6)
			f.tun[0].gre_proto = 0x88b5;
		if (arg == 7)
			f.tun[0].gre_eth = 1;
		st_add(c, &f);
	}
	st_fin(c, 1);
	if (arg <= 2 || arg == 7)
		expect(c, 1, 200);
	else
		expect(c, 2, 100, 100);
}

/* GRE changes on the second of three segments: 0 key differs, 1 key
 * added, 2 checksum added, 3 checksum dropped, 4 TEB inner source MAC
 * differs, 5 TEB inner destination MAC differs. */
static void tcase_gre_change(struct st *c, int arg)
{
	struct pb_frame f;
	int i;

	for (i = 0; i < 3; i++) {
		struct pb_tunnel *t;

		t_seg(c, &f, i);
		t = &f.tun[0];
		t->gre_bits = (arg == 0 || arg == 3) ? (arg ? PB_GRE_C : PB_GRE_K) : 0;
		t->gre_key = 1;
		t->gre_eth = arg >= 4;
		if (i == 1) {
			switch (arg) {
			case 0: t->gre_key = 2; break;
			case 1: t->gre_bits = PB_GRE_K; break;
			case 2: t->gre_bits = PB_GRE_C; break;
			case 3: t->gre_bits = 0; break;
			case 4: t->eth_src[5] ^= 1; break;
			case 5: t->eth_dst[5] ^= 1; break;
			}
		}
		st_add(c, &f);
	}
	st_fin(c, 1);
	expect(c, 3, 100, 100, 100);
}

/* VXLAN header variants on every segment: 0 G (group policy) flag,
 * 1 no I flag, 2 RCO flag (remote checksum offload, off on the device),
 * 3 the reserved byte after the VNI set, 4 VNI 0, 5 outer UDP source
 * port 0. The device would drop some after GRO; GRO merges them all. */
static void tcase_vx_hdr(struct st *c, int arg)
{
	struct pb_frame f;
	int i;

	for (i = 0; i < 2; i++) {
		struct pb_tunnel *t;

		t_seg(c, &f, i);
		t = &f.tun[0];
		switch (arg) {
		case 0: t->vx_flags |= 0x80000000u; break;
		case 1: t->vx_flags = 0; break;
		case 2: t->vx_flags |= 0x00200000u; break;
		case 3: t->vni_low = 1; break;
		case 4: t->vni = 0; break;
		case 5: t->udp_sport = 0; break;
		}
		st_add(c, &f);
	}
	st_fin(c, 1);
	expect(c, 1, 200);
}

/* VXLAN changes on the second of three segments: 0 VNI, 1 G flag,
 * 2 reserved byte after the VNI, 3 outer UDP source port, 4 outer UDP
 * checksum present or not (the opposite of the others), 5 inner source
 * MAC, 6 inner destination MAC, 7 destination port 4790 (no tunnel
 * there: UDP, which this receiver may merge but not with TCP). */
static void tcase_vx_change(struct st *c, int arg)
{
	struct pb_frame f;
	int i;

	for (i = 0; i < 3; i++) {
		struct pb_tunnel *t;

		t_seg(c, &f, i);
		t = &f.tun[0];
		if (i == 1) {
			switch (arg) {
			case 0: t->vni ^= 1; break;
			case 1: t->vx_flags |= 0x80000000u; break;
			case 2: t->vni_low = 0x10; break;
			case 3: t->udp_sport++; break;
			case 4: t->udp_csum = !t->udp_csum; break;
			case 5: t->eth_src[5] ^= 1; break;
			case 6: t->eth_dst[5] ^= 1; break;
			case 7: t->udp_dport = 4790; break;
			}
		}
		st_add(c, &f);
	}
	st_fin(c, 1);
	/* A datagram to a port without a tunnel is plain UDP, which this
	 * receiver does not merge: it goes up at once, not TCP ("x"). */
	if (arg == 7)
		expect(c, 3, EXP_NOT_TCP, 100, 100);
	else
		expect(c, 3, 100, 100, 100);
}

/* GENEVE header variants on every segment: 0 outer UDP checksum 0,
 * 1 IPv4/IPv6 inside (protocol 0x0800/0x86DD, no Ethernet), 2 8 bytes of
 * options, 3 O (OAM) bit, 4 version 1, 5 C (critical) bit, 6 unknown
 * protocol 0x88b5, 7 to port 6082 (no tunnel there: plain UDP), 8 the
 * reserved byte after the VNI set, 9 checksum 0 over options. */
static void tcase_gnv_hdr(struct st *c, int arg)
{
	static const uint8_t opts[8] = { 0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef };
	struct pb_frame f;
	int i;

	for (i = 0; i < 2; i++) {
		struct pb_tunnel *t;

		t_seg(c, &f, i);
		t = &f.tun[0];
		switch (arg) {
		case 0: t->udp_csum = 0; break;
		case 1: t->gnv_eth = 0; break;
		case 2:
		case 9:
			memcpy(t->gnv_opts, opts, sizeof(opts));
			t->gnv_opts_len = sizeof(opts);
			t->udp_csum = arg == 2;
			break;
		case 3: t->gnv_oam = 1; break;
		case 4: t->gnv_ver = 1; break;
		case 5: t->gnv_crit = 1; break;
		case 6: t->gnv_proto = 0x88b5; break;
		case 7: t->udp_dport = 6082; break;
		case 8: t->vni_low = 0x5a; break;
		}
		st_add(c, &f);
	}
	st_fin(c, 1);
	/* An unknown protocol or another port: plain UDP, not walked. */
	if (arg == 6 || arg == 7)
		expect(c, 2, EXP_NOT_TCP, EXP_NOT_TCP);
	else if (arg == 3 || arg == 4)
		expect(c, 2, 100, 100);
	else
		expect(c, 1, 200);
}

/* GENEVE changes on the second of three segments: 0 VNI, 1 options
 * added, 2 option data, 3 outer UDP source port, 4 checksum 0 (the others
 * have one), 5 inner source MAC, 6 inner destination MAC, 7 bad outer UDP
 * checksum, 8 checksum 0 on the first, set on the others. */
static void tcase_gnv_change(struct st *c, int arg)
{
	static const uint8_t opts[4] = { 0x01, 0x02, 0x80, 0x00 };
	struct pb_frame f;
	int i;

	for (i = 0; i < 3; i++) {
		struct pb_tunnel *t;

		t_seg(c, &f, i);
		t = &f.tun[0];
		if (arg == 2) {
			memcpy(t->gnv_opts, opts, sizeof(opts));
			t->gnv_opts_len = sizeof(opts);
		}
		if (i == (arg == 8 ? 0 : 1)) {
			switch (arg) {
			case 0: t->vni ^= 1; break;
			case 1:
				memcpy(t->gnv_opts, opts, sizeof(opts));
				t->gnv_opts_len = sizeof(opts);
				break;
			case 2: t->gnv_opts[3] = 1; break;
			case 3: t->udp_sport++; break;
			case 4:
			case 8: t->udp_csum = 0; break;
			case 5: t->eth_src[5] ^= 1; break;
			case 6: t->eth_dst[5] ^= 1; break;
			case 7: t->bad_udp_csum = 1; break;
			}
		}
		st_add(c, &f);
	}
	st_fin(c, 1);
	/* A zero checksum and a set one are never one flow: the first
	 * segment alone, held, then the other two merged. */
	if (arg == 8)
		expect(c, 2, 100, 200);
	else
		expect(c, 3, 100, 100, 100);
}

/* The outer UDP length of a tunnel with its checksum set, which nothing
 * but that checksum covers (Linux does not check the field): 0 the second
 * of three segments says 2 bytes more, its checksum made with that (it
 * holds); 1 the same, written after the checksum (which then fails); 2 the
 * last segment short, its length field the full segments' (the checksum
 * made with it, so it holds); 3 as 2, the field right but the checksum
 * made with the full segments' (it fails); 4 as 2, with the checksum
 * field copied from the first segment (with IPv4 inside, whose header
 * checksum absorbs the length, the sum holds; with IPv6 inside it fails). */
static void tcase_udp_len(struct st *c, int arg)
{
	size_t first = c->l.n;
	struct pb_frame f;
	int i;

	for (i = 0; i < 3; i++) {
		struct pb_tunnel *t;

		t_seg(c, &f, i);
		t = &f.tun[0];
		if (i == 2 && arg >= 2) {
			f.payload_len = 50;
			t->udp_len_delta = arg == 3 ? -50 : 50;
			t->udp_len_late = arg == 3;
		}
		if (i == 1 && arg < 2) {
			t->udp_len_delta = 2;
			t->udp_len_late = arg == 1;
		}
		st_add(c, &f);
		if (i == 2 && arg == 4) {
			struct pb_offsets o;

			pb_layout(&f, &o);
			memcpy(c->l.data[c->l.n - 1] + o.tun_l4[0] + 6, c->l.data[first] + o.tun_l4[0] + 6,
			       2);
		}
	}
	st_fin(c, 1);
	/* A checksum that holds merges whatever the length says; a segment
	 * whose checksum fails goes up at once, leaving the held flow (in 1
	 * the third segment then does not continue it). */
	switch (arg) {
	case 0: expect(c, 1, 300); break;
	case 1: expect(c, 3, 100, 100, 100); break;
	case 2: expect(c, 1, 250); break;
	case 3: expect(c, 2, 50, 200); break;
	case 4:
		if (c->v6)
			expect(c, 2, 50, 200);
		else
			expect(c, 1, 250);
		break;
	}
}

/* Which kinds a tunnel case is for (TK_VX and TK_VXCS: VXLAN only; TK_GNV:
 * GENEVE only; TK_UDPCS: a UDP tunnel with its checksum set). */
enum { TK_ALL = 0, TK_GRE = 1, TK_O4 = 2, TK_V4 = 3, TK_VX = 4, TK_VXCS = 5, TK_GNV = 6,
       TK_UDPCS = 7 };

static const struct tcase {
	const char *name;
	int only;
	void (*fn)(struct st *c, int arg);
	int arg;
} t_cases[] = {
	{ "outer_id_inc",        TK_O4,  tcase_outer_id, 0 },
	{ "outer_id_fixed",      TK_O4,  tcase_outer_id, 1 },
	{ "outer_id_df0_inc",    TK_O4,  tcase_outer_id, 2 },
	{ "outer_id_df0_fixed",  TK_O4,  tcase_outer_id, 3 },
	{ "outer_id_inc_fixed",  TK_O4,  tcase_outer_id, 4 },
	{ "outer_id_fixed_inc",  TK_O4,  tcase_outer_id, 5 },
	{ "outer_id_jump",       TK_O4,  tcase_outer_id, 6 },
	{ "outer_df_flip",       TK_O4,  tcase_outer_id, 7 },
	{ "outer_df_flip_inc",   TK_O4,  tcase_outer_id, 8 },
	{ "outer_id_dec",        TK_O4,  tcase_outer_id, 9 },
	{ "inner_id_oinc_ifixed", TK_V4, tcase_inner_id, 0 },
	{ "inner_id_ofixed_iinc", TK_V4, tcase_inner_id, 1 },
	{ "inner_id_both_inc",   TK_V4, tcase_inner_id, 2 },
	{ "inner_id_inc_fixed",  TK_V4, tcase_inner_id, 3 },
	{ "inner_id_fixed_inc",  TK_V4, tcase_inner_id, 4 },
	{ "inner_id_df0_fixed",  TK_V4, tcase_inner_id, 5 },
	{ "inner_id_jump",   TK_V4, tcase_inner_id, 6 },
	{ "outer_ttl",           TK_ALL, tcase_outer_field, 0 },
	{ "outer_tos",           TK_ALL, tcase_outer_field, 1 },
	{ "outer_ecn",           TK_ALL, tcase_outer_field, 2 },
	{ "outer_flowlabel",     TK_ALL, tcase_outer_field, 3 },
	{ "outer_saddr",         TK_ALL, tcase_outer_field, 4 },
	{ "outer_csum",          TK_ALL, tcase_outer_field, 5 },
	{ "outer_opt",           TK_ALL, tcase_outer_field, 6 },
	{ "outer_frag_first",    TK_ALL, tcase_outer_field, 7 },
	{ "outer_frag_later",    TK_ALL, tcase_outer_field, 8 },
	{ "outer_len_pad",       TK_ALL, tcase_outer_field, 9 },
	{ "outer_opt_all",       TK_ALL, tcase_outer_all, 0 },
	{ "outer_frag_all",      TK_ALL, tcase_outer_all, 1 },
	{ "outer_ttl1_all",      TK_ALL, tcase_outer_all, 2 },
	{ "nested_twice",        TK_ALL, tcase_nested, 0 },
	{ "nested_in_gre",       TK_ALL, tcase_nested, 1 },
	{ "nested_gre_in_ip",    TK_ALL, tcase_nested, 2 },
	{ "mixed_plain_first",   TK_ALL, tcase_mixed, 0 },
	{ "mixed_plain_second",  TK_ALL, tcase_mixed, 1 },
	{ "broken_outer",        TK_ALL, tcase_broken, 0 },
	{ "broken_outer_frag",   TK_ALL, tcase_broken, 3 },
	{ "broken_nested",       TK_ALL, tcase_broken, 4 },
	{ "broken_outer_opt",    TK_ALL, tcase_broken, 5 },
	{ "broken_gre_csum",     TK_GRE, tcase_broken, 1 },
	{ "broken_gre_seq",      TK_GRE, tcase_broken, 2 },
	{ "gre_csum",            TK_GRE, tcase_gre_hdr, 0 },
	{ "gre_key",             TK_GRE, tcase_gre_hdr, 1 },
	{ "gre_csum_key",        TK_GRE, tcase_gre_hdr, 2 },
	{ "gre_seq",             TK_GRE, tcase_gre_hdr, 3 },
	{ "gre_ver1",            TK_GRE, tcase_gre_hdr, 4 },
	{ "gre_routing",         TK_GRE, tcase_gre_hdr, 5 },
	{ "gre_proto_unknown",   TK_GRE, tcase_gre_hdr, 6 },
	{ "gre_teb",             TK_GRE, tcase_gre_hdr, 7 },
	{ "gre_csum_key_seq",    TK_GRE, tcase_gre_hdr, 8 },
	{ "gre_flag_reserved",   TK_GRE, tcase_gre_hdr, 9 },
	{ "gre_recursion",       TK_GRE, tcase_gre_hdr, 10 },
	{ "gre_key_diff",        TK_GRE, tcase_gre_change, 0 },
	{ "gre_key_added",       TK_GRE, tcase_gre_change, 1 },
	{ "gre_csum_added",      TK_GRE, tcase_gre_change, 2 },
	{ "gre_csum_dropped",    TK_GRE, tcase_gre_change, 3 },
	{ "gre_teb_smac",        TK_GRE, tcase_gre_change, 4 },
	{ "gre_teb_dmac",        TK_GRE, tcase_gre_change, 5 },
	{ "nested_gre_inside",   TK_VX,  tcase_nested, 3 },
	{ "nested_ipip_inside",  TK_VX,  tcase_nested, 4 },
	{ "broken_udp_csum",     TK_VXCS, tcase_broken, 6 },
	{ "vx_flag_g",           TK_VX,  tcase_vx_hdr, 0 },
	{ "vx_flag_no_i",        TK_VX,  tcase_vx_hdr, 1 },
	{ "vx_flag_rco",         TK_VX,  tcase_vx_hdr, 2 },
	{ "vx_reserved",         TK_VX,  tcase_vx_hdr, 3 },
	{ "vx_vni0",             TK_VX,  tcase_vx_hdr, 4 },
	{ "vx_sport0",           TK_VX,  tcase_vx_hdr, 5 },
	{ "vx_vni_diff",         TK_VX,  tcase_vx_change, 0 },
	{ "vx_flags_diff",       TK_VX,  tcase_vx_change, 1 },
	{ "vx_reserved_diff",    TK_VX,  tcase_vx_change, 2 },
	{ "vx_sport_diff",       TK_VX,  tcase_vx_change, 3 },
	{ "vx_csum_diff",        TK_VX,  tcase_vx_change, 4 },
	{ "vx_inner_smac",       TK_VX,  tcase_vx_change, 5 },
	{ "vx_inner_dmac",       TK_VX,  tcase_vx_change, 6 },
	{ "vx_other_port",       TK_VX,  tcase_vx_change, 7 },
	{ "gnv_csum_zero",       TK_GNV, tcase_gnv_hdr, 0 },
	{ "gnv_ip_inside",       TK_GNV, tcase_gnv_hdr, 1 },
	{ "gnv_opts",            TK_GNV, tcase_gnv_hdr, 2 },
	{ "gnv_oam",             TK_GNV, tcase_gnv_hdr, 3 },
	{ "gnv_ver1",            TK_GNV, tcase_gnv_hdr, 4 },
	{ "gnv_crit",            TK_GNV, tcase_gnv_hdr, 5 },
	{ "gnv_proto_unknown",   TK_GNV, tcase_gnv_hdr, 6 },
	{ "gnv_other_port",      TK_GNV, tcase_gnv_hdr, 7 },
	{ "gnv_vni_reserved",    TK_GNV, tcase_gnv_hdr, 8 },
	{ "gnv_opts_csum_zero",  TK_GNV, tcase_gnv_hdr, 9 },
	{ "gnv_vni_diff",        TK_GNV, tcase_gnv_change, 0 },
	{ "gnv_opts_added",      TK_GNV, tcase_gnv_change, 1 },
	{ "gnv_opts_diff",       TK_GNV, tcase_gnv_change, 2 },
	{ "gnv_sport_diff",      TK_GNV, tcase_gnv_change, 3 },
	{ "gnv_csum_zero_mid",   TK_GNV, tcase_gnv_change, 4 },
	{ "gnv_inner_smac",      TK_GNV, tcase_gnv_change, 5 },
	{ "gnv_inner_dmac",      TK_GNV, tcase_gnv_change, 6 },
	{ "gnv_bad_csum",        TK_GNV, tcase_gnv_change, 7 },
	{ "gnv_csum_zero_first", TK_GNV, tcase_gnv_change, 8 },
	{ "udp_len_more",        TK_UDPCS, tcase_udp_len, 0 },
	{ "udp_len_more_bad_csum", TK_UDPCS, tcase_udp_len, 1 },
	{ "udp_len_short_stale", TK_UDPCS, tcase_udp_len, 2 },
	{ "udp_len_short_bad_csum", TK_UDPCS, tcase_udp_len, 3 },
	{ "udp_len_short_csum_copied", TK_UDPCS, tcase_udp_len, 4 },
};

/* Does tunnel case @tc apply to kind @tk? */
static int tcase_for(const struct tcase *tc, const struct tkind *tk)
{
	switch (tc->only) {
	case TK_GRE: return tk->gre;
	case TK_O4: return !tk->outer6;
	case TK_VX: return tk->vxlan;
	case TK_VXCS: return tk->vxlan && tk->csum;
	case TK_GNV: return tk->geneve;
	case TK_UDPCS: return (tk->vxlan && tk->csum) || tk->geneve;
	default: return 1;
	}
}

/* Case @fn(@arg) named @name for tunnel kind @tk, each inner family the
 * kind has. Returns the number of files written. */
static int write_tcase(const struct tkind *tk, const char *name, void (*fn)(struct st *c, int arg),
		       int arg, int fam)
{
	int v6, files = 0;

	for (v6 = 0; v6 < 2; v6++) {
		static struct st c;
		char path[256];

		if (!(tk->fam & fam & (v6 ? V6 : V4)))
			continue;
		memset(&c, 0, sizeof(c));
		c.v6 = v6;
		c.tk = tk;
		fn(&c, arg);
		snprintf(path, sizeof(path), "%sv%d_%s", tk->prefix, v6 ? 6 : 4, name);
		write_pcap(&c.l, "%s", path);
		write_expect(&c, path);
		pb_list_free(&c.l);
		files++;
	}
	return files;
}

/* Every case of every kind of @kinds (@n of them) that @want accepts. */
static int write_kinds(const struct tkind *kinds, size_t n, bool (*want)(const struct tkind *))
{
	size_t k, i;
	int files = 0;

	memset(st_fill, 'a', sizeof(st_fill));
	for (k = 0; k < n; k++) {
		const struct tkind *tk = &kinds[k];

		if (want && !want(tk))
			continue;
		for (i = 0; i < sizeof(st_cases) / sizeof(st_cases[0]); i++)
			files += write_tcase(tk, st_cases[i].name, st_cases[i].fn, st_cases[i].arg,
					     st_cases[i].fam);
		for (i = 0; i < sizeof(t_cases) / sizeof(t_cases[0]); i++) {
			const struct tcase *tc = &t_cases[i];

			if (!tcase_for(tc, tk))
				continue;
			files += write_tcase(tk, tc->name, tc->fn, tc->arg, tc->only == TK_V4 ? V4 : BOTH);
		}
	}
	return files;
}

static bool is_geneve(const struct tkind *tk) { return tk->geneve; }
static bool not_geneve(const struct tkind *tk) { return !tk->geneve; }

/* The kinds of tun-selftest (@geneve 0) or geneve-selftest (@geneve set). */
static int run_tun_selftest(int geneve)
{
	int files = write_kinds(tkinds, NTKINDS, geneve ? is_geneve : not_geneve);

	printf("wrote %d %s selftest scenarios to %s\n", files, geneve ? "GENEVE" : "tunnel", outdir);
	return 0;
}

/* VXLAN to port 4789, for a receiver with a VXLAN device there:
 *
 *   vxlan-v4_*, vxlan-v6_*      over IPv4, outer UDP checksum 0 (Linux's
 *                               default for VXLAN over IPv4)
 *   vxlan-csv4_*, vxlan-csv6_*  over IPv4, outer UDP checksum set
 *   vxlan-o6v4_*, vxlan-o6v6_*  over IPv6, outer UDP checksum set
 *
 * The TCP selftest cases, the outer-header cases, and cases of the VXLAN
 * and UDP headers. Outer source port 49152, VNI 0x123456, flags I. */
static const struct tkind vxkinds[] = {
	{ "vxlan-",   0, 0, BOTH, 1, 0, 0 },
	{ "vxlan-cs", 0, 0, BOTH, 1, 1, 0 },
	{ "vxlan-o6", 1, 0, BOTH, 1, 1, 0 },
};
#define NVXKINDS (sizeof(vxkinds) / sizeof(vxkinds[0]))

static int run_vxlan_selftest(void)
{
	int files = write_kinds(vxkinds, NVXKINDS, NULL);

	printf("wrote %d VXLAN selftest scenarios to %s\n", files, outdir);
	return 0;
}


/* Random tunnelled scenarios: the TCP generator's flows and perturbations
 * on the inner headers, each flow inside a tunnel of the kind asked for
 * (a flow whose inner family the kind cannot carry gets the other IP-in-IP
 * kind of the same outer family; a few stay plain), plus perturbations of
 * the outer headers. Files PREFIXrSEED_I per kind. */
static int tun_pick_fam(struct scen *s)
{
	struct rng *r = &s->r;
	int k;

	for (k = 0; k < 2; k++) {
		struct pb_tunnel *t = &s->tun_ep[k];

		pb_tun_init(t, k);
		rand_addr(r, k, t->saddr);
		rand_addr(r, k, t->daddr);
		t->saddr[0] = t->daddr[0] = k ? 0xfc : 172;
	}
	if (tun_mode->fam == V4)
		return chance(r, 700) ? 0 : 6;
	if (tun_mode->fam == V6)
		return chance(r, 700) ? 3 : 6;
	return (int)below(r, 10);
}

/* A GENEVE layer of a random flow: a VNI from a few, options now and
 * then, a UDP checksum or 0, Ethernet inside mostly. */
static void gnv_setup(struct scen *s, struct pb_tunnel *t)
{
	struct rng *r = &s->r;
	int i;

	t->udp_tun = PB_TUN_GENEVE;
	t->gnv_eth = chance(r, 750);
	if (t->gnv_eth) {
		rand_mac(r, t->eth_dst);
		rand_mac(r, t->eth_src);
	}
	t->vni = chance(r, 600) ? 1 + below(r, 3) : rnd32(r) & 0xffffff;
	t->udp_csum = chance(r, 650);
	t->udp_sport = chance(r, 500) ? (uint16_t)(49152 + below(r, 4)) : (uint16_t)rnd32(r);
	if (chance(r, 250)) {
		t->gnv_opts_len = 4 * (int)(1 + below(r, 4));
		for (i = 0; i < t->gnv_opts_len; i++)
			t->gnv_opts[i] = (uint8_t)rnd32(r);
		t->gnv_opts[2] &= 0xe0;         /* the first option's length: 0 */
	}
	t->gnv_crit = chance(r, 50);
}

/* A perturbation of a GENEVE layer's header or its UDP header. */
static void gnv_perturb(struct scen *s, struct pb_tunnel *t, struct pb_tunnel *tt)
{
	struct rng *r = &s->r;

	switch (below(r, 11)) {
	case 0: t->vni ^= 1 + below(r, 3); break;
	case 1: t->gnv_oam = 1; break;
	case 2: t->gnv_ver = (uint8_t)(1 + below(r, 3)); break;
	case 3:                                         /* options change */
		if (t->gnv_opts_len && chance(r, 500))
			t->gnv_opts[t->gnv_opts_len - 1] ^= 1;
		else
			t->gnv_opts_len = t->gnv_opts_len ? 0 : 4;
		break;
	case 4: t->udp_csum = !t->udp_csum; break;
	case 5: t->gnv_crit = !t->gnv_crit; break;
	case 6: t->udp_sport++; break;
	case 7: t->gnv_proto = 0x88b5; break;
	case 8: t->udp_dport = 6082; break;
	case 9:
		if (t->gnv_eth)
			t->eth_src[5] ^= 1;
		else
			t->vni_low = 1;
		break;
	default:
		if (t->udp_csum)
			t->bad_udp_csum = 1;
		else
			t->udp_csum = 1;
		break;
	}
	if (chance(r, 300))
		*tt = *t;                       /* the flow goes on changed */
	tt->bad_udp_csum = 0;
}

/* A tunnel's outer IP header for flow @fl: mostly the scenario's two
 * endpoints, a TTL, now and then a TOS or flow label, DF mostly set, an ID
 * counting up or fixed (now and then random: not an endpoint's). */
static void rand_outer(struct scen *s, struct flow *fl, struct pb_tunnel *t, int outer6)
{
	struct rng *r = &s->r;

	if (chance(r, 750)) {
		memcpy(t->saddr, s->tun_ep[outer6].saddr, 16);
		memcpy(t->daddr, s->tun_ep[outer6].daddr, 16);
	} else {
		rand_addr(r, outer6, t->saddr);
		rand_addr(r, outer6, t->daddr);
	}
	t->ttl = t->hop_limit = (uint8_t[]){ 64, 64, 255, 128 }[below(r, 4)];
	if (chance(r, 200))
		t->tos = t->tclass = (uint8_t[]){ 0x02, 0x01, 0x28, 0xb8 }[below(r, 4)];
	if (outer6 && chance(r, 500))
		t->flowlabel = rnd32(r) & 0xfffff;
	t->df = chance(r, 800);
	t->ip_id = (uint16_t)rnd32(r);
	fl->oid_mode = chance(r, 500) ? ID_INC : ID_FIXED;
	if (!s->clean && chance(r, 80))
		fl->oid_mode = ID_RANDOM;
}

static void vx_setup_flow(struct scen *s, struct flow *fl);

static void tun_setup_flow(struct scen *s, struct flow *fl)
{
	struct rng *r = &s->r;
	struct pb_frame *f = &fl->tpl;
	int outer6 = tun_mode->outer6;
	struct pb_tunnel *t;

	if (tun_mode->vxlan) {
		vx_setup_flow(s, fl);
		return;
	}
	if (chance(r, 80))
		return;                                 /* a plain flow among them */
	t = pb_tun_push(f, outer6, tun_mode->gre);
	if (tun_mode->geneve)
		gnv_setup(s, t);
	rand_outer(s, fl, t, outer6);
	if (tun_mode->gre) {
		if (chance(r, 300))
			t->gre_bits |= PB_GRE_C;
		if (chance(r, 400)) {
			t->gre_bits |= PB_GRE_K;
			t->gre_key = chance(r, 500) ? 1 + below(r, 4) : rnd32(r);
		}
		if (!s->clean && chance(r, 50))
			t->gre_bits |= PB_GRE_S;
		t->gre_eth = chance(r, 100);
		if (t->gre_eth) {
			rand_mac(r, t->eth_dst);
			rand_mac(r, t->eth_src);
		}
	}
	/* (IP in IP takes either inner family: a flow the kind does not fit
	 * becomes its sibling, 4 <-> 41, under the same outer family.) */
	if (!s->clean && chance(r, 30)) {               /* nested: a second layer inside */
		t = pb_tun_push(f, chance(r, 500) ? outer6 : !outer6, tun_mode->gre && chance(r, 500));
		if (tun_mode->geneve && chance(r, 500))
			gnv_setup(s, t);
	}
}

static void vx_perturb(struct scen *s, struct pb_tunnel *t, struct pb_tunnel *tt, int what);

/* The outer headers of one segment of a tunnelled flow: its outer ID, and
 * now and then a perturbation. */
static void tun_frame(struct scen *s, struct flow *fl, struct pb_frame *f)
{
	struct rng *r = &s->r;
	struct pb_tunnel *t = &f->tun[0], *tt = &fl->tpl.tun[0];
	uint32_t u;

	if (!f->ntun)
		return;
	if (!t->ipv6) {
		t->ip_id = tt->ip_id;
		if (fl->oid_mode == ID_INC)
			tt->ip_id++;
		else if (fl->oid_mode == ID_RANDOM)
			t->ip_id = (uint16_t)rnd32(r);
	}
	if (s->clean || !chance(r, s->perm))
		return;
	switch (below(r, 16)) {
	case 0:                                         /* outer ID */
		if (t->ipv6)
			goto flowlabel;
		if (chance(r, 500)) {
			tt->ip_id += (uint16_t)(2 + below(r, 100));
			t->ip_id = tt->ip_id;
		} else {
			fl->oid_mode = (int)below(r, 3);
		}
		break;
	case 1:
		t->ttl = t->hop_limit = (uint8_t)(t->ttl - 1 - below(r, 3));
		if (chance(r, 300))
			tt->ttl = tt->hop_limit = t->ttl;
		break;
	case 2:
		u = chance(r, 500) ? 0x03 : 0x20u << below(r, 3);
		t->tos ^= (uint8_t)u;
		t->tclass ^= (uint8_t)u;
		break;
	case 3:                                         /* DF flip */
		if (t->ipv6)
			goto flowlabel;
		t->df = !t->df;
		if (chance(r, 500))
			tt->df = t->df;
		break;
	case 4:
		if (t->ipv6)
			t->tot_len_delta = chance(r, 500) ? -1 : 1;
		else
			t->bad_ip_csum = 1;
		break;
	case 5:                                         /* outer options */
		if (t->ipv6) {
			pb_tun_ext_add(t, PB_EXT_DEST, NULL, 6);
		} else {
			memset(t->ip_opts, 1, 4);
			t->ip_opts_len = 4;
		}
		break;
	case 6:                                         /* outer fragment */
		if (t->ipv6) {
			uint8_t body[6] = { 0, (uint8_t)below(r, 2), 0, 0, 0, (uint8_t)rnd32(r) };

			if (chance(r, 300))
				body[1] |= 8;
			pb_tun_ext_add(t, PB_EXT_FRAG, body, 6);
		} else {
			t->frag = chance(r, 600) ? 0x2000 : (uint16_t)(1 + below(r, 100));
		}
		break;
	case 7:
	flowlabel:
		if (!t->ipv6) {
			t->tos ^= 0x04;
			break;
		}
		t->flowlabel = rnd32(r) & 0xfffff;
		if (chance(r, 500))
			tt->flowlabel = t->flowlabel;
		break;
	case 8:                                         /* outer address */
		t->saddr[t->ipv6 ? 15 : 3] ^= (uint8_t)(1 + below(r, 255));
		break;
	case 9:                                         /* GRE key */
		if (t->udp_tun) {
			if (t->udp_tun == PB_TUN_GENEVE)
				gnv_perturb(s, t, tt);
			else
				vx_perturb(s, t, tt, 0);
			break;
		}
		if (!t->gre)
			goto nest;
		t->gre_bits |= PB_GRE_K;
		t->gre_key += 1 + below(r, 3);
		if (chance(r, 300))
			*tt = *t;
		break;
	case 10:                                        /* GRE flags */
		if (t->udp_tun) {
			if (t->udp_tun == PB_TUN_GENEVE)
				gnv_perturb(s, t, tt);
			else
				vx_perturb(s, t, tt, 1);
			break;
		}
		if (!t->gre)
			goto nest;
		switch (below(r, 6)) {
		case 0: t->gre_bits ^= PB_GRE_C; break;
		case 1: t->gre_bits ^= PB_GRE_S; break;
		case 2: t->gre_bits |= 1; break;
		case 3: t->gre_bits |= PB_GRE_R; break;
		case 4: t->gre_proto = 0x88b5; break;
		default: t->gre_bits ^= PB_GRE_K; break;
		}
		break;
	case 11:
		if (t->udp_tun) {
			if (t->udp_tun == PB_TUN_GENEVE)
				gnv_perturb(s, t, tt);
			else
				vx_perturb(s, t, tt, 2);
			break;
		}
		if (!t->gre)
			goto nest;
		t->gre_bits |= PB_GRE_C;
		t->bad_gre_csum = 1;
		break;
	case 12:
	nest:
		if (f->ntun < PB_MAX_TUN) {
			memmove(&f->tun[1], &f->tun[0], (size_t)f->ntun * sizeof(f->tun[0]));
			f->ntun++;
			pb_tun_init(&f->tun[0], t->ipv6);
			f->tun[0].gre = chance(r, 300);
			if (tun_mode->vxlan && !f->tun[0].gre && chance(r, 400))
				f->tun[0].udp_tun = PB_TUN_VXLAN;       /* VXLAN in VXLAN */
			if (tun_mode->geneve && chance(r, 500))
				gnv_setup(s, &f->tun[0]);
		}
		break;
	case 13:                                        /* sent without the tunnel */
		f->ntun = 0;
		break;
	case 14:                                        /* outer length lie with padding */
		f->pad = 1 + below(r, 8);
		if (chance(r, 500))
			t->tot_len_delta = (int)f->pad;
		break;
	default:                                        /* the other IP version outside */
		if (t->udp_tun == PB_TUN_GENEVE && f->ntun == 1) {
			struct pb_tunnel g = *t;

			pb_tun_init(t, !g.ipv6);
			memcpy(g.saddr, s->tun_ep[t->ipv6].saddr, 16);
			memcpy(g.daddr, s->tun_ep[t->ipv6].daddr, 16);
			g.ipv6 = t->ipv6;
			g.ext_len = 0;
			g.ip_opts_len = 0;
			*t = g;
		} else if (t->udp_tun && f->ntun == 1) {
			struct pb_tunnel keep = *t;

			pb_tun_init(t, !keep.ipv6);
			memcpy(t->saddr, s->tun_ep[t->ipv6].saddr, 16);
			memcpy(t->daddr, s->tun_ep[t->ipv6].daddr, 16);
			t->ttl = t->hop_limit = keep.ttl;
			t->udp_tun = keep.udp_tun;
			t->udp_sport = keep.udp_sport;
			t->udp_dport = keep.udp_dport;
			t->udp_csum = keep.udp_csum;
			t->vx_flags = keep.vx_flags;
			t->vni = keep.vni;
			memcpy(t->eth_dst, keep.eth_dst, 6);
			memcpy(t->eth_src, keep.eth_src, 6);
		} else if (!t->gre && f->ntun == 1) {
			uint8_t ttl = t->ttl;

			pb_tun_init(t, !t->ipv6);
			memcpy(t->saddr, s->tun_ep[t->ipv6].saddr, 16);
			memcpy(t->daddr, s->tun_ep[t->ipv6].daddr, 16);
			t->ttl = t->hop_limit = ttl;
		}
		break;
	}
}

/* Random VXLAN (random-vxlan): each flow in VXLAN over IPv4 or IPv6 (a
 * few plain), the outer UDP checksum set or zero, a VNI and flags, a
 * source port, inner MACs; now and then a second layer inside (IP in IP,
 * GRE or VXLAN) or around it (GRE), or a flow to a port with no tunnel.
 * The outer perturbations are random-tun's, with the GRE ones replaced by
 * those of vx_perturb(). */
static const uint16_t vx_other_ports[] = { 4790, 8472, 6081, 53 };

static void vx_setup_flow(struct scen *s, struct flow *fl)
{
	struct rng *r = &s->r;
	struct pb_frame *f = &fl->tpl;
	int outer6 = chance(r, 400);
	struct pb_tunnel *t;

	if (chance(r, 100))
		return;                                 /* a plain flow among them */
	t = pb_tun_push(f, outer6, 0);
	t->udp_tun = PB_TUN_VXLAN;
	rand_outer(s, fl, t, outer6);
	/* Linux picks the source port by the inner flow's hash: one per
	 * flow, sometimes shared by flows. */
	t->udp_sport = chance(r, 300) ? (uint16_t)(49152 + below(r, 3))
				      : (uint16_t)(1024 + below(r, 64512));
	t->udp_csum = outer6 ? chance(r, 850) : chance(r, 400);
	t->vni = chance(r, 700) ? 1 + below(r, 3) : rnd32(r) & 0xffffff;
	if (chance(r, 60))
		t->vx_flags |= 0x80000000u;             /* group policy */
	rand_mac(r, t->eth_dst);
	rand_mac(r, t->eth_src);
	if (!s->clean && chance(r, 40))
		t->udp_dport = vx_other_ports[below(r, 4)];
	if (!s->clean && chance(r, 50)) {               /* nested: a second layer inside */
		int kind = (int)below(r, 3);
		struct pb_tunnel *in = pb_tun_push(f, chance(r, 500) ? outer6 : !outer6,
						   kind == TL_GRE);

		if (kind == TL_VXLAN)
			in->udp_tun = PB_TUN_VXLAN;
	} else if (!s->clean && chance(r, 30)) {        /* VXLAN inside GRE */
		memmove(&f->tun[1], &f->tun[0], sizeof(f->tun[0]));
		f->ntun = 2;
		pb_tun_init(&f->tun[0], outer6);
		f->tun[0].gre = 1;
	}
}

/* A VXLAN perturbation of one segment, @what 0: the VNI, 1: the flags
 * word or the reserved byte, 2: the UDP header. @tt is the flow's
 * template, changed too when the change should last. */
static void vx_perturb(struct scen *s, struct pb_tunnel *t, struct pb_tunnel *tt, int what)
{
	struct rng *r = &s->r;

	switch (what * 4 + (int)below(r, 4)) {
	case 0: case 1: case 2:
		t->vni ^= 1 + below(r, 3);
		break;
	case 3:
		t->vni = rnd32(r) & 0xffffff;
		break;
	case 4:
		t->vx_flags ^= 0x80000000u;
		break;
	case 5:
		t->vx_flags = chance(r, 500) ? 0 : 0x08200000u;
		break;
	case 6:
		t->vni_low ^= (uint8_t)(1 + below(r, 255));
		break;
	case 7:
		t->vx_flags |= 1u << below(r, 32);
		break;
	case 8:
		t->udp_csum = 1;
		t->bad_udp_csum = 1;
		return;
	case 9:
		t->udp_csum = !t->udp_csum;
		break;
	case 10:
		t->udp_sport = (uint16_t)(t->udp_sport + 1 + below(r, 3));
		break;
	default:
		t->udp_dport = vx_other_ports[below(r, 4)];
		break;
	}
	if (chance(r, 300)) {
		tt->vni = t->vni;
		tt->vx_flags = t->vx_flags;
		tt->vni_low = t->vni_low;
		tt->udp_csum = t->udp_csum;
		tt->udp_sport = t->udp_sport;
		tt->udp_dport = t->udp_dport;
	}
}

static int run_random_vxlan(uint64_t seed, uint64_t count)
{
	static struct scen s;
	uint64_t i;

	tun_mode = &vxkinds[0];
	for (i = 0; i < count; i++) {
		gen_scenario(&s, seed ^ 0x5be0cd19137e2179ull, i);
		write_scenario(s.out, s.nout, "vxlan-", seed, i);
	}
	tun_mode = NULL;
	printf("wrote %" PRIu64 " random VXLAN scenarios to %s\n", count, outdir);
	return 0;
}

/* random-tun (@geneve 0) or random-geneve (@geneve set). */
static int run_random_tun(uint64_t seed, uint64_t count, int geneve)
{
	static struct scen s;
	size_t k;
	uint64_t i;

	for (k = 0; k < NTKINDS; k++) {
		if (!strcmp(tkinds[k].prefix, "gre-o6") || !strcmp(tkinds[k].prefix, "gnv-o6") ||
		    !tkinds[k].geneve != !geneve)
			continue;               /* random GRE/GENEVE picks its outer family itself */
		for (i = 0; i < count; i++) {
			static struct tkind gre_tk;

			tun_mode = &tkinds[k];
			if (tkinds[k].gre || tkinds[k].geneve) {
				/* GRE over IPv6 for a third of the scenarios,
				 * GENEVE for half */
				gre_tk = tkinds[k];
				gre_tk.outer6 = geneve ? (seed + i) % 2 == 1 : (seed + i) % 3 == 2;
				tun_mode = &gre_tk;
			}
			gen_scenario(&s, seed ^ (0x7a3c5e9f1b2d4c68ull * (k + 1)), i);
			write_scenario(s.out, s.nout, tkinds[k].prefix, seed, i);
		}
	}
	tun_mode = NULL;
	if (geneve)
		printf("wrote %" PRIu64 " random GENEVE scenarios (gnv-) to %s\n", count, outdir);
	else
		printf("wrote %" PRIu64 " random tunnelled scenarios per kind (ipip-, sit-, 4in6-, 6in6-, gre-) to %s\n",
		       count, outdir);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Dump                                                                     */

static unsigned g16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t g32(const uint8_t *p) { return (uint32_t)g16(p) << 16 | g16(p + 2); }

static void print_tcp_opts(const uint8_t *o, int n)
{
	int i = 0;

	printf(" opts=");
	while (i < n) {
		int kind = o[i], len;

		if (i)
			putchar(',');
		if (kind == 0 || kind == 1) {
			fputs(kind ? "nop" : "eol", stdout);
			i++;
			continue;
		}
		len = i + 1 < n ? o[i + 1] : 0;
		if (len < 2 || i + len > n) {
			printf("bad");
			return;
		}
		if (kind == 8 && len == 10)
			printf("ts(%" PRIu32 ",%" PRIu32 ")", g32(o + i + 2), g32(o + i + 6));
		else if (kind == 2 && len == 4)
			printf("mss(%u)", g16(o + i + 2));
		else if (kind == 3 && len == 3)
			printf("ws(%u)", o[i + 2]);
		else if (kind == 5)
			printf("sack/%d", (len - 2) / 8);
		else
			printf("k%d/%d", kind, len);
		i += len;
	}
}

/* L4 checksum check over l4len bytes; pseudo header from the IP header. */
static const char *l4_sum(const uint8_t *ip, int v6, const uint8_t *l4, uint32_t l4len, uint8_t proto)
{
	uint8_t tail[8] = { (uint8_t)(l4len >> 24), (uint8_t)(l4len >> 16),
			    (uint8_t)(l4len >> 8), (uint8_t)l4len, 0, 0, 0, proto };
	uint32_t sum = 0;

	if (proto != 1) {
		sum = pb_csum_add(sum, ip + (v6 ? 8 : 12), v6 ? 32 : 8);
		sum = pb_csum_add(sum, tail, 8);
	}
	return pb_csum_fold(pb_csum_add(sum, l4, l4len)) == 0 ? "ok" : "BAD";
}

static void dump_frame(size_t idx, uint64_t ts, const uint8_t *d, uint32_t len)
{
	const uint8_t *ip, *l4;
	uint32_t off = 12, iplen, l4len, avail;
	unsigned et;
	uint8_t proto;
	int v6, frag = 0;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	printf("#%zu t=%" PRIu64 ".%06" PRIu64 " len=%u", idx, ts / 1000000, ts % 1000000, len);
	if (len < 14) {
		printf(" runt\n");
		return;
	}
	et = g16(d + off);
	while ((et == 0x8100 || et == 0x88a8) && off + 6 <= len) {
		printf(" vlan(%04x:%u)", et, g16(d + off + 2) & 0xfff);
		off += 4;
		et = g16(d + off);
	}
	off += 2;
	ip = d + off;
	avail = len - off;
	if (et != 0x0800 && et != 0x86dd) {
		printf(" ethertype=%04x body=%u\n", et, avail);
		return;
	}
again:
	v6 = et == 0x86dd;
	frag = 0;
	if (!v6) {
		unsigned ihl = (ip[0] & 15) * 4u, fo;

		if (avail < 20 || ihl < 20 || ihl > avail) {
			printf(" ip4 truncated\n");
			return;
		}
		fo = g16(ip + 6);
		inet_ntop(AF_INET, ip + 12, a, sizeof(a));
		inet_ntop(AF_INET, ip + 16, b, sizeof(b));
		printf(" ip4 %s>%s tos=%02x ttl=%u id=%u%s%s", a, b, ip[1], ip[8], g16(ip + 4),
		       fo & 0x4000 ? " DF" : "", fo & 0x2000 ? " MF" : "");
		if (fo & 0x1fff)
			printf(" off=%u", (fo & 0x1fff) * 8);
		iplen = g16(ip + 2);
		printf(" tot=%u", iplen);
		if (ihl > 20)
			printf(" opts=%u", ihl - 20);
		printf(" sum=%s", pb_csum_fold(pb_csum_add(0, ip, ihl)) == 0 ? "ok" : "BAD");
		frag = (fo & 0x3fff) != 0;
		proto = ip[9];
		l4 = ip + ihl;
	} else {
		uint32_t w, eoff = 40;

		if (avail < 40) {
			printf(" ip6 truncated\n");
			return;
		}
		w = g32(ip);
		inet_ntop(AF_INET6, ip + 8, a, sizeof(a));
		inet_ntop(AF_INET6, ip + 24, b, sizeof(b));
		printf(" ip6 %s>%s tc=%02x fl=%05x hl=%u plen=%u", a, b, (w >> 20) & 0xff,
		       w & 0xfffff, ip[7], g16(ip + 4));
		iplen = 40 + g16(ip + 4);
		proto = ip[6];
		while (proto == 0 || proto == 43 || proto == 60 || proto == 44 || proto == 51) {
			uint32_t n;

			if (eoff + 8 > avail) {
				printf(" ext-truncated\n");
				return;
			}
			n = proto == 44 ? 8 : proto == 51 ? (ip[eoff + 1] + 2u) * 4 : (ip[eoff + 1] + 1u) * 8;
			printf(" ext%u/%u", proto, n);
			if (proto == 44) {
				unsigned fo = g16(ip + eoff + 2);

				printf("(off=%u%s)", fo & 0xfff8, fo & 1 ? " M" : "");
				frag = (fo & 0xfff9) != 0;
			}
			proto = ip[eoff];
			eoff += n;
		}
		l4 = ip + eoff;
	}
	if (iplen < avail)
		printf(" trailer=%u", avail - iplen);
	/* Trust the length field only when it is plausible. */
	if (iplen > avail) {
		printf(" (len>frame)");
		iplen = avail;
	} else if (l4 > ip + iplen) {
		printf(" (len<hdr)");
		iplen = avail;
	}
	l4len = (uint32_t)(ip + iplen - l4);
	/* Tunnels: decode what they carry the same way. */
	if ((proto == 4 || proto == 41) && !frag && l4len >= (proto == 4 ? 20u : 40u)) {
		printf(" |");
		et = proto == 4 ? 0x0800 : 0x86dd;
		ip = l4;
		avail = l4len;
		goto again;
	}
	if (proto == 47 && !frag && l4len >= 4) {
		unsigned gf = g16(l4), gp = g16(l4 + 2), gl = 4;

		printf(" | gre");
		if (gf & 0x8000)
			printf(" C(%s)", pb_csum_fold(pb_csum_add(0, l4, l4len)) == 0 ? "ok" : "BAD");
		if (gf & 0x4000)
			printf(" R");
		if (gf & (0xc000))
			gl += 4;
		if (gf & 0x2000 && l4len >= gl + 4) {
			printf(" key=%" PRIu32, g32(l4 + gl));
			gl += 4;
		}
		if (gf & 0x1000 && l4len >= gl + 4) {
			printf(" seq=%" PRIu32, g32(l4 + gl));
			gl += 4;
		}
		if (gf & 0x0fff)
			printf(" bits=%04x", gf & 0x0fff);
		printf(" proto=%04x", gp);
		if (gp == 0x6558 && l4len >= gl + 14) {
			printf(" eth %02x>%02x", l4[gl + 11], l4[gl + 5]);
			gp = g16(l4 + gl + 12);
			gl += 14;
		}
		if ((gp == 0x0800 || gp == 0x86dd) && l4len >= gl + (gp == 0x0800 ? 20u : 40u) &&
		    !(gf & 0x4fff)) {
			printf(" |");
			et = gp;
			ip = l4 + gl;
			avail = l4len - gl;
			goto again;
		}
		putchar('\n');
		return;
	}
	if (proto == 6 && l4len >= 20) {
		unsigned thl = (l4[12] >> 4) * 4u;
		static const char fl[] = "FSRPAUEC";
		int i;

		printf(" | tcp %u>%u seq=%" PRIu32 " ack=%" PRIu32 " [", g16(l4), g16(l4 + 2),
		       g32(l4 + 4), g32(l4 + 8));
		for (i = 0; i < 8; i++)
			putchar(l4[13] & (1 << i) ? fl[i] : '.');
		printf("] win=%u", g16(l4 + 14));
		if (l4[13] & PB_URG)
			printf(" urp=%u", g16(l4 + 18));
		if (thl < 20 || thl > l4len) {
			printf(" bad-doff\n");
			return;
		}
		if (thl > 20)
			print_tcp_opts(l4 + 20, (int)thl - 20);
		printf(" data=%u", l4len - thl);
		if (!frag)
			printf(" sum=%s", l4_sum(ip, v6, l4, l4len, 6));
	} else if (proto == 17 && l4len >= 8) {
		printf(" | udp %u>%u len=%u", g16(l4), g16(l4 + 2), l4len - 8);
		if (g16(l4 + 6) && !frag)
			printf(" sum=%s", l4_sum(ip, v6, l4, l4len, 17));
		else if (!g16(l4 + 6))
			printf(" sum=0");
		if (g16(l4 + 2) == 4789 && !frag && l4len >= 8 + 8 + 14) {
			const uint8_t *e = l4 + 16;

			printf(" | vxlan flags=%08" PRIx32 " vni=%06" PRIx32 "/%02x eth %02x>%02x", g32(l4 + 8),
			       g32(l4 + 12) >> 8, l4[15], e[11], e[5]);
			et = g16(e + 12);
			if (et == 0x0800 || et == 0x86dd) {
				printf(" |");
				ip = e + 14;
				avail = l4len - 30;
				goto again;
			}
		}
	} else if ((proto == 1 || proto == 58) && l4len >= 4) {
		printf(" | icmp%s type=%u", proto == 58 ? "6" : "", l4[0]);
		if (!frag)
			printf(" sum=%s", l4_sum(ip, v6, l4, l4len, proto));
	} else {
		printf(" | proto=%u len=%u", proto, l4len);
	}
	putchar('\n');
}

/* The inner TCP payload length of frame d (tunnels walked through, their
 * fragment bits and GRE flags ignored), -1 for a FIN, -2 if not TCP. */
static long inner_tcp_len(const uint8_t *d, uint32_t len)
{
	uint32_t off = 12, end = len;
	unsigned et;
	int depth;

	if (len < 14)
		return -2;
	et = g16(d + off);
	while ((et == 0x8100 || et == 0x88a8) && off + 6 <= len) {
		off += 4;
		et = g16(d + off);
	}
	off += 2;
	for (depth = 0; depth < 8; depth++) {
		const uint8_t *ip = d + off;
		unsigned proto;
		uint32_t l4;

		if (et == 0x0800 && off + 20 <= end) {
			uint32_t tot = g16(ip + 2);

			if (off + tot < end && tot >= 20)
				end = off + tot;
			proto = ip[9];
			l4 = off + (ip[0] & 15) * 4u;
		} else if (et == 0x86dd && off + 40 <= end) {
			uint32_t pl = g16(ip + 4);

			if (off + 40 + pl < end)
				end = off + 40 + pl;
			proto = ip[6];
			l4 = off + 40;
			while ((proto == 0 || proto == 43 || proto == 60 || proto == 44) && l4 + 8 <= end) {
				uint32_t n = proto == 44 ? 8 : (d[l4 + 1] + 1u) * 8;

				proto = d[l4];
				l4 += n;
			}
		} else {
			return -2;
		}
		if (proto == 4 || proto == 41) {
			et = proto == 4 ? 0x0800 : 0x86dd;
			off = l4;
			continue;
		}
		if (proto == 47 && l4 + 4 <= end) {
			unsigned gf = g16(d + l4);

			et = g16(d + l4 + 2);
			off = l4 + 4 + (gf & 0xc000 ? 4 : 0) + (gf & 0x2000 ? 4 : 0) + (gf & 0x1000 ? 4 : 0);
			if (et == 0x6558 && off + 14 <= end) {
				et = g16(d + off + 12);
				off += 14;
			} else if (et != 0x0800 && et != 0x86dd && off < end) {
				et = d[off] >> 4 == 6 ? 0x86dd : 0x0800;        /* unknown: guess */
			}
			continue;
		}
		if (proto == 17 && l4 + 30 <= end && g16(d + l4 + 2) == 4789) {
			off = l4 + 30;                          /* UDP, VXLAN, Ethernet */
			et = g16(d + off - 2);
			continue;
		}
		/* GENEVE on its port: the options skipped, Ethernet or IP
		 * inside (other protocols end the walk). */
		if (proto == 17 && l4 + 16 <= end && g16(d + l4 + 2) == 6081) {
			const uint8_t *gh = d + l4 + 8;

			et = g16(gh + 2);
			off = l4 + 16 + (gh[0] & 0x3f) * 4u;
			if (et == 0x6558 && off + 14 <= end) {
				et = g16(d + off + 12);
				off += 14;
			}
			continue;
		}
		if (proto != 6 || l4 + 20 > end)
			return -2;
		if (d[l4 + 13] & PB_FIN)
			return -1;
		return (long)(end - l4 - (d[l4 + 12] >> 4) * 4u);
	}
	return -2;
}

/* The inner TCP payload lengths of DIR/NAME.kernel.pcap (FIN frames left
 * out, "x" for frames that are not TCP) against DIR/NAME.expect. */
static int run_check(const char *dir, int n, char **names)
{
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		struct pb_list l = { 0 };
		char path[4096], got[4096] = "", want[4096] = "", line[64];
		size_t k, gl = 0, wl = 0;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s.kernel.pcap", dir, names[i]);
		if (pb_pcap_read(path, &l))
			return 2;
		for (k = 0; k < l.n && gl + 16 < sizeof(got); k++) {
			long v = inner_tcp_len(l.data[k], l.len[k]);

			if (v == -1)
				continue;
			gl += (size_t)(v == -2 ? snprintf(got + gl, 16, "x ")
					       : snprintf(got + gl, 16, "%ld ", v));
		}
		pb_list_free(&l);
		snprintf(path, sizeof(path), "%s/%s.expect", dir, names[i]);
		fp = fopen(path, "r");
		if (!fp)
			die("%s: %s", path, strerror(errno));
		while (fgets(line, sizeof(line), fp) && wl + 16 < sizeof(want)) {
			long v = strtol(line, NULL, 10);

			wl += (size_t)(v == -2 ? snprintf(want + wl, 16, "x ")
					       : snprintf(want + wl, 16, "%ld ", v));
		}
		fclose(fp);
		if (strcmp(got, want)) {
			printf("%s: expected [%s] kernel [%s]\n", names[i], want, got);
			bad++;
		}
	}
	printf("check: %d of %d as expected\n", n - bad, n);
	return bad ? 1 : 0;
}

static int run_dump(const char *path)
{
	struct pb_list l = { 0 };
	size_t i;

	if (pb_pcap_read(path, &l))
		return 1;
	for (i = 0; i < l.n; i++)
		dump_frame(i, l.ts_us[i], l.data[i], l.len[i]);
	pb_list_free(&l);
	return 0;
}

/* ------------------------------------------------------------------------ */

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end || *s == '-')
		die("bad %s: %s", what, s);
	return v;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: scenarios selftest OUTDIR\n"
		"       scenarios random SEED COUNT OUTDIR\n"
		"       scenarios udp-selftest OUTDIR\n"
		"       scenarios random-udp SEED COUNT OUTDIR\n"
		"       scenarios big OUTDIR\n"
		"       scenarios tun-selftest OUTDIR\n"
		"       scenarios random-tun SEED COUNT OUTDIR\n"
		"       scenarios vxlan-selftest OUTDIR\n"
		"       scenarios random-vxlan SEED COUNT OUTDIR\n"
		"       scenarios geneve-selftest OUTDIR\n"
		"       scenarios random-geneve SEED COUNT OUTDIR\n"
		"       scenarios vlan-selftest OUTDIR\n"
		"       scenarios random-vlan SEED COUNT OUTDIR\n"
		"       scenarios check DIR NAME...\n"
		"       scenarios dump FILE.pcap\n");
	exit(2);
}

static int cmd_selftest(void) { return run_selftest(""); }
static int cmd_udp_selftest(void)
{
	memset(st_fill, 'a', sizeof(st_fill));
	return run_udp_selftest() || run_selftest("tcpfl-");
}
static int cmd_tun_selftest(void) { return run_tun_selftest(0); }
static int cmd_geneve_selftest(void) { return run_tun_selftest(1); }
static int cmd_random_tun(uint64_t seed, uint64_t count) { return run_random_tun(seed, count, 0); }
static int cmd_random_geneve(uint64_t seed, uint64_t count) { return run_random_tun(seed, count, 1); }

/* The generators: NAME OUTDIR, or NAME SEED COUNT OUTDIR. */
static const struct {
	const char *name;
	int (*fixed)(void);
	int (*seeded)(uint64_t seed, uint64_t count);
} generators[] = {
	{ "selftest", cmd_selftest, NULL },
	{ "random", NULL, run_random },
	{ "udp-selftest", cmd_udp_selftest, NULL },
	{ "random-udp", NULL, run_random_udp },
	{ "big", run_big, NULL },
	{ "tun-selftest", cmd_tun_selftest, NULL },
	{ "random-tun", NULL, cmd_random_tun },
	{ "vxlan-selftest", run_vxlan_selftest, NULL },
	{ "random-vxlan", NULL, run_random_vxlan },
	{ "geneve-selftest", cmd_geneve_selftest, NULL },
	{ "random-geneve", NULL, cmd_random_geneve },
	{ "vlan-selftest", run_vlan_selftest, NULL },
	{ "random-vlan", NULL, run_random_vlan },
};

int main(int argc, char **argv)
{
	size_t i;

	for (i = 0; argc >= 3 && i < sizeof(generators) / sizeof(generators[0]); i++) {
		if (strcmp(argv[1], generators[i].name))
			continue;
		if (generators[i].fixed && argc == 3) {
			outdir = argv[2];
			make_dir(outdir);
			return generators[i].fixed();
		}
		if (generators[i].seeded && argc == 5) {
			uint64_t seed = parse_u64(argv[2], "seed");
			uint64_t count = parse_u64(argv[3], "count");

			outdir = argv[4];
			make_dir(outdir);
			return generators[i].seeded(seed, count);
		}
	}
	if (argc >= 4 && !strcmp(argv[1], "check"))
		return run_check(argv[2], argc - 3, argv + 3);
	if (argc == 3 && !strcmp(argv[1], "dump"))
		return run_dump(argv[2]);
	usage();
	return 2;
}
