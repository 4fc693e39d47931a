// SPDX-License-Identifier: MIT
/*
 * TCP: tcp4/6_gro_receive, tcp_gro_receive and tcp_gro_complete.
 *
 * A segment joins its flow only if everything TCP says about the stream is
 * unchanged (flags but FIN/PSH/CWR, window, ACK, every option byte), the IP
 * fields agree, it starts exactly where the flow ends, and it is no longer
 * than the first segment (the mss). Whether or not it joined, a segment
 * shorter than the mss, or one with PSH, FIN, URG, RST or SYN, ends the
 * flow: what comes after it cannot be a continuation.
 */
#include "gro_internal.h"

#define TCP_FLAG_FIN	0x00010000u
#define TCP_FLAG_SYN	0x00020000u
#define TCP_FLAG_RST	0x00040000u
#define TCP_FLAG_PSH	0x00080000u
#define TCP_FLAG_URG	0x00200000u
#define TCP_FLAG_CWR	0x00800000u

#define TCP_FLAGS_END	(TCP_FLAG_URG | TCP_FLAG_PSH | TCP_FLAG_RST | TCP_FLAG_SYN | TCP_FLAG_FIN)

/* The TCP checksum over [l4_off, len) with the pseudo-header. */
static bool csum_ok(int v6, const uint8_t *data, uint32_t l3_off, uint32_t l4_off, uint32_t len)
{
	uint32_t l4len = len - l4_off;
	uint64_t sum = gro_l3_pseudo(v6, data + l3_off, l4len, 6);

	return gro_csum16_fold(gro_csum_partial(data + l4_off, l4len, sum)) == 0xffff;
}

static bool tcp_csum_ok(const struct gro_cb *cb)
{
	return csum_ok(cb->v6, cb->data, cb->l3_off, cb->off, cb->len);
}

/* The fields every segment of a flow must share with its first. */
static uint32_t tcp_differs(const struct gro_cb *cb, const uint8_t *th,
			    const uint8_t *head, struct gro_flow *f)
{
	const uint8_t *th2 = head + f->l4_off;
	uint32_t flags = rd32(th + 12), thlen = cb->hdr_len - cb->l4_off, i;
	uint32_t flush;

	/* CWR marks a congestion window cut. In 6.18 a segment carrying it
	 * never joins a packet, and nothing joins it either (CWR is compared
	 * with the rest of the flag word): TCP sees every CWR segment on its
	 * own, as Accurate ECN needs (seen on the live kernel). */
	flush = flags & TCP_FLAG_CWR;
	/* Data offset, flags and window; FIN and PSH may only appear on the
	 * last segment. */
	flush |= (flags ^ rd32(th2 + 12)) & ~(TCP_FLAG_FIN | TCP_FLAG_PSH);
	flush |= ld32(th + 8) ^ ld32(th2 + 8);
	/* Options byte for byte (timestamps included): with the data offsets
	 * equal, both headers have thlen bytes. */
	if (!flush) {
		for (i = 20; i + 8 <= thlen; i += 8)
			flush |= (uint32_t)((ld64(th + i) ^ ld64(th2 + i)) != 0);
		if (i < thlen)
			flush |= ld32(th + i) ^ ld32(th2 + i);
	}
	flush |= gro_l3_net_flush(cb, head, f);
	/* A segment longer than the first cannot be cut back at the same
	 * boundaries; an empty one carries nothing to merge. */
	flush |= (cb->paylen - 1) >= f->gso_size;
	flush |= f->next_seq ^ rd32(th + 4);
	return flush;
}

struct gro_flow *gro_tcp_receive(struct gro_ctx *ctx, struct gro_cb *cb)
{
	struct gro_flow *p;
	const uint8_t *th;
	uint32_t thlen, flags, mss = 1, flush;

	/* Not worth summing a segment that is going up unmerged anyway. */
	if (!cb->flush && !(cb->fflags & GRO_FRAME_CSUM_OK) && !tcp_csum_ok(cb)) {
		gro_cb_flush(cb, GRO_R_L4_CSUM);
		return NULL;
	}
	if (cb->off + 20 > cb->len) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	th = cb->data + cb->off;
	thlen = (th[12] >> 4) * 4u;
	/* Header offsets are kept in 16 bits, as skb offsets are: a header
	 * ending past 64 KiB (extension headers in a jumbo frame) cannot be
	 * described, so the frame goes up as it came. */
	if (thlen < 20 || cb->off + thlen > cb->len || cb->off + thlen > 0xffff) {
		gro_cb_flush(cb, GRO_R_MALFORMED);
		return NULL;
	}
	cb->l4_off = (uint16_t)cb->off;
	cb->hdr_len = (uint16_t)(cb->off + thlen);
	cb->off += thlen;
	cb->paylen = cb->len - cb->hdr_len;
	cb->next_seq = rd32(th + 4) + cb->paylen;
	flags = rd32(th + 12);

	p = gro_flow_lookup(ctx, cb);
	if (p) {
		uint8_t *head = gro_flow_head(ctx, p);

		flush = tcp_differs(cb, th, head, p);
		if (flush) {
			cb->pp_reason = GRO_R_MISMATCH;
		} else if (cb->flush) {
			/* An IP-level flush (length, reserved bit) ends the flow. */
			cb->pp_reason = GRO_R_MISMATCH;
		} else if (gro_flow_full(ctx, p, cb->paylen)) {
			cb->pp_reason = GRO_R_SIZE;
		} else {
			mss = p->gso_size;
			gro_flow_append(ctx, p, cb);
			cb->merged = true;
			head[p->l4_off + 13] |= th[13] & 0x09;	/* FIN, PSH */
		}
	}

	/* The run ends at a short segment or one that closes the push. */
	flush = cb->paylen < mss;
	flush |= flags & TCP_FLAGS_END;
	if (flush) {
		if (cb->merged)
			cb->pp_reason = (flags & TCP_FLAGS_END) ? GRO_R_PUSH : GRO_R_SHORT;
		else
			gro_cb_flush(cb, !cb->paylen ? GRO_R_NO_PAYLOAD : GRO_R_FLAGS);
	}
	if (p && (!cb->merged || flush))
		return p;
	return NULL;
}

/*
 * Fast paths for plain frames: untagged Ethernet, IPv4 without options or
 * IPv6 without extension headers, then TCP. They make exactly the
 * decisions of the layered path (ipv4/ipv6 receive, tcp receive, the flow
 * look-up, tcp_differs, the engine's hold and delivery) for the frames
 * they take, and leave every other frame, unchanged, to that path: a
 * frame with anything unusual about it, or one that would end a flow.
 *
 * - gro_tcp_continue(): a run of segments continuing the flow the frame
 *   before found or started, the common case of a bulk transfer.
 * - gro_tcp_plain(): one frame, its flow found through the table: it joins
 *   its flow, starts one, or, with no flow to end, goes up as is.
 *
 * A segment continues its flow if its headers equal the head's except in
 * the fields a segment may change, and those have the values the rules
 * above want; the comparison is done in 16-byte blocks under a mask.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

#define TH_FIN_PSH	0x09	/* in the TCP flags byte */
#define TH_URG_RST_SYN	0x26
#define TH_END		(TH_FIN_PSH | TH_URG_RST_SYN)
#define TH_CWR		0x80

#define PLAIN4_L4	(ETH_HLEN + 20)
#define PLAIN6_L4	(ETH_HLEN + 40)

/* Bytes that must be equal between a segment and its flow's head, from the
 * start of the frame; 0 marks the fields checked on their own (lengths, IP
 * ID and checksum, sequence number) or not compared at all (TCP checksum
 * and urgent pointer, as in Linux). Everything else is flow key or a field
 * that must not change within a flow. */
static const uint8_t same4[96] = {
	[0 ... 15] = 0xff,	/* MAC header; IPv4 version/IHL, TOS */
	[20 ... 23] = 0xff,	/* fragment field (DF alone, or 0), TTL, protocol */
	[26 ... 37] = 0xff,	/* addresses, ports */
	[42 ... 46] = 0xff,	/* ACK, data offset */
	[47] = 0xff & ~TH_FIN_PSH,	/* flags: FIN and PSH may come last */
	[48 ... 49] = 0xff,	/* window */
	[54 ... 95] = 0xff,	/* options */
};
static const uint8_t same6[128] = {
	[0 ... 17] = 0xff,	/* MAC header; IPv6 version, traffic class, flow label */
	[20 ... 57] = 0xff,	/* next header (TCP), hop limit, addresses, ports */
	[62 ... 66] = 0xff,	/* ACK, data offset */
	[67] = 0xff & ~TH_FIN_PSH,
	[68 ... 69] = 0xff,	/* window */
	[74 ... 127] = 0xff,	/* options */
};

/* The flow key of a plain frame, as gro_flow_lookup compares it: the MAC
 * header, the network layer's key (IPv4: protocol and addresses; IPv6:
 * version, flow label, next header, addresses), the ports. */
static const uint8_t key4[48] = {
	[0 ... 13] = 0xff, [23] = 0xff, [26 ... 37] = 0xff,
};
static const uint8_t key6[64] = {
	[0 ... 13] = 0xff, [14] = 0xf0, [15] = 0x0f, [16 ... 17] = 0xff, [20] = 0xff,
	[22 ... 57] = 0xff,
};

#ifdef __SSE2__
#include <emmintrin.h>

typedef __m128i block_t;

static inline block_t ld_block(const void *p) { return _mm_loadu_si128((const __m128i *)p); }

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

/* The key masks: three and four whole blocks (every plain frame and head
 * is at least that long). */
static const struct cmp key4_cmp = { 3, 0, 48 }, key6_cmp = { 4, 0, 64 };

static inline struct cmp cmp_shape(uint32_t n)
{
	struct cmp c = { n / 16, n % 16, (n + 15) & ~15u };

	return c;
}

/* Are @a and @b equal under mask @m over the bytes @c covers? Reads
 * c->span bytes of each: the caller makes sure both frames are that long.
 * Plain TCP headers are at least 54 bytes: three whole blocks always. */
static inline __attribute__((always_inline)) bool hdr_equal(const uint8_t *a, const uint8_t *b, const uint8_t *m, const struct cmp *c)
{
	block_t d = block_clear();
	uint32_t i;

	d = diff_block(d, a, b, m);
	d = diff_block(d, a + 16, b + 16, m + 16);
	d = diff_block(d, a + 32, b + 32, m + 32);
	for (i = 48; i < 16 * c->full; i += 16)
		d = diff_block(d, a + i, b + i, m + i);
	if (c->rest) {
		block_t x = block_clear();

		x = diff_block(x, a + i, b + i, m + i);
		d = keep_or(d, x, keep_first + 16 - c->rest);
	}
	return block_zero(d);
}

/* A sum of 16-bit words folded to 16 bits: in [1, 0xffff] for x > 0, and
 * 0xffff exactly when x is a multiple of 0xffff. */
static inline uint32_t fold16(uint32_t x)
{
	x = (x & 0xffff) + (x >> 16);
	return (x & 0xffff) + (x >> 16);
}

static inline uint32_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* IPv4: the head's header checksum held when it arrived and nothing has
 * changed that header since, so a segment whose header differs from it
 * only in tot_len, ID and checksum has a good checksum exactly when those
 * three words add up to the head's three, modulo 0xffff. */
static inline uint32_t ip_words(const uint8_t *p)
{
	return ld16(p + ETH_HLEN + 2) + ld16(p + ETH_HLEN + 4) + ld16(p + ETH_HLEN + 10);
}

/* What of a flow a run of segments changes, in registers for the run, and
 * what it reads on every segment: loaded once, since the compiler cannot
 * tell that the node stores in between leave them alone. */
struct run {
	uint32_t tot, next_seq, count, last;
	uint32_t hdr_len, gso_size, max_size, max_segs, verify;
	uint16_t head_id;
};

/*
 * Does the plain frame @p, @len, whose headers equal @f's head's under the
 * same4/same6 mask, continue @f (in state @r)? The rest of the layered
 * path's conditions for a merge. Returns the payload length, or 0 if the
 * frame must take the layered path; *@ipid_off is the IP ID step (IPv4).
 */
static inline __attribute__((always_inline)) uint32_t continues(const struct gro_flow *f,
				 const struct run *r, const uint8_t *p, uint32_t len, uint32_t fflags,
				 uint32_t head_ip, uint16_t *ipid_off, const int v6)
{
	const uint8_t *th = p + (v6 ? PLAIN6_L4 : PLAIN4_L4);
	uint32_t paylen = len - r->hdr_len;
	uint8_t fl = th[13];

	/* ipv4/ipv6 receive: the IP length describes the frame exactly; a
	 * good IPv4 header checksum. (Version, IHL and the fragment field
	 * are the head's, which passed.) */
	if (!v6) {
		const uint8_t *iph = p + ETH_HLEN;

		if (rd16(iph + 2) != len - ETH_HLEN ||
		    fold16(ip_words(p) + 3 * 0xffff - head_ip) != 0xffff)
			return 0;
		/* inet_flush: the ID steps by one per segment, or stays
		 * fixed if the second segment repeated the first's. */
		*ipid_off = (uint16_t)(rd16(iph + 4) - r->head_id);
		if (*ipid_off != ((f->fixedid || (r->count == 1 && !*ipid_off)) ? 0 : r->count))
			return 0;
	} else if ((p[ETH_HLEN] >> 4) != 6 || rd16(p + ETH_HLEN + 4) != len - PLAIN6_L4) {
		/* (A version other than 6 takes IPv4's checks in Linux.) */
		return 0;
	}
	/* tcp_differs: no CWR, in sequence, not longer than the mss (nor
	 * empty); gro_flow_full: room left in the packet. URG, RST and SYN
	 * cannot differ from the head's, which has none of them. */
	if ((fl & (TH_CWR | TH_URG_RST_SYN)) || rd32(th + 4) != r->next_seq ||
	    paylen - 1 >= r->gso_size || r->tot - ETH_HLEN + paylen > r->max_size ||
	    (r->max_segs && r->count >= r->max_segs))
		return 0;
	if (r->verify && !(fflags & GRO_FRAME_CSUM_OK) &&
	    !csum_ok(v6, p, ETH_HLEN, v6 ? PLAIN6_L4 : PLAIN4_L4, len))
		return 0;
	return paylen;
}

/* skb_gro_receive for a continuing segment, as gro_flow_append. Returns
 * the reason the flow ends with this segment, or 0. */
static inline __attribute__((always_inline)) enum gro_reason join(struct gro_ctx *ctx, struct gro_flow *f, struct run *r,
				   uint8_t *p, uint32_t paylen, void *cookie, uint16_t ipid_off, const int v6)
{
	const uint32_t l4 = v6 ? PLAIN6_L4 : PLAIN4_L4;
	uint32_t node = ctx->free_node;
	uint8_t fl = p[l4 + 13];

	if (!v6 && r->count == 1 && !ipid_off)
		f->fixedid = 1;
	ctx->free_node = ctx->nodes[node].next;
	ctx->nodes[node].data = p + r->hdr_len;
	ctx->nodes[node].len = paylen;
	ctx->nodes[node].next = GRO_NIL;
	ctx->nodes[node].cookie = cookie;
	ctx->nodes[r->last].next = node;
	r->last = node;
	r->tot += paylen;
	r->next_seq += paylen;
	r->count++;
	/* The run ends at a short segment or one that closes the push; FIN
	 * and PSH go into the head's flags. */
	if (fl & TH_FIN_PSH) {
		f->head[l4 + 13] |= fl & TH_FIN_PSH;
		return GRO_R_PUSH;
	}
	return paylen < r->gso_size ? GRO_R_SHORT : 0;
}

static inline void run_load(struct run *r, const struct gro_ctx *ctx, const struct gro_flow *f)
{
	r->hdr_len = f->hdr_len;
	r->gso_size = f->gso_size;
	r->max_size = ctx->cfg.max_size;
	r->max_segs = ctx->cfg.max_segs;
	r->verify = ctx->cfg.csum != GRO_CSUM_TRUST;
	r->head_id = (uint16_t)rd16(f->head + ETH_HLEN + 4);
	r->tot = f->tot;
	r->next_seq = f->next_seq;
	r->count = f->count;
	r->last = f->last;
}

static inline void run_store(const struct run *r, struct gro_flow *f)
{
	f->tot = r->tot;
	f->next_seq = r->next_seq;
	f->count = (uint16_t)r->count;
	f->last = r->last;
}

static inline bool plain_flow(const struct gro_flow *f)
{
	return f->l3_off == ETH_HLEN && f->l4_off == (f->v6 ? PLAIN6_L4 : PLAIN4_L4);
}

/* The run loop, made by the compiler for IPv4 and IPv6, each with the
 * usual header length and any other. */
static inline __attribute__((always_inline)) unsigned
run_frames(struct gro_ctx *ctx, struct gro_flow *f, struct gro_frame *frames, unsigned n, const int v6,
	   const struct cmp c)
{
	const uint8_t *mask = v6 ? same6 : same4;
	const uint32_t head_ip = v6 ? 0 : ip_words(f->head);
	uint32_t reason = 0;
	uint64_t bytes = 0;
	struct run r;
	unsigned i;

	run_load(&r, ctx, f);
	for (i = 0; i < n; i++) {
		const struct gro_frame *fr = &frames[i];
		uint16_t ipid_off = 1;
		uint32_t paylen;

		/* A dry node pool is the engine's to handle (it evicts). */
		if (ctx->free_node == GRO_NIL || !fr->data || fr->len < c.span ||
		    fr->rxhash != f->rxhash || !hdr_equal(fr->data, f->head, mask, &c) ||
		    !(paylen = continues(f, &r, fr->data, fr->len, fr->flags, head_ip, &ipid_off, v6)))
			break;
		bytes += fr->len;
		reason = join(ctx, f, &r, fr->data, paylen, fr->cookie, ipid_off, v6);
		if (reason) {
			i++;
			break;
		}
	}
	run_store(&r, f);
	ctx->st.frames_in += i;
	ctx->st.bytes_in += bytes;
	if (reason)
		gro_complete(ctx, f, reason);
	return i;
}

unsigned gro_tcp_continue(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n)
{
	struct gro_flow *f = &ctx->flows[ctx->last_flow];

	/* A plain flow, with a head long enough for whole blocks. (The
	 * engine checked that the first frame looks like the next segment.) */
	if (!plain_flow(f) || f->hdr_len + f->gso_size < cmp_shape(f->hdr_len).span)
		return 0;
	/* The usual headers (timestamps on: 66 bytes over IPv4, 86 over
	 * IPv6) get a loop of their own, with the comparison unrolled. */
	if (f->v6)
		return f->hdr_len == 86 ? run_frames(ctx, f, frames, n, 1, (struct cmp){ 5, 6, 96 })
					: run_frames(ctx, f, frames, n, 1, cmp_shape(f->hdr_len));
	return f->hdr_len == 66 ? run_frames(ctx, f, frames, n, 0, (struct cmp){ 4, 2, 80 })
				: run_frames(ctx, f, frames, n, 0, cmp_shape(f->hdr_len));
}

/* The flow hash of a plain frame (untagged, TCP at @l4). */
static inline uint32_t plain_key_hash(const struct gro_ctx *ctx, const struct gro_frame *fr, uint32_t l4)
{
	return gro_key_hash(ctx, fr->data, ETH_HLEN, l4, l4 == PLAIN6_L4, fr->rxhash);
}

void gro_tcp_hint(const struct gro_ctx *ctx, const struct gro_frame *fr, struct gro_hint *h)
{
	const uint8_t *p = fr->data;
	uint32_t len = fr->len;

	h->l4_off = 0;
	h->hashed = 0;
	if (!p || len < PLAIN4_L4 + 20)
		return;
	if (rd16(p + 12) == 0x0800 && p[ETH_HLEN] == 0x45 && p[ETH_HLEN + 9] == 6)
		h->l4_off = PLAIN4_L4;
	else if (rd16(p + 12) == 0x86dd && len >= PLAIN6_L4 + 20 && p[ETH_HLEN + 6] == 6)
		h->l4_off = PLAIN6_L4;
	else
		return;
	/* With nothing held there is nothing to look up: the hash waits
	 * until the frame turns out to need it (it starts a flow, or one
	 * was started in between). Unmergeable traffic never pays for it. */
	h->hashed = ctx->held != 0;
	if (h->hashed)
		h->hash = plain_key_hash(ctx, fr, h->l4_off);
}

static inline uint32_t plain_hash(const struct gro_ctx *ctx, const struct gro_frame *fr,
				  const struct gro_hint *h)
{
	return h->hashed ? h->hash : plain_key_hash(ctx, fr, h->l4_off);
}

bool gro_tcp_plain(struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_hint *h)
{
	uint8_t *p = fr->data, *th = p + h->l4_off;
	const uint32_t len = fr->len, l4 = h->l4_off, v6 = l4 == PLAIN6_L4;
	const uint32_t thlen = (th[12] >> 4) * 4u, hdr_len = l4 + thlen;
	struct gro_flow *f = NULL;
	struct gro_cb cb;
	struct cmp c;
	uint32_t i, hash = 0;

	/* gro_flow_lookup: the flow with this frame's key. (The last flow
	 * is not tried first: gro_tcp_continue did that.) Most frames that
	 * find their flow continue it, so the full comparison comes first;
	 * the key alone only if that fails. With no flow held, none. */
	i = GRO_NIL;
	if (ctx->held) {
		hash = plain_hash(ctx, fr, h);
		i = ctx->table[hash & ctx->table_mask];
	}
	for (; i != GRO_NIL; i = ctx->flows[i].hnext) {
		struct gro_flow *g = &ctx->flows[i];

		if (g->hash != hash || g->rxhash != fr->rxhash || g->l3_off != ETH_HLEN ||
		    g->l4_off != l4)
			continue;
		c = cmp_shape(g->hdr_len);
		if (len >= c.span && g->hdr_len + g->gso_size >= c.span &&
		    hdr_equal(p, g->head, v6 ? same6 : same4, &c)) {
			f = g;
			break;
		}
		if (hdr_equal(p, g->head, v6 ? key6 : key4, v6 ? &key6_cmp : &key4_cmp))
			return false;	/* its flow, but not a continuation */
	}

	if (f) {
		/* Joins it, or the layered path ends it. */
		uint16_t ipid_off = 1;
		enum gro_reason reason;
		uint32_t paylen;
		struct run r;

		run_load(&r, ctx, f);
		if (!(paylen = continues(f, &r, p, len, fr->flags, v6 ? 0 : ip_words(f->head),
					 &ipid_off, v6)))
			return false;
		ctx->last_flow = i;
		reason = join(ctx, f, &r, p, paylen, fr->cookie, ipid_off, v6);
		run_store(&r, f);
		if (reason)
			gro_complete(ctx, f, reason);
		return true;
	}

	/* No flow: the frame starts one, or goes up as is if it cannot be
	 * continued (empty, or ending a push), once its headers pass every
	 * check of the layered path; if not, that path says why. */
	if (!v6) {
		const uint8_t *iph = p + ETH_HLEN;

		/* not a fragment, no reserved bit; good checksum; exact length */
		if ((rd16(iph + 6) & ~0x4000) || !gro_ip4_hdr_csum_ok(iph) ||
		    rd16(iph + 2) != len - ETH_HLEN)
			return false;
	} else if ((p[ETH_HLEN] >> 4) != 6 || rd16(p + ETH_HLEN + 4) != len - PLAIN6_L4) {
		return false;
	}
	if (thlen < 20 || hdr_len > len ||
	    (ctx->cfg.csum != GRO_CSUM_TRUST && !(fr->flags & GRO_FRAME_CSUM_OK) &&
	     !csum_ok(v6, p, ETH_HLEN, l4, len)))
		return false;

	if (len == hdr_len || (th[13] & TH_END)) {
		/* Nothing to join, and nothing can join it. */
		gro_deliver_frame(ctx, p, len, ETH_HLEN, (uint16_t)l4, (uint16_t)hdr_len,
				  len == hdr_len ? GRO_R_NO_PAYLOAD : GRO_R_FLAGS, fr->cookie);
		return true;
	}
	cb.data = p;
	cb.len = len;
	cb.off = hdr_len;
	cb.flush = 0;
	cb.rxhash = fr->rxhash;
	cb.hash = ctx->held ? hash : plain_hash(ctx, fr, h);
	cb.fflags = fr->flags;
	cb.l3_off = ETH_HLEN;
	cb.l4_off = (uint16_t)l4;
	cb.hdr_len = (uint16_t)hdr_len;
	cb.depth = 2;
	cb.reason = 0;
	cb.merged = false;
	cb.v6 = (uint8_t)v6;
	cb.pp_reason = 0;
	cb.paylen = len - hdr_len;
	cb.next_seq = rd32(th + 4) + cb.paylen;
	cb.cookie = fr->cookie;
	gro_hold(ctx, &cb);
	return true;
}
#else
unsigned gro_tcp_continue(struct gro_ctx *ctx, struct gro_frame *frames, unsigned n)
{
	(void)ctx;
	(void)frames;
	(void)n;
	return 0;
}

void gro_tcp_hint(const struct gro_ctx *ctx, const struct gro_frame *fr, struct gro_hint *h)
{
	(void)ctx;
	(void)fr;
	h->l4_off = 0;
	h->hashed = 0;
}

bool gro_tcp_plain(struct gro_ctx *ctx, const struct gro_frame *fr, const struct gro_hint *h)
{
	(void)ctx;
	(void)fr;
	(void)h;
	return false;
}
#endif

/* tcp4/6_gro_complete + tcp_gro_complete: the checksum field gets the
 * pseudo-header sum over the merged length, to be finished by whoever
 * consumes the packet (CHECKSUM_PARTIAL). */
static void tcp_complete(uint8_t *head, const struct gro_flow *f, struct gro_pkt *pkt)
{
	uint8_t *th = head + f->l4_off;
	uint64_t sum = gro_l3_pseudo(f->v6, head + f->l3_off, f->tot - f->l4_off, 6);

	wr16(th + 16, gro_csum16_fold(sum));
	pkt->csum_partial = 1;
	pkt->csum_start = f->l4_off;
	pkt->csum_offset = 16;
	if (th[13] & 0x80)
		pkt->gso_type |= GRO_GSO_TCP_ECN;
}

const struct gro_l4_ops gro_tcp_ops = {
	.receive = gro_tcp_receive,
	.complete = tcp_complete,
};
