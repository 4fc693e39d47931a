/* tungro: raw IP frames against the kernel's GRO on a TUN device.
 *
 *   tungro PATTERN V6 N IN.pcap OUT.pcap
 *
 * In a network and mount namespace of its own (they go away with the
 * process), a TUN device without packet information and with IFF_NAPI, so
 * that what is written to it goes through napi_gro_receive() with no MAC
 * header (mac_len 0), as a VPN's packets do; gro_flush_timeout 20 ms and
 * no deferred interrupts. N TCP segments (PATTERN 0: one flow; 1: two
 * flows taking turns, a PSH on the first at its 10th segment and a short
 * segment on the second at its 15th), over IPv4 or IPv6 (V6), are written
 * back to back: each write is a poll of its own, whose end completes only
 * the flows held in an earlier jiffy, and the timer the rest. The frames
 * written go to IN (LINKTYPE_RAW, 1 us apart, the order written) and what
 * GRO delivers, seen by a packet socket on the device, to OUT. Exit 77
 * when this cannot run here (not root, no TUN, no namespaces).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pktbuild.h"

#define DEV	"lgrotun0"
#define MAX_FRAMES	1000

static int skip(const char *why)
{
	fprintf(stderr, "tungro: skipped: %s: %s\n", why, strerror(errno));
	return 77;
}

static int put(const char *path, const char *v)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(v, f) < 0) {
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

/* Returns just after a timer tick: the coarse clock is moved on by the tick
 * that moves jiffies on, so the writes that follow have most of a jiffy
 * before the next one ends. */
static void tick_start(void)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &a);
	do
		clock_gettime(CLOCK_MONOTONIC_COARSE, &b);
	while (a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec);
}

int main(int argc, char **argv)
{
	static uint8_t buf[262144], tx[MAX_FRAMES * 1600];
	uint8_t *frame[MAX_FRAMES];
	size_t flen[MAX_FRAMES], used = 0;
	struct ifreq ifr = { 0 };
	struct pb_frame fl[2];
	pcap_t *pin, *pout;
	pcap_dumper_t *din, *dout;
	int pattern, v6, n, i, fd, s, ps, rb = 64 << 20, sent[2] = { 0, 0 };

	if (argc != 6) {
		fprintf(stderr, "usage: tungro PATTERN V6 N IN.pcap OUT.pcap\n");
		return 2;
	}
	pattern = atoi(argv[1]);
	v6 = atoi(argv[2]);
	n = atoi(argv[3]);
	if (n < 0 || n > MAX_FRAMES) {
		fprintf(stderr, "tungro: N must be 0..%d\n", MAX_FRAMES);
		return 2;
	}
	if (geteuid())
		return errno = EPERM, skip("not root");
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL))
		return skip("namespaces");
	fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0)
		return skip("/dev/net/tun");
	strcpy(ifr.ifr_name, DEV);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_NAPI;
	if (ioctl(fd, TUNSETIFF, &ifr))
		return skip("TUNSETIFF with IFF_NAPI");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ifr.ifr_flags = IFF_UP;
	/* No IPv6 on the device: the stack would send its own packets. */
	if (s < 0 || put("/proc/sys/net/ipv6/conf/" DEV "/disable_ipv6", "1") ||
	    ioctl(s, SIOCSIFFLAGS, &ifr) ||
	    put("/sys/class/net/" DEV "/gro_flush_timeout", "20000000") ||
	    put("/sys/class/net/" DEV "/napi_defer_hard_irqs", "0")) {
		perror("tungro: device set-up");
		return 1;
	}
	ps = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	{
		struct sockaddr_ll sll = { .sll_family = AF_PACKET,
					   .sll_protocol = htons(ETH_P_ALL),
					   .sll_ifindex = (int)if_nametoindex(DEV) };

		/* A large buffer: nothing the kernel delivers may be lost
		 * before it is read. */
		if (ps < 0 || bind(ps, (struct sockaddr *)&sll, sizeof(sll)) ||
		    setsockopt(ps, SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof(rb))) {
			perror("tungro: packet socket");
			return 1;
		}
	}
	pin = pcap_open_dead(DLT_RAW, 262144);
	pout = pcap_open_dead(DLT_RAW, 262144);
	din = pin ? pcap_dump_open(pin, argv[4]) : NULL;
	dout = pout ? pcap_dump_open(pout, argv[5]) : NULL;
	if (!din || !dout) {
		fprintf(stderr, "tungro: cannot write %s or %s\n", argv[4], argv[5]);
		return 1;
	}

	for (i = 0; i < 2; i++) {
		pb_init(&fl[i], v6);
		fl[i].sport = (uint16_t)(fl[i].sport + i);
		fl[i].payload_len = 1400;
		pb_tcp_opt_timestamp(&fl[i], 5, 6);
	}
	/* Every frame is built before the first is written, and the writes
	 * follow one another with nothing between them: the fewer
	 * microseconds they take, the rarer a jiffy that ends among them
	 * (slow builds, such as the sanitizers', made that common), and they
	 * start just after a tick. */
	for (i = 0; i < n; i++) {
		int k = pattern == 1 ? i % 2 : 0;
		struct pb_frame f = fl[k];

		if (pattern == 1 && k == 0 && sent[0] == 9)
			f.flags |= PB_PSH;
		if (pattern == 1 && k == 1 && sent[1] == 14)
			f.payload_len = 600;
		frame[i] = tx + used;
		flen[i] = pb_build(&f, tx + used, sizeof(tx) - used);
		if (flen[i] <= 14) {
			fprintf(stderr, "tungro: frame %d does not fit\n", i);
			return 1;
		}
		used += flen[i];
		fl[k].seq += f.payload_len;
		fl[k].ip_id++;
		sent[k]++;
	}
	tick_start();
	for (i = 0; i < n; i++)
		if (write(fd, frame[i] + 14, flen[i] - 14) != (ssize_t)(flen[i] - 14)) {
			perror("tungro: write");
			return 1;
		}
	for (i = 0; i < n; i++) {
		struct pcap_pkthdr h = { .ts = { 1, i } };

		h.caplen = h.len = (uint32_t)(flen[i] - 14);
		pcap_dump((u_char *)din, &h, frame[i] + 14);
	}
	/* Everything is delivered by the timer, 20 ms after the last poll. */
	for (;;) {
		struct pollfd p = { ps, POLLIN, 0 };
		struct sockaddr_ll from;
		socklen_t fromlen = sizeof(from);
		struct pcap_pkthdr h = { .ts = { 1, 0 } };
		ssize_t k;

		if (poll(&p, 1, 200) <= 0)
			break;
		k = recvfrom(ps, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
		if (k <= 0)
			break;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		h.caplen = h.len = (uint32_t)k;
		pcap_dump((u_char *)dout, &h, buf);
	}
	pcap_dump_close(din);
	pcap_dump_close(dout);
	pcap_close(pin);
	pcap_close(pout);
	return 0;
}
