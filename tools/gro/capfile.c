// SPDX-License-Identifier: MIT
/* Capture files: pcap or pcapng, read and written safely (see capfile.h). */
#include <errno.h>
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

int cap_writer_open(struct cap_writer *w, const char *path, enum cap_format fmt, int nano,
		    const char *in_path, const struct stat *in)
{
	memset(w, 0, sizeof(*w));
	w->path = path;
	w->fmt = fmt;
	w->nano = nano;
	if (sout_open(&w->out, path, in_path, in))
		return 1;
	w->f = w->out.f;
	if (fmt == CAP_PCAPNG) {
		char appl[64];

		snprintf(appl, sizeof(appl), "gro (libgro) %d.%d", GRO_VERSION_MAJOR, GRO_VERSION_MINOR);
		if (png_write_head(w->f, appl, CAP_SNAPLEN, nano ? 9 : 6))
			w->err = errno ? errno : EIO;
		return 0;
	}
	w->dead = nano ? pcap_open_dead_with_tstamp_precision(DLT_EN10MB, CAP_SNAPLEN,
							       PCAP_TSTAMP_PRECISION_NANO)
		       : pcap_open_dead(DLT_EN10MB, CAP_SNAPLEN);
	w->dumper = w->dead ? pcap_dump_fopen(w->dead, w->f) : NULL;
	if (!w->dumper) {
		fprintf(stderr, "gro: %s: cannot write a capture\n", path);
		cap_writer_abort(w);
		return 1;
	}
	return 0;
}

void cap_writer_put(struct cap_writer *w, uint64_t ts_ns, const uint8_t *data, uint32_t caplen,
		    uint32_t len, const struct png_opt *opts, unsigned nopts)
{
	if (w->fmt == CAP_PCAPNG) {
		uint64_t ts = w->nano ? ts_ns : ts_ns / 1000;

		if (png_write_epb(w->f, ts, data, caplen, len, opts, nopts) && !w->err)
			w->err = errno ? errno : EIO;
	} else {
		struct pcap_pkthdr h;

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
	/* Unbuffered: the bytes are already in @f's large buffer, and a
	 * second copy would only cost time. */
	setvbuf(s, NULL, _IONBF, 0);
	return s;
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
		p->comment = q.comment;
		p->has_meta = q.has_meta;
		p->bad_meta = q.bad_meta;
		p->meta = q.meta;
		r->nano |= r->pr.nano;
		return 1;
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
		p->linktype = pcap_datalink(r->pc);
		return 1;
	}
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
