// SPDX-License-Identifier: MIT
/*
 * tapfwd: a GRO forwarder between two TAP devices.
 *
 *	tapfwd IN OUT
 *
 * Frames the kernel sends into TAP device IN are taken in bursts, as a NIC
 * driver's poll takes them off its receive ring, merged by libgro, and
 * written into TAP device OUT behind a virtio_net_hdr (IFF_VNET_HDR): the
 * kernel receives each super-packet on OUT as one packet, as from a virtio
 * NIC, and cuts it up again only if it sends it on where it must. Frames
 * the kernel sends into OUT (ACKs, ARP) go back into IN as they are.
 *
 * What it shows of the API, from a datapath's side:
 * - a fixed pool of receive buffers whose ownership passes to libgro with
 *   each frame and comes back through the release hook, and a flow table
 *   sized so that the pool can never run dry (max_held_frames);
 * - super-packets written without a copy: the virtio_net_hdr from
 *   gro_vnet_encode(), then the spans as they lie in the buffers;
 * - NAPI's poll model: everything held is completed when the ring is
 *   empty, only flows held too long when the budget ran out first;
 * - a receive hash from gro_rss_frame(), which spreads flows over the
 *   buckets of the flow table as a NIC's hash would.
 *
 * It needs CAP_NET_ADMIN. The devices exist while it runs; to try it, put
 * them in two network namespaces and send TCP from one to the other:
 *
 *	ip netns add tx; ip netns add rx
 *	./tapfwd gro-in gro-out &
 *	ip link set gro-in netns tx; ip link set gro-out netns rx
 *	ip -n tx addr add 10.77.0.1/24 dev gro-in; ip -n tx link set gro-in up
 *	ip -n rx addr add 10.77.0.2/24 dev gro-out; ip -n rx link set gro-out up
 *	ip netns exec rx tcpdump -ni gro-out -c 20 tcp &	# lengths above the MTU
 *	ip netns exec rx iperf3 -s -D; ip netns exec tx iperf3 -c 10.77.0.2
 *
 * and stop it with Ctrl-C (SIGINT), which completes what is still held.
 *
 * Build against an installed libgro:
 *
 *	cc -o tapfwd tapfwd.c $(pkg-config --cflags --libs libgro)
 */
/* sigaction(), clock_gettime() and the ioctls, even under -std=c11. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gro.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BURST		64		/* frames per poll: the NAPI weight */
#define NBUF		1024		/* receive buffers */
#define BUF_SIZE	9216		/* a jumbo frame */
#define MAX_IOV		64		/* spans written with one writev() */

struct buf {
	struct buf *next;		/* on the free list */
	uint8_t data[BUF_SIZE];
};

struct fwd {
	int in, out;			/* the TAP devices' file descriptors */
	struct buf *pool, *free;
	unsigned nfree;
	struct gro_rss *rss;
	uint64_t written, dropped, back;
	/* A super-packet with too many spans for one writev() is copied
	 * here: 64 KiB after the Ethernet header at most (max_size). */
	uint8_t flat[65536 + 64];
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

/* Open (or create) TAP device @name, non-blocking. */
static int tap_open(const char *name, short flags)
{
	struct ifreq ifr;
	int fd;

	if (strlen(name) >= IFNAMSIZ) {
		fprintf(stderr, "tapfwd: %s: name too long\n", name);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		perror("tapfwd: /dev/net/tun");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | flags);
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "tapfwd: %s: TUNSETIFF: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The deliver hook. A packet passed through is one frame; a super-packet
 * is the first frame (headers completed, TCP checksum left partial as
 * Linux leaves it) followed by the payload of each further segment. The
 * virtio_net_hdr tells the kernel both: GSO type and size, and where the
 * checksum is still to be finished (NEEDS_CSUM), or nothing for a plain
 * frame. The packets are valid only during the call.
 */
static void deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct fwd *f = arg;
	unsigned i, k;

	for (i = 0; i < n; i++) {
		const struct gro_pkt *p = &pkts[i];
		uint8_t hdr[GRO_VNET_HDR_LEN];
		struct iovec iov[1 + MAX_IOV];
		unsigned niov = 1;

		if (gro_vnet_encode(p, hdr, sizeof(hdr)) < 0) {
			f->dropped++;
			continue;
		}
		iov[0] = (struct iovec){ .iov_base = hdr, .iov_len = sizeof(hdr) };
		if (p->nsegs <= MAX_IOV) {
			for (k = 0; k < p->nsegs; k++)
				iov[niov++] = (struct iovec){ .iov_base = p->segs[k].data,
							      .iov_len = p->segs[k].len };
		} else {
			/* Many small segments: one copy, the checksum still
			 * partial as the header says. */
			long len = gro_pkt_linearize(p, f->flat, sizeof(f->flat), 0);

			if (len < 0) {
				f->dropped++;
				continue;
			}
			iov[niov++] = (struct iovec){ .iov_base = f->flat, .iov_len = (size_t)len };
		}
		/* A TAP takes a whole packet per write, or none of it (EIO
		 * while OUT is down, say): nothing to retry. */
		if (writev(f->out, iov, (int)niov) < 0)
			f->dropped++;
		else
			f->written++;
	}
}

/* The release hook: the frame's buffer goes back on the free list. */
static void release(void *arg, void *cookie)
{
	struct fwd *f = arg;
	struct buf *b = cookie;

	b->next = f->free;
	f->free = b;
	f->nfree++;
}

/*
 * One poll of IN: up to BURST frames into the engine. Returns the number
 * read; *empty says the device had no more (the ring ran dry).
 */
static unsigned poll_in(struct fwd *f, struct gro_ctx *gro, int *empty)
{
	struct gro_frame frames[BURST];
	unsigned n = 0;

	*empty = 0;
	/* max_held_frames leaves BURST buffers free whenever libgro has
	 * returned: the pool cannot run dry in the middle of a burst. */
	while (n < BURST && f->free) {
		struct buf *b = f->free;
		ssize_t len = read(f->in, b->data, BUF_SIZE);

		if (len < 0) {
			*empty = errno == EAGAIN || errno == EWOULDBLOCK;
			break;
		}
		if (len == BUF_SIZE) {
			/* Perhaps cut short: a frame larger than a buffer. */
			f->dropped++;
			continue;
		}
		f->free = b->next;
		f->nfree--;
		frames[n++] = (struct gro_frame){
			.data = b->data,
			.len = (uint32_t)len,
			.rxhash = gro_rss_frame(f->rss, b->data, (uint32_t)len),
			.cookie = b,
		};
	}
	gro_receive(gro, frames, n, now_ns());
	return n;
}

/* Frames the kernel sends into OUT go back into IN. TUNSETOFFLOAD was not
 * called on OUT, so the kernel finishes checksums and segments before
 * handing them over, and their virtio_net_hdr is all zero. */
static void poll_out(struct fwd *f)
{
	uint8_t pkt[GRO_VNET_HDR_LEN + BUF_SIZE];
	unsigned i;

	for (i = 0; i < BURST; i++) {
		ssize_t len = read(f->out, pkt, sizeof(pkt));

		if (len < 0)
			return;
		if (len <= GRO_VNET_HDR_LEN || pkt[0] || pkt[1]) {
			f->dropped++;		/* offloads we did not ask for */
			continue;
		}
		if (write(f->in, pkt + GRO_VNET_HDR_LEN, (size_t)len - GRO_VNET_HDR_LEN) < 0)
			f->dropped++;
		else
			f->back++;
	}
}

int main(int argc, char **argv)
{
	static struct fwd f;
	struct sigaction sa;
	struct gro_config cfg;
	struct gro_stats st;
	struct gro_ctx *gro;
	struct pollfd pfd[2];
	int sz = GRO_VNET_HDR_LEN, err, i;

	if (argc != 3) {
		fprintf(stderr, "usage: tapfwd IN OUT\n");
		return 2;
	}
	f.in = tap_open(argv[1], 0);
	f.out = tap_open(argv[2], IFF_VNET_HDR);
	if (f.in < 0 || f.out < 0)
		return 1;
	if (ioctl(f.out, TUNSETVNETHDRSZ, &sz) < 0) {
		perror("tapfwd: TUNSETVNETHDRSZ");
		return 1;
	}

	f.pool = calloc(NBUF, sizeof(*f.pool));
	if (!f.pool) {
		perror("tapfwd");
		return 1;
	}
	for (i = 0; i < NBUF; i++)
		release(&f, &f.pool[i]);
	/* The NIC's hash with the usual key: frames of a flow always get the
	 * same one, and different flows land in different buckets. */
	err = gro_rss_create(NULL, 0, &f.rss);
	if (err) {
		fprintf(stderr, "tapfwd: gro_rss_create: %s\n", gro_strerror(err));
		return 1;
	}

	gro_config_init(&cfg);
	cfg.deliver = deliver;
	cfg.deliver_arg = &f;
	cfg.release = release;
	cfg.release_arg = &f;
	cfg.max_held_frames = NBUF - BURST;
	cfg.flush_timeout_ns = 1000000;	/* a jiffy at HZ=1000 */
	err = gro_create(&cfg, &gro);
	if (err) {
		fprintf(stderr, "tapfwd: gro_create: %s: %s\n", gro_strerror(err),
			err == GRO_EINVAL ? gro_config_error() : "");
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pfd[0] = (struct pollfd){ .fd = f.in, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = f.out, .events = POLLIN };
	while (!stop) {
		int empty;

		if (poll(pfd, 2, gro_held(gro) ? 1 : -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			poll_out(&f);
		poll_in(&f, gro, &empty);
		/* As napi_complete_done: the ring is empty, so complete
		 * everything. A full budget means more is waiting: complete
		 * only what has waited too long, and poll again. */
		gro_flush(gro, now_ns(), empty ? GRO_FLUSH_ALL : GRO_FLUSH_TIMEOUT);
	}

	gro_get_stats(gro, &st);
	gro_destroy(gro);		/* completes and writes what is held */
	fprintf(stderr, "tapfwd: %llu frames in, %llu packets out (%llu super-packets of %.1f segments), "
		"%llu frames back, %llu dropped\n",
		(unsigned long long)st.frames_in, (unsigned long long)f.written,
		(unsigned long long)st.super_pkts,
		st.super_pkts ? (double)st.segs_merged / st.super_pkts : 0.0,
		(unsigned long long)f.back, (unsigned long long)f.dropped);
	gro_rss_destroy(f.rss);
	free(f.pool);
	close(f.in);
	close(f.out);
	return 0;
}
