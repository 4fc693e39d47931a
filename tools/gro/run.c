// SPDX-License-Identifier: MIT
/*
 * Replaying a capture through the engine, poll by poll, and writing what
 * it delivers. A poll is up to --burst frames whose timestamps lie within
 * --flush-timeout of the poll's first; at its end everything held is
 * completed, as napi_complete_done does. With --napi-defer, polls follow
 * Linux's deferred model instead (see run_defer()). The output file
 * appears only when the whole input was read and written: a failure
 * leaves nothing behind.
 *
 * A record's link-layer pseudo-header (Linux cooked capture, BSD
 * loopback) is kept aside, the packet after it goes to the engine, and
 * each packet out gets its first frame's pseudo-header back.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capfile.h"
#include "cli.h"

#define SNAPLEN CAP_SNAPLEN

/* An input record: the frame the engine sees is @data + @hdr, after the
 * pseudo-header of its link type; what the output needs of it. Freed when
 * the engine releases it (the deferred model holds frames across polls):
 * back to the run's free list if it fits a slot, else to malloc. */
struct rec {
	struct rec *next_free;	/* on the free list */
	int slot;		/* 1: a REC_SLOT slot of a rec_chunk */
	struct timeval ts;
	uint64_t ts_ns;
	uint32_t orig_len;	/* length on the wire, if the capture cut it */
	uint32_t len;		/* bytes captured, pseudo-header included */
	uint32_t start;		/* gro_frame.flags: where the packet starts */
	uint32_t ifidx;		/* the pcapng interface it came in on */
	int linktype;
	int ip;			/* 0: the pseudo-header names no IP packet */
	uint16_t hdr;		/* pseudo-header bytes */
	char *comment;		/* the record's pcapng comment, or NULL */
	uint64_t seq;		/* its place in the capture (0, 1, ...) */
	uint8_t data[];
};

/* Records are taken and given back once per frame: slots of a size that
 * holds an MTU-sized frame, carved from chunks and kept on a free list,
 * cost a few instructions where malloc() and free() cost a hundred. */
#define REC_CHUNK	256	/* slots per chunk */
#ifdef __SANITIZE_ADDRESS__
/* Every record from malloc(): AddressSanitizer then sees a use after
 * release. */
#define REC_SLOT	0
#else
#define REC_SLOT	2048
#endif

struct rec_chunk {
	struct rec_chunk *next;
	uint8_t mem[REC_CHUNK][REC_SLOT ? REC_SLOT : 1];	/* after a pointer: aligned as rec needs */
};

struct run {
	const struct cli_opts *o;
	const struct cli_watch *w;
	const char *in_path, *out_path;
	struct cap_reader in;
	struct cap_writer out;
	struct sout meta_out;
	FILE *meta;		/* meta_out.f, or NULL without --meta */
	uint64_t nout;
	uint8_t *obuf;
	int werr;
	struct gro_ctx *gro;
	struct rec *next;	/* the record read ahead, or NULL */
	int eof;
	struct gro_frame *frames;	/* a poll's frames not yet received */
	unsigned n;
	struct gro_stats extra;	/* records that never went to the engine */
	double te;		/* engine time */
	uint64_t polls;
	int show_progress;
	uint64_t nread;
	double t0;		/* when the run started, for the progress line */
	uint64_t truncated;	/* records the capture cut short */
	struct png_opt *opts;	/* a packet's pcapng options (comments, metadata) */
	unsigned opts_cap;
	uint64_t nrec;		/* records read */
	/* --order=capture: packets out held back, written in the order of
	 * their first frames once nothing older can still come out. */
	struct held_out *pend;
	size_t npend, pend_cap;
	struct rec *free_recs;		/* slots to reuse */
	struct rec_chunk *chunks;	/* all slots, freed at the end */
};

/* A record for @caplen bytes of data, or NULL. */
static struct rec *rec_alloc(struct run *r, uint32_t caplen)
{
	struct rec *rec;
	unsigned i;

	if (sizeof(*rec) + caplen > REC_SLOT) {
		rec = malloc(sizeof(*rec) + caplen);
		if (rec)
			rec->slot = 0;
		return rec;
	}
	if (!r->free_recs) {
		struct rec_chunk *c = malloc(sizeof(*c));

		if (!c)
			return NULL;
		c->next = r->chunks;
		r->chunks = c;
		for (i = 0; i < REC_CHUNK; i++) {
			rec = (struct rec *)(void *)c->mem[i];
			rec->next_free = r->free_recs;
			r->free_recs = rec;
		}
	}
	rec = r->free_recs;
	r->free_recs = rec->next_free;
	rec->slot = 1;
	return rec;
}

static void rec_free(struct run *r, struct rec *rec)
{
	if (!rec)
		return;
	free(rec->comment);
	if (!rec->slot) {
		free(rec);
		return;
	}
	rec->next_free = r->free_recs;
	r->free_recs = rec;
}

/* A packet out whose writing waits (--order=capture): everything it needs,
 * copied, since its frames go back to the engine's caller at once. */
struct held_out {
	uint64_t seq, ts_ns;
	int lt;
	uint32_t caplen, len;
	uint8_t *mem;		/* one allocation: the options, the frame, their values */
	const uint8_t *data;
	unsigned nopts;
	struct png_opt *opts;
	char meta[96];		/* the --meta line after its index */
};

/* Hold back so many packets at most: past it they are written in order
 * as far as they go (only the deferred poll model can hold flows that
 * long). */
#define PEND_MAX 65536

void cli_opts_init(struct cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->burst = 64;
	o->flush_timeout_us = 1000;
	o->max_size = 65535;
	o->hz = 250;
}

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/* One line per delivered packet, its offload metadata in virtio_net_hdr
 * terms (gso_type 1 TCPV4, 4 TCPV6, 5 UDP_L4, +0x80 ECN; flags 1
 * NEEDS_CSUM, 2 DATA_VALID):
 * index len gso_type gso_size hdr_len csum_start csum_offset flags */
/* The --meta line of a packet after its index (empty without --meta:
 * nothing to format for every packet then): length, virtio_net_hdr
 * gso_type, gso_size, hdr_len, csum_start, csum_offset, and 1 for a
 * partial checksum, 2 for a complete one (0 for a record that never went
 * to the engine: @p NULL, @len its length). */
static void meta_line(const struct run *r, char *b, size_t n, const struct gro_pkt *p, uint32_t len)
{
	unsigned type = 0;

	b[0] = 0;
	if (!r->meta)
		return;
	if (!p) {
		snprintf(b, n, "%u 0 0 0 0 0 0", len);
		return;
	}
	if (p->gso_type & GRO_GSO_TCPV4)
		type = 1;
	else if (p->gso_type & GRO_GSO_TCPV6)
		type = 4;
	else if (p->gso_type & GRO_GSO_UDP_L4)
		type = 5;
	if (p->gso_type & GRO_GSO_TCP_ECN)
		type |= 0x80;
	snprintf(b, n, "%u %u %u %u %u %u %u", p->len, type, p->gso_size, p->hdr_len,
		 p->csum_partial ? p->csum_start : 0, p->csum_partial ? p->csum_offset : 0,
		 p->csum_partial ? 1u : p->csum_valid ? 2u : 0u);
}

/* Write one packet out (and its --meta line) now. */
static void put_now(struct run *r, int lt, uint64_t ts_ns, const uint8_t *data, uint32_t caplen,
		    uint32_t len, const struct png_opt *opts, unsigned nopts, const char *meta)
{
	cap_writer_put(&r->out, lt, ts_ns, data, caplen, len, opts, nopts);
	if (r->meta)
		fprintf(r->meta, "%llu %s\n", (unsigned long long)r->nout, meta);
	r->nout++;
}

static int held_cmp(const void *a, const void *b)
{
	const struct held_out *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* --order=capture: write what was held back, in capture order. */
static void drain(struct run *r)
{
	size_t i;

	if (!r->npend)
		return;
	qsort(r->pend, r->npend, sizeof(*r->pend), held_cmp);
	for (i = 0; i < r->npend; i++) {
		struct held_out *h = &r->pend[i];

		put_now(r, h->lt, h->ts_ns, h->data, h->caplen, h->len, h->opts, h->nopts, h->meta);
		free(h->mem);
	}
	r->npend = 0;
}

/* A packet out whose first frame is record @seq: written now, or, with
 * --order=capture, copied and held back until drain(). */
static void emit(struct run *r, uint64_t seq, int lt, uint64_t ts_ns, const uint8_t *data,
		 uint32_t caplen, uint32_t len, const struct png_opt *opts, unsigned nopts,
		 const char *meta)
{
	struct held_out *h;
	size_t need = nopts * sizeof(*opts) + caplen, at;
	unsigned k;

	if (!r->o->order_capture) {
		put_now(r, lt, ts_ns, data, caplen, len, opts, nopts, meta);
		return;
	}
	if (r->npend == r->pend_cap) {
		size_t cap = r->pend_cap ? r->pend_cap * 2 : 256;
		struct held_out *p = realloc(r->pend, cap * sizeof(*p));

		if (!p) {
			r->werr = 1;
			return;
		}
		r->pend = p;
		r->pend_cap = cap;
	}
	for (k = 0; k < nopts; k++)
		need += opts[k].len;
	h = &r->pend[r->npend];
	h->mem = malloc(need ? need : 1);
	if (!h->mem) {
		r->werr = 1;
		return;
	}
	/* The options first (malloc's alignment is theirs), the frame, the
	 * options' values. */
	h->opts = (struct png_opt *)(void *)h->mem;
	at = nopts * sizeof(*opts);
	memcpy(h->mem + at, data, caplen);
	h->data = h->mem + at;
	at += caplen;
	for (k = 0; k < nopts; k++) {
		memcpy(h->mem + at, opts[k].val, opts[k].len);
		h->opts[k] = (struct png_opt){ opts[k].code, opts[k].len, h->mem + at };
		at += opts[k].len;
	}
	h->nopts = nopts;
	h->seq = seq;
	h->ts_ns = ts_ns;
	h->lt = lt;
	h->caplen = caplen;
	h->len = len;
	snprintf(h->meta, sizeof(h->meta), "%s", meta);
	if (++r->npend >= PEND_MAX)
		drain(r);
}

/* Room for @n pcapng options of a packet: 0, or -1 (out of memory). */
static int opts_room(struct run *r, unsigned n)
{
	struct png_opt *o;

	if (n <= r->opts_cap)
		return 0;
	o = realloc(r->opts, n * sizeof(*o));
	if (!o)
		return -1;
	r->opts = o;
	r->opts_cap = n;
	return 0;
}

/* A packet out, stamped @ts_ns, with its pcapng options: the comments of
 * the records it was made of, in order (pcapng allows several), and for a
 * super-packet its GSO metadata: a comment for people, libgro's custom
 * option (see pcapng.h) for `gro segment`. The virtio_net_hdr describes
 * the bytes written: NEEDS_CSUM with the pseudo-header seed
 * (--csum=partial), or DATA_VALID with the checksum complete. */
static void write_pkt(struct run *r, uint64_t seq, int lt, const struct gro_pkt *p, uint64_t ts_ns,
		      uint32_t caplen, uint32_t len)
{
	char meta[96];
	struct gro_meta m;
	struct gro_pkt q;
	uint8_t val[GRO_META_LEN];
	char comment[192];
	int partial = r->o->csum_partial && p->csum_partial;
	unsigned nopts = 0, k;

	meta_line(r, meta, sizeof(meta), p, 0);
	if (r->out.fmt != CAP_PCAPNG) {
		emit(r, seq, lt, ts_ns, r->obuf, caplen, len, NULL, 0, meta);
		return;
	}
	if (opts_room(r, p->nsegs + 2)) {
		r->werr = 1;
		return;
	}
	for (k = 0; k < p->nsegs; k++) {
		const struct rec *seg = p->segs[k].cookie;

		if (seg->comment)
			r->opts[nopts++] = (struct png_opt){ PNG_OPT_COMMENT,
							     (uint16_t)strlen(seg->comment),
							     seg->comment };
	}
	q = *p;
	q.csum_partial = (uint8_t)partial;
	/* (Not describable never happens for what the engine delivers.) */
	if (p->gso_segs >= 2 && gro_vnet_encode(&q, m.vnet, sizeof(m.vnet)) == (int)sizeof(m.vnet)) {
		if (!partial)
			m.vnet[0] = GRO_VNET_F_DATA_VALID;
		m.gso_type = p->gso_type;
		m.gso_segs = p->gso_segs;
		gro_meta_pack(&m, val);
		snprintf(comment, sizeof(comment),
			 "gro: gso_size=%u gso_segs=%u %s%s%s%s%s%s%s hdr_len=%u csum=%s",
			 p->gso_size, p->gso_segs,
			 p->gso_type & GRO_GSO_UDP_L4 ? "udp" :
			 p->gso_type & GRO_GSO_TCPV6 ? "tcpv6" : "tcpv4",
			 p->gso_type & GRO_GSO_FRAGLIST ? "+fraglist" : "",
			 p->gso_type & GRO_GSO_TCP_ECN ? "+ecn" : "",
			 p->gso_type & GRO_GSO_TCP_FIXEDID ? "+fixedid" : "",
			 p->gso_type & GRO_GSO_TCP_ACCECN ? "+accecn" : "",
			 p->gso_type & (GRO_GSO_UDP_TUNNEL | GRO_GSO_UDP_TUNNEL_CSUM) ? "+udp_tunnel" :
			 p->gso_type & GRO_GSO_GRE ? "+gre" : "",
			 p->gso_type & (GRO_GSO_IPXIP4 | GRO_GSO_IPXIP6) ? "+ipxip" : "", p->hdr_len,
			 partial ? "partial" : "full");
		r->opts[nopts++] = (struct png_opt){ PNG_OPT_COMMENT, (uint16_t)strlen(comment), comment };
		r->opts[nopts++] = (struct png_opt){ PNG_OPT_CUSTOM_BIN, GRO_META_LEN, val };
	}
	emit(r, seq, lt, ts_ns, r->obuf, caplen, len, r->opts, nopts, meta);
}

static void on_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct run *r = arg;
	unsigned i;

	for (i = 0; i < n; i++) {
		const struct gro_pkt *p = &pkts[i];
		const struct rec *head = p->segs[0].cookie;
		uint64_t ts;
		uint32_t k;
		long len;

		if (r->w && r->w->out)
			r->w->out(r->w->arg, p);
		/* The first frame's pseudo-header, then the packet. */
		memcpy(r->obuf, head->data, head->hdr);
		len = gro_pkt_linearize(p, r->obuf + head->hdr, SNAPLEN - head->hdr,
					r->o->csum_partial ? 0 : GRO_LIN_CSUM);
		if (len < 0) {
			r->werr = 1;
			continue;
		}
		/* A packet is stamped with the arrival of its last segment
		 * or, written in capture order, of its first. */
		ts = head->ts_ns;
		for (k = 1; k < p->nsegs && !r->o->order_capture; k++) {
			const struct rec *seg = p->segs[k].cookie;

			if (seg->ts_ns > ts)
				ts = seg->ts_ns;
		}
		/* A frame passed through keeps its wire length, even if the
		 * capture had cut it short. */
		write_pkt(r, head->seq, head->linktype, p, ts, (uint32_t)len + head->hdr,
			  p->gso_segs == 1 ? head->orig_len : (uint32_t)len + head->hdr);
	}
}

static void on_release(void *arg, void *cookie)
{
	rec_free(arg, cookie);
}

/* The progress line: how far into the input, frames, the rate of reading
 * and the time left at that rate. */
static void progress(const struct run *r, int done)
{
	off_t size = r->in.in.st.st_size;
	long long pos = done ? -1 : cap_reader_pos(&r->in);
	double secs = mono() - r->t0, mbs = secs > 0 && pos > 0 ? pos / secs / 1e6 : 0;
	int pct = done ? 100 : (pos > 0 && size > 0 ? (int)(pos * 100 / size) : 0), i;
	char bar[31], eta[32] = "";

	for (i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '#' : '.';
	bar[30] = 0;
	if (!done && mbs > 0 && size > pos) {
		double left = (double)(size - pos) / (mbs * 1e6);

		snprintf(eta, sizeof(eta), ", %d:%02d left", (int)left / 60, (int)left % 60);
	}
	fprintf(stderr, "\r%s [%s] %3d%% %llu frames, %.0f MB/s%s%s", r->in_path, bar, pct,
		(unsigned long long)r->nread, done ? (double)size / (secs > 0 ? secs : 1) / 1e6 : mbs,
		eta, done ? "\n" : "   ");
}

/* Read the next record into r->next (NULL at the end): 0, or -1 after
 * printing an error. */
static void bad_link(const char *in, int lt)
{
	fprintf(stderr, "gro: %s: unsupported link type %s (Ethernet, RAW, IPV4, IPV6, "
		"LINUX_SLL, LINUX_SLL2, NULL and LOOP captures can be coalesced)\n",
		in, cap_link_name(lt));
}

static int read_ahead(struct run *r)
{
	struct cap_pkt p;
	struct rec *rec;
	int k, hdr;

	if (r->next || r->eof)
		return 0;
	k = cap_reader_next(&r->in, &p);
	if (k < 0)
		return -1;
	if (k == 0) {
		r->eof = 1;
		return 0;
	}
	if (!cap_link_ok(p.linktype)) {
		bad_link(r->in_path, p.linktype);
		return -1;
	}
	rec = rec_alloc(r, p.caplen);
	if (!rec) {
		fprintf(stderr, "gro: out of memory\n");
		return -1;
	}
	rec->comment = p.comment ? strdup(p.comment) : NULL;
	if (p.comment && !rec->comment) {
		rec_free(r, rec);
		fprintf(stderr, "gro: out of memory\n");
		return -1;
	}
	r->truncated += p.caplen < p.len;
	rec->seq = r->nrec++;
	/* Nanoseconds out if they came in, as long as nothing has been
	 * written in microseconds yet. */
	if (r->in.nano && r->out.linktype < 0 && !r->out.nif)
		r->out.nano = 1;
	rec->ts_ns = p.ts_ns;
	rec->ts.tv_sec = (time_t)(p.ts_ns / 1000000000u);
	rec->ts.tv_usec = (suseconds_t)(p.ts_ns % 1000000000u / 1000);
	rec->orig_len = p.len;
	rec->len = p.caplen;
	rec->linktype = p.linktype;
	rec->ifidx = p.ifidx;
	memcpy(rec->data, p.data, p.caplen);
	hdr = cap_link_split(p.linktype, rec->data, rec->len, &rec->start);
	rec->ip = hdr >= 0;
	rec->hdr = (uint16_t)(hdr > 0 ? hdr : 0);
	r->next = rec;
	return 0;
}

/* The microseconds of a record's timestamp, as the poll limits count. */
static uint64_t rec_us(const struct rec *rec)
{
	return (uint64_t)rec->ts.tv_sec * 1000000 + (uint64_t)rec->ts.tv_usec;
}

/* Hand the frames gathered so far to the engine at @now. */
static void receive_pending(struct run *r, uint64_t now)
{
	double t;

	if (!r->n)
		return;
	t = mono();
	gro_receive(r->gro, r->frames, r->n, now);
	r->te += mono() - t;
	r->n = 0;
}

static void flush(struct run *r, uint64_t now, int mode)
{
	double t = mono();

	gro_flush(r->gro, now, mode);
	r->te += mono() - t;
}

/* Take r->next into the poll: a frame for the engine or, if its
 * pseudo-header names no IP packet, written as it is right now, after
 * what the frames before it gave (as the engine delivers a frame it does
 * not handle), and counted so. */
static void take(struct run *r, uint64_t now)
{
	struct rec *rec = r->next;

	r->next = NULL;
	if (rec->ip) {
		r->frames[r->n++] = (struct gro_frame){
			.data = rec->data + rec->hdr, .len = rec->len - rec->hdr,
			.flags = rec->start, .cookie = rec,
			/* Interfaces are devices of their own: their frames
			 * never merge with another's (Linux merges only equal
			 * receive hashes). One interface: 0, as before. */
			.rxhash = rec->ifidx,
		};
		if (r->w && r->w->in)
			r->w->in(r->w->arg, rec->data, rec->len);
		return;
	}
	receive_pending(r, now);
	{
		struct png_opt c = { PNG_OPT_COMMENT, 0, rec->comment };
		char meta[96];

		c.len = rec->comment ? (uint16_t)strlen(rec->comment) : 0;
		meta_line(r, meta, sizeof(meta), NULL, rec->len - rec->hdr);
		emit(r, rec->seq, rec->linktype, rec->ts_ns, rec->data, rec->len, rec->orig_len, &c,
		     rec->comment ? 1 : 0, meta);
	}
	r->extra.frames_in++;
	r->extra.bytes_in += rec->len - rec->hdr;
	r->extra.pkts_out++;
	r->extra.bytes_out += rec->len - rec->hdr;
	r->extra.reasons[GRO_R_UNHANDLED]++;
	rec_free(r, rec);
}

/* The usual model: a poll is up to --burst records within
 * --flush-timeout of its first, and ends with everything completed. */
static int run_polls(struct run *r)
{
	const struct cli_opts *o = r->o;
	uint64_t first_us = 0;
	unsigned inpoll = 0;

	for (;;) {
		uint64_t us = 0;

		if (read_ahead(r))
			return -1;
		if (r->next)
			us = rec_us(r->next);
		/* End of a poll: the burst is full, the next frame is too late
		 * for it, or the input ended. */
		if (inpoll && (!r->next || inpoll == o->burst || us - first_us > o->flush_timeout_us)) {
			receive_pending(r, first_us * 1000);
			flush(r, first_us * 1000, GRO_FLUSH_ALL);
			drain(r);	/* nothing is held: nothing older can come */
			r->polls++;
			inpoll = 0;
		}
		if (!r->next)
			return 0;
		if (!inpoll)
			first_us = us;
		take(r, first_us * 1000);
		inpoll++;
		if (r->show_progress && !(++r->nread & 0xffff))
			progress(r, 0);
		/* A full disk: stop rather than read the rest for nothing
		 * (cap_writer_commit() reports it). */
		if (r->out.err)
			return 0;
	}
}

/* floor(@ns * HZ / 10^9) without overflow: the jiffy of a time. */
static uint64_t jiffy(uint64_t ns, unsigned hz)
{
	return ns / 1000000000u * hz + ns % 1000000000u * hz / 1000000000u;
}

/*
 * Linux's deferred model (gro_flush_timeout T = --napi-defer, and
 * napi_defer_hard_irqs N = --defer-hard-irqs), poll by poll at the times
 * the kernel would poll:
 *
 * - With the interrupt on, a record arriving starts a poll at once; with
 *   it deferred, only the timer does, T after the previous poll.
 * - A poll takes the records that arrived by its time, --burst at most;
 *   a full one is followed by another at the same time after a flush of
 *   the old flows (all of them if HZ < 1000), as __napi_poll does.
 * - Its end is napi_complete_done(work): work resets the deferral count
 *   to N and, with flows held, arms the timeout; a count left above 0 is
 *   taken one down, keeps the interrupt off and arms the timer; with a
 *   timer armed only the flows first held in an earlier jiffy are
 *   completed (GRO_FLUSH_OLD), otherwise all, and the interrupt is on.
 *
 * Every frame of a poll is received at the poll's jiffy, floor(time *
 * HZ), which is its age if it starts a flow.
 */
static int run_defer(struct run *r)
{
	const struct cli_opts *o = r->o;
	const uint64_t T = o->napi_defer_us * 1000;
	const unsigned hz = o->hz;
	uint64_t timer = 0, P;
	unsigned count = 0;
	int irq = 1, armed = 0;

	for (;;) {
		unsigned taken, work;
		uint64_t now, timeout = 0;

		if (read_ahead(r))
			return -1;
		if (!r->next && !gro_held(r->gro))
			return 0;
		if (!irq)
			P = timer;
		else if (armed && (!r->next || timer <= r->next->ts_ns))
			P = timer;
		else if (r->next)
			P = r->next->ts_ns;
		else
			return 0;
		now = jiffy(P, hz);
		for (;;) {
			for (taken = 0; taken < o->burst; taken++) {
				if (read_ahead(r))
					return -1;
				if (!r->next || r->next->ts_ns > P)
					break;
				take(r, now);
				if (r->out.err)
					return 0;
			}
			receive_pending(r, now);
			r->polls++;
			if (taken < o->burst)
				break;
			flush(r, now, hz >= 1000 ? GRO_FLUSH_OLD : GRO_FLUSH_ALL);
		}
		work = taken;
		if (work) {
			if (gro_held(r->gro))
				timeout = T;
			count = o->defer_irqs;
		}
		irq = 1;
		if (count > 0) {
			count--;
			timeout = T;
			irq = !timeout;
		}
		flush(r, now, timeout ? GRO_FLUSH_OLD : GRO_FLUSH_ALL);
		if (!gro_held(r->gro))
			drain(r);
		armed = timeout != 0;
		timer = P + timeout;
	}
}

int cli_coalesce(const char *in, const char *out, const struct cli_opts *o,
		 const struct cli_watch *w, struct cli_result *res)
{
	struct run r = { .o = o, .w = w, .in_path = in, .out_path = out, .t0 = mono() };
	struct gro_config cfg;
	int rc = 1, err, i;
	double t0 = mono();

	memset(res, 0, sizeof(*res));
	res->format = cap_format_of(out, o->format);
	if (cap_reader_open(&r.in, in))
		return 1;
	if (cap_writer_open(&r.out, out, res->format, 0, in, &r.in.in.st))
		goto out;
	r.out.empty_lt = cap_reader_linktype(&r.in);
	/* A pcap of a link type that cannot be coalesced, even one with no
	 * packet (a pcapng says it per packet, below). */
	if (!cap_link_ok(r.out.empty_lt)) {
		bad_link(in, r.out.empty_lt);
		goto out;
	}
	if (o->meta_path) {
		if (sout_open(&r.meta_out, o->meta_path, in, &r.in.in.st))
			goto out;
		r.meta = r.meta_out.f;
	}
	r.frames = calloc(o->burst, sizeof(*r.frames));
	r.obuf = malloc(SNAPLEN);
	if (!r.frames || !r.obuf) {
		fprintf(stderr, "gro: out of memory\n");
		goto out;
	}

	gro_config_init(&cfg);
	if (o->max_flows) {
		cfg.max_flows = o->max_flows;
		cfg.buckets = 1;
	}
	cfg.max_size = o->max_size;
	cfg.udp = o->udp;
	cfg.fraglist = (uint32_t)o->fraglist;
	memcpy(cfg.tunnels, o->tunnels, sizeof(cfg.tunnels));
	cfg.max_segs = o->max_segs;
	cfg.csum = o->rx_trust ? GRO_CSUM_TRUST : GRO_CSUM_VERIFY;
	cfg.vlan = !o->no_vlan;
	cfg.deliver = on_deliver;
	cfg.deliver_arg = &r;
	cfg.release = on_release;
	cfg.release_arg = &r;
	err = gro_create(&cfg, &r.gro);
	if (err) {
		fprintf(stderr, "gro: %s: %s\n", gro_strerror(err),
			err == GRO_EINVAL ? gro_config_error() : "engine");
		goto out;
	}

	r.show_progress = !o->quiet && !o->json && isatty(2) && S_ISREG(r.in.in.st.st_mode) &&
			  r.in.in.st.st_size > (8 << 20);
	if (o->napi_defer ? run_defer(&r) : run_polls(&r))
		goto out;
	gro_get_stats(r.gro, &res->st);
	gro_destroy(r.gro);
	r.gro = NULL;
	drain(&r);
	res->st.frames_in += r.extra.frames_in;
	res->st.bytes_in += r.extra.bytes_in;
	res->st.pkts_out += r.extra.pkts_out;
	res->st.bytes_out += r.extra.bytes_out;
	for (i = 0; i < GRO_R_SLOTS; i++)
		res->st.reasons[i] += r.extra.reasons[i];
	res->polls = r.polls;
	if (r.show_progress) {
		r.nread = res->st.frames_in;
		progress(&r, 1);
	}
	res->truncated = r.truncated;
	if (r.werr) {
		fprintf(stderr, "gro: %s: write failed: %s\n", out, strerror(errno ? errno : EIO));
		goto out;
	}
	/* The metadata first: a failure then leaves neither file. */
	if (r.meta && sout_flush(&r.meta_out)) {
		fprintf(stderr, "gro: %s: write failed: %s\n", o->meta_path, strerror(errno ? errno : EIO));
		goto out;
	}
	if (cap_writer_commit(&r.out))
		goto out;
	r.meta = NULL;
	if (o->meta_path && sout_commit(&r.meta_out))
		goto out;
	res->secs_engine = r.te;
	res->secs_total = mono() - t0;
	rc = 0;
out:
	gro_destroy(r.gro);
	/* Frames gathered but never received (an error stopped the run). */
	while (r.n)
		rec_free(&r, r.frames[--r.n].cookie);
	cap_writer_abort(&r.out);
	sout_abort(&r.meta_out);
	cap_reader_close(&r.in);
	rec_free(&r, r.next);
	while (r.chunks) {
		struct rec_chunk *c = r.chunks;

		r.chunks = c->next;
		free(c);
	}
	free(r.frames);
	free(r.obuf);
	free(r.opts);
	while (r.npend)
		free(r.pend[--r.npend].mem);
	free(r.pend);
	return rc;
}
