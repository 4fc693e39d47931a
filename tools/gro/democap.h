/* SPDX-License-Identifier: MIT */
/*
 * The frames of `gro demo`: Ethernet + IPv4 (DF, no options) or IPv6 (no
 * extension headers) + TCP with a timestamp option, and a list of them
 * written as a pcap. Just what the demo capture needs; the tests have their
 * own, general builder.
 */
#ifndef GRO_DEMOCAP_H
#define GRO_DEMOCAP_H

#include <stddef.h>
#include <stdint.h>

#include "capfile.h"

#define DC_PSH	0x08
#define DC_ACK	0x10

struct dc_frame {
	uint8_t dst_mac[6], src_mac[6];
	int ipv6;
	uint8_t saddr[16], daddr[16];	/* IPv4 uses the first 4 bytes */
	uint16_t ip_id;			/* IPv4 only */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;			/* DC_* */
	uint16_t window;
	uint32_t tsval, tsecr;		/* the timestamp option */
	uint32_t payload_len;		/* bytes dc_pattern(seq + i) */
	int bad_tcp_csum;		/* store the right checksum + 1 */
};

/* Frames are at most this long (MTU-sized segments). */
#define DC_MAX_FRAME 2048

/* Defaults: MACs 02:00:00:00:00:02 -> 02:00:00:00:00:01, 10.0.0.1 ->
 * 10.0.0.2 or fd00::1 -> fd00::2, ports 4000 -> 5000, seq 1000, ack 1, ACK,
 * window 1024, no payload. */
void dc_init(struct dc_frame *f, int ipv6);

/* The demo capture being written: frames with timestamps in microseconds,
 * 1 us apart unless dc_list_gap() leaves a pause, through the tool's own
 * capture writer (capfile.h). */
struct dc_list {
	struct cap_writer w;
	size_t n;
	uint64_t next_ts_us;
};

/* Start writing the pcap @path: 0, or 1 after printing an error. */
int dc_list_open(struct dc_list *l, const char *path);
/* Build @f and write it. */
void dc_list_add(struct dc_list *l, const struct dc_frame *f);
void dc_list_gap(struct dc_list *l, uint64_t usec);
/* Finish the file: 0, or 1 after printing an error (nothing is left). */
int dc_list_close(struct dc_list *l);

#endif
