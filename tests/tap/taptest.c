/* taptest: libgro against the kernel's TAP driver and its virtio_net_hdr,
 * live, in both directions (see tests/tap/README.md).
 *
 *   taptest [--seed N] [--cases N] [--only NAME] [--dump DIR] [-v] [IN.pcap ...]
 *
 * libgro -> kernel: seeded TCP streams (and the captures given) go through
 * libgro's engine; every delivered packet is written into the TAP with the
 * header from gro_vnet_encode(). The bridge forwards it to two veth ports
 * without offloads, where the kernel segments it in software; what arrives
 * at their peers must be byte for byte what gro_segment() makes of the
 * packet (after gro_vnet_decode() of the same header) and, merged packets
 * cut back, the very frames that went into the engine.
 *
 * kernel -> libgro: GSO packets sent into the bridge (crafted ones with a
 * virtio_net_hdr over AF_PACKET, and a real TCP connection with TSO) reach
 * the TAP with the kernel's header (whole, or segmented first where the
 * TAP's offloads do not cover them); gro_vnet_decode() and gro_segment()
 * must give exactly the frames the kernel puts on the wire of a port where
 * it segments them itself.
 *
 * Hand-made edge cases go through the TAP too; the known differences are
 * listed on their own lines and counted apart.
 *
 * Exit status: 0 all passed, 1 a failure, 77 skipped (reason printed).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>

#include <gro.h>
#include "pktbuild.h"
#include "tap_env.h"

#ifndef TUN_F_TSO_ECN
#define TUN_F_TSO_ECN 0x08
#endif
/* Linux 6.2+: UDP segmentation offload, both or neither (tun's set_offload) */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

static struct tap_env env;
static int verbose;
static const char *dump_dir;
static uint8_t rxbuf[256 * 1024];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "tap: out of memory\n");
		exit(1);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "tap: out of memory\n");
		exit(1);
	}
	return p;
}

static unsigned g16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t g32(const uint8_t *p) { return (uint32_t)g16(p) << 16 | g16(p + 2); }
static void p16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static unsigned le16(const uint8_t *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }
static void ple16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

/* ------------------------------------------------------------------ rng */

struct rng { uint64_t s; };

static uint64_t rnd64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n) { return n ? (uint32_t)(rnd64(r) % n) : 0; }
static int chance(struct rng *r, unsigned permille) { return below(r, 1000) < permille; }

static void rng_init(struct rng *r, uint64_t seed, uint64_t group, uint64_t idx)
{
	r->s = seed * 0x2545f4914f6cdd1dull ^ (group << 48) ^ (idx + 1) * 0xd1b54a32d192ed03ull;
	rnd64(r);
}

/* ------------------------------------------------------------------ frame lists */

struct pkt {
	uint8_t *d;
	uint32_t len;
	uint8_t vh[12];		/* the virtio_net_hdr it came or goes with */
	int werr;		/* errno of a failed write, 0 if none */
	uint32_t *idx;		/* input frames it is made of (engine output) */
	uint32_t nidx;
	uint32_t gso_type;	/* GRO_GSO_* as libgro delivered it */
	uint8_t reason;
};

struct plist {
	struct pkt *v;
	size_t n, cap;
};

static struct pkt *pl_add(struct plist *l, const uint8_t *d, uint32_t len)
{
	struct pkt *p;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	p = &l->v[l->n++];
	memset(p, 0, sizeof(*p));
	p->d = xmalloc(len);
	memcpy(p->d, d, len);
	p->len = len;
	return p;
}

static void pl_free(struct plist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].d);
		free(l->v[i].idx);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void pl_append(struct plist *dst, const struct plist *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		pl_add(dst, src->v[i].d, src->v[i].len);
}

static void dump_list(const char *name, const char *what, const struct plist *l)
{
	struct pb_list pl = { 0 };
	char path[PATH_MAX];
	size_t i;

	if (!dump_dir)
		return;
	mkdir(dump_dir, 0777);
	for (i = 0; i < l->n; i++)
		pb_list_add(&pl, l->v[i].d, l->v[i].len);
	snprintf(path, sizeof(path), "%s/%s.%s.pcap", dump_dir, name, what);
	if (pb_pcap_write(path, &pl) == 0)
		printf("    wrote %s\n", path);
	pb_list_free(&pl);
}

/* ------------------------------------------------------------------ field names */

/* Which header field byte @off of frame @f lies in, for messages. */
static void field_at(const uint8_t *f, uint32_t len, uint32_t off, char *out, size_t outlen)
{
	uint32_t l3 = 14, l4 = 0, type, end;
	uint8_t proto = 0;

	if (off < 6) {
		snprintf(out, outlen, "Ethernet destination");
		return;
	}
	if (off < 12) {
		snprintf(out, outlen, "Ethernet source");
		return;
	}
	if (len < 14) {
		snprintf(out, outlen, "byte %u", off);
		return;
	}
	type = g16(f + 12);
	while ((type == 0x8100 || type == 0x88a8) && l3 + 4 <= len) {
		if (off < l3 + 2 && off >= l3 - 2) {
			snprintf(out, outlen, "VLAN tag");
			return;
		}
		type = g16(f + l3 + 2);
		l3 += 4;
	}
	if (off < l3) {
		snprintf(out, outlen, "EtherType/VLAN");
		return;
	}
	if (type == 0x0800 && l3 + 20 <= len) {
		static const char *const v4[] = {
			"IPv4 version/IHL", "IPv4 TOS", "IPv4 tot_len", "IPv4 tot_len", "IPv4 ID",
			"IPv4 ID", "IPv4 flags/frag", "IPv4 flags/frag", "IPv4 TTL", "IPv4 protocol",
			"IPv4 checksum", "IPv4 checksum",
		};
		uint32_t ihl = (f[l3] & 15) * 4u;

		if (off < l3 + 12) {
			snprintf(out, outlen, "%s", v4[off - l3]);
			return;
		}
		if (off < l3 + 20) {
			snprintf(out, outlen, off < l3 + 16 ? "IPv4 source" : "IPv4 destination");
			return;
		}
		if (off < l3 + ihl) {
			snprintf(out, outlen, "IPv4 options");
			return;
		}
		proto = f[l3 + 9];
		l4 = l3 + ihl;
	} else if (type == 0x86dd && l3 + 40 <= len) {
		if (off < l3 + 40) {
			uint32_t o = off - l3;

			snprintf(out, outlen, "%s",
				 o < 4 ? "IPv6 version/class/flow label" : o < 6 ? "IPv6 payload_len" :
				 o == 6 ? "IPv6 next header" : o == 7 ? "IPv6 hop limit" :
				 o < 24 ? "IPv6 source" : "IPv6 destination");
			return;
		}
		proto = f[l3 + 6];
		end = l3 + 40;
		while ((proto == 0 || proto == 43 || proto == 60) && end + 8 <= len) {
			uint32_t hl = (f[end + 1] + 1u) * 8;

			if (off < end + hl) {
				snprintf(out, outlen, "IPv6 extension header %u", proto);
				return;
			}
			proto = f[end];
			end += hl;
		}
		l4 = end;
	} else {
		snprintf(out, outlen, "byte %u of a non-IP frame", off);
		return;
	}
	if (proto == 6 && l4 + 20 <= len) {
		static const char *const tcp[] = {
			"TCP source port", "TCP source port", "TCP destination port",
			"TCP destination port", "TCP sequence number", "TCP sequence number",
			"TCP sequence number", "TCP sequence number", "TCP ACK number",
			"TCP ACK number", "TCP ACK number", "TCP ACK number", "TCP data offset",
			"TCP flags", "TCP window", "TCP window", "TCP checksum", "TCP checksum",
			"TCP urgent pointer", "TCP urgent pointer",
		};
		uint32_t thl = (f[l4 + 12] >> 4) * 4u;

		if (off < l4 + 20)
			snprintf(out, outlen, "%s", tcp[off - l4]);
		else if (off < l4 + thl)
			snprintf(out, outlen, "TCP options");
		else
			snprintf(out, outlen, "TCP payload byte %u", off - l4 - thl);
		return;
	}
	if (proto == 17 && l4 + 8 <= len) {
		static const char *const udp[] = {
			"UDP source port", "UDP source port", "UDP destination port",
			"UDP destination port", "UDP length", "UDP length", "UDP checksum",
			"UDP checksum",
		};

		if (off < l4 + 8)
			snprintf(out, outlen, "%s", udp[off - l4]);
		else
			snprintf(out, outlen, "UDP payload byte %u", off - l4 - 8);
		return;
	}
	snprintf(out, outlen, "L4 byte %u", off - l4);
}

/* One line naming the frame: addresses, ports, sequence number, flags. */
static void describe(const uint8_t *f, uint32_t len, char *out, size_t outlen)
{
	uint32_t l3 = 14, type;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (len < 14) {
		snprintf(out, outlen, "%u-byte runt", len);
		return;
	}
	type = g16(f + 12);
	while ((type == 0x8100 || type == 0x88a8) && l3 + 4 <= len) {
		type = g16(f + l3 + 2);
		l3 += 4;
	}
	if ((type == 0x0800 && l3 + 20 <= len) || (type == 0x86dd && l3 + 40 <= len)) {
		int v6 = type == 0x86dd;
		uint8_t proto = f[l3 + (v6 ? 6 : 9)];
		uint32_t l4 = v6 ? l3 + 40 : l3 + (f[l3] & 15) * 4u;
		uint32_t l4min = proto == 6 ? 20 : 8;
		const char *o = v6 ? "[" : "", *c = v6 ? "]" : "";
		char id[16] = "";

		if ((proto == 6 || proto == 17) && l3 + (v6 ? 40 : 20) + l4min <= len &&
		    l4 + l4min <= len) {
			inet_ntop(v6 ? AF_INET6 : AF_INET, f + l3 + (v6 ? 8 : 12), a, sizeof(a));
			inet_ntop(v6 ? AF_INET6 : AF_INET, f + l3 + (v6 ? 24 : 16), b, sizeof(b));
			if (!v6)
				snprintf(id, sizeof(id), " id %u", g16(f + l3 + 4));
			if (proto == 6)
				snprintf(out, outlen, "%u bytes, %s%s%s:%u > %s%s%s:%u%s seq %u flags 0x%02x",
					 len, o, a, c, g16(f + l4), o, b, c, g16(f + l4 + 2), id,
					 g32(f + l4 + 4), f[l4 + 13]);
			else
				snprintf(out, outlen, "%u bytes, UDP %s%s%s:%u > %s%s%s:%u%s len %u csum 0x%04x",
					 len, o, a, c, g16(f + l4), o, b, c, g16(f + l4 + 2), id,
					 g16(f + l4 + 4), g16(f + l4 + 6));
			return;
		}
	}
	snprintf(out, outlen, "%u bytes, EtherType 0x%04x", len, type);
}

/* ------------------------------------------------------------------ comparing */

/* Compare two frame lists; print up to three differences. Returns the
 * number of differing positions (a length mismatch counts once). */
static int compare(const char *name, const char *what, const struct plist *exp,
		   const struct plist *got)
{
	size_t i, n = exp->n < got->n ? exp->n : got->n;
	int bad = 0, shown = 0;
	char fa[64], d1[160], d2[160];

	for (i = 0; i < n; i++) {
		const struct pkt *e = &exp->v[i], *g = &got->v[i];
		uint32_t k, m = e->len < g->len ? e->len : g->len;

		if (e->len == g->len && !memcmp(e->d, g->d, e->len))
			continue;
		bad++;
		if (shown++ >= 3)
			continue;
		for (k = 0; k < m && e->d[k] == g->d[k]; k++)
			;
		describe(e->d, e->len, d1, sizeof(d1));
		describe(g->d, g->len, d2, sizeof(d2));
		if (k < m) {
			field_at(e->d, e->len, k, fa, sizeof(fa));
			printf("  %s: %s: frame %zu of %zu differs at byte %u (%s): expected 0x%02x, got 0x%02x\n"
			       "      expected %s\n      got      %s\n",
			       name, what, i + 1, exp->n, k, fa, e->d[k], g->d[k], d1, d2);
		} else {
			printf("  %s: %s: frame %zu of %zu: expected %u bytes, got %u\n"
			       "      expected %s\n      got      %s\n",
			       name, what, i + 1, exp->n, e->len, g->len, d1, d2);
		}
	}
	if (exp->n != got->n) {
		bad++;
		printf("  %s: %s: expected %zu frames, got %zu\n", name, what, exp->n, got->n);
		if (got->n > exp->n) {
			describe(got->v[exp->n].d, got->v[exp->n].len, d1, sizeof(d1));
			printf("      first extra: %s\n", d1);
		} else {
			describe(exp->v[got->n].d, exp->v[got->n].len, d1, sizeof(d1));
			printf("      first missing: %s\n", d1);
		}
	}
	return bad;
}

/* ------------------------------------------------------------------ markers */

enum { EP_TAP, EP_B, EP_D, EP_COUNT };
static const char *const ep_name[EP_COUNT] = { "tap0", "vb", "vd" };

#define MARK_TYPE 0x88b5
static const uint8_t mark_magic[10] = "libgro-tap";
static const uint8_t mark_dst[6] = { 0x0a, 0x54, 0x41, 0x50, 0xff, 0xfe };
static uint32_t mark_seq;

static size_t build_marker(uint8_t *buf, const uint8_t *src, uint32_t seq)
{
	uint32_t pid = (uint32_t)getpid();

	memset(buf, 0, 60);
	memcpy(buf, mark_dst, 6);
	memcpy(buf + 6, src, 6);
	p16(buf + 12, MARK_TYPE);
	memcpy(buf + 14, mark_magic, 10);
	memcpy(buf + 24, &pid, 4);
	memcpy(buf + 28, &seq, 4);
	return 60;
}

static int is_marker(const uint8_t *d, uint32_t len, uint32_t *seq)
{
	uint32_t pid = (uint32_t)getpid();

	if (len < 32 || g16(d + 12) != MARK_TYPE || memcmp(d + 14, mark_magic, 10) ||
	    memcmp(d + 24, &pid, 4))
		return 0;
	memcpy(seq, d + 28, 4);
	return 1;
}

/* ------------------------------------------------------------------ I/O */

static int tap_write(const uint8_t *vh, const uint8_t *d, uint32_t len)
{
	uint8_t h[12] = { 0 };
	struct iovec iov[2] = {
		{ .iov_base = h, .iov_len = (size_t)env.vnet_hdr_sz },
		{ .iov_base = (void *)d, .iov_len = len },
	};
	ssize_t n;

	if (vh)
		memcpy(h, vh, (size_t)env.vnet_hdr_sz);
	n = writev(env.tap, iov, 2);
	if (n < 0)
		return -errno;
	return n == (ssize_t)(len + (uint32_t)env.vnet_hdr_sz) ? 0 : -EIO;
}

/* Send from vb: @vh (10 bytes, PACKET_VNET_HDR) then the frame. The
 * protocol is the frame's EtherType, so that a VLAN-tagged GSO packet is
 * segmented as one. */
static int inject_b(const uint8_t *vh, const uint8_t *d, uint32_t len)
{
	uint8_t h[10] = { 0 };
	struct iovec iov[2] = {
		{ .iov_base = h, .iov_len = 10 },
		{ .iov_base = (void *)d, .iov_len = len },
	};
	struct sockaddr_ll sll;
	struct msghdr mh;
	ssize_t n;
	static int ifindex;

	if (!ifindex) {
		struct sockaddr_ll bound;
		socklen_t bl = sizeof(bound);

		if (getsockname(env.inj_b, (struct sockaddr *)&bound, &bl) < 0)
			return -errno;
		ifindex = bound.sll_ifindex;
	}
	if (vh)
		memcpy(h, vh, 10);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_protocol = htons((uint16_t)g16(d + 12));
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	mh.msg_name = &sll;
	mh.msg_namelen = sizeof(sll);
	for (;;) {
		n = sendmsg(env.inj_b, &mh, 0);
		if (n >= 0 || errno != EAGAIN)
			break;
		poll(&(struct pollfd){ .fd = env.inj_b, .events = POLLOUT }, 1, 100);
	}
	return n < 0 ? -errno : 0;
}

static int inject_d(const uint8_t *d, uint32_t len)
{
	ssize_t n = send(env.inj_d, d, len, 0);

	return n < 0 ? -errno : 0;
}

/* Read one frame from a capture socket, VLAN tag put back. 0: nothing. */
static int read_capture(int fd, struct plist *out, uint32_t *mark)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} cm;
	struct iovec iov = { .iov_base = rxbuf + 4, .iov_len = sizeof(rxbuf) - 4 };
	struct msghdr mh;
	struct cmsghdr *c;
	uint8_t *d = rxbuf + 4;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = &cm;
	mh.msg_controllen = sizeof(cm);
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (mh.msg_flags & MSG_TRUNC) {
		fprintf(stderr, "tap: a captured frame was truncated\n");
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		struct tpacket_auxdata aux;

		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if ((aux.tp_status & TP_STATUS_VLAN_VALID) && n >= 12) {
			unsigned tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux.tp_vlan_tpid
										 : 0x8100;

			memmove(rxbuf, d, 12);
			d = rxbuf;
			p16(d + 12, tpid);
			p16(d + 14, aux.tp_vlan_tci);
			n += 4;
		}
	}
	if (is_marker(d, (uint32_t)n, mark))
		return 2;
	pl_add(out, d, (uint32_t)n);
	return 1;
}

static int read_tap(struct plist *out, uint32_t *mark)
{
	ssize_t n = read(env.tap, rxbuf, sizeof(rxbuf));
	struct pkt *p;
	int hs = env.vnet_hdr_sz;

	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	if (n < hs)
		return -1;
	if (is_marker(rxbuf + hs, (uint32_t)(n - hs), mark))
		return 2;
	p = pl_add(out, rxbuf + hs, (uint32_t)(n - hs));
	memcpy(p->vh, rxbuf, 10);	/* num_buffers is not written by tun */
	return 1;
}

struct rx {
	struct plist ep[EP_COUNT];
};

static void rx_free(struct rx *rx)
{
	int i;

	for (i = 0; i < EP_COUNT; i++)
		pl_free(&rx->ep[i]);
}

/* Send a marker from @from and collect what every endpoint receives until
 * the marker has arrived everywhere the bridge floods it. Everything sent
 * before it along the same path has then arrived too. */
static int sync_from(int from, struct rx *rx, int timeout_ms)
{
	const int fds[EP_COUNT] = { env.tap, env.cap_b, env.cap_d };
	uint8_t m[60];
	int seen[EP_COUNT] = { 0 }, want[EP_COUNT] = { 0 }, i, err = 0;
	uint32_t seq = ++mark_seq;
	double end = now_ms() + timeout_ms;

	if (from == EP_TAP) {
		build_marker(m, tap_mac_tap, seq);
		err = tap_write(NULL, m, 60);
		want[EP_B] = want[EP_D] = 1;
	} else if (from == EP_B) {
		build_marker(m, tap_mac_vb, seq);
		err = inject_b(NULL, m, 60);
		want[EP_TAP] = want[EP_D] = 1;
	} else {
		build_marker(m, tap_mac_vd, seq);
		err = inject_d(m, 60);
		want[EP_TAP] = want[EP_B] = 1;
	}
	if (err) {
		printf("tap: error: cannot send a marker from %s: %s\n", ep_name[from], strerror(-err));
		return -1;
	}
	for (;;) {
		struct pollfd pfd[EP_COUNT];
		int done = 1, t;

		for (i = 0; i < EP_COUNT; i++) {
			for (;;) {
				uint32_t ms = 0;
				int r = i == EP_TAP ? read_tap(&rx->ep[i], &ms)
						    : read_capture(fds[i], &rx->ep[i], &ms);

				if (r < 0) {
					printf("tap: error: reading %s: %s\n", ep_name[i], strerror(errno));
					return -1;
				}
				if (r == 0)
					break;
				if (r == 2 && ms == seq)
					seen[i] = 1;
			}
			if (want[i] && !seen[i])
				done = 0;
		}
		if (done)
			return 0;
		t = (int)(end - now_ms());
		if (t <= 0) {
			for (i = 0; i < EP_COUNT; i++)
				if (want[i] && !seen[i])
					printf("tap: error: marker from %s never reached %s\n",
					       ep_name[from], ep_name[i]);
			return -1;
		}
		for (i = 0; i < EP_COUNT; i++)
			pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		poll(pfd, EP_COUNT, t < 50 ? t : 50);
	}
}

/* Until the ports forward, markers are lost; try for a few seconds. */
static int wait_ready(void)
{
	double end = now_ms() + 5000;
	struct rx rx;
	int from;

	for (from = 0; from < EP_COUNT; from++) {
		for (;;) {
			memset(&rx, 0, sizeof(rx));
			if (sync_from(from, &rx, 200) == 0)
				break;
			rx_free(&rx);
			if (now_ms() > end) {
				printf("tap: error: the bridge does not forward between %s and the other ports\n",
				       ep_name[from]);
				return -1;
			}
		}
		rx_free(&rx);
	}
	/* lost markers of the first attempts may still be on their way */
	usleep(20000);
	memset(&rx, 0, sizeof(rx));
	for (from = 0; from < EP_COUNT; from++)
		sync_from(from, &rx, 1000);
	rx_free(&rx);
	return 0;
}

/* ------------------------------------------------------------------ results */

static unsigned n_pass, n_fail;
static const char *only;

struct tally {
	unsigned cases, pass, pkts, gso_pkts, segs, fixedid, werr;
};

static void result(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		n_pass++;
	else
		n_fail++;
	if (!ok || verbose) {
		printf("  %s %s: ", ok ? "ok  " : "FAIL", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	fflush(stdout);
}

static int selected(const char *name)
{
	return !only || !strcmp(only, name);
}

/* Count a case: @pkts packets written or read, @gso of them GSO, @segs
 * segments compared. */
static void tally_add(struct tally *t, int ok, unsigned pkts, unsigned gso, unsigned segs)
{
	t->cases++;
	t->pkts += pkts;
	t->gso_pkts += gso;
	t->segs += segs;
	if (ok)
		t->pass++;
}

/* ------------------------------------------------------------------ libgro -> kernel */

struct engine_run {
	int vh_size;
	uint32_t udp;		/* gro_config.udp */
	int no_needs_csum;	/* send merged packets with their checksum done, no NEEDS_CSUM */
	struct plist out;	/* delivered, linearized, with their header */
};

static void on_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	struct engine_run *r = arg;
	unsigned i, j;

	for (i = 0; i < n; i++) {
		const struct gro_pkt *p = &pkts[i];
		struct gro_pkt q = *p;
		uint8_t *buf = xmalloc(p->len);
		int merged = p->gso_segs > 1;
		unsigned lflags = merged && r->no_needs_csum ? GRO_LIN_CSUM : 0;
		struct pkt *o;
		long len = gro_pkt_linearize(p, buf, p->len, lflags);

		if (len < 0) {
			printf("tap: error: gro_pkt_linearize: %s\n", gro_strerror((int)len));
			exit(1);
		}
		o = pl_add(&r->out, buf, (uint32_t)len);
		free(buf);
		if (lflags)
			q.csum_partial = 0;
		if (gro_vnet_encode(&q, o->vh, (size_t)r->vh_size) != r->vh_size) {
			printf("tap: error: gro_vnet_encode refused a delivered packet\n");
			exit(1);
		}
		o->gso_type = p->gso_type;
		o->reason = p->reason;
		o->idx = xmalloc(p->nsegs * sizeof(*o->idx));
		for (j = 0; j < p->nsegs; j++) {
			uint32_t k = (uint32_t)((uintptr_t)p->segs[j].cookie - 1);

			if (!o->nidx || o->idx[o->nidx - 1] != k)
				o->idx[o->nidx++] = k;
		}
	}
}

/* Polls: at most 64 frames whose timestamps lie within 1 ms of the first,
 * each ended by a flush of everything held (as `gro coalesce` does). */
static void run_engine(const struct pb_list *in, struct engine_run *r)
{
	struct gro_config cfg;
	struct gro_ctx *ctx;
	struct gro_frame fr[64];
	uint8_t **copy = xmalloc(in->n * sizeof(*copy));
	size_t i = 0, k;
	int err;

	gro_config_init(&cfg);
	cfg.deliver = on_deliver;
	cfg.deliver_arg = r;
	cfg.hash_seed = 1;
	cfg.udp = r->udp;
	err = gro_create(&cfg, &ctx);
	if (err) {
		printf("tap: error: gro_create: %s\n", gro_strerror(err));
		exit(1);
	}
	/* the engine may rewrite first frames: give it copies */
	for (k = 0; k < in->n; k++) {
		copy[k] = xmalloc(in->len[k]);
		memcpy(copy[k], in->data[k], in->len[k]);
	}
	while (i < in->n) {
		uint64_t t0 = in->ts_us[i];
		unsigned n = 0;

		while (i < in->n && n < 64 && in->ts_us[i] - t0 <= 1000) {
			fr[n] = (struct gro_frame){ .data = copy[i], .len = in->len[i],
						    .cookie = (void *)(uintptr_t)(i + 1) };
			n++;
			i++;
		}
		gro_receive(ctx, fr, n, t0 * 1000);
		gro_flush(ctx, t0 * 1000, GRO_FLUSH_ALL);
	}
	gro_destroy(ctx);
	for (k = 0; k < in->n; k++)
		free(copy[k]);
	free(copy);
}

static uint8_t segbuf[8u << 20];
static struct gro_seg segout[70000];

/* What libgro says the kernel makes of @p when it comes with header
 * @vh: gro_vnet_decode() then gro_segment(). Appends to @model. */
static int libgro_segments(const uint8_t *vh, int vh_size, const uint8_t *d, uint32_t len,
			   struct plist *model, char *why, size_t whylen)
{
	struct gro_pkt pkt;
	struct gro_seg seg;
	uint8_t *copy = xmalloc(len);
	int n, i, err;

	memcpy(copy, d, len);
	err = gro_vnet_decode(vh, (size_t)vh_size, copy, len, &pkt, &seg);
	if (err) {
		snprintf(why, whylen, "gro_vnet_decode: %s", gro_strerror(err));
		free(copy);
		return -1;
	}
	if (!pkt.gso_size && !pkt.csum_partial) {
		/* nothing to cut and no checksum to finish: the frame as is */
		pl_add(model, copy, len);
		free(copy);
		return 1;
	}
	n = gro_segment(&pkt, segbuf, sizeof(segbuf), segout, 70000);
	if (n < 0) {
		snprintf(why, whylen, "gro_segment: %s", gro_strerror(n));
		free(copy);
		return -1;
	}
	for (i = 0; i < n; i++)
		pl_add(model, segout[i].data, segout[i].len);
	free(copy);
	return n;
}

/* Does @a differ from @b only in the IPv4 ID and header checksum? */
static int only_ipid_differs(const struct pkt *a, const struct pkt *b)
{
	uint32_t l3 = 14, k;
	unsigned type;

	if (a->len != b->len || a->len < 34)
		return 0;
	type = g16(a->d + 12);
	while ((type == 0x8100 || type == 0x88a8) && l3 + 24 <= a->len) {
		type = g16(a->d + l3 + 2);
		l3 += 4;
	}
	if (type != 0x0800)
		return 0;
	for (k = 0; k < a->len; k++) {
		if (a->d[k] == b->d[k])
			continue;
		if (k == l3 + 4 || k == l3 + 5 || k == l3 + 10 || k == l3 + 11)
			continue;
		return 0;
	}
	return 1;
}

/* What the kernel forwarded to vb and to vd against libgro's @model. */
static int compare_fwd(const char *name, const struct plist *model, const struct rx *rx)
{
	return compare(name, "kernel on vb vs libgro", model, &rx->ep[EP_B]) +
	       compare(name, "kernel on vd vs libgro", model, &rx->ep[EP_D]);
}

/* Feed @in through the engine, write what it delivers into the TAP, and
 * compare what the kernel forwards with libgro's own segmentation and with
 * the input. */
static int l2k_run(const char *name, const struct pb_list *in, int vh_size, int no_needs_csum,
		   uint32_t udp, struct tally *t)
{
	struct engine_run r = { .vh_size = vh_size, .no_needs_csum = no_needs_csum, .udp = udp };
	struct plist model = { 0 }, orig = { 0 };
	struct rx rx = { 0 };
	char why[128];
	size_t i, j;
	int bad = 0, fixed = 0, gso = 0, werr = 0;

	if (tap_env_set_vnet_hdr_sz(&env, vh_size) < 0) {
		printf("tap: error: TUNSETVNETHDRSZ %d: %s\n", vh_size, strerror(errno));
		return -1;
	}
	run_engine(in, &r);
	for (i = 0; i < r.out.n; i++) {
		struct pkt *p = &r.out.v[i];
		struct plist one = { 0 }, src = { 0 };
		int n = libgro_segments(p->vh, vh_size, p->d, p->len, &one, why, sizeof(why));

		if (n < 0) {
			printf("  %s: delivered packet %zu: %s\n", name, i + 1, why);
			bad++;
			pl_free(&one);
			continue;
		}
		if (le16(p->vh + 4) && p->vh[1])
			gso++;
		/* merged packets cut back must give the frames that went in */
		for (j = 0; j < p->nidx; j++)
			pl_add(&src, in->data[p->idx[j]], in->len[p->idx[j]]);
		if (one.n != src.n) {
			printf("  %s: delivered packet %zu (%u segments) cuts into %zu frames, made of %zu\n",
			       name, i + 1, (unsigned)p->nidx, one.n, src.n);
			bad++;
		} else {
			for (j = 0; j < one.n; j++) {
				if (one.v[j].len == src.v[j].len &&
				    !memcmp(one.v[j].d, src.v[j].d, src.v[j].len))
					continue;
				if ((p->gso_type & GRO_GSO_TCP_FIXEDID) &&
				    only_ipid_differs(&one.v[j], &src.v[j])) {
					fixed = 1;
					continue;
				}
				if (bad < 3)
					compare(name, "libgro: input vs gro_segment(gro_vnet_decode(gro_vnet_encode(merged)))",
						&src, &one);
				bad++;
				break;
			}
		}
		pl_append(&model, &one);
		pl_append(&orig, &src);
		pl_free(&one);
		pl_free(&src);
		t->segs += (unsigned)p->nidx;
	}
	if (fixed)
		t->fixedid++;

	for (i = 0; i < r.out.n; i++) {
		int e = tap_write(r.out.v[i].vh, r.out.v[i].d, r.out.v[i].len);

		if (e) {
			char d[160];

			describe(r.out.v[i].d, r.out.v[i].len, d, sizeof(d));
			printf("  %s: the TAP refused delivered packet %zu (gso_type %u gso_size %u flags %u csum_start %u): %s\n      %s\n",
			       name, i + 1, r.out.v[i].vh[1], le16(r.out.v[i].vh + 4), r.out.v[i].vh[0],
			       le16(r.out.v[i].vh + 6), strerror(-e), d);
			werr++;
		}
	}
	if (sync_from(EP_TAP, &rx, 3000) < 0) {
		bad++;
	} else {
		bad += compare_fwd(name, &model, &rx);
		if (rx.ep[EP_TAP].n) {
			printf("  %s: %zu unexpected frames came out of the TAP\n", name, rx.ep[EP_TAP].n);
			bad++;
		}
	}
	bad += werr;
	if (bad) {
		dump_list(name, "in", &orig);
		dump_list(name, "libgro", &model);
		dump_list(name, "kernel", &rx.ep[EP_B]);
	}
	tally_add(t, !bad, (unsigned)r.out.n, (unsigned)gso, 0);	/* segments: counted above */
	t->werr += (unsigned)werr;
	result(name, !bad, "%zu frames in, %zu packets written (%d GSO, header %d bytes%s), %zu segments on the wire%s",
	       in->n, r.out.n, gso, vh_size, no_needs_csum ? ", no NEEDS_CSUM" : "", model.n,
	       fixed ? ", fixed IDs renumbered" : "");
	pl_free(&r.out);
	pl_free(&model);
	pl_free(&orig);
	rx_free(&rx);
	return bad ? 1 : 0;
}

/* A random MAC that is unicast, locally administered and not one of ours. */
static void rand_mac(struct rng *r, uint8_t *m)
{
	int i;

	for (i = 0; i < 6; i++)
		m[i] = (uint8_t)rnd64(r);
	m[0] = (uint8_t)((m[0] & 0xf0) | 0x02);
}

static void rand_addrs(struct rng *r, struct pb_frame *f)
{
	int i;

	if (f->ipv6) {
		f->saddr[0] = f->daddr[0] = 0xfd;
		for (i = 1; i < 16; i++) {
			f->saddr[i] = (uint8_t)rnd64(r);
			f->daddr[i] = (uint8_t)rnd64(r);
		}
	} else {
		f->saddr[0] = f->daddr[0] = 10;
		for (i = 1; i < 4; i++) {
			f->saddr[i] = (uint8_t)rnd64(r);
			f->daddr[i] = (uint8_t)rnd64(r);
		}
		f->saddr[1] = (uint8_t)(f->saddr[1] | 0x80);	/* never TAP_ADDR_B/C */
	}
}

static const uint32_t mss_choices[] = { 536, 1000, 1200, 1337, 1448, 1460, 4000, 8948 };
static const uint32_t tiny_mss[] = { 1, 7, 64, 100, 333 };

static uint32_t pick_mss(struct rng *r)
{
	if (chance(r, 50))
		return tiny_mss[below(r, sizeof(tiny_mss) / sizeof(tiny_mss[0]))];
	return mss_choices[below(r, sizeof(mss_choices) / sizeof(mss_choices[0]))];
}

/* The largest mss whose segments fit the MTU of the veth ports. */
static uint32_t fit_mss(const struct pb_frame *f, uint32_t mss)
{
	struct pb_frame g = *f;
	struct pb_offsets o;
	uint32_t hdr;

	g.payload_len = 0;
	g.nvlan = 0;
	pb_layout(&g, &o);
	hdr = (uint32_t)(o.ip_len);
	return mss + hdr > TAP_MTU ? TAP_MTU - hdr : mss;
}

/* A TCP flow template: addresses, ports, options, IP fields, VLAN tags. */
static void flow_template(struct rng *r, struct pb_frame *f, int v6)
{
	pb_init(f, v6);
	rand_mac(r, f->dst_mac);
	rand_mac(r, f->src_mac);
	rand_addrs(r, f);
	f->sport = (uint16_t)(1024 + below(r, 60000));
	f->dport = (uint16_t)(1 + below(r, 65535));
	f->seq = (uint32_t)rnd64(r);
	if (chance(r, 100))
		f->seq = 0u - (uint32_t)below(r, 20000);	/* wraps inside the flow */
	f->ack = (uint32_t)rnd64(r);
	f->window = (uint16_t)(1 + below(r, 65535));
	if (v6) {
		f->flowlabel = chance(r, 700) ? (uint32_t)below(r, 1u << 20) : 0;
		f->tclass = chance(r, 300) ? (uint8_t)(below(r, 64) << 2 | below(r, 3)) : 0;
		f->hop_limit = (uint8_t)(1 + below(r, 255));
	} else {
		f->tos = chance(r, 300) ? (uint8_t)(below(r, 64) << 2 | below(r, 3)) : 0;
		f->ttl = (uint8_t)(1 + below(r, 255));
		f->df = !chance(r, 150);
		f->ip_id = (uint16_t)rnd64(r);
		if (chance(r, 150))
			f->ip_id = (uint16_t)(65535 - below(r, 10));
	}
	if (chance(r, 600))
		pb_tcp_opt_timestamp(f, (uint32_t)rnd64(r), (uint32_t)rnd64(r));
	if (chance(r, 120)) {
		f->nvlan = 1;
		f->vlan_tpid[0] = 0x8100;
		f->vlan_tci[0] = (uint16_t)(1 + below(r, 4094));
		if (chance(r, 300)) {
			f->nvlan = 2;
			f->vlan_tpid[0] = 0x88a8;
			f->vlan_tpid[1] = 0x8100;
			f->vlan_tci[1] = (uint16_t)(1 + below(r, 4094));
		}
	}
}

struct flowgen {
	struct pb_frame f;
	uint32_t mss;
	int fixed_id;
	struct pb_list frames;
	size_t pos;
};

/* A bulk flow: messages of one or more segments, the last of each with
 * PSH (mostly) and an odd length (often); the flow may end with FIN. IP IDs
 * count up, or stay fixed. Timestamps change from message to message. */
static void gen_flow(struct rng *r, struct flowgen *g, int v6, int nseg)
{
	struct pb_frame *f = &g->f;
	int s = 0, fin = chance(r, 200);

	memset(&g->frames, 0, sizeof(g->frames));
	g->pos = 0;
	flow_template(r, f, v6);
	g->mss = fit_mss(f, pick_mss(r));
	g->fixed_id = !v6 && chance(r, 250);
	while (s < nseg) {
		int k = chance(r, 300) ? 1 + (int)below(r, 60) : 1 + (int)below(r, 10), j;
		int push = chance(r, 750), odd = chance(r, 650);

		if (k > nseg - s)
			k = nseg - s;
		for (j = 0; j < k; j++, s++) {
			int last = j == k - 1;

			f->payload_len = last && odd && g->mss > 1 ? 1 + below(r, g->mss - 1) : g->mss;
			f->flags = PB_ACK | (last && push ? PB_PSH : 0);
			if (s == nseg - 1 && fin)
				f->flags |= PB_FIN;
			pb_list_add_frame(&g->frames, f);
			f->seq += f->payload_len;
			if (!g->fixed_id)
				f->ip_id++;
		}
		if (f->tcp_opts_len == 12) {
			/* next message, later timestamp */
			uint32_t tsval = g32(f->tcp_opts + 4) + 1 + below(r, 1000);

			pb_tcp_opt_timestamp(f, tsval, g32(f->tcp_opts + 8));
		}
	}
}

/* Interleave the flows' frames into @in: flow after flow, round robin,
 * or random runs. */
static void interleave(struct rng *r, struct flowgen *g, int nflows, struct pb_list *in)
{
	int i, mode, left, last = 0;

	mode = (int)below(r, 3);
	left = 0;
	for (i = 0; i < nflows; i++)
		left += (int)g[i].frames.n;
	while (left > 0) {
		int fi = mode == 0 ? 0 : mode == 1 ? (last + 1) % nflows : (int)below(r, (uint32_t)nflows);
		int run = mode == 2 ? 1 + (int)below(r, 6) : 1;

		while (g[fi].pos == g[fi].frames.n)
			fi = (fi + 1) % nflows;
		while (run-- > 0 && g[fi].pos < g[fi].frames.n) {
			pb_list_add(in, g[fi].frames.data[g[fi].pos], g[fi].frames.len[g[fi].pos]);
			g[fi].pos++;
			left--;
		}
		last = fi;
	}
}

/* A capture (e.g. from `scenarios random`) through the same path. Frames
 * the bridge would not forward as they are cannot be used. */
static int l2k_pcap(const char *path, struct tally *t)
{
	struct pb_list in = { 0 };
	const char *base = strrchr(path, '/');
	char name[96];
	size_t i;
	int ret;

	snprintf(name, sizeof(name), "pcap:%s", base ? base + 1 : path);
	if (!selected(name))
		return 0;
	if (pb_pcap_read(path, &in) < 0)
		return -1;
	for (i = 0; i < in.n; i++) {
		const uint8_t *d = in.data[i];

		if (in.len[i] < 14 || (d[6] & 1) || (d[0] == 0x01 && d[1] == 0x80 && d[2] == 0xc2) ||
		    !memcmp(d, tap_mac_br, 5) || !memcmp(d + 6, tap_mac_br, 5) ||
		    in.len[i] > 14 + 8 + TAP_MTU) {
			printf("  %s: frame %zu cannot cross a bridge unchanged; not used\n", name, i + 1);
			pb_list_free(&in);
			return 0;
		}
	}
	ret = l2k_run(name, &in, (t->cases & 1) ? 10 : 12, 0, GRO_UDP_OFF, t);
	pb_list_free(&in);
	return ret;
}

/* ------------------------------------------------------------------ kernel -> libgro */

/* The pseudo-header sum over an L4 length of @l4len, folded, not
 * inverted: what a sender leaves in the checksum field with
 * CHECKSUM_PARTIAL. */
static uint16_t seed_proto(const uint8_t *f, uint32_t l3, uint32_t l4len, uint8_t proto)
{
	uint8_t tail[8] = { 0 };
	uint32_t sum = 0;

	if (g16(f + l3 - 2) == 0x86dd) {
		sum = pb_csum_add(sum, f + l3 + 8, 32);
	} else {
		sum = pb_csum_add(sum, f + l3 + 12, 8);
	}
	tail[0] = (uint8_t)(l4len >> 24);
	tail[1] = (uint8_t)(l4len >> 16);
	tail[2] = (uint8_t)(l4len >> 8);
	tail[3] = (uint8_t)l4len;
	tail[7] = proto;
	sum = pb_csum_add(sum, tail, 8);
	return (uint16_t)~pb_csum_fold(sum);
}

/* The TCP seed for a frame whose TCP segment runs to its end. */
static uint16_t seed_of(const uint8_t *f, uint32_t l3, uint32_t l4, uint32_t len)
{
	return seed_proto(f, l3, len - l4, 6);
}

struct gso_pkt {
	uint8_t *d;
	uint32_t len;
	uint8_t vh[10];
	struct pb_list segs;	/* what it must become on the wire */
};

/* An IPv4 option, which the kernel copies into every segment. */
static void ip_router_alert(struct pb_frame *f)
{
	f->ip_opts[0] = 0x94;
	f->ip_opts[1] = 4;
	f->ip_opts_len = 4;
}

/* Now and then IPv4 options or IPv6 extension headers, copied into every
 * segment; with @dest2 maybe a second Destination Options header (a
 * draw the UDP streams do not make). */
static void rand_ip_extras(struct rng *r, struct pb_frame *f, int v6, int dest2)
{
	if (!v6 && chance(r, 100))
		ip_router_alert(f);
	if (v6 && chance(r, 150)) {
		static const uint8_t types[] = { PB_EXT_HOP, PB_EXT_DEST, PB_EXT_ROUTE };
		uint8_t body[6] = { 0 };

		pb_ext_add(f, types[below(r, 3)], body, 6);
		if (dest2 && chance(r, 300))
			pb_ext_add(f, PB_EXT_DEST, body, 6);
	}
}

/* The payload of a GSO packet of about *@nseg segments of *@mss within
 * @room bytes, the last segment often short. Fewer segments if they do
 * not fit; a smaller mss if not even two do. Sets *@nseg to the count. */
static uint32_t gso_payload(struct rng *r, uint32_t room, uint32_t *mss, uint32_t *nseg)
{
	uint32_t payload;

	if ((uint64_t)*nseg * *mss > room)
		*nseg = room / *mss;
	if (*nseg < 2) {
		*mss = room / 3;
		*nseg = 2;
	}
	payload = (*nseg - 1) * *mss + (chance(r, 600) ? 1 + below(r, *mss) : *mss);
	if (payload > room)
		payload = room;
	*nseg = (payload + *mss - 1) / *mss;
	return payload;
}

/* Segment @i of a GSO packet made of @f cut at @mss: what every protocol
 * changes from one segment to the next. */
static void nth_segment(struct pb_frame *s, const struct pb_frame *f, uint32_t i, uint32_t mss)
{
	*s = *f;
	s->seq = f->seq + i * mss;
	s->ip_id = (uint16_t)(f->ip_id + i);
}

/* A packet that is not GSO: it must reach the wire as it is. */
static void not_gso(struct gso_pkt *g)
{
	memset(g->vh, 0, sizeof(g->vh));
	memset(&g->segs, 0, sizeof(g->segs));
	pb_list_add(&g->segs, g->d, g->len);
}

/* A GSO packet as a sender hands it over, and its segments as pktbuild
 * makes them independently. */
static void gen_gso(struct rng *r, struct gso_pkt *g, int v6)
{
	struct pb_frame f, s;
	struct pb_offsets o;
	uint32_t mss, hdr, room, payload, nseg, i, l3, l4;
	uint8_t type;
	int needs_csum = !chance(r, 200), cwr = chance(r, 120), ecn = cwr && chance(r, 600);

	flow_template(r, &f, v6);
	rand_ip_extras(r, &f, v6, 1);
	/* AF_PACKET refuses a VLAN-tagged GSO packet without NEEDS_CSUM
	 * (EINVAL from sendmsg): the sending side, not what is tested here. */
	if (f.nvlan)
		needs_csum = 1;
	mss = fit_mss(&f, pick_mss(r));
	f.payload_len = 0;
	hdr = (uint32_t)pb_layout(&f, &o);
	/* the whole frame below 64 KiB, so that no device refuses it whole */
	room = 65535 - hdr;
	nseg = 2 + below(r, 44);
	payload = gso_payload(r, room, &mss, &nseg);
	f.payload_len = payload;
	f.flags = PB_ACK | (chance(r, 600) ? PB_PSH : 0) | (chance(r, 150) ? PB_FIN : 0) |
		  (cwr ? PB_CWR : 0) | (chance(r, 100) ? PB_ECE : 0);
	g->len = (uint32_t)pb_layout(&f, &o);
	g->d = xmalloc(g->len);
	pb_build(&f, g->d, g->len);
	l3 = (uint32_t)o.l3;
	l4 = (uint32_t)o.l4;

	memset(&g->segs, 0, sizeof(g->segs));
	for (i = 0; i < nseg; i++) {
		nth_segment(&s, &f, i, mss);
		s.payload_len = i + 1 < nseg ? mss : payload - mss * (nseg - 1);
		if (i + 1 < nseg)
			s.flags &= (uint8_t)~(PB_PSH | PB_FIN);
		if (i)
			s.flags &= (uint8_t)~PB_CWR;
		pb_list_add_frame(&g->segs, &s);
	}

	memset(g->vh, 0, sizeof(g->vh));
	type = v6 ? GRO_VNET_GSO_TCPV6 : GRO_VNET_GSO_TCPV4;
	g->vh[1] = (uint8_t)(type | (ecn ? GRO_VNET_GSO_ECN : 0));
	ple16(g->vh + 2, (unsigned)o.payload);
	ple16(g->vh + 4, mss);
	if (needs_csum) {
		g->vh[0] = GRO_VNET_F_NEEDS_CSUM;
		ple16(g->vh + 6, l4);
		ple16(g->vh + 8, 16);
		p16(g->d + l4 + 16, seed_of(g->d, l3, l4, g->len));
	}
}

/* A small packet that is not GSO (a pure ACK or a short segment). */
static void gen_small(struct rng *r, struct gso_pkt *g)
{
	struct pb_frame f;

	flow_template(r, &f, (int)below(r, 2));
	f.payload_len = chance(r, 500) ? 0 : 1 + below(r, 200);
	f.flags = PB_ACK | (f.payload_len ? PB_PSH : 0);
	g->len = (uint32_t)pb_layout(&f, &(struct pb_offsets){ 0 });
	g->d = xmalloc(g->len);
	pb_build(&f, g->d, g->len);
	not_gso(g);
}

static void pb_to_plist(const struct pb_list *src, struct plist *dst)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		pl_add(dst, src->data[i], src->len[i]);
}

/* The header libgro would write for what it decoded must agree with the
 * kernel's on everything but hdr_len (the kernel's linear length there). */
static int header_roundtrip(const char *name, const struct pkt *p, int vh_size)
{
	struct gro_pkt pkt;
	struct gro_seg seg;
	uint8_t h[12];
	uint8_t *copy = xmalloc(p->len);
	int ok = 1;

	memcpy(copy, p->d, p->len);
	if (gro_vnet_decode(p->vh, (size_t)vh_size, copy, p->len, &pkt, &seg) ||
	    gro_vnet_encode(&pkt, h, (size_t)vh_size) != vh_size) {
		free(copy);
		return 0;
	}
	if (h[1] != p->vh[1] || le16(h + 4) != le16(p->vh + 4) ||
	    (h[0] & GRO_VNET_F_NEEDS_CSUM) != (p->vh[0] & GRO_VNET_F_NEEDS_CSUM) ||
	    ((h[0] & GRO_VNET_F_NEEDS_CSUM) &&
	     (le16(h + 6) != le16(p->vh + 6) || le16(h + 8) != le16(p->vh + 8)))) {
		printf("  %s: gro_vnet_encode(gro_vnet_decode(h)) != h: kernel flags %u type %u size %u start %u off %u; libgro flags %u type %u size %u start %u off %u\n",
		       name, p->vh[0], p->vh[1], le16(p->vh + 4), le16(p->vh + 6), le16(p->vh + 8),
		       h[0], h[1], le16(h + 4), le16(h + 6), le16(h + 8));
		ok = 0;
	}
	free(copy);
	return ok;
}

static const unsigned offload_sets[] = {
	TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
	TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
	TUN_F_CSUM,
	0,
};

/* Compare what came out of the TAP, cut by libgro, with the wire. */
static int k2l_check(const char *name, const struct plist *tap, const struct plist *wire,
		     const struct plist *expect, int vh_size, unsigned *gso, unsigned *segs)
{
	struct plist model = { 0 };
	char why[128];
	size_t i;
	int bad = 0;

	for (i = 0; i < tap->n; i++) {
		const struct pkt *p = &tap->v[i];

		if (libgro_segments(p->vh, vh_size, p->d, p->len, &model, why, sizeof(why)) < 0) {
			char d[160];

			describe(p->d, p->len, d, sizeof(d));
			printf("  %s: packet %zu from the TAP (flags %u gso_type %u gso_size %u csum_start %u csum_offset %u hdr_len %u): %s\n      %s\n",
			       name, i + 1, p->vh[0], p->vh[1], le16(p->vh + 4), le16(p->vh + 6),
			       le16(p->vh + 8), le16(p->vh + 2), why, d);
			bad++;
			continue;
		}
		if (p->vh[1] != GRO_VNET_GSO_NONE)
			(*gso)++;
		if (!header_roundtrip(name, p, vh_size))
			bad++;
	}
	*segs += (unsigned)model.n;
	bad += compare(name, "libgro (TAP, cut) vs kernel (wire)", wire, &model);
	if (expect)
		bad += compare(name, "kernel (wire) vs the segments expected", expect, wire);
	if (bad) {
		dump_list(name, "libgro", &model);
		dump_list(name, "kernel", wire);
		if (expect)
			dump_list(name, "expected", expect);
	}
	pl_free(&model);
	return bad;
}

/* Send @n packets from B; the TAP gets them as the kernel hands them
 * over, vd as the kernel segments them. Frees g[]. */
static int k2l_send(const char *name, struct gso_pkt *g, int n, int vh_size, unsigned offload,
		    struct tally *t)
{
	struct plist expect = { 0 };
	struct rx rx = { 0 };
	unsigned gso = 0, segs = 0;
	int i, bad = 0;

	if (tap_env_set_vnet_hdr_sz(&env, vh_size) < 0 || tap_env_set_offload(&env, offload) < 0) {
		printf("tap: error: TAP settings: %s\n", strerror(errno));
		for (i = 0; i < n; i++) {
			free(g[i].d);
			pb_list_free(&g[i].segs);
		}
		return -1;
	}
	for (i = 0; i < n; i++) {
		int e = inject_b(g[i].vh, g[i].d, g[i].len);

		if (e) {
			char d[160];

			describe(g[i].d, g[i].len, d, sizeof(d));
			printf("  %s: sending GSO packet %d from vb (ethertype 0x%04x flags %u gso_type %u gso_size %u hdr_len %u csum_start %u): %s\n      %s\n",
			       name, i + 1, g16(g[i].d + 12), g[i].vh[0], g[i].vh[1], le16(g[i].vh + 4), le16(g[i].vh + 2),
			       le16(g[i].vh + 6), strerror(-e), d);
			bad++;
		}
		pb_to_plist(&g[i].segs, &expect);
	}
	if (sync_from(EP_B, &rx, 3000) < 0) {
		bad++;
	} else {
		bad += k2l_check(name, &rx.ep[EP_TAP], &rx.ep[EP_D], &expect, vh_size, &gso, &segs);
		if (rx.ep[EP_B].n) {
			printf("  %s: %zu unexpected frames arrived on vb\n", name, rx.ep[EP_B].n);
			bad++;
		}
	}
	tally_add(t, !bad, (unsigned)rx.ep[EP_TAP].n, gso, segs);
	result(name, !bad, "%d packets sent, %zu read from the TAP (%u GSO; offloads 0x%x, header %d bytes), %u segments",
	       n, rx.ep[EP_TAP].n, gso, offload, vh_size, segs);
	for (i = 0; i < n; i++) {
		free(g[i].d);
		pb_list_free(&g[i].segs);
	}
	pl_free(&expect);
	rx_free(&rx);
	return bad ? 1 : 0;
}

/* ------------------------------------------------------------------ a real TCP connection */

/* A non-blocking socket of @type in namespace @ns. */
static int socket_in(int ns, int type, int *fd)
{
	if (tap_env_enter(&env, ns) < 0)
		return -1;
	*fd = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (tap_env_enter(&env, NS_COUNT) < 0) {
		fprintf(stderr, "tap: cannot return to the original namespace\n");
		exit(1);
	}
	return *fd < 0 ? -1 : 0;
}

static int tcp_addresses(void)
{
	static int done;
	char msg[256], mb[18], md[18];

	if (done)
		return 0;
	snprintf(mb, sizeof(mb), "%02x:%02x:%02x:%02x:%02x:%02x", tap_mac_vb[0], tap_mac_vb[1],
		 tap_mac_vb[2], tap_mac_vb[3], tap_mac_vb[4], tap_mac_vb[5]);
	snprintf(md, sizeof(md), "%02x:%02x:%02x:%02x:%02x:%02x", tap_mac_vd[0], tap_mac_vd[1],
		 tap_mac_vd[2], tap_mac_vd[3], tap_mac_vd[4], tap_mac_vd[5]);
	/* static neighbours: no ARP on the link */
	if (TAP_RUN(&env, NS_B, msg, "ip", "addr", "add", TAP_ADDR_B "/24", "dev", "vb") < 0 ||
	    TAP_RUN(&env, NS_C, msg, "ip", "addr", "add", TAP_ADDR_C "/24", "dev", "vd") < 0 ||
	    TAP_RUN(&env, NS_B, msg, "ip", "neigh", "replace", TAP_ADDR_C, "lladdr", md, "dev",
		    "vb", "nud", "permanent") < 0 ||
	    TAP_RUN(&env, NS_C, msg, "ip", "neigh", "replace", TAP_ADDR_B, "lladdr", mb, "dev",
		    "vd", "nud", "permanent") < 0) {
		printf("tap: error: addresses for the TCP connection: %s\n", msg);
		return -1;
	}
	done = 1;
	return 0;
}

/* A socket case's two sockets of @type, *@cfd in C and *@bfd in B, with
 * the addresses and the TAP set up first. Returns -1 if the TAP cannot be
 * set up (the run stops), 1 if the sockets cannot be made (the case fails). */
static int socket_pair(int type, int vh_size, unsigned offload, int *cfd, int *bfd)
{
	if (tcp_addresses() < 0 || tap_env_set_vnet_hdr_sz(&env, vh_size) < 0 ||
	    tap_env_set_offload(&env, offload) < 0)
		return -1;
	if (socket_in(NS_C, type, cfd) < 0 || socket_in(NS_B, type, bfd) < 0) {
		printf("tap: error: %s sockets: %s\n", type == SOCK_STREAM ? "TCP" : "UDP",
		       strerror(errno));
		return 1;
	}
	return 0;
}

/* Split what the TAP saw by sender: frames from B are segmented towards
 * vd, frames from C towards vb. */
static void split_by_source(const struct plist *tap, struct plist *from_b, struct plist *from_c)
{
	size_t i;

	for (i = 0; i < tap->n; i++) {
		const struct pkt *p = &tap->v[i];
		struct pkt *q;

		if (p->len >= 12 && !memcmp(p->d + 6, tap_mac_vb, 6))
			q = pl_add(from_b, p->d, p->len);
		else
			q = pl_add(from_c, p->d, p->len);
		memcpy(q->vh, p->vh, sizeof(q->vh));
	}
}

/* Move @total bytes from B to C over TCP (client in B, server in C), the
 * client's segment size clamped to @mss (0: as the route allows). */
static int tcp_case(const char *name, uint32_t total, int mss, int vh_size, struct tally *t)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(5201) };
	struct plist from_b = { 0 }, from_c = { 0 };
	struct rx rx = { 0 }, rx2 = { 0 };
	static uint8_t data[65536], sink[65536];
	uint32_t sent = 0, got = 0;
	int lfd = -1, cfd = -1, sfd = -1, one = 1, bad, connected = 0, eof = 0, closed = 0;
	unsigned gso = 0, segs = 0, i;
	double end;

	if (!selected(name))
		return 0;
	bad = socket_pair(SOCK_STREAM, vh_size, offload_sets[1], &lfd, &cfd);
	if (bad < 0)
		return -1;
	if (bad)
		goto out;
	for (i = 0; i < sizeof(data); i++)
		data[i] = pb_pattern(i);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_pton(AF_INET, TAP_ADDR_C, &sa.sin_addr);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0) {
		printf("tap: error: TCP listen: %s\n", strerror(errno));
		bad++;
		goto out;
	}
	if (mss)
		setsockopt(cfd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss));
	if (connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		printf("tap: error: TCP connect: %s\n", strerror(errno));
		bad++;
		goto out;
	}
	end = now_ms() + 10000;
	while (!closed && now_ms() < end) {
		struct pollfd p[3] = {
			{ .fd = sfd >= 0 ? sfd : lfd, .events = POLLIN },
			{ .fd = cfd, .events = (short)(sent < total ? POLLOUT : POLLIN) },
			{ .fd = env.tap, .events = POLLIN },
		};
		uint32_t m;

		poll(p, 3, 100);
		if (sfd < 0) {
			sfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (sfd < 0 && errno != EAGAIN) {
				printf("tap: error: TCP accept: %s\n", strerror(errno));
				bad++;
				goto out;
			}
		}
		if (!connected) {
			int err = 0;
			socklen_t el = sizeof(err);

			getsockopt(cfd, SOL_SOCKET, SO_ERROR, &err, &el);
			if (err) {
				printf("tap: error: TCP connect: %s\n", strerror(err));
				bad++;
				goto out;
			}
			if (p[1].revents & POLLOUT)
				connected = 1;
		}
		while (connected && sent < total) {
			uint32_t chunk = total - sent < sizeof(data) ? total - sent : sizeof(data);
			ssize_t n = send(cfd, data, chunk, MSG_NOSIGNAL);

			if (n <= 0)
				break;
			sent += (uint32_t)n;
			if (sent == total)
				shutdown(cfd, SHUT_WR);
		}
		while (sfd >= 0 && !eof) {
			ssize_t n = recv(sfd, sink, sizeof(sink), 0);

			if (n == 0) {
				eof = 1;
				close(sfd);	/* FIN back */
				sfd = -2;
			} else if (n < 0) {
				break;
			} else {
				got += (uint32_t)n;
			}
		}
		if (eof && !closed) {
			ssize_t n = recv(cfd, sink, sizeof(sink), 0);

			/* the client has seen the FIN and acknowledged it */
			if (n == 0)
				closed = 1;
		}
		/* keep the TAP's queue short */
		while (read_tap(&rx.ep[EP_TAP], &m) == 1)
			;
	}
	if (!closed) {
		printf("  %s: the transfer did not finish (%u of %u bytes)\n", name, got, total);
		bad++;
	}
	if (got != total) {
		printf("  %s: received %u of %u bytes\n", name, got, total);
		bad++;
	}
	/* both directions drained up to a marker from each side */
	if (sync_from(EP_B, &rx, 3000) < 0 || sync_from(EP_D, &rx2, 3000) < 0) {
		bad++;
		goto out;
	}
	pl_append(&rx.ep[EP_B], &rx2.ep[EP_B]);
	pl_append(&rx.ep[EP_D], &rx2.ep[EP_D]);
	for (i = 0; i < rx2.ep[EP_TAP].n; i++) {
		struct pkt *q = pl_add(&rx.ep[EP_TAP], rx2.ep[EP_TAP].v[i].d, rx2.ep[EP_TAP].v[i].len);

		memcpy(q->vh, rx2.ep[EP_TAP].v[i].vh, sizeof(q->vh));
	}
	split_by_source(&rx.ep[EP_TAP], &from_b, &from_c);
	{
		char nb[64], nc[64];

		snprintf(nb, sizeof(nb), "%s/B->C", name);
		snprintf(nc, sizeof(nc), "%s/C->B", name);
		bad += k2l_check(nb, &from_b, &rx.ep[EP_D], NULL, vh_size, &gso, &segs);
		bad += k2l_check(nc, &from_c, &rx.ep[EP_B], NULL, vh_size, &gso, &segs);
	}
	if (!gso) {
		printf("  %s: no GSO packet reached the TAP\n", name);
		bad++;
	}
out:
	if (sfd >= 0)
		close(sfd);
	if (cfd >= 0)
		close(cfd);
	if (lfd >= 0)
		close(lfd);
	tally_add(t, !bad, (unsigned)rx.ep[EP_TAP].n, gso, segs);
	result(name, !bad, "%u bytes, %zu packets read from the TAP (%u GSO), %u segments on the wire",
	       got, rx.ep[EP_TAP].n, gso, segs);
	pl_free(&from_b);
	pl_free(&from_c);
	rx_free(&rx);
	rx_free(&rx2);
	return bad ? 1 : 0;
}

/* ------------------------------------------------------------------ edge cases */

/* Hand-made packets written into the TAP, one per case, each with an
 * expectation: the kernel forwards exactly what libgro's decode + segment
 * give, or both refuse the header. A known difference is reported on its
 * own line and counted apart. */
enum {
	E_SAME,		/* the kernel forwards exactly what libgro makes of it */
	E_BOTH_REFUSE,	/* the TAP refuses the write, gro_vnet_decode() the header */
	E_KNOWN_CSUM,	/* known difference: TCP checksums only */
	E_KNOWN_DROP,	/* known difference: the kernel drops what libgro cuts */
};

struct edge {
	const char *name;
	int v6, nvlan, needs_csum;
	int wrong_seed;		/* NEEDS_CSUM, but the field holds the full checksum */
	int no_opts;		/* no TCP options (default: timestamps) */
	uint8_t type_bits;	/* added to gso_type (ECN, AccECN candidates) */
	uint8_t flags;
	unsigned mss;
	uint32_t payload;
	int tot_len_delta;	/* IPv4 tot_len / IPv6 payload_len lie by this */
	uint32_t pad;		/* bytes after the IP packet (the seed counts them) */
	int expect;
	const char *why;	/* for the known differences */
};

static const char seed_why[] =
	"NEEDS_CSUM with a checksum field that is not the pseudo-header seed: the kernel derives "
	"each segment's TCP checksum from the field (tcp_gso_segment), gro_segment() computes it "
	"afresh";
static const char drop_why[] =
	"payload <= gso_size < payload + TCP options: virtio_net_hdr_to_skb() counts 20 bytes of "
	"TCP header and makes it GSO, tcp_gso_segment() then refuses it and the kernel drops the "
	"packet; gro_segment() gives the one segment";

static const struct edge edges[] = {
	{ "edge-vlan-nocsum", 0, 1, 0, 0, 0, 0, PB_ACK | PB_PSH, 1000, 3000, 0, 0, E_SAME, NULL },
	{ "edge-qinq-nocsum", 0, 2, 0, 0, 0, 0, PB_ACK, 1000, 3000, 0, 0, E_SAME, NULL },
	{ "edge-vlan-ipv6", 1, 1, 1, 0, 0, 0, PB_ACK | PB_FIN, 1200, 5000, 0, 0, E_SAME, NULL },
	{ "edge-gso-size-1", 0, 0, 1, 0, 0, 0, PB_ACK | PB_PSH, 1, 300, 0, 0, E_SAME, NULL },
	{ "edge-gso-size-7", 1, 0, 0, 0, 0, 0, PB_ACK, 7, 3000, 0, 0, E_SAME, NULL },
	{ "edge-ecn-cwr", 0, 0, 1, 0, 0, GRO_VNET_GSO_ECN, PB_ACK | PB_CWR | PB_ECE | PB_PSH, 1000, 3500, 0, 0, E_SAME, NULL },
	{ "edge-cwr-no-ecn-bit", 1, 0, 1, 0, 0, 0, PB_ACK | PB_CWR, 1000, 3000, 0, 0, E_SAME, NULL },
	{ "edge-urg", 0, 0, 1, 0, 0, 0, PB_ACK | PB_URG, 1000, 3000, 0, 0, E_SAME, NULL },
	{ "edge-one-segment", 0, 0, 1, 0, 1, 0, PB_ACK, 1000, 1000, 0, 0, E_SAME, NULL },
	{ "edge-one-segment-ipv6", 1, 0, 1, 0, 0, 0, PB_ACK, 1000, 980, 0, 0, E_SAME, NULL },
	{ "edge-tot-len-lies", 0, 0, 1, 0, 0, 0, PB_ACK, 1000, 3000, -100, 0, E_SAME, NULL },
	{ "edge-payload-len-lies", 1, 0, 1, 0, 0, 0, PB_ACK, 1000, 3000, 40, 0, E_SAME, NULL },
	{ "edge-padding", 0, 0, 1, 0, 0, 0, PB_ACK, 1000, 3000, 0, 6, E_SAME, NULL },
	{ "edge-seed-one-segment", 0, 0, 1, 1, 0, 0, PB_ACK, 1000, 900, 0, 0, E_SAME, NULL },
	{ "edge-accecn-0x10", 0, 0, 1, 0, 0, 0x10, PB_ACK | PB_CWR, 1000, 3000, 0, 0, E_BOTH_REFUSE, NULL },
	{ "edge-accecn-0x40", 1, 0, 1, 0, 0, 0x40, PB_ACK | PB_CWR, 1000, 3000, 0, 0, E_BOTH_REFUSE, NULL },
	{ "edge-gso-size-0", 0, 0, 1, 0, 0, 0, PB_ACK, 0, 3000, 0, 0, E_BOTH_REFUSE, NULL },
	{ "diff-seed-ipv4", 0, 0, 1, 1, 0, 0, PB_ACK, 1000, 3000, 0, 0, E_KNOWN_CSUM, seed_why },
	{ "diff-seed-ipv6", 1, 0, 1, 1, 0, 0, PB_ACK | PB_PSH, 1448, 10000, 0, 0, E_KNOWN_CSUM, seed_why },
	{ "diff-one-segment-options", 0, 0, 1, 0, 0, 0, PB_ACK, 1000, 1000, 0, 0, E_KNOWN_DROP, drop_why },
};

static unsigned n_known;

/* Do @a and @b differ, frame by frame, in the TCP checksum only? */
static int only_tcp_csum_differs(const struct plist *a, const struct plist *b)
{
	size_t i;
	uint32_t k;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct pkt *x = &a->v[i], *y = &b->v[i];

		if (x->len != y->len)
			return 0;
		for (k = 0; k < x->len; k++) {
			char fa[64];

			if (x->d[k] == y->d[k])
				continue;
			field_at(x->d, x->len, k, fa, sizeof(fa));
			if (strcmp(fa, "TCP checksum"))
				return 0;
		}
	}
	return 1;
}

static int same_frames(const struct plist *a, const struct plist *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->v[i].len != b->v[i].len || memcmp(a->v[i].d, b->v[i].d, a->v[i].len))
			return 0;
	return 1;
}

/* The frame of an edge case, the same for TCP and UDP but for the last
 * byte of the destination MAC (@mac_tail) and what the caller adds. */
static void edge_frame(struct pb_frame *f, int v6, uint8_t mac_tail, int nvlan,
		       int tot_len_delta, uint32_t pad)
{
	pb_init(f, v6);
	memcpy(f->dst_mac, (const uint8_t[]){ 0x02, 0x45, 0x44, 0x47, 0x45, mac_tail }, 6);
	f->nvlan = nvlan;
	f->vlan_tpid[0] = nvlan == 2 ? 0x88a8 : 0x8100;
	f->vlan_tpid[1] = 0x8100;
	f->vlan_tci[0] = 0x2005;
	f->vlan_tci[1] = 7;
	f->tot_len_delta = tot_len_delta;
	f->pad = pad;
	f->ip_id = 65534;
	if (v6)
		f->flowlabel = 0x12345;
}

/* Write one hand-made packet with a 12-byte header into the TAP and take
 * in what the kernel forwards (@rx). *@n is what libgro makes of it
 * (libgro_segments() into @model, or why not), *@e the write's error.
 * Returns -1 if the TAP cannot be set up, 1 if the network did not settle. */
static int edge_send(const uint8_t *vh, const uint8_t *d, uint32_t len, struct plist *model,
		     char *why, size_t whylen, int *n, int *e, struct rx *rx)
{
	if (tap_env_set_vnet_hdr_sz(&env, 12) < 0) {
		printf("tap: error: TUNSETVNETHDRSZ: %s\n", strerror(errno));
		return -1;
	}
	*n = libgro_segments(vh, 12, d, len, model, why, whylen);
	*e = tap_write(vh, d, len);
	return sync_from(EP_TAP, rx, 3000) < 0 ? 1 : 0;
}

static int edge_case(const struct edge *c, struct tally *t)
{
	struct pb_frame f;
	struct pb_offsets o;
	struct plist model = { 0 };
	struct rx rx = { 0 };
	static uint8_t buf[70000];
	uint8_t vh[12] = { 0 };
	char why[128];
	uint32_t len;
	int e, n, lost, bad = 0, known = 0;

	if (!selected(c->name))
		return 0;
	edge_frame(&f, c->v6, 0x01, c->nvlan, c->tot_len_delta, c->pad);
	f.payload_len = c->payload;
	f.flags = c->flags;
	f.urg_ptr = c->flags & PB_URG ? 10 : 0;
	if (!c->no_opts)
		pb_tcp_opt_timestamp(&f, 7, 9);
	len = (uint32_t)pb_build(&f, buf, sizeof(buf));
	pb_layout(&f, &o);
	vh[1] = (uint8_t)((c->v6 ? GRO_VNET_GSO_TCPV6 : GRO_VNET_GSO_TCPV4) | c->type_bits);
	ple16(vh + 2, (unsigned)o.payload);
	ple16(vh + 4, c->mss);
	if (c->needs_csum) {
		if (!c->wrong_seed)
			p16(buf + o.l4 + 16, seed_of(buf, (uint32_t)o.l3, (uint32_t)o.l4, len));
		vh[0] = GRO_VNET_F_NEEDS_CSUM;
		ple16(vh + 6, (unsigned)o.l4);
		ple16(vh + 8, 16);
	}
	lost = edge_send(vh, buf, len, &model, why, sizeof(why), &n, &e, &rx);
	if (lost < 0)
		return -1;
	if (lost)
		bad++;
	else if (c->expect == E_BOTH_REFUSE) {
		if (!e || n >= 0 || rx.ep[EP_B].n) {
			printf("  %s: the TAP %s it (%zu frames sent), libgro %s\n", c->name,
			       e ? "refused" : "accepted", rx.ep[EP_B].n, n < 0 ? why : "accepted it");
			bad++;
		}
	} else if (e || n < 0) {
		printf("  %s: the TAP %s, libgro: %s\n", c->name, e ? strerror(-e) : "accepted it",
		       n < 0 ? why : "ok");
		bad++;
	} else if (c->expect == E_KNOWN_CSUM && !same_frames(&model, &rx.ep[EP_B]) &&
		   only_tcp_csum_differs(&model, &rx.ep[EP_B])) {
		known = 1;
	} else if (c->expect == E_KNOWN_DROP && model.n && !rx.ep[EP_B].n && !rx.ep[EP_D].n) {
		known = 1;
	} else {
		bad += compare_fwd(c->name, &model, &rx);
	}
	/* known differences count as cases here: the summary takes them off */
	tally_add(t, !known && !bad, 0, 0, (unsigned)model.n);
	if (known) {
		n_known++;
		printf("  known difference %s: %s\n", c->name, c->why);
		if (c->expect == E_KNOWN_DROP) {
			printf("      kernel: nothing forwarded; libgro: %zu segment(s)\n", model.n);
		} else {
			const struct pkt *k = &rx.ep[EP_B].v[0], *l = &model.v[0];
			uint32_t off = 0;

			while (off < l->len && k->d[off] == l->d[off])
				off++;
			off &= ~1u;	/* the checksum field starts at an even offset */
			printf("      segment 1 of %zu, TCP checksum: kernel 0x%04x, libgro 0x%04x\n",
			       model.n, g16(k->d + off), g16(l->d + off));
		}
		if (verbose)
			compare(c->name, "kernel vs libgro", &rx.ep[EP_B], &model);
	} else {
		result(c->name, !bad, "%s", c->expect == E_BOTH_REFUSE ? "refused by both" :
		       "kernel and libgro agree");
	}
	pl_free(&model);
	rx_free(&rx);
	return bad ? 1 : 0;
}

/* ------------------------------------------------------------------ UDP_L4 */

/* UDP frames are made here: pktbuild's raw L4 mode (ip_proto 17) carries a
 * UDP header and payload built below and fills in the full checksum. */

static int uso_ok;		/* the TAP takes TUN_F_USO4|TUN_F_USO6 */
static char uso_why[160];	/* why not */

#define OFF_TSO (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
#define OFF_USO (OFF_TSO | TUN_F_USO4 | TUN_F_USO6)

static uint8_t udp_l4[70000];

/* Frame @f (addresses, tags, IP fields, ports) as a UDP datagram with @n
 * payload bytes, pb_pattern() from f->seq on. Returns its length, 0 if it
 * cannot be built. */
static size_t udp_build(const struct pb_frame *f, uint32_t n, uint8_t *buf, size_t cap,
			struct pb_offsets *o)
{
	struct pb_frame u = *f;
	uint32_t i;

	if (n + 8 > sizeof(udp_l4))
		return 0;
	p16(udp_l4, f->sport);
	p16(udp_l4 + 2, f->dport);
	p16(udp_l4 + 4, (n + 8) & 0xffff);
	p16(udp_l4 + 6, 0);
	for (i = 0; i < n; i++)
		udp_l4[8 + i] = pb_pattern(f->seq + i);
	u.ip_proto = 17;
	u.payload = udp_l4;
	u.payload_len = n + 8;
	u.tcp_opts_len = 0;
	if (!pb_layout(&u, o))
		return 0;
	return pb_build(&u, buf, cap);
}

static void udp_list_add(struct pb_list *l, const struct pb_frame *f, uint32_t n)
{
	static uint8_t buf[70000];
	struct pb_offsets o;
	size_t len = udp_build(f, n, buf, sizeof(buf), &o);

	if (!len) {
		printf("tap: error: cannot build a %u-byte UDP datagram\n", n);
		exit(1);
	}
	pb_list_add(l, buf, len);
}

/* The largest datagram payload whose frames fit the MTU of the veth ports. */
static uint32_t fit_udp(const struct pb_frame *f, uint32_t size)
{
	struct pb_frame g = *f;
	struct pb_offsets o;

	g.ip_proto = 17;
	g.payload = NULL;
	g.payload_len = 8;
	g.nvlan = 0;
	g.pad = 0;
	g.tot_len_delta = 0;
	pb_layout(&g, &o);
	return size + o.ip_len > TAP_MTU ? TAP_MTU - (uint32_t)o.ip_len : size;
}

/* Ports of a plain UDP flow: never one a tunnel would claim. */
static void udp_ports(struct rng *r, struct pb_frame *f)
{
	f->sport = (uint16_t)(1024 + below(r, 3000));
	f->dport = (uint16_t)(10000 + below(r, 50000));
	f->tcp_opts_len = 0;
}

static const uint32_t udp_sizes[] = { 64, 100, 333, 536, 1000, 1200, 1337, 1400, 1472, 4000, 8952 };
static const uint32_t tiny_udp[] = { 1, 7, 20 };

static uint32_t pick_udp_size(struct rng *r)
{
	if (chance(r, 60))
		return tiny_udp[below(r, 3)];
	return udp_sizes[below(r, sizeof(udp_sizes) / sizeof(udp_sizes[0]))];
}

/* A UDP flow as a sender with UDP_SEGMENT makes it: bursts of datagrams of
 * one size (more than GRO's 64 now and then), the last of a burst often
 * shorter; IPv4 IDs count up or stay fixed. */
static void gen_udp_flow(struct rng *r, struct flowgen *g, int v6, int ndg)
{
	struct pb_frame *f = &g->f;
	int s = 0;

	memset(&g->frames, 0, sizeof(g->frames));
	g->pos = 0;
	flow_template(r, f, v6);
	udp_ports(r, f);
	g->mss = fit_udp(f, pick_udp_size(r));
	g->fixed_id = !v6 && chance(r, 250);
	while (s < ndg) {
		int k = chance(r, 300) ? 1 + (int)below(r, 80) : 1 + (int)below(r, 12), j;
		int shortlast = chance(r, 600);

		if (k > ndg - s)
			k = ndg - s;
		for (j = 0; j < k; j++, s++) {
			uint32_t n = j == k - 1 && shortlast && g->mss > 1 ? 1 + below(r, g->mss - 1)
									   : g->mss;

			udp_list_add(&g->frames, f, n);
			f->seq += n;
			if (!g->fixed_id)
				f->ip_id++;
		}
	}
}

/* A UDP GSO packet as a sender with UDP_SEGMENT hands it to its device
 * (NEEDS_CSUM, the seed in the checksum field, UDP length the whole), and
 * its datagrams as the wire must show them, made independently. */
static void gen_udp_gso(struct rng *r, struct gso_pkt *g, int v6)
{
	struct pb_frame f, s;
	struct pb_offsets o;
	uint32_t mss, hdr, room, payload, nseg, i;

	flow_template(r, &f, v6);
	udp_ports(r, &f);
	rand_ip_extras(r, &f, v6, 0);
	mss = fit_udp(&f, pick_udp_size(r));
	{
		struct pb_frame h = f;

		h.ip_proto = 17;
		h.payload = NULL;
		h.payload_len = 8;
		hdr = (uint32_t)pb_layout(&h, &o);
	}
	room = 65535 - hdr;
	/* now and then the most a virtio_net_hdr may carry (128 datagrams) */
	nseg = chance(r, 100) ? 100 + below(r, 29) : 2 + below(r, 44);
	payload = gso_payload(r, room, &mss, &nseg);
	g->d = xmalloc(payload + hdr + 64);
	g->len = (uint32_t)udp_build(&f, payload, g->d, payload + hdr + 64, &o);
	p16(g->d + o.l4 + 6, seed_proto(g->d, (uint32_t)o.l3, payload + 8, 17));

	memset(&g->segs, 0, sizeof(g->segs));
	for (i = 0; i < nseg; i++) {
		nth_segment(&s, &f, i, mss);
		udp_list_add(&g->segs, &s, i + 1 < nseg ? mss : payload - mss * (nseg - 1));
	}
	memset(g->vh, 0, sizeof(g->vh));
	g->vh[0] = GRO_VNET_F_NEEDS_CSUM;
	g->vh[1] = GRO_VNET_GSO_UDP_L4;
	ple16(g->vh + 2, (unsigned)o.l4 + 8);
	ple16(g->vh + 4, mss);
	ple16(g->vh + 6, (unsigned)o.l4);
	ple16(g->vh + 8, 6);
}

/* A datagram that is not GSO, checksum done. */
static void gen_udp_small(struct rng *r, struct gso_pkt *g)
{
	struct pb_frame f;
	struct pb_offsets o;
	uint32_t n = below(r, 300);

	flow_template(r, &f, (int)below(r, 2));
	udp_ports(r, &f);
	g->d = xmalloc(n + 200);
	g->len = (uint32_t)udp_build(&f, n, g->d, n + 200, &o);
	not_gso(g);
}

/* The TAP with USO (whole UDP GSO packets, type 5), with CSUM but no USO
 * (the kernel cuts them first, each datagram NEEDS_CSUM) or nothing. */
static const unsigned udp_offload_sets[] = {
	OFF_USO,
	TUN_F_CSUM | TUN_F_USO4 | TUN_F_USO6,
	OFF_TSO,
	0,
};

/* ------------------------------------------------------------------ seeded cases */

/* What the seeded cases of one protocol are made of. TCP and UDP cases run
 * the same way; each has its own rng streams, so that adding cases of one
 * does not change the packets of the other. */
struct gen_proto {
	const char *prefix;		/* of the case names */
	uint64_t l2k_stream, k2l_stream;	/* rng_init() groups */
	int max_flows;			/* per libgro -> kernel case, up to 4 */
	uint32_t max_frames;		/* per flow, on top of 2 */
	unsigned no_csum;		/* permille of cases sent without NEEDS_CSUM;
					 * 0: never drawn */
	uint32_t udp;			/* gro_config.udp */
	void (*flow)(struct rng *r, struct flowgen *g, int v6, int n);
	void (*gso)(struct rng *r, struct gso_pkt *g, int v6);
	void (*small)(struct rng *r, struct gso_pkt *g);
	const unsigned *offloads;	/* four sets, the first the most likely */
};

static const struct gen_proto tcp_gen = {
	.prefix = "", .l2k_stream = 1, .k2l_stream = 2, .max_flows = 4, .max_frames = 80,
	.no_csum = 200, .udp = GRO_UDP_OFF, .flow = gen_flow, .gso = gen_gso, .small = gen_small,
	.offloads = offload_sets,
};

/* UDP GRO (GRO_UDP_L4): the merged packets go into the TAP as UDP_L4 with
 * NEEDS_CSUM and the seed. */
static const struct gen_proto udp_gen = {
	.prefix = "udp-", .l2k_stream = 3, .k2l_stream = 4, .max_flows = 3, .max_frames = 100,
	.udp = GRO_UDP_L4, .flow = gen_udp_flow, .gso = gen_udp_gso, .small = gen_udp_small,
	.offloads = udp_offload_sets,
};

/* One libgro -> kernel case: flows of @p interleaved, through the engine,
 * the merged packets written into the TAP. */
static int l2k_case(const struct gen_proto *p, uint64_t seed, unsigned idx, struct tally *t)
{
	struct flowgen g[4];
	struct pb_list in = { 0 };
	struct rng r;
	char name[32];
	int nflows, i, vh_size, no_csum = 0, ret;

	snprintf(name, sizeof(name), "%sl2k-%03u", p->prefix, idx);
	if (!selected(name))
		return 0;
	rng_init(&r, seed, p->l2k_stream, idx);
	nflows = 1 + (int)below(&r, (uint32_t)p->max_flows);
	vh_size = chance(&r, 500) ? 12 : 10;
	if (p->no_csum)
		no_csum = chance(&r, p->no_csum);
	for (i = 0; i < nflows; i++)
		p->flow(&r, &g[i], idx % 2 ? (int)below(&r, 2) : i % 2, 2 + (int)below(&r, p->max_frames));
	interleave(&r, g, nflows, &in);
	ret = l2k_run(name, &in, vh_size, no_csum, p->udp, t);
	for (i = 0; i < nflows; i++)
		pb_list_free(&g[i].frames);
	pb_list_free(&in);
	return ret;
}

/* One kernel -> libgro case: GSO packets of @p (and maybe a small one)
 * sent from B with a virtio_net_hdr. */
static int k2l_case(const struct gen_proto *p, uint64_t seed, unsigned idx, struct tally *t)
{
	struct gso_pkt g[4];
	struct rng r;
	char name[32];
	unsigned offload;
	int n, i, vh_size;

	snprintf(name, sizeof(name), "%sk2l-%03u", p->prefix, idx);
	if (!selected(name))
		return 0;
	rng_init(&r, seed, p->k2l_stream, idx);
	vh_size = chance(&r, 500) ? 12 : 10;
	offload = p->offloads[chance(&r, 600) ? 0 : below(&r, 4)];
	n = 1 + (int)below(&r, 3);
	for (i = 0; i < n; i++)
		p->gso(&r, &g[i], idx % 2 ? (int)below(&r, 2) : i % 2);
	if (chance(&r, 300))
		p->small(&r, &g[n++]);
	return k2l_send(name, g, n, vh_size, offload, t);
}

/* ------------------------------------------------------------------ a real UDP socket with UDP_SEGMENT */

struct umsg {
	int gso;		/* UDP_SEGMENT */
	uint32_t len;		/* bytes in the send */
	int cmsg;		/* as a control message (else setsockopt) */
};

static const struct umsg umsgs[] = {
	{ 1200, 12 * 1200 + 500, 0 },
	{ 1472, 40 * 1472, 1 },
	{ 100, 128 * 100, 1 },		/* UDP_MAX_SEGMENTS, 128 since Linux 6.10 */
	{ 8000, 7 * 8000 + 3, 0 },
	{ 1, 64, 1 },
	{ 536, 3 * 536 - 1, 0 },
	{ 1000, 900, 1 },		/* one datagram: not GSO */
	{ 1400, 2 * 1400, 0 },
};
#define N_UMSGS (sizeof(umsgs) / sizeof(umsgs[0]))

static int udp_send(int fd, const struct umsg *m, const uint8_t *data)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(uint16_t))];
	} cm;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = m->len };
	struct msghdr mh;
	uint16_t gso = (uint16_t)m->gso;
	int v = m->gso;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (m->cmsg) {
		struct cmsghdr *c;

		memset(&cm, 0, sizeof(cm));
		mh.msg_control = &cm;
		mh.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
		memcpy(CMSG_DATA(c), &gso, sizeof(gso));
	} else if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &v, sizeof(v)) < 0) {
		return -errno;
	}
	for (;;) {
		ssize_t n = sendmsg(fd, &mh, 0);

		if (n == (ssize_t)m->len)
			return 0;
		if (n >= 0)
			return -EIO;
		if (errno != EAGAIN)
			return -errno;
		poll(&(struct pollfd){ .fd = fd, .events = POLLOUT }, 1, 100);
	}
}

/* What the wire must show, checked in software: every frame an IPv4 UDP
 * datagram from B to C with its IP header checksum, tot_len and UDP length
 * right and a UDP checksum that verifies (never 0); the sends cut at their
 * gso_size, in order; within a send, IPv4 IDs counting up by one. (A
 * connected socket takes one ID per send, not one per datagram: the IDs
 * of consecutive sends overlap.) */
static int udp_wire_check(const char *name, const struct plist *wire, const uint8_t *data,
			  const int *sent)
{
	size_t k = 0;
	uint32_t off = 0, m;
	int bad = 0, have_id = 0;
	unsigned id = 0;

	for (m = 0; m < N_UMSGS; m++) {
		uint32_t done = 0;

		have_id = 0;
		if (!sent[m]) {
			off += umsgs[m].len;
			continue;
		}
		while (done < umsgs[m].len) {
			uint32_t n = umsgs[m].len - done < (uint32_t)umsgs[m].gso
					     ? umsgs[m].len - done : (uint32_t)umsgs[m].gso;
			const uint8_t *d;
			uint32_t ihl, sum;
			char why[96] = "";

			if (k >= wire->n) {
				printf("  %s: wire: only %zu datagrams, send %u not complete\n", name,
				       wire->n, m + 1);
				return bad + 1;
			}
			d = wire->v[k].d;
			ihl = wire->v[k].len >= 34 ? (d[14] & 15) * 4u : 0;
			if (wire->v[k].len < 34 || g16(d + 12) != 0x0800 || d[23] != 17 ||
			    wire->v[k].len != 14 + ihl + 8 + n)
				snprintf(why, sizeof(why), "%u bytes, expected a %u-byte UDP payload",
					 wire->v[k].len, n);
			else if (pb_csum_fold(pb_csum_add(0, d + 14, ihl)) != 0)
				snprintf(why, sizeof(why), "IPv4 header checksum");
			else if (g16(d + 16) != ihl + 8 + n || g16(d + 14 + ihl + 4) != 8 + n)
				snprintf(why, sizeof(why), "tot_len %u / UDP length %u", g16(d + 16),
					 g16(d + 14 + ihl + 4));
			else if (have_id && g16(d + 18) != ((id + 1) & 0xffff))
				snprintf(why, sizeof(why), "IPv4 ID %u after %u", g16(d + 18), id);
			else if (memcmp(d + 14 + ihl + 8, data + off + done, n))
				snprintf(why, sizeof(why), "payload");
			else if (!g16(d + 14 + ihl + 6))
				snprintf(why, sizeof(why), "UDP checksum 0");
			if (!why[0]) {
				uint8_t tail[8] = { 0, 0, 0, 0, 0, 0, 0, 17 };

				p16(tail + 2, 8 + n);
				sum = pb_csum_add(pb_csum_add(0, d + 26, 8), tail, 8);
				sum = pb_csum_add(sum, d + 14 + ihl, 8 + n);
				if (pb_csum_fold(sum) != 0)
					snprintf(why, sizeof(why), "UDP checksum 0x%04x does not verify",
						 g16(d + 14 + ihl + 6));
			}
			if (why[0]) {
				if (bad++ < 3)
					printf("  %s: wire datagram %zu (send %u): %s\n", name, k + 1,
					       m + 1, why);
			}
			if (wire->v[k].len >= 20) {
				id = g16(d + 18);
				have_id = 1;
			}
			done += n;
			k++;
		}
		off += umsgs[m].len;
	}
	if (k != wire->n) {
		printf("  %s: wire: %zu datagrams, expected %zu\n", name, wire->n, k);
		bad++;
	}
	return bad;
}

/* B sends UDP_SEGMENT datagrams to a socket in C. With USO on the TAP
 * reads the kernel's own UDP GSO packets (type 5); without, the datagrams
 * the kernel cut. libgro's cut of what the TAP read must equal the wire
 * (vd), which is checked in software too, and C must receive every byte. */
static int udp_socket_case(const char *name, unsigned offload, int vh_size, struct tally *t)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(5202) };
	static uint8_t data[8 * 65536], got[65536];
	struct rx rx = { 0 };
	uint32_t total = 0, rbytes = 0, i, m;
	int sfd = -1, rfd = -1, bad, sent[N_UMSGS] = { 0 }, want_gso = 0, ndg = 0, rdg = 0;
	int size = 8 << 20;
	unsigned gso = 0, segs = 0;
	uint32_t off = 0;

	if (!selected(name))
		return 0;
	bad = socket_pair(SOCK_DGRAM, vh_size, offload, &rfd, &sfd);
	if (bad < 0)
		return -1;
	if (bad)
		goto out;
	for (m = 0; m < N_UMSGS; m++)
		total += umsgs[m].len;
	for (i = 0; i < total; i++)
		data[i] = (uint8_t)(pb_pattern(i) ^ (i >> 8));
	setsockopt(rfd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	inet_pton(AF_INET, TAP_ADDR_C, &sa.sin_addr);
	if (bind(rfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    connect(sfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("tap: error: UDP bind/connect: %s\n", strerror(errno));
		bad++;
		goto out;
	}
	for (m = 0; m < N_UMSGS; m++) {
		int e = udp_send(sfd, &umsgs[m], data + off);

		off += umsgs[m].len;
		if (e == -EINVAL && umsgs[m].len > 64u * (uint32_t)umsgs[m].gso) {
			printf("  %s: send %u (%u datagrams) refused: this kernel allows fewer UDP_SEGMENT datagrams per send\n",
			       name, m + 1, (umsgs[m].len + umsgs[m].gso - 1) / umsgs[m].gso);
			continue;
		}
		if (e) {
			printf("  %s: send %u (UDP_SEGMENT %d, %u bytes): %s\n", name, m + 1,
			       umsgs[m].gso, umsgs[m].len, strerror(-e));
			bad++;
			continue;
		}
		sent[m] = 1;
		ndg += (int)((umsgs[m].len + umsgs[m].gso - 1) / umsgs[m].gso);
		if (umsgs[m].len > (uint32_t)umsgs[m].gso)
			want_gso++;
	}
	if (sync_from(EP_B, &rx, 3000) < 0) {
		bad++;
		goto out;
	}
	for (;;) {
		ssize_t n = recv(rfd, got, sizeof(got), 0);

		if (n < 0)
			break;
		rdg++;
		rbytes += (uint32_t)n;
	}
	if (rdg != ndg) {
		printf("  %s: C received %d datagrams (%u bytes), %d sent\n", name, rdg, rbytes, ndg);
		bad++;
	}
	bad += k2l_check(name, &rx.ep[EP_TAP], &rx.ep[EP_D], NULL, vh_size, &gso, &segs);
	bad += udp_wire_check(name, &rx.ep[EP_D], data, sent);
	if (rx.ep[EP_B].n) {
		printf("  %s: %zu unexpected frames arrived on vb\n", name, rx.ep[EP_B].n);
		bad++;
	}
	if ((offload & TUN_F_USO4) && (int)gso != want_gso) {
		printf("  %s: %u UDP GSO packets reached the TAP, %d sends were GSO\n", name, gso,
		       want_gso);
		bad++;
	} else if (!(offload & TUN_F_USO4) && gso) {
		printf("  %s: %u GSO packets reached a TAP without USO\n", name, gso);
		bad++;
	}
out:
	if (sfd >= 0)
		close(sfd);
	if (rfd >= 0)
		close(rfd);
	tally_add(t, !bad, (unsigned)rx.ep[EP_TAP].n, gso, segs);
	result(name, !bad, "%d datagrams in %u sends, %zu packets read from the TAP (%u GSO; offloads 0x%x), %u segments on the wire",
	       ndg, (unsigned)N_UMSGS, rx.ep[EP_TAP].n, gso, offload, segs);
	rx_free(&rx);
	return bad ? 1 : 0;
}

/* ------------------------------------------------------------------ UDP_L4 edge cases */

enum {
	U_SAME,		/* the kernel forwards exactly what libgro makes of it */
	U_BOTH_REFUSE,	/* the TAP refuses the write, gro_vnet_decode() the header */
	U_DROP,		/* the TAP takes it but the kernel's GSO drops it;
			 * gro_vnet_decode() refuses the header */
	U_KNOWN_ACCEPT,	/* known difference: the TAP refuses, libgro accepts */
};

struct uedge {
	const char *name;
	int v6, nvlan, opts;	/* opts: IPv4 options / an IPv6 Hop-by-Hop header */
	uint8_t flags, type;	/* virtio_net_hdr flags and gso_type */
	unsigned csum_off;
	int start_delta;	/* csum_start - UDP header */
	unsigned mss;
	uint32_t payload;	/* UDP (or TCP) payload bytes */
	int tcp_frame;		/* a TCP frame under the UDP header's type */
	int len_delta;		/* the UDP length field lies by this (the seed follows it) */
	int tot_len_delta;	/* IPv4 tot_len / IPv6 payload_len lie by this */
	uint32_t pad;		/* Ethernet padding after the IP packet */
	int full_csum;		/* the field holds the full checksum, not the seed */
	int zero_csum;		/* the first datagram's checksum comes out 0 */
	int expect;
	const char *why;
};

#define NC GRO_VNET_F_NEEDS_CSUM
#define L4 GRO_VNET_GSO_UDP_L4

static const char uso_nocsum_why[] =
	"UDP_L4 without NEEDS_CSUM: virtio_net_hdr_to_skb() refuses it (a UDP GSO packet must "
	"carry its checksum seed); gro_vnet_decode() accepts it and gro_segment() computes "
	"every checksum";
static const char uso_max_why[] =
	"more than UDP_MAX_SEGMENTS (128) datagrams: virtio_net_hdr_to_skb() refuses the header; "
	"gro_vnet_decode() has no such limit and gro_segment() cuts them all";

static const struct uedge uedges[] = {
	{ "udp-edge-vlan", 0, 1, 0, NC, L4, 6, 0, 1000, 3500, 0, 0, 0, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-qinq-ipv6", 1, 2, 0, NC, L4, 6, 0, 1200, 5000, 0, 0, 0, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-ipv4-options", 0, 0, 1, NC, L4, 6, 0, 1400, 6000, 0, 0, 0, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-ipv6-hop-by-hop", 1, 0, 1, NC, L4, 6, 0, 1000, 4000, 0, 0, 0, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-gso-size-1", 0, 0, 0, NC, L4, 6, 0, 1, 100, 0, 0, 0, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-gso-size-7", 1, 0, 0, NC, L4, 6, 0, 7, 700, 0, 0, 0, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-128-datagrams", 0, 0, 0, NC, L4, 6, 0, 10, 1280, 0, 0, 0, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-one-datagram", 0, 0, 0, NC, L4, 6, 0, 1000, 1000, 0, 0, 0, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-one-short-datagram", 1, 0, 0, NC, L4, 6, 0, 1000, 300, 0, 0, 0, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-checksum-0", 0, 0, 0, NC, L4, 6, 0, 1000, 2500, 0, 0, 0, 0, 0, 1, U_SAME, NULL },
	{ "udp-edge-checksum-0-one", 1, 0, 0, NC, L4, 6, 0, 1000, 800, 0, 0, 0, 0, 0, 1, U_SAME, NULL },
	{ "udp-edge-full-checksum-field", 0, 0, 0, NC, L4, 6, 0, 1000, 3000, 0, 0, 0, 0, 1, 0, U_SAME, NULL },
	{ "udp-edge-tot-len-lies", 0, 0, 0, NC, L4, 6, 0, 1000, 3000, 0, 0, -100, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-payload-len-lies", 1, 0, 0, NC, L4, 6, 0, 1000, 3000, 0, 0, 40, 0, 0, 0, U_SAME, NULL },
	{ "udp-edge-padding", 0, 0, 0, NC, L4, 6, 0, 1000, 3000, 0, 0, 0, 6, 0, 0, U_SAME, NULL },
	{ "udp-edge-udp-length-lies", 0, 0, 0, NC, L4, 6, 0, 1000, 3000, 0, -100, 0, 0, 0, 0, U_SAME, NULL },
	{ "udp-refuse-csum-offset-16", 0, 0, 0, NC, L4, 16, 0, 1000, 3000, 0, 0, 0, 0, 0, 0, U_BOTH_REFUSE, NULL },
	{ "udp-refuse-csum-offset-0", 1, 0, 0, NC, L4, 0, 0, 1000, 3000, 0, 0, 0, 0, 0, 0, U_BOTH_REFUSE, NULL },
	{ "udp-refuse-ecn", 0, 0, 0, NC, L4 | GRO_VNET_GSO_ECN, 6, 0, 1000, 3000, 0, 0, 0, 0, 0, 0, U_BOTH_REFUSE, NULL },
	{ "udp-refuse-gso-size-0", 0, 0, 0, NC, L4, 6, 0, 0, 3000, 0, 0, 0, 0, 0, 0, U_BOTH_REFUSE, NULL },
	{ "udp-refuse-gso-size-ffff", 1, 0, 0, NC, L4, 6, 0, 0xffff, 3000, 0, 0, 0, 0, 0, 0, U_BOTH_REFUSE, NULL },
	{ "udp-refuse-on-tcp-frame", 0, 0, 0, NC, L4, 16, 0, 1000, 3000, 1, 0, 0, 0, 0, 0, U_BOTH_REFUSE, NULL },
	{ "udp-refuse-tcpv4-type", 0, 0, 0, NC, GRO_VNET_GSO_TCPV4, 6, 0, 1000, 3000, 0, 0, 0, 0, 0, 0, U_BOTH_REFUSE, NULL },
	{ "udp-drop-on-tcp-frame", 0, 0, 0, NC, L4, 6, 0, 1000, 3000, 1, 0, 0, 0, 0, 0, U_DROP, NULL },
	{ "udp-drop-tcpv4-type", 0, 0, 0, NC, GRO_VNET_GSO_TCPV4, 16, 0, 1000, 3000, 0, 0, 0, 0, 0, 0, U_DROP, NULL },
	{ "udp-drop-csum-start", 0, 0, 0, NC, L4, 6, -4, 1000, 3000, 0, 0, 0, 0, 0, 0, U_DROP, NULL },
	{ "udp-refuse-no-needs-csum", 0, 0, 0, 0, L4, 6, 0, 1000, 3000, 0, 0, 0, 0, 1, 0, U_KNOWN_ACCEPT, uso_nocsum_why },
	{ "udp-refuse-data-valid", 1, 0, 0, GRO_VNET_F_DATA_VALID, L4, 6, 0, 1000, 3000, 0, 0, 0, 0, 1, 0, U_KNOWN_ACCEPT, uso_nocsum_why },
	{ "udp-refuse-129-datagrams", 0, 0, 0, NC, L4, 6, 0, 10, 1290, 0, 0, 0, 0, 0, 0, U_KNOWN_ACCEPT, uso_max_why },
};

#undef NC
#undef L4

static int udp_edge_case(const struct uedge *c, struct tally *t)
{
	struct pb_frame f;
	struct pb_offsets o;
	struct plist model = { 0 };
	struct rx rx = { 0 };
	static uint8_t buf[70000];
	uint8_t vh[12] = { 0 };
	char why[128];
	uint32_t len, l3, l4;
	int e, n, lost, bad = 0, known = 0;

	if (!selected(c->name))
		return 0;
	edge_frame(&f, c->v6, 0x02, c->nvlan, c->tot_len_delta, c->pad);
	f.seq = 0x1000;
	f.sport = 4000;
	f.dport = 5000;
	if (c->opts && !c->v6) {
		ip_router_alert(&f);
	} else if (c->opts) {
		pb_ext_add(&f, PB_EXT_HOP, (const uint8_t[6]){ 0 }, 6);
	}
	if (c->tcp_frame) {
		f.payload_len = c->payload;
		f.flags = PB_ACK;
		len = (uint32_t)pb_build(&f, buf, sizeof(buf));
		pb_layout(&f, &o);
		l3 = (uint32_t)o.l3;
		l4 = (uint32_t)o.l4;
		p16(buf + l4 + 16, seed_of(buf, l3, l4, (uint32_t)(o.l3 + o.ip_len)));
	} else {
		len = (uint32_t)udp_build(&f, c->payload, buf, sizeof(buf), &o);
		l3 = (uint32_t)o.l3;
		l4 = (uint32_t)o.l4;
		if (c->zero_csum) {
			/* the last two bytes of datagram 1 make its checksum 0 */
			uint32_t m = c->payload < c->mss ? c->payload : c->mss, sum;
			uint8_t uh[8], tail[8] = { 0, 0, 0, 0, 0, 0, 0, 17 };

			p16(buf + l4 + 8 + m - 2, 0);
			memcpy(uh, buf + l4, 8);
			p16(uh + 4, 8 + m);
			p16(uh + 6, 0);
			p16(tail + 2, 8 + m);
			sum = pb_csum_add(0, buf + l3 + (c->v6 ? 8 : 12), c->v6 ? 32 : 8);
			sum = pb_csum_add(sum, tail, 8);
			sum = pb_csum_add(sum, uh, 8);
			sum = pb_csum_add(sum, buf + l4 + 8, m);
			p16(buf + l4 + 8 + m - 2, pb_csum_fold(sum));
		}
		p16(buf + l4 + 4, (g16(buf + l4 + 4) + (unsigned)c->len_delta) & 0xffff);
		if (!c->full_csum)
			p16(buf + l4 + 6, seed_proto(buf, l3, g16(buf + l4 + 4), 17));
	}
	vh[0] = c->flags;
	vh[1] = c->type;
	ple16(vh + 2, l4 + 8);
	ple16(vh + 4, c->mss);
	if (c->flags & GRO_VNET_F_NEEDS_CSUM) {
		ple16(vh + 6, (unsigned)((int)l4 + c->start_delta));
		ple16(vh + 8, c->csum_off);
	}
	lost = edge_send(vh, buf, len, &model, why, sizeof(why), &n, &e, &rx);
	if (lost < 0)
		return -1;
	if (c->zero_csum && (n < 1 || g16(model.v[0].d + l4 + 6) != 0xffff)) {
		printf("  %s: datagram 1's checksum is not 0 (sent as 0xffff): the case is built wrong\n",
		       c->name);
		bad++;
	}
	if (lost) {
		bad++;
	} else if (c->expect == U_BOTH_REFUSE || c->expect == U_DROP) {
		int tap_ok = c->expect == U_BOTH_REFUSE ? e != 0 : e == 0;

		if (!tap_ok || n >= 0 || rx.ep[EP_B].n || rx.ep[EP_D].n) {
			printf("  %s: the TAP %s it (%zu frames forwarded), libgro %s\n", c->name,
			       e ? "refused" : "accepted", rx.ep[EP_B].n, n < 0 ? why : "accepted it");
			bad++;
		}
	} else if (c->expect == U_KNOWN_ACCEPT && e && n >= 0 && !rx.ep[EP_B].n) {
		known = 1;
	} else if (e || n < 0) {
		printf("  %s: the TAP %s, libgro: %s\n", c->name, e ? strerror(-e) : "accepted it",
		       n < 0 ? why : "accepted it");
		bad++;
	} else {
		bad += compare_fwd(c->name, &model, &rx);
	}
	if (known) {
		n_known++;
		printf("  known difference %s: %s\n      kernel: write refused (%s); libgro: %zu segment(s)\n",
		       c->name, c->why, strerror(-e), model.n);
	} else {
		tally_add(t, !bad, 0, 0, (unsigned)model.n);
		result(c->name, !bad, "%s", c->expect == U_BOTH_REFUSE ? "refused by both" :
		       c->expect == U_DROP ? "the kernel drops it, libgro refuses it" :
		       "kernel and libgro agree");
	}
	if (bad) {
		dump_list(c->name, "libgro", &model);
		dump_list(c->name, "kernel", &rx.ep[EP_B]);
	}
	pl_free(&model);
	rx_free(&rx);
	return bad ? 1 : 0;
}

/* ------------------------------------------------------------------ UDP fraglist */

static const char flist_why[] =
	"a fraglist UDP packet (GRO_UDP_FRAGLIST) goes out as UDP_L4 with DATA_VALID: its "
	"checksum field is the first datagram's own, not a seed, so it cannot say NEEDS_CSUM, and "
	"virtio_net_hdr_to_skb() refuses UDP_L4 without NEEDS_CSUM. Linux itself never hands a "
	"TAP such a packet (tun has no NETIF_F_GSO_FRAGLIST: validate_xmit_skb() cuts it first)";

/* libgro -> kernel with fraglist UDP GRO: the datagrams that were not
 * merged must cross as libgro predicts; the merged ones the TAP refuses. */
static int udp_fraglist_case(uint64_t seed, struct tally *t)
{
	const char *name = "diff-udp-fraglist";
	struct engine_run r = { .vh_size = 12, .udp = GRO_UDP_FRAGLIST };
	struct flowgen g;
	struct pb_list in = { 0 };
	struct plist model = { 0 };
	struct rx rx = { 0 };
	struct rng rg;
	char why[128];
	size_t i;
	int bad = 0, refused = 0, merged = 0, werr = 0;

	if (!selected(name))
		return 0;
	rng_init(&rg, seed, 5, 0);
	memset(&g, 0, sizeof(g));
	flow_template(&rg, &g.f, 0);
	udp_ports(&rg, &g.f);
	g.f.df = 1;
	for (i = 0; i < 40; i++) {
		udp_list_add(&in, &g.f, i % 10 == 9 ? 300 : 1000);
		g.f.seq += 1000;
		g.f.ip_id++;
	}
	udp_list_add(&in, &g.f, 0);	/* an empty datagram, never merged */
	if (tap_env_set_vnet_hdr_sz(&env, 12) < 0)
		return -1;
	run_engine(&in, &r);
	for (i = 0; i < r.out.n; i++) {
		struct pkt *p = &r.out.v[i];
		struct plist one = { 0 };
		int e, n = libgro_segments(p->vh, 12, p->d, p->len, &one, why, sizeof(why));

		if (n < 0) {
			printf("  %s: delivered packet %zu: %s\n", name, i + 1, why);
			bad++;
		}
		e = tap_write(p->vh, p->d, p->len);
		if (p->vh[1] == GRO_VNET_GSO_UDP_L4) {
			merged++;
			if (e == -EINVAL) {
				refused++;
				pl_free(&one);
				continue;
			}
		}
		if (e) {
			printf("  %s: the TAP refused delivered packet %zu (gso_type %u flags %u): %s\n",
			       name, i + 1, p->vh[1], p->vh[0], strerror(-e));
			werr++;
		}
		pl_append(&model, &one);
		pl_free(&one);
	}
	if (sync_from(EP_TAP, &rx, 3000) < 0) {
		bad++;
	} else {
		bad += compare_fwd(name, &model, &rx);
	}
	bad += werr;
	if (!merged) {
		printf("  %s: nothing was merged\n", name);
		bad++;
	}
	if (!bad && refused) {
		n_known++;
		printf("  known difference %s: %s\n      kernel: %d of %d merged packets refused (EINVAL); libgro decodes and cuts them; %zu unmerged datagrams agree\n",
		       name, flist_why, refused, merged, model.n);
	} else {
		tally_add(t, !bad, (unsigned)r.out.n, (unsigned)merged, (unsigned)model.n);
		result(name, !bad, "%zu packets written (%d merged), %zu segments on the wire",
		       r.out.n, merged, model.n);
	}
	pl_free(&r.out);
	pl_free(&model);
	pb_list_free(&in);
	rx_free(&rx);
	return bad ? 1 : 0;
}

/* What the TAP says to the USO flags (tun's set_offload wants both, and
 * TUN_F_CSUM with them). Leaves the TAP with TSO only. */
static void uso_probe(char *facts, size_t len)
{
	int both = tap_env_set_offload(&env, OFF_USO) == 0;
	int e_both = errno;
	int only4 = tap_env_set_offload(&env, OFF_TSO | TUN_F_USO4) == 0;
	int only6 = tap_env_set_offload(&env, OFF_TSO | TUN_F_USO6) == 0;
	int nocsum = tap_env_set_offload(&env, TUN_F_USO4 | TUN_F_USO6) == 0;

	uso_ok = both;
	if (!both)
		snprintf(uso_why, sizeof(uso_why), "TUNSETOFFLOAD with TUN_F_USO4|TUN_F_USO6: %s",
			 strerror(e_both));
	snprintf(facts, len, "TUN_F_USO4|TUN_F_USO6 %s; USO4 alone %s, USO6 alone %s, without TUN_F_CSUM %s",
		 both ? "taken" : "refused", only4 ? "taken" : "refused", only6 ? "taken" : "refused",
		 nocsum ? "taken" : "refused");
	tap_env_set_offload(&env, OFF_TSO);
}

/* ------------------------------------------------------------------ main */

static void usage(void)
{
	fprintf(stderr,
		"usage: taptest [--seed N] [--cases N] [--only NAME] [--dump DIR] [-v] [IN.pcap ...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct tally l2k = { 0 }, pcap = { 0 }, k2l = { 0 }, tcp = { 0 }, edge = { 0 };
	struct tally ul2k = { 0 }, uk2l = { 0 }, usock = { 0 }, uedge = { 0 };
	char uso_facts[256];
	unsigned edge_known = 0;
	uint64_t seed = 1;
	unsigned ncases = 40, i;
	int a, rc;
	double t0 = now_ms();

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--seed") && a + 1 < argc)
			seed = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--cases") && a + 1 < argc)
			ncases = (unsigned)strtoul(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--only") && a + 1 < argc)
			only = argv[++a];
		else if (!strcmp(argv[a], "--dump") && a + 1 < argc)
			dump_dir = argv[++a];
		else if (!strcmp(argv[a], "-v"))
			verbose = 1;
		else
			usage();
	}

	rc = tap_env_setup(&env);
	if (rc) {
		tap_env_teardown(&env);
		return rc;
	}
	printf("tap: Linux %s; TAP with IFF_VNET_HDR, bridge and veth in 3 private namespaces (CPU %d); seed %" PRIu64 "\n",
	       env.kernel, env.cpu, seed);
	if (wait_ready() < 0) {
		tap_env_teardown(&env);
		printf("tap: 0 passed, 1 failed; the test network never forwarded\n");
		return 1;
	}

	for (i = 0; i < ncases; i++)
		if (l2k_case(&tcp_gen, seed, i, &l2k) < 0)
			goto error;
	for (; a < argc; a++)
		if (l2k_pcap(argv[a], &pcap) < 0)
			goto error;
	for (i = 0; i < ncases; i++)
		if (k2l_case(&tcp_gen, seed, i, &k2l) < 0)
			goto error;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		if (edge_case(&edges[i], &edge) < 0)
			goto error;
	edge_known = n_known;
	if (tcp_case("tcp-mss1200", 384 * 1024, 1200, 12, &tcp) < 0 ||
	    tcp_case("tcp-mtu9000", 512 * 1024, 0, 10, &tcp) < 0)
		goto error;

	/* UDP_L4 (USO): the TAP must take TUN_F_USO4|TUN_F_USO6 */
	uso_probe(uso_facts, sizeof(uso_facts));
	if (!uso_ok) {
		printf("tap: UDP_L4 cases skipped: the kernel refuses USO on a TAP (%s)\n", uso_why);
	} else {
		for (i = 0; i < ncases; i++)
			if (l2k_case(&udp_gen, seed, i, &ul2k) < 0)
				goto error;
		if (udp_fraglist_case(seed, &ul2k) < 0)
			goto error;
		for (i = 0; i < ncases; i++)
			if (k2l_case(&udp_gen, seed, i, &uk2l) < 0)
				goto error;
		for (i = 0; i < sizeof(uedges) / sizeof(uedges[0]); i++)
			if (udp_edge_case(&uedges[i], &uedge) < 0)
				goto error;
		if (udp_socket_case("udp-socket-uso", OFF_USO, 12, &usock) < 0 ||
		    udp_socket_case("udp-socket-no-uso", OFF_TSO, 10, &usock) < 0 ||
		    udp_socket_case("udp-socket-no-offload", 0, 12, &usock) < 0)
			goto error;
	}

	if (l2k.cases)
		printf("tap: libgro -> kernel, seeded streams: %u/%u cases, %u packets written (%u GSO), %u segments compared\n",
		       l2k.pass, l2k.cases, l2k.pkts, l2k.gso_pkts, l2k.segs);
	if (l2k.fixedid + pcap.fixedid)
		printf("tap: in %u cases merged packets had fixed IPv4 IDs; they come out counting up, as decode + segment predict (virtio_net_hdr has no FIXEDID)\n",
		       l2k.fixedid + pcap.fixedid);
	if (pcap.cases)
		printf("tap: libgro -> kernel, captures: %u/%u cases, %u packets written (%u GSO), %u segments compared\n",
		       pcap.pass, pcap.cases, pcap.pkts, pcap.gso_pkts, pcap.segs);
	if (k2l.cases)
		printf("tap: kernel -> libgro, injected GSO: %u/%u cases, %u packets read (%u GSO), %u segments compared\n",
		       k2l.pass, k2l.cases, k2l.pkts, k2l.gso_pkts, k2l.segs);
	if (edge.cases)
		printf("tap: edge cases written into the TAP: %u/%u agree or are refused by both%s\n",
		       edge.pass, edge.cases - edge_known,
		       edge_known ? "; known differences listed above" : "");
	if (tcp.cases)
		printf("tap: kernel -> libgro, TCP with TSO: %u/%u connections, %u packets read (%u GSO), %u segments compared\n",
		       tcp.pass, tcp.cases, tcp.pkts, tcp.gso_pkts, tcp.segs);
	if (uso_ok || !only)
		printf("tap: USO on a TAP: %s\n", uso_facts);
	if (ul2k.cases)
		printf("tap: libgro -> kernel, UDP GRO: %u/%u cases, %u packets written (%u GSO), %u datagrams compared\n",
		       ul2k.pass, ul2k.cases, ul2k.pkts, ul2k.gso_pkts, ul2k.segs);
	if (uk2l.cases)
		printf("tap: kernel -> libgro, injected UDP GSO: %u/%u cases, %u packets read (%u GSO), %u datagrams compared\n",
		       uk2l.pass, uk2l.cases, uk2l.pkts, uk2l.gso_pkts, uk2l.segs);
	if (uedge.cases)
		printf("tap: UDP_L4 edge cases written into the TAP: %u/%u agree, are refused or dropped by both\n",
		       uedge.pass, uedge.cases);
	if (usock.cases)
		printf("tap: kernel -> libgro, UDP_SEGMENT sockets: %u/%u runs, %u packets read (%u GSO), %u datagrams compared\n",
		       usock.pass, usock.cases, usock.pkts, usock.gso_pkts, usock.segs);
	tap_env_teardown(&env);
	if (n_known)
		printf("tap: %u known difference%s between libgro and the kernel (not counted below)\n",
		       n_known, n_known == 1 ? "" : "s");
	printf("tap: %u passed, %u failed (%.1f s)\n", n_pass, n_fail, (now_ms() - t0) / 1000);
	return n_fail ? 1 : 0;

error:
	tap_env_teardown(&env);
	printf("tap: %u passed, %u failed; stopped by an error\n", n_pass, n_fail + 1);
	return 1;
}
