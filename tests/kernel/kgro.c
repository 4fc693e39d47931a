/* kgro: the live-kernel GRO oracle.
 *
 * Frames read from a pcap file are sent into one end of a veth pair; the
 * other end has GRO on and a NAPI instance that is only polled from the
 * gro_flush_timeout timer. A replay therefore looks like this on the
 * receiver:
 *
 *   tick T0   a control frame is delivered: we know a poll just ended,
 *             and the next one is a flush timeout away
 *             -> send all frames of the input, then the marker
 *   tick T1   one poll takes all frames from the veth ring; GRO merges
 *             them and delivers what it must, and the marker (an
 *             EtherType GRO does not know) goes up with those; completing
 *             the poll flushes only flows older than a jiffy, so the flows
 *             of this replay stay held
 *             -> on seeing the marker, send the end frame
 *   tick T2   the end frame is polled and the held flows, now old, are
 *             flushed behind it in the same batch; after a short settle
 *             time the replay is over
 *
 * Every control frame carries our pid and a sequence number, so frames of
 * an earlier replay can never be taken for those of a later one.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <endian.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>

#include "kgro.h"

#define CTL_ETHERTYPE	0x88b5	/* IEEE local experimental */
#define CTL_LEN		60
#define CTL_MAGIC	"kgro-ctl"

/* The veth ring holds 256 frames and a NAPI poll takes 64. Longer inputs
 * are sent in chunks that are a multiple of 64, so a chunk ends exactly
 * where the kernel ends a poll anyway (a full poll flushes every held flow
 * when HZ < 1000). */
#define NAPI_WEIGHT	64
#define CHUNK		(3 * NAPI_WEIGHT)
#define GAP_US		10000	/* input pauses this long end a GRO session */

#define CTL_TIMEOUT_MS	1000
#define SYNC_TRIES	12
#define REPLAY_TRIES	5

double kgro_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void kgro_pkts_add(struct kgro_pkts *l, const uint8_t *data, uint32_t len,
		   const struct virtio_net_hdr *vh, bool vh_ok)
{
	struct kgro_pkt *p;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v) {
			perror("kgro: realloc");
			exit(1);
		}
	}
	p = &l->v[l->n++];
	memset(p, 0, sizeof(*p));
	p->data = malloc(len ? len : 1);
	if (!p->data) {
		perror("kgro: malloc");
		exit(1);
	}
	memcpy(p->data, data, len);
	p->len = len;
	p->vh_ok = vh_ok;
	if (vh)
		p->vh = *vh;
}

void kgro_pkts_free(struct kgro_pkts *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].data);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Returns the index of the first difference, or -1 if equal. */
static long pkts_diff(const struct kgro_pkts *a, const struct kgro_pkts *b)
{
	size_t i;

	for (i = 0; i < a->n && i < b->n; i++) {
		const struct kgro_pkt *x = &a->v[i], *y = &b->v[i];

		if (x->len != y->len || memcmp(x->data, y->data, x->len) ||
		    x->vh_ok != y->vh_ok || memcmp(&x->vh, &y->vh, sizeof(x->vh)))
			return (long)i;
	}
	return a->n == b->n ? -1 : (long)i;
}

/* ---- files ------------------------------------------------------------ */

static int pcap_read(const char *path, struct kgro_pkts *l)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t last_us = 0;
	pcap_t *pc;
	int r;

	pc = pcap_open_offline(path, err);
	if (!pc) {
		fprintf(stderr, "kgro: %s: %s\n", path, err);
		return -1;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		fprintf(stderr, "kgro: %s: not an Ethernet capture\n", path);
		pcap_close(pc);
		return -1;
	}
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		uint64_t us = (uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec;

		if (h->caplen != h->len)
			fprintf(stderr, "kgro: %s: frame %zu truncated in capture, "
				"sending the %u captured bytes\n", path, l->n,
				h->caplen);
		kgro_pkts_add(l, data, h->caplen, NULL, false);
		/* A pause in the capture is a point where the receiver's GRO
		 * session ended: replayed as one. */
		l->v[l->n - 1].gap_before = l->n > 1 && us - last_us >= GAP_US;
		last_us = us;
	}
	if (r == -1)
		fprintf(stderr, "kgro: %s: %s\n", path, pcap_geterr(pc));
	pcap_close(pc);
	return r == -1 ? -1 : 0;
}

/* Timestamps are the frame index in microseconds so that equal results
 * give byte-identical files. */
static int pcap_write(const char *path, const struct kgro_pkts *l)
{
	uint32_t snaplen = KGRO_SNAPLEN;
	pcap_dumper_t *d;
	pcap_t *pc;
	size_t i;
	int err;

	/* Only BIG TCP packets can exceed the usual snap length. */
	for (i = 0; i < l->n; i++)
		if (l->v[i].len > snaplen)
			snaplen = l->v[i].len;
	pc = pcap_open_dead(DLT_EN10MB, (int)snaplen);

	if (!pc)
		return -1;
	d = pcap_dump_open(pc, path);
	if (!d) {
		fprintf(stderr, "kgro: %s: %s\n", path, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	for (i = 0; i < l->n; i++) {
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = (time_t)(i / 1000000),
				.tv_usec = (suseconds_t)(i % 1000000) },
			.caplen = l->v[i].len,
			.len = l->v[i].len,
		};

		pcap_dump((u_char *)d, &h, l->v[i].data);
	}
	err = pcap_dump_flush(d);
	pcap_dump_close(d);
	pcap_close(pc);
	return err ? -1 : 0;
}

int kgro_pcap_write_in(const char *path, const struct kgro_pkts *l)
{
	return pcap_write(path, l);
}

static int meta_write(const char *path, const struct kgro_pkts *l)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f) {
		fprintf(stderr, "kgro: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < l->n; i++) {
		const struct kgro_pkt *p = &l->v[i];

		if (!p->vh_ok) {
			fprintf(f, "%zu %u -1 -1 -1 -1 -1 -1\n", i, p->len);
			continue;
		}
		fprintf(f, "%zu %u %u %u %u %u %u %u\n", i, p->len,
			p->vh.gso_type, p->vh.gso_size, p->vh.hdr_len,
			p->vh.csum_start, p->vh.csum_offset, p->vh.flags);
	}
	if (fclose(f)) {
		fprintf(stderr, "kgro: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_result(const char *outdir, const char *name,
			const char *suffix, const struct kgro_pkts *l)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s.kernel%s.pcap", outdir, name, suffix);
	if (pcap_write(path, l) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s.kernel%s.meta", outdir, name, suffix);
	return meta_write(path, l);
}

static void input_name(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	snprintf(name, len, "%s", base);
	n = strlen(name);
	if (n > 5 && !strcmp(name + n - 5, ".pcap"))
		name[n - 5] = '\0';
}

/* ---- control frames --------------------------------------------------- */

static void ctl_build(const struct kgro_env *env, uint32_t seq, uint8_t *f)
{
	static const uint8_t dst[6] = { 0x02, 0x6b, 0x67, 0x72, 0x6f, 0x02 };
	static const uint8_t src[6] = { 0x02, 0x6b, 0x67, 0x72, 0x6f, 0x01 };
	uint32_t v;

	memset(f, 0, CTL_LEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = CTL_ETHERTYPE >> 8;
	f[13] = CTL_ETHERTYPE & 0xff;
	memcpy(f + 14, CTL_MAGIC, 8);
	v = htonl(env->tag);
	memcpy(f + 22, &v, 4);
	v = htonl(seq);
	memcpy(f + 26, &v, 4);
}

/* Sequence number of one of our control frames, or -1 for data. */
static long ctl_seq(const struct kgro_env *env, const uint8_t *f, uint32_t len)
{
	uint32_t tag, seq;

	if (len < 30 || f[12] != (CTL_ETHERTYPE >> 8) ||
	    f[13] != (CTL_ETHERTYPE & 0xff) || memcmp(f + 14, CTL_MAGIC, 8))
		return -1;
	memcpy(&tag, f + 22, 4);
	memcpy(&seq, f + 26, 4);
	if (ntohl(tag) != env->tag)
		return -1;
	return ntohl(seq);
}

static int send_frame(struct kgro_env *env, const uint8_t *f, uint32_t len)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (send(env->tx_sock, f, len, 0) == (ssize_t)len)
			return 0;
		if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			break;
		usleep(100);
	}
	return -1;
}

static int send_ctl(struct kgro_env *env)
{
	uint8_t f[CTL_LEN];

	ctl_build(env, ++env->seq, f);
	if (send_frame(env, f, CTL_LEN) < 0) {
		fprintf(stderr, "kgro: cannot send a control frame: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- capture ---------------------------------------------------------- */

/* The header socket sees the same frames in the same order as the data
 * socket. A frame the kernel cannot express as a virtio_net_hdr (a GSO
 * type with no virtio number) makes recv fail with EINVAL and is consumed;
 * only its header is then unknown, the bytes come from the data socket.
 * Reading headers from a second socket keeps such frames in the output. */
static int rx_vnet(struct kgro_env *env, struct kgro_pkt *p, uint32_t raw_len)
{
	struct pollfd pfd = { .fd = env->vh_sock, .events = POLLIN };
	uint8_t small[64];
	ssize_t n;

	if (poll(&pfd, 1, 200) <= 0) {
		fprintf(stderr, "kgro: header socket lost a frame\n");
		return -1;
	}
	n = recv(env->vh_sock, small, sizeof(small), MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0 && errno == EINVAL) {
		p->vh_ok = false;
		return 0;
	}
	if (n < (ssize_t)sizeof(p->vh) ||
	    (size_t)n - sizeof(p->vh) != raw_len) {
		fprintf(stderr, "kgro: capture sockets out of step (%zd vs %u)\n",
			n, raw_len);
		return -1;
	}
	memcpy(&p->vh, small, sizeof(p->vh));
	p->vh.hdr_len = le16toh(p->vh.hdr_len);
	p->vh.gso_size = le16toh(p->vh.gso_size);
	p->vh.csum_start = le16toh(p->vh.csum_start);
	p->vh.csum_offset = le16toh(p->vh.csum_offset);
	p->vh_ok = true;
	return 0;
}

/* The receive path moves an 802.1Q/802.1ad tag out of the frame before
 * packet sockets see it; put it back so the output shows the frame as it
 * was delivered. Offsets in the header then count the tag too. */
static uint8_t *restore_vlan(uint8_t *frame, uint32_t *len,
			     const struct tpacket_auxdata *aux,
			     struct kgro_pkt *p)
{
	uint16_t tpid, tci;

	if (!aux || !(aux->tp_status & TP_STATUS_VLAN_VALID) || *len < 12)
		return frame;
	tpid = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
		aux->tp_vlan_tpid : 0x8100;
	tci = aux->tp_vlan_tci;
	memmove(frame - 4, frame, 12);
	frame -= 4;
	frame[12] = tpid >> 8;
	frame[13] = tpid & 0xff;
	frame[14] = tci >> 8;
	frame[15] = tci & 0xff;
	*len += 4;
	if (p->vh_ok && (p->vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		p->vh.csum_start += 4;
	if (p->vh_ok && p->vh.hdr_len)
		p->vh.hdr_len += 4;
	return frame;
}

/* Wait up to timeout_ms for one frame. Returns 1 with the frame in
 * env->buf (p->data points into it), 0 on timeout, -1 on error. */
static int rx_frame(struct kgro_env *env, int timeout_ms, struct kgro_pkt *p)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} cbuf;
	struct pollfd pfd = { .fd = env->rx_sock, .events = POLLIN };
	struct iovec iov = { env->buf + 4, KGRO_BUF_SIZE - 4 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = &cbuf, .msg_controllen = sizeof(cbuf),
	};
	const struct tpacket_auxdata *aux = NULL;
	struct cmsghdr *c;
	uint32_t len;
	ssize_t n;
	int r;

	r = poll(&pfd, 1, timeout_ms < 0 ? 0 : timeout_ms);
	if (r <= 0)
		return r < 0 && errno != EINTR ? -1 : 0;
	n = recvmsg(env->rx_sock, &mh, MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if ((size_t)n > iov.iov_len) {
		fprintf(stderr, "kgro: %zd byte frame does not fit the buffer\n", n);
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
			aux = (const struct tpacket_auxdata *)CMSG_DATA(c);
	len = (uint32_t)n;
	if (rx_vnet(env, p, len) < 0)
		return -1;
	p->data = restore_vlan(env->buf + 4, &len, aux, p);
	p->len = len;
	return 1;
}

static unsigned int socket_drops(struct kgro_env *env)
{
	struct tpacket_stats st;
	socklen_t sl = sizeof(st);
	unsigned int drops = 0;

	if (!getsockopt(env->rx_sock, SOL_PACKET, PACKET_STATISTICS, &st, &sl))
		drops += st.tp_drops;
	sl = sizeof(st);
	if (!getsockopt(env->vh_sock, SOL_PACKET, PACKET_STATISTICS, &st, &sl))
		drops += st.tp_drops;
	return drops;
}

/* Receive until control frame `seq` arrives. Data frames go to out (when
 * given) in arrival order; stale control frames are ignored. Returns 1,
 * 0 on timeout, -1 on error. */
static int wait_ctl(struct kgro_env *env, uint32_t seq, struct kgro_pkts *out,
		    unsigned int *extra, int timeout_ms)
{
	double end = kgro_now_ms() + timeout_ms;
	struct kgro_pkt p;
	long s;
	int r;

	for (;;) {
		r = rx_frame(env, (int)(end - kgro_now_ms()), &p);
		if (r <= 0)
			return r;
		s = ctl_seq(env, p.data, p.len);
		if (s == (long)seq) {
			env->tick_ms = kgro_now_ms();
			env->have_tick = true;
			return 1;
		}
		if (s >= 0)
			continue;
		if (out)
			kgro_pkts_add(out, p.data, p.len, &p.vh, p.vh_ok);
		if (extra)
			(*extra)++;
	}
}

/* Collect whatever arrives within ms; returns the number of frames. */
static int collect(struct kgro_env *env, int ms, struct kgro_pkts *out)
{
	double end = kgro_now_ms() + ms;
	struct kgro_pkt p;
	int n = 0, r;

	while ((r = rx_frame(env, (int)(end - kgro_now_ms()), &p)) == 1) {
		if (ctl_seq(env, p.data, p.len) >= 0)
			continue;
		if (out)
			kgro_pkts_add(out, p.data, p.len, &p.vh, p.vh_ok);
		n++;
	}
	return r < 0 ? -1 : n;
}

/* Make the receiver's poll timer our reference: send a control frame and
 * wait until a poll delivers it. A NAPI instance that went idle polls it
 * at once; the deferral then starts from there. */
static int sync_tick(struct kgro_env *env, struct kgro_stats *st)
{
	unsigned int stray = 0;
	int i, r;

	for (i = 0; i < SYNC_TRIES; i++) {
		if (send_ctl(env) < 0)
			return -1;
		r = wait_ctl(env, env->seq, NULL, &stray, 250);
		if (r < 0)
			return -1;
		if (r == 1)
			break;
	}
	if (i == SYNC_TRIES) {
		fprintf(stderr, "kgro: the receiver never delivered a control frame\n");
		return -1;
	}
	r = collect(env, env->opts->settle_ms, NULL);
	if (r < 0)
		return -1;
	st->leaked += stray + (unsigned int)r;
	return 0;
}

static double timeout_ms(const struct kgro_env *env)
{
	return env->opts->flush_timeout_ns / 1e6;
}

/* Sending starts early in the interval between two polls ... */
static bool tick_is_fresh(const struct kgro_env *env)
{
	return env->have_tick &&
	       kgro_now_ms() - env->tick_ms < timeout_ms(env) / 2;
}

/* ... and must end well before the next one: the moment we saw the last
 * poll is a little after it really ended. */
static bool sent_in_time(const struct kgro_env *env)
{
	return kgro_now_ms() - env->tick_ms < timeout_ms(env) * 3 / 4;
}

static void send_chunk(struct kgro_env *env, const struct kgro_pkts *in,
		       size_t from, size_t to, struct kgro_stats *st)
{
	size_t i;

	for (i = from; i < to; i++) {
		if (send_frame(env, in->v[i].data, in->v[i].len) < 0) {
			fprintf(stderr, "kgro: frame %zu (%u bytes) not sent: %s\n",
				i, in->v[i].len, strerror(errno));
			st->send_errors++;
		}
	}
}

/* Send the end frame and collect what the flush timer releases behind it.
 * Returns 1, 0 if the end frame was lost, -1 on error (then errors are
 * reported by the caller as for a lost frame). */
static int end_session(struct kgro_env *env, struct kgro_pkts *out,
		       double *end_ms, unsigned int *late)
{
	double t;
	int r;

	if (send_ctl(env) < 0)
		return -1;
	t = kgro_now_ms();
	r = wait_ctl(env, env->seq, out, NULL, CTL_TIMEOUT_MS);
	if (r <= 0)
		return r;
	if (end_ms)
		*end_ms = env->tick_ms - t;
	r = collect(env, env->opts->settle_ms, out);
	if (r < 0)
		return -1;
	if (late)
		*late = (unsigned int)r;
	return 1;
}

/* One replay as described at the top of this file. Returns 0, 1 if the
 * timing went wrong and the replay must be run again, -1 on error. */
static int replay_once(struct kgro_env *env, const struct kgro_pkts *in,
		       struct kgro_pkts *out, struct kgro_stats *st)
{
	double t0 = kgro_now_ms(), t;
	bool spoiled = false;
	size_t from, to;
	int r;

	memset(st, 0, sizeof(*st));
	socket_drops(env);		/* reading the counters resets them */
	r = collect(env, 0, NULL);
	if (r < 0)
		return -1;
	st->leaked += (unsigned int)r;

	for (from = 0; from < in->n; from = to) {
		size_t k;

		to = from + CHUNK < in->n ? from + CHUNK : in->n;
		for (k = from + 1; k < to; k++)
			if (in->v[k].gap_before) {
				to = k;
				break;
			}
		if (!tick_is_fresh(env) && sync_tick(env, st) < 0)
			return -1;
		send_chunk(env, in, from, to, st);
		if (!sent_in_time(env))
			spoiled = true;
		if (send_ctl(env) < 0)
			return -1;
		t = kgro_now_ms();
		r = wait_ctl(env, env->seq, out, NULL, CTL_TIMEOUT_MS);
		if (r <= 0)
			goto lost;
		st->marker_ms = env->tick_ms - t;
		/* A pause in the input lets the held flows go, as the end does. */
		if (to < in->n && in->v[to].gap_before) {
			r = end_session(env, out, NULL, NULL);
			if (r <= 0)
				goto lost;
		}
	}
	st->marker_pos = (int)out->n;
	if (in->n) {
		r = end_session(env, out, &st->end_ms, &st->late);
		if (r <= 0)
			goto lost;
	}
	st->drops = socket_drops(env);
	st->ms = kgro_now_ms() - t0;
	return spoiled ? 1 : 0;
lost:
	if (r == 0)
		fprintf(stderr, "kgro: control frame %u did not come back\n",
			env->seq);
	return -1;
}

/* A replay whose sending overlapped a poll (the machine was busy) saw a
 * different GRO session than intended; it is simply run again. */
static int replay(struct kgro_env *env, const struct kgro_pkts *in,
		  struct kgro_pkts *out, struct kgro_stats *st)
{
	int attempt, r;

	for (attempt = 0; attempt < REPLAY_TRIES; attempt++) {
		r = replay_once(env, in, out, st);
		if (r <= 0)
			return r;
		if (env->opts->verbose)
			fprintf(stderr, "kgro: sending overlapped a poll, "
				"replaying again\n");
		kgro_pkts_free(out);
	}
	fprintf(stderr, "kgro: could not send the input between two polls\n");
	return -1;
}

static bool stats_clean(const char *name, const struct kgro_stats *st)
{
	if (!st->send_errors && !st->leaked && !st->drops)
		return true;
	fprintf(stderr, "kgro: %s: %u send errors, %u stray frames, "
		"%u capture drops\n", name, st->send_errors, st->leaked,
		st->drops);
	return false;
}

/* How the repeats of one input compared with the first replay. */
struct repeats {
	int same;		/* replays equal to the first, the first included */
	int first_bad;		/* first repeat that differed, or -1 */
	long where;		/* its first differing output frame */
};

/* Run the input again and again; the first differing result is kept next
 * to the reference as <name>.kernel.repN.* for inspection. */
static int compare_repeats(struct kgro_env *env, const char *outdir,
			   const char *name, const struct kgro_pkts *in,
			   const struct kgro_pkts *first, struct repeats *rp)
{
	struct kgro_pkts again = { 0 };
	struct kgro_stats st;
	int rep, ret = 0;
	long d;

	rp->same = 1;
	rp->first_bad = -1;
	for (rep = 1; rep < env->opts->repeat; rep++) {
		kgro_pkts_free(&again);
		if (replay(env, in, &again, &st) < 0) {
			fprintf(stderr, "kgro: %s: replay %d failed\n", name, rep);
			ret = 1;
			break;
		}
		if (!stats_clean(name, &st))
			ret = 1;
		d = pkts_diff(first, &again);
		if (d < 0) {
			rp->same++;
		} else if (rp->first_bad < 0) {
			char suffix[32];

			rp->first_bad = rep;
			rp->where = d;
			snprintf(suffix, sizeof(suffix), ".rep%d", rep);
			write_result(outdir, name, suffix, &again);
		}
	}
	kgro_pkts_free(&again);
	return ret;
}

static void print_summary(const struct kgro_env *env, const char *name,
			  size_t nin, size_t nout, const struct repeats *rp)
{
	printf("%s: in %zu frames, out %zu frames", name, nin, nout);
	if (env->opts->repeat > 1) {
		printf(", identical %d/%d", rp->same, env->opts->repeat);
		if (rp->first_bad >= 0)
			printf(" (repeat %d first differs at output frame %ld)",
			       rp->first_bad, rp->where);
	}
	printf("\n");
	fflush(stdout);
}

/* Replay one input (--repeat times) and write its results. Returns 0, 1
 * on error, 2 if the kernel's output differed between repeats. The first
 * result is handed to the caller in *result when it asks for it. */
int kgro_run_input(struct kgro_env *env, const char *outdir, const char *path,
		   struct kgro_pkts *result)
{
	struct kgro_pkts in = { 0 }, first = { 0 };
	struct repeats rp = { .same = 1, .first_bad = -1 };
	struct kgro_stats st;
	char name[NAME_MAX + 1];
	int ret = 0;

	input_name(path, name, sizeof(name));
	if (pcap_read(path, &in) < 0)
		return 1;
	if (replay(env, &in, &first, &st) < 0) {
		fprintf(stderr, "kgro: %s: replay failed\n", name);
		ret = 1;
		goto out;
	}
	if (!stats_clean(name, &st))
		ret = 1;
	if (env->opts->verbose)
		fprintf(stderr, "kgro: %s: %.1f ms; marker after %.1f ms with "
			"%d frames before it; end frame %.1f ms later; "
			"%u frames after the end frame\n", name, st.ms,
			st.marker_ms, st.marker_pos, st.end_ms, st.late);
	if (write_result(outdir, name, "", &first) < 0)
		ret = 1;
	if (compare_repeats(env, outdir, name, &in, &first, &rp))
		ret = 1;
	if (rp.first_bad >= 0 && !ret)
		ret = 2;
	print_summary(env, name, in.n, first.n, &rp);
out:
	if (result) {
		*result = first;
		first = (struct kgro_pkts){ 0 };
	}
	kgro_pkts_free(&first);
	kgro_pkts_free(&in);
	return ret;
}

/* ---- command line ----------------------------------------------------- */

static int make_dirs(const char *dir)
{
	char path[PATH_MAX];
	char *p;

	snprintf(path, sizeof(path), "%s", dir);
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kgro [options] OUTDIR IN.pcap [IN2.pcap ...]\n"
		"       kgro [options] --selftest OUTDIR\n"
		"Replays each Ethernet capture through a veth pair with GRO on\n"
		"and writes OUTDIR/<name>.kernel.pcap and <name>.kernel.meta.\n"
		"  --mtu N            MTU of both veth ends (default 9000)\n"
		"  --repeat K         replay each input K times, compare results\n"
		"  --flush-timeout NS receiver gro_flush_timeout (default 20000000)\n"
		"  --settle MS        wait after the end frame (default 3)\n"
		"  --udp=off|l4|fraglist\n"
		"                     receiver's UDP GRO: off sets rx-udp-gro-forwarding\n"
		"                     off rx-gro-list off; l4 sets rx-udp-gro-forwarding\n"
		"                     on rx-gro-list off (UDP merged as UDP_L4); fraglist\n"
		"                     sets rx-gro-list on rx-udp-gro-forwarding off (UDP\n"
		"                     and forwarded TCP merged as frag lists). Without\n"
		"                     the option neither feature is touched (both off)\n"
		"  --fraglist         the same as --udp=fraglist (TCP fraglist GRO)\n"
		"  --gro-max-size N   receiver's gro_max_size and gro_ipv4_max_size\n"
		"                     (BIG TCP; 65536 is the kernel's default, at most\n"
		"                     %d)\n"
		"  --vxlan-port N     a VXLAN device in the receiver's namespace,\n"
		"                     'external dstport N': its sockets on 0.0.0.0:N\n"
		"                     and [::]:N make GRO merge inside VXLAN\n"
		"  --geneve-port N    the same with a GENEVE device\n"
		"  --selftest         build synthetic inputs in OUTDIR and check\n"
		"  -v, --verbose      timing and marker details on stderr\n"
		"Exit: 0 ok, 1 error, 2 results differed between repeats,\n"
		"      77 skipped (not root, no namespaces, no veth, no tools).\n",
		KGRO_GRO_MAX_SIZE);
}

static long parse_num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		fprintf(stderr, "kgro: bad number '%s'\n", s);
		exit(1);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mtu", required_argument, NULL, 'm' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "flush-timeout", required_argument, NULL, 't' },
		{ "settle", required_argument, NULL, 's' },
		{ "selftest", no_argument, NULL, 'S' },
		{ "udp", required_argument, NULL, 'U' },
		{ "fraglist", no_argument, NULL, 'F' },
		{ "gro-max-size", required_argument, NULL, 'G' },
		{ "vxlan-port", required_argument, NULL, 'X' },
		{ "geneve-port", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kgro_opts o = {
		.mtu = 9000,
		.repeat = 1,
		.flush_timeout_ns = 20000000,
		.defer_irqs = 100,
		.settle_ms = -1,	/* default: 3 ms, less for short timeouts */
	};
	struct kgro_env env;
	bool selftest = false;
	int c, i, ret = 0;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': o.mtu = (int)parse_num(optarg, 68, 65535); break;
		case 'r': o.repeat = (int)parse_num(optarg, 1, 100000); break;
		case 't':
			o.flush_timeout_ns = (unsigned long)parse_num(optarg,
						1000000, 1000000000);
			break;
		case 's': o.settle_ms = (int)parse_num(optarg, 0, 10000); break;
		case 'S': selftest = true; break;
		case 'U':
			if (!strcmp(optarg, "off"))
				o.udp = KGRO_UDP_OFF;
			else if (!strcmp(optarg, "l4"))
				o.udp = KGRO_UDP_L4;
			else if (!strcmp(optarg, "fraglist"))
				o.udp = KGRO_UDP_FRAGLIST;
			else {
				fprintf(stderr, "kgro: --udp takes off, l4 or fraglist\n");
				return 1;
			}
			o.udp_set = true;
			break;
		case 'F':
			o.udp = KGRO_UDP_FRAGLIST;
			o.udp_set = true;
			break;
		case 'G':
			o.gro_max_size = parse_num(optarg, 1, KGRO_GRO_MAX_SIZE);
			break;
		case 'X': o.vxlan_port = (int)parse_num(optarg, 1, 65535); break;
		case 'E': o.geneve_port = (int)parse_num(optarg, 1, 65535); break;
		case 'v': o.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (argc - optind < (selftest ? 1 : 2)) {
		usage(stderr);
		return 1;
	}
	if (o.settle_ms < 0)
		o.settle_ms = o.flush_timeout_ns / 4000000 < 3 ?
			      (int)(o.flush_timeout_ns / 4000000) : 3;
	ret = kgro_env_setup(&env, &o);
	if (!ret && make_dirs(argv[optind]) < 0) {
		fprintf(stderr, "kgro: cannot create %s: %s\n", argv[optind],
			strerror(errno));
		ret = 1;
	}
	if (ret) {
		kgro_env_teardown(&env);
		return ret;
	}
	if (selftest) {
		ret = kgro_selftest(&env, argv[optind]);
	} else {
		for (i = optind + 1; i < argc; i++) {
			int r = kgro_run_input(&env, argv[optind], argv[i], NULL);

			if (r > ret)
				ret = r;
		}
	}
	kgro_env_teardown(&env);
	return ret;
}
