// SPDX-License-Identifier: MIT
/*
 * gro segment IN OUT: GRO's inverse. Every packet of IN that carries GSO
 * metadata (libgro's pcapng option, as `gro coalesce` writes it) is cut
 * back into the frames it was made of with gro_segment(); with --mss N,
 * oversized TCP frames without metadata are cut at N payload bytes too.
 * Everything else is written as it was. As with coalesce, OUT appears only
 * when all of IN was read and written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capfile.h"
#include "cli.h"

/* What one packet may become at most: its segments and their headers. */
#define SEG_MAX_BYTES	(64u << 20)
#define SEG_MAX_SEGS	65535u

struct seg_run {
	const struct seg_opts *o;
	struct seg_result *res;
	struct cap_reader in;
	struct cap_writer out;
	int out_open;
	uint8_t *frame;		/* a writable copy of the current frame */
	size_t frame_cap;
	uint8_t *buf;		/* segments */
	size_t buf_cap;
	struct gro_seg *segs;
	size_t segs_cap;
	uint8_t *rec;		/* an output record: pseudo-header + segment */
	size_t rec_cap;
	/* The current record: its link type, pseudo-header, packet start. */
	int lt;
	const uint8_t *lhdr;
	uint32_t lhdr_len, start;
};

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	void *n;

	if (need <= *cap)
		return 0;
	n = realloc(*p, need * elem);
	if (!n)
		return -1;
	*p = n;
	*cap = need;
	return 0;
}

static void pass(struct seg_run *s, const struct cap_pkt *p)
{
	struct png_opt c = { PNG_OPT_COMMENT, 0, p->comment };
	unsigned nc = 0;

	if (p->comment && strlen(p->comment) <= 0xffff) {
		c.len = (uint16_t)strlen(p->comment);
		nc = 1;
	}
	cap_writer_put(&s->out, p->linktype, p->ts_ns, p->data, p->caplen, p->len, &c, nc);
	s->res->passed++;
	s->res->frames_out++;
	s->res->bytes_out += p->caplen;
}

/* Cut @pkt; 1 if written, 0 if it is too large to (then nothing is written),
 * -1 on an error of gro_segment() (the metadata did not describe it). */
static int cut(struct seg_run *s, const struct gro_pkt *pkt, uint64_t ts)
{
	uint64_t payload = pkt->len - pkt->hdr_len;
	uint64_t nseg = payload > pkt->gso_size ? (payload + pkt->gso_size - 1) / pkt->gso_size : 1;
	uint64_t need = nseg * pkt->hdr_len + payload;
	int n, i;

	if (nseg > SEG_MAX_SEGS || need > SEG_MAX_BYTES)
		return 0;
	if (grow((void **)&s->buf, &s->buf_cap, need, 1) ||
	    grow((void **)&s->segs, &s->segs_cap, nseg, sizeof(*s->segs)))
		return 0;
	n = gro_segment(pkt, s->buf, need, s->segs, (unsigned)nseg);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		const uint8_t *d = s->segs[i].data;
		uint32_t len = s->segs[i].len;

		/* Each segment gets the record's pseudo-header back. */
		if (s->lhdr_len) {
			if (grow((void **)&s->rec, &s->rec_cap, s->lhdr_len + len, 1)) {
				s->out.err = s->out.err ? s->out.err : ENOMEM;
				return 1;
			}
			memcpy(s->rec, s->lhdr, s->lhdr_len);
			memcpy(s->rec + s->lhdr_len, d, len);
			d = s->rec;
			len += s->lhdr_len;
		}
		cap_writer_put(&s->out, s->lt, ts, d, len, len, NULL, 0);
		s->res->bytes_out += len;
	}
	s->res->segments += (uint64_t)n;
	s->res->frames_out += (uint64_t)n;
	return 1;
}

/* The IP length fields agree with the frame: no padding, nothing missing. */
static int ip_len_ok(const struct gro_pkt *pkt)
{
	const uint8_t *ip = pkt->data + pkt->l3_off;
	uint32_t l3len = pkt->len - pkt->l3_off;

	if ((ip[0] >> 4) == 4)
		return (uint32_t)(ip[2] << 8 | ip[3]) == l3len;
	return (uint32_t)(ip[4] << 8 | ip[5]) + 40 == l3len;
}

static void one(struct seg_run *s, const struct cap_pkt *p)
{
	static const uint8_t none[GRO_VNET_HDR_V1_LEN];
	const uint32_t l4_bits = GRO_GSO_TCPV4 | GRO_GSO_TCPV6 | GRO_GSO_TCP_ECN | GRO_GSO_UDP_L4;
	struct gro_pkt pkt;
	struct gro_seg seg;
	uint32_t caplen;
	int k, hdr;

	if (!p->has_meta && !p->bad_meta && !s->o->mss) {
		pass(s, p);
		return;
	}
	/* The packet after the pseudo-header is what is cut; a record whose
	 * pseudo-header names no IP packet goes out as it came. */
	hdr = cap_link_split(p->linktype, p->data, p->caplen, &s->start);
	if (hdr < 0) {
		pass(s, p);
		return;
	}
	s->lt = p->linktype;
	s->lhdr = p->data;
	s->lhdr_len = (uint32_t)hdr;
	caplen = p->caplen - (uint32_t)hdr;
	if (p->caplen < p->len) {
		/* The capture cut the frame: there is nothing to restore from. */
		s->res->truncated += p->has_meta || p->bad_meta;
		pass(s, p);
		return;
	}
	if (p->bad_meta) {
		s->res->bad_meta++;
		pass(s, p);
		return;
	}
	if (grow((void **)&s->frame, &s->frame_cap, caplen ? caplen : 1, 1)) {
		s->res->too_big++;
		pass(s, p);
		return;
	}
	memcpy(s->frame, p->data + hdr, caplen);

	if (p->has_meta) {
		uint64_t payload, want;

		k = gro_vnet_decode_start(p->meta.vnet, GRO_VNET_HDR_V1_LEN, s->frame, caplen,
					  s->start, &pkt, &seg);
		/* The virtio_net_hdr and libgro's own gso_type must tell the
		 * same story, and the segment count must come out as recorded. */
		if (k || !pkt.gso_size || (pkt.gso_type & l4_bits) != (p->meta.gso_type & l4_bits)) {
			s->res->bad_meta++;
			pass(s, p);
			return;
		}
		payload = pkt.len - pkt.hdr_len;
		want = payload > pkt.gso_size ? (payload + pkt.gso_size - 1) / pkt.gso_size : 1;
		if (want != p->meta.gso_segs) {
			s->res->bad_meta++;
			pass(s, p);
			return;
		}
		pkt.gso_type = p->meta.gso_type;
		k = cut(s, &pkt, p->ts_ns);
		if (k > 0) {
			s->res->by_meta++;
			return;
		}
		if (k < 0)
			s->res->bad_meta++;
		else
			s->res->too_big++;
		pass(s, p);
		return;
	}

	/* --mss: a TCP frame whose payload exceeds N, with IP lengths that
	 * match the frame, is cut at N bytes; the IP version gives the type. */
	if (gro_vnet_decode_start(none, sizeof(none), s->frame, caplen, s->start, &pkt, &seg) ||
	    !pkt.hdr_len ||
	    !ip_len_ok(&pkt) || pkt.len - pkt.hdr_len <= s->o->mss) {
		pass(s, p);
		return;
	}
	/* TCP only: the type says so, and gro_segment() refuses UDP. */
	pkt.gso_size = (uint16_t)s->o->mss;
	pkt.gso_type = (pkt.data[pkt.l3_off] >> 4) == 6 ? GRO_GSO_TCPV6 : GRO_GSO_TCPV4;
	k = cut(s, &pkt, p->ts_ns);
	if (k > 0) {
		s->res->by_mss++;
		return;
	}
	s->res->too_big += k == 0;
	pass(s, p);
}

static void bad_link(const char *in, int lt)
{
	fprintf(stderr, "gro: %s: unsupported link type %s (Ethernet, RAW, IPV4, IPV6, "
		"LINUX_SLL, LINUX_SLL2, NULL and LOOP captures can be segmented)\n",
		in, cap_link_name(lt));
}

int cli_segment(const char *in, const char *out, const struct seg_opts *o, struct seg_result *res)
{
	struct seg_run s = { .o = o, .res = res };
	double t0 = mono();
	int rc = 1;

	memset(res, 0, sizeof(*res));
	res->format = cap_format_of(out, o->format);
	if (cap_reader_open(&s.in, in))
		return 1;
	for (;;) {
		struct cap_pkt p;
		int k = cap_reader_next(&s.in, &p);

		if (k < 0)
			goto done;
		/* The output opens with the first packet, once the input's
		 * timestamp resolution is known. */
		if (!s.out_open) {
			if (cap_writer_open(&s.out, out, res->format, s.in.nano, in,
					    &s.in.in.st))
				goto done;
			s.out.empty_lt = cap_reader_linktype(&s.in);
			s.out_open = 1;
			/* A pcap's link type, even with no packet. */
			if (!cap_link_ok(s.out.empty_lt)) {
				bad_link(in, s.out.empty_lt);
				goto done;
			}
		}
		if (k == 0 || s.out.err)	/* the end, or a full disk */
			break;
		if (!cap_link_ok(p.linktype)) {
			bad_link(in, p.linktype);
			goto done;
		}
		res->frames_in++;
		res->bytes_in += p.caplen;
		one(&s, &p);
	}
	if (cap_writer_commit(&s.out))
		goto done;
	s.out_open = 0;
	res->secs_total = mono() - t0;
	rc = 0;
done:
	if (s.out_open)
		cap_writer_abort(&s.out);
	cap_reader_close(&s.in);
	free(s.frame);
	free(s.buf);
	free(s.segs);
	free(s.rec);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gro segment [options] IN OUT\n"
		"Cut the merged packets of the capture IN back into the frames they were made\n"
		"of, as Linux's GSO does, and write every frame to OUT. A packet is cut when it\n"
		"carries GSO metadata (a pcapng written by 'gro coalesce'), or with --mss when\n"
		"it is a TCP frame with more payload than that; every other frame is written\n"
		"as it was. A summary goes to stderr.\n"
		"\noptions:\n"
		"  --mss N              also cut TCP frames without metadata whose payload\n"
		"                       exceeds N bytes, at N bytes (IPv4 IDs count up)\n"
		"  --format=pcap|pcapng output format (default: pcapng if OUT ends in\n"
		"                       .pcapng, else pcap)\n"
		"  --json               print statistics as JSON on stdout\n"
		"  -q, --quiet          no summary\n");
	cli_usage_tail(f);
}

enum { OPT_MSS = 256, OPT_FORMAT, OPT_JSON };

static const struct option segment_opts[] = {
	{ "mss", required_argument, NULL, OPT_MSS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int cmd_segment(int argc, char **argv)
{
	struct seg_opts o = { 0 };
	struct seg_result r;
	char *end;
	unsigned long x;
	int c;

	optind = 0;	/* GNU getopt: start afresh */
	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":hqV", segment_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			cli_print_version();
			return 0;
		case 'q':
			o.quiet = 1;
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_FORMAT:
			if (cli_parse_format(&o.format, optarg))
				return 2;
			break;
		case OPT_MSS:
			errno = 0;
			x = strtoul(optarg, &end, 10);
			if (!*optarg || *optarg == '-' || *end || errno || x < 1 || x > 65535) {
				fprintf(stderr, "gro: --mss: invalid value '%s' (1 to 65535)\n", optarg);
				return 2;
			}
			o.mss = (uint32_t)x;
			break;
		default:
			return cli_bad_option("segment", c, optopt, argv, optind);
		}
	}
	if (cli_check_args("segment", argc - optind, 2))
		return 2;
	argv += optind;
	if (cli_check_stdout(argv[1], o.json, NULL))
		return 2;
	if (cli_segment(argv[0], argv[1], &o, &r))
		return 1;
	if (o.json)
		cli_print_seg_json(stdout, argv[0], argv[1], &r);
	else if (!o.quiet)
		cli_print_seg_summary(stderr, argv[0], &r);
	return 0;
}
