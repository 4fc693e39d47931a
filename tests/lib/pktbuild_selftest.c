/* Self-check of the packet builder: build frames, then re-parse and re-sum
 * them with separate, naive code. Exit status 0 means every check passed. */
#include "pktbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) passed++; \
	else { failed++; fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

static unsigned get16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

/* One's complement sum of big-endian words, the slow obvious way. A block
 * that includes a correct checksum field sums to 0xffff. */
static unsigned naive_sum(unsigned long acc, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		acc += (i & 1) ? p[i] : (unsigned long)p[i] << 8;
	while (acc > 0xffff)
		acc = (acc & 0xffff) + (acc >> 16);
	return (unsigned)acc;
}

/* Verify the L4 checksum of the IP packet at ip (IPv4 or IPv6, with the L4
 * header at l4 and l4len bytes long). */
static int l4_ok(const uint8_t *ip, int v6, const uint8_t *l4, size_t l4len, unsigned proto)
{
	unsigned long acc = 0;
	uint8_t len[4] = { (uint8_t)(l4len >> 24), (uint8_t)(l4len >> 16),
			   (uint8_t)(l4len >> 8), (uint8_t)l4len };

	if (v6) {
		acc = naive_sum(acc, ip + 8, 32);
		acc = naive_sum(acc, len, 4);
	} else {
		acc = naive_sum(acc, ip + 12, 8);
		acc = naive_sum(acc, len + 2, 2);
	}
	acc += proto;
	return naive_sum(acc, l4, l4len) == 0xffff;
}

static void test_ipv4(void)
{
	struct pb_frame f;
	uint8_t buf[2048];
	const uint8_t *ip, *tcp;
	size_t n;

	pb_init(&f, 0);
	f.nvlan = 1;
	f.vlan_tpid[0] = 0x8100;
	f.vlan_tci[0] = 42;
	f.ip_id = 0x1234;
	f.ip_opts[0] = 1;                       /* one NOP, padded to 4 */
	f.ip_opts_len = 1;
	pb_tcp_opt_timestamp(&f, 7, 9);
	f.payload_len = 1001;                   /* odd length exercises the tail byte */
	f.pad = 3;

	n = pb_build(&f, buf, sizeof(buf));
	CHECK(n == 18 + 24 + 32 + 1001 + 3);
	ip = buf + 18;
	tcp = ip + 24;
	CHECK(get16(buf + 12) == 0x8100 && get16(buf + 14) == 42 && get16(buf + 16) == 0x0800);
	CHECK(ip[0] == 0x46 && get16(ip + 2) == 24 + 32 + 1001 && get16(ip + 6) == 0x4000);
	CHECK(naive_sum(0, ip, 24) == 0xffff);
	CHECK(l4_ok(ip, 0, tcp, 32 + 1001, 6));
	CHECK(tcp[12] >> 4 == 8 && tcp[13] == PB_ACK && tcp[22] == 8 && tcp[23] == 10);
	CHECK(tcp[32] == pb_pattern(1000) && tcp[32 + 1000] == pb_pattern(2000));

	f.bad_ip_csum = f.bad_tcp_csum = 1;
	n = pb_build(&f, buf, sizeof(buf));
	CHECK(naive_sum(0, ip, 24) != 0xffff);
	CHECK(!l4_ok(ip, 0, tcp, 32 + 1001, 6));

	CHECK(pb_build(&f, buf, n - 1) == 0);   /* does not fit */
}

static void test_ipv6(void)
{
	static const uint8_t dst_body[6] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };
	static const uint8_t frag_body[6] = { 0x00, 0x01, 0, 0, 0, 7 };
	struct pb_frame f;
	uint8_t buf[2048];
	const uint8_t *ip, *tcp;
	size_t n;

	pb_init(&f, 1);
	f.tclass = 0xab;
	f.flowlabel = 0x12345;
	pb_ext_add(&f, PB_EXT_HOP, NULL, 0);
	pb_ext_add(&f, PB_EXT_DEST, dst_body, 6);
	pb_ext_add(&f, PB_EXT_FRAG, frag_body, 6);
	f.payload_len = 99;

	n = pb_build(&f, buf, sizeof(buf));
	CHECK(n == 14 + 40 + 24 + 20 + 99);
	ip = buf + 14;
	tcp = ip + 64;
	CHECK(get16(buf + 12) == 0x86dd);
	CHECK(ip[0] == 0x6a && ip[1] == 0xb1 && get16(ip + 2) == 0x2345);
	CHECK(get16(ip + 4) == 24 + 20 + 99 && ip[6] == PB_EXT_HOP);
	CHECK(ip[40] == PB_EXT_DEST && ip[41] == 0 && ip[42] == 1 && ip[43] == 4);
	CHECK(ip[48] == PB_EXT_FRAG && ip[49] == 0 && ip[50] == 0x11);
	CHECK(ip[56] == 6 && ip[59] == 1 && ip[63] == 7);
	CHECK(l4_ok(ip, 1, tcp, 20 + 99, 6));

	f.tot_len_delta = -5;
	pb_build(&f, buf, sizeof(buf));
	CHECK(get16(ip + 4) == 24 + 20 + 99 - 5);
	CHECK(l4_ok(ip, 1, tcp, 20 + 99, 6));   /* the lie leaves the real sum intact */

	/* Raw UDP over IPv6: the builder fills the UDP checksum. */
	{
		uint8_t udp[16] = { 0x0f, 0xa0, 0x13, 0x88, 0, 16 };

		pb_init(&f, 1);
		f.ip_proto = 17;
		f.payload = udp;
		f.payload_len = sizeof(udp);
		n = pb_build(&f, buf, sizeof(buf));
		CHECK(n == 14 + 40 + 16 && buf[14 + 6] == 17);
		CHECK(l4_ok(buf + 14, 1, buf + 54, 16, 17));
	}
}

/* IPv4 in IPv4 with outer options; IPv6 in IPv4 (SIT); IPv4 in IPv6 behind
 * an outer Fragment header; IPv6 in IPv6. */
static void test_ipip(void)
{
	static const uint8_t frag_body[6] = { 0x00, 0x01, 0, 0, 0, 9 };
	struct pb_frame f;
	struct pb_tunnel *t;
	struct pb_offsets o;
	uint8_t buf[2048];
	const uint8_t *ip, *in, *tcp;
	size_t n;

	pb_init(&f, 0);
	f.payload_len = 101;
	t = pb_tun_push(&f, 0, 0);
	t->ip_id = 0x4242;
	t->df = 0;
	t->tos = 0x28;
	t->ttl = 3;
	t->ip_opts[0] = 1;
	t->ip_opts_len = 1;
	n = pb_build(&f, buf, sizeof(buf));
	CHECK(pb_layout(&f, &o) == n && o.outer == 14 && o.tun_l3[0] == 14 && o.l3 == 38);
	CHECK(n == 14 + 24 + 20 + 20 + 101);
	ip = buf + 14;
	in = ip + 24;
	tcp = in + 20;
	CHECK(get16(buf + 12) == 0x0800 && ip[0] == 0x46 && ip[1] == 0x28 && ip[8] == 3);
	CHECK(get16(ip + 2) == 24 + 40 + 101 && get16(ip + 4) == 0x4242 && get16(ip + 6) == 0);
	CHECK(ip[9] == 4 && ip[12] == 192 && ip[15] == 1 && ip[19] == 2);
	CHECK(naive_sum(0, ip, 24) == 0xffff);
	CHECK(in[0] == 0x45 && get16(in + 2) == 40 + 101 && naive_sum(0, in, 20) == 0xffff);
	CHECK(l4_ok(in, 0, tcp, 20 + 101, 6));

	t->bad_ip_csum = 1;
	t->tot_len_delta = 2;
	pb_build(&f, buf, sizeof(buf));
	CHECK(naive_sum(0, ip, 24) != 0xffff && get16(ip + 2) == 24 + 40 + 101 + 2);
	CHECK(naive_sum(0, in, 20) == 0xffff);

	/* SIT: IPv6 inside IPv4 */
	pb_init(&f, 1);
	f.payload_len = 10;
	pb_tun_push(&f, 0, 0);
	n = pb_build(&f, buf, sizeof(buf));
	CHECK(n == 14 + 20 + 40 + 20 + 10 && ip[9] == 41 && get16(ip + 2) == 90);
	CHECK((buf[34] >> 4) == 6 && l4_ok(buf + 34, 1, buf + 74, 30, 6));

	/* IPv4 in IPv6, outer Fragment header */
	pb_init(&f, 0);
	f.payload_len = 10;
	t = pb_tun_push(&f, 1, 0);
	t->flowlabel = 0xabcde;
	pb_tun_ext_add(t, PB_EXT_FRAG, frag_body, 6);
	n = pb_build(&f, buf, sizeof(buf));
	CHECK(n == 14 + 48 + 20 + 20 + 10 && get16(buf + 12) == 0x86dd);
	CHECK(ip[6] == PB_EXT_FRAG && get16(ip + 4) == 8 + 50 && ip[40] == 4 && ip[47] == 9);
	CHECK(get16(ip + 2) == 0xbcde && ip[8] == 0x20 && ip[39] == 2);
	CHECK(buf[62] == 0x45 && l4_ok(buf + 62, 0, buf + 82, 30, 6));

	/* IPv6 in IPv6 */
	pb_init(&f, 1);
	pb_tun_push(&f, 1, 0);
	n = pb_build(&f, buf, sizeof(buf));
	CHECK(n == 14 + 40 + 40 + 20 && ip[6] == 41 && get16(ip + 4) == 60);
	CHECK(l4_ok(buf + 54, 1, buf + 94, 20, 6));
}

/* GRE: checksum over header and payload, key and sequence, TEB with an
 * inner Ethernet header, and GRE inside GRE. */
static void test_gre(void)
{
	struct pb_frame f;
	struct pb_tunnel *t;
	struct pb_offsets o;
	uint8_t buf[2048];
	const uint8_t *ip = buf + 14, *g = buf + 34;
	size_t n;

	pb_init(&f, 0);
	f.payload_len = 33;
	t = pb_tun_push(&f, 0, 1);
	t->gre_bits = PB_GRE_C | PB_GRE_K | PB_GRE_S;
	t->gre_key = 0x01020304;
	t->gre_seq = 7;
	n = pb_build(&f, buf, sizeof(buf));
	CHECK(pb_gre_len(t) == 16 && n == 14 + 20 + 16 + 20 + 20 + 33);
	CHECK(ip[9] == 47 && get16(ip + 2) == 20 + 16 + 73 && naive_sum(0, ip, 20) == 0xffff);
	CHECK(get16(g) == 0xb000 && get16(g + 2) == 0x0800 && get16(g + 6) == 0);
	CHECK(get16(g + 8) == 0x0102 && get16(g + 10) == 0x0304 && g[15] == 7);
	CHECK(naive_sum(0, g, 16 + 73) == 0xffff);
	CHECK(l4_ok(g + 16, 0, g + 36, 53, 6));
	t->bad_gre_csum = 1;
	pb_build(&f, buf, sizeof(buf));
	CHECK(naive_sum(0, g, 16 + 73) != 0xffff);

	/* TEB over IPv6, version 1, IPv6 inside */
	pb_init(&f, 1);
	t = pb_tun_push(&f, 1, 1);
	t->gre_bits = 1;
	t->gre_eth = 1;
	n = pb_build(&f, buf, sizeof(buf));
	CHECK(pb_layout(&f, &o) == n && o.l3 == 14 + 40 + 4 + 14 && n == o.l3 + 60);
	CHECK(ip[6] == 47 && get16(buf + 54) == 1 && get16(buf + 56) == 0x6558);
	CHECK(buf[58] == 2 && buf[63] == 1 && get16(buf + 70) == 0x86dd && buf[72] >> 4 == 6);

	/* GRE in GRE, then plain IP in IP in IP */
	pb_init(&f, 0);
	pb_tun_push(&f, 0, 1);
	t = pb_tun_push(&f, 1, 1);
	t->gre_bits = PB_GRE_K;
	n = pb_build(&f, buf, sizeof(buf));
	CHECK(n == 14 + 20 + 4 + 40 + 8 + 20 + 20 && get16(g + 2) == 0x86dd);
	CHECK(buf[38 + 6] == 47 && get16(buf + 78 + 2) == 0x0800 && get16(ip + 2) == 112);
	pb_init(&f, 0);
	pb_tun_push(&f, 0, 0);
	pb_tun_push(&f, 0, 0);
	CHECK(pb_tun_push(&f, 0, 0) != NULL && pb_tun_push(&f, 0, 0) == NULL);
	n = pb_build(&f, buf, sizeof(buf));
	CHECK(n == 14 + 100 && ip[9] == 4 && buf[34 + 9] == 4 && buf[54 + 9] == 4 && buf[74 + 9] == 6);
}

static void test_pcap(void)
{
	char path[] = "/tmp/pktbuild_selftest_XXXXXX";
	struct pb_list l = { 0 }, r = { 0 };
	struct pb_frame f;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	pb_init(&f, 0);
	f.payload_len = 100;
	pb_list_add_frame(&l, &f);
	pb_list_gap(&l, 100000);
	f.seq += 100;
	pb_list_add_frame(&l, &f);
	f.ethertype = 0x88b5;
	pb_list_add_frame(&l, &f);
	CHECK(l.n == 3 && l.ts_us[0] == 0 && l.ts_us[1] == 100001 && l.ts_us[2] == 100002);
	CHECK(l.len[2] == 14 + 100 && get16(l.data[2] + 12) == 0x88b5);

	CHECK(pb_pcap_write(path, &l) == 0);
	CHECK(pb_pcap_read(path, &r) == 0);
	CHECK(r.n == 3);
	if (r.n == 3) {
		CHECK(r.len[1] == l.len[1] && !memcmp(r.data[1], l.data[1], l.len[1]));
		CHECK(r.ts_us[1] == 100001);
	}
	unlink(path);
	pb_list_free(&l);
	pb_list_free(&r);
	printf("reading a missing file; one error message is expected:\n");
	fflush(stdout);
	CHECK(pb_pcap_read("/nonexistent/x.pcap", &r) == -1);
}

int main(void)
{
	test_ipv4();
	test_ipv6();
	test_ipip();
	test_gre();
	test_pcap();
	printf("pktbuild_selftest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
