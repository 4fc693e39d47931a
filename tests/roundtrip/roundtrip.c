// SPDX-License-Identifier: MIT
/*
 * roundtrip: the lossless-round-trip property of GRO + GSO.
 *
 *   roundtrip [--gro GRO] [--cli N] [--tmp DIR] [--gen SEED COUNT] [--gen-cli N]
 *             [--save DIR] [-v] [DIR]
 *
 * For every capture in DIR (as `scenarios random SEED COUNT DIR` writes
 * them), in name order, then for COUNT captures of its own (--gen: UDP in
 * GRO_UDP_L4 and GRO_UDP_FRAGLIST mode mixed with TCP, TCP fraglist, BIG
 * TCP over IPv4 with max_size 200000, TCP inside VXLAN and GENEVE; see
 * "generated captures" below;
 * --save writes them to DIR as pcap), each with VLAN merging on and off,
 * with the engine configured for its kind: run the engine
 * over the frames exactly as `gro coalesce` does (polls of at most 64 frames
 * within 1 ms, GRO_CSUM_VERIFY), cut every super-packet back with
 * gro_segment() - straight from the engine's zero-copy packet, and again
 * through the file path (linearize, gro_vnet_encode, gro_vnet_decode) -
 * and pass every other packet through. Then check, with a parser of its
 * own, that what comes out is what went in:
 *
 *  - every frame comes back byte for byte, none is lost or added;
 *  - within each GRO flow (everything Linux compares to tell flows apart:
 *    MAC header, VLAN tags, addresses, IPv6 flow label and extension
 *    headers, ports) the order is the input's, except for frames GRO
 *    delivered as they were without holding them (bad checksums, IP
 *    options, fragments, flags, pure ACKs...), which may overtake held ones;
 *  - each segment of a super-packet is exactly the frame that was merged
 *    there.
 *
 * Frames that move are reported: early deliveries by reason, and, at the
 * level of a connection (addresses and ports only), frames that moved
 * between two GRO flows of the same connection.
 *
 * With --cli N, the first N captures also go through the command line:
 * `gro coalesce IN X.pcapng` then `gro segment X.pcapng Y.pcap` must give
 * exactly the frames computed here, in the same order; --gen-cli N does the
 * same for the first N generated captures (with --udp, --fraglist or
 * --max-size as their kind needs).
 *
 * The last line is "roundtrip: N passed, M failed" (N + M captures).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gro.h"
#include "pktbuild.h"

extern char **environ;

#define BURST		64
#define FLUSH_US	1000
#define MAX_DETAIL	20

struct frame {
	uint8_t *data;		/* what the engine gets (it may rewrite headers) */
	uint32_t len;
	int early;		/* delivered as is, never held */
	uint8_t reason;
	int seen;		/* found in the output */
};

struct out {
	uint8_t *data;
	uint32_t len;
	int src;		/* the input frame it is (by attribution), or -1 */
	int early;
	uint8_t reason;
};

struct run {
	const struct pb_list *in;
	struct frame *fr;
	struct out *o;
	size_t no, capo;
	int partial;		/* the file path writes the seed, not the checksum */
	unsigned errors;	/* inconsistencies found while delivering */
	char first_err[512];
	uint8_t *lin, *seg;
	struct gro_seg *segs;
	size_t seg_cap;
};

static struct {
	unsigned long moved_early[GRO_R_COUNT];
	unsigned long moved_across, across_mac, across_label, across_ext, across_other;
	unsigned long frames, supers, segments, cli_runs;
	uint32_t maxpkt;	/* the longest packet delivered in this capture */
	unsigned long over64k;	/* packets longer than 64 KiB after Ethernet, in it */
	unsigned details;
	int verbose;
} g;

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "roundtrip: out of memory\n");
		exit(2);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "roundtrip: out of memory\n");
		exit(2);
	}
	return p;
}

static void err(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void err(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->errors++) {
		va_start(ap, fmt);
		vsnprintf(r->first_err, sizeof(r->first_err), fmt, ap);
		va_end(ap);
	}
}

/* ------------------------------------------------------------ parsing */

static unsigned rd16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

/* The identity of a frame: its connection (VLAN tags, addresses, protocol,
 * ports) and, within it, its GRO flow (also the MAC addresses, the IPv6
 * flow label and the extension headers). */
struct key {
	char conn[160];
	char flow[400];
	uint8_t mac[12];
	uint32_t label;		/* IPv6 version + flow label word, masked */
	uint8_t ext[64];	/* first bytes of the IPv6 extension headers */
	unsigned ext_len;
};

static void hex(char *dst, size_t cap, const uint8_t *p, size_t n)
{
	size_t i, o = strlen(dst);

	for (i = 0; i < n && o + 3 < cap; i++, o += 2)
		snprintf(dst + o, cap - o, "%02x", p[i]);
}

static void frame_key(const uint8_t *p, uint32_t len, struct key *k)
{
	uint32_t off = 14, l4 = 0, ext0 = 0;
	unsigned type, proto = 0;
	int v6 = 0, ports = 0;

	memset(k, 0, sizeof(*k));
	if (len < 14) {
		snprintf(k->conn, sizeof(k->conn), "short");
		snprintf(k->flow, sizeof(k->flow), "short");
		return;
	}
	memcpy(k->mac, p, 12);
	type = rd16(p + 12);
	snprintf(k->conn, sizeof(k->conn), "t%04x", type);
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= len) {
		size_t n = strlen(k->conn);

		snprintf(k->conn + n, sizeof(k->conn) - n, "/%04x", rd16(p + off));
		type = rd16(p + off + 2);
		n = strlen(k->conn);
		snprintf(k->conn + n, sizeof(k->conn) - n, ":%04x", type);
		off += 4;
	}
	if (type == 0x0800 && off + 20 <= len && p[off] >> 4 == 4) {
		uint32_t ihl = (p[off] & 15) * 4u;

		proto = p[off + 9];
		strcat(k->conn, " v4 ");
		hex(k->conn, sizeof(k->conn), p + off + 12, 8);
		/* Ports only where a TCP header really is (not in a later fragment). */
		if (ihl >= 20 && !(rd16(p + off + 6) & 0x1fff)) {
			l4 = off + ihl;
			ports = 1;
		}
	} else if (type == 0x86dd && off + 40 <= len && p[off] >> 4 == 6) {
		uint32_t e = off + 40;

		v6 = 1;
		k->label = ((uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
			    (uint32_t)p[off + 2] << 8 | p[off + 3]) & 0xf00fffffu;
		proto = p[off + 6];
		ext0 = e;
		strcat(k->conn, " v6 ");
		hex(k->conn, sizeof(k->conn), p + off + 8, 32);
		while ((proto == 0 || proto == 43 || proto == 60 || proto == 44) && e + 8 <= len) {
			uint32_t hl = proto == 44 ? 8 : (p[e + 1] + 1u) * 8;

			if (proto == 44 && (rd16(p + e + 2) & 0xfff8))
				break;	/* a later fragment: no TCP header */
			proto = p[e];
			e += hl;
		}
		if (e > len)
			e = len;
		k->ext_len = e - ext0 < sizeof(k->ext) ? e - ext0 : sizeof(k->ext);
		memcpy(k->ext, p + ext0, k->ext_len);
		if (proto == 6 || proto == 17) {
			l4 = e;
			ports = 1;
		}
	} else {
		snprintf(k->flow, sizeof(k->flow), "%s", k->conn);
		return;
	}
	{
		size_t n = strlen(k->conn);

		snprintf(k->conn + n, sizeof(k->conn) - n, " p%u", proto);
	}
	if (ports && (proto == 6 || proto == 17) && l4 + 4 <= len) {
		size_t n = strlen(k->conn);

		snprintf(k->conn + n, sizeof(k->conn) - n, " %u>%u", rd16(p + l4), rd16(p + l4 + 2));
	}
	snprintf(k->flow, sizeof(k->flow), "%s m", k->conn);
	hex(k->flow, sizeof(k->flow), k->mac, 12);
	if (v6) {
		size_t n = strlen(k->flow);

		snprintf(k->flow + n, sizeof(k->flow) - n, " l%08x e", k->label);
		hex(k->flow, sizeof(k->flow), k->ext, k->ext_len);
	}
}

/* Where two frames first differ, in words. */
static void describe_diff(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen,
			  char *out, size_t cap)
{
	uint32_t i, n = alen < blen ? alen : blen, l3 = 14, l4;
	unsigned type;

	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	if (i == n) {
		snprintf(out, cap, "lengths %u and %u, same first %u bytes", alen, blen, n);
		return;
	}
	type = rd16(a + 12);
	while ((type == 0x8100 || type == 0x88a8) && l3 + 4 <= n) {
		type = rd16(a + l3 + 2);
		l3 += 4;
	}
	l4 = type == 0x0800 ? l3 + (a[l3] & 15) * 4u : l3 + 40;
	if (i < l3)
		snprintf(out, cap, "byte %u (Ethernet/VLAN header)", i);
	else if (type == 0x0800 && i < l4)
		snprintf(out, cap, "byte %u (IPv4 header offset %u: %s)", i, i - l3,
			 i - l3 < 4 ? "length" : i - l3 < 6 ? "ID" : i - l3 < 8 ? "flags/fragment" :
			 i - l3 >= 10 && i - l3 < 12 ? "checksum" : "other");
	else if (type == 0x86dd && i < l4)
		snprintf(out, cap, "byte %u (IPv6 header offset %u)", i, i - l3);
	else if (i < l4 + 20)
		snprintf(out, cap, "byte %u (TCP header offset %u: %s)", i, i - l4,
			 i - l4 < 4 ? "ports" : i - l4 < 8 ? "seq" : i - l4 < 12 ? "ack" :
			 i - l4 < 14 ? "offset/flags" : i - l4 < 16 ? "window" : i - l4 < 18 ? "checksum" :
			 "urgent");
	else
		snprintf(out, cap, "byte %u (TCP options or payload)", i);
}

/* ------------------------------------------------------------ the engine */

static void add_out(struct run *r, const uint8_t *p, uint32_t len, int src, int early, uint8_t reason)
{
	struct out *o;

	if (r->no == r->capo) {
		r->capo = r->capo ? 2 * r->capo : 128;
		r->o = xrealloc(r->o, r->capo * sizeof(*r->o));
	}
	o = &r->o[r->no++];
	o->data = xmalloc(len);
	memcpy(o->data, p, len);
	o->len = len;
	o->src = src;
	o->early = early;
	o->reason = reason;
}

static int cookie_idx(const struct run *r, void *c)
{
	uintptr_t i = (uintptr_t)c;

	return i >= 1 && i <= r->in->n ? (int)(i - 1) : -1;
}

/* The file path: what `gro coalesce` writes and `gro segment` reads. */
static int via_file(struct run *r, const struct gro_pkt *p, uint32_t cap)
{
	uint8_t vnet[GRO_VNET_HDR_V1_LEN];
	struct gro_pkt q = *p, d;
	struct gro_seg one;
	long len;
	int n;

	/* A list has no seed to keep: its checksums are the first
	 * segment's, every one verified (DATA_VALID). */
	int partial = r->partial && p->csum_partial;

	len = gro_pkt_linearize(p, r->lin, p->len, partial ? 0 : GRO_LIN_CSUM);
	if (len != (long)p->len)
		return -100;
	q.csum_partial = (uint8_t)partial;
	if (gro_vnet_encode(&q, vnet, sizeof(vnet)) != (int)sizeof(vnet))
		return -101;
	if (!partial)
		vnet[0] = GRO_VNET_F_DATA_VALID;
	n = gro_vnet_decode(vnet, sizeof(vnet), r->lin, (size_t)len, &d, &one);
	if (n)
		return -102;
	if (d.gso_size != p->gso_size || d.gso_segs != p->gso_segs || d.hdr_len != p->hdr_len ||
	    d.l3_off != p->l3_off || d.l4_off != p->l4_off ||
	    (d.gso_type | GRO_GSO_TCP_FIXEDID | GRO_GSO_TCP_FIXEDID_INNER | GRO_GSO_TCP_ACCECN |
	     GRO_GSO_FRAGLIST) !=
		    (p->gso_type | GRO_GSO_TCP_FIXEDID | GRO_GSO_TCP_FIXEDID_INNER | GRO_GSO_TCP_ACCECN |
		     GRO_GSO_FRAGLIST))
		return -103;
	/* virtio_net_hdr has no FIXEDID (inner or outer, nor a list): the
	 * file keeps libgro's gso_type. */
	d.gso_type = p->gso_type;
	return gro_segment(&d, r->seg + cap, cap, r->segs + p->gso_segs, p->gso_segs);
}

static struct run *cur;		/* the run the engines deliver to */

static void on_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct run *r = cur;
	unsigned i;

	(void)arg;
	for (i = 0; i < n; i++) {
		const struct gro_pkt *p = &pkts[i];
		int early = p->reason < GRO_R_PUSH, head = cookie_idx(r, p->segs[0].cookie), k, m;
		uint32_t cap, j;

		if (head < 0) {
			err(r, "delivered packet with an unknown cookie");
			continue;
		}
		if (p->len > g.maxpkt)
			g.maxpkt = p->len;
		if (p->len - 14 > 65535)
			g.over64k++;
		if (p->gso_segs < 2) {
			long len;

			if (p->nsegs != 1 || p->len != r->fr[head].len)
				err(r, "unmerged packet of frame %d is not the frame", head);
			r->lin = xrealloc(r->lin, p->len);
			len = gro_pkt_linearize(p, r->lin, p->len, 0);
			if (len != (long)p->len) {
				err(r, "linearize failed: %ld", len);
				continue;
			}
			add_out(r, r->lin, (uint32_t)len, head, early, p->reason);
			r->fr[head].early = early;
			r->fr[head].reason = p->reason;
			continue;
		}

		g.supers++;
		cap = (uint32_t)p->gso_segs * p->hdr_len + (p->len - p->hdr_len);
		r->lin = xrealloc(r->lin, p->len);
		r->seg = xrealloc(r->seg, 2 * (size_t)cap);
		if (r->seg_cap < 2u * p->gso_segs) {
			r->seg_cap = 2u * p->gso_segs;
			r->segs = xrealloc(r->segs, r->seg_cap * sizeof(*r->segs));
		}
		/* Straight from the engine's spans, with an exact buffer. */
		k = gro_segment(p, r->seg, cap, r->segs, p->gso_segs);
		if (k != p->gso_segs) {
			err(r, "gro_segment of a %u-segment super-packet returned %d", p->gso_segs, k);
			continue;
		}
		m = via_file(r, p, cap);
		if (m != k) {
			err(r, "the file path (encode, decode, segment) gave %d instead of %d", m, k);
		} else {
			for (j = 0; j < (uint32_t)k; j++)
				if (r->segs[j].len != r->segs[k + j].len ||
				    memcmp(r->segs[j].data, r->segs[k + j].data, r->segs[j].len))
					err(r, "segment %u differs between the direct and the file path", j);
		}
		for (j = 0; j < (uint32_t)k; j++) {
			int src = p->nsegs == p->gso_segs ? cookie_idx(r, p->segs[j].cookie) : -1;

			g.segments++;
			add_out(r, r->segs[j].data, r->segs[j].len, src, 0, p->reason);
			if (src >= 0) {
				r->fr[src].early = 0;
				r->fr[src].reason = p->reason;
			}
		}
	}
}

/* The kinds of capture: those of the scenario generator (TCP, engine as
 * `gro coalesce` configures it by default), and the generated ones below
 * (UDP GRO in either mode with TCP alongside, TCP fraglist, BIG TCP). */
enum kind { K_SCEN, K_UDP_L4, K_UDP_LIST, K_TCP_LIST, K_BIGTCP, K_VXLAN, K_GENEVE, K_COUNT };

static const char *const kind_name[K_COUNT] = {
	"scenarios (TCP)", "UDP GRO_UDP_L4", "UDP GRO_UDP_FRAGLIST", "TCP fraglist", "BIG TCP IPv4",
	"TCP in VXLAN", "TCP in GENEVE",
};

#define BIG_MAX_SIZE	200000

/* The engine for a kind, as `gro coalesce` configures it (with --udp,
 * --fraglist, --max-size). Every poll ends with everything completed, so
 * one engine serves every capture of its kind. */
static struct gro_ctx *engine(int vlan, enum kind k)
{
	struct gro_config cfg;
	struct gro_ctx *gro;

	gro_config_init(&cfg);
	cfg.vlan = (uint32_t)vlan;
	cfg.csum = GRO_CSUM_VERIFY;
	cfg.deliver = on_deliver;
	switch (k) {
	case K_UDP_L4:
		cfg.udp = GRO_UDP_L4;
		break;
	case K_UDP_LIST:
		cfg.udp = GRO_UDP_FRAGLIST;
		break;
	case K_TCP_LIST:
		cfg.fraglist = 1;
		cfg.udp = GRO_UDP_FRAGLIST;
		break;
	case K_BIGTCP:
		cfg.max_size = BIG_MAX_SIZE;
		cfg.udp = GRO_UDP_L4;
		break;
	case K_VXLAN:
		cfg.tunnels[0] = (struct gro_udp_tunnel){ GRO_VXLAN_PORT, GRO_TUNNEL_VXLAN };
		break;
	case K_GENEVE:
		cfg.tunnels[0] = (struct gro_udp_tunnel){ GRO_GENEVE_PORT, GRO_TUNNEL_GENEVE };
		break;
	default:
		break;
	}
	if (gro_create(&cfg, &gro)) {
		fprintf(stderr, "roundtrip: gro_create: %s\n", gro_config_error());
		exit(2);
	}
	return gro;
}

/* The engine over the capture, polled as `gro coalesce` polls it. */
static void run_engine(struct run *r, struct gro_ctx *gro)
{
	const struct pb_list *l = r->in;
	struct gro_frame fb[BURST];
	uint64_t first = 0;
	unsigned n = 0;
	size_t i;

	cur = r;
	for (i = 0; i <= l->n; i++) {
		uint64_t us = i < l->n ? l->ts_us[i] : 0;

		if (n && (i == l->n || n == BURST || us - first > FLUSH_US)) {
			gro_receive(gro, fb, n, first * 1000);
			gro_flush(gro, first * 1000, GRO_FLUSH_ALL);
			n = 0;
		}
		if (i == l->n)
			break;
		if (!n)
			first = us;
		fb[n++] = (struct gro_frame){ .data = r->fr[i].data, .len = r->fr[i].len,
					      .cookie = (void *)(uintptr_t)(i + 1) };
	}
	if (gro_held(gro))
		err(r, "%u flows still held after the last poll", gro_held(gro));
	cur = NULL;
}

/* ------------------------------------------------------------ checking */

/* The frames of one connection, in input order (their indices), and the
 * input index of each output frame, in output order. */
struct group {
	char conn[160];
	int *in, nin;
	int *out, nout;
};

/* Heaviest increasing subsequence of @seq (input indices); keep[i] = 1
 * for the elements in it. Frames delivered early weigh little, so that
 * they are the ones found to have moved when there is a choice. */
static void keep_order(const int *seq, int n, const struct frame *fr, char *keep)
{
	long *best, top = -1;
	int *prev, i, j, end = -1;

	if (n <= 0)
		return;
	best = xmalloc((size_t)n * sizeof(long));
	prev = xmalloc((size_t)n * sizeof(int));

	for (i = 0; i < n; i++) {
		long w = fr[seq[i]].early ? 1 : 1000;

		best[i] = w;
		prev[i] = -1;
		for (j = 0; j < i; j++)
			if (seq[j] < seq[i] && best[j] + w > best[i]) {
				best[i] = best[j] + w;
				prev[i] = j;
			}
		if (best[i] > top) {
			top = best[i];
			end = i;
		}
	}
	memset(keep, 0, (size_t)n);
	for (i = end; i >= 0; i = prev[i])
		keep[i] = 1;
	free(best);
	free(prev);
}

static int check(struct run *r, const char *name, const char *cfgname)
{
	const struct pb_list *l = r->in;
	struct key *kin = xmalloc(l->n * sizeof(*kin)), ko;
	struct group *gr = NULL;
	int ngr = 0, i, j, bad = 0, *attr = xmalloc(r->no * sizeof(int));
	char why[256];
	size_t k;

#define FAIL(...)                                                                          \
	do {                                                                               \
		if (!bad++ && g.details++ < MAX_DETAIL) {                                  \
			printf("FAIL %s (%s): ", name, cfgname);                           \
			printf(__VA_ARGS__);                                               \
			printf("\n");                                                      \
		}                                                                          \
	} while (0)

	if (r->errors)
		FAIL("%s (%u problem(s))", r->first_err, r->errors);
	for (k = 0; k < l->n; k++) {
		frame_key(l->data[k], l->len[k], &kin[k]);
		for (i = 0; i < ngr && strcmp(gr[i].conn, kin[k].conn); i++)
			;
		if (i == ngr) {
			gr = xrealloc(gr, (size_t)(ngr + 1) * sizeof(*gr));
			memset(&gr[ngr], 0, sizeof(*gr));
			snprintf(gr[ngr].conn, sizeof(gr[ngr].conn), "%s", kin[k].conn);
			gr[ngr].in = xmalloc(l->n * sizeof(int));
			gr[ngr].out = xmalloc((l->n + r->no) * sizeof(int));
			ngr++;
		}
		gr[i].in[gr[i].nin++] = (int)k;
		r->fr[k].seen = 0;
	}

	/* Every output frame is an input frame of its connection, byte for
	 * byte: the one it was attributed to, else the first unused equal
	 * one (retransmissions repeat frames exactly). */
	for (k = 0; k < r->no; k++) {
		const struct out *o = &r->o[k];
		int found = -1;

		frame_key(o->data, o->len, &ko);
		for (i = 0; i < ngr && strcmp(gr[i].conn, ko.conn); i++)
			;
		attr[k] = -1;
		if (i == ngr) {
			FAIL("output frame %zu belongs to no input connection (%s)", k, ko.conn);
			continue;
		}
		if (o->src >= 0 && !r->fr[o->src].seen && l->len[o->src] == o->len &&
		    !memcmp(l->data[o->src], o->data, o->len))
			found = o->src;
		for (j = 0; found < 0 && j < gr[i].nin; j++) {
			int c = gr[i].in[j];

			if (!r->fr[c].seen && l->len[c] == o->len && !memcmp(l->data[c], o->data, o->len))
				found = c;
		}
		if (found < 0) {
			int c = o->src >= 0 ? o->src : gr[i].in[0];

			describe_diff(l->data[c], l->len[c], o->data, o->len, why, sizeof(why));
			FAIL("output frame %zu matches no input frame; against input frame %d: %s", k, c, why);
			continue;
		}
		if (o->src >= 0 && found != o->src && g.details < MAX_DETAIL && g.verbose)
			printf("note %s: output %zu is frame %d, attributed to %d\n", name, k, found, o->src);
		r->fr[found].seen = 1;
		attr[k] = found;
		gr[i].out[gr[i].nout++] = found;
	}
	for (k = 0; k < l->n; k++)
		if (!r->fr[k].seen)
			FAIL("input frame %zu never came back", k);

	/* Order: within a GRO flow only early-delivered frames may move;
	 * between GRO flows of one connection, moves are counted. */
	for (i = 0; i < ngr && !bad; i++) {
		struct group *c = &gr[i];
		char *keep = xmalloc((size_t)c->nout + 1);
		int *sub = xmalloc(((size_t)c->nout + 1) * sizeof(int)), ns, a, b;
		char *done = xmalloc((size_t)c->nout + 1), *kp = xmalloc((size_t)c->nout + 1);

		keep_order(c->out, c->nout, r->fr, keep);
		for (a = 0; a < c->nout; a++) {
			int f = c->out[a], ref = -1;
			const char *what;

			if (keep[a])
				continue;
			if (r->fr[f].early) {
				g.moved_early[r->fr[f].reason]++;
				if (g.verbose)
					printf("moved %s: frame %d (%s) delivered early\n", name, f,
					       gro_reason_name(r->fr[f].reason));
				continue;
			}
			/* A held frame out of connection order: fine only if it
			 * is in order within its own GRO flow (checked below).
			 * Say what tells it apart from a frame it swapped
			 * places with. */
			for (b = 0; b < c->nout && ref < 0; b++)
				if (keep[b] && !r->fr[c->out[b]].early &&
				    (b < a ? c->out[b] > f : c->out[b] < f))
					ref = c->out[b];
			g.moved_across++;
			if (ref < 0) {
				g.across_other++;
				what = "?";
			} else if (memcmp(kin[f].mac, kin[ref].mac, 12)) {
				g.across_mac++;
				what = "MAC";
			} else if (kin[f].label != kin[ref].label) {
				g.across_label++;
				what = "flow label";
			} else if (kin[f].ext_len != kin[ref].ext_len ||
				   memcmp(kin[f].ext, kin[ref].ext, kin[f].ext_len)) {
				g.across_ext++;
				what = "extension headers";
			} else {
				g.across_other++;
				what = "?";
			}
			if (g.verbose)
				printf("moved %s (%s): frame %d (%s) between GRO flows of its connection, "
				       "differs from frame %d in: %s\n", name, cfgname, f,
				       gro_reason_name(r->fr[f].reason), ref, what);
		}
		/* Each GRO flow of the connection on its own, once. */
		memset(done, 0, (size_t)c->nout + 1);
		for (a = 0; a < c->nout && !bad; a++) {
			const char *fk = kin[c->out[a]].flow;
			int q;

			if (done[a])
				continue;
			ns = 0;
			for (b = a; b < c->nout; b++)
				if (!done[b] && !strcmp(kin[c->out[b]].flow, fk)) {
					done[b] = 1;
					sub[ns++] = c->out[b];
				}
			keep_order(sub, ns, r->fr, kp);
			for (q = 0; q < ns; q++)
				if (!kp[q] && !r->fr[sub[q]].early)
					FAIL("frame %d (held, %s) moved within its GRO flow", sub[q],
					     gro_reason_name(r->fr[sub[q]].reason));
		}
		free(keep);
		free(sub);
		free(done);
		free(kp);
	}
	for (i = 0; i < ngr; i++) {
		free(gr[i].in);
		free(gr[i].out);
	}
	free(gr);
	free(kin);
	free(attr);
	return bad ? -1 : 0;
#undef FAIL
}

static void reset(struct run *r)
{
	size_t k;

	for (k = 0; k < r->no; k++)
		free(r->o[k].data);
	r->no = 0;
	r->errors = 0;
	r->first_err[0] = 0;
	for (k = 0; k < r->in->n; k++) {
		memcpy(r->fr[k].data, r->in->data[k], r->in->len[k]);
		r->fr[k].early = 0;
		r->fr[k].reason = 0;
		r->fr[k].seen = 0;
	}
}

/* ------------------------------------------------------------ the CLI */

static int spawn(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, e;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int via_cli(struct run *r, const char *gro, const char *tmp, const char *in,
		   const char *name, int partial, enum kind kd)
{
	char mid[4096], back[4096], big[32];
	char *a1[10] = { (char *)gro, "coalesce", "-q", partial ? "--csum=partial" : "--csum=full" };
	int na = 4;
	char *a2[] = { (char *)gro, "segment", "-q", mid, back, NULL };
	struct pb_list l = { 0 };
	int rc = 0;
	size_t k;

	snprintf(big, sizeof(big), "--max-size=%u", BIG_MAX_SIZE);
	switch (kd) {
	case K_UDP_L4:
		a1[na++] = "--udp=l4";
		break;
	case K_UDP_LIST:
		a1[na++] = "--udp=fraglist";
		break;
	case K_TCP_LIST:
		a1[na++] = "--udp=fraglist";
		a1[na++] = "--fraglist";
		break;
	case K_BIGTCP:
		a1[na++] = "--udp=l4";
		a1[na++] = big;
		break;
	case K_VXLAN:
		a1[na++] = "--vxlan-port=4789";
		break;
	case K_GENEVE:
		a1[na++] = "--geneve-port=6081";
		break;
	default:
		break;
	}
	a1[na++] = (char *)in;
	a1[na++] = mid;
	a1[na] = NULL;
	snprintf(mid, sizeof(mid), "%s/%s.pcapng", tmp, name);
	snprintf(back, sizeof(back), "%s/%s.back.pcap", tmp, name);
	g.cli_runs++;
	if (spawn(a1) != 0 || spawn(a2) != 0 || pb_pcap_read(back, &l)) {
		printf("FAIL %s (cli): gro coalesce / gro segment failed\n", name);
		rc = -1;
		goto out;
	}
	if (l.n != r->no) {
		printf("FAIL %s (cli): %zu frames back, %zu expected\n", name, l.n, r->no);
		rc = -1;
		goto out;
	}
	for (k = 0; k < l.n; k++)
		if (l.len[k] != r->o[k].len || memcmp(l.data[k], r->o[k].data, l.len[k])) {
			char why[256];

			describe_diff(r->o[k].data, r->o[k].len, l.data[k], l.len[k], why, sizeof(why));
			printf("FAIL %s (cli): frame %zu differs from the library's: %s\n", name, k, why);
			rc = -1;
			break;
		}
out:
	pb_list_free(&l);
	unlink(mid);
	unlink(back);
	return rc;
}

/* ------------------------------------------------------------ generated captures */

/*
 * Captures made here for the kinds the scenario generator does not make:
 * several flows interleaved, each UDP or TCP, IPv4 or IPv6, tagged or not,
 * with fixed or incrementing IPv4 IDs. A UDP flow sends datagrams of one
 * size (1 to 16 bytes, the MTU's, or any size between, jumbo sometimes),
 * with shorter ones (they end a packet), longer ones (they end it and set
 * the size from then on), and a few that never merge: no checksum, a bad
 * one, an empty datagram, a UDP length that lies. A TCP flow sends
 * segments of its mss with short ones and PSH now and then, and a bad
 * checksum sometimes. BIG TCP captures send jumbo segments (mss 8948).
 * VXLAN (port 4789) and GENEVE (6081) captures send TCP flows in the
 * tunnel, each with its own outer source port, over IPv4 or IPv6, the
 * outer UDP checksum set or zero (and now and then wrong), an outer IPv4
 * ID incrementing or fixed; GENEVE carries Ethernet or IP, with or
 * without an option. A few flows are plain TCP or UDP.
 */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static int chance(struct rng *r, unsigned permille)
{
	return below(r, 1000) < permille;
}

#define GEN_FLOWS	6

struct gflow {
	int udp, v6, ntags, fixed_id, ts;
	uint16_t sport, id;
	uint32_t size, maxpay, seq, left;
	/* Tunnelled flows (K_VXLAN, K_GENEVE): the outer headers. */
	int tun, outer6, ucsum, fixed_oid, gnv_eth, gnv_opts;
	uint16_t osport, oid;
	uint32_t vni;
};

static struct {
	unsigned long cases[K_COUNT], frames[K_COUNT], udp4[K_COUNT], udp6[K_COUNT], tcp[K_COUNT];
	unsigned long tun4[K_COUNT], tun6[K_COUNT];
	unsigned long supers[K_COUNT], segs[K_COUNT], biggest[K_COUNT], over64k[K_COUNT];
} gk;

static void gen_frame(struct rng *r, struct gflow *f, struct pb_list *l, enum kind kd)
{
	static uint8_t buf[9300], ub[9100];
	struct pb_frame pf;
	struct pb_offsets o;
	uint32_t pay = f->size, i;
	size_t len;
	int how = (int)below(r, 1000);

	pb_init(&pf, f->v6);
	pf.nvlan = f->ntags;
	for (i = 0; i < (uint32_t)f->ntags; i++) {
		pf.vlan_tpid[i] = 0x8100;
		pf.vlan_tci[i] = (uint16_t)(100 + f->sport % 50);
	}
	pf.sport = f->sport;
	pf.ip_id = f->id;
	if (!f->fixed_id)
		f->id++;
	else if (chance(r, 10))
		f->id += 7;		/* the fixed ID changes: a new packet */
	if (f->udp) {
		if (f->size > 1 && chance(r, 40))
			pay = 1 + below(r, f->size - 1);		/* shorter: the last */
		else if (f->size < f->maxpay && chance(r, 25))
			pay = f->size = f->size + 1 + below(r, f->maxpay - f->size);	/* longer */
		if (how >= 990)
			pay = 0;					/* empty */
		ub[0] = (uint8_t)(f->sport >> 8);
		ub[1] = (uint8_t)f->sport;
		ub[2] = 5000 >> 8;
		ub[3] = 5000 & 0xff;
		ub[4] = (uint8_t)((8 + pay) >> 8);
		ub[5] = (uint8_t)(8 + pay);
		ub[6] = ub[7] = 0;
		for (i = 0; i < pay; i++)
			ub[8 + i] = (uint8_t)(pb_pattern(f->seq + i) ^ f->sport);
		f->seq += pay;
		pf.ip_proto = 17;
		pf.payload = ub;
		pf.payload_len = 8 + pay;
		pf.bad_tcp_csum = how >= 960 && how < 975;
	} else {
		if (f->size > 1 && chance(r, 40))
			pay = 1 + below(r, f->size - 1);
		pf.seq = f->seq;
		pf.payload_len = pay;
		if (chance(r, 30))
			pf.flags |= PB_PSH;
		if (f->ts)
			pb_tcp_opt_timestamp(&pf, 1000 + f->seq / 4096, 7);
		pf.bad_tcp_csum = how >= 985;
		f->seq += pay;
	}
	if (f->tun) {
		struct pb_tunnel *t = pb_tun_push(&pf, f->outer6, 0);

		t->udp_tun = kd == K_VXLAN ? PB_TUN_VXLAN : PB_TUN_GENEVE;
		t->udp_sport = f->osport;
		t->udp_csum = f->ucsum;
		t->vni = f->vni;
		t->ip_id = f->oid;
		if (!f->fixed_oid)
			f->oid++;
		t->gnv_eth = f->gnv_eth;
		if (f->gnv_opts) {
			/* One option: class 0x0102, type 0x80, 4 bytes of data. */
			static const uint8_t opt[8] = { 0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef };

			memcpy(t->gnv_opts, opt, sizeof(opt));
			t->gnv_opts_len = sizeof(opt);
		}
		if (how >= 970 && how < 985 && f->ucsum)
			t->bad_udp_csum = 1;
		if (f->outer6)
			gk.tun6[kd]++;
		else
			gk.tun4[kd]++;
	}
	len = pb_build(&pf, buf, sizeof(buf));
	if (!len || !pb_layout(&pf, &o)) {
		fprintf(stderr, "roundtrip: internal error: cannot build a generated frame\n");
		exit(2);
	}
	if (f->udp && how >= 945 && how < 960)
		buf[o.l4 + 6] = buf[o.l4 + 7] = 0;		/* no checksum */
	if (f->udp && how >= 975 && how < 990)
		buf[o.l4 + 5] ^= 2;				/* the UDP length lies */
	pb_list_add(l, buf, len);
	if (f->udp) {
		if (f->v6)
			gk.udp6[kd]++;
		else
			gk.udp4[kd]++;
	} else {
		gk.tcp[kd]++;
	}
	gk.frames[kd]++;
}

static void gen_capture(uint64_t seed, unsigned long idx, enum kind kd, struct pb_list *l)
{
	struct gflow fl[GEN_FLOWS];
	struct rng r = { seed ^ (0xd1b54a32d192ed03ull * (idx + 1)) };
	int nflows, i, mode, last = -1, remaining = 0;

	rnd(&r);
	nflows = 1 + (int)below(&r, kd == K_BIGTCP ? 3 : GEN_FLOWS);
	memset(fl, 0, sizeof(fl));
	for (i = 0; i < nflows; i++) {
		struct gflow *f = &fl[i];
		int jumbo, mtu;

		switch (kd) {
		case K_UDP_L4:
		case K_UDP_LIST:
			f->udp = !i || chance(&r, 650);
			break;
		case K_TCP_LIST:
			f->udp = i && chance(&r, 200);
			break;
		case K_VXLAN:
		case K_GENEVE:
			/* TCP in the tunnel, a few plain flows (UDP too) */
			f->tun = !i || chance(&r, 850);
			f->udp = !f->tun && chance(&r, 500);
			break;
		default:
			f->udp = i && chance(&r, 150);
			break;
		}
		f->v6 = chance(&r, 400) && !(kd == K_BIGTCP && !i);
		f->ntags = chance(&r, 120);
		f->fixed_id = !f->v6 && chance(&r, 300);
		f->ts = !f->udp && chance(&r, 500);
		f->sport = (uint16_t)(10000 + i);
		f->id = (uint16_t)rnd(&r);
		f->seq = 1000u + (uint32_t)i * 0x01000000u;
		jumbo = kd == K_BIGTCP || chance(&r, 120);
		mtu = jumbo ? 9000 : 1500;
		f->maxpay = (uint32_t)mtu - (f->v6 ? 40 : 20) - (f->udp ? 8 : 20 + (f->ts ? 12 : 0));
		if (f->tun) {
			/* Each flow its own source port, as a sender hashing the
			 * inner flow would pick. */
			f->outer6 = chance(&r, 400);
			f->ucsum = chance(&r, f->outer6 ? 800 : 400);
			f->fixed_oid = chance(&r, 300);
			f->oid = (uint16_t)rnd(&r);
			f->osport = (uint16_t)(40000 + i);
			f->vni = 1 + below(&r, 3);
			f->gnv_eth = kd == K_VXLAN || chance(&r, 500);
			f->gnv_opts = kd == K_GENEVE && chance(&r, 300);
			f->maxpay -= (f->outer6 ? 40 : 20) + 16 + (f->gnv_eth ? 14 : 0) + (f->gnv_opts ? 8 : 0);
		}
		if (f->udp) {
			unsigned c = below(&r, 1000);

			f->size = c < 150 ? 1 + below(&r, 16) : c < 450 ? f->maxpay : 1 + below(&r, f->maxpay);
			f->left = 1 + below(&r, 90);
		} else {
			f->size = chance(&r, 800) ? f->maxpay : 1 + below(&r, f->maxpay);
			f->left = kd == K_BIGTCP ? 10 + below(&r, 60) : 1 + below(&r, 80);
		}
		remaining += (int)f->left;
	}
	/* Interleave: flow after flow, runs of a few, shuffled, or round
	 * robin; each flow's own order is kept. A pause now and then ends a
	 * poll. */
	mode = (int)below(&r, 4);
	while (remaining > 0) {
		int fi, run;

		if (mode == 3) {
			fi = (last + 1) % nflows;
			while (!fl[fi].left)
				fi = (fi + 1) % nflows;
		} else if (mode == 0 && last >= 0 && fl[last].left) {
			fi = last;
		} else {
			fi = (int)below(&r, (uint32_t)nflows);
			while (!fl[fi].left)
				fi = (fi + 1) % nflows;
		}
		run = mode == 1 ? 1 + (int)below(&r, 8) : 1;
		while (run-- > 0 && fl[fi].left) {
			if (chance(&r, 8))
				pb_list_gap(l, 1500);
			gen_frame(&r, &fl[fi], l, kd);
			fl[fi].left--;
			remaining--;
		}
		last = fi;
	}
	gk.cases[kd]++;
}

/* ------------------------------------------------------------ main */

/* One capture, with VLAN merging on and off (and through the command line
 * when @path is given): 0 if it passed. */
static int run_capture(const struct pb_list *l, const char *base, const char *path, enum kind kd,
		       int partial, struct gro_ctx *eng[2], const char *gro, const char *tmp)
{
	struct run r;
	int ok = 1, vlan;
	size_t k;
	unsigned long s0 = g.supers, g0 = g.segments;

	memset(&r, 0, sizeof(r));
	r.in = l;
	r.partial = partial;
	r.fr = xmalloc(l->n * sizeof(*r.fr));
	for (k = 0; k < l->n; k++) {
		/* Exact-size copies: the sanitizers see any overread. */
		r.fr[k].data = xmalloc(l->len[k]);
		r.fr[k].len = l->len[k];
	}
	g.frames += l->n;
	for (vlan = 1; vlan >= 0; vlan--) {
		reset(&r);
		run_engine(&r, eng[vlan]);
		if (check(&r, base, vlan ? "vlan on" : "vlan off"))
			ok = 0;
		if (vlan && path && via_cli(&r, gro, tmp, path, base, r.partial, kd))
			ok = 0;
	}
	if (g.maxpkt > gk.biggest[kd])
		gk.biggest[kd] = g.maxpkt;
	g.maxpkt = 0;
	gk.over64k[kd] += g.over64k;
	g.over64k = 0;
	gk.supers[kd] += g.supers - s0;
	gk.segs[kd] += g.segments - g0;
	for (k = 0; k < r.no; k++)
		free(r.o[k].data);
	for (k = 0; k < l->n; k++)
		free(r.fr[k].data);
	free(r.o);
	free(r.fr);
	free(r.lin);
	free(r.seg);
	free(r.segs);
	return ok ? 0 : -1;
}

static int by_name(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);

	/* r1_9 before r1_10: shorter names first, then alphabetical. */
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

static void usage(void)
{
	fprintf(stderr, "usage: roundtrip [--gro GRO] [--cli N] [--tmp DIR] [--gen SEED COUNT] [--gen-cli N] "
			"[--save DIR] [-v] [DIR]\n");
	exit(2);
}

/* The kind of generated capture @i: of every 8, two of each UDP mode,
 * one TCP fraglist, one BIG TCP, one VXLAN, one GENEVE. */
static enum kind gen_kind(unsigned long i)
{
	static const enum kind cycle[8] = { K_UDP_L4, K_UDP_LIST, K_TCP_LIST, K_UDP_L4, K_UDP_LIST, K_BIGTCP,
					    K_VXLAN, K_GENEVE };

	return cycle[i % 8];
}

int main(int argc, char **argv)
{
	const char *gro = NULL, *tmp = "/tmp", *dir = NULL, *save = NULL;
	unsigned long cli = 0, gen_cli = 0, gen_count = 0, passed = 0, failed = 0;
	uint64_t gen_seed = 1;
	char **names = NULL;
	size_t nn = 0, i;
	struct dirent *de;
	struct gro_ctx *eng[K_COUNT][2];
	int a, k;
	double t0 = (double)clock();

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--gro") && a + 1 < argc)
			gro = argv[++a];
		else if (!strcmp(argv[a], "--cli") && a + 1 < argc)
			cli = strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--gen-cli") && a + 1 < argc)
			gen_cli = strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--gen") && a + 2 < argc) {
			gen_seed = strtoull(argv[++a], NULL, 10);
			gen_count = strtoul(argv[++a], NULL, 10);
		} else if (!strcmp(argv[a], "--save") && a + 1 < argc)
			save = argv[++a];
		else if (!strcmp(argv[a], "--tmp") && a + 1 < argc)
			tmp = argv[++a];
		else if (!strcmp(argv[a], "-v"))
			g.verbose = 1;
		else if (argv[a][0] == '-' || dir)
			usage();
		else
			dir = argv[a];
	}
	if ((!dir && !gen_count) || ((cli || gen_cli) && !gro))
		usage();
	if (dir) {
		DIR *d = opendir(dir);

		if (!d) {
			fprintf(stderr, "roundtrip: %s: %s\n", dir, strerror(errno));
			return 2;
		}
		while ((de = readdir(d))) {
			size_t n = strlen(de->d_name);

			if (n > 5 && !strcmp(de->d_name + n - 5, ".pcap")) {
				names = xrealloc(names, (nn + 1) * sizeof(*names));
				names[nn++] = strdup(de->d_name);
			}
		}
		closedir(d);
		qsort(names, nn, sizeof(*names), by_name);
	}
	for (k = 0; k < K_COUNT; k++) {
		eng[k][0] = engine(0, (enum kind)k);
		eng[k][1] = engine(1, (enum kind)k);
	}

	for (i = 0; i < nn; i++) {
		char path[4096], base[256];
		struct pb_list l = { 0 };

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(base, sizeof(base), "%.*s", (int)strlen(names[i]) - 5, names[i]);
		if (pb_pcap_read(path, &l)) {
			printf("FAIL %s: cannot read\n", names[i]);
			failed++;
			continue;
		}
		gk.cases[K_SCEN]++;
		gk.frames[K_SCEN] += l.n;
		if (run_capture(&l, base, i < cli ? path : NULL, K_SCEN, (int)(i & 1), eng[K_SCEN], gro, tmp))
			failed++;
		else
			passed++;
		pb_list_free(&l);
		free(names[i]);
	}
	free(names);

	for (i = 0; i < gen_count; i++) {
		enum kind kd = gen_kind(i);
		char path[4096], base[256];
		struct pb_list l = { 0 };
		int use_cli = i < gen_cli;

		snprintf(base, sizeof(base), "g%llu_%zu", (unsigned long long)gen_seed, i);
		gen_capture(gen_seed, i, kd, &l);
		if (save) {
			snprintf(path, sizeof(path), "%s/%s.pcap", save, base);
			if (pb_pcap_write(path, &l))
				exit(2);
		}
		snprintf(path, sizeof(path), "%s/%s.pcap", tmp, base);
		if (use_cli && pb_pcap_write(path, &l)) {
			printf("FAIL %s: cannot write %s\n", base, path);
			failed++;
			pb_list_free(&l);
			continue;
		}
		if (run_capture(&l, base, use_cli ? path : NULL, kd, (int)(i & 1), eng[kd], gro, tmp))
			failed++;
		else
			passed++;
		if (use_cli)
			unlink(path);
		pb_list_free(&l);
	}
	for (k = 0; k < K_COUNT; k++) {
		gro_destroy(eng[k][0]);
		gro_destroy(eng[k][1]);
	}

	printf("frames: %lu in %lu captures, each with VLAN merging on and off; %lu super-packets cut into %lu segments\n",
	       g.frames, passed + failed, g.supers, g.segments);
	for (k = 0; k < K_COUNT; k++) {
		if (!gk.cases[k])
			continue;
		printf("  %-22s %5lu captures, %7lu frames", kind_name[k], gk.cases[k], gk.frames[k]);
		if (k == K_VXLAN || k == K_GENEVE)
			printf(" (tunnelled over IPv4 %lu, over IPv6 %lu, plain UDP %lu, plain TCP %lu)",
			       gk.tun4[k], gk.tun6[k], gk.udp4[k] + gk.udp6[k],
			       gk.tcp[k] - gk.tun4[k] - gk.tun6[k]);
		else if (k != K_SCEN)
			printf(" (UDP/IPv4 %lu, UDP/IPv6 %lu, TCP %lu)", gk.udp4[k], gk.udp6[k], gk.tcp[k]);
		printf(", %lu super-packets of %lu segments, longest packet %lu bytes", gk.supers[k], gk.segs[k],
		       gk.biggest[k]);
		if (gk.over64k[k])
			printf(" (%lu over 64 KiB)", gk.over64k[k]);
		printf("\n");
	}
	if (cli || gen_cli)
		printf("command line (coalesce to pcapng, segment): %lu captures\n", g.cli_runs);
	{
		unsigned long tot = 0;

		for (k = 0; k < GRO_R_COUNT; k++)
			tot += g.moved_early[k];
		printf("moved, delivered early (allowed): %lu", tot);
		for (k = 0; k < GRO_R_COUNT; k++)
			if (g.moved_early[k])
				printf(" %s=%lu", gro_reason_name(k), g.moved_early[k]);
		printf("\n");
	}
	printf("moved between GRO flows of one connection: %lu (MAC %lu, IPv6 flow label %lu, "
	       "IPv6 extension headers %lu, other %lu)\n",
	       g.moved_across, g.across_mac, g.across_label, g.across_ext, g.across_other);
	printf("cpu time: %.1f s\n", ((double)clock() - t0) / CLOCKS_PER_SEC);
	printf("roundtrip: %lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
