/* kgro: replay Ethernet frames through a veth pair whose receiving end has
 * GRO enabled, and record what the kernel delivers. The output is the
 * reference ("oracle") that libgro's engine is compared against.
 *
 * kgro.c          command line, replay protocol, pcap/meta files
 * kgro_env.c      namespaces, links, sockets, clean-up
 * kgro_selftest.c synthetic scenarios with known expected results
 */
#ifndef KGRO_H
#define KGRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_net.h>

/* Exit code understood by test drivers as "skipped, not failed". */
#define KGRO_EXIT_SKIP	77

/* Largest frame we expect to read back: 64 KiB GRO packets, jumbo MTUs,
 * and BIG TCP packets up to the kernel's largest gro_max_size (8 x 65535)
 * with link headers and an IPv6 jumbo header. */
#define KGRO_BUF_SIZE	(576 * 1024)

/* Snap length written into output pcap files. libpcap reads Ethernet
 * captures only up to 262144 bytes a frame, so that stays the default;
 * a larger gro_max_size raises it. */
#define KGRO_SNAPLEN	(256 * 1024)

/* The kernel's upper bound for gro_max_size (GRO_MAX_SIZE, 64-bit). */
#define KGRO_GRO_MAX_SIZE 524280

/* How the receiver treats UDP (and, with fraglist, forwarded TCP). */
enum kgro_udp_mode {
	KGRO_UDP_OFF,		/* gro on only: UDP is never merged */
	KGRO_UDP_L4,		/* rx-udp-gro-forwarding on, rx-gro-list off */
	KGRO_UDP_FRAGLIST,	/* rx-gro-list on, rx-udp-gro-forwarding off */
};

struct kgro_pkt {
	uint8_t *data;
	uint32_t len;
	bool vh_ok;			/* false: the kernel refused to describe it */
	bool gap_before;		/* input: a pause precedes it in the capture */
	struct virtio_net_hdr vh;	/* host byte order after capture */
};

struct kgro_pkts {
	struct kgro_pkt *v;
	size_t n, cap;
};

struct kgro_opts {
	int mtu;
	int repeat;
	unsigned long flush_timeout_ns;
	unsigned int defer_irqs;
	int settle_ms;
	bool verbose;
	enum kgro_udp_mode udp;
	bool udp_set;			/* --udp/--fraglist given: set both features */
	long gro_max_size;		/* 0: the device's default (65536) */
	int vxlan_port;			/* 0: none; else an external VXLAN device */
	int geneve_port;		/* 0: none; else an external GENEVE device */
};

struct kgro_env {
	char ns[2][48];			/* KGRO_TX, KGRO_RX */
	int nsfd[2];
	int tx_sock;			/* sends the replayed frames */
	int rx_sock;			/* frame bytes, VLAN tag via auxdata */
	int vh_sock;			/* the same frames, with virtio_net_hdr */
	int guard_sock;			/* keeps the two in the same order */
	uint32_t tag;			/* marks our control frames (pid) */
	uint32_t seq;			/* last control sequence number sent */
	double tick_ms;			/* when the last NAPI poll was seen */
	bool have_tick;
	uint8_t *buf;
	const struct kgro_opts *opts;
};

#define KGRO_TX 0
#define KGRO_RX 1

/* Interface names; they live in our private namespaces only. */
#define KGRO_TX_DEV "kgro-tx"
#define KGRO_RX_DEV "kgro-rx"
#define KGRO_VXLAN_DEV "kgro-vx"
#define KGRO_GENEVE_DEV "kgro-gnv"

/* What one replay observed besides the frames. */
struct kgro_stats {
	unsigned int send_errors;	/* frames the sender could not send */
	unsigned int leaked;		/* frames that arrived outside a replay */
	unsigned int drops;		/* capture socket drops */
	unsigned int late;		/* frames received after the end marker */
	double ms;			/* wall time of the replay */
	double marker_ms;		/* marker sent -> marker seen */
	double end_ms;			/* end frame sent -> end frame seen */
	int marker_pos;			/* output frames seen before the marker */
};

/* kgro.c */
void kgro_pkts_add(struct kgro_pkts *l, const uint8_t *data, uint32_t len,
		   const struct virtio_net_hdr *vh, bool vh_ok);
void kgro_pkts_free(struct kgro_pkts *l);
int kgro_pcap_write_in(const char *path, const struct kgro_pkts *l);
int kgro_run_input(struct kgro_env *env, const char *outdir, const char *path,
		   struct kgro_pkts *result);
double kgro_now_ms(void);

/* kgro_env.c */
int kgro_env_setup(struct kgro_env *env, const struct kgro_opts *o);
void kgro_env_teardown(struct kgro_env *env);

/* kgro_selftest.c */
int kgro_selftest(struct kgro_env *env, const char *outdir);

#endif
