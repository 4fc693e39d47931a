/* IP-in-IP tunnels (IPIP, SIT, IPv4 in IPv6, IPv6 in IPv6): the inner
 * TCP merges with the outer header's rules applied too, one level of
 * tunnel only, and segmentation gives back the frames that arrived. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define MSS 1000

/* An outer header around a pb_frame: its version and fields. */
struct outer {
	int v6;
	uint16_t id;		/* IPv4 */
	uint8_t ttl;
	int df;
};

static uint16_t ip_csum(const uint8_t *p, unsigned n)
{
	uint32_t s = 0;
	unsigned i;

	for (i = 0; i < n; i += 2)
		s += h_rd16(p + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The Internet checksum of @n bytes (an odd last byte padded). */
static uint16_t ip_csum_any(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += h_rd16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Frame @f wrapped in the outer header @o, after the Ethernet header. */
static size_t encap(const struct pb_frame *f, const struct outer *o, uint8_t *out, size_t cap)
{
	uint8_t in[16384];
	size_t n = pb_build(f, in, sizeof(in)), hl = o->v6 ? 40 : 20, ilen = n - 14;
	uint8_t *h = out + 14;

	cr_assert(n && n + hl <= cap);
	memcpy(out, in, 12);
	out[12] = o->v6 ? 0x86 : 0x08;
	out[13] = o->v6 ? 0xdd : 0x00;
	memset(h, 0, hl);
	if (o->v6) {
		h[0] = 0x60;
		h[4] = (uint8_t)(ilen >> 8);
		h[5] = (uint8_t)ilen;
		h[6] = f->ipv6 ? 41 : 4;
		h[7] = o->ttl;
		h[8] = 0xfd;
		h[23] = 1;
		h[24] = 0xfd;
		h[39] = 2;
	} else {
		uint16_t c;

		h[0] = 0x45;
		h[2] = (uint8_t)((ilen + 20) >> 8);
		h[3] = (uint8_t)(ilen + 20);
		h[4] = (uint8_t)(o->id >> 8);
		h[5] = (uint8_t)o->id;
		h[6] = o->df ? 0x40 : 0;
		h[8] = o->ttl;
		h[9] = f->ipv6 ? 41 : 4;
		h[12] = 192;
		h[13] = 0;
		h[14] = 2;
		h[15] = 1;
		h[16] = 192;
		h[17] = 0;
		h[18] = 2;
		h[19] = 2;
		c = ip_csum(h, 20);
		h[10] = (uint8_t)(c >> 8);
		h[11] = (uint8_t)c;
	}
	memcpy(h + hl, in + 14, ilen);
	return n + hl;
}

/* Add the tunnelled segment, then step both to the next one. */
static int add_tun(struct h *h, struct pb_frame *f, struct outer *o)
{
	static uint8_t buf[16384];
	size_t n = encap(f, o, buf, sizeof(buf));
	int k = h_add_bytes(h, buf, n);

	f->seq += f->payload_len;
	f->ip_id++;
	o->id++;
	return k;
}

static const struct {
	const char *name;
	int outer_v6, inner_v6;
	uint32_t gso;
} kinds[] = {
	{ "ipip", 0, 0, GRO_GSO_TCPV4 | GRO_GSO_IPXIP4 },
	{ "sit", 0, 1, GRO_GSO_TCPV6 | GRO_GSO_IPXIP4 },
	{ "ip4ip6", 1, 0, GRO_GSO_TCPV4 | GRO_GSO_IPXIP6 },
	{ "ip6ip6", 1, 1, GRO_GSO_TCPV6 | GRO_GSO_IPXIP6 },
};

Test(tunnel, ip_in_ip_merges_and_segments_back)
{
	unsigned t;

	for (t = 0; t < sizeof(kinds) / sizeof(kinds[0]); t++) {
		struct outer o = { kinds[t].outer_v6, 100, 64, 1 };
		uint32_t ol3 = 14, il3 = 14 + (o.v6 ? 40 : 20);
		uint32_t l4 = il3 + (kinds[t].inner_v6 ? 40 : 20);
		struct h *h = h_open(NULL);
		static uint8_t buf[65536];
		const struct h_pkt *p;
		struct pb_frame f;
		struct gro_pkt pkt;
		struct gro_seg in, out[8];
		int i, n;

		h_seg_init(&f, kinds[t].inner_v6, MSS);
		for (i = 0; i < 4; i++)
			add_tun(h, &f, &o);
		h_run(h);
		h_expect_npkt(h, 1, kinds[t].name);
		h_expect_merged(h, 0, 0, 4, kinds[t].name);
		p = h_pkt(h, 0);
		cr_assert_eq(p->gso_type, kinds[t].gso, "%s: gso_type %#x", kinds[t].name, p->gso_type);
		cr_assert_eq(p->l3_off, il3, "%s: l3_off is the inner header", kinds[t].name);
		cr_assert_eq(p->l4_off, l4);
		cr_assert_eq(p->csum_start, l4, "%s: the checksum is the inner TCP's", kinds[t].name);
		if (o.v6) {
			cr_assert_eq(h_rd16(p->raw + ol3 + 4), p->len - ol3 - 40, "%s: outer length",
				     kinds[t].name);
		} else {
			cr_assert_eq(h_rd16(p->raw + ol3 + 2), p->len - ol3, "%s: outer length",
				     kinds[t].name);
			cr_assert(h_ipv4_csum_ok(p->raw + ol3), "%s: outer checksum", kinds[t].name);
		}
		if (kinds[t].inner_v6)
			cr_assert_eq(h_rd16(p->raw + il3 + 4), p->len - il3 - 40);
		else
			cr_assert_eq(h_rd16(p->raw + il3 + 2), p->len - il3);
		cr_assert(h_tcp_csum_ok(p->fixed, p->len, il3, l4, kinds[t].inner_v6),
			  "%s: the finished TCP checksum", kinds[t].name);

		h_pkt_gro(p, &pkt, &in);
		n = gro_segment(&pkt, buf, sizeof(buf), out, 8);
		cr_assert_eq(n, 4, "%s: segmented into %d", kinds[t].name, n);
		for (i = 0; i < 4; i++)
			cr_assert(out[i].len == h_frame_len(h, i) &&
				  !memcmp(out[i].data, h_frame(h, i), out[i].len),
				  "%s: segment %d byte for byte", kinds[t].name, i);
		h_close(h);
	}
}

Test(tunnel, outer_ttl_change_ends_the_packet)
{
	struct outer o = { 0, 7, 64, 1 };
	struct h *h = h_open(NULL);
	struct pb_frame f;

	h_seg_init(&f, 0, MSS);
	add_tun(h, &f, &o);
	add_tun(h, &f, &o);
	o.ttl = 63;
	add_tun(h, &f, &o);
	h_run(h);
	h_expect_npkt(h, 2, "tunnel: the outer TTL is compared");
	h_expect_merged(h, 0, 0, 2, "tunnel: outer TTL");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "tunnel: outer TTL");
	h_close(h);
}

Test(tunnel, fixed_outer_id_merges_and_is_recorded)
{
	struct outer o = { 0, 7, 64, 0 };
	struct h *h = h_open(NULL);
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, MSS);
	for (i = 0; i < 3; i++) {
		add_tun(h, &f, &o);
		o.id--;		/* the outer ID stays */
	}
	h_run(h);
	h_expect_merged(h, 0, 0, 3, "tunnel: a fixed outer ID merges, DF or not");
	cr_assert(h_pkt(h, 0)->gso_type & GRO_GSO_TCP_FIXEDID, "tunnel: FIXEDID for the outer");
	cr_assert(!(h_pkt(h, 0)->gso_type & GRO_GSO_TCP_FIXEDID_INNER), "tunnel: the inner counts");
	h_close(h);
}

Test(tunnel, ip_in_ip_twice_is_neither_merged_nor_held)
{
	struct h *h = h_open(NULL);
	struct pb_frame f;
	struct outer o = { 0, 1, 64, 1 };
	static uint8_t one[16384], two[16384];
	int i;

	h_seg_init(&f, 0, MSS);
	for (i = 0; i < 2; i++) {
		size_t n = encap(&f, &o, one, sizeof(one)), m;

		/* the tunnelled frame, inside another IPv4 header */
		memcpy(two, one, 14);
		memcpy(two + 14 + 20, one + 14, n - 14);
		memcpy(two + 14, one + 14, 20);
		two[14 + 2] = (uint8_t)((n - 14 + 20) >> 8);
		two[14 + 3] = (uint8_t)(n - 14 + 20);
		two[14 + 10] = two[14 + 11] = 0;
		{
			uint16_t c = ip_csum(two + 14, 20);

			two[14 + 10] = (uint8_t)(c >> 8);
			two[14 + 11] = (uint8_t)c;
		}
		m = n + 20;
		h_add_bytes(h, two, m);
		f.seq += MSS;
		f.ip_id++;
		o.id++;
	}
	h_receive(h);
	h_expect_npkt(h, 2, "tunnel: IP-in-IP twice goes up at once");
	h_expect_as_is(h, 0, 0, "tunnel: nested");
	h_expect_reason(h, 0, GRO_R_UNHANDLED, "tunnel: nested");
	h_expect_as_is(h, 1, 1, "tunnel: nested");
	h_close(h);
}

/* ------------------------------------------------------------ GRE */

#define GRE_C 0x8000
#define GRE_K 0x2000
#define GRE_S 0x1000

/* Frame @f in GRE (@flags, @key; Ethernet inside if @teb) in outer IPv4. */
static size_t encap_gre(const struct pb_frame *f, struct outer *o, uint16_t flags, uint32_t key,
			int teb, uint8_t *out, size_t cap)
{
	uint8_t in[16384], g[16384];
	size_t n = pb_build(f, in, sizeof(in)), gl = 4, body = teb ? n : n - 14, i;
	uint16_t type = teb ? 0x6558 : f->ipv6 ? 0x86dd : 0x0800;
	struct pb_frame carrier;
	size_t len;

	cr_assert(n);
	g[0] = (uint8_t)(flags >> 8);
	g[1] = (uint8_t)flags;
	g[2] = (uint8_t)(type >> 8);
	g[3] = (uint8_t)type;
	if (flags & GRE_C) {
		memset(g + gl, 0, 4);
		gl += 4;
	}
	if (flags & GRE_K) {
		g[gl] = (uint8_t)(key >> 24);
		g[gl + 1] = (uint8_t)(key >> 16);
		g[gl + 2] = (uint8_t)(key >> 8);
		g[gl + 3] = (uint8_t)key;
		gl += 4;
	}
	if (flags & GRE_S) {
		memset(g + gl, 0, 4);
		gl += 4;
	}
	memcpy(g + gl, teb ? in : in + 14, body);
	if (flags & GRE_C) {
		uint16_t c = ip_csum_any(g, gl + body);

		g[4] = (uint8_t)(c >> 8);
		g[5] = (uint8_t)c;
	}
	/* The outer IPv4 header around the GRE packet. */
	pb_init(&carrier, 0);
	carrier.ip_proto = 47;
	carrier.payload = g;
	carrier.payload_len = (uint32_t)(gl + body);
	carrier.ip_id = o->id;
	carrier.ttl = o->ttl;
	carrier.df = o->df;
	len = pb_build(&carrier, out, cap);
	cr_assert(len);
	for (i = 0; i < 6; i++)
		out[i] = in[i];
	return len;
}

static int add_gre(struct h *h, struct pb_frame *f, struct outer *o, uint16_t flags,
		   uint32_t key, int teb)
{
	static uint8_t buf[16384];
	size_t n = encap_gre(f, o, flags, key, teb, buf, sizeof(buf));
	int k = h_add_bytes(h, buf, n);

	f->seq += f->payload_len;
	f->ip_id++;
	o->id++;
	return k;
}

Test(tunnel, gre_merges_and_segments_back)
{
	static const struct { uint16_t flags; int teb, v6; } cases[] = {
		{ 0, 0, 0 }, { GRE_K, 0, 0 }, { GRE_C, 0, 0 }, { GRE_C | GRE_K, 0, 1 },
		{ GRE_K, 1, 0 }, { GRE_C, 1, 1 },
	};
	unsigned t;

	for (t = 0; t < sizeof(cases) / sizeof(cases[0]); t++) {
		struct outer o = { 0, 300, 64, 1 };
		struct h *h = h_open(NULL);
		static uint8_t buf[65536];
		const struct h_pkt *p;
		struct pb_frame f;
		struct gro_pkt pkt;
		struct gro_seg in, out[8];
		int i, n;

		h_seg_init(&f, cases[t].v6, MSS);
		for (i = 0; i < 4; i++)
			add_gre(h, &f, &o, cases[t].flags, 42, cases[t].teb);
		h_run(h);
		h_expect_merged(h, 0, 0, 4, "gre: merged");
		p = h_pkt(h, 0);
		cr_assert(p->gso_type & GRO_GSO_GRE, "gre %u: GRE in gso_type", t);
		cr_assert_eq(!!(p->gso_type & GRO_GSO_GRE_CSUM), !!(cases[t].flags & GRE_C));
		cr_assert_eq(h_rd16(p->raw + 34 + 4), h_rd16(h_frame(h, 0) + 34 + 4),
			     "gre %u: the GRE checksum word as the first segment's", t);
		h_pkt_gro(p, &pkt, &in);
		n = gro_segment(&pkt, buf, sizeof(buf), out, 8);
		cr_assert_eq(n, 4, "gre %u: segmented into %d", t, n);
		for (i = 0; i < 4; i++)
			cr_assert(out[i].len == h_frame_len(h, i) &&
				  !memcmp(out[i].data, h_frame(h, i), out[i].len),
				  "gre %u: segment %d byte for byte", t, i);
		h_close(h);
	}
}

Test(tunnel, gre_key_change_is_another_flow_and_seq_never_merges)
{
	struct outer o = { 0, 1, 64, 1 };
	struct h *h = h_open(NULL);
	struct pb_frame f;

	h_seg_init(&f, 0, MSS);
	add_gre(h, &f, &o, GRE_S, 0, 0);
	add_gre(h, &f, &o, GRE_S, 0, 0);
	h_receive(h);
	h_expect_npkt(h, 2, "gre: the sequence flag is never merged nor held");
	h_expect_reason(h, 0, GRO_R_UNHANDLED, "gre: S");
	h_close(h);

	h = h_open(NULL);
	h_seg_init(&f, 0, MSS);
	add_gre(h, &f, &o, GRE_K, 1, 0);
	add_gre(h, &f, &o, GRE_K, 2, 0);
	h_run(h);
	h_expect_npkt(h, 2, "gre: another key, another flow");
	h_close(h);
}

/* With C and K, Linux's gre_gro_receive compares the word after the base
 * header as "the key": it is the checksum word there. Measured on Linux
 * 6.18: four segments with four keys whose 16-bit halves add up the same
 * (so their GRE checksums are equal) merge; with one key, a shorter last
 * segment (another checksum) is not merged into the packet. */
Test(tunnel, gre_csum_and_key_compare_the_checksum_word)
{
	struct outer o = { 0, 1, 64, 1 };
	struct h *h = h_open(NULL);
	struct pb_frame f;
	uint32_t i;

	h_seg_init(&f, 0, MSS);
	for (i = 0; i < 4; i++)
		add_gre(h, &f, &o, GRE_C | GRE_K, (1 + i) << 16 | (6 - i), 0);
	h_run(h);
	h_expect_npkt(h, 1, "gre C+K: four keys, one checksum: one flow");
	h_expect_merged(h, 0, 0, 4, "gre C+K: merged");
	h_close(h);

	h = h_open(NULL);
	h_seg_init(&f, 0, MSS);
	for (i = 0; i < 3; i++)
		add_gre(h, &f, &o, GRE_C | GRE_K, 42, 0);
	f.payload_len = MSS / 2;
	add_gre(h, &f, &o, GRE_C | GRE_K, 42, 0);
	h_run(h);
	h_expect_npkt(h, 2, "gre C+K: a shorter segment has another checksum, another flow");
	h_expect_merged(h, 0, 0, 3, "gre C+K: the three of one length");
	h_close(h);

	/* Without C the key itself is compared. */
	h = h_open(NULL);
	h_seg_init(&f, 0, MSS);
	for (i = 0; i < 2; i++)
		add_gre(h, &f, &o, GRE_K, (1 + i) << 16 | (6 - i), 0);
	h_run(h);
	h_expect_npkt(h, 2, "gre K: two keys, two flows");
	h_close(h);
}

Test(tunnel, gre_bad_checksum_goes_up_alone)
{
	struct outer o = { 0, 1, 64, 1 };
	struct h *h = h_open(NULL);
	static uint8_t buf[16384];
	struct pb_frame f;
	size_t n;

	h_seg_init(&f, 0, MSS);
	add_gre(h, &f, &o, GRE_C, 0, 0);
	n = encap_gre(&f, &o, GRE_C, 0, 0, buf, sizeof(buf));
	buf[34 + 5] ^= 1;	/* a wrong GRE checksum on segment 1 */
	h_add_bytes(h, buf, n);
	add_gre(h, &f, &o, GRE_C, 0, 0);	/* segment 1 again, good */
	h_run(h);
	h_expect_npkt(h, 2, "gre: bad checksum");
	h_expect_as_is(h, 0, 1, "gre: the bad one goes up at once");
	h_expect_reason(h, 0, GRO_R_L4_CSUM, "gre: bad checksum");
	{
		int idx[2] = { 0, 2 };

		h_expect_frames(h, 1, idx, 2, "gre: the held packet was left alone");
	}
	h_close(h);
}
