/* SPDX-License-Identifier: MIT */
/*
 * gro relay: the devices. An input port receives Ethernet frames from an
 * interface (an AF_PACKET TPACKET_V3 ring, or an AF_XDP socket) and sends
 * the reverse direction into it; an output port is a TAP or TUN device the
 * relay creates, or another interface through AF_PACKET, and takes packets
 * as a virtio_net_hdr followed by the packet's spans.
 */
#ifndef GRO_RELAY_H
#define GRO_RELAY_H

#include <net/if.h>
#include <stdint.h>
#include <sys/uio.h>

#include "gro.h"

enum relay_input { RELAY_IN_PACKET, RELAY_IN_XDP };
enum relay_output { RELAY_OUT_TAP, RELAY_OUT_TUN, RELAY_OUT_PACKET };

/* Why a frame or packet was not forwarded. */
struct relay_drops {
	uint64_t truncated;	/* larger than the ring's frames (a GSO packet on IN) */
	uint64_t not_ip;	/* TUN output: not IPv4 or IPv6 over plain Ethernet */
	uint64_t write_err;	/* the output refused it (down, no buffer) */
	uint64_t encode;	/* no virtio_net_hdr describes it */
	uint64_t reverse_err;	/* reverse direction: refused or malformed */
	uint64_t ring;		/* the kernel found IN's ring full */
};

struct relay_in {
	enum relay_input kind;
	char name[IFNAMSIZ];
	int ifindex;
	int fd;			/* the ring's socket, or the XDP socket */
	int txfd;		/* AF_PACKET with PACKET_VNET_HDR: the reverse direction */
	uint8_t mac[6];		/* IN's own address */
	/* TPACKET_V3 */
	uint8_t *ring;
	size_t ring_len;
	uint32_t block_size, nblocks;
	uint32_t cur;		/* the block being read, or the next to wait for */
	uint32_t left;		/* packets of block cur not read yet (0: none taken) */
	uint8_t *next;		/* the next packet of block cur */
	uint32_t *refs;		/* per block: frames in the engine + 1 while being read */
	/* AF_XDP (relay_xdp.c) */
	void *xdp;
	int xdp_zerocopy;
	int xdp_native;
};

struct relay_out {
	enum relay_output kind;
	char name[IFNAMSIZ];
	int fd;
	int vnet_hdr_sz;
	unsigned offload;	/* TUNSETOFFLOAD flags the TAP/TUN accepted */
	/* TUN: the Ethernet addresses put on packets going back into IN,
	 * learnt from the frames coming from it. */
	uint8_t peer_mac[6], own_mac[6];
	int learnt;
	uint8_t *rbuf;		/* the reverse direction's packet */
};

/* A GSO packet the kernel hands over in the reverse direction, with its
 * virtio_net_hdr and, for a TUN, room for an Ethernet header. */
#define RELAY_REVERSE_BUF	(GRO_VNET_HDR_V1_LEN + 14 + 65536 + 256)

/* Each returns 0, or -1 after printing one line saying why not. */
int relay_in_open(struct relay_in *in, const char *name, enum relay_input kind,
		  unsigned frame_size, int fanout_id, int queue);
void relay_in_close(struct relay_in *in);
int relay_out_open(struct relay_out *out, const char *spec, int queue_count);
void relay_out_close(struct relay_out *out);

/* Take up to @max frames from IN into @frames (data, len, cookie, flags).
 * Frames stay owned until relay_in_release(cookie). */
unsigned relay_in_poll(struct relay_in *in, struct gro_frame *frames, unsigned max,
		       struct relay_drops *d);
void relay_in_release(struct relay_in *in, void *cookie);
/* Add the frames the kernel dropped because IN's ring was full. */
void relay_in_drops(struct relay_in *in, struct relay_drops *d);
/* Wait until IN or @extra_fd (may be -1) has something, at most @ms
 * (-1: no limit). */
void relay_wait(struct relay_in *in, int extra_fd, int ms);

/* Write a packet: @hdr (a virtio_net_hdr of out->vnet_hdr_sz bytes,
 * relative to the Ethernet frame), then @iov[0..n-1] (the frame). The
 * first iov may be adjusted for TUN. Returns 0 or -1 (dropped, counted). */
int relay_out_write(struct relay_out *out, uint8_t *hdr, struct iovec *iov, unsigned n,
		    struct relay_drops *d);

/* The reverse direction: up to @max packets from OUT into IN, as they are
 * (with their virtio_net_hdr, so GSO packets stay whole until IN's driver
 * or the kernel cuts them). Returns the number forwarded; adds their bytes. */
unsigned relay_reverse(struct relay_out *out, struct relay_in *in, unsigned max,
		       uint64_t *bytes, struct relay_drops *d);

#ifdef GRO_HAVE_XDP
int relay_xdp_open(struct relay_in *in, unsigned frame_size, int queue);
void relay_xdp_close(struct relay_in *in);
unsigned relay_xdp_poll(struct relay_in *in, struct gro_frame *frames, unsigned max,
			struct relay_drops *d);
void relay_xdp_release(struct relay_in *in, void *cookie);
#endif

#endif
