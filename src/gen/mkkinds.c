// SPDX-License-Identifier: MIT
/*
 * Prints the fast-path kinds a new context makes (gro_fast_init: one for
 * each untagged stack the layer tables offer) as C constants, for
 * fastpath.c to include as its built-in kinds. Built and run by the build
 * itself, linked with the library built without built-in kinds, so that
 * the constants are exactly what the layers say. Usage: mkkinds > fastkinds.h
 */
#include <stdio.h>
#include <stdlib.h>

#include "layer.h"

/* Every layer, to print a pointer to one by its name. */
static const struct {
	const struct gro_layer *layer;
	const char *sym;
} layers[] = {
	{ &gro_eth_layer, "gro_eth_layer" },
	{ &gro_ctag_layer, "gro_ctag_layer" },
	{ &gro_stag_layer, "gro_stag_layer" },
	{ &gro_ipv4_layer, "gro_ipv4_layer" },
	{ &gro_ipv6_layer, "gro_ipv6_layer" },
	{ &gro_tcp4_layer, "gro_tcp4_layer" },
	{ &gro_tcp6_layer, "gro_tcp6_layer" },
	{ &gro_udp4_layer, "gro_udp4_layer" },
	{ &gro_udp6_layer, "gro_udp6_layer" },
	{ &gro_ipip_layer, "gro_ipip_layer" },
	{ &gro_gre_layer, "gro_gre_layer" },
	{ &gro_vxlan_layer, "gro_vxlan_layer" },
	{ &gro_geneve_layer, "gro_geneve_layer" },
};

static const char *layer_sym(const struct gro_layer *l)
{
	unsigned i;

	if (!l)
		return "NULL";
	for (i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
		if (layers[i].layer == l)
			return layers[i].sym;
	fprintf(stderr, "mkkinds: layer \"%s\" is not in the list of src/gen/mkkinds.c\n", l->name);
	exit(1);
}

/* A byte array, only its non-zero bytes. */
static void bytes(const char *name, const uint8_t *b, unsigned n)
{
	unsigned i;

	printf("\t\t.%s = {", name);
	for (i = 0; i < n; i++)
		if (b[i])
			printf(" [%u] = 0x%02x,", i, b[i]);
	printf(" },\n");
}

static void print_kind(const struct gro_fast *k)
{
	unsigned i, j;

	printf("\t{\n");
	bytes("same", k->same, GRO_FAST_HDR);
	bytes("key", k->key, GRO_FAST_HDR);
	bytes("sig_mask", k->sig_mask, GRO_FAST_HDR);
	bytes("sig_val", k->sig_val, GRO_FAST_HDR);
	printf("\t\t.sig_span = %u, .key_span = %u, .min_len = %u, .builtin = %u, .link = %u,\n",
	       k->sig_span, k->key_span, k->min_len, k->builtin, k->link);
	printf("\t\t.nsigw = %u, .sigw = {", k->nsigw);
	for (i = 0; i < k->nsigw; i++)
		printf(" { %u, 0x%016llxull, 0x%016llxull },", k->sigw[i].off,
		       (unsigned long long)k->sigw[i].mask, (unsigned long long)k->sigw[i].val);
	printf(" },\n\t\t.keyseg = {");
	for (i = 0; i < k->nkey; i++)
		printf(" { %u, %u, 0x%016llxull },", k->keyseg[i].off, k->keyseg[i].len,
		       (unsigned long long)k->keyseg[i].mask);
	printf(" },\n\t\t.nkey = %u, .key_words = %u, .nstack = %u,\n", k->nkey, k->key_words,
	       k->nstack);
	printf("\t\t.stack = {");
	for (i = 0; i < k->nstack; i++)
		printf(" &%s,", layer_sym(k->stack[i]));
	printf(" },\n\t\t.soff = {");
	for (i = 0; i < k->nstack; i++)
		printf(" %u,", k->soff[i]);
	printf(" },\n\t\t.l3_off = %u, .l4_off = %u,\n", k->l3_off, k->l4_off);
	printf("\t\t.nlen = %u, .lenf = {", k->nlen);
	for (i = 0; i < k->nlen; i++)
		printf(" { %u, %u },", k->lenf[i].off, k->lenf[i].base);
	printf(" },\n\t\t.ncsum = %u, .csum = {", k->ncsum);
	for (i = 0; i < k->ncsum; i++) {
		printf(" { %u, %u, %u, %u, %u, {", k->csum[i].off, k->csum[i].len, k->csum[i].id,
		       k->csum[i].level, k->csum[i].nwords);
		for (j = 0; j < k->csum[i].nwords; j++)
			printf(" %u,", k->csum[i].word[j]);
		printf(" } },");
	}
	printf(" },\n\t\t.nzero = %u, .zero = {", k->nzero);
	for (i = 0; i < k->nzero; i++)
		printf(" { %u, 0x%04x },", k->zero[i].off, k->zero[i].mask);
	printf(" },\n");
	printf("\t\t.hlen_off = %u, .seq_off = %u, .flags_off = %u,\n", k->hlen_off, k->seq_off,
	       k->flags_off);
	printf("\t\t.flags_slow = 0x%02x, .flags_end = 0x%02x, .flags_nostart = 0x%02x, "
	       ".l4proto = %u,\n", k->flags_slow, k->flags_end, k->flags_nostart, k->l4proto);
	printf("\t\t.min_hlen = %u, .usual_hlen = %u, .net = &%s,\n", k->min_hlen, k->usual_hlen,
	       layer_sym(k->net));
	printf("\t\t.hlen_fixed = %u, .max_count = %u, .nonzero_off = %u,\n", k->hlen_fixed,
	       k->max_count, k->nonzero_off);
	printf("\t\t.tun_port_off = %u, .tun_l3_off = %u, .tun = %s%s, .tun_net = %s%s,\n",
	       k->tun_port_off, k->tun_l3_off, k->tun ? "&" : "", layer_sym(k->tun),
	       k->tun_net ? "&" : "", layer_sym(k->tun_net));
	printf("\t},\n");
}

/* ---------------------------------------------------------------- tunnel kinds */

/*
 * Tunnelled flows get their kinds when they are first held, from the stack
 * their head went down. The usual ones are built in as well, as templates:
 * a kind made at run time that equals one takes its constant code. They
 * are made here the same way, by a context that holds a flow of each.
 */
enum { T_IPIP, T_GRE, T_VXLAN };

static uint32_t csum_add(uint32_t s, const uint8_t *p, unsigned n)
{
	unsigned i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	return s;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 header at @p carrying @proto, @len bytes with it. */
static void ipv4(uint8_t *p, uint8_t proto, unsigned len)
{
	uint32_t s;

	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, len);
	p[6] = 0x40;		/* DF */
	p[8] = 64;
	p[9] = proto;
	p[12] = 10, p[15] = 1;
	p[16] = 10, p[19] = 2;
	s = csum_add(0, p, 20);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(p + 10, ~s & 0xffff);
}

static void eth(uint8_t *p, uint16_t type)
{
	memset(p, 0, 14);
	p[0] = 2, p[6] = 2, p[11] = 1;
	put16(p + 12, type);
}

/* A data segment of TCP over IPv4 (with timestamps) inside tunnel @t:
 * its length. */
static unsigned tunnel_frame(uint8_t *f, int t)
{
	const unsigned tcp = 32, pay = 1000;
	unsigned o = 0, inner;

	eth(f, 0x0800);
	o = 14;
	inner = 20 + tcp + pay;
	switch (t) {
	case T_IPIP:
		ipv4(f + o, 4, 20 + inner);
		o += 20;
		break;
	case T_GRE:
		ipv4(f + o, 47, 20 + 4 + inner);
		memset(f + o + 20, 0, 4);
		put16(f + o + 22, 0x0800);
		o += 24;
		break;
	case T_VXLAN:
		ipv4(f + o, 17, 20 + 8 + 8 + 14 + inner);
		put16(f + o + 20, 50000);		/* source port */
		put16(f + o + 22, 4789);
		put16(f + o + 24, 8 + 8 + 14 + inner);
		put16(f + o + 26, 0);			/* no checksum */
		memset(f + o + 28, 0, 8);
		f[o + 28] = 0x08;			/* VNI valid */
		f[o + 34] = 1;				/* VNI 1 */
		o += 36;
		eth(f + o, 0x0800);
		o += 14;
		break;
	}
	ipv4(f + o, 6, inner);
	o += 20;
	memset(f + o, 0, tcp + pay);
	put16(f + o, 40000);
	put16(f + o + 2, 80);
	f[o + 7] = 1;				/* seq */
	f[o + 12] = (tcp / 4) << 4;
	f[o + 13] = 0x10;			/* ACK */
	put16(f + o + 14, 512);
	f[o + 20] = 1, f[o + 21] = 1, f[o + 22] = 8, f[o + 23] = 10;	/* timestamps */
	return o + tcp + pay;
}

static void drop(void *arg, const struct gro_pkt *p, unsigned n)
{
	(void)arg, (void)p, (void)n;
}

/* The kind a context makes for a flow inside tunnel @t, into @k. */
static int tunnel_kind(int t, struct gro_fast *k)
{
	static uint8_t buf[2048];
	struct gro_config cfg;
	struct gro_ctx *g;
	struct gro_frame fr;
	unsigned n;

	gro_config_init(&cfg);
	cfg.deliver = drop;
	cfg.csum = GRO_CSUM_TRUST;
	cfg.tunnels[0].port = 4789;
	cfg.tunnels[0].type = GRO_TUNNEL_VXLAN;
	if (gro_create(&cfg, &g) != GRO_OK)
		return -1;
	n = g->nfast;
	memset(&fr, 0, sizeof(fr));
	fr.data = buf;
	fr.len = tunnel_frame(buf, t);
	gro_receive(g, &fr, 1, 0);
	if (g->nfast != n + 1 || g->held != 1) {
		gro_destroy(g);
		return -1;
	}
	*k = g->fast[n];
	gro_destroy(g);
	return 0;
}

#define NTUNNEL 3

int main(void)
{
	struct gro_fast tun[NTUNNEL];
	struct gro_ctx ctx;
	unsigned i, j;

	/* A context that merges every transport the fast path takes: UDP
	 * GRO on (its kinds come after TCP's, so that a context without it
	 * still has TCP's built in). */
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg.udp = GRO_UDP_L4;
	if (gro_fast_init(&ctx)) {
		fprintf(stderr, "mkkinds: out of memory\n");
		return 1;
	}
	for (i = 0; i < NTUNNEL; i++)
		if (tunnel_kind((int)i, &tun[i])) {
			fprintf(stderr, "mkkinds: no kind for tunnel %u\n", i);
			return 1;
		}
	for (i = 1; i < ctx.nfast; i++)
		for (j = i + 1; j < ctx.nfast; j++)
			if (gro_fast_overlap(&ctx.fast[i], &ctx.fast[j])) {
				fprintf(stderr, "mkkinds: kinds %u and %u can match one frame\n", i, j);
				return 1;
			}
	printf("/* Made by src/gen/mkkinds.c from the layers: do not edit. */\n");
	printf("#define GRO_FAST_NBUILTIN %u\n", ctx.nfast - 1);
	printf("#define GRO_FAST_NTEMPLATE %u\n", NTUNNEL);
	printf("static const struct gro_fast gro_fast_builtin[%u] = {\n", ctx.nfast - 1 + NTUNNEL);
	for (i = 1; i < ctx.nfast; i++)
		print_kind(&ctx.fast[i]);
	printf("\t/* Templates: IP-in-IP, GRE, VXLAN (outer checksum 0), TCP over IPv4 "
	       "in IPv4. */\n");
	for (i = 0; i < NTUNNEL; i++)
		print_kind(&tun[i]);
	printf("};\n");
	gro_fast_free(&ctx);
	return fflush(stdout) ? 1 : 0;
}
