// SPDX-License-Identifier: MIT
/*
 * gro relay: the AF_PACKET ring on IN, the TAP, TUN or AF_PACKET device on
 * OUT, and the reverse direction. See relay.h.
 *
 * IN is read through a TPACKET_V3 ring: the kernel copies each frame once
 * into a block of the ring, and the engine works on it there. A block goes
 * back to the kernel when every frame of it has been released by the
 * engine, so a frame held across polls keeps only its own block.
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay.h"

#ifndef TUN_F_TSO_ECN
#define TUN_F_TSO_ECN 0x08
#endif
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif
#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define RING_BLOCK	(256u << 10)	/* bytes per block: 4 jumbo frames at least */
#define RING_BLOCKS	64u
#define BLOCK_TOV_MS	1		/* a partly filled block is handed over after this */

static int sys_err(const char *what, const char *name, int err)
{
	if (err == EPERM || err == EACCES)
		fprintf(stderr, "gro: relay: %s: %s needs CAP_NET_ADMIN and CAP_NET_RAW (run as root)\n",
			name, what);
	else
		fprintf(stderr, "gro: relay: %s: %s: %s\n", name, what, strerror(err));
	return -1;
}

static int if_lookup(const char *name, int *ifindex)
{
	if (strlen(name) >= IFNAMSIZ) {
		fprintf(stderr, "gro: relay: %s: interface name too long\n", name);
		return -1;
	}
	*ifindex = (int)if_nametoindex(name);
	if (!*ifindex) {
		fprintf(stderr, "gro: relay: %s: no such interface\n", name);
		return -1;
	}
	return 0;
}

/* A raw socket on @ifindex: all protocols (@proto ETH_P_ALL), or none (0,
 * for sending only); never our own transmissions. */
static int packet_socket(const char *name, int ifindex, int proto, int vnet)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons((uint16_t)proto),
		.sll_ifindex = ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons((uint16_t)proto));
	int one = 1;

	if (fd < 0)
		return sys_err("AF_PACKET socket", name, errno);
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) ||
	    (vnet && setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one))) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		sys_err("AF_PACKET set-up", name, errno);
		close(fd);
		return -1;
	}
	return fd;
}

static void if_mac(int fd, const char *name, uint8_t mac[6])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if (!ioctl(fd, SIOCGIFHWADDR, &ifr))
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
}

static int ring_open(struct relay_in *in, unsigned frame_size, int fanout_id)
{
	struct tpacket_req3 req;
	int v = TPACKET_V3, i;

	in->fd = packet_socket(in->name, in->ifindex, ETH_P_ALL, 0);
	if (in->fd < 0)
		return -1;
	in->block_size = RING_BLOCK;
	while (in->block_size < 4 * frame_size)
		in->block_size <<= 1;
	in->nblocks = RING_BLOCKS;
	memset(&req, 0, sizeof(req));
	req.tp_block_size = in->block_size;
	req.tp_block_nr = in->nblocks;
	req.tp_frame_size = 2048;
	req.tp_frame_nr = in->block_size / 2048 * in->nblocks;
	req.tp_retire_blk_tov = BLOCK_TOV_MS;
	/* The flow hash the kernel computed (a NIC's RSS hash, or the flow
	 * dissector's): Linux's GRO merges only frames whose hashes agree. */
	req.tp_feature_req_word = TP_FT_REQ_FILL_RXHASH;
	if (setsockopt(in->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(in->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		return sys_err("TPACKET_V3 ring", in->name, errno);
	in->ring_len = (size_t)in->block_size * in->nblocks;
	in->ring = mmap(NULL, in->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED,
			in->fd, 0);
	if (in->ring == MAP_FAILED)
		in->ring = mmap(NULL, in->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, in->fd, 0);
	if (in->ring == MAP_FAILED) {
		in->ring = NULL;
		return sys_err("mmap of the ring", in->name, errno);
	}
	in->refs = calloc(in->nblocks, sizeof(*in->refs));
	if (!in->refs)
		return sys_err("ring", in->name, ENOMEM);
	if (fanout_id >= 0) {
		/* One ring per thread; the kernel spreads flows over them by
		 * their hash, as a NIC spreads them over its queues. */
		i = (fanout_id & 0xffff) | (PACKET_FANOUT_HASH << 16);
		if (setsockopt(in->fd, SOL_PACKET, PACKET_FANOUT, &i, sizeof(i)))
			return sys_err("PACKET_FANOUT", in->name, errno);
	}
	return 0;
}

int relay_in_open(struct relay_in *in, const char *name, enum relay_input kind,
		  unsigned frame_size, int fanout_id, int queue)
{
	memset(in, 0, sizeof(*in));
	in->fd = in->txfd = -1;
	in->kind = kind;
	if (if_lookup(name, &in->ifindex))
		return -1;
	strcpy(in->name, name);
	/* The reverse direction goes out as it came from OUT: a GSO packet
	 * with its virtio_net_hdr, cut by the kernel only if IN needs it. */
	in->txfd = packet_socket(name, in->ifindex, 0, 1);
	if (in->txfd < 0)
		return -1;
	if_mac(in->txfd, name, in->mac);
	if (kind == RELAY_IN_PACKET)
		return ring_open(in, frame_size, fanout_id);
#ifdef GRO_HAVE_XDP
	return relay_xdp_open(in, frame_size, queue);
#else
	(void)queue;
	fprintf(stderr, "gro: relay: --input=xdp: this gro was built without libxdp\n");
	return -1;
#endif
}

void relay_in_close(struct relay_in *in)
{
#ifdef GRO_HAVE_XDP
	if (in->kind == RELAY_IN_XDP)
		relay_xdp_close(in);
#endif
	if (in->ring)
		munmap(in->ring, in->ring_len);
	free(in->refs);
	if (in->fd >= 0 && in->kind == RELAY_IN_PACKET)
		close(in->fd);
	if (in->txfd >= 0)
		close(in->txfd);
	in->ring = NULL;
	in->refs = NULL;
	in->fd = in->txfd = -1;
}

static struct tpacket_block_desc *block(const struct relay_in *in, uint32_t i)
{
	return (struct tpacket_block_desc *)(in->ring + (size_t)i * in->block_size);
}

static void block_return(struct relay_in *in, uint32_t i)
{
	__atomic_store_n(&block(in, i)->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
}

/*
 * A frame the kernel sent on IN with its checksum left to the hardware
 * (CHECKSUM_PARTIAL, a sender in this host): complete it here, as the
 * driver would have, so that the engine and the far side see a frame as
 * it would be on a wire. Only plain TCP and UDP in IPv4 or IPv6, after up
 * to two VLAN tags; anything else is left alone. Returns 1 if the checksum
 * is now complete.
 */
static int csum_finish(uint8_t *f, uint32_t len)
{
	uint32_t l3 = 14, l4, field;
	uint16_t type = (uint16_t)(f[12] << 8 | f[13]);
	uint8_t proto;
	uint16_t c;

	while ((type == ETH_P_8021Q || type == ETH_P_8021AD) && len >= l3 + 4) {
		type = (uint16_t)(f[l3 + 2] << 8 | f[l3 + 3]);
		l3 += 4;
	}
	if (type == ETH_P_IP && len >= l3 + 20) {
		l4 = l3 + (f[l3] & 15u) * 4;
		proto = f[l3 + 9];
	} else if (type == ETH_P_IPV6 && len >= l3 + 40) {
		l4 = l3 + 40;
		proto = f[l3 + 6];
	} else {
		return 0;
	}
	field = l4 + (proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 0);
	if (field == l4 || len < field + 2)
		return 0;
	/* The field holds the pseudo-header sum: fold in everything from
	 * the transport header on, as skb_checksum_help() does. */
	c = (uint16_t)~gro_csum_fold(gro_csum_add(0, f + l4, len - l4));
	if (proto == IPPROTO_UDP && !c)
		c = 0xffff;
	memcpy(f + field, &c, 2);
	return 1;
}

unsigned relay_in_poll(struct relay_in *in, struct gro_frame *frames, unsigned max,
		       struct relay_drops *d)
{
	unsigned n = 0;

#ifdef GRO_HAVE_XDP
	if (in->kind == RELAY_IN_XDP)
		return relay_xdp_poll(in, frames, max, d);
#endif
	while (n < max) {
		struct tpacket3_hdr *h;
		uint8_t *data;

		if (!in->left) {
			struct tpacket_block_desc *bd = block(in, in->cur);

			/* Still in use from the last time round the ring
			 * (frames held), or not handed over yet. */
			if (in->refs[in->cur] ||
			    !(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
			      TP_STATUS_USER))
				break;
			in->left = bd->hdr.bh1.num_pkts;
			in->next = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
			in->refs[in->cur] = 1;	/* ours while we read it */
			if (!in->left)
				goto block_done;
		}
		h = (struct tpacket3_hdr *)in->next;
		data = (uint8_t *)h + h->tp_mac;
		in->next += h->tp_next_offset;
		if (h->tp_snaplen < h->tp_len) {
			d->truncated++;
		} else {
			/* Verified by the NIC, or completed here: the engine
			 * need not sum it again. */
			int ok = h->tp_status & TP_STATUS_CSUM_VALID ||
				 (h->tp_status & TP_STATUS_CSUMNOTREADY &&
				  csum_finish(data, h->tp_snaplen));

			frames[n++] = (struct gro_frame){
				.data = data,
				.len = h->tp_snaplen,
				.rxhash = h->hv1.tp_rxhash,
				.flags = ok ? GRO_FRAME_CSUM_OK : 0,
				.cookie = (void *)(uintptr_t)in->cur,
			};
			in->refs[in->cur]++;
		}
		if (--in->left)
			continue;
block_done:
		if (!--in->refs[in->cur])
			block_return(in, in->cur);
		in->cur = in->cur + 1 == in->nblocks ? 0 : in->cur + 1;
	}
	return n;
}

void relay_in_release(struct relay_in *in, void *cookie)
{
	uint32_t b = (uint32_t)(uintptr_t)cookie;

#ifdef GRO_HAVE_XDP
	if (in->kind == RELAY_IN_XDP) {
		relay_xdp_release(in, cookie);
		return;
	}
#endif
	if (!--in->refs[b])
		block_return(in, b);
}

void relay_in_drops(struct relay_in *in, struct relay_drops *d)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	/* The kernel's counters start again from zero at each read. */
	if (in->kind == RELAY_IN_PACKET &&
	    !getsockopt(in->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		d->ring += st.tp_drops;
}

void relay_wait(struct relay_in *in, int extra_fd, int ms)
{
	struct pollfd pfd[2] = {
		{ .fd = in->fd, .events = POLLIN },
		{ .fd = extra_fd, .events = POLLIN },
	};

	poll(pfd, extra_fd >= 0 ? 2 : 1, ms);
}

/* ------------------------------------------------------------------ OUT */

static int tun_open(struct relay_out *out, int tap, int queues)
{
	static const unsigned offloads[] = {
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
	};
	struct ifreq ifr;
	unsigned i;
	int existed = if_nametoindex(out->name) != 0;

	out->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (out->fd < 0)
		return sys_err("/dev/net/tun", out->name, errno);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)((tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI | IFF_VNET_HDR |
				(queues > 1 ? IFF_MULTI_QUEUE : 0));
	memcpy(ifr.ifr_name, out->name, strlen(out->name));
	if (ioctl(out->fd, TUNSETIFF, &ifr) < 0) {
		if (existed && (errno == EINVAL || errno == EBUSY))
			fprintf(stderr, "gro: relay: %s: exists, and is not a %s device this relay may open\n",
				out->name, tap ? "TAP" : "TUN");
		else
			sys_err("TUNSETIFF", out->name, errno);
		return -1;
	}
	out->vnet_hdr_sz = GRO_VNET_HDR_LEN;
	if (ioctl(out->fd, TUNSETVNETHDRSZ, &out->vnet_hdr_sz) < 0)
		return sys_err("TUNSETVNETHDRSZ", out->name, errno);
	/* What we take from the kernel in the reverse direction: whole GSO
	 * packets, passed on as they are. USO needs Linux 6.2. */
	for (i = 0; i < sizeof(offloads) / sizeof(offloads[0]); i++)
		if (!ioctl(out->fd, TUNSETOFFLOAD, offloads[i])) {
			out->offload = offloads[i];
			break;
		}
	if (!out->offload)
		return sys_err("TUNSETOFFLOAD", out->name, errno);
	return 0;
}

int relay_out_open(struct relay_out *out, const char *spec, int queues)
{
	const char *name = spec;
	int ifindex;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (!strncmp(spec, "tap:", 4) || !strncmp(spec, "tun:", 4)) {
		out->kind = spec[1] == 'a' ? RELAY_OUT_TAP : RELAY_OUT_TUN;
		name = spec + 4;
	} else {
		out->kind = RELAY_OUT_PACKET;
		if (!strncmp(spec, "packet:", 7))
			name = spec + 7;
	}
	if (!*name || strlen(name) >= IFNAMSIZ) {
		fprintf(stderr, "gro: relay: '%s': bad device name\n", spec);
		return -1;
	}
	strcpy(out->name, name);
	out->rbuf = malloc(RELAY_REVERSE_BUF);
	if (!out->rbuf)
		return sys_err("reverse buffer", name, ENOMEM);
	if (out->kind != RELAY_OUT_PACKET)
		return tun_open(out, out->kind == RELAY_OUT_TAP, queues);
	if (if_lookup(name, &ifindex))
		return -1;
	out->vnet_hdr_sz = GRO_VNET_HDR_LEN;
	out->fd = packet_socket(name, ifindex, ETH_P_ALL, 1);
	return out->fd < 0 ? -1 : 0;
}

void relay_out_close(struct relay_out *out)
{
	/* A TAP or TUN device we created is not persistent: it goes with
	 * its last file descriptor, in whatever namespace it is now. */
	if (out->fd >= 0)
		close(out->fd);
	out->fd = -1;
	free(out->rbuf);
	out->rbuf = NULL;
}

static void put_le16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static unsigned get_le16(const uint8_t *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

/* The virtio_net_hdr offsets count from the frame's first byte: move them
 * by @delta when the Ethernet header goes (TUN) or comes (back to IN). */
static int vnet_shift(uint8_t *hdr, int delta)
{
	unsigned hdr_len = get_le16(hdr + 2), start = get_le16(hdr + 6);

	if (hdr_len)
		put_le16(hdr + 2, (unsigned)((int)hdr_len + delta));
	if (hdr[0] & GRO_VNET_F_NEEDS_CSUM) {
		if ((int)start + delta < 0)
			return -1;
		put_le16(hdr + 6, (unsigned)((int)start + delta));
	}
	return 0;
}

int relay_out_write(struct relay_out *out, uint8_t *hdr, struct iovec *iov, unsigned n,
		    struct relay_drops *d)
{
	struct iovec *v = iov - 1;	/* the caller leaves iov[-1] for the header */
	ssize_t rc;

	if (out->kind == RELAY_OUT_TUN) {
		const uint8_t *f = iov[0].iov_base;
		unsigned type = iov[0].iov_len >= 14 ? (unsigned)(f[12] << 8 | f[13]) : 0;

		if (type != ETH_P_IP && type != ETH_P_IPV6) {
			d->not_ip++;
			return -1;
		}
		if (!out->learnt || memcmp(out->peer_mac, f + 6, 6)) {
			memcpy(out->peer_mac, f + 6, 6);
			memcpy(out->own_mac, f, 6);
			out->learnt = 1;
		}
		if (vnet_shift(hdr, -14)) {
			d->encode++;
			return -1;
		}
		iov[0].iov_base = (uint8_t *)iov[0].iov_base + 14;
		iov[0].iov_len -= 14;
	}
	v[0] = (struct iovec){ .iov_base = hdr, .iov_len = (size_t)out->vnet_hdr_sz };
	rc = writev(out->fd, v, (int)n + 1);
	if (rc < 0) {
		d->write_err++;
		return -1;
	}
	return 0;
}

unsigned relay_reverse(struct relay_out *out, struct relay_in *in, unsigned max,
		       uint64_t *bytes, struct relay_drops *d)
{
	uint8_t *buf = out->rbuf;
	unsigned i, done = 0;

	for (i = 0; i < max; i++) {
		/* TUN packets get an Ethernet header in front: read them
		 * 14 bytes further in, and move the vnet header up to it. */
		unsigned l2 = out->kind == RELAY_OUT_TUN ? 14 : 0;
		unsigned hs = (unsigned)out->vnet_hdr_sz;
		uint8_t *p = buf + l2;
		ssize_t len = read(out->fd, p, RELAY_REVERSE_BUF - l2);

		if (len < 0)
			break;
		if ((size_t)len <= hs) {
			d->reverse_err++;
			continue;
		}
		if (l2) {
			uint8_t *eth = p + hs - 14;
			unsigned ver = p[hs] >> 4;

			if (!out->learnt || (ver != 4 && ver != 6) || vnet_shift(p, 14)) {
				d->reverse_err++;
				continue;
			}
			memmove(buf, p, hs);
			memcpy(eth, out->peer_mac, 6);
			memcpy(eth + 6, out->own_mac, 6);
			eth[12] = ver == 4 ? 0x08 : 0x86;
			eth[13] = ver == 4 ? 0x00 : 0xdd;
			len += 14;
		}
		if (send(in->txfd, buf, (size_t)len, MSG_DONTWAIT) < 0) {
			d->reverse_err++;
			continue;
		}
		*bytes += (uint64_t)len - hs;
		done++;
	}
	return done;
}
