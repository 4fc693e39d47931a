// SPDX-License-Identifier: MIT
/*
 * gro relay [options] IN OUT: a live GRO datapath between an interface and
 * a TAP, a TUN or another interface.
 *
 * Each pass of the loop is one NAPI poll: up to --burst frames from IN go
 * into the engine; when IN ran dry every held packet is completed (as
 * napi_complete_done does), otherwise only the ones held longer than
 * --flush-timeout, and the loop polls again. Delivered packets go to OUT as
 * one writev() each: the virtio_net_hdr from gro_vnet_encode(), then the
 * spans where they lie in IN's ring. What comes back from OUT goes into IN
 * as it is.
 *
 * With --threads N, N loops run side by side, each with its own ring
 * (PACKET_FANOUT_HASH spreads flows over them as RSS spreads them over a
 * NIC's queues), its own engine and its own queue of a multi-queue TAP.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "relay.h"

#define MAX_IOV		1024		/* spans in one writev(): IOV_MAX */
#define MAX_THREADS	16

struct relay_opts {
	struct cli_opts eng;		/* the engine's settings, as for coalesce */
	enum relay_input input;
	int gro_off;
	unsigned threads;
	double interval;		/* seconds between live lines; 0: none */
	double duration;		/* stop after this many seconds; 0: never */
};

/* What one loop counted. */
struct relay_count {
	uint64_t frames_in, bytes_in;
	uint64_t pkts_out, bytes_out;
	uint64_t back, back_bytes;
	uint64_t polls;
	struct relay_drops drops;
	struct gro_stats st;		/* the engine's, copied at each report */
};

struct relay_q {
	const struct relay_opts *o;
	struct relay_in in;
	struct relay_out out;
	struct gro_ctx *gro;
	struct relay_count c;		/* the loop's own, written by its thread only */
	struct relay_count pub;		/* c as of the last snapshot(), under lock */
	pthread_t thread;
	pthread_mutex_t lock;
	uint8_t *flat;			/* a super-packet of more than MAX_IOV spans */
	size_t flat_len;
	struct gro_frame *frames;
	struct iovec iov[1 + MAX_IOV];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The deliver hook: each packet one writev() into OUT, without a copy. */
static void deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct relay_q *q = arg;
	unsigned i, k;

	for (i = 0; i < n; i++) {
		const struct gro_pkt *p = &pkts[i];
		uint8_t hdr[GRO_VNET_HDR_V1_LEN];
		struct iovec *iov = q->iov + 1;
		unsigned niov;

		if (gro_vnet_encode(p, hdr, (size_t)q->out.vnet_hdr_sz) < 0) {
			q->c.drops.encode++;
			continue;
		}
		if (p->nsegs <= MAX_IOV) {
			for (k = 0; k < p->nsegs; k++)
				iov[k] = (struct iovec){ .iov_base = p->segs[k].data,
							 .iov_len = p->segs[k].len };
			niov = p->nsegs;
		} else {
			/* Thousands of tiny segments: one copy, the checksum
			 * still partial as the header says. */
			long len = gro_pkt_linearize(p, q->flat, q->flat_len, 0);

			if (len < 0) {
				q->c.drops.encode++;
				continue;
			}
			iov[0] = (struct iovec){ .iov_base = q->flat, .iov_len = (size_t)len };
			niov = 1;
		}
		if (!relay_out_write(&q->out, hdr, iov, niov, &q->c.drops)) {
			q->c.pkts_out++;
			q->c.bytes_out += p->len;
		}
	}
}

static void release(void *arg, void *cookie)
{
	struct relay_q *q = arg;

	relay_in_release(&q->in, cookie);
}

/* --gro=off: every frame as it came, with an empty virtio_net_hdr. */
static void forward_plain(struct relay_q *q, struct gro_frame *f, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		uint8_t hdr[GRO_VNET_HDR_V1_LEN] = { 0 };

		q->iov[1] = (struct iovec){ .iov_base = f[i].data, .iov_len = f[i].len };
		if (!relay_out_write(&q->out, hdr, q->iov + 1, 1, &q->c.drops)) {
			q->c.pkts_out++;
			q->c.bytes_out += f[i].len;
		}
		relay_in_release(&q->in, f[i].cookie);
	}
}

/* Publish the loop's counters for the reporter (its own thread, or the
 * main one): called by the thread that runs the loop. */
static void snapshot(struct relay_q *q)
{
	relay_in_drops(&q->in, &q->c.drops);
	if (q->gro)
		gro_get_stats(q->gro, &q->c.st);
	pthread_mutex_lock(&q->lock);
	q->pub = q->c;
	pthread_mutex_unlock(&q->lock);
}

/*
 * One NAPI poll: up to --burst frames from IN into the engine, what came
 * back from OUT into IN; then, as napi_complete_done, everything held is
 * completed if IN ran dry, or only what waited too long if the budget was
 * used up (more is waiting). With nothing to do, wait up to @wait_ms.
 */
static void poll_once(struct relay_q *q, int wait_ms)
{
	unsigned burst = q->o->eng.burst;
	unsigned n = relay_in_poll(&q->in, q->frames, burst, &q->c.drops);
	unsigned back = relay_reverse(&q->out, &q->in, burst, &q->c.back_bytes, &q->c.drops);
	uint64_t now = now_ns();
	unsigned i;

	q->c.back += back;
	if (n) {
		q->c.polls++;
		q->c.frames_in += n;
		for (i = 0; i < n; i++)
			q->c.bytes_in += q->frames[i].len;
	}
	if (q->gro) {
		if (n)
			gro_receive(q->gro, q->frames, n, now);
		gro_flush(q->gro, now, n < burst ? GRO_FLUSH_ALL : GRO_FLUSH_TIMEOUT);
	} else {
		forward_plain(q, q->frames, n);
	}
	if (!n && !back)
		relay_wait(&q->in, q->out.fd, wait_ms);
}

/* The loop of a queue other than the first, until stopped. */
static void *relay_loop(void *arg)
{
	struct relay_q *q = arg;
	uint64_t next_snap = 0;

	while (!stop) {
		uint64_t now;

		poll_once(q, 100);
		now = now_ns();
		if (now >= next_snap) {
			snapshot(q);
			next_snap = now + 100000000u;
		}
	}
	return NULL;
}

/* -------------------------------------------------------------- reports */

static void sum_counts(struct relay_q *qs, unsigned nq, struct relay_count *t)
{
	unsigned i, r;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < nq; i++) {
		struct relay_count c;

		pthread_mutex_lock(&qs[i].lock);
		c = qs[i].pub;
		pthread_mutex_unlock(&qs[i].lock);
		t->frames_in += c.frames_in;
		t->bytes_in += c.bytes_in;
		t->pkts_out += c.pkts_out;
		t->bytes_out += c.bytes_out;
		t->back += c.back;
		t->back_bytes += c.back_bytes;
		t->polls += c.polls;
		t->drops.truncated += c.drops.truncated;
		t->drops.not_ip += c.drops.not_ip;
		t->drops.write_err += c.drops.write_err;
		t->drops.encode += c.drops.encode;
		t->drops.reverse_err += c.drops.reverse_err;
		t->drops.ring += c.drops.ring;
		t->st.super_pkts += c.st.super_pkts;
		t->st.segs_merged += c.st.segs_merged;
		for (r = 0; r < GRO_R_COUNT; r++)
			t->st.reasons[r] += c.st.reasons[r];
	}
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

static void print_drops(FILE *f, const struct relay_drops *d)
{
	if (d->truncated || d->not_ip || d->write_err || d->encode || d->reverse_err || d->ring)
		fprintf(f, " dropped: ring=%llu truncated=%llu not-ip=%llu write=%llu encode=%llu "
			"reverse=%llu;", (unsigned long long)d->ring,
			(unsigned long long)d->truncated, (unsigned long long)d->not_ip,
			(unsigned long long)d->write_err, (unsigned long long)d->encode,
			(unsigned long long)d->reverse_err);
}

/* One line: the rates over the last @secs seconds (@a now, @b before). */
static void print_live(FILE *f, const struct relay_count *a, const struct relay_count *b,
		       double secs)
{
	int r;

	fprintf(f, "gro relay: in %.1f kpps %.3f Gbit/s, out %.1f kpps %.3f Gbit/s, "
		"%.2f segments/super-packet, back %.1f kpps;",
		(a->frames_in - b->frames_in) / secs / 1e3,
		(a->bytes_in - b->bytes_in) * 8 / secs / 1e9,
		(a->pkts_out - b->pkts_out) / secs / 1e3,
		(a->bytes_out - b->bytes_out) * 8 / secs / 1e9,
		ratio(a->st.segs_merged - b->st.segs_merged, a->st.super_pkts - b->st.super_pkts),
		(a->back - b->back) / secs / 1e3);
	for (r = 0; r < GRO_R_COUNT; r++)
		if (a->st.reasons[r] != b->st.reasons[r])
			fprintf(f, " %s=%llu", gro_reason_name(r),
				(unsigned long long)(a->st.reasons[r] - b->st.reasons[r]));
	print_drops(f, &a->drops);
	fputc('\n', f);
	fflush(f);
}

static void print_json(FILE *f, const char *event, const struct relay_count *t, double secs)
{
	int r;

	fprintf(f, "{\"command\":\"relay\",\"event\":\"%s\",\"seconds\":%.3f,"
		"\"frames_in\":%llu,\"bytes_in\":%llu,\"frames_out\":%llu,\"bytes_out\":%llu,"
		"\"super_packets\":%llu,\"segments\":%llu,\"mean_segments\":%.4f,"
		"\"frames_back\":%llu,\"bytes_back\":%llu,\"polls\":%llu,"
		"\"dropped\":{\"ring\":%llu,\"truncated\":%llu,\"not_ip\":%llu,\"write\":%llu,\"encode\":%llu,"
		"\"reverse\":%llu},\"reasons\":{",
		event, secs, (unsigned long long)t->frames_in, (unsigned long long)t->bytes_in,
		(unsigned long long)t->pkts_out, (unsigned long long)t->bytes_out,
		(unsigned long long)t->st.super_pkts, (unsigned long long)t->st.segs_merged,
		ratio(t->st.segs_merged, t->st.super_pkts), (unsigned long long)t->back,
		(unsigned long long)t->back_bytes, (unsigned long long)t->polls,
		(unsigned long long)t->drops.ring, (unsigned long long)t->drops.truncated, (unsigned long long)t->drops.not_ip,
		(unsigned long long)t->drops.write_err, (unsigned long long)t->drops.encode,
		(unsigned long long)t->drops.reverse_err);
	for (r = 0; r < GRO_R_COUNT; r++)
		fprintf(f, "%s\"%s\":%llu", r ? "," : "", gro_reason_name(r),
			(unsigned long long)t->st.reasons[r]);
	fprintf(f, "}}\n");
	fflush(f);
}

static void print_final(FILE *f, const char *in, const char *out, const struct relay_count *t,
			double secs)
{
	int r;

	fprintf(f, "gro relay %s -> %s: %.1f s, %llu frames in (%llu bytes), %llu packets out "
		"(%llu bytes), %llu back\n", in, out, secs, (unsigned long long)t->frames_in,
		(unsigned long long)t->bytes_in, (unsigned long long)t->pkts_out,
		(unsigned long long)t->bytes_out, (unsigned long long)t->back);
	fprintf(f, "  super-packets: %llu, holding %llu segments (%.2f per super-packet)\n",
		(unsigned long long)t->st.super_pkts, (unsigned long long)t->st.segs_merged,
		ratio(t->st.segs_merged, t->st.super_pkts));
	fprintf(f, "  packets out by reason:");
	for (r = 0; r < GRO_R_COUNT; r++)
		if (t->st.reasons[r])
			fprintf(f, " %s=%llu", gro_reason_name(r), (unsigned long long)t->st.reasons[r]);
	fputc('\n', f);
	if (t->drops.truncated || t->drops.not_ip || t->drops.write_err || t->drops.encode ||
	    t->drops.reverse_err || t->drops.ring) {
		fprintf(f, " ");
		print_drops(f, &t->drops);
		fputc('\n', f);
	}
}

/* -------------------------------------------------------------- set-up */

static int queue_open(struct relay_q *q, const struct relay_opts *o, const char *in,
		      const char *out, unsigned idx, int fanout)
{
	struct gro_config cfg;
	const struct cli_opts *e = &o->eng;
	int err;

	q->o = o;
	pthread_mutex_init(&q->lock, NULL);
	q->in.fd = q->in.txfd = q->out.fd = -1;
	q->frames = calloc(e->burst, sizeof(*q->frames));
	q->flat_len = (size_t)e->max_size + 256;
	q->flat = malloc(q->flat_len);
	if (!q->frames || !q->flat) {
		fprintf(stderr, "gro: relay: out of memory\n");
		return -1;
	}
	if (relay_in_open(&q->in, in, o->input, 14 + 9216 + 64, o->threads > 1 ? fanout : -1,
			  (int)idx))
		return -1;
	if (relay_out_open(&q->out, out, (int)o->threads))
		return -1;
	if (o->gro_off)
		return 0;
	gro_config_init(&cfg);
	if (e->max_flows) {
		cfg.max_flows = e->max_flows;
		cfg.buckets = 1;
	}
	cfg.max_size = e->max_size;
	cfg.max_segs = e->max_segs;
	cfg.csum = e->rx_trust ? GRO_CSUM_TRUST : GRO_CSUM_VERIFY;
	cfg.vlan = !e->no_vlan;
	cfg.udp = e->udp;
	memcpy(cfg.tunnels, e->tunnels, sizeof(cfg.tunnels));
	cfg.flush_timeout_ns = e->flush_timeout_us * 1000;
	cfg.deliver = deliver;
	cfg.deliver_arg = q;
	cfg.release = release;
	cfg.release_arg = q;
	err = gro_create(&cfg, &q->gro);
	if (err) {
		fprintf(stderr, "gro: relay: %s%s%s\n", gro_strerror(err),
			err == GRO_EINVAL ? ": " : "", err == GRO_EINVAL ? gro_config_error() : "");
		return -1;
	}
	return 0;
}

static void queue_close(struct relay_q *q)
{
	gro_destroy(q->gro);		/* completes and writes what is held */
	q->gro = NULL;
	relay_in_close(&q->in);
	relay_out_close(&q->out);
	free(q->frames);
	free(q->flat);
}

/* ------------------------------------------------------------- options */

enum {
	OPT_BURST = 256, OPT_FLUSH_TIMEOUT, OPT_MAX_FLOWS, OPT_MAX_SIZE, OPT_MAX_SEGS, OPT_RX_CSUM,
	OPT_VLAN, OPT_JSON, OPT_UDP, OPT_VXLAN_PORT, OPT_GENEVE_PORT, OPT_INPUT, OPT_GRO,
	OPT_THREADS, OPT_INTERVAL, OPT_DURATION,
};

static const struct option relay_options[] = {
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "gro", required_argument, NULL, OPT_GRO },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "flush-timeout", required_argument, NULL, OPT_FLUSH_TIMEOUT },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "max-segs", required_argument, NULL, OPT_MAX_SEGS },
	{ "udp", required_argument, NULL, OPT_UDP },
	{ "vxlan-port", required_argument, NULL, OPT_VXLAN_PORT },
	{ "geneve-port", required_argument, NULL, OPT_GENEVE_PORT },
	{ "rx-csum", required_argument, NULL, OPT_RX_CSUM },
	{ "vlan", required_argument, NULL, OPT_VLAN },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gro relay [options] IN OUT\n"
		"Forward frames from interface IN to OUT through the GRO engine, live, and\n"
		"what comes back from OUT into IN as it is. OUT is tap:NAME or tun:NAME (a\n"
		"TAP or TUN device the relay creates with IFF_VNET_HDR and removes when it\n"
		"stops; it may be moved to another namespace meanwhile), or an interface\n"
		"(NAME or packet:NAME, through AF_PACKET with PACKET_VNET_HDR). Each packet\n"
		"is one write: its virtio_net_hdr, then its spans where they lie in IN's\n"
		"ring. Needs CAP_NET_ADMIN and CAP_NET_RAW. Stops on SIGINT or SIGTERM.\n"
		"\noptions:\n"
		"  --input=packet|xdp   read IN with an AF_PACKET TPACKET_V3 ring (default)\n"
		"                       or an AF_XDP socket (zero-copy when the driver can)\n"
#ifndef GRO_HAVE_XDP
		"                       (xdp: not in this build, which lacked libxdp)\n"
#endif
		"  --gro=on|off         merge (default), or forward every frame as it came\n"
		"  --burst N            frames per poll, Linux's NAPI weight (default 64)\n"
		"  --flush-timeout US   after a full poll, complete what is held longer than\n"
		"                       US microseconds (default 1000); a poll that empties\n"
		"                       IN completes everything\n"
		"  --max-flows N        hold up to N flows in one table (default: Linux's 8\n"
		"                       buckets of 8, by the kernel's receive hash)\n"
		"  --max-size N         largest merged packet after the Ethernet header\n"
		"                       (default 65535)\n"
		"  --max-segs N         most segments per merged packet (default: no limit)\n"
		"  --udp=off|l4         merge UDP datagrams (l4: as UDP_GRO; default off)\n"
		"  --vxlan-port N       UDP port N carries VXLAN (repeatable)\n"
		"  --geneve-port N      the same for GENEVE; at most 4 ports in all\n"
		"  --rx-csum=verify|trust  verify TCP/UDP checksums (default) or trust them\n"
		"  --vlan=on|off        merge VLAN-tagged frames (default on)\n"
		"  --threads N          N rings and engines, flows spread by PACKET_FANOUT_HASH\n"
		"                       over them, and a multi-queue TAP (default 1)\n"
		"  --interval S         a line of rates every S seconds on stderr (default 1;\n"
		"                       0: none)\n"
		"  --duration S         stop after S seconds (default: at SIGINT/SIGTERM)\n"
		"  --json               the same as JSON lines on stdout, and a final object\n"
		"  -q, --quiet          no lines on stderr but errors\n"
		"  -h, --help           this help\n"
		"  -V, --version        the version of gro and libgro\n"
		"\nThe final summary counts the packets out by reason, as 'gro coalesce --help'\n"
		"lists them.\n");
}

static int parse_num(const char *name, const char *val, double max, double *v)
{
	char *end;

	*v = strtod(val, &end);
	if (!*val || *end || *v < 0 || *v > max) {
		fprintf(stderr, "gro: --%s: invalid value '%s'\n", name, val);
		return -1;
	}
	return 0;
}

int cmd_relay(int argc, char **argv)
{
	static struct relay_q qs[MAX_THREADS];
	struct relay_opts o = { .input = RELAY_IN_PACKET, .threads = 1, .interval = 1 };
	struct relay_count prev, cur;
	struct sigaction sa;
	uint64_t t0, tprev, tnext;
	const char *in, *out;
	unsigned i, nopen = 0, started = 0;
	int c, rc = 1, thread_failed = 0, fanout = getpid() & 0xffff;
	double v;

	cli_opts_init(&o.eng);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hqV", relay_options, NULL)) != -1) {
		const char *name = NULL;

		for (i = 0; relay_options[i].name; i++)
			if (relay_options[i].val == c)
				name = relay_options[i].name;
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			cli_print_version();
			return 0;
		case 'q':
			o.eng.quiet = 1;
			break;
		case OPT_JSON:
			o.eng.json = 1;
			break;
		case OPT_INPUT:
			if (!strcmp(optarg, "packet"))
				o.input = RELAY_IN_PACKET;
			else if (!strcmp(optarg, "xdp"))
				o.input = RELAY_IN_XDP;
			else
				goto bad_value;
			break;
		case OPT_GRO:
			if (strcmp(optarg, "on") && strcmp(optarg, "off"))
				goto bad_value;
			o.gro_off = !strcmp(optarg, "off");
			break;
		case OPT_UDP:
			if (!strcmp(optarg, "fraglist")) {
				/* A TAP takes no fraglist packet (tun has no
				 * NETIF_F_GSO_FRAGLIST). */
				fprintf(stderr, "gro: relay: --udp=fraglist: a TAP cannot take fraglist packets\n");
				return 2;
			}
			if (cli_engine_opt(&o.eng, name, optarg))
				return 2;
			break;
		case OPT_THREADS:
			if (parse_num(name, optarg, MAX_THREADS, &v) || v < 1 || v != (unsigned)v)
				goto bad_value;
			o.threads = (unsigned)v;
			break;
		case OPT_INTERVAL:
		case OPT_DURATION:
			if (parse_num(name, optarg, 1e6, &v))
				return 2;
			*(c == OPT_INTERVAL ? &o.interval : &o.duration) = v;
			break;
		case ':':
		case '?':
			return cli_bad_option("relay", c, optopt, argv, optind);
		default:
			if (cli_engine_opt(&o.eng, name, optarg))
				return 2;
		}
		continue;
bad_value:
		fprintf(stderr, "gro: --%s: invalid value '%s'\n", name, optarg);
		return 2;
	}
	if (cli_check_args("relay", argc - optind, 2))
		return 2;
	in = argv[optind];
	out = argv[optind + 1];
	if (o.threads > 1 && strncmp(out, "tap:", 4) && strncmp(out, "tun:", 4)) {
		fprintf(stderr, "gro: relay: --threads needs a TAP or TUN output (one queue each)\n");
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	for (nopen = 0; nopen < o.threads; nopen++)
		if (queue_open(&qs[nopen], &o, in, out, nopen, fanout)) {
			nopen++;	/* closed below, as far as it got */
			goto out;
		}
	/* Messages for people go to stderr; the device is ready now. */
	if (!o.eng.quiet) {
		fprintf(stderr, "gro relay: %s (%s", in, o.input == RELAY_IN_XDP ? "AF_XDP" : "TPACKET_V3");
		if (o.input == RELAY_IN_XDP)
			fprintf(stderr, ", %s mode, %s", qs[0].in.xdp_native ? "native" : "generic",
				qs[0].in.xdp_zerocopy ? "zero-copy" : "copy");
		fprintf(stderr, ") -> %s, GRO %s, %u thread%s\n", out, o.gro_off ? "off" : "on",
			o.threads, o.threads > 1 ? "s" : "");
	}
	for (i = 1; i < o.threads; i++) {
		if (pthread_create(&qs[i].thread, NULL, relay_loop, &qs[i])) {
			fprintf(stderr, "gro: relay: cannot start a thread\n");
			stop = 1;
			thread_failed = 1;
			break;
		}
		started = i;
	}

	/* Queue 0's loop runs on this thread, which also writes the lines;
	 * the others run on their own. */
	t0 = tprev = now_ns();
	tnext = o.interval > 0 ? t0 + (uint64_t)(o.interval * 1e9) : UINT64_MAX;
	memset(&prev, 0, sizeof(prev));
	while (!stop) {
		uint64_t now, end = o.duration > 0 ? t0 + (uint64_t)(o.duration * 1e9) : UINT64_MAX;
		uint64_t until = tnext < end ? tnext : end;

		/* Queue 0's loop, in slices up to the next report. */
		while (!stop && (now = now_ns()) < until) {
			uint64_t ms = (until - now) / 1000000u;

			poll_once(&qs[0], ms >= 100 ? 100 : (int)ms + 1);
		}
		snapshot(&qs[0]);
		now = now_ns();
		if (now >= end)
			break;
		if (now < tnext)
			continue;
		sum_counts(qs, o.threads, &cur);
		if (o.eng.json)
			print_json(stdout, "interval", &cur, (now - t0) / 1e9);
		if (!o.eng.quiet)
			print_live(stderr, &cur, &prev, (now - tprev) / 1e9);
		prev = cur;
		tprev = now;
		tnext = now + (uint64_t)(o.interval * 1e9);
	}
	stop = 1;
	for (i = 1; i <= started; i++)
		pthread_join(qs[i].thread, NULL);
	rc = thread_failed;
out:
	/* The loops have stopped: what is still held goes out now, and
	 * every queue's counters are taken from here. */
	for (i = 0; i < nopen; i++) {
		if (qs[i].gro)
			gro_flush(qs[i].gro, now_ns(), GRO_FLUSH_ALL);
		snapshot(&qs[i]);
	}
	if (!rc) {
		double secs = (now_ns() - t0) / 1e9;

		sum_counts(qs, o.threads, &cur);
		if (o.eng.json)
			print_json(stdout, "final", &cur, secs);
		if (!o.eng.quiet)
			print_final(stderr, in, out, &cur, secs);
	}
	for (i = 0; i < nopen; i++)
		queue_close(&qs[i]);
	return rc;
}
