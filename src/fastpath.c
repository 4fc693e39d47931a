// SPDX-License-Identifier: MIT
/*
 * The fast path: the layered path's decisions, made without going down
 * the layers, for frames of a known kind.
 *
 * A kind is a stack of layers at fixed offsets (Ethernet + IPv4 without
 * options + TCP, say). Each layer of the stack has said, as data, what its
 * rules check (struct gro_fast): which bytes a segment must have equal to
 * its flow's head, which length fields must describe the frame, which
 * headers carry a checksum and an ID counter, where the sequence number and
 * flags are, what makes a frame of the kind, and its part of the flow key.
 * The code here applies that data and knows no protocol. Kinds for every
 * untagged stack the tables offer are made when a context is created; a
 * held flow whose stack has none yet (VLAN tags) makes one.
 *
 * Every frame the fast path cannot decide on its own (anything unusual, or
 * one that would end a flow for a reason other than its size or flags) goes
 * to the layered path unchanged, which decides and says why. So:
 *
 * - gro_fast_continue(): a run of segments continuing the flow the frame
 *   before found or started, the common case of a bulk transfer.
 * - gro_fast_receive(): one frame, its flow found through the table: it
 *   joins its flow, starts one, or, with no flow to end, goes up as is.
 */
#include <stdlib.h>

#include "layer.h"

#define GRO_FAST_KINDS	16
_Static_assert(GRO_FAST_KINDS == sizeof(((struct gro_ctx *)0)->fast_max_size) / sizeof(uint32_t),
	       "a size limit per kind");

/*
 * The built-in kinds: the kinds gro_fast_init() makes, printed as C
 * constants at build time by src/gen/mkkinds.c, a program linked with this
 * file built without them. A context checks its kinds against them when it
 * is created (struct gro_fast.builtin), and the per-frame code is made by
 * the compiler once for each of them, with its offsets, masks and counts
 * as constants, and once for any kind. The rules stay in the layers: the
 * constants are what the layers say, as the layers say it.
 */
#ifdef GRO_FAST_BUILTIN
#include "fastkinds.h"
#else
#define GRO_FAST_NBUILTIN 0
#define GRO_FAST_NTEMPLATE 0
static const struct gro_fast gro_fast_builtin[1];
#endif
/*
 * After them, templates: the kinds of the usual tunnelled flows (TCP over
 * IPv4 inside IP-in-IP, GRE and VXLAN over IPv4), which a context makes
 * only when it holds such a flow. A kind made at run time that equals a
 * template is built-in kind GRO_FAST_NBUILTIN + 1 + t, and takes the same
 * constant code.
 */
#define GRO_FAST_NCONST (GRO_FAST_NBUILTIN + GRO_FAST_NTEMPLATE)
#define GRO_FAST_BUILTIN_MAX 8
#define GRO_FAST_CONST_MAX 11
_Static_assert(GRO_FAST_NBUILTIN <= GRO_FAST_BUILTIN_MAX, "more built-in kinds than cases");
_Static_assert(GRO_FAST_NCONST <= GRO_FAST_CONST_MAX, "more built-in kinds than cases");

/* Built-in kind @n, or the first if there is no such one (dead code). */
#define BUILTIN_KIND(n) (&gro_fast_builtin[(n) < GRO_FAST_NCONST ? (n) : 0])

/* Cases of a switch on struct gro_fast.builtin: @stmt with K, the
 * built-in kind, constant. */
#define BUILTIN_CASE(n, stmt)						\
	case (n) + 1:							\
		if ((n) < GRO_FAST_NCONST) {				\
			const struct gro_fast *const K = BUILTIN_KIND(n);	\
			stmt;						\
		}							\
		break;
#define INIT_CASES(stmt)						\
	BUILTIN_CASE(0, stmt) BUILTIN_CASE(1, stmt) BUILTIN_CASE(2, stmt) BUILTIN_CASE(3, stmt) \
	BUILTIN_CASE(4, stmt) BUILTIN_CASE(5, stmt) BUILTIN_CASE(6, stmt) BUILTIN_CASE(7, stmt)
#define TEMPLATE_CASES(stmt)						\
	BUILTIN_CASE(8, stmt) BUILTIN_CASE(9, stmt) BUILTIN_CASE(10, stmt)
#define BUILTIN_CASES(stmt) INIT_CASES(stmt) TEMPLATE_CASES(stmt)

/* ---------------------------------------------------------------- kinds */

static uint32_t round16(uint32_t n) { return (n + 15) & ~15u; }

/* The bytes every comparison reads at least: three whole blocks. */
#define CMP_MIN 48

/* Make kind @k from the stack @stack at offsets @soff (@n layers; the last
 * is the transport layer, whose header starts at soff[n - 1]). */
static bool build_kind(struct gro_fast *k, const struct gro_layer *const *stack,
		       const uint16_t *soff, unsigned n)
{
	struct gro_keyseg piece[GRO_KEYSEG_LAYER];
	uint32_t i, j, nk, last_sig = 0, last_key = 0;

	memset(k, 0, sizeof(*k));
	if (n < 2 || n > GRO_FAST_LAYERS || stack[n - 1]->class != GRO_LC_TRANSPORT)
		return false;
	for (i = 0; i < n; i++) {
		const struct gro_layer *l = stack[i], *next = i + 1 < n ? stack[i + 1] : NULL;
		uint32_t end = next ? soff[i + 1] : soff[i];

		/* The key first: a layer's fast callback may add to it what
		 * its receive adds after its key callback's pieces. */
		memset(piece, 0, sizeof(piece));	/* kinds are compared whole */
		nk = l->key(piece, soff[i], end);
		if (k->nkey + nk > sizeof(k->keyseg) / sizeof(k->keyseg[0]))
			return false;
		memcpy(k->keyseg + k->nkey, piece, nk * sizeof(piece[0]));
		k->nkey = (uint8_t)(k->nkey + nk);
		if (!l->fast || !l->fast(k, soff[i], end, next))
			return false;
		k->stack[i] = l;
		k->soff[i] = soff[i];
	}
	k->nstack = (uint8_t)n;
	/* A stack that starts at its network layer is a frame without a
	 * MAC header, of that layer's IP version. */
	k->link = stack[0]->class == GRO_LC_LINK ? GRO_LINK_ETH :
		  stack[0]->ipver == 4 ? GRO_LINK_IPV4 : GRO_LINK_IPV6;
	k->key_words = 1;
	for (i = 0; i < k->nkey; i++)
		k->key_words &= k->keyseg[i].len <= 8;
	if (!k->net)
		return false;
	/* The key as bytes tells a frame of a held flow that does not
	 * continue it (which the layered path then takes) from a frame of
	 * another flow: it may leave out key bits, never add any. So a flag
	 * piece (length 0: whether a word is zero, such as a UDP tunnel's
	 * checksum) is left out; its bytes would tell two frames of one flow
	 * apart by their checksums. */
	for (i = 0; i < k->nkey; i++) {
		const struct gro_keyseg *s = &k->keyseg[i];

		for (j = 0; s->len && j < (s->len > 8 ? s->len : 8u); j++) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			uint8_t b = s->len > 8 ? 0xff : (uint8_t)(s->mask >> (8 * j));
#else
			uint8_t b = s->len > 8 ? 0xff : (uint8_t)(s->mask >> (56 - 8 * j));
#endif
			if (b && s->off + j < GRO_FAST_HDR) {
				k->key[s->off + j] |= b;
				if (s->off + j + 1 > last_key)
					last_key = s->off + j + 1;
			}
		}
	}
	/* The signature as words: each starts at the first signature byte
	 * the words before it leave out. */
	for (i = 0; i < GRO_FAST_HDR; i++) {
		if (!k->sig_mask[i])
			continue;
		last_sig = i + 1;
		if (k->nsigw && i < k->sigw[k->nsigw - 1].off + 8u)
			continue;
		if (k->nsigw == GRO_FAST_SIGW || i + 8 > GRO_FAST_HDR)
			return false;
		k->sigw[k->nsigw].off = (uint16_t)i;
		k->sigw[k->nsigw].mask = ld64(k->sig_mask + i);
		k->sigw[k->nsigw++].val = ld64(k->sig_val + i) & ld64(k->sig_mask + i);
	}
	/* sig_match() reads two words: a kind without a link layer (IPv6
	 * and its transport: one word) gets a second that takes anything. */
	if (k->nsigw == 1)
		k->sigw[k->nsigw++] = (typeof(k->sigw[0])){ 0, 0, 0 };
	/* A segment's header equals its head's but for the words the same
	 * mask leaves out, and the head's checksum held: so the segment's
	 * holds exactly when those words sum as the head's do. */
	for (i = 0; i < k->ncsum; i++) {
		k->csum[i].nwords = 0;
		for (j = k->csum[i].off; j < (uint32_t)k->csum[i].off + k->csum[i].len; j += 2) {
			if (k->same[j] == 0xff && k->same[j + 1] == 0xff)
				continue;
			if (k->csum[i].nwords == GRO_FAST_CSUM_WORDS)
				return false;
			k->csum[i].word[k->csum[i].nwords++] = (uint16_t)j;
		}
		/* The loops below take one count for every such header. */
		if (k->csum[i].nwords != k->csum[0].nwords)
			return false;
	}
	k->key_span = (uint16_t)round16(last_key);
	k->sig_span = (uint16_t)round16(last_sig);
	/* The comparisons below read three whole blocks at least, and the
	 * key and signature whole: shorter frames (a UDP datagram of a few
	 * bytes) take the layered path. */
	k->min_len = (uint16_t)(k->l4_off + k->min_hlen);
	if (k->min_len < CMP_MIN)
		k->min_len = CMP_MIN;
	if (k->min_len < k->key_span)
		k->min_len = k->key_span;
	if (k->min_len < k->sig_span)
		k->min_len = k->sig_span;
	return k->nsigw >= 2 && k->sigw[0].mask;
}

/* Does the fast path take flows of transport layer @l in @ctx? Not if the
 * context does not merge it, nor if it merges it as lists. */
static bool fast_transport(const struct gro_ctx *ctx, const struct gro_layer *l)
{
	return l && (!l->active || l->active(ctx)) && (!l->plain || l->plain(ctx)) &&
	       (!l->flist || !l->flist(ctx));
}

/* skb_gro_receive's size limit for flows of kind @k, looked up once when
 * the kind is made: the run loops read it from ctx->fast_max_size. */
static uint32_t kind_max_size(const struct gro_ctx *ctx, const struct gro_fast *k)
{
	return gro_size_limit(ctx, k->stack[k->link == GRO_LINK_ETH], k->l4proto == GRO_IPPROTO_TCP) +
	       gro_mac_len(k->link);
}

/* Is @t a tunnel's kind whose port lies where the plain UDP kind @u has
 * its destination port? Then no frame is of both (port_takes). */
static bool tunnel_beside_udp(const struct gro_fast *t, const struct gro_fast *u)
{
	return t->tun_port_off && !u->tun_port_off && u->l4proto == GRO_IPPROTO_UDP &&
	       t->tun_port_off == u->l4_off + 2;
}

/* Can a frame match the signatures of both kinds @a and @b? Only if they
 * start at the same link and agree on every byte both look at. The fast
 * path takes a frame matching a built-in kind's signature to be of that
 * kind without trying the kinds before it (frame_is; src/gen/mkkinds.c
 * checks that no two built-in kinds overlap), and a frame matching a
 * later kind that overlaps none before it likewise (ctx->fast_first). */
bool gro_fast_overlap(const struct gro_fast *a, const struct gro_fast *b)
{
	unsigned i;

	if (a->link != b->link)
		return false;
	if (tunnel_beside_udp(a, b) || tunnel_beside_udp(b, a))
		return false;
	for (i = 0; i < GRO_FAST_HDR; i++)
		if ((a->sig_val[i] ^ b->sig_val[i]) & a->sig_mask[i] & b->sig_mask[i])
			return false;
	return true;
}

/* What the context keeps of kind @i, made now: its size limit, and
 * whether a frame of its signature can be of a kind before it. */
static void kind_made(struct gro_ctx *ctx, unsigned i)
{
	unsigned j;

	ctx->fast_max_size[i] = kind_max_size(ctx, &ctx->fast[i]);
	for (j = 1; j < i; j++)
		if (gro_fast_overlap(&ctx->fast[j], &ctx->fast[i]))
			return;
	ctx->fast_first |= 1u << i;
}

/* The kinds of every untagged stack: Ethernet, a network layer it carries,
 * a transport layer that one carries; then the same network and transport
 * layers with no MAC header (a TUN's packets); in the order of the
 * transports' protocol numbers (so that the TCP kinds come first whatever
 * else the context merges, and match the built-in ones). */
static void add_kind(struct gro_ctx *ctx, struct gro_fast *kinds,
		     const struct gro_layer *const *stack, const uint16_t *soff, unsigned n)
{
	if (ctx->nfast < GRO_FAST_KINDS && fast_transport(ctx, stack[n - 1]) &&
	    build_kind(&kinds[ctx->nfast], stack, soff, n)) {
		kind_made(ctx, ctx->nfast);
		ctx->nfast++;
	}
}

int gro_fast_init(struct gro_ctx *ctx)
{
	struct gro_fast *kinds = aligned_alloc(64, GRO_FAST_KINDS * sizeof(*kinds));
	const struct gro_layer *net;
	unsigned i, p;

	ctx->fast = kinds;
	ctx->nfast = 1;
	if (!kinds)
		return GRO_ENOMEM;
	memset(&kinds[0], 0, sizeof(kinds[0]));	/* kind 0: none, not built in */
	ctx->memory += GRO_FAST_KINDS * sizeof(*kinds);
	for (p = 0; p < 256; p++) {
		for (i = 0; (net = gro_link_at(i)); i++) {
			const struct gro_layer *stack[3] = { &gro_eth_layer, net, net->next(p) };
			uint16_t soff[3] = { 0, ETH_HLEN, (uint16_t)(ETH_HLEN + net->fast_len) };

			if (net->class == GRO_LC_NET && stack[2])
				add_kind(ctx, kinds, stack, soff, 3);
		}
		for (i = 0; (net = gro_link_at(i)); i++) {
			const struct gro_layer *stack[2] = { net, net->next(p) };
			uint16_t soff[2] = { 0, net->fast_len };

			if (net->class == GRO_LC_NET && stack[1])
				add_kind(ctx, kinds, stack, soff, 2);
		}
	}
	/* The built-in kinds are these, in this order, unless the layers
	 * changed since the build printed them. */
	ctx->nbuiltin = 0;
	for (i = 1; i < ctx->nfast && i <= GRO_FAST_NBUILTIN; i++)
		if (!memcmp(&kinds[i], &gro_fast_builtin[i - 1], sizeof(kinds[i])))
			kinds[i].builtin = (uint8_t)i;
	for (i = 1; i < ctx->nfast && kinds[i].builtin == i; i++)
		ctx->nbuiltin = i;
	/* The built-in kinds are tried first, as constants, anyway. */
	ctx->fast_first &= ~0u << (ctx->nbuiltin + 1);
	return GRO_OK;
}

void gro_fast_free(struct gro_ctx *ctx)
{
	free((void *)ctx->fast);
	ctx->fast = NULL;
}

/* ---------------------------------------------------------------- comparisons */

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__SSE2__)
#include <emmintrin.h>

typedef __m128i block_t;

static inline block_t ld_block(const void *p) { return _mm_loadu_si128((const __m128i *)p); }

static inline void st_block(void *p, block_t b) { _mm_storeu_si128((__m128i *)p, b); }

/* (a ^ b) & m, ORed into d */
static inline block_t diff_block(block_t d, const uint8_t *a, const uint8_t *b, const void *m)
{
	return _mm_or_si128(d, _mm_and_si128(_mm_xor_si128(ld_block(a), ld_block(b)), ld_block(m)));
}

static inline bool block_zero(block_t d)
{
	return _mm_movemask_epi8(_mm_cmpeq_epi8(d, _mm_setzero_si128())) == 0xffff;
}

static inline block_t block_clear(void) { return _mm_setzero_si128(); }

/* d | (x & k) */
static inline block_t keep_or(block_t d, block_t x, const void *k)
{
	return _mm_or_si128(d, _mm_and_si128(x, ld_block(k)));
}
#else
typedef struct { uint64_t w[2]; } block_t;

static inline block_t ld_block(const void *p) { block_t b; memcpy(&b, p, 16); return b; }

static inline void st_block(void *p, block_t b) { memcpy(p, &b, 16); }

static inline block_t diff_block(block_t d, const uint8_t *a, const uint8_t *b, const void *m)
{
	const uint8_t *mb = m;

	d.w[0] |= (ld64(a) ^ ld64(b)) & ld64(mb);
	d.w[1] |= (ld64(a + 8) ^ ld64(b + 8)) & ld64(mb + 8);
	return d;
}

static inline bool block_zero(block_t d) { return !(d.w[0] | d.w[1]); }

static inline block_t block_clear(void) { return (block_t){ { 0, 0 } }; }

static inline block_t keep_or(block_t d, block_t x, const void *k)
{
	const uint8_t *kb = k;

	d.w[0] |= x.w[0] & ld64(kb);
	d.w[1] |= x.w[1] & ld64(kb + 8);
	return d;
}
#endif

/* 16 bytes of 0xff, then 16 of 0: a block loaded at 16 - r keeps r bytes. */
static const uint8_t keep_first[32] = { [0 ... 15] = 0xff };

/* The shape of a comparison of the first n bytes of two frames: n / 16
 * whole blocks, then a last block cut to the n % 16 bytes left, if any. */
struct cmp {
	uint32_t full;
	uint32_t rest;		/* bytes in the last block, 0 if none */
	uint32_t span;		/* bytes read: n rounded up to a block */
};

static inline struct cmp cmp_shape(uint32_t n)
{
	struct cmp c;

	if (n < CMP_MIN)
		n = CMP_MIN;
	c = (struct cmp){ n / 16, n % 16, round16(n) };
	return c;
}

/* Are @a and @b equal under mask @m over the bytes @c covers? Reads
 * c->span bytes of each: the caller makes sure both frames are that long.
 * Three whole blocks always (CMP_MIN): the masks are 0 past a header. */
static inline __attribute__((always_inline)) bool
hdr_equal(const uint8_t *a, const uint8_t *b, const uint8_t *m, const struct cmp *c)
{
	block_t d = block_clear();
	uint32_t i;

	d = diff_block(d, a, b, m);
	d = diff_block(d, a + 16, b + 16, m + 16);
	d = diff_block(d, a + 32, b + 32, m + 32);
	#pragma GCC unroll 8
	for (i = 48; i < 16 * c->full; i += 16)
		d = diff_block(d, a + i, b + i, m + i);
	if (c->rest) {
		block_t x = block_clear();

		x = diff_block(x, a + i, b + i, m + i);
		d = keep_or(d, x, keep_first + 16 - c->rest);
	}
	return block_zero(d);
}

/* Is the frame at @p of kind @k? Its signature words, under their masks. */
GRO_ALWAYS_INLINE bool sig_match(const uint8_t *p, const struct gro_fast *k)
{
	uint64_t d = (ld64(p + k->sigw[0].off) ^ k->sigw[0].val) & k->sigw[0].mask;
	uint32_t i;

	/* Every kind has two words at least: the link layer's type field,
	 * then what the network layer says of itself and what it carries. */
	d |= (ld64(p + k->sigw[1].off) ^ k->sigw[1].val) & k->sigw[1].mask;
	for (i = 2; i < k->nsigw; i++)
		d |= (ld64(p + k->sigw[i].off) ^ k->sigw[i].val) & k->sigw[i].mask;
	return !d;
}

/*
 * Does kind @k take the frame @p by its UDP ports? A tunnel's kind takes
 * only datagrams to a port configured for its tunnel (the port is the
 * context's, not the kind's: not in the signature). A datagram to a
 * tunnel port is that tunnel's, not a UDP flow (nor, inside a tunnel, one
 * a kind could take: no tunnel kind carries UDP today, its three length
 * fields are one too many). So a plain UDP kind and a tunnel's never take
 * the same frame.
 */
GRO_ALWAYS_INLINE bool port_takes(const struct gro_ctx *ctx, const struct gro_fast *k,
				  const uint8_t *p)
{
	if (unlikely(k->tun_port_off) &&
	    gro_udp_tunnel_find(ctx, (uint16_t)rd16(p + k->tun_port_off)) != k->tun)
		return false;
	return k->l4proto != GRO_IPPROTO_UDP || likely(!ctx->ntunnels) ||
	       !gro_udp_tunnel_find(ctx, (uint16_t)rd16(p + k->l4_off + 2));
}

/* Is the frame @p, @len, starting at @link, of kind @k? */
GRO_ALWAYS_INLINE bool takes(const struct gro_ctx *ctx, const struct gro_fast *k, const uint8_t *p,
			     uint32_t len, unsigned link)
{
	return k->link == link && len >= k->min_len && sig_match(p, k) && port_takes(ctx, k, p);
}

/* A frame's kind, or 0: one of the kinds of its link. The built-in ones
 * first, as constants. */
#define TRY_BUILTIN(n, L)							\
	if ((n) < ctx->nbuiltin && takes(ctx, BUILTIN_KIND(n), p, len, (L)))	\
		return (n) + 1;

/* Is the frame @p of kind @i, a kind after the built-in ones? A
 * template's test with its signature as constants. */
static inline __attribute__((always_inline)) bool
of_kind(const struct gro_ctx *ctx, uint8_t i, uint8_t builtin, const uint8_t *p, uint32_t len,
	unsigned link)
{
	switch (builtin) {
	TEMPLATE_CASES(return takes(ctx, K, p, len, link))
	}
	return takes(ctx, &ctx->fast[i], p, len, link);
}

/* The kinds after the built-in ones (held flows' stacks), out of line. */
static __attribute__((noinline)) uint8_t classify_other(const struct gro_ctx *ctx,
							const uint8_t *p, uint32_t len,
							unsigned link)
{
	uint32_t i;

	for (i = ctx->nbuiltin + 1; i < ctx->nfast; i++)
		if (of_kind(ctx, (uint8_t)i, ctx->fast[i].builtin, p, len, link))
			return (uint8_t)i;
	return 0;
}

/* A frame's built-in kind, or 0. */
static inline __attribute__((always_inline)) uint8_t
classify_builtin(const struct gro_ctx *ctx, const uint8_t *p, uint32_t len, unsigned link)
{
#define TRY_ALL_BUILTIN(L)							\
	TRY_BUILTIN(0, L) TRY_BUILTIN(1, L) TRY_BUILTIN(2, L) TRY_BUILTIN(3, L)	\
	TRY_BUILTIN(4, L) TRY_BUILTIN(5, L) TRY_BUILTIN(6, L) TRY_BUILTIN(7, L)
	/* With the link a constant in each branch, only the built-in kinds
	 * of that link are tried: Ethernet frames pay nothing for the
	 * others. */
	if (likely(link == GRO_LINK_ETH)) {
		TRY_ALL_BUILTIN(GRO_LINK_ETH)
	} else if (link == GRO_LINK_IPV4) {
		TRY_ALL_BUILTIN(GRO_LINK_IPV4)
	} else if (link == GRO_LINK_IPV6) {
		TRY_ALL_BUILTIN(GRO_LINK_IPV6)
	}
#undef TRY_ALL_BUILTIN
	return 0;
}

/* The built-in kind of the frame @p, or NULL: where its headers are, for
 * the header walker, without a walk. */
#define BUILTIN_OF(n)								\
	if ((n) < GRO_FAST_NBUILTIN && BUILTIN_KIND(n)->link == link &&	\
	    len >= BUILTIN_KIND(n)->min_len && sig_match(p, BUILTIN_KIND(n)))	\
		return BUILTIN_KIND(n);

const struct gro_fast *gro_fast_builtin_of(const uint8_t *p, uint32_t len, unsigned link)
{
	if (!p)
		return NULL;
	link = gro_link_of(link << GRO_LINK_SHIFT, p, len);
	BUILTIN_OF(0) BUILTIN_OF(1) BUILTIN_OF(2) BUILTIN_OF(3)
	BUILTIN_OF(4) BUILTIN_OF(5) BUILTIN_OF(6) BUILTIN_OF(7)
	return NULL;
}

/* Is kind @k the kind of the flow @cb starts? The flow must have gone
 * down the kind's stack, at its offsets: a UDP tunnel's datagram has the
 * signature of a plain UDP kind, but its flow is the inner TCP's. And its
 * head must have the kind's signature, which says more than the offsets
 * (a GRE header of 8 bytes has a key, or a checksum). */
static bool kind_fits(const struct gro_fast *k, const struct gro_cb *cb)
{
	unsigned i;

	if (k->nstack != cb->nstack || cb->len < k->min_len)
		return false;
	for (i = 0; i < cb->nstack; i++)
		if (k->stack[i] != cb->stack[i] || k->soff[i] != cb->soff[i])
			return false;
	return sig_match(cb->data, k);
}

/* A held flow's kind, found or made from the stack its head went down. */
uint8_t gro_fast_kind_of(const struct gro_ctx *ctx, const struct gro_cb *cb)
{
	struct gro_ctx *w = (struct gro_ctx *)ctx;
	struct gro_fast *k;
	unsigned i;

#ifdef GRO_LINUX_612_RULES
	/* The fast path knows only the current rules: every frame takes the
	 * layered path. */
	return 0;
#endif
	for (i = 1; i < ctx->nfast; i++)
		if (kind_fits(&ctx->fast[i], cb))
			return (uint8_t)i;
	if (ctx->nfast == GRO_FAST_KINDS || cb->flist ||
	    !fast_transport(ctx, cb->stack[cb->nstack - 1]))
		return 0;
	k = (struct gro_fast *)&ctx->fast[ctx->nfast];
	if (!build_kind(k, cb->stack, cb->soff, cb->nstack) || !kind_fits(k, cb))
		return 0;
#if GRO_FAST_NTEMPLATE
	for (i = GRO_FAST_NBUILTIN; i < GRO_FAST_NCONST; i++)
		if (!memcmp(k, &gro_fast_builtin[i], sizeof(*k)))
			k->builtin = (uint8_t)(i + 1);
#endif
	kind_made(w, w->nfast);
	return (uint8_t)w->nfast++;
}

/* ---------------------------------------------------------------- per-frame checks */

/* A sum of 16-bit words folded to 16 bits: in [1, 0xffff] for x > 0, and
 * 0xffff exactly when x is a multiple of 0xffff. */
static inline uint32_t fold16(uint32_t x)
{
	x = (x & 0xffff) + (x >> 16);
	return (x & 0xffff) + (x >> 16);
}

/* Is the ones'-complement sum of the @len-byte header at @p all ones?
 * (Any grouping of the words gives the same folded sum: wider loads.)
 * Folding adds the 16-bit pieces of @s, each a multiple of 2^16 = 1
 * modulo 0xffff apart, so the folded sum is all ones exactly when @s is a
 * multiple of 0xffff other than 0 (a header of zeros; an IP header never
 * is). A division by the constant is fewer instructions than the folds.
 * A 20-byte header is two 64-bit loads and a 32-bit one added with the
 * carry brought around: that sum equals the header's modulo 2^64 - 1, a
 * multiple of 0xffff, and is 0 only for zeros (a carry makes it at least
 * 1). */
static inline __attribute__((always_inline)) bool hdr_csum_ok(const uint8_t *p, uint32_t len)
{
	uint64_t s = 0;
	uint32_t i;

	if (len == 20) {
		uint64_t a = ld64(p + 8), b = ld32(p + 16);

		s = ld64(p) + a;
		s += s < a;
		s += b;
		s += s < b;
	} else {
		for (i = 0; i < len; i += 4)
			s += ld32(p + i);
	}
	return s % 0xffff == 0 && s;
}

/* The checksum of protocol @proto over the frame @p, @len from @off to its
 * end, with the pseudo header of @net's header at @l3. */
static bool sum_ok(const struct gro_layer *net, uint32_t l3, uint32_t off, uint8_t proto,
		   const uint8_t *p, uint32_t len)
{
	uint64_t sum = net->pseudo(p + l3, len - off, proto);

	return gro_csum16_fold(gro_csum_partial(p + off, len - off, sum)) == 0xffff;
}

/* The transport checksum of the frame @p, @len of kind @k. */
static bool l4_csum_ok(const struct gro_fast *k, const uint8_t *p, uint32_t len)
{
	return sum_ok(k->net, k->l3_off, k->l4_off, k->l4proto, p, len);
}

/* Is the checksum of the UDP tunnel of kind @k set in the frame @p? */
GRO_ALWAYS_INLINE bool tun_csum_set(const struct gro_fast *k, const uint8_t *p)
{
	return k->tun_port_off && ld16(p + k->tun_port_off + 4);
}

/* The sum of the 16-bit words @w[0..n) of the frame @p, unfolded. */
GRO_ALWAYS_INLINE uint32_t words_sum(const uint8_t *p, const uint16_t *w, unsigned n)
{
	uint32_t x = 0;
	unsigned i;

	#pragma GCC unroll 8
	for (i = 0; i < n; i++)
		x += ld16(p + w[i]);
	return x;
}

/*
 * A run of segments over one flow: what the run changes, in registers,
 * and what it reads on every segment, loaded once (the node stores in
 * between are of the same types as some of these, so the compiler would
 * load them again). The kind's data is read where it is: nothing the run
 * writes can alias it. @nlen, @ncsum and @nwords are the kind's counts,
 * constants where the compiler made a loop for a kind. (A frame through
 * the table, a run of one, has none: it reads each value where it uses
 * it, RV() below.)
 */
struct run {
	uint32_t tot, next_seq, count, last;
	uint32_t hdr_len, gso_size, max_size, seg_cap, verify;
	uint32_t start_a, start_b;	/* the gro_frame.flags start bits a frame
					 * of the flow may have */
	uint8_t fixedid;
	uint16_t tun_ulen;	/* the head's UDP tunnel length field, as ld16() */
	bool tun_sum;		/* its tunnel checksum is set (so is a frame's that
				 * compared equal under the same mask) */
	uint16_t head_id[GRO_ENCAP_MAX];
	uint32_t head_sum[GRO_ENCAP_MAX];
};

/* The head's ID, and the sum of its words that may change, of network
 * header @j with a checksum. The sum is not folded: at most nwords *
 * 0xffff, it leaves continues()'s difference at least the frame's own
 * sum, which counts the header's total length, checked just before to be
 * the frame's (not 0). A run folds it once, for its segments. */
GRO_ALWAYS_INLINE uint16_t head_id(const struct gro_flow *f, const struct gro_fast *k, unsigned j)
{
	return (uint16_t)rd16(f->head + k->csum[j].id);
}

GRO_ALWAYS_INLINE uint32_t head_sum(const struct gro_flow *f, const struct gro_fast *k, unsigned j,
				    const unsigned nwords)
{
	return words_sum(f->head, k->csum[j].word, nwords);
}

static inline __attribute__((always_inline)) void
run_load(struct run *r, const struct gro_ctx *ctx, const struct gro_flow *f,
	 const struct gro_fast *k, const unsigned ncsum, const unsigned nwords)
{
	unsigned j;

	r->hdr_len = f->hdr_len;
	r->gso_size = f->gso_size;
	r->max_size = ctx->fast_max_size[f->kind];
	r->seg_cap = ctx->seg_cap;
	r->verify = ctx->cfg.csum != GRO_CSUM_TRUST;
	/* Said as the flow's link, or as "IP" (the version nibble, which
	 * the same mask holds equal to the head's, said the same). */
	r->start_a = (uint32_t)f->link << GRO_LINK_SHIFT;
	r->start_b = f->link == GRO_LINK_ETH ? 0 : GRO_FRAME_L3_IP;
	for (j = 0; j < ncsum; j++) {
		r->head_id[j] = head_id(f, k, j);
		r->head_sum[j] = fold16(head_sum(f, k, j, nwords));
	}
	r->fixedid = f->fixedid;
	r->tun_ulen = k->tun_port_off ? (uint16_t)ld16(f->head + k->tun_port_off + 2) : 0;
	r->tun_sum = tun_csum_set(k, f->head);
	r->tot = f->tot;
	r->next_seq = f->l4.seg.next_seq;
	r->count = f->count;
	r->last = f->last;
}

GRO_ALWAYS_INLINE void run_store(const struct run *r, struct gro_flow *f)
{
	f->tot = r->tot;
	f->l4.seg.next_seq = r->next_seq;
	f->count = (uint16_t)r->count;
	f->last = r->last;
}

/*
 * A value of the run @r over the flow @f, in continues() and join(): for
 * a run of one frame (@one: a frame through the table), read from where
 * the flow keeps it, where it is used, with no struct run. Loaded ahead
 * into one, a dozen values would outlive the registers between their load
 * and their use, and the compiler would keep them on the stack instead.
 */
#define RV(field, src) (one ? (src) : r->field)

/*
 * Does the frame @p, @len, whose headers equal @f's head's under the
 * kind's same mask, continue the flow (in state @r)? The rest of the
 * layered path's conditions for a merge. Returns the payload length, 0 if
 * the frame must take the layered path, or CONT_FULL if it passes every
 * check but the packet has no room left for it: the layered path would end
 * the flow for its size (GRO_R_SIZE) and go on as if none had been found,
 * which the fast path can do as well. @ipid[] are the ID steps.
 */
#define CONT_FULL UINT32_MAX

/* Does continues()'s answer @v say the frame joins (a payload length)? */
GRO_ALWAYS_INLINE bool cont_joins(uint32_t v)
{
	return v - 1 < CONT_FULL - 1;
}

static inline __attribute__((always_inline)) uint32_t
continues(const struct gro_ctx *ctx, const struct gro_fast *k, const struct run *r,
	  const struct gro_flow *f, const uint8_t *p, uint32_t len, uint32_t fflags, uint16_t *ipid,
	  const unsigned nlen, const unsigned ncsum, const unsigned nwords, const bool one)
{
	uint32_t paylen = len - RV(hdr_len, f->hdr_len), j;

	/* The network layers: lengths exact; checksums good (the words that
	 * changed sum as the head's did, modulo 0xffff); IDs counting up
	 * from the head's by the segments merged, or fixed if the second
	 * segment repeated the first's. */
	#pragma GCC unroll 2
	for (j = 0; j < nlen && j < GRO_ENCAP_MAX; j++)
		if (rd16(p + k->lenf[j].off) != len - k->lenf[j].base)
			return 0;
	#pragma GCC unroll 2
	for (j = 0; j < ncsum && j < GRO_ENCAP_MAX; j++) {
		uint16_t off = (uint16_t)(rd16(p + k->csum[j].id) -
					  RV(head_id[j], head_id(f, k, j)));
		bool fixed = (RV(fixedid, f->fixedid) >> k->csum[j].level) & 1;
		uint32_t count = RV(count, f->count);

		if (fold16(words_sum(p, k->csum[j].word, nwords) + nwords * 0xffff -
			   RV(head_sum[j], head_sum(f, k, j, nwords))) != 0xffff ||
		    off != ((fixed || (count == 1 && !off)) ? 0 : count))
			return 0;
		ipid[j] = off;
	}
	/* A UDP tunnel's checksum, when set, is verified on every segment
	 * over the whole datagram. In a segment as long as the head, every
	 * byte it covers is checked here (equal to the head's, or in a
	 * header whose own checksum holds: the inner ones are verified
	 * below) but the UDP length, which nothing checks: so its sum is the
	 * head's plus the difference of their UDP length fields, and holds
	 * exactly when those are equal. Any other segment takes the layered
	 * path, which sums. */
	if (RV(tun_sum, tun_csum_set(k, f->head)) &&
	    (paylen != RV(gso_size, f->gso_size) ||
	     ld16(p + k->tun_port_off + 2) != RV(tun_ulen, ld16(f->head + k->tun_port_off + 2))))
		return 0;
	/* The transport layer: no flag for the layered path, in sequence,
	 * not longer than the first segment (nor empty), room left. */
	if ((p[k->flags_off] & k->flags_slow) ||
	    (k->seq_off && rd32(p + k->seq_off) != RV(next_seq, f->l4.seg.next_seq)) ||
	    (k->nonzero_off && !ld16(p + k->nonzero_off)) ||
	    paylen - 1 >= RV(gso_size, f->gso_size))
		return 0;
	if (RV(verify, ctx->cfg.csum != GRO_CSUM_TRUST) && !(fflags & GRO_FRAME_CSUM_OK) &&
	    !l4_csum_ok(k, p, len))
		return 0;
	if (gro_too_big(RV(tot, f->tot), RV(count, f->count), paylen,
			RV(max_size, ctx->fast_max_size[f->kind]), RV(seg_cap, ctx->seg_cap)))
		return CONT_FULL;
	return paylen;
}

/* skb_gro_receive for a continuing segment, as the layered path appends,
 * in the node @node of the pool @nodes taken for it. Returns the reason
 * the flow ends with this segment, or 0. */
static inline __attribute__((always_inline)) enum gro_reason
join(const struct gro_fast *k, struct gro_flow *f, struct run *r, uint8_t *p, uint32_t paylen,
     void *cookie, const uint16_t *ipid, const unsigned ncsum, struct gro_node *nodes, uint32_t node,
     const bool one)
{
	uint32_t j, count;
	uint8_t fl = p[k->flags_off];

	if (RV(count, f->count) == 1)
		#pragma GCC unroll 2
		for (j = 0; j < ncsum && j < GRO_ENCAP_MAX; j++)
			if (!ipid[j]) {
				f->fixedid |= (uint8_t)(1u << k->csum[j].level);
				if (!one)
					r->fixedid = f->fixedid;
			}
	nodes[node].data = p + RV(hdr_len, f->hdr_len);
	nodes[node].len = paylen;
	nodes[node].next = GRO_NIL;
	nodes[node].cookie = cookie;
	nodes[RV(last, f->last)].next = node;
	if (one) {
		f->last = node;
		f->tot += paylen;
		f->l4.seg.next_seq += paylen;
		count = ++f->count;
	} else {
		r->last = node;
		r->tot += paylen;
		r->next_seq += paylen;
		count = ++r->count;
	}
	/* The packet ends at a short segment or one that closes the push,
	 * whose flags go into the head's. */
	if (fl & k->flags_end) {
		f->head[k->flags_off] |= fl & k->flags_end;
		return GRO_R_PUSH;
	}
	if (paylen < RV(gso_size, f->gso_size))
		return GRO_R_SHORT;
	return k->max_count && count >= k->max_count ? GRO_R_SIZE : 0;
}

/* ---------------------------------------------------------------- runs */

/* The run loop, made by the compiler for the usual kinds and header
 * lengths, and for any other. */
static inline __attribute__((always_inline)) unsigned
run_frames(struct gro_ctx *ctx, struct gro_flow *f, const struct gro_fast *k,
	   struct gro_frame *frames, unsigned n, const struct cmp c, const unsigned nlen,
	   const unsigned ncsum, const unsigned nwords)
{
	uint16_t ipid[GRO_ENCAP_MAX] = { 1, 1 };
	/* The pool's first free node in a register for the run: the node
	 * stores would make the compiler read it, and the pool, again. */
	struct gro_node *nodes = ctx->nodes;
	uint32_t free_node = ctx->free_node;
	uint32_t reason = 0;
	uint64_t bytes = 0;
	struct run r;
	unsigned i;

	run_load(&r, ctx, f, k, ncsum, nwords);
	for (i = 0; i < n; i++) {
		const struct gro_frame *fr = &frames[i];
		uint32_t paylen;

		/* A dry node pool is the engine's to handle (it evicts). */
		uint32_t start = fr->flags & GRO_FRAME_START_MASK;

		if (free_node == GRO_NIL || !fr->data || fr->len < c.span ||
		    fr->rxhash != f->rxhash || (start != r.start_a && start != r.start_b) ||
		    !hdr_equal(fr->data, f->head, k->same, &c))
			break;
		paylen = continues(ctx, k, &r, f, fr->data, fr->len, fr->flags, ipid, nlen, ncsum,
				   nwords, false);
		if (!cont_joins(paylen)) {
			/* No room for it: the flow ends here, and the frame
			 * is taken next as one that finds no flow. */
			if (paylen == CONT_FULL)
				reason = GRO_R_SIZE;
			break;
		}
		bytes += fr->len;
		reason = join(k, f, &r, fr->data, paylen, fr->cookie, ipid, ncsum, nodes,
			      gro_node_pop(nodes, &free_node), false);
		if (reason) {
			i++;
			break;
		}
	}
	ctx->free_node = free_node;
	run_store(&r, f);
	ctx->st.frames_in += i;
	ctx->st.bytes_in += bytes;
	if (reason)
		gro_complete(ctx, f, reason);
	return i;
}


/* A built-in kind with its usual transport header (TCP with timestamps)
 * gets a loop of its own, with everything unrolled. */
#define RUN_BUILTIN							\
	if (f->hdr_len == K->l4_off + K->usual_hlen)				\
		return run_frames(ctx, f, K, frames, n, cmp_shape(K->l4_off + K->usual_hlen), \
				  K->nlen, K->ncsum, K->csum[0].nwords);		\
	return run_frames(ctx, f, K, frames, n, c, K->nlen, K->ncsum, K->csum[0].nwords)

/* The templates' loops, apart: in the same function they would cost the
 * plain kinds' loops a few instructions per frame (measured). */
static __attribute__((noinline)) unsigned
continue_template(struct gro_ctx *ctx, struct gro_flow *f, const struct gro_fast *k,
		  struct gro_frame *frames, unsigned n, const struct cmp c)
{
	switch (k->builtin) {
	TEMPLATE_CASES(RUN_BUILTIN)
	}
	return 0;
}

unsigned gro_fast_continue(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n)
{
	struct gro_flow *f = &ctx->flows[ctx->last_flow];
	const struct gro_fast *k = &ctx->fast[f->kind];
	struct cmp c = cmp_shape(f->hdr_len);

	/* A head long enough for whole blocks. (The engine checked that the
	 * first frame looks like the next segment.) */
	if (f->hdr_len + f->gso_size < c.span)
		return 0;
	switch (k->builtin) {
	INIT_CASES(RUN_BUILTIN)
	case 0:
		break;
	default:
		return continue_template(ctx, f, k, frames, n, c);
	}
	/* A tunnel over IPv4 (or IPv6) with IPv4 inside: the counts of two
	 * IPv4 headers (or one) as constants. */
	if (k->nlen == 2 && k->ncsum == 2 && k->csum[0].nwords == 3)
		return run_frames(ctx, f, k, frames, n, c, 2, 2, 3);
	if (k->nlen == 2 && k->ncsum == 1 && k->csum[0].nwords == 3)
		return run_frames(ctx, f, k, frames, n, c, 2, 1, 3);
	return run_frames(ctx, f, k, frames, n, c, k->nlen, k->ncsum, k->ncsum ? k->csum[0].nwords : 0);
}

/* ---------------------------------------------------------------- one frame */

/* The flow hash of a frame of kind @k: gro_key_hash over the kind's
 * pieces, made by the compiler for the untagged kinds' counts when every
 * piece is a word. */
static __attribute__((noinline)) uint32_t kind_hash_any(const struct gro_ctx *ctx,
							 const struct gro_fast *k,
							 const struct gro_frame *fr)
{
	return gro_key_hash(ctx, fr->data, k->keyseg, k->nkey, fr->rxhash);
}

static inline __attribute__((always_inline)) uint32_t
kind_hash(const struct gro_ctx *ctx, const struct gro_fast *k, const struct gro_frame *fr)
{
	/* The counts of the built-in kinds: TCP or UDP over IPv4 (5) or
	 * IPv6 (8), IP-in-IP (7), GRE (8), VXLAN (12). */
	if (k->key_words && k->nkey == 5)
		return gro_key_hash_words(ctx, fr->data, k->keyseg, 5, fr->rxhash);
	if (k->key_words && k->nkey == 7)
		return gro_key_hash_words(ctx, fr->data, k->keyseg, 7, fr->rxhash);
	if (k->key_words && k->nkey == 8)
		return gro_key_hash_words(ctx, fr->data, k->keyseg, 8, fr->rxhash);
	if (k->key_words && k->nkey == 12)
		return gro_key_hash_words(ctx, fr->data, k->keyseg, 12, fr->rxhash);
	return kind_hash_any(ctx, k, fr);
}

/*
 * The hints of the @n frames @fr: each one's kind and, while a flow is
 * held, its flow hash, whose table slot is fetched. (With nothing held
 * there is nothing to look up: the hash waits until the frame turns out to
 * need it, if it starts a flow or one was started in between; unmergeable
 * traffic never pays for it.) Several frames a call, each built-in kind's
 * hash made with its counts as constants.
 */
void gro_fast_hints(const struct gro_ctx *ctx, const struct gro_frame *fr, unsigned n,
		    struct gro_hint *h)
{
	uint8_t again = 0, again_builtin = 0;
	unsigned j;

	for (j = 0; j < n; j++) {
		const struct gro_frame *f = &fr[j];
		const unsigned link = gro_link_of(f->flags, f->data, f->len);
		uint8_t kind, builtin;

		/* Mostly of the kind of the frame before when that was not
		 * a built-in one: tried first, when it is a kind no frame of
		 * its signature can be of one before it (a tunnel's, usually;
		 * ctx->fast_first), then it is what the search would find
		 * (built-in kinds included), for less. */
		if (unlikely(again) &&
		    f->data && of_kind(ctx, again, again_builtin, f->data, f->len, link)) {
			kind = again;
			builtin = again_builtin;
		} else {
			/* Built-in kind n is the context's kind n
			 * (gro_fast_init): the compiler can take each
			 * signature's match straight to its hash. */
			kind = builtin = f->data ? classify_builtin(ctx, f->data, f->len, link) : 0;
			if (!kind && f->data && ctx->nfast > ctx->nbuiltin + 1) {
				kind = classify_other(ctx, f->data, f->len, link);
				builtin = ctx->fast[kind].builtin;
				again = (ctx->fast_first >> kind) & 1 ? kind : 0;
				again_builtin = builtin;
			}
		}
#ifdef GRO_LINUX_612_RULES
		kind = 0;
#endif
		h[j].kind = kind;
		h[j].hashed = kind && ctx->held;
		if (!h[j].hashed) {
			/* Compared anyway by table_run(), where any answer is
			 * right: a value, not garbage. */
			h[j].hash = 0;
			continue;
		}
		switch (builtin) {
		BUILTIN_CASES(h[j].hash = kind_hash(ctx, K, f); goto hashed)
		}
		h[j].hash = kind_hash(ctx, &ctx->fast[kind], f);
hashed:
		gro_prefetch(&ctx->table[h[j].hash & ctx->table_mask]);
	}
}

/* Does the frame @fr of kind @k, @hdr_len bytes of headers, pass every
 * check the layered path makes of a frame that finds no flow
 * (alone_ok())? Here its headers: its zero fields, its IPv4 header
 * checksums and length fields, its transport header length. */
static inline __attribute__((always_inline)) bool
alone_hdrs_ok(const struct gro_frame *fr, const struct gro_fast *k, uint32_t hdr_len,
	      const unsigned nlen, const unsigned ncsum, const unsigned clen, const unsigned nzero)
{
	const uint8_t *p = fr->data;
	const uint32_t len = fr->len;
	unsigned j;

	/* (Its ports are its kind's: port_takes() said so.) */
	for (j = 0; j < nzero; j++)
		if (ld16(p + k->zero[j].off) & __builtin_bswap16(k->zero[j].mask))
			return false;
	for (j = 0; j < ncsum; j++)
		if (!hdr_csum_ok(p + k->csum[j].off, clen ? clen : k->csum[j].len))
			return false;
	for (j = 0; j < nlen; j++)
		if (rd16(p + k->lenf[j].off) != len - k->lenf[j].base)
			return false;
	/* Its transport header from the shortest to the frame's end: one
	 * compare, as the frame is at least k->min_len long (its kind said
	 * so), which is at least that shortest. */
	return hdr_len - (k->l4_off + k->min_hlen) <= len - (k->l4_off + k->min_hlen) &&
	       (!k->nonzero_off || ld16(p + k->nonzero_off));
}

/* And its sums: its tunnel's checksum and its transport checksum, unless
 * the frame or the context says they are good. */
static inline __attribute__((always_inline)) bool
alone_sums_ok(const struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_fast *k)
{
	const uint8_t *p = fr->data;
	const uint32_t len = fr->len;

	if (ctx->cfg.csum == GRO_CSUM_TRUST || (fr->flags & GRO_FRAME_CSUM_OK))
		return true;
	return (!tun_csum_set(k, p) ||
		sum_ok(k->tun_net, k->tun_l3_off, k->tun_port_off - 2u, GRO_IPPROTO_UDP, p, len)) &&
	       l4_csum_ok(k, p, len);
}

/* Both. */
static inline __attribute__((always_inline)) bool
alone_ok(const struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_fast *k,
	 uint32_t hdr_len, const unsigned nlen, const unsigned ncsum, const unsigned clen,
	 const unsigned nzero)
{
	return alone_hdrs_ok(fr, k, hdr_len, nlen, ncsum, clen, nzero) &&
	       alone_sums_ok(ctx, fr, k);
}

/* A frame that checked out and can neither join nor be joined (no
 * payload, or a flag that ends a flow) goes up as it came. */
static inline __attribute__((always_inline)) void
deliver_alone(struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_fast *k,
	      uint32_t hdr_len)
{
	gro_deliver_frame(ctx, fr->data, fr->len, k->l3_off, k->l4_off, (uint16_t)hdr_len,
			  fr->len == hdr_len ? GRO_R_NO_PAYLOAD : GRO_R_FLAGS, fr->cookie, k->link);
}

/* ---------------------------------------------------------------- nothing held */

/* A frame that goes up alone is one packet of one span (fill_alone()):
 * every field of its slot but five is the same for every frame of a kind. */
_Static_assert(sizeof(struct gro_pkt) == 56 && offsetof(struct gro_pkt, segs) == 48,
	       "fill_alone() stores struct gro_pkt as three blocks and a pointer");
_Static_assert(GRO_R_NO_PAYLOAD == GRO_R_FLAGS + 1, "fill_alone() adds the reason");

/* The slot @pkt of a frame of kind @k, @len bytes at @p with @hdr_len of
 * headers in the one span @s, that goes up alone: stored whole from a
 * template (three 16-byte stores, not a dozen small ones), then the
 * fields that vary. Returns 1 if it has no payload (the reason
 * GRO_R_NO_PAYLOAD, else GRO_R_FLAGS). */
static inline __attribute__((always_inline)) uint32_t
fill_alone(struct gro_pkt *pkt, const struct gro_fast *k, uint8_t *p, uint32_t len,
	   uint32_t hdr_len, const struct gro_seg *s)
{
	const struct gro_pkt t = { .l3_off = k->l3_off, .l4_off = k->l4_off, .gso_segs = 1,
				   .nsegs = 1, .start = (uint32_t)k->link << GRO_LINK_SHIFT };
	const uint32_t nopay = len == hdr_len;

	st_block(pkt, ld_block(&t));
	st_block((uint8_t *)pkt + 16, ld_block((const uint8_t *)&t + 16));
	st_block((uint8_t *)pkt + 32, ld_block((const uint8_t *)&t + 32));
	pkt->data = p;
	pkt->len = len;
	pkt->hdr_len = (uint16_t)hdr_len;
	pkt->reason = (uint8_t)(GRO_R_FLAGS + nopay);
	pkt->segs = s;
	return nopay;
}

/* A frame of built-in kind @k while no flow is held: written into @pkt and
 * @s as it came if it can neither join nor start a flow (and counted in
 * @nopay if it has no payload); false if it needs the full path. */
static inline __attribute__((always_inline)) bool
pass_one(const struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_fast *k,
	 struct gro_pkt *pkt, struct gro_seg *s, uint32_t *nopay, const bool trust)
{
	uint8_t *p = fr->data;
	const uint32_t hdr_len = k->l4_off + gro_fast_hlen(k, p);

	if ((fr->len != hdr_len && !(p[k->flags_off] & k->flags_nostart)) ||
	    !alone_hdrs_ok(fr, k, hdr_len, k->nlen, k->ncsum, k->csum[0].len, k->nzero) ||
	    (!trust && !alone_sums_ok(ctx, fr, k)))
		return false;
	s->data = p;
	s->len = fr->len;
	s->cookie = fr->cookie;
	*nopay += fill_alone(pkt, k, p, fr->len, hdr_len, s);
	return true;
}

/* Is the frame @fr of built-in kind @k? As classify_builtin() would say
 * for it: the built-in kinds of one link have signatures no frame can
 * match two of (src/gen/mkkinds.c refuses any that do), so the kind's own
 * signature tells. A frame said to start at "IP" is of a raw IP kind's
 * link when its version nibble is, which the signature holds. */
static inline __attribute__((always_inline)) bool
frame_is(const struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_fast *k)
{
	uint32_t start = fr->flags & GRO_FRAME_START_MASK;

	return fr->data && (start == (uint32_t)k->link << GRO_LINK_SHIFT ||
			    (k->link != GRO_LINK_ETH && start == GRO_FRAME_L3_IP)) &&
	       fr->len >= k->min_len && sig_match(fr->data, k) && port_takes(ctx, k, fr->data);
}

/* Frames of built-in kind @k from @frames[0] (which is of it), as long as
 * they are of it and pass_one() takes them: how many. */
static inline __attribute__((always_inline)) unsigned
pass_run(const struct gro_ctx *ctx, const struct gro_frame *frames, unsigned n,
	 const struct gro_fast *k, struct gro_pkt *pkt, struct gro_seg *s, uint64_t *bytes,
	 uint32_t *nopay, const bool trust)
{
	unsigned i = 0;

	do {
		/* Read before pass_one() stores: after, the frame must be
		 * read again (the stores might alias it). */
		const uint32_t len = frames[i].len;

		if (!pass_one(ctx, &frames[i], k, &pkt[i], &s[i], nopay, trust))
			break;
		*bytes += len;
		i++;
	} while (i < n && frame_is(ctx, &frames[i], k));
	return i;
}

/*
 * While nothing is held, a frame has no flow to find: one that cannot
 * start one either (a pure ACK, SYN, FIN, RST, a push) is checked and goes
 * up, with no hint, no hash and no table. Takes frames from @frames while
 * they are such frames of a built-in kind and says how many it took; the
 * engine gives the next one the full path (which makes the same decision
 * for these: with nothing held, it finds no flow). Each frame is one
 * packet of one span, written straight into the batch; the counts are
 * added up once.
 */
unsigned gro_fast_pass(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n)
{
	/* A context that trusts every checksum has a loop of its own. */
	const bool trust = ctx->cfg.csum == GRO_CSUM_TRUST;
	uint32_t room, i, nopay = 0;
	uint64_t bytes = 0;
	struct gro_pkt *pkt;
	struct gro_seg *s;

#ifdef GRO_LINUX_612_RULES
	return 0;
#endif
	if (ctx->nout == ctx->out_cap || ctx->noseg == ctx->oseg_cap)
		gro_deliver_batch(ctx);
	room = ctx->out_cap - ctx->nout;
	if (room > ctx->oseg_cap - ctx->noseg)
		room = ctx->oseg_cap - ctx->noseg;
	if (n > room)
		n = room;
	pkt = &ctx->out[ctx->nout];
	s = &ctx->oseg[ctx->noseg];
	/* Classified once per run of frames of one kind (a kind apiece
	 * after that): the run stops at a frame of another kind, which is
	 * classified in turn, or at one that needs the full path. */
	for (i = 0; i < n;) {
		const struct gro_frame *fr = &frames[i];
		unsigned took = 0;

		if (!fr->data)
			break;
		switch (classify_builtin(ctx, fr->data, fr->len,
					 gro_link_of(fr->flags, fr->data, fr->len))) {
		BUILTIN_CASES(took = trust ? pass_run(ctx, fr, n - i, K, &pkt[i], &s[i], &bytes,
						      &nopay, true)
					   : pass_run(ctx, fr, n - i, K, &pkt[i], &s[i], &bytes,
						      &nopay, false))
		}
		if (!took)
			break;
		i += took;
	}
	ctx->nout += i;
	ctx->noseg += i;
	ctx->st.frames_in += i;
	ctx->st.bytes_in += bytes;
	ctx->st.pkts_out += i;
	ctx->st.bytes_out += bytes;
	ctx->st.reasons[GRO_R_NO_PAYLOAD] += nopay;
	ctx->st.reasons[GRO_R_FLAGS] += i - nopay;
	return i;
}

/*
 * A frame whose flow @f has no room for it: the layered path ends the flow
 * for its size and goes on as if it had found none, and so does this, if
 * the frame passes the checks of a frame alone (it does: its headers are
 * the head's; if not, the layered path decides all of it). Apart, and
 * with the kind's counts read from memory: it comes once per packet at
 * most, and inline it would cost the per-frame code registers.
 */
static __attribute__((noinline)) bool end_full(struct gro_ctx *ctx, const struct gro_frame *fr,
					       const struct gro_hint *h, struct gro_flow *f)
{
	const struct gro_fast *k = &ctx->fast[h->kind];
	const uint32_t hdr_len = k->l4_off + gro_fast_hlen(k, fr->data);

	if (!alone_ok(ctx, fr, k, hdr_len, k->nlen, k->ncsum, 0, k->nzero))
		return false;
	gro_complete(ctx, f, GRO_R_SIZE);
	return gro_fast_receive(ctx, fr, h);
}

/* One frame of kind @k, whose counts are @nlen, @ncsum (each header @clen
 * bytes with @nwords words that may change) and @nzero: constants where
 * the compiler made a copy for a kind. */
static inline __attribute__((always_inline)) bool
receive_one(struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_hint *h,
	    const struct gro_fast *k, const unsigned nlen, const unsigned ncsum,
	    const unsigned clen, const unsigned nwords, const unsigned nzero)
{
	uint8_t *p = fr->data;
	const uint32_t len = fr->len, l4 = k->l4_off;
	const uint32_t hdr_len = l4 + gro_fast_hlen(k, p);
	const struct cmp key_cmp = cmp_shape(k->key_span);
	const uint32_t usual = k->usual_hlen ? k->l4_off + k->usual_hlen : 0;
	const struct cmp usual_cmp = cmp_shape(usual);
	struct gro_flow *f = NULL;
	struct gro_cb cb;
	uint32_t i = GRO_NIL, hash = 0;

	/* gro_flow_lookup: the flow with this frame's key. (The last flow
	 * is not tried first: gro_fast_continue did that.) Most frames that
	 * find their flow continue it, so the full comparison comes first;
	 * the key alone only if that fails. With no flow held, none. Equal
	 * keys mean equal stacks, so a flow of another kind is another flow
	 * (but for one without a kind, below). */
	if (ctx->held) {
		hash = h->hashed ? h->hash : kind_hash(ctx, k, fr);
		i = ctx->table[hash & ctx->table_mask];
	}
	for (; i != GRO_NIL; i = ctx->flows[i].hnext) {
		struct gro_flow *g = &ctx->flows[i];
		struct cmp c;

		if (g->hash != hash || g->rxhash != fr->rxhash)
			continue;
		/* A flow of this frame's stack can lack a kind: its head was
		 * too short for one (a datagram of a few bytes). It may be
		 * this frame's flow, and only the layered path can tell. */
		if (g->kind != h->kind) {
			if (!g->kind)
				return false;
			continue;
		}
		/* The usual header length of a built-in kind (TCP with
		 * timestamps) with its shape a constant, unrolled. */
		if (g->hdr_len == usual) {
			if (len >= usual_cmp.span && g->hdr_len + g->gso_size >= usual_cmp.span &&
			    hdr_equal(p, g->head, k->same, &usual_cmp)) {
				f = g;
				break;
			}
		} else {
			c = cmp_shape(g->hdr_len);
			if (len >= c.span && g->hdr_len + g->gso_size >= c.span &&
			    hdr_equal(p, g->head, k->same, &c)) {
				f = g;
				break;
			}
		}
		if (hdr_equal(p, g->head, k->key, &key_cmp))
			return false;	/* its flow, but not a continuation */
	}

	if (f) {
		/* Joins it, or the layered path ends it. */
		uint16_t ipid[GRO_ENCAP_MAX] = { 1, 1 };
		enum gro_reason reason;
		uint32_t paylen;

		paylen = continues(ctx, k, NULL, f, p, len, fr->flags, ipid, nlen, ncsum, nwords,
				   true);
		if (cont_joins(paylen)) {
			ctx->last_flow = i;
			reason = join(k, f, NULL, p, paylen, fr->cookie, ipid, ncsum, ctx->nodes,
				      gro_node_take(ctx), true);
			if (reason)
				gro_complete(ctx, f, reason);
			return true;
		}
		return paylen == CONT_FULL && end_full(ctx, fr, h, f);
	}

	/* No flow: the frame starts one, or goes up as is if it cannot be
	 * continued (empty, or ending a push), once its headers pass every
	 * check of the layered path; if not, that path says why. */
	if (!alone_ok(ctx, fr, k, hdr_len, nlen, ncsum, clen, nzero))
		return false;
	if (len == hdr_len || (p[k->flags_off] & k->flags_nostart)) {
		/* Nothing to join, and nothing can join it. */
		deliver_alone(ctx, fr, k, hdr_len);
		return true;
	}
	cb.data = p;
	cb.len = len;
	cb.rxhash = fr->rxhash;
	cb.hash = ctx->held ? hash : kind_hash(ctx, k, fr);
	cb.l3_off = k->l3_off;
	cb.l4_off = (uint16_t)l4;
	cb.hdr_len = (uint16_t)hdr_len;
	cb.l4.seg.paylen = len - hdr_len;
	cb.l4.seg.next_seq = (k->seq_off ? rd32(p + k->seq_off) : 0) + cb.l4.seg.paylen;
	cb.flist = false;
	cb.link = k->link;
	cb.cookie = fr->cookie;
	gro_hold(ctx, &cb, h->kind);
	return true;
}

bool gro_fast_receive(struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_hint *h)
{
	const struct gro_fast *k;

	switch (ctx->fast[h->kind].builtin) {
	BUILTIN_CASES(return receive_one(ctx, fr, h, K, K->nlen, K->ncsum, K->csum[0].len,
					 K->csum[0].nwords, K->nzero))
	}
	k = &ctx->fast[h->kind];
	return receive_one(ctx, fr, h, k, k->nlen, k->ncsum, 0, k->ncsum ? k->csum[0].nwords : 0,
			   k->nzero);
}

/* ---------------------------------------------------------------- frames through the table */

/*
 * Frames of built-in kind @k, from @frames[@i] on, each through the table
 * as gro_fast_receive() takes it, one after another while the next has its
 * hint, is of the same kind and is not, by its hash, the next of a run
 * (the engine tries those); the engine's look-ahead goes on here (hints to
 * *@hinted of the @n frames, then flows, then heads). A frame the fast
 * path cannot decide takes the layered path from here. How many it took
 * (at least one).
 */
static inline __attribute__((always_inline)) unsigned
table_run(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n, struct gro_hint *hint,
	  unsigned i, unsigned *hinted, const struct gro_fast *k)
{
	const uint8_t kind = hint[i].kind;
	const unsigned first = i;
	/* A copy: through the pointer, it would be read again after every
	 * call the compiler cannot see into. */
	unsigned ahead = *hinted;

	do {
		const struct gro_frame *fr = &frames[i];

		/* The engine made the first frame's hint; more are made
		 * here once frames keep coming this way. */
		if (i > first)
			ahead = gro_hints_ahead(ctx, frames, hint, ahead, i, GRO_HINT_AHEAD, n);
		gro_fetch_ahead(ctx, &hint[i], ahead - i);
		gro_frame_in(ctx, fr);
		if (!receive_one(ctx, fr, &hint[i], k, k->nlen, k->ncsum, k->csum[0].len,
				 k->csum[0].nwords, k->nzero))
			gro_receive_layered(ctx, fr);
		i++;
		/* Whether the next frame may continue this one's flow, which
		 * the engine then tries as a run: asked of this frame's hash
		 * rather than of the flow the engine last found
		 * (gro_hint_may_run), which mostly is this frame's. Either
		 * answer is right, the other path takes any frame; this one
		 * costs a compare. (A frame hinted while no flow was held
		 * has hash 0 in its hint.) */
	} while (i < ahead && hint[i].kind == kind && hint[i].hashed &&
		 hint[i].hash != hint[i - 1].hash);
	*hinted = ahead;
	return i - first;
}

/* The templates' loops, apart, as for runs (continue_template). */
static __attribute__((noinline)) unsigned
table_template(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n, struct gro_hint *hint,
	       unsigned i, unsigned *hinted)
{
	switch (ctx->fast[hint[i].kind].builtin) {
	TEMPLATE_CASES(return table_run(ctx, frames, n, hint, i, hinted, K))
	}
	return 0;
}

unsigned gro_fast_table(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n,
			struct gro_hint *hint, unsigned i, unsigned *hinted)
{
	switch (ctx->fast[hint[i].kind].builtin) {
	INIT_CASES(return table_run(ctx, frames, n, hint, i, hinted, K))
	case 0:
		break;
	default:
		return table_template(ctx, frames, n, hint, i, hinted);
	}
	return 0;
}
