// SPDX-License-Identifier: MIT
/* Capture files: pcap or pcapng, read and written safely (see capfile.h). */
#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capfile.h"
#include "gro.h"

enum cap_format cap_format_of(const char *path, enum cap_format forced)
{
	size_t n = strlen(path);

	if (forced != CAP_AUTO)
		return forced;
	return n >= 7 && !strcasecmp(path + n - 7, ".pcapng") ? CAP_PCAPNG : CAP_PCAP;
}

const char *cap_format_name(enum cap_format f)
{
	return f == CAP_PCAPNG ? "pcapng" : "pcap";
}

/* ---------------------------------------------------------------- link types */

static const struct {
	int lt;
	const char *name;
} links[] = {
	{ LT_NULL, "NULL" }, { LT_ETHERNET, "EN10MB" }, { LT_RAW, "RAW" }, { LT_LOOP, "LOOP" },
	{ LT_LINUX_SLL, "LINUX_SLL" }, { LT_IPV4, "IPV4" }, { LT_IPV6, "IPV6" },
	{ LT_LINUX_SLL2, "LINUX_SLL2" },
};

int cap_link_ok(int lt)
{
	size_t i;

	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (links[i].lt == lt)
			return 1;
	return 0;
}

const char *cap_link_name(int lt)
{
	static char buf[32];
	const char *n;
	size_t i;

	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (links[i].lt == lt)
			return links[i].name;
	/* libpcap knows more names, by DLT_ value: the same as the link
	 * type for all but a few old ones. */
	n = lt != LT_RAW ? pcap_datalink_val_to_name(lt) : NULL;
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "%d", lt);
	return buf;
}

/* libpcap's DLT_ for a link type and back: only RAW differs among ours
 * (DLT_RAW is 12 or 14 depending on the system, LINKTYPE_RAW 101). */
static int lt_of_dlt(int dlt)
{
	return dlt == DLT_RAW ? LT_RAW : dlt;
}

static int dlt_of_lt(int lt)
{
	return lt == LT_RAW ? DLT_RAW : lt;
}

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }

/* An EtherType as a start: IPv4 or IPv6, or -1. */
static int start_of_ethertype(uint32_t type, uint32_t *start)
{
	if (type == 0x0800)
		*start = GRO_FRAME_L3_IPV4;
	else if (type == 0x86dd)
		*start = GRO_FRAME_L3_IPV6;
	else
		return -1;
	return 0;
}

/* A BSD AF_ value: AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24
 * (NetBSD, OpenBSD), 28 (FreeBSD, DragonFly), 30 (macOS). A value that
 * only makes sense byte-swapped was written in the other byte order. */
static int start_of_af(uint32_t af, uint32_t *start)
{
	if (af & 0xffff0000u)
		af = __builtin_bswap32(af);
	if (af == 2)
		*start = GRO_FRAME_L3_IPV4;
	else if (af == 10 || af == 24 || af == 28 || af == 30)
		*start = GRO_FRAME_L3_IPV6;
	else
		return -1;
	return 0;
}

int cap_link_split(int lt, const uint8_t *d, uint32_t caplen, uint32_t *start)
{
	*start = 0;
	switch (lt) {
	case LT_ETHERNET:
		return 0;
	case LT_RAW:
		*start = GRO_FRAME_L3_IP;
		return 0;
	case LT_IPV4:
		*start = GRO_FRAME_L3_IPV4;
		return 0;
	case LT_IPV6:
		*start = GRO_FRAME_L3_IPV6;
		return 0;
	case LT_LINUX_SLL:
		/* packet type, ARPHRD, address length, 8 address bytes, protocol */
		return caplen >= 16 && !start_of_ethertype(be16(d + 14), start) ? 16 : -1;
	case LT_LINUX_SLL2:
		/* protocol, reserved, ifindex, ARPHRD, packet type, address length,
		 * 8 address bytes */
		return caplen >= 20 && !start_of_ethertype(be16(d), start) ? 20 : -1;
	case LT_NULL:
		return caplen >= 4 && !start_of_af((uint32_t)d[0] | (uint32_t)d[1] << 8 |
						   (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24, start) ? 4 : -1;
	case LT_LOOP:
		return caplen >= 4 && !start_of_af(be16(d) << 16 | be16(d + 2), start) ? 4 : -1;
	}
	return -1;
}

/* ---------------------------------------------------------------- writing */

int cap_writer_open(struct cap_writer *w, const char *path, enum cap_format fmt, int nano,
		    const char *in_path, const struct stat *in)
{
	memset(w, 0, sizeof(*w));
	w->path = path;
	w->fmt = fmt;
	w->nano = nano;
	w->linktype = -1;
	w->empty_lt = LT_ETHERNET;
	if (sout_open(&w->out, path, in_path, in))
		return 1;
	w->f = w->out.f;
	if (fmt == CAP_PCAPNG) {
		char appl[64];

		snprintf(appl, sizeof(appl), "gro (libgro) %d.%d", GRO_VERSION_MAJOR, GRO_VERSION_MINOR);
		if (png_write_head(w->f, appl))
			w->err = errno ? errno : EIO;
	}
	return 0;
}

/* The pcap file header, with the first packet's link type: 0, or -1 after
 * printing an error. */
static int pcap_start(struct cap_writer *w, int lt)
{
	int dlt = dlt_of_lt(lt);

	w->linktype = lt;
	w->dead = w->nano ? pcap_open_dead_with_tstamp_precision(dlt, CAP_SNAPLEN,
								 PCAP_TSTAMP_PRECISION_NANO)
			  : pcap_open_dead(dlt, CAP_SNAPLEN);
	w->dumper = w->dead ? pcap_dump_fopen(w->dead, w->f) : NULL;
	if (!w->dumper) {
		fprintf(stderr, "gro: %s: cannot write a capture\n", w->path);
		return -1;
	}
	return 0;
}

/* The pcapng interface of link type @lt, described when first used. */
static int png_if(struct cap_writer *w, int lt, uint32_t *ifidx)
{
	unsigned i;

	for (i = 0; i < w->nif; i++)
		if (w->ifs[i] == lt) {
			*ifidx = i;
			return 0;
		}
	if (w->nif == sizeof(w->ifs) / sizeof(w->ifs[0]))
		return -1;
	{
		/* Named after what it carries: "gro-EN10MB", "gro-LINUX_SLL2". */
		char name[48];

		snprintf(name, sizeof(name), "gro-%s", cap_link_name(lt));
		if (png_write_idb(w->f, (uint16_t)lt, CAP_SNAPLEN, w->nano ? 9 : 6, name))
			return -1;
	}
	w->ifs[w->nif] = lt;
	*ifidx = w->nif++;
	return 0;
}

void cap_writer_put(struct cap_writer *w, int lt, uint64_t ts_ns, const uint8_t *data,
		    uint32_t caplen, uint32_t len, const struct png_opt *opts, unsigned nopts)
{
	if (w->fmt == CAP_PCAPNG) {
		uint64_t ts = w->nano ? ts_ns : ts_ns / 1000;
		uint32_t ifidx;

		if ((png_if(w, lt, &ifidx) ||
		     png_write_epb(w->f, ifidx, ts, data, caplen, len, opts, nopts)) && !w->err)
			w->err = errno ? errno : EIO;
	} else {
		struct pcap_pkthdr h;

		if (w->linktype < 0 && pcap_start(w, lt)) {
			w->err = w->err ? w->err : EIO;
			return;
		}
		if (lt != w->linktype) {
			/* A pcap file has one link type: say so at the end. */
			if (!w->err) {
				w->mixed = lt + 1;
				w->err = EINVAL;
			}
			return;
		}
		h.ts.tv_sec = (time_t)(ts_ns / 1000000000u);
		h.ts.tv_usec = (suseconds_t)(w->nano ? ts_ns % 1000000000u : ts_ns % 1000000000u / 1000);
		h.caplen = caplen;
		h.len = len;
		pcap_dump((u_char *)w->dumper, &h, data);
		/* pcap_dump() says nothing: the stream remembers, and errno
		 * is still the failed write's. */
		if (!w->err && ferror(w->f))
			w->err = errno ? errno : EIO;
	}
}

int cap_writer_commit(struct cap_writer *w)
{
	int e = w->err;

	if (w->mixed) {
		fprintf(stderr, "gro: %s: packets of link types %s and %s, which one pcap file cannot "
			"hold: write pcapng (--format=pcapng)\n", w->path, cap_link_name(w->linktype),
			cap_link_name(w->mixed - 1));
		cap_writer_abort(w);
		return 1;
	}
	/* No packet: a capture of the input's link type with nothing in it
	 * (pcapng: one interface, without which readers refuse the file). */
	if (w->fmt != CAP_PCAPNG && w->linktype < 0 && !e &&
	    pcap_start(w, w->empty_lt)) {
		cap_writer_abort(w);
		return 1;
	}
	if (w->fmt == CAP_PCAPNG && !w->nif && !e) {
		uint32_t ifidx;

		if (png_if(w, w->empty_lt, &ifidx))
			e = errno ? errno : EIO;
	}
	if (w->dumper) {
		/* libpcap's own flush, then ours (the disk), then its close,
		 * which closes the stream. */
		errno = 0;
		if (!e && (pcap_dump_flush(w->dumper) || ferror(w->f)))
			e = errno ? errno : EIO;
		if (!e && sout_flush(&w->out))
			e = errno ? errno : EIO;
		pcap_dump_close(w->dumper);
		w->dumper = NULL;
		w->out.f = NULL;
	}
	w->f = NULL;
	if (e) {
		fprintf(stderr, "gro: %s: write failed: %s\n", w->path, strerror(e));
		cap_writer_abort(w);
		return 1;
	}
	if (sout_commit(&w->out)) {
		cap_writer_abort(w);
		return 1;
	}
	cap_writer_abort(w);
	return 0;
}

void cap_writer_abort(struct cap_writer *w)
{
	if (w->dumper) {
		pcap_dump_close(w->dumper);
		w->dumper = NULL;
		w->out.f = NULL;
	}
	w->f = NULL;
	if (w->dead) {
		pcap_close(w->dead);
		w->dead = NULL;
	}
	sout_abort(&w->out);
}

/*
 * A pipe cannot be rewound after its first bytes were looked at: this
 * stream gives them again, then the rest of the input.
 */
struct replay {
	FILE *f;
	uint8_t head[4];
	size_t n, pos;
	char buf[SOUT_BUFSIZE];	/* the stream's own */
};

static ssize_t replay_read(void *c, char *buf, size_t len)
{
	struct replay *r = c;
	size_t k = 0;

	if (r->pos < r->n) {
		k = r->n - r->pos < len ? r->n - r->pos : len;
		memcpy(buf, r->head + r->pos, k);
		r->pos += k;
		return (ssize_t)k;
	}
	k = fread(buf, 1, len, r->f);
	return k || !ferror(r->f) ? (ssize_t)k : -1;
}

static int replay_close(void *c)
{
	struct replay *r = c;
	int e = fclose(r->f);

	free(r);
	return e;
}

static FILE *replay_open(FILE *f, const uint8_t *head, size_t n)
{
	static const cookie_io_functions_t io = { .read = replay_read, .close = replay_close };
	struct replay *r = calloc(1, sizeof(*r));
	FILE *s;

	if (!r)
		return NULL;
	r->f = f;
	memcpy(r->head, head, n);
	r->n = n;
	s = fopencookie(r, "rb", io);
	if (!s) {
		free(r);
		return NULL;
	}
	/* Buffered: glibc reads an unbuffered cookie stream a byte at a
	 * time, one call of replay_read() each. A read as large as @f's
	 * buffer goes straight from the pipe into this one. */
	setvbuf(s, r->buf, _IOFBF, sizeof(r->buf));
	__fsetlocking(s, FSETLOCKING_BYCALLER);
	return s;
}

/*
 * pcap read in place. libpcap copies every record twice (into its stdio
 * buffer, then into a buffer of its own) and its stdio stream cannot be a
 * mapping; the common files, a regular file of pcap 2.4 in either byte
 * order with microsecond or nanosecond timestamps and a link type the tool
 * takes, are read here from the mapped file, as libpcap reads them (the
 * same fields, the same limits, the same messages). Anything else (a pipe,
 * older versions, other magic numbers, other link types) is for libpcap.
 */
#define PCAP_MAGIC_US	0xa1b2c3d4u
#define PCAP_MAGIC_NS	0xa1b23c4du
#define PCAP_MAX_SNAP	262144u		/* libpcap's limit for our link types */

static uint32_t map32(const struct cap_reader *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

/* The mapped file is such a pcap: start reading it. */
static int map_open(struct cap_reader *r)
{
	const uint8_t *h = r->in.map;
	uint32_t magic;
	uint16_t major, minor;

	if (!h || r->in.map_len < 24)
		return -1;
	memcpy(&magic, h, 4);
	r->swap = magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS;
	magic = map32(r, h);
	if (magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS)
		return -1;
	memcpy(&major, h + 4, 2);
	memcpy(&minor, h + 6, 2);
	if (r->swap) {
		major = __builtin_bswap16(major);
		minor = __builtin_bswap16(minor);
	}
	/* LT_LINKTYPE(): the upper bits say whether an FCS follows. */
	r->lt = (int)(map32(r, h + 20) & 0x03ffffffu);
	if (major != 2 || minor != 4 || !cap_link_ok(r->lt))
		return -1;
	r->snap = map32(r, h + 16);
	if (!r->snap || r->snap > PCAP_MAX_SNAP)
		r->snap = PCAP_MAX_SNAP;
	r->nano = magic == PCAP_MAGIC_NS;
	r->off = 24;
	r->mapped = 1;
	return 0;
}

static int map_next(struct cap_reader *r, struct cap_pkt *p)
{
	const uint8_t *h = r->in.map + r->off;
	size_t left = r->in.map_len - r->off;
	uint32_t caplen;

	if (!left)
		return 0;
	if (left < 16) {
		fprintf(stderr, "gro: %s: truncated capture: truncated dump file; tried to read 16 "
			"header bytes, only got %zu\n", r->path, left);
		return -1;
	}
	left -= 16;
	caplen = map32(r, h + 8);
	if (caplen > PCAP_MAX_SNAP) {
		if (caplen > r->snap)
			fprintf(stderr, "gro: %s: invalid packet capture length %u, bigger than snaplen "
				"of %u\n", r->path, caplen, r->snap);
		else
			fprintf(stderr, "gro: %s: invalid packet capture length %u, bigger than maximum "
				"of %u\n", r->path, caplen, PCAP_MAX_SNAP);
		return -1;
	}
	/* libpcap reads a record longer than the file's snapshot length in
	 * two steps, the snapshot length then the rest, and names the step
	 * that came short. */
	if (left < caplen) {
		fprintf(stderr, "gro: %s: truncated capture: truncated dump file; tried to read %u "
			"captured bytes, only got %zu\n", r->path,
			left < r->snap && caplen > r->snap ? r->snap : caplen, left);
		return -1;
	}
	/* The seconds and their fraction are signed, as libpcap reads them. */
	p->ts_ns = (uint64_t)(int64_t)(int32_t)map32(r, h) * 1000000000u +
		   (uint64_t)(int64_t)(int32_t)map32(r, h + 4) * (r->nano ? 1u : 1000u);
	p->len = map32(r, h + 12);
	/* A record longer than the snapshot length is cut to it. */
	p->caplen = caplen < r->snap ? caplen : r->snap;
	p->data = h + 16;
	p->linktype = r->lt;
	r->off += 16 + (size_t)caplen;
	return 1;
}

int cap_reader_open(struct cap_reader *r, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	uint8_t m[4] = { 0 };
	size_t got;

	memset(r, 0, sizeof(*r));
	r->path = path;
	if (sin_open(&r->in, path))
		return 1;
	r->f = r->in.f;
	if (!map_open(r))
		return 0;
	if (r->in.map && r->in.map_len >= 4 && !memcmp(r->in.map, "\x0a\x0d\x0d\x0a", 4)) {
		/* pcapng read in place as well. */
		r->png = 1;
		if (png_open_mem(&r->pr, r->in.map, r->in.map_len, path)) {
			fprintf(stderr, "gro: %s: %s\n", path, r->pr.err);
			cap_reader_close(r);
			return 1;
		}
		return 0;
	}
	got = fread(m, 1, 4, r->f);
	if (ferror(r->f)) {
		fprintf(stderr, "gro: %s: %s\n", path, strerror(errno ? errno : EIO));
		cap_reader_close(r);
		return 1;
	}
	/* fseek() is not even tried on a pipe: what stdio does with the
	 * bytes it buffered when a seek fails is not specified. */
	if (lseek(fileno(r->f), 0, SEEK_CUR) < 0 || fseek(r->f, 0, SEEK_SET)) {
		FILE *s = replay_open(r->f, m, got);

		if (!s) {
			fprintf(stderr, "gro: %s: %s\n", path, strerror(errno ? errno : ENOMEM));
			cap_reader_close(r);
			return 1;
		}
		r->f = s;	/* closes in.f when closed */
	}
	if (got == 4 && m[0] == 0x0A && m[1] == 0x0D && m[2] == 0x0D && m[3] == 0x0A) {
		r->png = 1;
		if (png_open(&r->pr, r->f, path)) {
			fprintf(stderr, "gro: %s: %s\n", path, r->pr.err);
			cap_reader_close(r);
			return 1;
		}
		return 0;
	}
	/* Anything else is for libpcap: the pcap formats, or garbage. */
	if (got == 4 && ((m[0] == 0xa1 && m[1] == 0xb2 && m[2] == 0x3c && m[3] == 0x4d) ||
			 (m[0] == 0x4d && m[1] == 0x3c && m[2] == 0xb2 && m[3] == 0xa1)))
		r->nano = 1;
	r->pc = pcap_fopen_offline_with_tstamp_precision(r->f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!r->pc) {
		if (strstr(errbuf, "unknown file format") || strstr(errbuf, "too short") || got < 4)
			fprintf(stderr, "gro: %s: not a pcap or pcapng capture\n", path);
		else
			fprintf(stderr, "gro: %s: %s\n", path, errbuf);
		cap_reader_close(r);
		return 1;
	}
	r->f = NULL;		/* libpcap owns it now */
	return 0;
}

int cap_reader_next(struct cap_reader *r, struct cap_pkt *p)
{
	memset(p, 0, sizeof(*p));
	if (r->png) {
		struct png_pkt q;
		int k = png_next(&r->pr, &q);

		if (k < 0) {
			fprintf(stderr, "gro: %s: %s\n", r->path, r->pr.err);
			return -1;
		}
		if (k == 0)
			return 0;
		p->ts_ns = q.ts_ns;
		p->caplen = q.caplen;
		p->len = q.origlen;
		p->data = q.data;
		p->linktype = q.linktype;
		p->ifidx = q.ifidx;
		p->comment = q.comment;
		p->has_meta = q.has_meta;
		p->bad_meta = q.bad_meta;
		p->meta = q.meta;
		r->nano |= r->pr.nano;
		return 1;
	} else if (r->mapped) {
		return map_next(r, p);
	} else {
		struct pcap_pkthdr *h;
		const u_char *data;
		int k = pcap_next_ex(r->pc, &h, &data);

		if (k == PCAP_ERROR) {
			const char *e = pcap_geterr(r->pc);

			fprintf(stderr, "gro: %s: %s%s\n", r->path,
				strstr(e, "truncated") ? "truncated capture: " : "", e);
			return -1;
		}
		if (k != 1)
			return 0;
		p->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
		p->caplen = h->caplen;
		p->len = h->len;
		p->data = data;
		p->linktype = lt_of_dlt(pcap_datalink(r->pc));
		return 1;
	}
}

int cap_reader_linktype(const struct cap_reader *r)
{
	if (r->mapped)
		return r->lt;
	return r->pc ? lt_of_dlt(pcap_datalink(r->pc)) : LT_ETHERNET;
}

long long cap_reader_pos(const struct cap_reader *r)
{
	if (r->mapped)
		return (long long)r->off;
	if (r->png && r->pr.map)
		return (long long)r->pr.off;
	return r->pc ? ftell(pcap_file(r->pc)) : r->f ? ftell(r->f) : -1;
}

void cap_reader_close(struct cap_reader *r)
{
	if (r->png)
		png_close(&r->pr);
	if (r->pc)
		pcap_close(r->pc);
	if (r->f)
		fclose(r->f);
	r->pc = NULL;
	r->f = NULL;
	sin_free(&r->in);
}
