// SPDX-License-Identifier: MIT
/*
 * Replaying a capture through the engine, poll by poll, and writing what
 * it delivers. A poll is up to --burst frames whose timestamps lie within
 * --flush-timeout of the poll's first; at its end everything held is
 * completed, as napi_complete_done does. The output file appears only when
 * the whole input was read and written: a failure leaves nothing behind.
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

/* An input frame as the engine sees it, and what the output needs of it. */
struct rec {
	struct timeval ts;
	uint32_t orig_len;	/* length on the wire, if the capture cut it */
	uint32_t len;
	uint8_t data[];
};

struct run {
	const struct cli_opts *o;
	const struct cli_watch *w;
	const char *in_path, *out_path;
	struct cap_writer out;
	struct sout meta_out;
	FILE *meta;		/* meta_out.f, or NULL without --meta */
	uint64_t nout;
	uint8_t *obuf;
	int werr;
};

void cli_opts_init(struct cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->burst = 64;
	o->flush_timeout_us = 1000;
	o->max_size = 65535;
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
static void write_meta(FILE *f, uint64_t idx, const struct gro_pkt *p)
{
	unsigned type = 0;

	if (p->gso_type & GRO_GSO_TCPV4)
		type = 1;
	else if (p->gso_type & GRO_GSO_TCPV6)
		type = 4;
	else if (p->gso_type & GRO_GSO_UDP_L4)
		type = 5;
	if (p->gso_type & GRO_GSO_TCP_ECN)
		type |= 0x80;
	fprintf(f, "%llu %u %u %u %u %u %u %u\n", (unsigned long long)idx, p->len, type,
		p->gso_size, p->hdr_len, p->csum_partial ? p->csum_start : 0,
		p->csum_partial ? p->csum_offset : 0,
		p->csum_partial ? 1u : p->csum_valid ? 2u : 0u);
}

/* The GSO metadata of a super-packet as pcapng options: a comment for
 * people, libgro's custom option (see pcapng.h) for `gro segment`. The
 * virtio_net_hdr describes the bytes written: NEEDS_CSUM with the
 * pseudo-header seed (--csum=partial), or DATA_VALID with the checksum
 * complete. */
static void write_pkt(struct run *r, const struct gro_pkt *p, const struct pcap_pkthdr *h)
{
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * 1000u;
	struct png_opt opts[2];
	struct gro_meta m;
	struct gro_pkt q;
	uint8_t val[GRO_META_LEN];
	char comment[160];
	int partial = r->o->csum_partial && p->csum_partial;

	if (r->out.fmt != CAP_PCAPNG || p->gso_segs < 2) {
		cap_writer_put(&r->out, ts, r->obuf, h->caplen, h->len, NULL, 0);
		return;
	}
	q = *p;
	q.csum_partial = (uint8_t)partial;
	if (gro_vnet_encode(&q, m.vnet, sizeof(m.vnet)) != (int)sizeof(m.vnet)) {
		/* Not describable (never for what the engine delivers). */
		cap_writer_put(&r->out, ts, r->obuf, h->caplen, h->len, NULL, 0);
		return;
	}
	if (!partial)
		m.vnet[0] = GRO_VNET_F_DATA_VALID;
	m.gso_type = p->gso_type;
	m.gso_segs = p->gso_segs;
	gro_meta_pack(&m, val);
	snprintf(comment, sizeof(comment), "gro: gso_size=%u gso_segs=%u %s%s%s%s%s hdr_len=%u csum=%s",
		 p->gso_size, p->gso_segs,
		 p->gso_type & GRO_GSO_UDP_L4 ? "udp" : p->gso_type & GRO_GSO_TCPV6 ? "tcpv6" : "tcpv4",
		 p->gso_type & GRO_GSO_FRAGLIST ? "+fraglist" : "",
		 p->gso_type & GRO_GSO_TCP_ECN ? "+ecn" : "",
		 p->gso_type & GRO_GSO_TCP_FIXEDID ? "+fixedid" : "",
		 p->gso_type & GRO_GSO_TCP_ACCECN ? "+accecn" : "", p->hdr_len,
		 partial ? "partial" : "full");
	opts[0] = (struct png_opt){ PNG_OPT_COMMENT, (uint16_t)strlen(comment), comment };
	opts[1] = (struct png_opt){ PNG_OPT_CUSTOM_BIN, GRO_META_LEN, val };
	cap_writer_put(&r->out, ts, r->obuf, h->caplen, h->len, opts, 2);
}

static void on_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct run *r = arg;
	unsigned i;

	for (i = 0; i < n; i++) {
		const struct gro_pkt *p = &pkts[i];
		const struct rec *head = p->segs[0].cookie;
		struct pcap_pkthdr h;
		uint32_t k;
		long len;

		if (r->w && r->w->out)
			r->w->out(r->w->arg, p);
		len = gro_pkt_linearize(p, r->obuf, SNAPLEN, r->o->csum_partial ? 0 : GRO_LIN_CSUM);
		if (len < 0) {
			r->werr = 1;
			continue;
		}
		/* A packet is stamped with the arrival of its last segment. */
		h.ts = head->ts;
		for (k = 1; k < p->nsegs; k++) {
			const struct rec *seg = p->segs[k].cookie;

			if (timercmp(&seg->ts, &h.ts, >))
				h.ts = seg->ts;
		}
		h.caplen = (uint32_t)len;
		/* A frame passed through keeps its wire length, even if the
		 * capture had cut it short. */
		h.len = p->gso_segs == 1 ? head->orig_len : (uint32_t)len;
		write_pkt(r, p, &h);
		if (r->meta)
			write_meta(r->meta, r->nout, p);
		r->nout++;
	}
}

static void progress(const char *in, FILE *f, off_t size, uint64_t frames, int done)
{
	long pos = f ? ftell(f) : -1;
	int pct = done ? 100 : (pos > 0 && size > 0 ? (int)(pos * 100 / size) : 0), i;
	char bar[31];

	for (i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '#' : '.';
	bar[30] = 0;
	fprintf(stderr, "\r%s [%s] %3d%% %llu frames%s", in, bar, pct,
		(unsigned long long)frames, done ? "\n" : "");
}

int cli_coalesce(const char *in, const char *out, const struct cli_opts *o,
		 const struct cli_watch *w, struct cli_result *res)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct run r = { .o = o, .w = w, .in_path = in, .out_path = out };
	struct gro_config cfg;
	struct gro_ctx *gro = NULL;
	struct gro_frame *frames = NULL;
	struct sin sin;
	pcap_t *pin = NULL;
	uint8_t *arena = NULL;
	size_t arena_cap = (size_t)o->burst * (sizeof(struct rec) + SNAPLEN + 16), used = 0;
	unsigned n = 0;
	int rc = 1, err, show_progress = 0;
	uint64_t first_us = 0, nread = 0;
	double t0 = mono(), te;

	memset(res, 0, sizeof(*res));
	res->format = cap_format_of(out, o->format);
	if (sin_open(&sin, in))
		return 1;
	pin = pcap_fopen_offline(sin.f, errbuf);
	if (!pin) {
		if (strstr(errbuf, "unknown file format") || strstr(errbuf, "too short"))
			fprintf(stderr, "gro: %s: not a pcap or pcapng capture\n", in);
		else
			fprintf(stderr, "gro: %s: %s\n", in, errbuf);
		fclose(sin.f);
		sin_free(&sin);
		return 1;
	}
	if (pcap_datalink(pin) != DLT_EN10MB) {
		fprintf(stderr, "gro: %s: unsupported link type %s (only Ethernet captures can be coalesced)\n",
			in, pcap_datalink_val_to_name(pcap_datalink(pin)) ?: "unknown");
		goto out;
	}
	if (cap_writer_open(&r.out, out, res->format, 0, in, &sin.st))
		goto out;
	if (o->meta_path) {
		if (sout_open(&r.meta_out, o->meta_path, in, &sin.st))
			goto out;
		r.meta = r.meta_out.f;
	}
	frames = calloc(o->burst, sizeof(*frames));
	arena = malloc(arena_cap);
	r.obuf = malloc(SNAPLEN);
	if (!frames || !arena || !r.obuf) {
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
	err = gro_create(&cfg, &gro);
	if (err) {
		fprintf(stderr, "gro: %s: %s\n", gro_strerror(err),
			err == GRO_EINVAL ? gro_config_error() : "engine");
		goto out;
	}

	show_progress = !o->quiet && !o->json && isatty(2) && S_ISREG(sin.st.st_mode) &&
			sin.st.st_size > (8 << 20);
	te = 0;
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int got = pcap_next_ex(pin, &h, &data);
		uint64_t us = 0;

		if (got == PCAP_ERROR) {
			const char *e = pcap_geterr(pin);

			fprintf(stderr, "gro: %s: %s%s\n", in,
				strstr(e, "truncated") ? "truncated capture: " : "", e);
			goto out;
		}
		if (got == 1)
			us = (uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec;
		/* End of a poll: the burst is full, the next frame is too late
		 * for it, or the input ended. */
		if (n && (got != 1 || n == o->burst || us - first_us > o->flush_timeout_us)) {
			double t = mono();

			gro_receive(gro, frames, n, first_us * 1000);
			gro_flush(gro, first_us * 1000, GRO_FLUSH_ALL);
			te += mono() - t;
			res->polls++;
			n = 0;
			used = 0;
		}
		if (got != 1)
			break;

		{
			struct rec *rec = (struct rec *)(arena + used);

			rec->ts = h->ts;
			rec->orig_len = h->len;
			rec->len = h->caplen;
			memcpy(rec->data, data, h->caplen);
			used += (sizeof(*rec) + h->caplen + 15) & ~(size_t)15;
			if (!n)
				first_us = us;
			frames[n] = (struct gro_frame){ .data = rec->data, .len = rec->len, .cookie = rec };
			if (w && w->in)
				w->in(w->arg, rec->data, rec->len);
			n++;
		}
		if (show_progress && !(++nread & 0xffff))
			progress(in, pcap_file(pin), sin.st.st_size, nread, 0);
		/* A full disk: stop rather than read the rest for nothing
		 * (cap_writer_commit() reports it). */
		if (r.out.err)
			break;
	}
	gro_get_stats(gro, &res->st);
	gro_destroy(gro);
	gro = NULL;
	if (show_progress)
		progress(in, NULL, sin.st.st_size, res->st.frames_in, 1);
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
	res->secs_engine = te;
	res->secs_total = mono() - t0;
	rc = 0;
out:
	gro_destroy(gro);
	cap_writer_abort(&r.out);
	sout_abort(&r.meta_out);
	pcap_close(pin);
	sin_free(&sin);
	free(frames);
	free(arena);
	free(r.obuf);
	return rc;
}
