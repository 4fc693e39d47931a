// SPDX-License-Identifier: MIT
/*
 * xdprecv: GRO on an AF_XDP receive queue.
 *
 *	xdprecv IFACE [QUEUE]
 *
 * Frames of receive queue QUEUE (0) of IFACE are redirected by XDP into an
 * AF_XDP socket, merged by libgro where they lie in the UMEM, and counted:
 * once a second a line says how many frames came in, how many packets the
 * engine delivered and how many segments a super-packet held. A real
 * datapath would send the packets on (see tapfwd.c, and `gro relay
 * --input=xdp`); this one only counts them, and the frames never reach
 * the kernel's stack while it runs.
 *
 * What it shows of the API, from an AF_XDP datapath's side:
 * - the UMEM chunk address as each frame's cookie, and release_batch
 *   putting a whole delivered batch back on the fill ring in one go;
 * - a flow table that can never hold more chunks than the fill ring can
 *   spare (max_held_frames);
 * - NAPI's poll model: everything held is completed when the RX ring is
 *   empty, only flows held too long when the budget ran out first;
 * - the receive hash, which AF_XDP does not carry, computed as the NIC
 *   would with gro_rss_frame().
 *
 * It needs root (CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF), libxdp and libbpf.
 * libxdp loads its default program, which redirects the queue's frames
 * into the socket; a veth takes it in native mode (with a copy), and any
 * driver in generic mode. To try it between two network namespaces:
 *
 *	ip netns add a; ip netns add b
 *	ip -n a link add va type veth peer name vb netns b
 *	ip -n a addr add 10.78.0.1/24 dev va; ip -n a link set va up
 *	ip -n b link set vb up
 *	ip netns exec a ethtool -K va tso off gso off tx off
 *	ip -n a neigh add 10.78.0.2 lladdr 02:00:00:00:00:02 dev va
 *	ip netns exec b ./xdprecv vb &
 *	ip netns exec a iperf3 -c 10.78.0.2 -t 3	# no one answers: SYNs
 *
 * (or send a TCP stream into vb from a capture, with tcpreplay), and stop
 * it with Ctrl-C.
 *
 * Build against an installed libgro:
 *
 *	cc -o xdprecv xdprecv.c $(pkg-config --cflags --libs libgro libxdp libbpf)
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <gro.h>
#include <linux/if_link.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#define BURST		64		/* frames per poll: the NAPI weight */
#define NUM_CHUNKS	4096		/* UMEM chunks, one frame each */
#define CHUNK_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING_SIZE	NUM_CHUNKS	/* the fill ring can take every chunk */

struct rx {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp, rx;
	uint8_t *area;
	struct gro_rss *rss;
	uint64_t pkts, supers, segs;
	uint64_t lost;			/* chunks the fill ring had no room for */
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

/* The deliver hook. A datapath would write each packet out here (a
 * virtio_net_hdr from gro_vnet_encode(), then the spans); we count. */
static void deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct rx *r = arg;
	unsigned i;

	for (i = 0; i < n; i++) {
		r->pkts++;
		if (pkts[i].gso_segs > 1) {
			r->supers++;
			r->segs += pkts[i].gso_segs;
		}
	}
}

/* The batch release hook: every chunk of the batch just delivered goes
 * back to the kernel through the fill ring, one reservation for all. The
 * ring has room for every chunk, so always for these. */
static void release_batch(void *arg, const struct gro_seg *segs, unsigned n)
{
	struct rx *r = arg;
	uint32_t idx, i;

	if (xsk_ring_prod__reserve(&r->fill, n, &idx) != n) {
		r->lost += n;
		return;
	}
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&r->fill, idx + i) = (uint64_t)(uintptr_t)segs[i].cookie;
	xsk_ring_prod__submit(&r->fill, n);
}

/* One poll: up to BURST frames from the RX ring into the engine. */
static unsigned poll_rx(struct rx *r, struct gro_ctx *gro)
{
	struct gro_frame frames[BURST];
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&r->rx, BURST, &idx);
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&r->rx, idx + i);
		uint64_t addr = xsk_umem__add_offset_to_addr(d->addr);
		uint8_t *data = xsk_umem__get_data(r->area, addr);

		frames[i] = (struct gro_frame){
			.data = data,
			.len = d->len,
			.rxhash = gro_rss_frame(r->rss, data, d->len),
			/* The chunk's own address, for the fill ring. */
			.cookie = (void *)(uintptr_t)(addr & ~(uint64_t)(CHUNK_SIZE - 1)),
		};
	}
	/* The descriptors are read: the frames themselves stay ours until
	 * libgro releases them. */
	if (n)
		xsk_ring_cons__release(&r->rx, n);
	gro_receive(gro, frames, n, now_ns());
	return n;
}

int main(int argc, char **argv)
{
	static struct rx r;
	struct xsk_umem_config ucfg = {
		.fill_size = RING_SIZE, .comp_size = RING_SIZE, .frame_size = CHUNK_SIZE,
	};
	struct xsk_socket_config scfg = {
		.rx_size = RING_SIZE,
		.bind_flags = XDP_USE_NEED_WAKEUP,
	};
	struct gro_config cfg;
	struct gro_stats st;
	struct gro_ctx *gro;
	struct sigaction sa;
	struct pollfd pfd;
	uint64_t next, in_last = 0;
	uint32_t idx, i;
	int err;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: xdprecv IFACE [QUEUE]\n");
		return 2;
	}
	r.area = mmap(NULL, (size_t)NUM_CHUNKS * CHUNK_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r.area == MAP_FAILED) {
		perror("xdprecv: mmap");
		return 1;
	}
	err = xsk_umem__create(&r.umem, r.area, (uint64_t)NUM_CHUNKS * CHUNK_SIZE, &r.fill,
			       &r.comp, &ucfg);
	if (!err)
		err = xsk_socket__create(&r.xsk, argv[1], argc > 2 ? (uint32_t)atoi(argv[2]) : 0,
					 r.umem, &r.rx, NULL, &scfg);
	if (err) {
		fprintf(stderr, "xdprecv: %s: AF_XDP: %s\n", argv[1], strerror(-err));
		return 1;
	}
	/* Every chunk starts on the fill ring, for the driver to fill. */
	if (xsk_ring_prod__reserve(&r.fill, RING_SIZE, &idx) != RING_SIZE) {
		fprintf(stderr, "xdprecv: fill ring\n");
		return 1;
	}
	for (i = 0; i < RING_SIZE; i++)
		*xsk_ring_prod__fill_addr(&r.fill, idx + i) = (uint64_t)i * CHUNK_SIZE;
	xsk_ring_prod__submit(&r.fill, RING_SIZE);
	err = gro_rss_create(NULL, 0, &r.rss);
	if (err) {
		fprintf(stderr, "xdprecv: gro_rss_create: %s\n", gro_strerror(err));
		return 1;
	}

	gro_config_init(&cfg);
	cfg.deliver = deliver;
	cfg.deliver_arg = &r;
	cfg.release_batch = release_batch;
	cfg.release_arg = &r;
	/* Chunks held by the engine are off the fill ring: leave the
	 * driver half of them, whatever the flows. */
	cfg.max_held_frames = NUM_CHUNKS / 2;
	cfg.flush_timeout_ns = 1000000;
	err = gro_create(&cfg, &gro);
	if (err) {
		fprintf(stderr, "xdprecv: gro_create: %s\n", gro_strerror(err));
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	pfd = (struct pollfd){ .fd = xsk_socket__fd(r.xsk), .events = POLLIN };
	next = now_ns() + 1000000000u;
	while (!stop) {
		unsigned n = poll_rx(&r, gro);

		/* As napi_complete_done: RX ring empty, complete everything;
		 * a full budget means more is waiting. */
		gro_flush(gro, now_ns(), n < BURST ? GRO_FLUSH_ALL : GRO_FLUSH_TIMEOUT);
		if (!n)
			poll(&pfd, 1, 100);	/* also wakes the driver (need_wakeup) */
		if (now_ns() >= next) {
			gro_get_stats(gro, &st);
			printf("xdprecv: %llu frames in, %llu packets out, %.1f segments per super-packet\n",
			       (unsigned long long)(st.frames_in - in_last), (unsigned long long)r.pkts,
			       r.supers ? (double)r.segs / r.supers : 0.0);
			fflush(stdout);
			in_last = st.frames_in;
			r.pkts = r.supers = r.segs = 0;
			next += 1000000000u;
		}
	}

	gro_destroy(gro);		/* completes and releases what is held */
	xsk_socket__delete(r.xsk);	/* and libxdp detaches its program */
	xsk_umem__delete(r.umem);
	gro_rss_destroy(r.rss);
	munmap(r.area, (size_t)NUM_CHUNKS * CHUNK_SIZE);
	if (r.lost)
		fprintf(stderr, "xdprecv: %llu chunks lost\n", (unsigned long long)r.lost);
	return 0;
}
