// SPDX-License-Identifier: MIT
/*
 * gro demo [DIR]: the main job on a built-in capture. It makes a capture of
 * interleaved TCP bulk transfers over IPv4 and IPv6, as a NIC would hand
 * them to the host (segments of a flow in short runs, flows interleaved),
 * with the ACKs of the other direction, PSH at the end of each message,
 * one retransmission and one segment with a bad checksum; coalesces it;
 * and shows per flow what came in and what went up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "democap.h"

#define NFLOWS 5
#define MAXROWS 16

struct row {
	char name[128];
	uint64_t in, out, super, segs, bytes_in;
};

struct table {
	struct row r[MAXROWS];
	int n;
};

/* "addr:port > addr:port" of a frame, or "(other)" for non-TCP. */
static void flow_name(const uint8_t *p, uint32_t len, char *buf, size_t cap)
{
	uint32_t off = 14;
	uint16_t type = len >= 14 ? (uint16_t)(p[12] << 8 | p[13]) : 0;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	const uint8_t *th;

	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= len) {
		type = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
		off += 4;
	}
	if (type == 0x0800 && off + 20 <= len && p[off + 9] == 6) {
		inet_ntop(AF_INET, p + off + 12, a, sizeof(a));
		inet_ntop(AF_INET, p + off + 16, b, sizeof(b));
		th = p + off + (p[off] & 15) * 4;
	} else if (type == 0x86dd && off + 40 <= len && p[off + 6] == 6) {
		inet_ntop(AF_INET6, p + off + 8, a, sizeof(a));
		inet_ntop(AF_INET6, p + off + 24, b, sizeof(b));
		th = p + off + 40;
	} else {
		snprintf(buf, cap, "(other)");
		return;
	}
	if (th + 4 > p + len) {
		snprintf(buf, cap, "(other)");
		return;
	}
	snprintf(buf, cap, "%s%s%s:%u > %s%s%s:%u", type == 0x86dd ? "[" : "", a,
		 type == 0x86dd ? "]" : "", th[0] << 8 | th[1], type == 0x86dd ? "[" : "", b,
		 type == 0x86dd ? "]" : "", th[2] << 8 | th[3]);
}

static struct row *row_of(struct table *t, const uint8_t *p, uint32_t len)
{
	char name[128];
	int i;

	flow_name(p, len, name, sizeof(name));
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->r[i].name, name))
			return &t->r[i];
	if (t->n == MAXROWS)
		return NULL;
	snprintf(t->r[t->n].name, sizeof(t->r[0].name), "%s", name);
	return &t->r[t->n++];
}

static void watch_in(void *arg, const uint8_t *frame, uint32_t len)
{
	struct row *r = row_of(arg, frame, len);

	if (r) {
		r->in++;
		r->bytes_in += len;
	}
}

static void watch_out(void *arg, const struct gro_pkt *pkt)
{
	struct row *r = row_of(arg, pkt->data, pkt->segs[0].len);

	if (r) {
		r->out++;
		if (pkt->gso_segs > 1) {
			r->super++;
			r->segs += pkt->gso_segs;
		}
	}
}

/* One direction of a bulk transfer and its ACK stream. */
struct flow {
	struct dc_frame data, ack;
	uint32_t mss, sent, msg;
};

static void flow_init(struct flow *f, int idx)
{
	int v6 = idx >= 3;

	memset(f, 0, sizeof(*f));

	dc_init(&f->data, v6);
	f->data.sport = (uint16_t)(443 + idx * 1000);
	f->data.dport = (uint16_t)(50000 + idx);
	f->data.seq = 1000000u * (idx + 1);
	f->data.ack = 7000u + idx;
	f->data.window = 501;
	f->data.ip_id = (uint16_t)(idx * 4000);
	if (v6)
		f->data.saddr[15] = (uint8_t)(0x10 + idx);
	else
		f->data.saddr[3] = (uint8_t)(10 + idx);
	f->data.tsval = 100000 + idx;
	f->data.tsecr = 9000;
	f->mss = v6 ? 1428 : 1448;
	f->data.payload_len = f->mss;
	f->msg = 12 + idx * 3;

	/* The reverse direction: pure ACKs. */
	f->ack = f->data;
	memcpy(f->ack.saddr, f->data.daddr, 16);
	memcpy(f->ack.daddr, f->data.saddr, 16);
	memcpy(f->ack.src_mac, f->data.dst_mac, 6);
	memcpy(f->ack.dst_mac, f->data.src_mac, 6);
	f->ack.sport = f->data.dport;
	f->ack.dport = f->data.sport;
	f->ack.seq = f->data.ack;
	f->ack.ack = f->data.seq;
	f->ack.payload_len = 0;
	f->ack.ip_id = (uint16_t)(idx * 333);
}

static void send_data(struct dc_list *l, struct flow *f, int bad_csum)
{
	struct dc_frame d = f->data;

	f->sent++;
	/* Messages end with PSH and a short tail, as an application write does. */
	if (f->sent % f->msg == 0) {
		d.flags |= DC_PSH;
		d.payload_len = f->mss / 3;
	}
	d.bad_tcp_csum = bad_csum;
	dc_list_add(l, &d);
	f->data.seq += d.payload_len;
	f->data.ip_id++;
	if (f->sent % 8 == 0) {
		/* Timestamps tick: a new run of segments starts. */
		f->data.tsval = 100000 + f->sent;
		f->data.tsecr = 9000 + f->sent / 8;
	}
}

static void send_ack(struct dc_list *l, struct flow *f)
{
	f->ack.ack = f->data.seq;
	f->ack.ip_id++;
	dc_list_add(l, &f->ack);
}

static void make_capture(struct dc_list *l)
{
	struct flow fl[NFLOWS];
	int round, i, k;

	for (i = 0; i < NFLOWS; i++)
		flow_init(&fl[i], i);
	for (round = 0; round < 40; round++) {
		for (i = 0; i < NFLOWS; i++) {
			/* A NIC interrupt's worth of one flow: a few segments. */
			int run = 3 + (round + i) % 4;

			for (k = 0; k < run; k++)
				send_data(l, &fl[i], round == 17 && i == 1 && k == 1);
			if ((round + i) % 3 == 0)
				send_ack(l, &fl[(i + 2) % NFLOWS]);
		}
		if (round == 23) {
			/* A retransmission of an old segment of flow 0. */
			struct dc_frame d = fl[0].data;

			d.seq -= 10 * fl[0].mss;
			dc_list_add(l, &d);
		}
		dc_list_gap(l, 50);
	}
}

static const struct option demo_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int cmd_demo(int argc, char **argv)
{
	const char *dir = "gro-demo";
	struct dc_list l;
	struct cli_opts o;
	struct cli_result res;
	struct table t = { .n = 0 };
	struct cli_watch w = { .in = watch_in, .out = watch_out, .arg = &t };
	char *in = NULL, *out = NULL;
	int i, rc = 1;

	optind = 0;	/* GNU getopt: start afresh */
	opterr = 0;	/* our own one-line messages */
	while ((i = getopt_long(argc, argv, ":hV", demo_opts, NULL)) != -1) {
		switch (i) {
		case 'h':
			printf("usage: gro demo [DIR]\nWrite DIR/demo-in.pcap (a built-in capture of 5 TCP flows),\n"
			       "coalesce it into DIR/demo-out.pcap, and show what changed. DIR: gro-demo\n"
			       "\noptions:\n"
			       "  -h, --help           this help\n"
			       "  -V, --version        the version of gro and libgro\n");
			return 0;
		case 'V':
			cli_print_version();
			return 0;
		default:
			if (optopt > 0 && optopt < 128)
				fprintf(stderr, "gro: unknown option '-%c'\n", optopt);
			else
				fprintf(stderr, "gro: unknown option '%s'\n", argv[optind - 1]);
			fprintf(stderr, "usage: gro demo [DIR]\n");
			return 2;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "gro: demo: too many arguments\nusage: gro demo [DIR]\n");
		return 2;
	}
	if (optind < argc)
		dir = argv[optind];
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "gro: %s: cannot create: %s\n", dir, strerror(errno));
		return 1;
	}
	if (asprintf(&in, "%s/demo-in.pcap", dir) < 0 || asprintf(&out, "%s/demo-out.pcap", dir) < 0)
		return 1;
	if (dc_list_open(&l, in))
		goto done;
	make_capture(&l);
	if (dc_list_close(&l))
		goto done;
	cli_opts_init(&o);
	if (cli_coalesce(in, out, &o, &w, &res))
		goto done;

	printf("libgro demo: %zu frames of 5 interleaved TCP flows (3 IPv4, 2 IPv6) with their\n"
	       "ACKs, PSH-terminated messages, one retransmission and one bad checksum.\n\n",
	       l.n);
	cli_print_summary(stdout, in, &res);
	printf("\n%-44s %8s %8s %8s %10s\n", "flow", "frames", "packets", "merged", "segs/merged");
	for (i = 0; i < t.n; i++)
		printf("%-44s %8llu %8llu %8llu %10.1f\n", t.r[i].name,
		       (unsigned long long)t.r[i].in, (unsigned long long)t.r[i].out,
		       (unsigned long long)t.r[i].super,
		       t.r[i].super ? (double)t.r[i].segs / t.r[i].super : 0.0);
	printf("\nBefore: %s   after: %s   (open them with tcpdump -r or Wireshark)\n", in, out);
	rc = 0;
done:
	free(in);
	free(out);
	return rc;
}
