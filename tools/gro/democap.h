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

/* Defaults: MACs 02:00:00:00:00:02 -> 02:00:00:00:00:01, 10.0.0.1 ->
 * 10.0.0.2 or fd00::1 -> fd00::2, ports 4000 -> 5000, seq 1000, ack 1, ACK,
 * window 1024, no payload. */
void dc_init(struct dc_frame *f, int ipv6);

/* Frames with pcap timestamps in microseconds, 1 us apart unless
 * dc_list_gap() leaves a pause. A zeroed struct is an empty list. */
struct dc_list {
	uint8_t **data;
	uint32_t *len;
	uint64_t *ts_us;
	size_t n, cap;
	uint64_t next_ts_us;
};

/* Build @f and append it (exits on out-of-memory). */
void dc_list_add(struct dc_list *l, const struct dc_frame *f);
void dc_list_gap(struct dc_list *l, uint64_t usec);
void dc_list_free(struct dc_list *l);

/* Write the list as an Ethernet pcap. Returns 0, or -1 with a message on
 * stderr. */
int dc_pcap_write(const char *path, const struct dc_list *l);

#endif
