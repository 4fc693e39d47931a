/* Unit-test harness for libgro; see helpers.h. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	cr_assert_not_null(q, "harness: out of memory");
	return q;
}

static int cookie_index(const struct h *h, void *cookie)
{
	uintptr_t c = (uintptr_t)cookie;

	if (c < 1 || c > h->nfr)
		return -1;
	return (int)(c - 1);
}

static void on_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct h *h = arg;
	unsigned i, j;

	if (n > h->max_batch)
		h->max_batch = n;
	for (i = 0; i < n; i++) {
		const struct gro_pkt *g = &pkts[i];
		struct h_pkt *p;
		uint32_t sum = 0;
		long r;

		if (h->npkt == h->cappkt) {
			h->cappkt = h->cappkt ? 2 * h->cappkt : 64;
			h->pkt = xrealloc(h->pkt, h->cappkt * sizeof(*h->pkt));
		}
		p = &h->pkt[h->npkt++];
		memset(p, 0, sizeof(*p));
		p->len = g->len;
		p->l3_off = g->l3_off;
		p->l4_off = g->l4_off;
		p->hdr_len = g->hdr_len;
		p->gso_size = g->gso_size;
		p->gso_segs = g->gso_segs;
		p->csum_start = g->csum_start;
		p->csum_offset = g->csum_offset;
		p->csum_partial = g->csum_partial;
		p->reason = g->reason;
		p->gso_type = g->gso_type;
		p->encap = g->encap;
		p->outer_l3_off = g->outer_l3_off;
		p->outer_l4_off = g->outer_l4_off;
		p->start = g->start;
		p->nsegs = g->nsegs;
		p->call = h->ncalls;
		p->frames = xrealloc(NULL, (g->nsegs ? g->nsegs : 1) * sizeof(int));

		for (j = 0; j < g->nsegs; j++) {
			const struct gro_seg *s = &g->segs[j];
			int idx = cookie_index(h, s->cookie);

			p->frames[j] = idx;
			sum += s->len;
			if (idx < 0) {
				h->bad_cookies++;
				continue;
			}
			h->delivered[idx] = true;
			/* A span must lie inside the frame its cookie names. */
			if (s->data < h->fr[idx].data ||
			    s->data + s->len > h->fr[idx].data + h->fr[idx].len)
				h->bad_spans++;
		}
		p->segs_ok = g->nsegs >= 1 && g->data == g->segs[0].data && sum == g->len;

		p->raw = xrealloc(NULL, g->len);
		p->fixed = xrealloc(NULL, g->len);
		r = gro_pkt_linearize(g, p->raw, g->len, 0);
		if (r != (long)g->len)
			h->lin_errors++;
		r = gro_pkt_linearize(g, p->fixed, g->len, GRO_LIN_CSUM);
		if (r != (long)g->len)
			h->lin_errors++;
		if (g->len && gro_pkt_linearize(g, p->raw, g->len - 1, 0) != GRO_ENOSPC)
			h->lin_errors++;
	}
	h->ncalls++;
}

static void on_release(void *arg, void *cookie)
{
	struct h *h = arg;
	int idx = cookie_index(h, cookie);

	if (idx < 0) {
		h->bad_cookies++;
		return;
	}
	if (!h->delivered[idx])
		h->early_releases++;
	h->released[idx]++;
}

void h_config(struct gro_config *cfg)
{
	gro_config_init(cfg);
}

struct h *h_open(const struct gro_config *cfg)
{
	struct h *h = calloc(1, sizeof(*h));
	int err;

	cr_assert_not_null(h, "harness: out of memory");
	if (cfg)
		h->cfg = *cfg;
	else
		gro_config_init(&h->cfg);
	h->cfg.deliver = on_deliver;
	h->cfg.deliver_arg = h;
	h->cfg.release = on_release;
	h->cfg.release_arg = h;
	err = gro_create(&h->cfg, &h->gro);
	cr_assert_eq(err, GRO_OK, "harness: gro_create failed: %s (%s)",
		     gro_strerror(err), gro_config_error());
	return h;
}

void h_check_stats(const struct h *h)
{
	struct gro_stats st;
	uint64_t bytes_in = 0, bytes_out = 0, supers = 0, merged = 0, rsum = 0;
	uint64_t by_reason[GRO_R_COUNT] = { 0 };
	size_t i;
	int r;

	cr_assert_not_null(h->gro, "harness: stats need a live engine");
	gro_get_stats(h->gro, &st);
	for (i = 0; i < h->next; i++)
		bytes_in += h->fr[i].len;
	for (i = 0; i < h->npkt; i++) {
		bytes_out += h->pkt[i].len;
		if (h->pkt[i].gso_segs > 1) {
			supers++;
			merged += h->pkt[i].gso_segs;
		}
		if (h->pkt[i].reason < GRO_R_COUNT)
			by_reason[h->pkt[i].reason]++;
	}
	cr_assert_eq(st.frames_in, h->next, "stats: frames_in must count every offered frame");
	cr_assert_eq(st.pkts_out, h->npkt, "stats: pkts_out must count every delivered packet");
	cr_assert_eq(st.super_pkts, supers, "stats: super_pkts must count packets with gso_segs > 1");
	cr_assert_eq(st.segs_merged, merged, "stats: segs_merged must sum gso_segs of super-packets");
	cr_assert_eq(st.bytes_in, bytes_in, "stats: bytes_in must sum the offered frame lengths");
	cr_assert_eq(st.bytes_out, bytes_out, "stats: bytes_out must sum the delivered lengths");
	for (r = 0; r < GRO_R_COUNT; r++) {
		rsum += st.reasons[r];
		cr_assert_eq(st.reasons[r], by_reason[r],
			     "stats: reasons[%s] must count the packets delivered for it",
			     gro_reason_name(r));
	}
	cr_assert_eq(rsum, st.pkts_out, "stats: reasons must add up to pkts_out");
}

void h_destroy_engine(struct h *h)
{
	if (!h->gro)
		return;
	h_check_stats(h);
	gro_destroy(h->gro);
	h->gro = NULL;
}

void h_close(struct h *h)
{
	size_t i;

	h_destroy_engine(h);
	for (i = 0; i < h->next; i++)
		cr_assert_eq(h->released[i], 1,
			     "release: frame %zu must be released exactly once (was %u times)",
			     i, h->released[i]);
	cr_assert_eq(h->early_releases, 0, "release: a frame was released before its packet was delivered");
	cr_assert_eq(h->bad_cookies, 0, "delivery: a cookie that names no frame came back");
	cr_assert_eq(h->bad_spans, 0, "delivery: a span lies outside the frame its cookie names");
	cr_assert_eq(h->lin_errors, 0, "gro_pkt_linearize: wrong length, or no GRO_ENOSPC for a short buffer");
	for (i = 0; i < h->npkt; i++) {
		cr_assert(h->pkt[i].segs_ok,
			  "delivery: packet %zu: data must be segs[0].data and len the sum of its spans", i);
		free(h->pkt[i].raw);
		free(h->pkt[i].fixed);
		free(h->pkt[i].frames);
	}
	for (i = 0; i < h->nfr; i++) {
		free(h->fr[i].data);
		free(h->orig[i]);
	}
	free(h->pkt);
	free(h->fr);
	free(h->orig);
	free(h->released);
	free(h->delivered);
	free(h);
}

int h_add_bytes(struct h *h, const uint8_t *data, size_t len)
{
	size_t i = h->nfr;

	if (h->nfr == h->capfr) {
		h->capfr = h->capfr ? 2 * h->capfr : 64;
		h->fr = xrealloc(h->fr, h->capfr * sizeof(*h->fr));
		h->orig = xrealloc(h->orig, h->capfr * sizeof(*h->orig));
		h->released = xrealloc(h->released, h->capfr * sizeof(*h->released));
		h->delivered = xrealloc(h->delivered, h->capfr * sizeof(*h->delivered));
	}
	memset(&h->fr[i], 0, sizeof(h->fr[i]));
	h->fr[i].data = xrealloc(NULL, len);
	h->orig[i] = xrealloc(NULL, len);
	if (len) {
		memcpy(h->fr[i].data, data, len);
		memcpy(h->orig[i], data, len);
	}
	h->fr[i].len = (uint32_t)len;
	h->fr[i].cookie = (void *)(uintptr_t)(i + 1);
	h->released[i] = 0;
	h->delivered[i] = false;
	h->nfr++;
	return (int)i;
}

int h_add(struct h *h, const struct pb_frame *f)
{
	struct pb_offsets o;
	size_t len = pb_layout(f, &o);
	uint8_t *buf;
	int i;

	cr_assert_neq(len, 0, "harness: invalid frame description");
	buf = xrealloc(NULL, len);
	cr_assert_eq(pb_build(f, buf, len), len, "harness: pb_build failed");
	i = h_add_bytes(h, buf, len);
	free(buf);
	return i;
}

int h_add_seg(struct h *h, struct pb_frame *f)
{
	int i = h_add(h, f);

	f->seq += f->payload_len;
	f->ip_id++;
	return i;
}

void h_set_rxhash(struct h *h, int i, uint32_t rxhash)
{
	cr_assert(i >= 0 && (size_t)i < h->nfr, "harness: no frame %d", i);
	h->fr[i].rxhash = rxhash;
}

void h_set_flags(struct h *h, int i, uint32_t flags)
{
	cr_assert(i >= 0 && (size_t)i < h->nfr, "harness: no frame %d", i);
	h->fr[i].flags = flags;
}

void h_receive(struct h *h)
{
	int err = gro_receive(h->gro, h->fr + h->next, (unsigned)(h->nfr - h->next), h->now);

	cr_assert_eq(err, GRO_OK, "gro_receive failed: %s", gro_strerror(err));
	h->next = h->nfr;
}

int h_flush(struct h *h)
{
	int n = gro_flush(h->gro, h->now, GRO_FLUSH_ALL);

	cr_assert_geq(n, 0, "gro_flush failed: %s", gro_strerror(n));
	return n;
}

void h_run(struct h *h)
{
	h_receive(h);
	h_flush(h);
}

size_t h_npkt(const struct h *h)
{
	return h->npkt;
}

const struct h_pkt *h_pkt(const struct h *h, size_t k)
{
	cr_assert_lt(k, h->npkt, "expected at least %zu delivered packets, got %zu", k + 1, h->npkt);
	return &h->pkt[k];
}

const uint8_t *h_frame(const struct h *h, int i)
{
	cr_assert(i >= 0 && (size_t)i < h->nfr, "harness: no frame %d", i);
	return h->orig[i];
}

uint32_t h_frame_len(const struct h *h, int i)
{
	cr_assert(i >= 0 && (size_t)i < h->nfr, "harness: no frame %d", i);
	return h->fr[i].len;
}

void h_expect_npkt(const struct h *h, size_t n, const char *rule)
{
	cr_assert_eq(h->npkt, n, "%s: expected %zu delivered packets, got %zu", rule, n, h->npkt);
}

void h_expect_reason(const struct h *h, size_t k, enum gro_reason r, const char *rule)
{
	const struct h_pkt *p = h_pkt(h, k);

	cr_assert_eq(p->reason, r, "%s: packet %zu should leave for reason %s, got %s",
		     rule, k, gro_reason_name(r), gro_reason_name(p->reason));
}

void h_expect_as_is(const struct h *h, size_t k, int i, const char *rule)
{
	const struct h_pkt *p = h_pkt(h, k);

	cr_assert(p->nsegs == 1 && p->frames[0] == i,
		  "%s: packet %zu should be frame %d alone, got %u span(s) starting with frame %d",
		  rule, k, i, p->nsegs, p->frames[0]);
	cr_assert_eq(p->len, h_frame_len(h, i), "%s: packet %zu must keep frame %d's length", rule, k, i);
	cr_assert(!memcmp(p->raw, h_frame(h, i), p->len),
		  "%s: packet %zu must be frame %d byte for byte", rule, k, i);
	cr_assert_eq(p->gso_size, 0, "%s: an unmerged packet has gso_size 0", rule);
	cr_assert_eq(p->gso_segs, 1, "%s: an unmerged packet has gso_segs 1", rule);
	cr_assert_eq(p->gso_type, 0, "%s: an unmerged packet has no gso_type", rule);
	cr_assert_eq(p->csum_partial, 0, "%s: an unmerged packet keeps its own checksum", rule);
}

void h_expect_frames(const struct h *h, size_t k, const int *idx, int n, const char *rule)
{
	const struct h_pkt *p = h_pkt(h, k);
	int j;

	cr_assert_eq(p->nsegs, (uint32_t)n, "%s: packet %zu should hold %d frame(s), got %u",
		     rule, k, n, p->nsegs);
	for (j = 0; j < n; j++)
		cr_assert_eq(p->frames[j], idx[j], "%s: packet %zu span %d should be frame %d, got %d",
			     rule, k, j, idx[j], p->frames[j]);
	cr_assert_eq(p->gso_segs, n, "%s: packet %zu: gso_segs should be %d, got %u",
		     rule, k, n, p->gso_segs);
}

void h_expect_merged(const struct h *h, size_t k, int first, int n, const char *rule)
{
	const struct h_pkt *p = h_pkt(h, k);
	uint32_t total;
	int j;

	cr_assert_eq(p->nsegs, (uint32_t)n, "%s: packet %zu should merge %d frames, got %u",
		     rule, k, n, p->nsegs);
	for (j = 0; j < n; j++)
		cr_assert_eq(p->frames[j], first + j, "%s: packet %zu span %d should be frame %d, got %d",
			     rule, k, j, first + j, p->frames[j]);
	cr_assert_eq(p->gso_segs, n, "%s: packet %zu: gso_segs should be %d, got %u",
		     rule, k, n, p->gso_segs);
	cr_assert_eq(p->gso_size, h_frame_len(h, first) - p->hdr_len,
		     "%s: packet %zu: gso_size must be the first segment's payload", rule, k);
	total = h_frame_len(h, first);
	for (j = 1; j < n; j++)
		total += h_frame_len(h, first + j) - p->hdr_len;
	cr_assert_eq(p->len, total, "%s: packet %zu: length must be head frame + later payloads",
		     rule, k);
}

void h_expect_bytes(const struct h *h, size_t k, const struct pb_frame *expected, const char *rule)
{
	const struct h_pkt *p = h_pkt(h, k);
	struct pb_offsets o;
	size_t len = pb_layout(expected, &o), i;
	uint8_t *buf;

	cr_assert_neq(len, 0, "harness: invalid expected frame");
	buf = xrealloc(NULL, len);
	pb_build(expected, buf, len);
	cr_assert_eq(p->len, len, "%s: packet %zu is %u bytes, expected %zu", rule, k, p->len, len);
	for (i = 0; i < len; i++)
		if (p->fixed[i] != buf[i])
			break;
	free(buf);
	cr_assert_eq(i, len, "%s: packet %zu differs from the expected bytes at offset %zu",
		     rule, k, i);
}

uint16_t h_pseudo_seed(const uint8_t *iph, int ipv6, uint32_t l4len)
{
	return h_pseudo_seed_proto(iph, ipv6, l4len, 6);
}

uint16_t h_pseudo_seed_proto(const uint8_t *iph, int ipv6, uint32_t l4len, uint8_t proto)
{
	uint8_t tail[8] = { 0 };
	uint32_t sum;

	if (ipv6)
		sum = pb_csum_add(0, iph + 8, 32);
	else
		sum = pb_csum_add(0, iph + 12, 8);
	tail[0] = (uint8_t)(l4len >> 24);
	tail[1] = (uint8_t)(l4len >> 16);
	tail[2] = (uint8_t)(l4len >> 8);
	tail[3] = (uint8_t)l4len;
	tail[7] = proto;
	sum = pb_csum_add(sum, tail, 8);
	return (uint16_t)~pb_csum_fold(sum);
}

int h_tcp_csum_ok(const uint8_t *frame, uint32_t len, uint32_t l3, uint32_t l4, int ipv6)
{
	uint16_t seed = h_pseudo_seed(frame + l3, ipv6, len - l4);
	uint8_t s[2] = { (uint8_t)(seed >> 8), (uint8_t)seed };
	uint32_t sum = pb_csum_add(0, s, 2);

	sum = pb_csum_add(sum, frame + l4, len - l4);
	return pb_csum_fold(sum) == 0;
}

int h_ipv4_csum_ok(const uint8_t *iph)
{
	return pb_csum_fold(pb_csum_add(0, iph, (size_t)(iph[0] & 15) * 4)) == 0;
}

void h_seg_init(struct pb_frame *f, int ipv6, uint32_t payload_len)
{
	pb_init(f, ipv6);
	f->payload_len = payload_len;
}

void h_pkt_gro(const struct h_pkt *p, struct gro_pkt *pkt, struct gro_seg *seg)
{
	memset(pkt, 0, sizeof(*pkt));
	*seg = (struct gro_seg){ .data = p->raw, .len = p->len };
	pkt->data = p->raw;
	pkt->len = p->len;
	pkt->segs = seg;
	pkt->nsegs = 1;
	pkt->l3_off = p->l3_off;
	pkt->l4_off = p->l4_off;
	pkt->gso_size = p->gso_size;
	pkt->gso_segs = p->gso_segs;
	pkt->gso_type = p->gso_type;
	pkt->hdr_len = p->hdr_len;
	pkt->csum_partial = p->csum_partial;
	pkt->csum_start = p->csum_start;
	pkt->csum_offset = p->csum_offset;
	pkt->encap = p->encap;
	pkt->outer_l3_off = p->outer_l3_off;
	pkt->outer_l4_off = p->outer_l4_off;
	pkt->start = p->start;
}
