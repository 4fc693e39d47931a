// SPDX-License-Identifier: MIT
/*
 * gro relay --input=xdp: IN read through an AF_XDP socket (libxdp).
 *
 * libxdp attaches its default XDP program, which redirects every frame of
 * the queue into the socket, so the kernel's stack never sees them. Frames
 * land in a UMEM of 4 KiB chunks that the engine works on in place; a chunk
 * goes back to the fill ring when the engine releases its frame. The mode
 * is the best the driver offers: native with zero-copy, native with a copy
 * (veth), or generic (any driver, the skb path).
 */
#include <errno.h>
#include <linux/if_link.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#include "relay.h"

#define NUM_CHUNKS	8192
#define CHUNK_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING_SIZE	4096

struct xdp_in {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	uint8_t *area;
	struct gro_rss *rss;	/* AF_XDP carries no receive hash: compute the NIC's */
	uint64_t *free;		/* chunks released, not yet on the fill ring */
	unsigned nfree;
};

static int quiet_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int lbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Hand the released chunks back to the kernel, as many as the ring takes. */
static void refill(struct xdp_in *x)
{
	uint32_t idx, n, i;

	if (!x->nfree)
		return;
	/* reserve() takes all it is asked for or nothing. */
	n = xsk_prod_nb_free(&x->fill, x->nfree);
	if (n > x->nfree)
		n = x->nfree;
	if (!n || xsk_ring_prod__reserve(&x->fill, n, &idx) != n)
		return;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) = x->free[--x->nfree];
	if (n)
		xsk_ring_prod__submit(&x->fill, n);
}

int relay_xdp_open(struct relay_in *in, unsigned frame_size, int queue)
{
	/* Best first: native zero-copy, native copy, generic copy. */
	static const struct { uint32_t xdp_flags; uint16_t bind; int native, zc; } modes[] = {
		{ XDP_FLAGS_DRV_MODE, XDP_ZEROCOPY, 1, 1 },
		{ XDP_FLAGS_DRV_MODE, XDP_COPY, 1, 0 },
		{ XDP_FLAGS_SKB_MODE, XDP_COPY, 0, 0 },
	};
	struct xsk_umem_config ucfg = {
		.fill_size = RING_SIZE,
		.comp_size = RING_SIZE,
		.frame_size = CHUNK_SIZE,
		.frame_headroom = 0,
	};
	struct xdp_in *x;
	unsigned i;
	int err = 0, native_err = 0;

	/* Frames longer than a chunk would need XDP multi-buffer, which
	 * libxdp's program does not declare: the driver refuses the MTU. */
	(void)frame_size;
	libxdp_set_print(quiet_print);
	libbpf_set_print(lbpf_quiet);
	x = calloc(1, sizeof(*x));
	if (!x || !(x->free = calloc(NUM_CHUNKS, sizeof(*x->free)))) {
		fprintf(stderr, "gro: relay: out of memory\n");
		free(x);
		return -1;
	}
	in->xdp = x;
	if (gro_rss_create(NULL, 0, &x->rss)) {
		fprintf(stderr, "gro: relay: out of memory\n");
		return -1;
	}
	x->area = mmap(NULL, (size_t)NUM_CHUNKS * CHUNK_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		fprintf(stderr, "gro: relay: %s: UMEM: %s\n", in->name, strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct xsk_socket_config scfg = {
			.rx_size = RING_SIZE,
			.tx_size = 0,
			.xdp_flags = modes[i].xdp_flags,
			.bind_flags = modes[i].bind | XDP_USE_NEED_WAKEUP,
		};

		/* A UMEM that failed to bind is not reused. */
		err = xsk_umem__create(&x->umem, x->area, (uint64_t)NUM_CHUNKS * CHUNK_SIZE,
				       &x->fill, &x->comp, &ucfg);
		if (err)
			break;
		err = xsk_socket__create(&x->xsk, in->name, (uint32_t)queue, x->umem, &x->rx, NULL,
					 &scfg);
		if (!err) {
			in->xdp_native = modes[i].native;
			in->xdp_zerocopy = modes[i].zc;
			break;
		}
		if (modes[i].native && !native_err)
			native_err = err;
		xsk_umem__delete(x->umem);
		x->umem = NULL;
		x->xsk = NULL;
	}
	if (err) {
		if (err == -EPERM || err == -EACCES)
			fprintf(stderr, "gro: relay: %s: AF_XDP needs CAP_NET_ADMIN, CAP_NET_RAW and "
				"CAP_BPF (run as root)\n", in->name);
		else if (native_err == -EOPNOTSUPP)
			fprintf(stderr, "gro: relay: %s: the driver has no native XDP, and generic XDP "
				"failed: %s\n", in->name, strerror(-err));
		else
			fprintf(stderr, "gro: relay: %s: AF_XDP socket on queue %d: %s%s\n", in->name,
				queue, strerror(-err),
				err == -EINVAL ? " (an MTU above 3500, or no such queue?)" : "");
		return -1;
	}
	in->fd = xsk_socket__fd(x->xsk);
	for (i = 0; i < NUM_CHUNKS; i++)
		x->free[x->nfree++] = (uint64_t)i * CHUNK_SIZE;
	refill(x);
	return 0;
}

void relay_xdp_close(struct relay_in *in)
{
	struct xdp_in *x = in->xdp;

	if (!x)
		return;
	if (x->xsk)
		xsk_socket__delete(x->xsk);	/* detaches the program it loaded */
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, (size_t)NUM_CHUNKS * CHUNK_SIZE);
	gro_rss_destroy(x->rss);
	free(x->free);
	free(x);
	in->xdp = NULL;
	in->fd = -1;
}

unsigned relay_xdp_poll(struct relay_in *in, struct gro_frame *frames, unsigned max,
			struct relay_drops *d)
{
	struct xdp_in *x = in->xdp;
	uint32_t idx, n, i;

	(void)d;
	refill(x);
	n = xsk_ring_cons__peek(&x->rx, max, &idx);
	for (i = 0; i < n; i++) {
		const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&x->rx, idx + i);
		uint64_t addr = xsk_umem__add_offset_to_addr(desc->addr);
		uint8_t *data = xsk_umem__get_data(x->area, addr);

		frames[i] = (struct gro_frame){
			.data = data,
			.len = desc->len,
			.rxhash = gro_rss_frame(x->rss, data, desc->len),
			/* The chunk, whatever the offset of the frame in it. */
			.cookie = (void *)(uintptr_t)(xsk_umem__extract_addr(desc->addr) &
						      ~(uint64_t)(CHUNK_SIZE - 1)),
		};
	}
	if (n)
		xsk_ring_cons__release(&x->rx, n);
	else if (xsk_ring_prod__needs_wakeup(&x->fill))
		/* The driver sleeps until told the fill ring has chunks. */
		recvfrom(in->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	return n;
}

void relay_xdp_release(struct relay_in *in, void *cookie)
{
	struct xdp_in *x = in->xdp;

	x->free[x->nfree++] = (uint64_t)(uintptr_t)cookie;
}
