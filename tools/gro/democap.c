// SPDX-License-Identifier: MIT
/* The demo capture's frames; see democap.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "democap.h"

#define TCP_HLEN	32	/* 20 + NOP NOP Timestamp */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Internet checksum over big-endian 16-bit words, folded as it goes. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* Payload byte at sequence number @seq: neighbours differ, and a segment
 * sent twice carries the same bytes. */
static uint8_t dc_pattern(uint32_t seq)
{
	return (uint8_t)((seq * 2654435761u) >> 24);
}

void dc_init(struct dc_frame *f, int ipv6)
{
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

	memset(f, 0, sizeof(*f));
	memcpy(f->dst_mac, dmac, 6);
	memcpy(f->src_mac, smac, 6);
	f->ipv6 = !!ipv6;
	f->saddr[0] = f->daddr[0] = ipv6 ? 0xfd : 10;
	f->saddr[ipv6 ? 15 : 3] = 1;
	f->daddr[ipv6 ? 15 : 3] = 2;
	f->sport = 4000;
	f->dport = 5000;
	f->seq = 1000;
	f->ack = 1;
	f->flags = DC_ACK;
	f->window = 1024;
}

static size_t dc_len(const struct dc_frame *f)
{
	return 14 + (f->ipv6 ? 40 : 20) + TCP_HLEN + f->payload_len;
}

/* Write @f at @buf, which holds dc_len(@f) bytes. */
static void dc_build(const struct dc_frame *f, uint8_t *buf)
{
	uint32_t l3len = f->ipv6 ? 40 : 20, l4len = TCP_HLEN + f->payload_len, i, sum;
	int alen = f->ipv6 ? 16 : 4;
	uint8_t *ip = buf + 14, *th = ip + l3len, pseudo[8] = { 0 };

	memset(buf, 0, dc_len(f));
	memcpy(buf, f->dst_mac, 6);
	memcpy(buf + 6, f->src_mac, 6);
	put16(buf + 12, f->ipv6 ? 0x86dd : 0x0800);
	if (f->ipv6) {
		put32(ip, 6u << 28);
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = 6;		/* TCP */
		ip[7] = 64;		/* hop limit */
		memcpy(ip + 8, f->saddr, 16);
		memcpy(ip + 24, f->daddr, 16);
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(l3len + l4len));
		put16(ip + 4, f->ip_id);
		put16(ip + 6, 0x4000);	/* DF */
		ip[8] = 64;		/* TTL */
		ip[9] = 6;
		memcpy(ip + 12, f->saddr, 4);
		memcpy(ip + 16, f->daddr, 4);
		put16(ip + 10, (uint16_t)~csum_add(0, ip, 20));
	}
	put16(th, f->sport);
	put16(th + 2, f->dport);
	put32(th + 4, f->seq);
	put32(th + 8, f->ack);
	th[12] = (TCP_HLEN / 4) << 4;
	th[13] = f->flags;
	put16(th + 14, f->window);
	th[20] = 1;			/* NOP */
	th[21] = 1;			/* NOP */
	th[22] = 8;			/* Timestamp */
	th[23] = 10;
	put32(th + 24, f->tsval);
	put32(th + 28, f->tsecr);
	for (i = 0; i < f->payload_len; i++)
		th[TCP_HLEN + i] = dc_pattern(f->seq + i);

	/* The pseudo-header's length and protocol words sum the same for
	 * IPv4 (zero, proto, 16-bit length) and IPv6 (32-bit length, nh). */
	put32(pseudo, l4len);
	pseudo[7] = 6;
	sum = csum_add(csum_add(csum_add(0, f->saddr, alen), f->daddr, alen), pseudo, 8);
	sum = (uint16_t)~csum_add(sum, th, l4len);
	if (f->bad_tcp_csum)
		sum += 1;
	put16(th + 16, (uint16_t)sum);
}

int dc_list_open(struct dc_list *l, const char *path)
{
	l->n = 0;
	l->next_ts_us = 0;
	return cap_writer_open(&l->w, path, CAP_PCAP, 0, NULL, NULL);
}

void dc_list_add(struct dc_list *l, const struct dc_frame *f)
{
	uint8_t buf[DC_MAX_FRAME];
	size_t len = dc_len(f);

	if (len > sizeof(buf)) {
		l->w.err = 1;
		return;
	}
	dc_build(f, buf);
	cap_writer_put(&l->w, LT_ETHERNET, l->next_ts_us++ * 1000, buf, (uint32_t)len, (uint32_t)len, NULL, 0);
	l->n++;
}

void dc_list_gap(struct dc_list *l, uint64_t usec)
{
	l->next_ts_us += usec;
}

int dc_list_close(struct dc_list *l)
{
	return cap_writer_commit(&l->w);
}
