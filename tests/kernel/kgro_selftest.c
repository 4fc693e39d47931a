/* kgro --selftest: synthetic TCP inputs whose GRO result is known.
 *
 * Each scenario is a schedule of equal-sized segments over a few flows.
 * A small model of the kernel's behaviour predicts the output as a list
 * of (flow, segment count); the kernel's output is parsed back into the
 * same form and compared. The model encodes what the harness relies on:
 * one GRO bucket of at most 8 flows with the oldest evicted first, held
 * flows flushed oldest first, PSH ending a packet, a 64 KiB size limit,
 * and every full 64-frame NAPI poll flushing all flows (HZ below 1000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#include "kgro.h"

#define SEG		1000
#define MAX_FLOWS	16
#define MAX_STEPS	512
#define MAX_SCENARIOS	10
#define GRO_FLOWS	8
#define GRO_MAX_SIZE	65536
#define POLL_FRAMES	64

#define TH_PSH	0x08
#define TH_ACK	0x10

struct flow {
	bool v6;
	int vid;		/* 802.1Q VLAN id, or -1 for untagged */
	uint16_t sport;
	uint32_t seq;
	uint16_t ip_id;
};

struct step {
	int flow;
	bool psh;
};

struct result {
	int flow;
	int segs;
};

struct scenario {
	const char *name;
	const char *what;
	struct flow flows[MAX_FLOWS];
	int nflows;
	struct step steps[MAX_STEPS];
	int nsteps;
	const char *unmerged_ok;	/* also accept no merging at all, and
					 * say so with this note */
};

/* ---- frame construction ----------------------------------------------- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint8_t pattern(uint32_t seq)
{
	return (uint8_t)(seq * 7 + (seq >> 8));
}

static size_t put_eth(uint8_t *b, const struct flow *f)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	size_t off = 12;

	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	if (f->vid >= 0) {
		put16(b + 12, 0x8100);
		put16(b + 14, (uint16_t)f->vid);
		off += 4;
	}
	put16(b + off, f->v6 ? 0x86dd : 0x0800);
	return off + 2;
}

/* IP header; returns its length. The pseudo-header sum goes to *pseudo. */
static size_t put_ip(uint8_t *b, const struct flow *f, uint32_t l4len,
		     uint32_t *pseudo)
{
	if (f->v6) {
		memset(b, 0, 40);
		b[0] = 0x60;
		put16(b + 4, (uint16_t)l4len);
		b[6] = 6;
		b[7] = 64;
		b[8] = 0xfd;
		b[23] = 1;
		b[24] = 0xfd;
		b[39] = 2;
		*pseudo = csum_add(0, b + 8, 32) + 6 + l4len;
		return 40;
	}
	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)(20 + l4len));
	put16(b + 4, f->ip_id);
	put16(b + 6, 0x4000);		/* DF */
	b[8] = 64;
	b[9] = 6;
	put32(b + 12, 0x0a000001);
	put32(b + 16, 0x0a000002);
	put16(b + 10, csum_fold(csum_add(0, b, 20)));
	*pseudo = csum_add(0, b + 12, 8) + 6 + l4len;
	return 20;
}

/* One full-sized segment of flow f; advances its sequence and IP ID. */
static size_t build_segment(uint8_t *b, struct flow *f, uint32_t paylen,
			    uint8_t flags)
{
	size_t l3 = put_eth(b, f), l4;
	uint32_t pseudo, i;
	uint8_t *th;

	l4 = l3 + put_ip(b + l3, f, 20 + paylen, &pseudo);
	th = b + l4;
	memset(th, 0, 20);
	put16(th, f->sport);
	put16(th + 2, 5000);
	put32(th + 4, f->seq);
	put32(th + 8, 1);
	th[12] = 5 << 4;
	th[13] = TH_ACK | flags;
	put16(th + 14, 1024);
	for (i = 0; i < paylen; i++)
		th[20 + i] = pattern(f->seq + i);
	put16(th + 16, csum_fold(csum_add(pseudo, th, 20 + paylen)));
	f->seq += paylen;
	f->ip_id++;
	return l4 + 20 + paylen;
}

static void build_input(struct scenario *sc, struct kgro_pkts *in)
{
	static uint8_t buf[2 * SEG];
	int i;

	for (i = 0; i < sc->nsteps; i++) {
		struct flow *f = &sc->flows[sc->steps[i].flow];
		size_t len = build_segment(buf, f, SEG,
					   sc->steps[i].psh ? TH_PSH : 0);

		kgro_pkts_add(in, buf, (uint32_t)len, NULL, false);
	}
}

/* ---- scenarios -------------------------------------------------------- */

static void add_flows(struct scenario *sc, int n, bool v6, int vid)
{
	int i;

	for (i = 0; i < n; i++) {
		struct flow *f = &sc->flows[sc->nflows++];

		f->v6 = v6;
		f->vid = vid;
		f->sport = (uint16_t)(4000 + sc->nflows - 1);
		f->seq = 100000u * (uint32_t)sc->nflows;
		f->ip_id = (uint16_t)(1000 * sc->nflows);
	}
}

/* rounds x (every flow once, in order) */
static void round_robin(struct scenario *sc, int rounds)
{
	int r, i;

	for (r = 0; r < rounds; r++)
		for (i = 0; i < sc->nflows; i++)
			sc->steps[sc->nsteps++] = (struct step){ i, false };
}

static void single_flow(struct scenario *sc, int segs, bool psh_last)
{
	int i;

	for (i = 0; i < segs; i++)
		sc->steps[sc->nsteps++] = (struct step){ 0, false };
	if (psh_last)
		sc->steps[sc->nsteps - 1].psh = true;
}

static int make_scenarios(struct scenario *sc)
{
	int n = 0, i;

	memset(sc, 0, MAX_SCENARIOS * sizeof(*sc));
	sc[n] = (struct scenario){ .name = "selftest",
		.what = "one IPv4 flow, 10 segments then one with PSH" };
	add_flows(&sc[n], 1, false, -1);
	single_flow(&sc[n++], 11, true);

	sc[n] = (struct scenario){ .name = "selftest-3flows",
		.what = "3 IPv4 flows interleaved, 5 segments each" };
	add_flows(&sc[n], 3, false, -1);
	round_robin(&sc[n++], 5);

	sc[n] = (struct scenario){ .name = "selftest-8flows",
		.what = "8 flows interleaved, 3 segments each" };
	add_flows(&sc[n], 8, false, -1);
	round_robin(&sc[n++], 3);

	sc[n] = (struct scenario){ .name = "selftest-9flows",
		.what = "9 flows interleaved, 3 segments each" };
	add_flows(&sc[n], 9, false, -1);
	round_robin(&sc[n++], 3);

	/* Eviction goes by age of the held packet, not by last use. */
	sc[n] = (struct scenario){ .name = "selftest-evict",
		.what = "flows A-H, A again, then a 9th flow I" };
	add_flows(&sc[n], 9, false, -1);
	for (i = 0; i < 8; i++)
		sc[n].steps[sc[n].nsteps++] = (struct step){ i, false };
	sc[n].steps[sc[n].nsteps++] = (struct step){ 0, false };
	sc[n].steps[sc[n].nsteps++] = (struct step){ 8, false };
	n++;

	sc[n] = (struct scenario){ .name = "selftest-ipv6",
		.what = "one IPv6 flow, 10 segments then one with PSH" };
	add_flows(&sc[n], 1, true, -1);
	single_flow(&sc[n++], 11, true);

	/* VLAN GRO is part of the 8021q code, which a kernel may lack. */
	sc[n] = (struct scenario){ .name = "selftest-vlan",
		.what = "one 802.1Q (VID 100) IPv4 flow, 10 + PSH",
		.unmerged_ok = "this kernel does not merge 802.1Q frames" };
	add_flows(&sc[n], 1, false, 100);
	single_flow(&sc[n++], 11, true);

	sc[n] = (struct scenario){ .name = "selftest-100seg",
		.what = "one IPv4 flow, 100 segments (more than one poll)" };
	add_flows(&sc[n], 1, false, -1);
	single_flow(&sc[n++], 100, false);

	/* longer than the veth ring: replayed in chunks */
	sc[n] = (struct scenario){ .name = "selftest-300",
		.what = "3 flows interleaved, 100 segments each" };
	add_flows(&sc[n], 3, false, -1);
	round_robin(&sc[n++], 100);
	return n;
}

/* ---- model of the expected result ------------------------------------- */

struct model {
	struct result held[GRO_FLOWS];	/* oldest first */
	int nheld;
	struct result *out;
	int nout;
};

static void emit(struct model *m, int idx)
{
	m->out[m->nout++] = m->held[idx];
	memmove(&m->held[idx], &m->held[idx + 1],
		(size_t)(m->nheld - idx - 1) * sizeof(m->held[0]));
	m->nheld--;
}

static void flush_all(struct model *m)
{
	while (m->nheld)
		emit(m, 0);
}

static void hold(struct model *m, int flow)
{
	if (m->nheld == GRO_FLOWS)
		emit(m, 0);
	m->held[m->nheld++] = (struct result){ flow, 1 };
}

/* Without a GRO handler every frame goes up on its own, in order. */
static int predict_unmerged(const struct scenario *sc, struct result *out)
{
	int i;

	for (i = 0; i < sc->nsteps; i++)
		out[i] = (struct result){ sc->steps[i].flow, 1 };
	return sc->nsteps;
}

static int predict(const struct scenario *sc, struct result *out)
{
	struct model m = { .out = out };
	int i, j;

	for (i = 0; i < sc->nsteps; i++) {
		const struct step *s = &sc->steps[i];
		const struct flow *f = &sc->flows[s->flow];
		int ip_hdr = f->v6 ? 40 : 20;

		if (i && i % POLL_FRAMES == 0)
			flush_all(&m);
		for (j = 0; j < m.nheld && m.held[j].flow != s->flow; j++)
			;
		if (j < m.nheld &&
		    ip_hdr + 20 + (m.held[j].segs + 1) * SEG >= GRO_MAX_SIZE) {
			emit(&m, j);
			j = m.nheld;
		}
		if (j < m.nheld) {
			m.held[j].segs++;
			if (s->psh)
				emit(&m, j);
		} else if (s->psh) {
			out[m.nout++] = (struct result){ s->flow, 1 };
		} else {
			hold(&m, s->flow);
		}
	}
	flush_all(&m);
	return m.nout;
}

/* ---- reading the kernel's output back --------------------------------- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* Which flow a delivered frame belongs to and how many segments it holds;
 * also checks that the payload is the flow's byte stream at that point. */
static int parse_result(const struct scenario *sc, const struct kgro_pkt *p,
			uint32_t *next_seq, struct result *r, char *why,
			size_t whylen)
{
	const uint8_t *b = p->data;
	size_t off = 12, l4, paylen, i;
	int vid = -1, v6;
	uint32_t seq;
	uint16_t sport;

	if (p->len < 14)
		goto bad;
	if (get16(b + 12) == 0x8100) {
		vid = get16(b + 14) & 0x0fff;
		off += 4;
	}
	if (get16(b + off) != 0x0800 && get16(b + off) != 0x86dd)
		goto bad;
	v6 = get16(b + off) == 0x86dd;
	off += 2;
	l4 = off + (v6 ? 40 : (size_t)(b[off] & 0x0f) * 4);
	if (p->len < l4 + 20)
		goto bad;
	sport = get16(b + l4);
	seq = get32(b + l4 + 4);
	paylen = p->len - l4 - (size_t)(b[l4 + 12] >> 4) * 4;
	for (r->flow = 0; r->flow < sc->nflows; r->flow++) {
		const struct flow *f = &sc->flows[r->flow];

		if (f->sport == sport && f->v6 == v6 && f->vid == vid)
			break;
	}
	if (r->flow == sc->nflows || paylen % SEG)
		goto bad;
	r->segs = (int)(paylen / SEG);
	if (seq != next_seq[r->flow]) {
		snprintf(why, whylen, "flow %c: seq %u, expected %u",
			 'A' + r->flow, seq, next_seq[r->flow]);
		return -1;
	}
	for (i = 0; i < paylen; i++) {
		if (p->data[p->len - paylen + i] != pattern(seq + (uint32_t)i)) {
			snprintf(why, whylen, "flow %c: payload corrupt",
				 'A' + r->flow);
			return -1;
		}
	}
	next_seq[r->flow] += (uint32_t)paylen;
	return 0;
bad:
	snprintf(why, whylen, "unexpected frame of %u bytes", p->len);
	return -1;
}

/* A merged frame must describe its segment size; a single one must not. */
static int check_vnet(const struct scenario *sc, const struct kgro_pkt *p,
		      const struct result *r, char *why, size_t whylen)
{
	int want_type = sc->flows[r->flow].v6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
						VIRTIO_NET_HDR_GSO_TCPV4;

	if (!p->vh_ok) {
		snprintf(why, whylen, "no virtio_net_hdr");
		return -1;
	}
	if (r->segs > 1 && (p->vh.gso_type != want_type ||
			    p->vh.gso_size != SEG)) {
		snprintf(why, whylen, "merged frame has gso_type %u gso_size %u",
			 p->vh.gso_type, p->vh.gso_size);
		return -1;
	}
	if (r->segs == 1 && p->vh.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		snprintf(why, whylen, "single segment has gso_type %u",
			 p->vh.gso_type);
		return -1;
	}
	return 0;
}

static void describe(const struct result *r, int n, char *s, size_t len)
{
	size_t used = 0;
	int i;

	s[0] = '\0';
	for (i = 0; i < n && used + 8 < len; i++)
		used += (size_t)snprintf(s + used, len - used, "%s%c%d",
					 i ? " " : "", 'A' + r[i].flow,
					 r[i].segs);
}

static bool same(const struct result *a, int na, const struct result *b,
		 int nb)
{
	return na == nb && !memcmp(a, b, (size_t)na * sizeof(a[0]));
}

static bool check(const struct scenario *sc, const struct kgro_pkts *out)
{
	static struct result want[MAX_STEPS], alt[MAX_STEPS], got[MAX_STEPS];
	uint32_t next_seq[MAX_FLOWS];
	char why[128] = "", ws[1024], gs[1024];
	int nwant, ngot, i;
	bool ok = true;

	for (i = 0; i < sc->nflows; i++)
		next_seq[i] = 100000u * (uint32_t)(i + 1);
	nwant = predict(sc, want);
	for (ngot = 0; ngot < (int)out->n && ngot < MAX_STEPS; ngot++) {
		const struct kgro_pkt *p = &out->v[ngot];

		if (parse_result(sc, p, next_seq, &got[ngot], why,
				 sizeof(why)) < 0 ||
		    check_vnet(sc, p, &got[ngot], why, sizeof(why)) < 0) {
			ok = false;
			break;
		}
	}
	describe(want, nwant, ws, sizeof(ws));
	describe(got, ngot, gs, sizeof(gs));
	if (ok && (size_t)ngot != out->n)
		ok = false;
	if (ok && !same(want, nwant, got, ngot)) {
		ok = false;
		if (sc->unmerged_ok &&
		    same(alt, predict_unmerged(sc, alt), got, ngot)) {
			printf("  ok   %s: %s -> %s (%s)\n", sc->name, sc->what,
			       gs, sc->unmerged_ok);
			fflush(stdout);
			return true;
		}
	}
	if (!ok) {
		printf("  FAIL %s (%s)\n    expected: %s\n    kernel:   %s%s%s\n",
		       sc->name, sc->what, ws, gs, why[0] ? "\n    " : "", why);
		fflush(stdout);
		return false;
	}
	printf("  ok   %s: %s -> %s\n", sc->name, sc->what, gs);
	fflush(stdout);
	return true;
}

int kgro_selftest(struct kgro_env *env, const char *outdir)
{
	static struct scenario sc[MAX_SCENARIOS];
	char path[PATH_MAX];
	int n = make_scenarios(sc), i, passed = 0, ret = 0;

	for (i = 0; i < n; i++) {
		struct kgro_pkts in = { 0 }, out = { 0 };
		int r;

		build_input(&sc[i], &in);
		snprintf(path, sizeof(path), "%s/%s.pcap", outdir, sc[i].name);
		if (kgro_pcap_write_in(path, &in) < 0) {
			kgro_pkts_free(&in);
			return 1;
		}
		kgro_pkts_free(&in);
		r = kgro_run_input(env, outdir, path, &out);
		if (r > ret)
			ret = r;
		if (check(&sc[i], &out))
			passed++;
		kgro_pkts_free(&out);
	}
	printf("selftest: %d/%d scenarios as expected\n", passed, n);
	if (passed != n && !ret)
		ret = 1;
	return ret;
}
