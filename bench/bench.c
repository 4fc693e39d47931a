// SPDX-License-Identifier: MIT
/*
 * libgro benchmark: libgro and DPDK's rte_gro (lightweight and heavyweight
 * mode) on the same in-memory packet streams, in one process.
 *
 *   grobench [--quick] [--reps N] [--budget PKTS] [--out DIR]
 *            [--instr-file F] [--only CELL-SUBSTRING|cores|csum]
 *            [--no-cores] [--no-csum]
 *   grobench --instr CELL ENGINE      one run between callgrind markers
 *   grobench --list-instr             the cells and engines to count
 *   grobench --profile CELL ENGINE N  N timed libgro runs, for a profiler
 *
 * A stream is a sequence of polls; a poll is bursts of 32 frames followed
 * by a flush of everything held (gro_flush(GRO_FLUSH_ALL); rte_gro's
 * heavyweight table is flushed with rte_gro_timeout_flush(0) at the same
 * points; lightweight rte_gro flushes at the end of every burst by design).
 * In a bulk stream every flow sends k full-sized segments per poll, either
 * in runs (a flow's segments together) or round-robin interleaved.
 *
 * Before a workload is timed, libgro's output is checked: the same stream
 * through a second engine fed one frame per call and delivering one packet
 * per batch must give the same packets byte for byte, in the same order;
 * the number of packets must be the one Linux's rules give for the stream;
 * every packet's IP and TCP checksums and lengths must hold once
 * linearized; each flow's sequence numbers must come out contiguous; and
 * every frame must be released exactly once.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <valgrind/callgrind.h>

#include "bench.h"
#include "gro_internal.h"

/* ---------------------------------------------------------------- utils */

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The hardware instruction counter of this thread, if the machine (or its
 * hypervisor) offers one; callgrind counts instead where it does not. */
static int perf_fd = -1;

static void instr_open(void)
{
	struct perf_event_attr a;
	uint64_t v;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_HARDWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_HW_INSTRUCTIONS;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	perf_fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (perf_fd >= 0 && (read(perf_fd, &v, sizeof(v)) != sizeof(v) || !v)) {
		close(perf_fd);
		perf_fd = -1;
	}
}

uint64_t instr_read(void)
{
	uint64_t v = 0;

	if (perf_fd >= 0 && read(perf_fd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	return v;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "grobench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void *xmap(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu bytes: %s", n, strerror(errno));
	madvise(p, n, MADV_HUGEPAGE);
	return p;
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	if (!p && n)
		die("out of memory");
	return p;
}

static uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	x ^= x >> 16;
	return x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The bench's own ones'-complement sum (big-endian 16-bit words), so that
 * checks never rely on the library's arithmetic. */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* ---------------------------------------------------------------- streams */

#define MSS4		1448
#define MSS6		1428
#define HDR4		66	/* Ethernet + IPv4 + TCP with timestamps */
#define HDR6		86
#define MAX_SEGS	45	/* 1448- or 1428-byte segments within 64 KiB */

static struct gro_rss *rss;
static uint8_t payload_block[2048];
static uint32_t payload_sum;	/* sum16 of the 1448/1428-byte payloads */
static uint32_t payload_sum6;

struct flowinfo {
	uint32_t isn, ack, ts, rxhash;
};

static struct flowinfo flow_of(uint32_t f)
{
	struct flowinfo fi;

	fi.isn = mix32(f * 2 + 1);
	fi.ack = mix32(f ^ 0xabcdefu);
	fi.ts = mix32(f + 7);
	fi.rxhash = 0;
	return fi;
}

/* Build one TCP frame. @tflags are the TCP flags, @seq/@ack/@id the
 * varying fields, @plen the payload length. */
static uint32_t build_tcp(const struct stream *s, uint8_t *p, uint32_t f, uint8_t tflags,
			  uint32_t seq, uint32_t ack, uint16_t id, uint32_t tsval, uint32_t plen)
{
	uint32_t l3 = 14, l4, len, sum;
	uint8_t *ip = p + l3, *th;

	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

	memcpy(p, mac, 12);
	if (!s->v6) {
		put16(p + 12, 0x0800);
		l4 = l3 + 20;
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint16_t)(20 + 32 + plen));
		put16(ip + 4, id);
		put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 6;
		put16(ip + 10, 0);
		ip[12] = 10;
		ip[13] = (uint8_t)(16 + (f >> 16));
		ip[14] = (uint8_t)(f >> 8);
		ip[15] = (uint8_t)f;
		ip[16] = 192;
		ip[17] = 168;
		ip[18] = 0;
		ip[19] = 1;
		put16(ip + 10, (uint16_t)~sum16(ip, 20, 0));
	} else {
		put16(p + 12, 0x86dd);
		l4 = l3 + 40;
		put32(ip, 0x60000000u);
		put16(ip + 4, (uint16_t)(32 + plen));
		ip[6] = 6;
		ip[7] = 64;
		memset(ip + 8, 0, 32);
		put32(ip + 8, 0x20010db8);
		put32(ip + 20, f);
		put32(ip + 24, 0x20010db8);
		put32(ip + 28, 0xffff0000);
		put32(ip + 36, 1);
	}
	th = p + l4;
	put16(th, (uint16_t)(40000 + f % 20000));
	put16(th + 2, 5201);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 0x80;		/* 32-byte header */
	th[13] = tflags;
	put16(th + 14, 2048);
	put16(th + 16, 0);
	put16(th + 18, (tflags & 0x20) ? 1 : 0);
	th[20] = 1;
	th[21] = 1;
	th[22] = 8;
	th[23] = 10;
	put32(th + 24, tsval);
	put32(th + 28, 0x01020304);
	len = l4 + 32 + plen;

	/* TCP checksum: pseudo-header, header, payload. */
	if (!s->v6)
		sum = sum16(ip + 12, 8, 6 + 32 + plen);
	else
		sum = sum16(ip + 8, 32, 6 + 32 + plen);
	sum = sum16(th, 32, sum);
	if (plen == s->mss && s->mss)
		sum += s->v6 ? payload_sum6 : payload_sum;
	else
		sum = sum16(payload_block, plen, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(th + 16, (uint16_t)~sum);
	if (plen && s->with_payload)
		memcpy(th + 32, payload_block, plen);
	return len;
}

static void stream_free(struct stream *s)
{
	if (s->buf)
		munmap(s->buf, s->npkts * s->stride);
	if (s->save)
		munmap(s->save, s->npkts * SAVE_LEN);
	free(s->fr);
	memset(s, 0, sizeof(*s));
}

void stream_restore(const struct stream *s)
{
	size_t i;

	for (i = 0; i < s->npkts; i++)
		memcpy(s->buf + i * s->stride, s->save + i * SAVE_LEN, SAVE_LEN);
}

static const char *order_name(int o) { return o == O_RUNS ? "runs" : "interleaved"; }

static void fmt_flows(char *b, size_t n, uint32_t f)
{
	if (f >= (1u << 20) && !(f % (1u << 20)))
		snprintf(b, n, "%uM", f >> 20);
	else if (f >= 1024 && !(f % 1024))
		snprintf(b, n, "%uK", f >> 10);
	else
		snprintf(b, n, "%u", f);
}

/* Packets per stream for up to 1K flows (--budget): a pool of 16K frames,
 * 24 MiB, about what a NIC's receive mempool holds. */
static size_t budget = 16384;

static int quick_div(int quick) { return quick ? 8 : 1; }

/* Shape of a cell: how many segments per flow per poll and how many polls,
 * within a packet budget of about 256K per stream (2M for 1M flows). */
static void stream_shape(struct stream *s, int quick)
{
	uint32_t n = s->nflows;

	if (s->kind != K_BULK) {
		s->k = 1;
		s->poll_len = 1024;
		s->npolls = (uint32_t)(budget / quick_div(quick) / s->poll_len);
		if (!s->npolls)
			s->npolls = 1;
		s->npkts = s->poll_len * s->npolls;
		return;
	}
	if (n <= 1024) {
		/* 64 segments per flow and poll (one 45-segment super-packet and
		 * a rest) up to 64 flows; 16 (all merged into one) at 1K flows,
		 * so that every flow is held at once within the budget. */
		s->k = n <= 64 ? 64 : 16;
		s->npolls = (uint32_t)((budget / quick_div(quick)) / (n * s->k));
		if (!s->npolls)
			s->npolls = 1;
	} else if (n <= 65536) {
		s->k = 4;
		s->npolls = 1;
	} else {
		s->k = 2;
		s->npolls = 1;
	}
	s->poll_len = (size_t)n * s->k;
	s->npkts = s->poll_len * s->npolls;
}

static const struct { uint8_t flags; uint16_t plen; } mixed_types[8] = {
	{ 0x02, 0 },	/* SYN */
	{ 0x12, 0 },	/* SYN-ACK */
	{ 0x10, 0 },	/* pure ACK */
	{ 0x18, 100 },	/* PSH-ACK with data */
	{ 0x11, 0 },	/* FIN-ACK */
	{ 0x04, 0 },	/* RST */
	{ 0x30, 100 },	/* URG-ACK with data */
	{ 0x14, 0 },	/* RST-ACK */
};

static void put_frame(struct stream *s, size_t idx, uint32_t len)
{
	uint8_t *p = s->buf + idx * s->stride;
	struct gro_frame *fr = &s->fr[idx];

	fr->data = p;
	fr->len = len;
	fr->rxhash = gro_rss_frame(rss, p, len);	/* as the NIC would */
	fr->flags = 0;
	fr->cookie = (void *)(uintptr_t)idx;
	memcpy(s->save + idx * SAVE_LEN, p, SAVE_LEN);
}

static void stream_build(struct stream *s, int kind, int v6, int order, uint32_t nflows,
			 int quick, int with_payload)
{
	char fl[16];
	size_t idx = 0, i;
	uint32_t p, f, j;

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->v6 = v6;
	s->order = order;
	s->nflows = nflows;
	s->with_payload = with_payload;
	s->mss = kind == K_BULK ? (v6 ? MSS6 : MSS4) : 0;
	stream_shape(s, quick);
	s->stride = kind == K_BULK ? 1536 : kind == K_ACKS ? 128 : 256;
	s->buf = xmap(s->npkts * s->stride);
	s->save = xmap(s->npkts * SAVE_LEN);
	s->fr = xcalloc(s->npkts, sizeof(*s->fr));

	fmt_flows(fl, sizeof(fl), nflows);
	if (kind == K_BULK) {
		for (p = 0; p < s->npolls; p++) {
			uint32_t outer = order == O_RUNS ? nflows : s->k;
			uint32_t inner = order == O_RUNS ? s->k : nflows;

			for (i = 0; i < outer; i++)
				for (j = 0; j < inner; j++) {
					uint32_t fid = order == O_RUNS ? (uint32_t)i : j;
					uint32_t seg = p * s->k + (order == O_RUNS ? j : (uint32_t)i);
					struct flowinfo fi = flow_of(fid);
					uint32_t len;

					len = build_tcp(s, s->buf + idx * s->stride, fid, 0x10,
							fi.isn + seg * s->mss, fi.ack,
							(uint16_t)((fi.isn >> 16) + seg), fi.ts + p, s->mss);
					put_frame(s, idx++, len);
				}
		}
		s->expect_out = (uint64_t)s->npolls * nflows * ((s->k + MAX_SEGS - 1) / MAX_SEGS);
		s->payload_bytes = (uint64_t)s->npkts * s->mss;
		if (nflows == 1)
			snprintf(s->name, sizeof(s->name), "%s bulk, 1 flow in order", v6 ? "v6" : "v4");
		else
			snprintf(s->name, sizeof(s->name), "%s bulk, %s flows %s", v6 ? "v6" : "v4", fl,
				 order_name(order));
		snprintf(s->id, sizeof(s->id), "%s-bulk-%s-%u", v6 ? "v6" : "v4",
			 nflows == 1 ? "inorder" : order == O_RUNS ? "runs" : "il", nflows);
	} else {
		uint32_t *nsent = xcalloc(nflows, sizeof(*nsent));

		for (idx = 0; idx < s->npkts; idx++) {
			struct flowinfo fi;
			uint32_t n, len;

			f = (uint32_t)(idx % nflows);
			fi = flow_of(f);
			n = nsent[f]++;
			if (kind == K_ACKS) {
				len = build_tcp(s, s->buf + idx * s->stride, f, 0x10, fi.isn,
						fi.ack + n * 1448, (uint16_t)((fi.isn >> 16) + n), fi.ts, 0);
			} else {
				uint32_t t = (n + f) % 8;

				len = build_tcp(s, s->buf + idx * s->stride, f, mixed_types[t].flags,
						fi.isn + n * 100, fi.ack, (uint16_t)((fi.isn >> 16) + n),
						fi.ts, mixed_types[t].plen);
				s->payload_bytes += mixed_types[t].plen;
			}
			put_frame(s, idx, len);
		}
		free(nsent);
		s->expect_out = s->npkts;
		snprintf(s->name, sizeof(s->name), "v4 %s, %s flows",
			 kind == K_ACKS ? "pure ACKs" : "mixed flags", fl);
		snprintf(s->id, sizeof(s->id), "v4-%s-%u", kind == K_ACKS ? "acks" : "mixed", nflows);
	}
}

/* ---------------------------------------------------------------- checks */

struct check {
	const struct stream *s;
	uint64_t *dig;
	size_t ndig, cap;
	uint8_t *raw, *fix;
	uint32_t *next;		/* per flow: the sequence number due next */
	uint8_t *relcnt;	/* per frame: times released */
	uint64_t segs;
	unsigned errors;
	char first[200];
};

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
	uint32_t hdr = s->v6 ? HDR6 : HDR4, tcplen, sum;

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
	ip = c->fix + 14;
	th = ip + (s->v6 ? 40 : 20);
	tcplen = (uint32_t)n - (uint32_t)(th - c->fix);
	if (!s->v6) {
		if (sum16(ip, 20, 0) != 0xffff)
			check_fail(c, "bad IPv4 header checksum");
		if (get16(ip + 2) != n - 14)
			check_fail(c, "IPv4 tot_len %u, packet %ld", get16(ip + 2), n);
		sum = sum16(ip + 12, 8, 6 + tcplen);
	} else {
		if (get16(ip + 4) != n - 54)
			check_fail(c, "IPv6 payload_len %u, packet %ld", get16(ip + 4), n);
		sum = sum16(ip + 8, 32, 6 + tcplen);
	}
	if (s->with_payload && sum16(th, tcplen, sum) != 0xffff)
		check_fail(c, "bad TCP checksum (packet %ld bytes, %u segs)", n, p->gso_segs);
	if (p->gso_segs > MAX_SEGS || (p->gso_segs > 1 && p->gso_size != s->mss))
		check_fail(c, "gso_segs %u gso_size %u", p->gso_segs, p->gso_size);
	if (s->kind == K_BULK) {
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

struct sink {
	uint64_t pkts, segs, rel;
	struct check *chk;
	char pad[64];
};

static void sink_deliver(void *arg, const struct gro_pkt *p, unsigned n)
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

/* Through a function pointer, so that the no-GRO baseline pays the same
 * call as libgro's deliver hook. */
static void (*volatile deliver_fn)(void *, const struct gro_pkt *, unsigned) = sink_deliver;

/* ---------------------------------------------------------------- libgro */

static void lib_config(const struct stream *s, struct gro_config *c, int verify, struct sink *k)
{
	uint64_t flows = s->nflows < 64 ? 64 : s->nflows;
	uint64_t need = (uint64_t)s->nflows * (s->k < MAX_SEGS + 1 ? s->k : MAX_SEGS + 1);
	uint64_t full = flows * 46, lean = flows * 2 + 65536, dflt;

	gro_config_init(c);
	c->max_flows = (uint32_t)flows;
	c->buckets = 1;
	c->csum = verify ? GRO_CSUM_VERIFY : GRO_CSUM_TRUST;
	/* The default segment pool (see gro_create) holds about two frames
	 * per flow for big tables; streams that hold more get more. */
	dflt = full < lean ? full : lean;
	if (dflt < 65536)
		dflt = 65536;
	if (need > dflt)
		c->max_held_frames = (uint32_t)need;
	c->deliver = sink_deliver;
	c->deliver_arg = k;
	c->release_batch = sink_release_batch;
	c->release_arg = k;
}

static void lib_pass(struct gro_ctx *g, const struct stream *s, unsigned burst)
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

/* Not calling GRO at all: every frame goes to the same deliver hook as a
 * packet of its own, in batches of a burst. */
static void nogro_pass(const struct stream *s, struct sink *k)
{
	struct gro_pkt pk[BURST];
	struct gro_seg sg[BURST];
	size_t i = 0;

	memset(pk, 0, sizeof(pk));
	while (i < s->npkts) {
		unsigned n = (unsigned)(s->npkts - i < BURST ? s->npkts - i : BURST), j;

		for (j = 0; j < n; j++) {
			const struct gro_frame *f = &s->fr[i + j];

			sg[j].data = f->data;
			sg[j].len = f->len;
			sg[j].cookie = f->cookie;
			pk[j].data = f->data;
			pk[j].len = f->len;
			pk[j].gso_segs = 1;
			pk[j].nsegs = 1;
			pk[j].segs = &sg[j];
		}
		deliver_fn(k, pk, n);
		i += n;
	}
}

struct run_result {
	double ns[MAX_REPS];
	int nrep;
	double instr;		/* per packet, hardware counter; <0: n/a */
	uint64_t out;
	double bytes_per_flow;
	size_t memory;
};

enum { E_LIB, E_LIB_VERIFY, E_LW, E_HW, E_NOGRO, E_COUNT };
static const char *const engine_names[E_COUNT] = {
	"libgro", "libgro verify", "rte_gro lw", "rte_gro hw", "no GRO",
};
static const char *const engine_ids[E_COUNT] = {
	"libgro", "libgro-verify", "rte_gro-lw", "rte_gro-hw", "no-gro",
};

static void lib_bench(const struct stream *s, int engine, int reps, int instr, struct run_result *r)
{
	struct sink k = { 0 };
	struct gro_config cfg;
	struct gro_ctx *g = NULL;
	int rep, warm = reps > 1 && !instr;

	memset(r, 0, sizeof(*r));
	if (engine != E_NOGRO) {
		lib_config(s, &cfg, engine == E_LIB_VERIFY, &k);
		if (gro_create(&cfg, &g) != GRO_OK)
			die("gro_create: %s", gro_config_error());
		r->memory = gro_memory(g);
		r->bytes_per_flow = (double)r->memory / cfg.max_flows;
	} else {
		r->bytes_per_flow = -1;
	}
	r->instr = -1;
	for (rep = -warm; rep < (instr ? 1 : reps); rep++) {
		double t0, t1;
		uint64_t i0;

		stream_restore(s);
		k.pkts = k.segs = 0;
		if (instr)
			CALLGRIND_START_INSTRUMENTATION;
		i0 = instr_read();
		t0 = now_ns();
		if (g)
			lib_pass(g, s, BURST);
		else
			nogro_pass(s, &k);
		t1 = now_ns();
		if (i0)
			r->instr = (double)(instr_read() - i0) / (double)s->npkts;
		if (instr)
			CALLGRIND_STOP_INSTRUMENTATION;
		if (rep >= 0)
			r->ns[r->nrep++] = t1 - t0;
		r->out = k.pkts;
	}
	gro_destroy(g);
}

/* One checked pass: @burst frames per gro_receive(), @batch packets per
 * deliver call. Returns the error count; fills @c. */
static unsigned lib_checked_pass(const struct stream *s, int verify, unsigned burst,
				 unsigned batch, struct check *c)
{
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
	for (i = 0; i < s->nflows; i++)
		c->next[i] = flow_of((uint32_t)i).isn;
	k.chk = c;
	lib_config(s, &cfg, verify, &k);
	cfg.batch = batch;
	if (gro_create(&cfg, &g) != GRO_OK)
		die("gro_create: %s", gro_config_error());
	stream_restore(s);
	lib_pass(g, s, burst);
	gro_destroy(g);

	if (k.pkts != s->expect_out)
		check_fail(c, "%llu packets out, Linux's rules give %llu",
			   (unsigned long long)k.pkts, (unsigned long long)s->expect_out);
	if (c->segs != s->npkts)
		check_fail(c, "%llu segments out of %zu frames", (unsigned long long)c->segs, s->npkts);
	for (i = 0; i < s->npkts; i++)
		if (c->relcnt[i] != 1) {
			check_fail(c, "frame %zu released %u times", i, c->relcnt[i]);
			break;
		}
	if (s->kind == K_BULK)
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
static int lib_check(const struct stream *s, int verify, char *msg, size_t msglen)
{
	struct check fast, ref;
	int ok;

	lib_checked_pass(s, verify, BURST, 64, &fast);
	lib_checked_pass(s, verify, 1, 1, &ref);
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

/* ---------------------------------------------------------------- results */

struct row {
	char id[48], workload[64], engine[24], check[96];
	int eng, kind, order, v6;
	uint32_t flows;
	double med, min, max, mpps, out_per_in, bpf, instr;
	size_t npkts;
};

static struct row rows[256];
static int nrows;

struct instr_ent {
	char id[48], engine[24];
	double per_pkt;
};
static struct instr_ent instrs[256];
static int ninstrs;

static void load_instr(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && ninstrs < 256) {
		struct instr_ent *e = &instrs[ninstrs];
		unsigned long long ir, pk;

		if (sscanf(line, "%47[^,],%23[^,],%llu,%llu", e->id, e->engine, &ir, &pk) == 4 && pk)
			e->per_pkt = (double)ir / (double)pk, ninstrs++;
	}
	fclose(f);
}

static double find_instr(const char *id, int eng)
{
	int i;

	for (i = 0; i < ninstrs; i++)
		if (!strcmp(instrs[i].id, id) && !strcmp(instrs[i].engine, engine_ids[eng]))
			return instrs[i].per_pkt;
	return -1;
}

static struct row *add_row(const struct stream *s, int eng, const double *ns, int nrep,
			   uint64_t out, double bpf, double instr, const char *check)
{
	struct row *r = &rows[nrows++];
	double v[MAX_REPS];
	int i;

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", s->id);
	snprintf(r->workload, sizeof(r->workload), "%s", s->name);
	snprintf(r->engine, sizeof(r->engine), "%s", engine_names[eng]);
	snprintf(r->check, sizeof(r->check), "%s", check);
	r->eng = eng;
	r->kind = s->kind;
	r->order = s->nflows == 1 ? -1 : s->order;
	r->v6 = s->v6;
	r->flows = s->nflows;
	r->npkts = s->npkts;
	r->bpf = bpf;
	r->instr = instr >= 0 ? instr : find_instr(s->id, eng);
	if (nrep > 0) {
		for (i = 0; i < nrep; i++)
			v[i] = ns[i] / (double)s->npkts;
		qsort(v, (size_t)nrep, sizeof(double), cmp_double);
		r->min = v[0];
		r->max = v[nrep - 1];
		r->med = nrep & 1 ? v[nrep / 2] : (v[nrep / 2 - 1] + v[nrep / 2]) / 2;
		r->mpps = 1e3 / r->med;
		r->out_per_in = (double)out / (double)s->npkts;
	} else {
		r->med = r->min = r->max = r->mpps = r->out_per_in = NAN;
	}
	return r;
}

static void fmt_num(char *b, size_t n, double v, const char *fmt)
{
	if (isnan(v) || v < 0)
		snprintf(b, n, "-");
	else
		snprintf(b, n, fmt, v);
}

static void print_row(FILE *f, const struct row *r)
{
	char med[24], rng[40], mpps[16], opi[16], bpf[16], ins[16];

	fmt_num(med, sizeof(med), r->med, r->med < 100 ? "%.1f" : "%.0f");
	if (isnan(r->med))
		snprintf(rng, sizeof(rng), "-");
	else
		snprintf(rng, sizeof(rng), r->max < 100 ? "%.1f-%.1f" : "%.0f-%.0f", r->min, r->max);
	fmt_num(mpps, sizeof(mpps), r->mpps, r->mpps < 1 ? "%.3f" : "%.1f");
	fmt_num(opi, sizeof(opi), r->out_per_in, "%.4f");
	fmt_num(bpf, sizeof(bpf), r->bpf, "%.0f");
	fmt_num(ins, sizeof(ins), r->instr, "%.0f");
	fprintf(f, "| %-34s | %-13s | %8s | %-13s | %7s | %7s | %6s | %6s | %s |\n", r->workload,
		r->engine, med, rng, mpps, opi, bpf, ins, r->check);
}

static void print_header(FILE *f)
{
	fprintf(f, "| %-34s | %-13s | %8s | %-13s | %7s | %7s | %6s | %6s | %s |\n", "workload",
		"engine", "ns/pkt", "min-max", "Mpps", "out/in", "B/flow", "instr", "check");
	fprintf(f, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", "------------------------------------",
		"---------------", "---------:", "---------------", "--------:", "--------:",
		"-------:", "-------:", "---");
}

static void write_csv(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "workload_id,workload,proto,kind,order,flows,engine,ns_median,ns_min,ns_max,"
		   "mpps,out_per_in,bytes_per_flow,instr_per_pkt,packets,check\n");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		static const char *const kinds[] = { "bulk", "acks", "mixed" };

		fprintf(f, "%s,\"%s\",%s,%s,%s,%u,%s,%.3f,%.3f,%.3f,%.4f,%.5f,%.1f,%.1f,%zu,\"%s\"\n",
			r->id, r->workload, r->v6 ? "tcp6" : "tcp4", kinds[r->kind],
			r->order < 0 ? "inorder" : r->order == O_RUNS ? "runs" : "interleaved",
			r->flows, engine_ids[r->eng], r->med, r->min, r->max, r->mpps, r->out_per_in,
			r->bpf, r->instr, r->npkts, r->check);
	}
	fclose(f);
}

/* Columns for gnuplot: flows, then ns/pkt of each engine and order. */
static void write_plot_data(const char *path, const uint32_t *flows, int nflows)
{
	static const int engs[3] = { E_LIB, E_LW, E_HW };
	FILE *f = fopen(path, "w");
	int i, e, o, k;

	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "# flows libgro-il libgro-runs lw-il lw-runs hw-il hw-runs\n");
	for (i = 0; i < nflows; i++) {
		fprintf(f, "%u", flows[i]);
		for (e = 0; e < 3; e++)
			for (o = O_INTERLEAVED; o >= O_RUNS; o--) {
				double v = NAN;

				for (k = 0; k < nrows; k++) {
					const struct row *r = &rows[k];

					if (r->eng == engs[e] && r->kind == K_BULK && !r->v6 &&
					    r->flows == flows[i] && (r->order == o || r->order < 0))
						v = r->med;
				}
				if (isnan(v))
					fprintf(f, " NaN");
				else
					fprintf(f, " %.3f", v);
			}
		fprintf(f, "\n");
	}
	fclose(f);
}

/* ---------------------------------------------------------------- checksum */

static double gbps(double bytes, double ns) { return bytes / ns; }

/* Software checksum validation speed: the library's sum over payload-sized
 * buffers in cache, and over a buffer far larger than the caches. The
 * vectorised and the portable variants are also compared bit for bit. */
static void csum_bench(FILE *out, int quick)
{
	size_t big = (size_t)(quick ? 64 : 256) << 20, i;
	uint8_t *b = xmap(big);
	const size_t seg = 1448;
	size_t iters = quick ? 200000 : 2000000;
	uint64_t acc = 0;
	double t0, t1, hot, cold, hot_gen, cold_gen;
	unsigned bad = 0;

	for (i = 0; i < big; i++)
		b[i] = (uint8_t)mix32((uint32_t)i);

	/* Bit-identical variants: every length 0..3000 at every alignment
	 * 0..63, with random starting sums. */
	for (i = 0; i < 3001 * 64; i++) {
		size_t len = i / 64, off = i % 64;
		uint64_t s0 = (uint64_t)mix32((uint32_t)i) << 32 | mix32((uint32_t)i ^ 0x55u);

		if (gro_csum_partial_generic(b + off, len, s0) != gro_csum_partial(b + off, len, s0) ||
		    gro_csum16_fold(gro_csum_partial_generic(b + off, len, s0)) !=
			    gro_csum16_fold(gro_csum_partial(b + off, len, s0)))
			bad++;
	}

	t0 = now_ns();
	for (i = 0; i < iters; i++)
		acc += gro_csum_add(acc, b + (i & 7) * 2048, seg);
	t1 = now_ns();
	hot = gbps((double)iters * seg, t1 - t0);
	t0 = now_ns();
	for (i = 0; i < iters; i++)
		acc += gro_csum_partial_generic(b + (i & 7) * 2048, seg, acc);
	t1 = now_ns();
	hot_gen = gbps((double)iters * seg, t1 - t0);
	t0 = now_ns();
	acc += gro_csum_add(acc, b, big);
	t1 = now_ns();
	cold = gbps((double)big, t1 - t0);
	t0 = now_ns();
	acc += gro_csum_partial_generic(b, big, acc);
	t1 = now_ns();
	cold_gen = gbps((double)big, t1 - t0);

	fprintf(out, "\nChecksum (ones'-complement sum, one core; variant in use: %s):\n",
		gro_csum_variant());
	fprintf(out, "| buffer | library (GB/s) | portable (GB/s) |\n|---|---:|---:|\n");
	fprintf(out, "| 1448-byte payloads, in cache | %.1f | %.1f |\n", hot, hot_gen);
	fprintf(out, "| %zu MiB, from memory | %.1f | %.1f |\n", big >> 20, cold, cold_gen);
	fprintf(out, "variants bit-identical on %u cases: %s (%llx)\n", 3001 * 64,
		bad ? "NO" : "yes", (unsigned long long)(acc & 0xf));
	munmap(b, big);
}

/* ---------------------------------------------------------------- cores */

struct mc_queue {
	struct gro_frame *fr;
	size_t n;
	size_t *poll_end;	/* index after each poll's last frame */
	size_t npolls;
	int cpu;
	struct sink k;
	struct gro_ctx *g;
	pthread_barrier_t *bar;
	double t0, t1;
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *mc_main(void *arg)
{
	struct mc_queue *q = arg;
	size_t i = 0, p;
	uint64_t now = 0;

	pin(q->cpu);
	pthread_barrier_wait(q->bar);
	q->t0 = now_ns();
	for (p = 0; p < q->npolls; p++) {
		while (i < q->poll_end[p]) {
			unsigned n = (unsigned)(q->poll_end[p] - i < BURST ? q->poll_end[p] - i : BURST);

			gro_receive(q->g, q->fr + i, n, now);
			i += n;
			now += 1000;
		}
		gro_flush(q->g, now, GRO_FLUSH_ALL);
	}
	q->t1 = now_ns();
	return NULL;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* 1 core against 2: (a) one engine; (b) two receive queues split by the
 * NIC's Toeplitz hash (done up front, as the NIC does), one engine and one
 * thread per queue; (c) gro_shard: one producer thread spreading the frames
 * by their (NIC) hash and running shard 0 itself, shard 1 on a second
 * thread, through a lock-free queue. */
static void mc_bench(FILE *out, const struct stream *s, int reps)
{
	double ns1[MAX_REPS], ns2[MAX_REPS], ns3[MAX_REPS];
	uint64_t out1 = 0, out2 = 0, out3 = 0;
	struct mc_queue q[2];
	pthread_barrier_t bar;
	struct gro_config cfg;
	struct sink k1 = { 0 };
	struct gro_ctx *g;
	int rep, i;
	size_t j, p;

	/* (a) */
	lib_config(s, &cfg, 0, &k1);
	if (gro_create(&cfg, &g) != GRO_OK)
		die("gro_create");
	pin(0);
	for (rep = -1; rep < reps; rep++) {
		double t0;

		stream_restore(s);
		k1.pkts = 0;
		t0 = now_ns();
		lib_pass(g, s, BURST);
		if (rep >= 0)
			ns1[rep] = now_ns() - t0;
		out1 = k1.pkts;
	}
	gro_destroy(g);

	/* (b) */
	memset(q, 0, sizeof(q));
	for (i = 0; i < 2; i++) {
		q[i].fr = xcalloc(s->npkts, sizeof(*q[i].fr));
		q[i].poll_end = xcalloc(s->npolls, sizeof(size_t));
		q[i].npolls = s->npolls;
		q[i].cpu = i;
		q[i].bar = &bar;
	}
	for (p = 0, j = 0; p < s->npolls; p++) {
		for (; j < (p + 1) * s->poll_len; j++) {
			struct mc_queue *t = &q[(s->fr[j].rxhash % 128) % 2];

			t->fr[t->n++] = s->fr[j];
		}
		q[0].poll_end[p] = q[0].n;
		q[1].poll_end[p] = q[1].n;
	}
	for (i = 0; i < 2; i++) {
		lib_config(s, &cfg, 0, &q[i].k);
		if (gro_create(&cfg, &q[i].g) != GRO_OK)
			die("gro_create");
	}
	for (rep = -1; rep < reps; rep++) {
		pthread_t th[2];

		stream_restore(s);
		pthread_barrier_init(&bar, NULL, 2);
		for (i = 0; i < 2; i++) {
			q[i].k.pkts = 0;
			pthread_create(&th[i], NULL, mc_main, &q[i]);
		}
		for (i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&bar);
		if (rep >= 0)
			ns2[rep] = (q[0].t1 > q[1].t1 ? q[0].t1 : q[1].t1) -
				   (q[0].t0 < q[1].t0 ? q[0].t0 : q[1].t0);
		out2 = q[0].k.pkts + q[1].k.pkts;
	}
	for (i = 0; i < 2; i++) {
		gro_destroy(q[i].g);
		free(q[i].fr);
		free(q[i].poll_end);
	}

	/* (c) */
	for (rep = -1; rep < reps; rep++) {
		struct gro_shard_config sc;
		struct gro_shard *sh;
		struct sink ks[2];
		void *args[2] = { &ks[0], &ks[1] };
		size_t i2 = 0;
		uint64_t now = 0;
		double t0;

		memset(ks, 0, sizeof(ks));
		gro_shard_config_init(&sc);
		sc.nshards = 2;
		sc.inline_shard0 = 1;
		sc.use_rxhash = 1;	/* the NIC's Toeplitz hash, as in (b) */
		lib_config(s, &sc.engine, 0, &ks[0]);
		sc.deliver_args = args;
		sc.release_args = args;
		if (gro_shard_create(&sc, &sh) != GRO_OK)
			die("gro_shard_create");
		stream_restore(s);
		pin(0);
		t0 = now_ns();
		for (p = 0; p < s->npolls; p++) {
			size_t end = (p + 1) * s->poll_len;

			while (i2 < end) {
				unsigned n = (unsigned)(end - i2 < BURST ? end - i2 : BURST);

				gro_shard_receive(sh, s->fr + i2, n, now);
				i2 += n;
				now += 1000;
			}
			gro_shard_flush(sh, now, GRO_FLUSH_ALL);
		}
		gro_shard_sync(sh);
		if (rep >= 0)
			ns3[rep] = now_ns() - t0;
		gro_shard_destroy(sh);
		out3 = ks[0].pkts + ks[1].pkts;
	}

	{
		double m1 = median(ns1, reps) / s->npkts, m2 = median(ns2, reps) / s->npkts;
		double m3 = median(ns3, reps) / s->npkts;

		fprintf(out, "| %s | %.1f ns (%.1f Mpps) | %.1f ns (%.1f Mpps, x%.2f) | "
			     "%.1f ns (%.1f Mpps, x%.2f) | %s |\n",
			s->name, m1, 1e3 / m1, m2, 1e3 / m2, m1 / m2, m3, 1e3 / m3, m1 / m3,
			out1 == out2 && out1 == out3 ? "same packets out" : "OUTPUT DIFFERS");
		{
			const char *ids[3] = { "libgro-1core", "libgro-2queues", "libgro-shard2" };
			double ms[3] = { m1, m2, m3 };
			uint64_t outs[3] = { out1, out2, out3 };

			for (i = 0; i < 3; i++) {
				struct row *r = &rows[nrows++];

				memset(r, 0, sizeof(*r));
				snprintf(r->id, sizeof(r->id), "mc-%.40s", s->id);
				snprintf(r->workload, sizeof(r->workload), "%s", s->name);
				snprintf(r->engine, sizeof(r->engine), "%s", ids[i]);
				snprintf(r->check, sizeof(r->check), "%s", ids[i]);
				r->eng = E_LIB;
				r->kind = s->kind;
				r->order = 100 + i;	/* multicore rows: not plotted */
				r->flows = s->nflows;
				r->npkts = s->npkts;
				r->med = r->min = r->max = ms[i];
				r->mpps = 1e3 / ms[i];
				r->out_per_in = (double)outs[i] / s->npkts;
				r->bpf = r->instr = NAN;
			}
		}
	}
}

/* ---------------------------------------------------------------- cells */

struct cell {
	int kind, v6, order;
	uint32_t flows;
};

static const uint32_t flow_counts[] = { 1, 16, 64, 1024, 65536, 1048576 };
#define NFLOWCOUNTS (int)(sizeof(flow_counts) / sizeof(flow_counts[0]))

static int make_cells(struct cell *c)
{
	int n = 0, v6, i, o;

	for (v6 = 0; v6 < 2; v6++) {
		for (i = 0; i < NFLOWCOUNTS; i++)
			for (o = O_RUNS; o <= O_INTERLEAVED; o++) {
				if (flow_counts[i] == 1 && o == O_INTERLEAVED)
					continue;
				c[n++] = (struct cell){ K_BULK, v6, o, flow_counts[i] };
			}
		if (!v6) {
			c[n++] = (struct cell){ K_ACKS, 0, O_INTERLEAVED, 1024 };
			c[n++] = (struct cell){ K_MIXED, 0, O_INTERLEAVED, 1024 };
		}
	}
	return n;
}

/* Which engines run on a cell. */
static int cell_engines(const struct cell *c, int *e)
{
	int n = 0;

	e[n++] = E_LIB;
	if (c->kind == K_BULK && (c->flows == 1 || (c->flows == 1024 && c->order == O_INTERLEAVED)))
		e[n++] = E_LIB_VERIFY;
	if (!c->v6) {
		e[n++] = E_LW;
		e[n++] = E_HW;
	}
	if (c->kind != K_BULK)
		e[n++] = E_NOGRO;
	return n;
}

static void cell_id(const struct cell *c, char *b, size_t n)
{
	if (c->kind == K_BULK)
		snprintf(b, n, "%s-bulk-%s-%u", c->v6 ? "v6" : "v4",
			 c->flows == 1 ? "inorder" : c->order == O_RUNS ? "runs" : "il", c->flows);
	else
		snprintf(b, n, "v4-%s-%u", c->kind == K_ACKS ? "acks" : "mixed", c->flows);
}

/* Instruction counts under callgrind: every cell but the heavyweight
 * rte_gro ones whose linear scans would take hours there. */
static int instr_wanted(const struct cell *c, int eng)
{
	return !(eng == E_HW && c->flows > 1024);
}

/* ---------------------------------------------------------------- main */

static void machine(FILE *out)
{
	char model[128] = "?", line[256], date[64];
	FILE *f = fopen("/proc/cpuinfo", "r");
	struct utsname u;
	time_t t = time(NULL);

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			char *c = strchr(line, ':');

			if (c) {
				snprintf(model, sizeof(model), "%s", c + 2);
				model[strcspn(model, "\n")] = 0;
			}
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&t));
	fprintf(out, "Date: %s. Machine: %s, %ld cores, Linux %s. rte_gro: %s.\n", date, model,
		sysconf(_SC_NPROCESSORS_ONLN), u.release, dp_version());
}

/* --profile CELL ENGINE N: N timed passes of one libgro cell, nothing else
 * (for a sampling profiler). */
static int run_profile(const char *id, const char *eng_id, int n)
{
	struct cell cells[64];
	int nc = make_cells(cells), i, e;
	char cid[48];

	for (e = 0; e < E_COUNT && strcmp(engine_ids[e], eng_id); e++)
		;
	if (e != E_LIB && e != E_LIB_VERIFY)
		die("--profile: libgro engines only");
	for (i = 0; i < nc; i++) {
		struct stream s;
		struct run_result r;
		double t = 0;
		int k;

		cell_id(&cells[i], cid, sizeof(cid));
		if (strcmp(cid, id))
			continue;
		stream_build(&s, cells[i].kind, cells[i].v6, cells[i].order, cells[i].flows, 0, 1);
		for (k = 0; k < n; k++) {
			lib_bench(&s, e, MAX_REPS, 0, &r);
			t += r.ns[0];
		}
		printf("%s %s: %.2f ns/pkt (first of each)\n", id, eng_id, t / n / s.npkts);
		stream_free(&s);
		return 0;
	}
	die("unknown cell %s", id);
	return 1;
}

static int run_instr(const char *id, const char *eng_id)
{
	struct cell cells[64];
	int n = make_cells(cells), i, e;
	char cid[48];

	for (e = 0; e < E_COUNT && strcmp(engine_ids[e], eng_id); e++)
		;
	if (e == E_COUNT)
		die("unknown engine %s", eng_id);
	for (i = 0; i < n; i++) {
		struct stream s;
		struct run_result r;
		struct dp_result d;

		cell_id(&cells[i], cid, sizeof(cid));
		if (strcmp(cid, id))
			continue;
		stream_build(&s, cells[i].kind, cells[i].v6, cells[i].order, cells[i].flows, 0,
			     e == E_LIB_VERIFY);
		if (e == E_LW || e == E_HW) {
			if (dp_init("grobench") || dp_bench(&s, e == E_LW ? DP_LW : DP_HW, 1, 1, &d))
				die("rte_gro not available");
		} else {
			lib_bench(&s, e, 1, 1, &r);
		}
		printf("%s,%s,packets,%zu\n", id, eng_id, s.npkts);
		stream_free(&s);
		return 0;
	}
	die("unknown cell %s", id);
	return 1;
}

int main(int argc, char **argv)
{
	const char *outdir = "build/bench", *instr_file = NULL, *only = NULL;
	int quick = 0, reps = 7, i, ai, dp_ok, ncells, nocores = 0, nocsum = 0;
	struct cell cells[64];
	double hw64k[2] = { NAN, NAN };
	char path[512];
	FILE *out = stdout;

	for (i = 0; i < 2048; i++)
		payload_block[i] = (uint8_t)mix32((uint32_t)i + 99);
	payload_sum = sum16(payload_block, MSS4, 0);
	payload_sum6 = sum16(payload_block, MSS6, 0);
	if (gro_rss_create(NULL, 0, &rss)) {
		fprintf(stderr, "grobench: gro_rss_create failed\n");
		return 1;
	}

	for (ai = 1; ai < argc; ai++) {
		if (!strcmp(argv[ai], "--quick"))
			quick = 1, reps = 3;
		else if (!strcmp(argv[ai], "--reps") && ai + 1 < argc)
			reps = atoi(argv[++ai]);
		else if (!strcmp(argv[ai], "--out") && ai + 1 < argc)
			outdir = argv[++ai];
		else if (!strcmp(argv[ai], "--instr-file") && ai + 1 < argc)
			instr_file = argv[++ai];
		else if (!strcmp(argv[ai], "--only") && ai + 1 < argc)
			only = argv[++ai];
		else if (!strcmp(argv[ai], "--budget") && ai + 1 < argc)
			budget = strtoul(argv[++ai], NULL, 0);
		else if (!strcmp(argv[ai], "--no-cores"))
			nocores = 1;
		else if (!strcmp(argv[ai], "--no-csum"))
			nocsum = 1;
		else if (!strcmp(argv[ai], "--profile") && ai + 3 < argc)
			return run_profile(argv[ai + 1], argv[ai + 2], atoi(argv[ai + 3]));
		else if (!strcmp(argv[ai], "--instr") && ai + 2 < argc)
			return run_instr(argv[ai + 1], argv[ai + 2]);
		else if (!strcmp(argv[ai], "--list-instr")) {
			int e[E_COUNT], ne, j;
			char cid[48];

			ncells = make_cells(cells);
			for (i = 0; i < ncells; i++) {
				ne = cell_engines(&cells[i], e);
				cell_id(&cells[i], cid, sizeof(cid));
				for (j = 0; j < ne; j++)
					if (instr_wanted(&cells[i], e[j]))
						printf("%s %s\n", cid, engine_ids[e[j]]);
			}
			return 0;
		} else
			die("usage: grobench [--quick] [--reps N] [--out DIR] [--instr-file F] "
			    "[--only SUBSTR] [--no-cores] [--no-csum] | --instr CELL ENGINE | --list-instr");
	}
	if (reps < 1 || reps > MAX_REPS)
		die("--reps: 1 to %d", MAX_REPS);
	if (instr_file)
		load_instr(instr_file);
	instr_open();
	dp_ok = dp_init(argv[0]) == 0;
	if (!dp_ok)
		fprintf(stderr, "grobench: rte_eal_init failed; rte_gro columns left out\n");

	machine(out);
	fprintf(out, "Bursts of %d frames; a poll ends with a flush of everything held. "
		     "libgro: GRO_CSUM_TRUST, buckets = 1, max_flows = max(64, flows). "
		     "ns/pkt: median of %d runs.\n\n", BURST, reps);
	print_header(out);
	fflush(out);

	ncells = make_cells(cells);
	for (i = 0; i < ncells; i++) {
		const struct cell *c = &cells[i];
		int e[E_COUNT], ne = cell_engines(c, e), j;
		char cid[48], chk[96] = "";
		uint64_t lib_out = 0;
		struct stream s;

		cell_id(c, cid, sizeof(cid));
		if (only && !strstr(cid, only))
			continue;
		stream_build(&s, c->kind, c->v6, c->order, c->flows, quick, 1);
		for (j = 0; j < ne; j++) {
			struct run_result r;
			struct dp_result d;
			struct row *row;

			switch (e[j]) {
			case E_LIB:
			case E_LIB_VERIFY:
				lib_check(&s, e[j] == E_LIB_VERIFY, chk, sizeof(chk));
				if (!strcmp(chk, "ok"))
					snprintf(chk, sizeof(chk), "ok: = reference, %llu out as Linux",
						 (unsigned long long)s.expect_out);
				lib_bench(&s, e[j], reps, 0, &r);
				if (e[j] == E_LIB)
					lib_out = r.out;
				row = add_row(&s, e[j], r.ns, r.nrep, r.out, r.bytes_per_flow, r.instr, chk);
				break;
			case E_NOGRO:
				lib_bench(&s, E_NOGRO, reps, 0, &r);
				row = add_row(&s, E_NOGRO, r.ns, r.nrep, r.out, -1, r.instr, "baseline");
				break;
			default:
				if (!dp_ok)
					continue;
				if (e[j] == E_HW && c->flows > 65536) {
					double est = hw64k[c->order] * c->flows / 65536.0;

					snprintf(chk, sizeof(chk),
						 "not run: linear flow scan, est. %.0f us/pkt from 64K",
						 est / 1e3);
					row = add_row(&s, e[j], NULL, 0, 0, -1, -1, chk);
					break;
				}
				dp_bench(&s, e[j] == E_LW ? DP_LW : DP_HW,
					 e[j] == E_HW && c->flows >= 65536 ? 1 : reps, 0, &d);
				if (!d.ok)
					snprintf(chk, sizeof(chk), "FAIL: %.80s", d.note);
				else if (d.out == lib_out)
					snprintf(chk, sizeof(chk), "ok: out = libgro");
				else
					snprintf(chk, sizeof(chk), "ok: out %.2fx libgro's", (double)d.out / lib_out);
				row = add_row(&s, e[j], d.ns, d.nrep, d.out, d.bytes_per_flow, d.instr, chk);
				if (e[j] == E_HW && c->flows == 65536)
					hw64k[c->order] = row->med;
				break;
			}
			print_row(out, row);
			fflush(out);
		}
		stream_free(&s);
	}

	if (!nocsum && (!only || !strcmp(only, "csum")))
		csum_bench(out, quick);

	if (!nocores && (!only || !strcmp(only, "cores"))) {
		struct stream s;

		fprintf(out, "\nCores (libgro, TRUST; wall time per packet over the whole stream):\n");
		fprintf(out, "| workload | 1 core | 2 cores, 2 NIC queues (RSS) | "
			     "2 cores, gro_shard (1 receive thread) | check |\n|---|---:|---:|---:|---|\n");
		stream_build(&s, K_BULK, 0, O_INTERLEAVED, 1024, quick, 1);
		mc_bench(out, &s, reps);
		stream_free(&s);
		stream_build(&s, K_BULK, 0, O_INTERLEAVED, 65536, quick, 1);
		mc_bench(out, &s, reps);
		stream_free(&s);
		stream_build(&s, K_BULK, 0, O_RUNS, 1024, quick, 1);
		mc_bench(out, &s, reps);
		stream_free(&s);
	}

	snprintf(path, sizeof(path), "%s/results.csv", outdir);
	write_csv(path);
	snprintf(path, sizeof(path), "%s/plot.dat", outdir);
	write_plot_data(path, flow_counts, NFLOWCOUNTS);
	fprintf(out, "\nCSV: %s/results.csv\n", outdir);
	return 0;
}
