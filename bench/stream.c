// SPDX-License-Identifier: MIT
/* The workloads: in-memory streams of TCP frames (and of UDP datagrams),
 * built once per cell, with the receive hash a NIC would give them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

static struct gro_rss *rss;
static uint8_t payload_block[2048];
static uint32_t payload_sum;	/* sum16 of the 1448/1428-byte payloads */
static uint32_t payload_sum6;

struct flowinfo flow_of(uint32_t f)
{
	struct flowinfo fi;

	fi.isn = mix32(f * 2 + 1);
	fi.ack = mix32(f ^ 0xabcdefu);
	fi.ts = mix32(f + 7);
	fi.rxhash = 0;
	return fi;
}

/* Build one TCP frame. @tflags are the TCP flags, @seq/@ack/@id the
 * varying fields, @plen the payload length. */
static uint32_t build_tcp(const struct stream *s, uint8_t *p, uint32_t f, uint8_t tflags,
			  uint32_t seq, uint32_t ack, uint16_t id, uint32_t tsval, uint32_t plen)
{
	uint32_t l3 = 14, l4, len, sum;
	uint8_t *ip = p + l3, *th;

	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

	memcpy(p, mac, 12);
	if (!s->v6) {
		put16(p + 12, 0x0800);
		l4 = l3 + 20;
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint16_t)(20 + 32 + plen));
		put16(ip + 4, id);
		put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 6;
		put16(ip + 10, 0);
		ip[12] = 10;
		ip[13] = (uint8_t)(16 + (f >> 16));
		ip[14] = (uint8_t)(f >> 8);
		ip[15] = (uint8_t)f;
		ip[16] = 192;
		ip[17] = 168;
		ip[18] = 0;
		ip[19] = 1;
		put16(ip + 10, (uint16_t)~sum16(ip, 20, 0));
	} else {
		put16(p + 12, 0x86dd);
		l4 = l3 + 40;
		put32(ip, 0x60000000u);
		put16(ip + 4, (uint16_t)(32 + plen));
		ip[6] = 6;
		ip[7] = 64;
		memset(ip + 8, 0, 32);
		put32(ip + 8, 0x20010db8);
		put32(ip + 20, f);
		put32(ip + 24, 0x20010db8);
		put32(ip + 28, 0xffff0000);
		put32(ip + 36, 1);
	}
	th = p + l4;
	put16(th, (uint16_t)(40000 + f % 20000));
	put16(th + 2, 5201);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 0x80;		/* 32-byte header */
	th[13] = tflags;
	put16(th + 14, 2048);
	put16(th + 16, 0);
	put16(th + 18, (tflags & 0x20) ? 1 : 0);
	th[20] = 1;
	th[21] = 1;
	th[22] = 8;
	th[23] = 10;
	put32(th + 24, tsval);
	put32(th + 28, 0x01020304);
	len = l4 + 32 + plen;

	/* TCP checksum: pseudo-header, header, payload. */
	if (!s->v6)
		sum = sum16(ip + 12, 8, 6 + 32 + plen);
	else
		sum = sum16(ip + 8, 32, 6 + 32 + plen);
	sum = sum16(th, 32, sum);
	if (plen == (s->v6 ? MSS6 : MSS4))
		sum += s->v6 ? payload_sum6 : payload_sum;
	else
		sum = sum16(payload_block, plen, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(th + 16, (uint16_t)~sum);
	if (plen && s->with_payload)
		memcpy(th + 32, payload_block, plen);
	return len;
}

/* The frame of segment @seg of flow @f inside the stream's tunnel: the
 * inner frame is built at in_l3 - 14 (for GRE its Ethernet header is then
 * written over), the outer headers in front. Outer IPv4 with DF, its ID
 * counting up per flow as a tunnel endpoint's does; VXLAN's outer UDP
 * checksum 0 (Linux's default over IPv4) and source port from the inner
 * flow, as Linux picks it; one outer address pair for every flow. */
static uint32_t build_tunnel(const struct stream *s, uint8_t *p, uint32_t f, uint32_t seg,
			     const struct flowinfo *fi, uint32_t tsval)
{
	uint32_t len = s->in_l3 - 14;
	uint8_t *ip = p + 14, *h = ip + 20;

	static const uint8_t mac[12] = { 2, 0, 0, 0, 1, 1, 2, 0, 0, 0, 1, 2 };

	len += build_tcp(s, p + len, f, 0x10, fi->isn + seg * s->mss, fi->ack,
			 (uint16_t)((fi->isn >> 16) + seg), tsval, s->mss);
	memcpy(p, mac, 12);
	put16(p + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(len - 14));
	put16(ip + 4, (uint16_t)((fi->ack >> 16) + seg));
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = s->kind == K_VXLAN ? 17 : 47;
	put16(ip + 10, 0);
	put32(ip + 12, 0xac100001);
	put32(ip + 16, 0xac100002);
	put16(ip + 10, (uint16_t)~sum16(ip, 20, 0));
	if (s->kind == K_VXLAN) {
		put16(h, (uint16_t)(49152 + mix32(f) % 16384));
		put16(h + 2, VXLAN_PORT);
		put16(h + 4, (uint16_t)(len - 34));
		put16(h + 6, 0);
		put32(h + 8, 0x08000000);
		put32(h + 12, 100 << 8);
	} else {
		put16(h, 0);
		put16(h + 2, 0x0800);
	}
	return len;
}

/* Build one UDP datagram of flow @f, the @n-th of its flow, with @plen
 * payload bytes: the flow and @n in the first 8, then the payload block's
 * bytes from offset 8. Returns the frame length. */
static uint32_t build_udp(const struct stream *s, uint8_t *p, uint32_t f, uint32_t n,
			  uint16_t id, uint32_t plen)
{
	uint32_t l3 = 14, l4, ulen = 8 + plen, sum;
	uint8_t *ip = p + l3, *uh, tag[8];

	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

	memcpy(p, mac, 12);
	if (!s->v6) {
		put16(p + 12, 0x0800);
		l4 = l3 + 20;
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint16_t)(20 + ulen));
		put16(ip + 4, id);
		put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 17;
		put16(ip + 10, 0);
		ip[12] = 10;
		ip[13] = (uint8_t)(16 + (f >> 16));
		ip[14] = (uint8_t)(f >> 8);
		ip[15] = (uint8_t)f;
		ip[16] = 192;
		ip[17] = 168;
		ip[18] = 0;
		ip[19] = 1;
		put16(ip + 10, (uint16_t)~sum16(ip, 20, 0));
	} else {
		put16(p + 12, 0x86dd);
		l4 = l3 + 40;
		put32(ip, 0x60000000u);
		put16(ip + 4, (uint16_t)ulen);
		ip[6] = 17;
		ip[7] = 64;
		memset(ip + 8, 0, 32);
		put32(ip + 8, 0x20010db8);
		put32(ip + 20, f);
		put32(ip + 24, 0x20010db8);
		put32(ip + 28, 0xffff0000);
		put32(ip + 36, 1);
	}
	uh = p + l4;
	put16(uh, (uint16_t)(40000 + f % 20000));
	put16(uh + 2, 443);
	put16(uh + 4, (uint16_t)ulen);
	put16(uh + 6, 0);
	put32(tag, f);
	put32(tag + 4, n);

	/* UDP checksum: pseudo-header, header, payload (never 0: a datagram
	 * without a checksum is not merged). */
	if (!s->v6)
		sum = sum16(ip + 12, 8, 17 + ulen);
	else
		sum = sum16(ip + 8, 32, 17 + ulen);
	sum = sum16(uh, 8, sum);
	sum = sum16(tag, 8, sum);
	sum = sum16(payload_block + 8, plen - 8, sum);
	sum = (uint16_t)~sum;
	put16(uh + 6, (uint16_t)(sum ? sum : 0xffff));
	if (s->with_payload) {
		memcpy(uh + 8, tag, 8);
		memcpy(uh + 16, payload_block + 8, plen - 8);
	}
	return l4 + ulen;
}

void stream_free(struct stream *s)
{
	if (s->buf)
		munmap(s->buf, s->npkts * s->stride);
	if (s->save)
		munmap(s->save, s->npkts * SAVE_LEN);
	free(s->fr);
	memset(s, 0, sizeof(*s));
}

void stream_restore(const struct stream *s)
{
	size_t i;

	for (i = 0; i < s->npkts; i++)
		memcpy(s->buf + i * s->stride, s->save + i * SAVE_LEN, SAVE_LEN);
}

static const char *order_name(int o) { return o == O_RUNS ? "runs" : "interleaved"; }

static void fmt_flows(char *b, size_t n, uint32_t f)
{
	if (f >= (1u << 20) && !(f % (1u << 20)))
		snprintf(b, n, "%uM", f >> 20);
	else if (f >= 1024 && !(f % 1024))
		snprintf(b, n, "%uK", f >> 10);
	else
		snprintf(b, n, "%u", f);
}

/* Packets per stream for up to 1K flows (--budget): a pool of 16K frames,
 * 24 MiB, about what a NIC's receive mempool holds. */
size_t budget = 16384;

static int quick_div(int quick) { return quick ? 8 : 1; }

/* Shape of a cell: how many segments per flow per poll and how many polls,
 * within a packet budget of about 256K per stream (2M for 1M flows). */
static void stream_shape(struct stream *s, int quick)
{
	uint32_t n = s->nflows;

	if (!kind_bulk(s->kind)) {
		s->k = 1;
		s->poll_len = 1024;
		s->npolls = (uint32_t)(budget / quick_div(quick) / s->poll_len);
		if (!s->npolls)
			s->npolls = 1;
		s->npkts = s->poll_len * s->npolls;
		return;
	}
	if (n <= 1024) {
		/* 64 segments per flow and poll (one 45-segment super-packet and
		 * a rest) up to 64 flows; 16 (all merged into one) at 1K flows,
		 * so that every flow is held at once within the budget. */
		s->k = n <= 64 ? 64 : 16;
		/* UDP datagrams smaller than usual: 130 per flow and poll, 64
		 * + 64 + 2 under Linux's cap of 64 per packet (any cap above
		 * 64 would give 2 packets or fewer). */
		if (s->kind == K_UDP && s->mss < (s->v6 ? UDP_PAY6 : UDP_PAY4) && n == 1)
			s->k = 130;
		s->npolls = (uint32_t)((budget / quick_div(quick)) / (n * s->k));
		if (!s->npolls)
			s->npolls = 1;
	} else if (n <= 65536) {
		s->k = 4;
		s->npolls = 1;
	} else {
		s->k = 2;
		s->npolls = 1;
	}
	s->poll_len = (size_t)n * s->k;
	s->npkts = s->poll_len * s->npolls;
}

static const struct { uint8_t flags; uint16_t plen; } mixed_types[8] = {
	{ 0x02, 0 },	/* SYN */
	{ 0x12, 0 },	/* SYN-ACK */
	{ 0x10, 0 },	/* pure ACK */
	{ 0x18, 100 },	/* PSH-ACK with data */
	{ 0x11, 0 },	/* FIN-ACK */
	{ 0x04, 0 },	/* RST */
	{ 0x30, 100 },	/* URG-ACK with data */
	{ 0x14, 0 },	/* RST-ACK */
};

static void put_frame(struct stream *s, size_t idx, uint32_t len)
{
	uint8_t *p = s->buf + idx * s->stride;
	struct gro_frame *fr = &s->fr[idx];

	fr->data = p;
	fr->len = len;
	fr->rxhash = gro_rss_frame(rss, p, len);	/* as the NIC would */
	fr->flags = 0;
	fr->cookie = (void *)(uintptr_t)idx;
	memcpy(s->save + idx * SAVE_LEN, p, SAVE_LEN);
}

/* UDP cells: @nflows flows, each sending k datagrams per poll, in order
 * (one flow) or round-robin interleaved, as the bulk TCP cells. */
static void build_udp_stream(struct stream *s, const char *fl)
{
	size_t idx = 0;
	uint32_t p, i, j, n;

	for (p = 0; p < s->npolls; p++) {
		uint32_t outer = s->order == O_RUNS ? s->nflows : s->k;
		uint32_t inner = s->order == O_RUNS ? s->k : s->nflows;

		for (i = 0; i < outer; i++)
			for (j = 0; j < inner; j++) {
				uint32_t fid = s->order == O_RUNS ? i : j;
				uint32_t seg = p * s->k + (s->order == O_RUNS ? j : i);
				struct flowinfo fi = flow_of(fid);
				uint32_t len;

				len = build_udp(s, s->buf + idx * s->stride, fid, seg,
						(uint16_t)((fi.isn >> 16) + seg), s->mss);
				put_frame(s, idx++, len);
			}
	}
	/* Linux's limits per packet: 64 datagrams, and 64 KiB after the
	 * Ethernet header (IP header + UDP header + payloads < 65536). */
	n = (65535 - (s->hdr - 14)) / s->mss;
	s->seg_max = n < UDP_SEGS_MAX ? n : UDP_SEGS_MAX;
	s->expect_out = (uint64_t)s->npolls * s->nflows * ((s->k + s->seg_max - 1) / s->seg_max);
	s->payload_bytes = (uint64_t)s->npkts * s->mss;
	if (s->nflows == 1)
		snprintf(s->name, sizeof(s->name), "%s UDP %u, 1 flow in order",
			 s->v6 ? "v6" : "v4", s->mss);
	else
		snprintf(s->name, sizeof(s->name), "%s UDP %u, %s flows %s", s->v6 ? "v6" : "v4",
			 s->mss, fl, order_name(s->order));
	snprintf(s->id, sizeof(s->id), "%s-udp%u-%s-%u", s->v6 ? "v6" : "v4", s->mss,
		 s->nflows == 1 ? "inorder" : s->order == O_RUNS ? "runs" : "il", s->nflows);
}

void stream_build(struct stream *s, int kind, int v6, int order, uint32_t nflows,
			 int quick, int with_payload, uint32_t dgram)
{
	char fl[16];
	size_t idx = 0, i;
	uint32_t p, f, j;

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->v6 = v6;
	s->order = order;
	s->nflows = nflows;
	s->with_payload = with_payload;
	s->mss = kind == K_BULK ? (v6 ? MSS6 : MSS4) : 0;
	s->hdr = v6 ? HDR6 : HDR4;
	s->in_l3 = 14;
	s->seg_max = MAX_SEGS;
	if (kind_tunnel(kind)) {
		if (v6)
			die("tunnel streams are IPv4 in IPv4");
		s->in_l3 = kind == K_VXLAN ? VXLAN_L3 : GRE_L3;
		s->mss = kind == K_VXLAN ? VXLAN_MSS : GRE_MSS;
		s->hdr = s->in_l3 + 20 + 32;
		/* Linux's 64 KiB: everything after the outer Ethernet header. */
		s->seg_max = (65535 - (s->hdr - 14)) / s->mss;
	}
	if (kind == K_UDP) {
		s->mss = dgram ? dgram : v6 ? UDP_PAY6 : UDP_PAY4;
		s->hdr = v6 ? UDPHDR6 : UDPHDR4;
		if (s->mss < 8 || s->mss > 1536 - s->hdr)
			die("UDP datagram size %u: 8 to %u", s->mss, 1536 - s->hdr);
	}
	stream_shape(s, quick);
	s->stride = kind_bulk(kind) ? 1536 : kind == K_ACKS ? 128 : 256;
	s->buf = xmap(s->npkts * s->stride);
	s->save = xmap(s->npkts * SAVE_LEN);
	s->fr = xcalloc(s->npkts, sizeof(*s->fr));

	fmt_flows(fl, sizeof(fl), nflows);
	if (kind == K_UDP) {
		build_udp_stream(s, fl);
	} else if (kind_bulk(kind)) {
		const char *what = kind == K_VXLAN ? "VXLAN" : kind == K_GRE ? "GRE" : "bulk";
		const char *wid = kind == K_VXLAN ? "vxlan" : kind == K_GRE ? "gre" : "bulk";

		for (p = 0; p < s->npolls; p++) {
			uint32_t outer = order == O_RUNS ? nflows : s->k;
			uint32_t inner = order == O_RUNS ? s->k : nflows;

			for (i = 0; i < outer; i++)
				for (j = 0; j < inner; j++) {
					uint32_t fid = order == O_RUNS ? (uint32_t)i : j;
					uint32_t seg = p * s->k + (order == O_RUNS ? j : (uint32_t)i);
					struct flowinfo fi = flow_of(fid);
					uint32_t len;

					if (kind_tunnel(kind))
						len = build_tunnel(s, s->buf + idx * s->stride, fid, seg,
								   &fi, fi.ts + p);
					else
						len = build_tcp(s, s->buf + idx * s->stride, fid, 0x10,
								fi.isn + seg * s->mss, fi.ack,
								(uint16_t)((fi.isn >> 16) + seg), fi.ts + p,
								s->mss);
					put_frame(s, idx++, len);
				}
		}
		s->expect_out = (uint64_t)s->npolls * nflows * ((s->k + s->seg_max - 1) / s->seg_max);
		s->payload_bytes = (uint64_t)s->npkts * s->mss;
		if (nflows == 1)
			snprintf(s->name, sizeof(s->name), "%s %s, 1 flow in order", v6 ? "v6" : "v4", what);
		else
			snprintf(s->name, sizeof(s->name), "%s %s, %s flows %s", v6 ? "v6" : "v4", what, fl,
				 order_name(order));
		snprintf(s->id, sizeof(s->id), "%s-%s-%s-%u", v6 ? "v6" : "v4", wid,
			 nflows == 1 ? "inorder" : order == O_RUNS ? "runs" : "il", nflows);
	} else {
		uint32_t *nsent = xcalloc(nflows, sizeof(*nsent));

		for (idx = 0; idx < s->npkts; idx++) {
			struct flowinfo fi;
			uint32_t n, len;

			f = (uint32_t)(idx % nflows);
			fi = flow_of(f);
			n = nsent[f]++;
			if (kind == K_ACKS) {
				len = build_tcp(s, s->buf + idx * s->stride, f, 0x10, fi.isn,
						fi.ack + n * 1448, (uint16_t)((fi.isn >> 16) + n), fi.ts, 0);
			} else {
				uint32_t t = (n + f) % 8;

				len = build_tcp(s, s->buf + idx * s->stride, f, mixed_types[t].flags,
						fi.isn + n * 100, fi.ack, (uint16_t)((fi.isn >> 16) + n),
						fi.ts, mixed_types[t].plen);
				s->payload_bytes += mixed_types[t].plen;
			}
			put_frame(s, idx, len);
		}
		free(nsent);
		s->expect_out = s->npkts;
		snprintf(s->name, sizeof(s->name), "v4 %s, %s flows",
			 kind == K_ACKS ? "pure ACKs" : "mixed flags", fl);
		snprintf(s->id, sizeof(s->id), "v4-%s-%u", kind == K_ACKS ? "acks" : "mixed", nflows);
	}
}

/* The payload bytes every stream carries, and the NIC's hash. */
int stream_init(void)
{
	int i;

	for (i = 0; i < 2048; i++)
		payload_block[i] = (uint8_t)mix32((uint32_t)i + 99);
	payload_sum = sum16(payload_block, MSS4, 0);
	payload_sum6 = sum16(payload_block, MSS6, 0);
	return gro_rss_create(NULL, 0, &rss);
}
