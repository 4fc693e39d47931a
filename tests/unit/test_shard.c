/* Several cores: the RSS (Toeplitz) hash against the published verification
 * vectors, the shard a frame goes to, configuration checks, and gro_shard
 * against one engine: the same traffic with the same flush points must give
 * every flow the same packets, and every frame must come back exactly once.
 *
 * The hooks of gro_shard run on the shard threads: here they only record,
 * under a mutex, and count anomalies; the checks run on the test's thread. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "rss.h"	/* the key expansion, checked below */

/* ---------------------------------------------------------------- RSS hash */

/* Microsoft's "Verifying the RSS hash calculation" suite (also the 82599
 * datasheet's RSS verification suite): the default key, source and
 * destination address, source and destination port. */
static const struct {
	uint8_t src[4], dst[4];
	uint16_t sport, dport;
	uint32_t h_addr, h_ports;
} rss_v4[] = {
	{ { 66, 9, 149, 187 }, { 161, 142, 100, 80 }, 2794, 1766, 0x323e8fc2, 0x51ccc178 },
	{ { 199, 92, 111, 2 }, { 65, 69, 140, 83 }, 14230, 4739, 0xd718262a, 0xc626b0ea },
	{ { 24, 19, 198, 95 }, { 12, 22, 207, 184 }, 12898, 38024, 0xd2d0a5de, 0x5c2b394a },
	{ { 38, 27, 205, 30 }, { 209, 142, 163, 6 }, 48228, 2217, 0x82989176, 0xafc7327f },
	{ { 153, 39, 163, 191 }, { 202, 188, 127, 2 }, 44251, 1303, 0x5d1809c5, 0x10e828a2 },
};

static const struct {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t h_addr, h_ports;
} rss_v6[] = {
	/* 3ffe:2501:200:1fff::7 -> 3ffe:2501:200:3::1 */
	{ { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x07 },
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x01 },
	  2794, 1766, 0x2cc18cd5, 0x40207d3d },
	/* 3ffe:501:8::260:97ff:fe40:efab -> ff02::1 */
	{ { 0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0x00, 0x00, 0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab },
	  { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 },
	  14230, 4739, 0x0f0c461c, 0xdde51bbf },
	/* 3ffe:1900:4545:3:200:f8ff:fe21:67cf -> fe80::200:f8ff:fe21:67cf */
	{ { 0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf },
	  { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf },
	  44251, 38024, 0x4b61e985, 0x02d1feef },
};

#define NV4 (sizeof(rss_v4) / sizeof(rss_v4[0]))
#define NV6 (sizeof(rss_v6) / sizeof(rss_v6[0]))

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static struct gro_rss rss_default;	/* large: kept off the stack */

static const struct gro_rss *default_rss(void)
{
	cr_assert_eq(gro_rss_init(&rss_default, NULL, 0), GRO_OK, "rss: the default key is accepted");
	return &rss_default;
}

/* Build @f into @buf (asserting it fits); returns the length. */
static uint32_t build(const struct pb_frame *f, uint8_t *buf, size_t cap)
{
	size_t len = pb_build(f, buf, cap);

	cr_assert_neq(len, 0, "harness: pb_build failed");
	return (uint32_t)len;
}

/* Toeplitz hash, one bit at a time, straight from its definition: for each
 * set input bit i (most significant first), XOR in key bits i..i+31. */
static uint32_t toeplitz_ref(const uint8_t *key, size_t klen, const uint8_t *in, size_t n)
{
	uint32_t h = 0;
	size_t i, k;

	for (i = 0; i < n * 8; i++) {
		uint32_t w = 0;

		if (!(in[i / 8] & (0x80u >> (i % 8))))
			continue;
		for (k = i; k < i + 32; k++)
			w = w << 1 | (k / 8 < klen ? (uint32_t)(key[k / 8] >> (7 - k % 8)) & 1 : 0);
		h ^= w;
	}
	return h;
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	/* xorshift32 */
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

Test(shard, rss_hash_ipv4_verification_vectors)
{
	const struct gro_rss *rss = default_rss();
	size_t i;

	for (i = 0; i < NV4; i++) {
		uint8_t in[12];

		memcpy(in, rss_v4[i].src, 4);
		memcpy(in + 4, rss_v4[i].dst, 4);
		put16(in + 8, rss_v4[i].sport);
		put16(in + 10, rss_v4[i].dport);
		cr_assert_eq(gro_rss_hash(rss, in, 8), rss_v4[i].h_addr,
			     "rss: IPv4 vector %zu without ports: expected 0x%08x, got 0x%08x",
			     i, rss_v4[i].h_addr, gro_rss_hash(rss, in, 8));
		cr_assert_eq(gro_rss_hash(rss, in, 12), rss_v4[i].h_ports,
			     "rss: IPv4 vector %zu with ports: expected 0x%08x, got 0x%08x",
			     i, rss_v4[i].h_ports, gro_rss_hash(rss, in, 12));
	}
}

Test(shard, rss_hash_ipv6_verification_vectors)
{
	const struct gro_rss *rss = default_rss();
	size_t i;

	for (i = 0; i < NV6; i++) {
		uint8_t in[36];

		memcpy(in, rss_v6[i].src, 16);
		memcpy(in + 16, rss_v6[i].dst, 16);
		put16(in + 32, rss_v6[i].sport);
		put16(in + 34, rss_v6[i].dport);
		cr_assert_eq(gro_rss_hash(rss, in, 32), rss_v6[i].h_addr,
			     "rss: IPv6 vector %zu without ports: expected 0x%08x, got 0x%08x",
			     i, rss_v6[i].h_addr, gro_rss_hash(rss, in, 32));
		cr_assert_eq(gro_rss_hash(rss, in, 36), rss_v6[i].h_ports,
			     "rss: IPv6 vector %zu with ports: expected 0x%08x, got 0x%08x",
			     i, rss_v6[i].h_ports, gro_rss_hash(rss, in, 36));
		/* Only 36 bytes are hashed. */
		cr_assert_eq(gro_rss_hash(rss, in, 36), gro_rss_hash(rss, in, 40),
			     "rss: bytes past the 36th are ignored");
	}
}

/* The same vectors, from frames: TCP and UDP hash with ports; fragments,
 * other protocols and IPv6 with an extension header without; VLAN tags are
 * skipped. */
Test(shard, rss_frame_verification_vectors)
{
	const struct gro_rss *rss = default_rss();
	uint8_t buf[256], udp[16];
	struct pb_frame f;
	uint32_t len;
	size_t i;

	for (i = 0; i < NV4; i++) {
		pb_init(&f, 0);
		memcpy(f.saddr, rss_v4[i].src, 4);
		memcpy(f.daddr, rss_v4[i].dst, 4);
		f.sport = rss_v4[i].sport;
		f.dport = rss_v4[i].dport;
		f.payload_len = 100;
		len = build(&f, buf, sizeof(buf));
		cr_assert_eq(gro_rss_frame(rss, buf, len), rss_v4[i].h_ports,
			     "rss: IPv4/TCP frame %zu hashes addresses and ports", i);

		f.nvlan = 2;
		f.vlan_tpid[0] = 0x88a8;
		f.vlan_tci[0] = 100;
		f.vlan_tpid[1] = 0x8100;
		f.vlan_tci[1] = 7;
		len = build(&f, buf, sizeof(buf));
		cr_assert_eq(gro_rss_frame(rss, buf, len), rss_v4[i].h_ports,
			     "rss: two VLAN tags are skipped (IPv4 vector %zu)", i);
		f.nvlan = 0;

		f.frag = 0x2000;	/* MF: first fragment */
		len = build(&f, buf, sizeof(buf));
		cr_assert_eq(gro_rss_frame(rss, buf, len), rss_v4[i].h_addr,
			     "rss: an IPv4 fragment hashes without ports (vector %zu)", i);
		f.frag = 0;

		/* UDP: the ports are the first 4 bytes of the L4 part. */
		memset(udp, 0, sizeof(udp));
		put16(udp, rss_v4[i].sport);
		put16(udp + 2, rss_v4[i].dport);
		put16(udp + 4, sizeof(udp));
		f.ip_proto = 17;
		f.payload = udp;
		f.payload_len = sizeof(udp);
		len = build(&f, buf, sizeof(buf));
		cr_assert_eq(gro_rss_frame(rss, buf, len), rss_v4[i].h_ports,
			     "rss: IPv4/UDP frame %zu hashes addresses and ports", i);

		f.ip_proto = 1;	/* ICMP */
		len = build(&f, buf, sizeof(buf));
		cr_assert_eq(gro_rss_frame(rss, buf, len), rss_v4[i].h_addr,
			     "rss: IPv4/ICMP frame %zu hashes the addresses only", i);

		/* Ports cut off: addresses only. */
		f.ip_proto = 0;
		f.payload = NULL;
		f.payload_len = 100;
		len = build(&f, buf, sizeof(buf));
		cr_assert_eq(gro_rss_frame(rss, buf, 14 + 20 + 2), rss_v4[i].h_addr,
			     "rss: an IPv4 frame cut inside the ports hashes the addresses only");
		cr_assert_eq(gro_rss_frame(rss, buf, 14 + 19), 0,
			     "rss: an IPv4 frame shorter than its header hashes to 0");
	}
	for (i = 0; i < NV6; i++) {
		pb_init(&f, 1);
		memcpy(f.saddr, rss_v6[i].src, 16);
		memcpy(f.daddr, rss_v6[i].dst, 16);
		f.sport = rss_v6[i].sport;
		f.dport = rss_v6[i].dport;
		f.payload_len = 100;
		len = build(&f, buf, sizeof(buf));
		cr_assert_eq(gro_rss_frame(rss, buf, len), rss_v6[i].h_ports,
			     "rss: IPv6/TCP frame %zu hashes addresses and ports", i);

		f.nvlan = 1;
		f.vlan_tpid[0] = 0x8100;
		f.vlan_tci[0] = 42;
		len = build(&f, buf, sizeof(buf));
		cr_assert_eq(gro_rss_frame(rss, buf, len), rss_v6[i].h_ports,
			     "rss: a VLAN tag is skipped (IPv6 vector %zu)", i);
		f.nvlan = 0;

		pb_ext_add(&f, PB_EXT_DEST, NULL, 0);
		len = build(&f, buf, sizeof(buf));
		cr_assert_eq(gro_rss_frame(rss, buf, len), rss_v6[i].h_addr,
			     "rss: IPv6 with an extension header hashes the addresses only (vector %zu)", i);

		pb_init(&f, 1);
		memcpy(f.saddr, rss_v6[i].src, 16);
		memcpy(f.daddr, rss_v6[i].dst, 16);
		f.ip_proto = 58;	/* ICMPv6 */
		memset(udp, 0, sizeof(udp));
		f.payload = udp;
		f.payload_len = sizeof(udp);
		len = build(&f, buf, sizeof(buf));
		cr_assert_eq(gro_rss_frame(rss, buf, len), rss_v6[i].h_addr,
			     "rss: IPv6/ICMPv6 frame %zu hashes the addresses only", i);
		cr_assert_eq(gro_rss_frame(rss, buf, 14 + 39), 0,
			     "rss: an IPv6 frame shorter than its header hashes to 0");
	}

	/* Not IP, too short, NULL. */
	pb_init(&f, 0);
	f.ethertype = 0x0806;
	memset(udp, 0x11, sizeof(udp));
	f.payload = udp;
	f.payload_len = sizeof(udp);
	len = build(&f, buf, sizeof(buf));
	cr_assert_eq(gro_rss_frame(rss, buf, len), 0, "rss: a frame that is not IP hashes to 0");
	cr_assert_eq(gro_rss_frame(rss, buf, 13), 0, "rss: a frame without Ethernet header hashes to 0");
	cr_assert_eq(gro_rss_frame(rss, NULL, 100), 0, "rss: a NULL frame hashes to 0");
}

/* Random keys of every accepted length and random inputs of every length,
 * against the hash computed bit by bit. */
Test(shard, rss_hash_matches_definition_for_any_key)
{
	static struct gro_rss rss;
	uint8_t key[GRO_RSS_KEY_MAX], in[36];
	uint32_t klen, n, t, i;

	for (klen = 40; klen <= GRO_RSS_KEY_MAX; klen++) {
		for (i = 0; i < klen; i++)
			key[i] = (uint8_t)rnd();
		cr_assert_eq(gro_rss_init(&rss, key, klen), GRO_OK, "rss: a %u-byte key is accepted", klen);
		cr_assert_eq(rss.key_len, klen, "rss: the key length is kept");
		cr_assert(!memcmp(rss.key, key, klen), "rss: the key is kept");
		for (t = 0; t < 20; t++) {
			for (i = 0; i < sizeof(in); i++)
				in[i] = (uint8_t)rnd();
			for (n = 0; n <= 36; n++)
				cr_assert_eq(gro_rss_hash(&rss, in, n), toeplitz_ref(key, klen, in, n),
					     "rss: %u-byte key, %u-byte input: the hash must be Toeplitz's",
					     klen, n);
		}
	}
	/* The default key, given explicitly, is the default. */
	cr_assert_eq(gro_rss_init(&rss, gro_rss_default_key, 40), GRO_OK, "rss: the default key given explicitly");
	for (i = 0; i < 12; i++)
		in[i] = (uint8_t)rnd();
	cr_assert_eq(gro_rss_hash(&rss, in, 12), gro_rss_hash(default_rss(), in, 12),
		     "rss: NULL means gro_rss_default_key");
	cr_assert_eq(gro_rss_hash(&rss, in, 12), toeplitz_ref(gro_rss_default_key, 40, in, 12),
		     "rss: the default key hashes as Toeplitz's");
}

Test(shard, rss_init_refuses_bad_arguments)
{
	static struct gro_rss rss;
	uint8_t key[64];
	uint32_t len;

	memset(key, 0x5a, sizeof(key));
	cr_assert_eq(gro_rss_init(NULL, NULL, 0), GRO_EINVAL, "rss: a NULL gro_rss is refused");
	cr_assert_eq(gro_rss_init(NULL, key, 40), GRO_EINVAL, "rss: a NULL gro_rss is refused");
	memset(&rss, 0xa5, sizeof(rss));
	for (len = 0; len < 40; len++)
		cr_assert_eq(gro_rss_init(&rss, key, len), GRO_EINVAL, "rss: a %u-byte key is refused", len);
	for (len = GRO_RSS_KEY_MAX + 1; len <= sizeof(key); len++)
		cr_assert_eq(gro_rss_init(&rss, key, len), GRO_EINVAL, "rss: a %u-byte key is refused", len);
	cr_assert_eq(gro_rss_init(&rss, key, 0xffffffffu), GRO_EINVAL, "rss: a huge key length is refused");
	cr_assert_eq(rss.key_len, 0xa5a5a5a5u, "rss: a refused key leaves the gro_rss untouched");
	cr_assert_eq(rss.tbl[0][1], 0xa5a5a5a5u, "rss: a refused key leaves the gro_rss untouched");
	cr_assert_eq(gro_rss_init(&rss, key, 40), GRO_OK, "rss: 40 bytes are accepted");
	cr_assert_eq(gro_rss_init(&rss, key, GRO_RSS_KEY_MAX), GRO_OK, "rss: GRO_RSS_KEY_MAX bytes are accepted");
	cr_assert_eq(gro_rss_init(&rss, NULL, 7), GRO_OK, "rss: with a NULL key the length is ignored");
	cr_assert_eq(rss.key_len, 40, "rss: a NULL key means the 40-byte default");
}

/* The public constructor: the same hash as the state the tests above check,
 * and the same refusals. */
Test(shard, rss_create_and_destroy)
{
	static struct gro_rss ref;
	struct gro_rss *rss = (struct gro_rss *)(uintptr_t)1;
	uint8_t key[64], in[36];
	uint32_t len, n, i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)rnd();
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)rnd();
	cr_assert_eq(gro_rss_create(NULL, 0, &rss), GRO_OK, "rss_create: the default key is accepted");
	cr_assert_not_null(rss, "rss_create: *out is set");
	for (n = 0; n <= 36; n++)
		cr_assert_eq(gro_rss_hash(rss, in, n), toeplitz_ref(gro_rss_default_key, 40, in, n),
			     "rss_create: NULL means gro_rss_default_key (%u-byte input)", n);
	gro_rss_destroy(rss);

	cr_assert_eq(gro_rss_create(key, GRO_RSS_KEY_MAX, &rss), GRO_OK, "rss_create: a long key is accepted");
	cr_assert_eq(gro_rss_init(&ref, key, GRO_RSS_KEY_MAX), GRO_OK, "rss: a long key is accepted");
	for (n = 0; n <= 36; n++)
		cr_assert_eq(gro_rss_hash(rss, in, n), gro_rss_hash(&ref, in, n),
			     "rss_create: the same hash as gro_rss_init (%u-byte input)", n);
	gro_rss_destroy(rss);

	cr_assert_eq(gro_rss_create(key, 40, NULL), GRO_EINVAL, "rss_create: a NULL out is refused");
	for (len = 0; len < 40; len++) {
		rss = (struct gro_rss *)(uintptr_t)1;
		cr_assert_eq(gro_rss_create(key, len, &rss), GRO_EINVAL, "rss_create: a %u-byte key is refused", len);
		cr_assert_null(rss, "rss_create: *out is NULL after a refusal");
	}
	rss = (struct gro_rss *)(uintptr_t)1;
	cr_assert_eq(gro_rss_create(key, GRO_RSS_KEY_MAX + 1, &rss), GRO_EINVAL,
		     "rss_create: a key longer than GRO_RSS_KEY_MAX is refused");
	cr_assert_null(rss, "rss_create: *out is NULL after a refusal");
	gro_rss_destroy(NULL);
}

/* ---------------------------------------------------------------- configuration */

static void nop_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	(void)arg;
	(void)pkts;
	(void)n;
}

static void good_shard_config(struct gro_shard_config *cfg)
{
	gro_shard_config_init(cfg);
	cfg->engine.deliver = nop_deliver;
}

static void expect_shard_refused(const struct gro_shard_config *cfg, const char *rule)
{
	struct gro_shard *sh = (struct gro_shard *)(uintptr_t)1;

	cr_assert_eq(gro_shard_create(cfg, &sh), GRO_EINVAL, "%s: gro_shard_create must return GRO_EINVAL", rule);
	cr_assert_null(sh, "%s: *out must be NULL after a refusal", rule);
}

static void expect_shard_accepted(const struct gro_shard_config *cfg, const char *rule)
{
	struct gro_shard *sh = NULL;
	int err = gro_shard_create(cfg, &sh);

	cr_assert_eq(err, GRO_OK, "%s: gro_shard_create failed: %s", rule, gro_strerror(err));
	cr_assert_not_null(sh, "%s", rule);
	gro_shard_destroy(sh);
}

Test(shard, config_defaults)
{
	struct gro_shard_config cfg;
	struct gro_config ecfg;

	memset(&cfg, 0xa5, sizeof(cfg));
	gro_shard_config_init(&cfg);
	gro_config_init(&ecfg);
	cr_assert_eq(cfg.nshards, 2, "shard config: 2 shards by default");
	cr_assert_eq(cfg.ring_size, 4096, "shard config: queues of 4096 frames by default");
	cr_assert_null(cfg.rss_key, "shard config: the default RSS key by default");
	cr_assert_eq(cfg.use_rxhash, 0, "shard config: the hash is computed by default");
	cr_assert_eq(cfg.inline_shard0, 0, "shard config: every shard has its thread by default");
	cr_assert_null(cfg.deliver_args, "shard config: no per-shard hook arguments by default");
	cr_assert_null(cfg.release_args, "shard config: no per-shard hook arguments by default");
	cr_assert(!memcmp(&cfg.engine, &ecfg, sizeof(ecfg)), "shard config: the engine gets gro_config_init()");
}

Test(shard, config_errors_are_einval)
{
	struct gro_shard_config cfg;
	struct gro_shard *sh = (struct gro_shard *)(uintptr_t)1;
	uint8_t key[GRO_RSS_KEY_MAX + 1];
	static const uint32_t bad_rings[] = { 1, 2, 16, 31, 33, 100, 1000, 4095, 4097, 3u << 12, 0x80000001u };
	size_t i;

	memset(key, 0x33, sizeof(key));
	cr_assert_eq(gro_shard_create(NULL, &sh), GRO_EINVAL, "shard config: a NULL configuration is refused");
	good_shard_config(&cfg);
	cr_assert_eq(gro_shard_create(&cfg, NULL), GRO_EINVAL, "shard config: a NULL out is refused");

	good_shard_config(&cfg);
	cfg.nshards = 0;
	expect_shard_refused(&cfg, "shard config: nshards 0");
	cfg.nshards = GRO_SHARD_MAX + 1;
	expect_shard_refused(&cfg, "shard config: nshards above GRO_SHARD_MAX");
	cfg.nshards = 0xffffffffu;
	expect_shard_refused(&cfg, "shard config: a huge nshards");

	for (i = 0; i < sizeof(bad_rings) / sizeof(bad_rings[0]); i++) {
		good_shard_config(&cfg);
		cfg.ring_size = bad_rings[i];
		expect_shard_refused(&cfg, "shard config: a ring_size that is not a power of two from 32");
	}

	good_shard_config(&cfg);
	cfg.rss_key = key;
	cfg.rss_key_len = 39;
	expect_shard_refused(&cfg, "shard config: an RSS key shorter than 40 bytes");
	cfg.rss_key_len = GRO_RSS_KEY_MAX + 1;
	expect_shard_refused(&cfg, "shard config: an RSS key longer than GRO_RSS_KEY_MAX");

	good_shard_config(&cfg);
	cfg.engine.deliver = NULL;
	expect_shard_refused(&cfg, "shard config: an engine without deliver hook");
	good_shard_config(&cfg);
	cfg.engine.buckets = 3;
	expect_shard_refused(&cfg, "shard config: an engine configuration gro_create refuses");
	cr_assert_not_null(strstr(gro_config_error(), "buckets"),
			   "shard config: gro_config_error names the engine setting, got '%s'", gro_config_error());
}

Test(shard, config_limits_are_accepted)
{
	struct gro_shard_config cfg;
	uint8_t key[GRO_RSS_KEY_MAX];

	memset(key, 0x42, sizeof(key));
	good_shard_config(&cfg);
	expect_shard_accepted(&cfg, "shard config: the defaults");
	cfg.nshards = 1;
	expect_shard_accepted(&cfg, "shard config: one shard");
	cfg.inline_shard0 = 1;
	expect_shard_accepted(&cfg, "shard config: one inline shard (no thread)");
	cfg.nshards = GRO_SHARD_MAX;
	cfg.inline_shard0 = 0;
	cfg.ring_size = 32;
	expect_shard_accepted(&cfg, "shard config: GRO_SHARD_MAX shards with the smallest ring");
	good_shard_config(&cfg);
	cfg.ring_size = 0;
	expect_shard_accepted(&cfg, "shard config: ring_size 0 means the default");
	cfg.rss_key = key;
	cfg.rss_key_len = GRO_RSS_KEY_MAX;
	expect_shard_accepted(&cfg, "shard config: a GRO_RSS_KEY_MAX-byte key");
}

Test(shard, api_misuse)
{
	struct gro_shard_config cfg;
	struct gro_shard *sh = NULL;
	struct gro_stats st;
	struct gro_frame fr;

	good_shard_config(&cfg);
	cfg.nshards = 3;
	cr_assert_eq(gro_shard_create(&cfg, &sh), GRO_OK, "shard: create");
	cr_assert_eq(gro_shard_receive(NULL, &fr, 1, 0), GRO_EINVAL, "shard: receive on NULL is refused");
	cr_assert_eq(gro_shard_receive(sh, NULL, 1, 0), GRO_EINVAL, "shard: NULL frames with n > 0 are refused");
	cr_assert_eq(gro_shard_receive(sh, NULL, 0, 0), GRO_OK, "shard: no frames is fine");
	cr_assert_eq(gro_shard_flush(NULL, 0, GRO_FLUSH_ALL), GRO_EINVAL, "shard: flush on NULL is refused");
	cr_assert_eq(gro_shard_flush(sh, 0, 7), GRO_EINVAL, "shard: an unknown flush mode is refused");
	cr_assert_eq(gro_shard_flush(sh, 0, GRO_FLUSH_TIMEOUT), GRO_OK, "shard: flush (timeout)");
	gro_shard_sync(sh);
	gro_shard_sync(NULL);
	cr_assert_not_null(gro_shard_engine(sh, 2), "shard: shard 2 has an engine");
	cr_assert_gt(gro_memory(gro_shard_engine(sh, 2)), 0, "shard: its engine has memory");
	cr_assert_null(gro_shard_engine(sh, 3), "shard: there is no shard 3");
	cr_assert_null(gro_shard_engine(NULL, 0), "shard: NULL has no engine");
	memset(&st, 0xff, sizeof(st));
	gro_shard_get_stats(NULL, &st);
	cr_assert_eq(st.frames_in, 0, "shard: the stats of NULL are zeros");
	gro_shard_get_stats(sh, &st);
	cr_assert_eq(st.frames_in, 0, "shard: nothing received yet");
	gro_shard_destroy(sh);
	gro_shard_destroy(NULL);
}

/* ---------------------------------------------------------------- shard of a frame */

/* A random TCP flow: IPv4 or IPv6, maybe VLAN-tagged. */
static void random_flow(struct pb_frame *f, int ipv6)
{
	int i;

	pb_init(f, ipv6);
	for (i = 0; i < (ipv6 ? 16 : 4); i++) {
		f->saddr[i] = (uint8_t)rnd();
		f->daddr[i] = (uint8_t)rnd();
	}
	if (ipv6) {
		f->saddr[0] = 0xfd;
		f->daddr[0] = 0xfd;
	} else {
		f->saddr[0] = 10;
		f->daddr[0] = 10;
	}
	f->sport = (uint16_t)(1024 + rnd() % 60000);
	f->dport = (uint16_t)(1 + rnd() % 65535);
	f->seq = rnd();
	f->ack = rnd();
	if (rnd() % 4 == 0) {
		f->nvlan = 1;
		f->vlan_tpid[0] = 0x8100;
		f->vlan_tci[0] = (uint16_t)(1 + rnd() % 4094);
	}
}

Test(shard, every_segment_of_a_flow_goes_to_one_shard)
{
	const struct gro_rss *rss = default_rss();
	static const unsigned counts[] = { 1, 2, 3, 4, 7, GRO_SHARD_MAX };
	size_t c;

	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		struct gro_shard_config cfg;
		struct gro_shard *sh;
		unsigned n = counts[c], used[GRO_SHARD_MAX] = { 0 }, k, seg;
		uint8_t buf[1600];

		good_shard_config(&cfg);
		cfg.nshards = n;
		cfg.ring_size = 32;
		cr_assert_eq(gro_shard_create(&cfg, &sh), GRO_OK, "shard: create %u shards", n);
		for (k = 0; k < 300; k++) {
			struct pb_frame f;
			unsigned first = 0;

			random_flow(&f, k % 3 == 0);
			for (seg = 0; seg < 12; seg++) {
				struct gro_frame fr;
				unsigned s;
				uint32_t h;

				/* Everything but addresses and ports changes. */
				f.payload_len = seg == 5 ? 0 : 100 + rnd() % 1300;
				f.flags = (uint8_t)(PB_ACK | (seg == 7 ? PB_PSH : 0) | (seg == 11 ? PB_FIN : 0));
				f.tos = (uint8_t)(seg * 4);
				f.tclass = (uint8_t)(seg * 4);
				f.ttl = f.hop_limit = (uint8_t)(64 - seg);
				f.window = (uint16_t)rnd();
				if (seg == 3)
					pb_tcp_opt_timestamp(&f, rnd(), rnd());
				memset(&fr, 0, sizeof(fr));
				fr.data = buf;
				fr.len = build(&f, buf, sizeof(buf));
				fr.rxhash = 0;
				s = gro_shard_of(sh, &fr);
				h = gro_rss_frame(rss, buf, fr.len);
				cr_assert_lt(s, n, "shard: gro_shard_of is below nshards");
				cr_assert_eq(s, (h % 128) % n,
					     "shard: entry (hash %% 128) of the table, which holds entry %% nshards");
				if (seg == 0)
					first = s;
				cr_assert_eq(s, first, "shard: segment %u of flow %u goes to shard %u, not %u",
					     seg, k, s, first);
				f.seq += f.payload_len;
				f.ip_id++;
			}
			used[first]++;
		}
		if (n <= 7)
			for (k = 0; k < n; k++)
				cr_assert_gt(used[k], 300 / n / 3,
					     "shard: %u shards: shard %u got only %u of 300 flows", n, k, used[k]);
		gro_shard_destroy(sh);
	}
}

/* The indirection table as gro_shard_of() reads it: entry e is the shard
 * of a frame whose NIC hash is e (use_rxhash; hash 0 means none, so entry
 * 0 is read through hash GRO_SHARD_RETA). */
static void read_reta(const struct gro_shard *sh, uint8_t *reta)
{
	struct gro_frame fr;
	unsigned e;

	memset(&fr, 0, sizeof(fr));
	for (e = 0; e < GRO_SHARD_RETA; e++) {
		fr.rxhash = e ? e : GRO_SHARD_RETA;
		reta[e] = (uint8_t)gro_shard_of(sh, &fr);
	}
}

Test(shard, default_table_is_even)
{
	static const unsigned counts[] = { 1, 2, 3, 4, 7, GRO_SHARD_MAX };
	size_t c;

	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		unsigned n = counts[c], inl, e;

		for (inl = 0; inl < 2; inl++) {
			struct gro_shard_config cfg;
			struct gro_shard *sh;
			uint8_t reta[GRO_SHARD_RETA];

			good_shard_config(&cfg);
			cfg.nshards = n;
			cfg.ring_size = 32;
			cfg.use_rxhash = 1;
			cfg.inline_shard0 = inl;
			cr_assert_eq(gro_shard_create(&cfg, &sh), GRO_OK, "shard: create %u shards", n);
			read_reta(sh, reta);
			for (e = 0; e < GRO_SHARD_RETA; e++)
				cr_assert_eq(reta[e], e % n,
					     "shard: %u shards%s: entry %u goes to shard %u, not %u", n,
					     inl ? ", shard 0 inline" : "", e, reta[e], e % n);
			gro_shard_destroy(sh);
		}
	}
}

Test(shard, set_reta)
{
	const struct gro_rss *rss = default_rss();
	struct gro_shard_config cfg;
	struct gro_shard *sh;
	uint8_t reta[GRO_SHARD_RETA], now_reta[GRO_SHARD_RETA], buf[1600];
	struct gro_frame fr;
	struct pb_frame f;
	unsigned e;

	good_shard_config(&cfg);
	cfg.nshards = 3;
	cfg.use_rxhash = 1;
	cr_assert_eq(gro_shard_create(&cfg, &sh), GRO_OK, "shard: create");
	for (e = 0; e < GRO_SHARD_RETA; e++)
		reta[e] = (uint8_t)((e * 7 + e / 5) % 3);

	/* Refusals change nothing. */
	cr_assert_eq(gro_shard_set_reta(NULL, reta, GRO_SHARD_RETA), GRO_EINVAL, "set_reta: NULL shards");
	cr_assert_eq(gro_shard_set_reta(sh, NULL, GRO_SHARD_RETA), GRO_EINVAL, "set_reta: NULL table");
	cr_assert_eq(gro_shard_set_reta(sh, reta, GRO_SHARD_RETA - 1), GRO_EINVAL, "set_reta: short table");
	cr_assert_eq(gro_shard_set_reta(sh, reta, GRO_SHARD_RETA + 1), GRO_EINVAL, "set_reta: long table");
	reta[77] = 3;
	cr_assert_eq(gro_shard_set_reta(sh, reta, GRO_SHARD_RETA), GRO_EINVAL,
		     "set_reta: an entry naming a shard that does not exist");
	reta[77] = 2;
	read_reta(sh, now_reta);
	for (e = 0; e < GRO_SHARD_RETA; e++)
		cr_assert_eq(now_reta[e], e % 3, "set_reta: a refused table changes nothing");

	/* Accepted while nothing is held: gro_shard_of follows it. */
	cr_assert_eq(gro_shard_set_reta(sh, reta, GRO_SHARD_RETA), GRO_OK, "set_reta: idle shards");
	read_reta(sh, now_reta);
	cr_assert(!memcmp(now_reta, reta, sizeof(reta)), "set_reta: gro_shard_of reads the new table");

	/* A segment held by a shard: refused, until a flush completes it. */
	pb_init(&f, 0);
	f.payload_len = 1000;
	f.flags = PB_ACK;
	memset(&fr, 0, sizeof(fr));
	fr.data = buf;
	fr.len = build(&f, buf, sizeof(buf));
	fr.rxhash = gro_rss_frame(rss, buf, fr.len);
	cr_assert_eq(gro_shard_receive(sh, &fr, 1, 1000), GRO_OK, "set_reta: receive");
	for (e = 0; e < GRO_SHARD_RETA; e++)
		reta[e] = (uint8_t)(e % 2);
	cr_assert_eq(gro_shard_set_reta(sh, reta, GRO_SHARD_RETA), GRO_EBUSY,
		     "set_reta: refused while a shard holds a packet");
	read_reta(sh, now_reta);
	for (e = 0; e < GRO_SHARD_RETA; e++)
		cr_assert_eq(now_reta[e], (e * 7 + e / 5) % 3, "set_reta: GRO_EBUSY changes nothing");
	cr_assert_eq(gro_shard_flush(sh, 2000, GRO_FLUSH_ALL), GRO_OK, "set_reta: flush");
	cr_assert_eq(gro_shard_set_reta(sh, reta, GRO_SHARD_RETA), GRO_OK, "set_reta: after a flush of all");
	read_reta(sh, now_reta);
	cr_assert(!memcmp(now_reta, reta, sizeof(reta)), "set_reta: the table after the flush");
	gro_shard_destroy(sh);
	cr_assert_str_neq(gro_strerror(GRO_EBUSY), gro_strerror(GRO_EINVAL), "set_reta: GRO_EBUSY reads apart");
}

Test(shard, use_rxhash_takes_the_nic_hash)
{
	const struct gro_rss *rss = default_rss();
	struct gro_shard_config cfg;
	struct gro_shard *sh;
	struct pb_frame f;
	struct gro_frame fr;
	uint8_t buf[256];
	uint32_t h;
	unsigned i;

	good_shard_config(&cfg);
	cfg.nshards = 4;
	cfg.use_rxhash = 1;
	cr_assert_eq(gro_shard_create(&cfg, &sh), GRO_OK, "shard: create");
	pb_init(&f, 0);
	f.payload_len = 100;
	memset(&fr, 0, sizeof(fr));
	fr.data = buf;
	fr.len = build(&f, buf, sizeof(buf));
	h = gro_rss_frame(rss, buf, fr.len);
	for (i = 1; i < 300; i++) {
		fr.rxhash = i * 0x9e3779b9u;
		cr_assert_eq(gro_shard_of(sh, &fr), (fr.rxhash % 128) % 4, "shard: use_rxhash: the NIC's hash picks");
	}
	fr.rxhash = 0;
	cr_assert_eq(gro_shard_of(sh, &fr), (h % 128) % 4, "shard: use_rxhash: rxhash 0 means compute it");
	gro_shard_destroy(sh);

	/* Without use_rxhash, rxhash is ignored. */
	cfg.use_rxhash = 0;
	cr_assert_eq(gro_shard_create(&cfg, &sh), GRO_OK, "shard: create");
	for (i = 1; i < 300; i++) {
		fr.rxhash = i * 0x9e3779b9u;
		cr_assert_eq(gro_shard_of(sh, &fr), (h % 128) % 4, "shard: rxhash is ignored without use_rxhash");
	}
	gro_shard_destroy(sh);
}

/* ---------------------------------------------------------------- sharded vs one engine */

/* One delivered packet as recorded. */
struct rec_pkt {
	uint8_t *bytes;		/* gro_pkt_linearize(..., 0) */
	uint32_t len, nsegs;
	uint16_t gso_size, gso_segs;
	uint32_t gso_type;
	uint8_t reason, csum_partial;
	int *frames;		/* frame index of each span */
};

struct rec_flow {
	struct rec_pkt *p;
	size_t n, cap;
};

/* What the hooks saw, for one run. Hooks of several shards may run at
 * once: everything is under @mu. */
struct rec {
	pthread_mutex_t mu;
	size_t nframes;
	const int *flow_of;		/* frame -> flow id */
	const unsigned *shard_of;	/* frame -> shard it must be delivered on (NULL: unchecked) */
	struct rec_flow *flows;
	size_t nflows;
	unsigned *released;
	bool *delivered;
	unsigned stall_ms;		/* sleep this long in the first deliver call of each shard */
	bool stalled[GRO_SHARD_MAX + 1];
	/* anomalies, checked by the test's thread */
	unsigned bad_cookie, early_release, lin_error, mixed_flows, wrong_shard, oom;
	unsigned long ncalls, npkts;
};

/* The hook argument of one shard (or of the single engine: shard -1). */
struct hook_arg {
	struct rec *r;
	int shard;
};

static int cookie_frame(const struct rec *r, void *cookie)
{
	uintptr_t c = (uintptr_t)cookie;

	return c >= 1 && c <= r->nframes ? (int)(c - 1) : -1;
}

static void rec_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct hook_arg *a = arg;
	struct rec *r = a->r;
	unsigned i, j;

	pthread_mutex_lock(&r->mu);
	if (r->stall_ms && a->shard >= 0 && !r->stalled[a->shard]) {
		struct timespec ts = { 0, (long)r->stall_ms * 1000000L };

		/* Let the producer run ahead, so that frames are still queued
		 * when it destroys the shards. */
		r->stalled[a->shard] = true;
		pthread_mutex_unlock(&r->mu);
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&r->mu);
	}
	r->ncalls++;
	for (i = 0; i < n; i++) {
		const struct gro_pkt *g = &pkts[i];
		struct rec_pkt p;
		struct rec_flow *fl;
		int first = g->nsegs ? cookie_frame(r, g->segs[0].cookie) : -1;

		r->npkts++;
		if (first < 0) {
			r->bad_cookie++;
			continue;
		}
		memset(&p, 0, sizeof(p));
		p.len = g->len;
		p.nsegs = g->nsegs;
		p.gso_size = g->gso_size;
		p.gso_segs = g->gso_segs;
		p.gso_type = g->gso_type;
		p.reason = g->reason;
		p.csum_partial = g->csum_partial;
		p.bytes = malloc(g->len ? g->len : 1);
		p.frames = malloc(g->nsegs * sizeof(int));
		if (!p.bytes || !p.frames) {
			r->oom++;
			free(p.bytes);
			free(p.frames);
			continue;
		}
		if (gro_pkt_linearize(g, p.bytes, g->len, 0) != (long)g->len)
			r->lin_error++;
		for (j = 0; j < g->nsegs; j++) {
			int k = cookie_frame(r, g->segs[j].cookie);

			p.frames[j] = k;
			if (k < 0) {
				r->bad_cookie++;
				continue;
			}
			r->delivered[k] = true;
			if (r->flow_of[k] != r->flow_of[first])
				r->mixed_flows++;
			if (r->shard_of && (int)r->shard_of[k] != a->shard)
				r->wrong_shard++;
		}
		fl = &r->flows[r->flow_of[first]];
		if (fl->n == fl->cap) {
			struct rec_pkt *np = realloc(fl->p, (fl->cap ? 2 * fl->cap : 8) * sizeof(*np));

			if (!np) {
				r->oom++;
				free(p.bytes);
				free(p.frames);
				continue;
			}
			fl->p = np;
			fl->cap = fl->cap ? 2 * fl->cap : 8;
		}
		fl->p[fl->n++] = p;
	}
	pthread_mutex_unlock(&r->mu);
}

static void rec_release(void *arg, void *cookie)
{
	struct hook_arg *a = arg;
	struct rec *r = a->r;
	int k;

	pthread_mutex_lock(&r->mu);
	k = cookie_frame(r, cookie);
	if (k < 0) {
		r->bad_cookie++;
	} else {
		if (!r->delivered[k])
			r->early_release++;
		r->released[k]++;
	}
	pthread_mutex_unlock(&r->mu);
}

static void rec_init(struct rec *r, size_t nframes, const int *flow_of, size_t nflows)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	r->nframes = nframes;
	r->flow_of = flow_of;
	r->nflows = nflows;
	r->flows = calloc(nflows, sizeof(*r->flows));
	r->released = calloc(nframes, sizeof(*r->released));
	r->delivered = calloc(nframes, sizeof(*r->delivered));
	cr_assert(r->flows && r->released && r->delivered, "harness: out of memory");
}

static void rec_free(struct rec *r)
{
	size_t f, k;

	for (f = 0; f < r->nflows; f++) {
		for (k = 0; k < r->flows[f].n; k++) {
			free(r->flows[f].p[k].bytes);
			free(r->flows[f].p[k].frames);
		}
		free(r->flows[f].p);
	}
	free(r->flows);
	free(r->released);
	free(r->delivered);
	pthread_mutex_destroy(&r->mu);
}

/* After the run: every frame delivered, then released exactly once; no
 * anomaly in the hooks. */
static void rec_check(const struct rec *r, const char *run)
{
	size_t k;

	cr_assert_eq(r->bad_cookie, 0, "%s: a cookie that names no frame came back", run);
	cr_assert_eq(r->oom, 0, "%s: the recorder ran out of memory", run);
	cr_assert_eq(r->lin_error, 0, "%s: gro_pkt_linearize did not give the packet's length", run);
	cr_assert_eq(r->mixed_flows, 0, "%s: a packet holds frames of different flows", run);
	cr_assert_eq(r->wrong_shard, 0, "%s: a frame was delivered by another shard than gro_shard_of's", run);
	cr_assert_eq(r->early_release, 0, "%s: a frame was released before its packet was delivered", run);
	for (k = 0; k < r->nframes; k++) {
		cr_assert(r->delivered[k], "%s: frame %zu was never delivered", run, k);
		cr_assert_eq(r->released[k], 1, "%s: frame %zu must be released exactly once (was %u times)",
			     run, k, r->released[k]);
	}
}

/* Per flow, @got must hold exactly @want's packets, in the same order. */
static void rec_compare(const struct rec *want, const struct rec *got, const char *run)
{
	size_t f, k, j;

	cr_assert_eq(got->npkts, want->npkts, "%s: %lu packets delivered, one engine delivers %lu",
		     run, got->npkts, want->npkts);
	for (f = 0; f < want->nflows; f++) {
		const struct rec_flow *a = &want->flows[f], *b = &got->flows[f];

		cr_assert_eq(b->n, a->n, "%s: flow %zu: %zu packets, one engine delivers %zu", run, f, b->n, a->n);
		for (k = 0; k < a->n; k++) {
			const struct rec_pkt *p = &a->p[k], *q = &b->p[k];

			cr_assert_eq(q->len, p->len, "%s: flow %zu packet %zu: %u bytes, one engine gives %u",
				     run, f, k, q->len, p->len);
			cr_assert(!memcmp(q->bytes, p->bytes, p->len),
				  "%s: flow %zu packet %zu: bytes differ from one engine's", run, f, k);
			cr_assert_eq(q->nsegs, p->nsegs, "%s: flow %zu packet %zu: span count", run, f, k);
			for (j = 0; j < p->nsegs; j++)
				cr_assert_eq(q->frames[j], p->frames[j],
					     "%s: flow %zu packet %zu span %zu: frame %d, one engine has %d",
					     run, f, k, j, q->frames[j], p->frames[j]);
			cr_assert(q->gso_size == p->gso_size && q->gso_segs == p->gso_segs &&
				  q->gso_type == p->gso_type && q->csum_partial == p->csum_partial,
				  "%s: flow %zu packet %zu: offload metadata differs", run, f, k);
			cr_assert_eq(q->reason, p->reason, "%s: flow %zu packet %zu: reason %s, one engine: %s",
				     run, f, k, gro_reason_name(q->reason), gro_reason_name(p->reason));
		}
	}
}

/* The traffic: frames (built once, copied for every run, since a
 * super-packet's first frame is rewritten) and a schedule of receive
 * calls and flushes. */
enum { OP_RECV, OP_FLUSH };
struct op {
	int kind;
	size_t first, n;	/* OP_RECV */
	int mode;		/* OP_FLUSH */
	uint64_t now;
};

struct traffic {
	uint8_t **data;
	uint32_t *len;
	uint32_t *rxhash;
	int *flow_of;
	size_t nframes, nflows;
	struct op *ops;
	size_t nops;
};

#define TR_FLOWS 40

/*
 * @nframes frames of TR_FLOWS interleaved TCP flows (IPv4 and IPv6, some
 * VLAN-tagged, some with timestamps), mostly in-order full segments, with
 * PSH, short segments, sequence gaps, pure ACKs, bad checksums, and frames
 * of other protocols in between (each of those is a flow of its own).
 * Receive calls of 1 to @max_burst frames, each @step ns after the last,
 * and a flush (all, or by age) after a call with probability 1/@flush_every.
 * With @nic_hash, every frame carries the NIC's hash in rxhash.
 */
static void traffic_make(struct traffic *t, size_t nframes, unsigned max_burst, unsigned flush_every,
			 bool nic_hash)
{
	struct pb_frame flows[TR_FLOWS];
	uint32_t mss[TR_FLOWS];
	const struct gro_rss *rss = default_rss();
	uint8_t buf[2048], other[64];
	size_t i, pos;
	uint64_t now = 1000;

	memset(t, 0, sizeof(*t));
	t->nframes = nframes;
	t->nflows = TR_FLOWS + nframes;
	t->data = calloc(nframes, sizeof(*t->data));
	t->len = calloc(nframes, sizeof(*t->len));
	t->rxhash = calloc(nframes, sizeof(*t->rxhash));
	t->flow_of = calloc(nframes, sizeof(*t->flow_of));
	t->ops = calloc(2 * nframes + 1, sizeof(*t->ops));
	cr_assert(t->data && t->len && t->rxhash && t->flow_of && t->ops, "harness: out of memory");

	for (i = 0; i < TR_FLOWS; i++) {
		random_flow(&flows[i], i % 3 == 1);
		mss[i] = 200 + rnd() % 1200;
		if (i % 4 == 2)
			pb_tcp_opt_timestamp(&flows[i], rnd(), rnd());
	}
	for (i = 0; i < nframes; i++) {
		unsigned k = rnd() % TR_FLOWS, r = rnd() % 100;
		struct pb_frame f = flows[k];
		int flow = (int)k;

		f.payload_len = mss[k];
		if (r < 5) {
			f.flags |= PB_PSH;
		} else if (r < 9) {
			f.payload_len = 1 + rnd() % (mss[k] - 1);
		} else if (r < 11) {
			f.seq += mss[k];	/* a gap: the flow does not continue */
		} else if (r < 14) {
			f.payload_len = 0;	/* a pure ACK */
			flows[k].ack += 1000;
			f.ack = flows[k].ack;
		} else if (r < 15) {
			f.bad_tcp_csum = 1;
		} else if (r < 16 && f.tcp_opts_len) {
			flows[k].tcp_opts[4] ^= 1;	/* timestamp moves on */
			f.tcp_opts[4] ^= 1;
		} else if (r < 19) {
			/* Another protocol: UDP on random ports, or not IP at all. */
			random_flow(&f, (int)(rnd() % 2));
			memset(other, 0, sizeof(other));
			put16(other, f.sport);
			put16(other + 2, f.dport);
			put16(other + 4, sizeof(other));
			f.ip_proto = 17;
			f.payload = other;
			f.payload_len = sizeof(other);
			if (r == 18)
				f.ethertype = 0x0806;
			flow = (int)(TR_FLOWS + i);
		}
		if (flow < TR_FLOWS) {
			flows[k].seq = f.seq + f.payload_len;
			flows[k].ip_id++;
		}
		t->len[i] = build(&f, buf, sizeof(buf));
		t->data[i] = malloc(t->len[i]);
		cr_assert_not_null(t->data[i], "harness: out of memory");
		memcpy(t->data[i], buf, t->len[i]);
		t->flow_of[i] = flow;
		t->rxhash[i] = nic_hash ? gro_rss_frame(rss, buf, t->len[i]) : 0;
	}

	for (pos = 0; pos < nframes;) {
		size_t n = 1 + rnd() % max_burst;
		struct op *o = &t->ops[t->nops++];

		if (n > nframes - pos)
			n = nframes - pos;
		o->kind = OP_RECV;
		o->first = pos;
		o->n = n;
		o->now = now;
		pos += n;
		if (rnd() % flush_every == 0) {
			o = &t->ops[t->nops++];
			o->kind = OP_FLUSH;
			o->mode = rnd() % 3 ? GRO_FLUSH_ALL : GRO_FLUSH_TIMEOUT;
			o->now = now + 500;
		}
		now += 1000;
	}
}

static void traffic_free(struct traffic *t)
{
	size_t i;

	for (i = 0; i < t->nframes; i++)
		free(t->data[i]);
	free(t->data);
	free(t->len);
	free(t->rxhash);
	free(t->flow_of);
	free(t->ops);
}

/* Fresh frames for one run: copies of the traffic's, cookie = index + 1. */
static struct gro_frame *frames_copy(const struct traffic *t)
{
	struct gro_frame *fr = calloc(t->nframes, sizeof(*fr));
	size_t i;

	cr_assert_not_null(fr, "harness: out of memory");
	for (i = 0; i < t->nframes; i++) {
		fr[i].data = malloc(t->len[i]);
		cr_assert_not_null(fr[i].data, "harness: out of memory");
		memcpy(fr[i].data, t->data[i], t->len[i]);
		fr[i].len = t->len[i];
		fr[i].rxhash = t->rxhash[i];
		fr[i].cookie = (void *)(uintptr_t)(i + 1);
	}
	return fr;
}

static void frames_free(struct gro_frame *fr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(fr[i].data);
	free(fr);
}

/* The engine configuration of every run: a flow table and segment pool
 * that never overflow, so that no flow is completed early because of
 * another (which could differ between one engine and several). */
static void engine_config(struct gro_config *cfg, size_t nframes)
{
	gro_config_init(cfg);
	cfg->max_flows = 64;
	cfg->buckets = 1;
	cfg->max_held_frames = (uint32_t)nframes;
	cfg->flush_timeout_ns = 2500;
	cfg->batch = 7;
}

static void stats_equal(const struct gro_stats *a, const struct gro_stats *b, const char *run)
{
	int r;

	cr_assert_eq(b->frames_in, a->frames_in, "%s: stats: frames_in", run);
	cr_assert_eq(b->pkts_out, a->pkts_out, "%s: stats: pkts_out", run);
	cr_assert_eq(b->super_pkts, a->super_pkts, "%s: stats: super_pkts", run);
	cr_assert_eq(b->segs_merged, a->segs_merged, "%s: stats: segs_merged", run);
	cr_assert_eq(b->bytes_in, a->bytes_in, "%s: stats: bytes_in", run);
	cr_assert_eq(b->bytes_out, a->bytes_out, "%s: stats: bytes_out", run);
	for (r = 0; r < GRO_R_COUNT; r++)
		cr_assert_eq(b->reasons[r], a->reasons[r], "%s: stats: reasons[%s]", run, gro_reason_name(r));
}

/* One engine on the traffic: the reference. Its stats are taken just
 * before gro_destroy(). */
static void run_single(const struct traffic *t, struct rec *r, struct gro_stats *st)
{
	struct hook_arg arg = { r, -1 };
	struct gro_frame *fr = frames_copy(t);
	struct gro_config cfg;
	struct gro_ctx *ctx;
	size_t i;

	rec_init(r, t->nframes, t->flow_of, t->nflows);
	engine_config(&cfg, t->nframes);
	cfg.deliver = rec_deliver;
	cfg.deliver_arg = &arg;
	cfg.release = rec_release;
	cfg.release_arg = &arg;
	cr_assert_eq(gro_create(&cfg, &ctx), GRO_OK, "one engine: gro_create");
	for (i = 0; i < t->nops; i++) {
		const struct op *o = &t->ops[i];

		if (o->kind == OP_RECV)
			cr_assert_eq(gro_receive(ctx, fr + o->first, (unsigned)o->n, o->now), GRO_OK, "gro_receive");
		else
			cr_assert_geq(gro_flush(ctx, o->now, o->mode), 0, "gro_flush");
	}
	gro_get_stats(ctx, st);
	gro_destroy(ctx);
	rec_check(r, "one engine");
	frames_free(fr, t->nframes);
}

struct shard_run {
	unsigned nshards;
	uint32_t ring_size;
	uint32_t inline_shard0;
	uint32_t use_rxhash;
	bool sync_before_destroy;	/* else destroy with frames still queued */
	unsigned stall_ms;
	const uint8_t *reta;		/* set with gro_shard_set_reta(), or NULL */
};

/* gro_shard on the traffic; compared with @want (one engine's run). */
static void run_sharded(const struct traffic *t, const struct shard_run *sr, const struct rec *want,
			const struct gro_stats *want_st)
{
	struct hook_arg args[GRO_SHARD_MAX];
	void *argp[GRO_SHARD_MAX];
	struct gro_frame *fr = frames_copy(t);
	struct gro_shard_config cfg;
	struct gro_shard *sh;
	unsigned *shard_of;
	struct rec r;
	char run[128];
	size_t i;
	int err;

	snprintf(run, sizeof(run), "%u shard(s)%s%s%s, ring %u%s", sr->nshards,
		 sr->inline_shard0 ? ", shard 0 inline" : "", sr->use_rxhash ? ", NIC hash" : "",
		 sr->reta ? ", own table" : "",
		 sr->ring_size, sr->sync_before_destroy ? "" : ", destroyed with frames queued");
	rec_init(&r, t->nframes, t->flow_of, t->nflows);
	r.stall_ms = sr->stall_ms;
	for (i = 0; i < sr->nshards; i++) {
		args[i].r = &r;
		args[i].shard = (int)i;
		argp[i] = &args[i];
	}
	gro_shard_config_init(&cfg);
	cfg.nshards = sr->nshards;
	cfg.ring_size = sr->ring_size;
	cfg.inline_shard0 = sr->inline_shard0;
	cfg.use_rxhash = sr->use_rxhash;
	engine_config(&cfg.engine, t->nframes);
	cfg.engine.deliver = rec_deliver;
	cfg.engine.release = rec_release;
	cfg.deliver_args = argp;
	cfg.release_args = argp;
	err = gro_shard_create(&cfg, &sh);
	cr_assert_eq(err, GRO_OK, "%s: gro_shard_create: %s (%s)", run, gro_strerror(err), gro_config_error());
	if (sr->reta)
		cr_assert_eq(gro_shard_set_reta(sh, sr->reta, GRO_SHARD_RETA), GRO_OK, "%s: set_reta", run);

	/* Where each frame must be delivered; set before any is offered. */
	shard_of = calloc(t->nframes, sizeof(*shard_of));
	cr_assert_not_null(shard_of, "harness: out of memory");
	for (i = 0; i < t->nframes; i++)
		shard_of[i] = gro_shard_of(sh, &fr[i]);
	r.shard_of = shard_of;

	for (i = 0; i < t->nops; i++) {
		const struct op *o = &t->ops[i];

		if (o->kind == OP_RECV)
			cr_assert_eq(gro_shard_receive(sh, fr + o->first, (unsigned)o->n, o->now), GRO_OK,
				     "%s: gro_shard_receive", run);
		else
			cr_assert_eq(gro_shard_flush(sh, o->now, o->mode), GRO_OK, "%s: gro_shard_flush", run);
	}
	if (sr->sync_before_destroy) {
		struct gro_stats st;

		gro_shard_sync(sh);
		gro_shard_get_stats(sh, &st);
		stats_equal(want_st, &st, run);
	}
	gro_shard_destroy(sh);
	rec_check(&r, run);
	rec_compare(want, &r, run);
	rec_free(&r);
	free(shard_of);
	frames_free(fr, t->nframes);
}

static void equivalence(size_t nframes, unsigned max_burst, unsigned flush_every, bool nic_hash,
			const struct shard_run *runs, size_t nruns)
{
	struct traffic t;
	struct rec want;
	struct gro_stats want_st;
	size_t i, f, multi = 0;

	traffic_make(&t, nframes, max_burst, flush_every, nic_hash);
	run_single(&t, &want, &want_st);
	/* The traffic must exercise merging. */
	for (f = 0; f < TR_FLOWS; f++)
		for (i = 0; i < want.flows[f].n; i++)
			multi += want.flows[f].p[i].gso_segs > 1;
	cr_assert_gt(multi, nframes / 50, "harness: the traffic should merge (%zu super-packets)", multi);
	cr_assert_gt(want_st.reasons[GRO_R_POLL_END], 0, "harness: flushes complete packets");
	cr_assert_gt(want_st.reasons[GRO_R_PUSH], 0, "harness: PSH completes packets");
	for (i = 0; i < nruns; i++)
		run_sharded(&t, &runs[i], &want, &want_st);
	rec_free(&want);
	traffic_free(&t);
}

Test(shard, same_packets_per_flow_as_one_engine)
{
	static const struct shard_run runs[] = {
		{ 1, 0, 0, 0, true, 0, NULL },
		{ 2, 0, 0, 0, true, 0, NULL },
		{ 4, 0, 0, 0, true, 0, NULL },
		{ 1, 32, 1, 0, true, 0, NULL },
		{ 2, 32, 0, 0, true, 0, NULL },
		{ 2, 64, 1, 0, true, 0, NULL },
		{ 4, 32, 0, 0, true, 0, NULL },
		{ 4, 32, 1, 0, true, 0, NULL },
	};

	rnd_state = 0x5eed0001;
	equivalence(4000, 48, 4, false, runs, sizeof(runs) / sizeof(runs[0]));
}

Test(shard, same_packets_per_flow_with_the_nic_hash)
{
	static const struct shard_run runs[] = {
		{ 1, 0, 0, 1, true, 0, NULL },
		{ 2, 32, 0, 1, true, 0, NULL },
		{ 4, 0, 1, 1, true, 0, NULL },
	};

	rnd_state = 0x5eed0002;
	equivalence(3000, 64, 5, true, runs, sizeof(runs) / sizeof(runs[0]));
}

/* Calls of up to 300 frames: one call's share for a shard can exceed its
 * ring (32), and an inline shard 0's chunk, more than once. */
Test(shard, same_packets_per_flow_in_large_bursts)
{
	static const struct shard_run runs[] = {
		{ 1, 32, 1, 0, true, 0, NULL },
		{ 2, 32, 1, 1, true, 0, NULL },
		{ 3, 32, 0, 0, true, 0, NULL },
		{ 8, 32, 1, 0, true, 0, NULL },
		{ GRO_SHARD_MAX, 32, 0, 1, true, 0, NULL },
	};

	rnd_state = 0x5eed0007;
	equivalence(6000, 300, 3, true, runs, sizeof(runs) / sizeof(runs[0]));
}

/* Tables of one's own: everything on one shard, and a skewed one. */
Test(shard, same_packets_per_flow_with_a_table_set)
{
	static uint8_t one[GRO_SHARD_RETA], skew[GRO_SHARD_RETA];
	static const struct shard_run runs[] = {
		{ 2, 0, 0, 0, true, 0, one },
		{ 2, 32, 1, 0, true, 0, one },
		{ 4, 0, 1, 0, true, 0, skew },
		{ 4, 64, 0, 1, true, 0, skew },
	};
	unsigned e;

	for (e = 0; e < GRO_SHARD_RETA; e++) {
		one[e] = 1;
		skew[e] = (uint8_t)(e % 11 < 6 ? 3 : e % 3);
	}
	rnd_state = 0x5eed0006;
	equivalence(3000, 48, 4, true, runs, sizeof(runs) / sizeof(runs[0]));
}

/* Many small calls with a flush after most of them: flush requests and
 * frames race between the producer and the shard threads. */
Test(shard, same_packets_per_flow_with_frequent_flushes)
{
	static const struct shard_run runs[] = {
		{ 2, 32, 0, 0, true, 0, NULL },
		{ 4, 32, 0, 0, true, 0, NULL },
		{ 4, 32, 1, 0, true, 0, NULL },
		{ 3, 0, 0, 0, true, 0, NULL },
	};

	rnd_state = 0x5eed0003;
	equivalence(6000, 4, 1, false, runs, sizeof(runs) / sizeof(runs[0]));
}

/* gro_shard_destroy() with frames and flushes still queued (the shard
 * threads are held up in their first delivery): everything is received,
 * flushed, completed, delivered and released, as by one engine that is
 * destroyed after the same calls. */
Test(shard, destroy_delivers_and_releases_what_is_queued)
{
	static const struct shard_run runs[] = {
		{ 2, 0, 0, 0, false, 30, NULL },
		{ 4, 0, 0, 0, false, 30, NULL },
		{ 4, 0, 1, 0, false, 30, NULL },
		{ 2, 0, 0, 0, false, 0, NULL },
		{ 1, 32, 0, 0, false, 10, NULL },
	};

	rnd_state = 0x5eed0004;
	equivalence(3000, 64, 6, false, runs, sizeof(runs) / sizeof(runs[0]));
}

/* Destroy right after creation, and after frames without any flush. */
Test(shard, destroy_idle_and_unflushed)
{
	struct gro_shard_config cfg;
	struct gro_shard *sh;
	struct traffic t;
	struct gro_frame *fr;
	struct rec r;
	struct hook_arg arg;
	size_t i;

	good_shard_config(&cfg);
	cfg.nshards = 4;
	cr_assert_eq(gro_shard_create(&cfg, &sh), GRO_OK, "shard: create");
	gro_shard_destroy(sh);

	rnd_state = 0x5eed0005;
	traffic_make(&t, 1000, 32, 1000000, false);
	fr = frames_copy(&t);
	rec_init(&r, t.nframes, t.flow_of, t.nflows);
	arg.r = &r;
	arg.shard = 0;
	cfg.engine.deliver = rec_deliver;
	cfg.engine.deliver_arg = &arg;
	cfg.engine.release = rec_release;
	cfg.engine.release_arg = &arg;
	cfg.nshards = 3;
	cr_assert_eq(gro_shard_create(&cfg, &sh), GRO_OK, "shard: create");
	/* One hook argument for every shard: hooks run concurrently; the
	 * shard of the argument means nothing here. */
	r.shard_of = NULL;
	for (i = 0; i < t.nframes; i += 100)
		cr_assert_eq(gro_shard_receive(sh, fr + i, 100, i), GRO_OK, "shard: receive");
	gro_shard_destroy(sh);
	rec_check(&r, "destroyed without a flush");
	rec_free(&r);
	frames_free(fr, t.nframes);
	traffic_free(&t);
}
