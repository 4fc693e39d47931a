// SPDX-License-Identifier: MIT
/* libgro under test: the hooks that count (and, when checking, record)
 * what it delivers and releases, a configuration sized for the stream (UDP
 * streams: GRO_UDP_L4), a pass over a stream, and the check of the fast
 * path against the one-frame-at-a-time reference and Linux's rules. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "driver.h"

static void check_fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->errors++) {
		va_start(ap, fmt);
		vsnprintf(c->first, sizeof(c->first), fmt, ap);
		va_end(ap);
	}
}

static uint64_t digest(const uint8_t *p, size_t n, uint64_t h)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void check_pkt(struct check *c, const struct gro_pkt *p)
{
	const struct stream *s = c->s;
	long n = gro_pkt_linearize(p, c->raw, 70000, 0), n2;
	uint64_t h = 0xcbf29ce484222325ull;
	const uint8_t *ip, *th;
	const int udp = s->kind == K_UDP;
	uint32_t hdr = s->hdr, l4len, sum, proto = udp ? 17 : 6;

	if (n < 0) {
		check_fail(c, "linearize failed");
		return;
	}
	h = digest(c->raw, (size_t)n, h);
	h = digest((const uint8_t *)&p->gso_size, 2, h);
	h = digest((const uint8_t *)&p->gso_segs, 2, h);
	h = digest((const uint8_t *)&p->gso_type, 4, h);
	h = digest((const uint8_t *)&p->reason, 1, h);
	h = digest((const uint8_t *)&p->csum_start, 4, h);
	if (c->ndig == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 4096;
		c->dig = realloc(c->dig, c->cap * sizeof(*c->dig));
		if (!c->dig)
			die("out of memory");
	}
	c->dig[c->ndig++] = h;
	c->segs += p->gso_segs;

	n2 = gro_pkt_linearize(p, c->fix, 70000, GRO_LIN_CSUM);
	if (n2 != n || (uint32_t)n != p->len) {
		check_fail(c, "length %ld/%ld vs %u", n, n2, p->len);
		return;
	}
	ip = c->fix + s->in_l3;
	th = ip + (s->v6 ? 40 : 20);
	l4len = (uint32_t)n - (uint32_t)(th - c->fix);
	if (kind_tunnel(s->kind)) {
		/* The outer headers: IPv4 length and checksum; the UDP
		 * length, and the checksum left 0 as it came. */
		const uint8_t *oip = c->fix + 14, *uh = oip + 20;

		if (sum16(oip, 20, 0) != 0xffff)
			check_fail(c, "bad outer IPv4 header checksum");
		if (get16(oip + 2) != n - 14)
			check_fail(c, "outer IPv4 tot_len %u, packet %ld", get16(oip + 2), n);
		if (s->kind == K_VXLAN && (get16(uh + 4) != n - 34 || get16(uh + 6)))
			check_fail(c, "outer UDP length %u checksum %#x, packet %ld", get16(uh + 4),
				   get16(uh + 6), n);
		if (p->gso_segs > 1 && !(p->gso_type & (s->kind == K_VXLAN ? GRO_GSO_UDP_TUNNEL
									: GRO_GSO_GRE)))
			check_fail(c, "gso_type %#x lacks the tunnel", p->gso_type);
	}
	if (!s->v6) {
		if (sum16(ip, 20, 0) != 0xffff)
			check_fail(c, "bad IPv4 header checksum");
		if (get16(ip + 2) != n - s->in_l3)
			check_fail(c, "IPv4 tot_len %u, packet %ld", get16(ip + 2), n);
		sum = sum16(ip + 12, 8, proto + l4len);
	} else {
		if (get16(ip + 4) != n - s->in_l3 - 40)
			check_fail(c, "IPv6 payload_len %u, packet %ld", get16(ip + 4), n);
		sum = sum16(ip + 8, 32, proto + l4len);
	}
	if (s->with_payload && sum16(th, l4len, sum) != 0xffff)
		check_fail(c, "bad %s checksum (packet %ld bytes, %u segs)", udp ? "UDP" : "TCP", n,
			   p->gso_segs);
	if (p->gso_segs > s->seg_max || (p->gso_segs > 1 && p->gso_size != s->mss))
		check_fail(c, "gso_segs %u gso_size %u", p->gso_segs, p->gso_size);
	if (udp) {
		/* One datagram of the merged length, whose payloads carry
		 * their flow and index: in order, none missing. */
		uint32_t pay = (uint32_t)n - hdr, f, i;

		if (get16(th + 4) != l4len)
			check_fail(c, "UDP length %u, datagram %u", get16(th + 4), l4len);
		if (!s->with_payload)
			return;
		if (p->gso_segs * s->mss != pay) {
			check_fail(c, "%u payload bytes for %u datagrams", pay, p->gso_segs);
			return;
		}
		f = get32(th + 8);
		if (f >= s->nflows) {
			check_fail(c, "unknown flow %u", f);
			return;
		}
		for (i = 0; i < p->gso_segs; i++) {
			const uint8_t *d = th + 8 + i * s->mss;

			if (get32(d) != f || get32(d + 4) != c->next[f])
				check_fail(c, "flow %u: datagram %u of flow %u, expected %u", f,
					   get32(d + 4), get32(d), c->next[f]);
			c->next[f] = get32(d + 4) + 1;
		}
	} else if (kind_bulk(s->kind)) {
		uint32_t f = s->v6 ? get32(ip + 20) :
			     (uint32_t)(ip[13] - 16) << 16 | (uint32_t)ip[14] << 8 | ip[15];

		if (f >= s->nflows) {
			check_fail(c, "unknown flow %u", f);
			return;
		}
		if (get32(th + 4) != c->next[f])
			check_fail(c, "flow %u: seq %u, expected %u", f, get32(th + 4), c->next[f]);
		c->next[f] = get32(th + 4) + (uint32_t)n - hdr;
	}
}

void sink_deliver(void *arg, const struct gro_pkt *p, unsigned n)
{
	struct sink *k = arg;
	unsigned i;

	k->pkts += n;
	for (i = 0; i < n; i++)
		k->segs += p[i].gso_segs;
	if (k->chk)
		for (i = 0; i < n; i++)
			check_pkt(k->chk, &p[i]);
}

/* The batch form, as a datapath that frees buffers in bulk uses it. */
static void sink_release_batch(void *arg, const struct gro_seg *segs, unsigned n)
{
	struct sink *k = arg;
	unsigned i;

	k->rel += n;
	if (k->chk)
		for (i = 0; i < n; i++)
			k->chk->relcnt[(uintptr_t)segs[i].cookie]++;
}

void lib_config(const struct stream *s, struct gro_config *c, int eng, struct sink *k)
{
	uint64_t flows = s->nflows < 64 ? 64 : s->nflows;
	uint64_t need = (uint64_t)s->nflows * (s->k < s->seg_max + 1 ? s->k : s->seg_max + 1);
	uint64_t full = flows * 46, lean = flows * 2 + 65536, dflt;

	gro_config_init(c);
	c->csum = eng == E_LIB_VERIFY ? GRO_CSUM_VERIFY : GRO_CSUM_TRUST;
	c->deliver = sink_deliver;
	c->deliver_arg = k;
	c->release_batch = sink_release_batch;
	c->release_arg = k;
	if (s->kind == K_UDP || s->udp_gro)
		c->udp = GRO_UDP_L4;
	if (s->kind == K_VXLAN)
		c->tunnels[0] = (struct gro_udp_tunnel){ VXLAN_PORT, GRO_TUNNEL_VXLAN };
	if (eng == E_LIB_8X8)
		return;	/* the defaults: 8 buckets of 8 flows, the pool for them */
	c->max_flows = (uint32_t)flows;
	c->buckets = 1;
	/* The default segment pool (see gro_create) holds about two frames
	 * per flow for big tables; streams that hold more get more. */
	dflt = full < lean ? full : lean;
	if (dflt < 65536)
		dflt = 65536;
	if (need > dflt)
		c->max_held_frames = (uint32_t)need;
}

/*
 * With every flow held (E_LIB) the stream says how many packets Linux's
 * rules give. With Linux's limits (E_LIB_8X8, run only on cells of 64K
 * flows or more): in runs the same, since a flow's segments come one after
 * another and it is the newest of its bucket until its run ends; flows
 * taking turns, every frame goes up alone, since between two segments of
 * a flow its bucket sees thousands of other flows start, and a ninth
 * evicts the oldest.
 */
uint64_t lib_expect_out(const struct stream *s, int eng)
{
	if (eng == E_LIB_8X8 && s->order == O_INTERLEAVED && s->nflows >= 65536)
		return s->npkts;
	return s->expect_out;
}

void lib_pass(struct gro_ctx *g, const struct stream *s, unsigned burst)
{
	size_t i = 0, p;
	uint64_t now = 0;

	for (p = 0; p < s->npolls; p++) {
		size_t end = (p + 1) * s->poll_len;

		while (i < end) {
			unsigned n = (unsigned)(end - i < burst ? end - i : burst);

			gro_receive(g, s->fr + i, n, now);
			i += n;
			now += 1000;
		}
		gro_flush(g, now, GRO_FLUSH_ALL);
	}
}

/* One checked pass: @burst frames per gro_receive(), @batch packets per
 * deliver call. Returns the error count; fills @c. */
static unsigned lib_checked_pass(const struct stream *s, int eng, unsigned burst,
				 unsigned batch, struct check *c)
{
	const uint64_t want = lib_expect_out(s, eng);
	struct sink k = { 0 };
	struct gro_config cfg;
	struct gro_ctx *g;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->s = s;
	c->raw = xcalloc(70000, 1);
	c->fix = xcalloc(70000, 1);
	c->relcnt = xcalloc(s->npkts, 1);
	c->next = xcalloc(s->nflows, sizeof(*c->next));
	for (i = 0; i < s->nflows && s->kind != K_UDP; i++)
		c->next[i] = flow_of((uint32_t)i).isn;
	k.chk = c;
	lib_config(s, &cfg, eng, &k);
	cfg.batch = batch;
	if (gro_create(&cfg, &g) != GRO_OK)
		die("gro_create: %s", gro_config_error());
	stream_restore(s);
	lib_pass(g, s, burst);
	gro_destroy(g);

	if (k.pkts != want)
		check_fail(c, "%llu packets out, Linux's rules give %llu",
			   (unsigned long long)k.pkts, (unsigned long long)want);
	if (c->segs != s->npkts)
		check_fail(c, "%llu segments out of %zu frames", (unsigned long long)c->segs, s->npkts);
	for (i = 0; i < s->npkts; i++)
		if (c->relcnt[i] != 1) {
			check_fail(c, "frame %zu released %u times", i, c->relcnt[i]);
			break;
		}
	if (s->kind == K_UDP && s->with_payload)
		for (i = 0; i < s->nflows; i++)
			if (c->next[i] != s->npolls * s->k) {
				check_fail(c, "flow %zu: %u datagrams of %u", i, c->next[i],
					   s->npolls * s->k);
				break;
			}
	if (kind_bulk(s->kind) && s->kind != K_UDP)
		for (i = 0; i < s->nflows; i++)
			if (c->next[i] != flow_of((uint32_t)i).isn + s->npolls * s->k * s->mss) {
				check_fail(c, "flow %zu: stream incomplete", i);
				break;
			}
	free(c->raw);
	free(c->fix);
	free(c->relcnt);
	free(c->next);
	return c->errors;
}

/* The fast path (bursts of 32, batches of 64) against the reference (one
 * frame per call, one packet per batch): same packets, same order. */
int lib_check(const struct stream *s, int eng, char *msg, size_t msglen)
{
	struct check fast, ref;
	int ok;

	lib_checked_pass(s, eng, BURST, 64, &fast);
	lib_checked_pass(s, eng, 1, 1, &ref);
	ok = !fast.errors && !ref.errors && fast.ndig == ref.ndig &&
	     !memcmp(fast.dig, ref.dig, fast.ndig * sizeof(*fast.dig));
	if (ok)
		snprintf(msg, msglen, "ok");
	else if (fast.errors)
		snprintf(msg, msglen, "FAIL: %.80s", fast.first);
	else if (ref.errors)
		snprintf(msg, msglen, "FAIL (reference): %.70s", ref.first);
	else
		snprintf(msg, msglen, "FAIL: differs from the one-frame-at-a-time reference");
	free(fast.dig);
	free(ref.dig);
	return ok;
}
