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
	printf("\t},\n");
}

int main(void)
{
	struct gro_ctx ctx;
	unsigned i;

	/* A context that merges every transport the fast path takes: UDP
	 * GRO on (its kinds come after TCP's, so that a context without it
	 * still has TCP's built in). */
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg.udp = GRO_UDP_L4;
	if (gro_fast_init(&ctx)) {
		fprintf(stderr, "mkkinds: out of memory\n");
		return 1;
	}
	printf("/* Made by src/gen/mkkinds.c from the layers: do not edit. */\n");
	printf("#define GRO_FAST_NBUILTIN %u\n", ctx.nfast - 1);
	printf("static const struct gro_fast gro_fast_builtin[%u] = {\n", ctx.nfast - 1);
	for (i = 1; i < ctx.nfast; i++)
		print_kind(&ctx.fast[i]);
	printf("};\n");
	gro_fast_free(&ctx);
	return fflush(stdout) ? 1 : 0;
}
