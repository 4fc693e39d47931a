/* SPDX-License-Identifier: MIT */
/*
 * libgro benchmark: what every part shares, the streams (stream.c) and the
 * helpers (util.c). The rte_gro side (dpdk.c, built with DPDK's flags)
 * depends on this alone; see dpdk.h for it, driver.h for the rest.
 */
#ifndef GRO_BENCH_H
#define GRO_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "gro.h"

#define BURST		32
#define MAX_REPS	15

/* The @instr argument of the timing drivers (lib_bench, dp_bench,
 * dp_bench_gd): BENCH_INSTR, one pass between the callgrind markers;
 * BENCH_COLD, no warm-up pass before the timed ones (each timed pass
 * otherwise follows one untimed pass of the same engine). */
#define BENCH_INSTR	1
#define BENCH_COLD	2

/* K_UDP: bulk UDP datagrams (gro_config.udp = GRO_UDP_L4), shaped as K_BULK.
 * K_VXLAN, K_GRE: the bulk TCP stream inside a tunnel (outer IPv4). */
enum { K_BULK, K_ACKS, K_MIXED, K_UDP, K_VXLAN, K_GRE };
/* Kinds whose streams are bulk: k segments (datagrams) per flow and poll. */
static inline int kind_bulk(int kind) { return kind == K_BULK || kind >= K_UDP; }
static inline int kind_tunnel(int kind) { return kind == K_VXLAN || kind == K_GRE; }
enum { O_RUNS, O_INTERLEAVED };

/* An in-memory packet stream: frames laid out at a fixed stride in one big
 * buffer, built once. Engines rewrite the headers of merged heads (and
 * rte_gro the mbufs), so the first SAVE_LEN bytes of every frame are kept
 * aside and put back before each run. */
#define SAVE_LEN	128

struct stream {
	char name[64];		/* e.g. "v4 bulk interleaved 1024" */
	char id[48];		/* e.g. "v4-bulk-il-1024" (CSV key) */
	int kind, order, v6;
	uint32_t nflows;
	uint32_t k;		/* segments per flow per poll (bulk) */
	uint32_t npolls;
	size_t poll_len;	/* packets per poll; gro_flush at each poll end */
	size_t npkts;
	size_t stride;
	uint32_t mss;		/* TCP: segment size; UDP: datagram payload size */
	uint32_t hdr;		/* bytes of headers per frame (bulk, UDP, tunnels) */
	uint32_t in_l3;		/* the (inner) IP header's offset: 14, or past a tunnel */
	uint32_t seg_max;	/* most segments (datagrams) per packet out */
	int with_payload;	/* payload bytes written (checksums hold) */
	int udp_gro;		/* the engines run with UDP GRO on as well */
	uint8_t *buf;
	uint8_t *save;
	struct gro_frame *fr;
	uint64_t expect_out;	/* packets out under Linux's rules */
	uint64_t payload_bytes;	/* TCP or UDP payload in the whole stream */
};

#define MSS4		1448
#define MSS6		1428
#define HDR4		66	/* Ethernet + IPv4 + TCP with timestamps */
#define HDR6		86
#define MAX_SEGS	45	/* 1448- or 1428-byte segments within 64 KiB */

/* UDP datagrams of a 1500-byte MTU (QUIC, WireGuard): 1514-byte frames. */
#define UDP_PAY4	1472
#define UDP_PAY6	1452
#define UDPHDR4		42	/* Ethernet + IPv4 + UDP */
#define UDPHDR6		62
#define UDP_SEGS_MAX	64	/* datagrams per packet (Linux's UDP_GRO_CNT_MAX) */
/* The datagram carries its flow and its index in its first 8 payload bytes. */

/* Tunnels over IPv4 on a 1500-byte path (1514-byte frames): the inner
 * MTU is 1450 under VXLAN (outer Ethernet, IPv4, UDP and VXLAN, then the
 * inner Ethernet header) and 1476 under GRE (outer IPv4 and a 4-byte GRE
 * header), the defaults Linux gives such devices; the inner TCP segment
 * has the timestamp option. */
#define VXLAN_L3	64	/* 14 + 20 + 8 + 8 + 14 */
#define GRE_L3		38	/* 14 + 20 + 4 */
#define VXLAN_MSS	1398
#define GRE_MSS		1424
#define VXLAN_PORT	4789

/* ---- stream.c */

/* Packets per stream for up to 1K flows (--budget). */
extern size_t budget;

/* The payload and the RSS hash every stream uses; once, first. Returns
 * 0, or an error of gro_rss_create(). */
int stream_init(void);
/* Build the stream of a cell: @kind K_*, @order O_*, @nflows flows; @quick
 * shortens it; @with_payload writes the payload bytes (checksums hold).
 * @dgram: K_UDP's datagram payload size (0: UDP_PAY4 / UDP_PAY6). */
void stream_build(struct stream *s, int kind, int v6, int order, uint32_t nflows,
		  int quick, int with_payload, uint32_t dgram);
void stream_free(struct stream *s);
/* Put back the header bytes the engines rewrote. */
void stream_restore(const struct stream *s);

struct flowinfo {
	uint32_t isn, ack, ts, rxhash;
};
/* The constants of flow @f: initial sequence number, ACK, timestamp. */
struct flowinfo flow_of(uint32_t f);

/* ---- util.c */

double now_ns(void);
/* Open the hardware instruction counter of this thread, if there is one. */
void instr_open(void);
/* User-space instructions retired so far, from the hardware counter; 0 if
 * this machine has none (see instr_open in util.c). */
uint64_t instr_read(void);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void *xmap(size_t n);
void *xcalloc(size_t n, size_t sz);
uint32_t mix32(uint32_t x);
int cmp_double(const void *a, const void *b);
/* The median of @v[0..n), n > 0, which it leaves sorted. */
double median(double *v, int n);
/* ns per add of a dependent chain: the pace the host gives this core now. */
double host_pace_ns(void);
/* The bench's own ones'-complement sum (big-endian 16-bit words), so that
 * checks never rely on the library's arithmetic. */
uint32_t sum16(const uint8_t *p, size_t n, uint32_t s);

static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
