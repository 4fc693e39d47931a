// SPDX-License-Identifier: MIT
/*
 * roundtrip: GRO and back again, with nothing but libgro and memory.
 *
 * A NIC hands the host a poll's worth of frames. Here they are built in
 * memory: six segments of one TCP/IPv4 flow (the last with PSH, as the end
 * of an application write), four segments of a second flow that simply
 * stops, and a pure ACK, interleaved as they would arrive. They go to
 * gro_receive() in one burst, and gro_flush() ends the poll, as a driver's
 * napi_complete_done() does.
 *
 * The deliver hook prints every packet the engine hands up: the ACK as it
 * arrived, the first flow as one super-packet as soon as its PSH segment
 * is merged, the second as another when the poll ends. It cuts each
 * super-packet back with gro_segment() and compares the segments with the
 * frames that went in, byte for byte; the release hook checks that every
 * buffer comes back exactly once.
 *
 * Build against an installed libgro:
 *
 *	cc -o roundtrip roundtrip.c $(pkg-config --cflags --libs libgro)
 */
#include <gro.h>
#include <stdio.h>
#include <string.h>

#define MSS		1448			/* payload bytes per full segment */
#define HDR_LEN		(14 + 20 + 20)		/* Ethernet, IPv4, TCP without options */
#define FRAME_MAX	(HDR_LEN + MSS)
#define NFRAMES_MAX	16

#define TCP_PSH		0x08
#define TCP_ACK		0x10

/* One direction of a TCP connection: what the next segment carries. */
struct flow {
	uint8_t src_mac[6], dst_mac[6];
	uint8_t saddr[4], daddr[4];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t ip_id;
};

/*
 * The buffers handed to libgro, as a driver's receive ring would hold
 * them, and a copy of each frame as built: libgro completes the headers of
 * the first frame of a super-packet in place (IP length and checksum, the
 * TCP checksum seed), so the comparison needs the originals.
 */
static uint8_t ring[NFRAMES_MAX][FRAME_MAX];
static uint8_t orig[NFRAMES_MAX][FRAME_MAX];
static uint32_t orig_len[NFRAMES_MAX];
static unsigned nframes;

/* What the hooks saw. */
static unsigned frames_back;		/* frames given back unchanged */
static unsigned frames_wrong;		/* frames given back different, or lost */
static unsigned released[NFRAMES_MAX];

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

/* The Internet checksum as a header field holds it: the sum of the bytes,
 * folded and inverted. gro_csum_fold() returns it in host order. */
static uint16_t csum_field(uint64_t sum)
{
	return (uint16_t)~gro_csum_fold(sum);
}

/*
 * Append the next segment of @f, with @payload bytes and TCP flags @flags,
 * to the ring, with correct checksums (libgro verifies them by default, as
 * Linux does for frames the NIC did not check), and advance the flow.
 */
static void add_segment(struct flow *f, uint32_t payload, uint8_t flags)
{
	uint8_t *p = orig[nframes], *ip = p + 14, *th = ip + 20;
	uint8_t pseudo[12];
	uint64_t sum;
	uint32_t i;

	memcpy(p, f->dst_mac, 6);
	memcpy(p + 6, f->src_mac, 6);
	put16(p + 12, 0x0800);			/* IPv4 */

	ip[0] = 0x45;				/* version 4, 20-byte header */
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(20 + 20 + payload));
	put16(ip + 4, f->ip_id++);		/* the ID counts up, as Linux sends it */
	put16(ip + 6, 0x4000);			/* DF */
	ip[8] = 64;
	ip[9] = 6;				/* TCP */
	put16(ip + 10, 0);
	memcpy(ip + 12, f->saddr, 4);
	memcpy(ip + 16, f->daddr, 4);
	put16(ip + 10, csum_field(gro_csum_add(0, ip, 20)));

	put16(th, f->sport);
	put16(th + 2, f->dport);
	put32(th + 4, f->seq);
	put32(th + 8, f->ack);
	th[12] = 5 << 4;			/* 20-byte header */
	th[13] = flags;
	put16(th + 14, 502);			/* window */
	put16(th + 16, 0);
	put16(th + 18, 0);
	/* Payload bytes that differ from segment to segment, so that a
	 * segment put back in the wrong place would not compare equal. */
	for (i = 0; i < payload; i++)
		th[20 + i] = (uint8_t)((f->seq + i) * 7 + f->sport);

	/* TCP checksum: the pseudo-header, then the TCP header and payload. */
	memcpy(pseudo, f->saddr, 4);
	memcpy(pseudo + 4, f->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = 6;
	put16(pseudo + 10, (uint16_t)(20 + payload));
	sum = gro_csum_add(0, pseudo, sizeof(pseudo));
	put16(th + 16, csum_field(gro_csum_add(sum, th, 20 + payload)));

	f->seq += payload;
	orig_len[nframes] = HDR_LEN + payload;
	memcpy(ring[nframes], p, orig_len[nframes]);
	nframes++;
}

/* The frame a span of a delivered packet lies in: its cookie is the ring
 * index (see main). */
static unsigned frame_of(const struct gro_seg *s)
{
	return (unsigned)(uintptr_t)s->cookie;
}

/* Cut super-packet @p back into segments and compare each with the frame
 * it was made of: segs[0] of a super-packet is the first frame, and each
 * further span the payload of one more frame, in order. */
static void check_super(const struct gro_pkt *p)
{
	/* Every segment gets a copy of the headers: gso_segs * hdr_len + len
	 * bytes are always enough for what GRO delivers. */
	static uint8_t buf[NFRAMES_MAX * HDR_LEN + NFRAMES_MAX * FRAME_MAX];
	struct gro_seg segs[NFRAMES_MAX];
	unsigned same = 0, k;
	int n;

	n = gro_segment(p, buf, sizeof(buf), segs, NFRAMES_MAX);
	if (n < 0) {
		printf("  gro_segment: %s\n", gro_strerror(n));
		frames_wrong += p->nsegs;
		return;
	}
	for (k = 0; k < (unsigned)n && k < p->nsegs; k++) {
		unsigned idx = frame_of(&p->segs[k]);

		if (segs[k].len == orig_len[idx] && !memcmp(segs[k].data, orig[idx], segs[k].len))
			same++;
	}
	frames_back += same;
	frames_wrong += p->nsegs - same;
	printf("  gro_segment: %d segments, %u of them identical to the frames that went in\n",
	       n, same);
}

/* The deliver hook: completed packets, in the order Linux completes them.
 * They and their spans are valid only during the call. */
static void deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < n; i++) {
		const struct gro_pkt *p = &pkts[i];

		if (p->gso_segs == 1) {
			unsigned idx = frame_of(&p->segs[0]);
			int same = p->len == orig_len[idx] && !memcmp(p->data, orig[idx], p->len);

			printf("packet: %u bytes, passed through as it arrived (reason %s)\n",
			       p->len, gro_reason_name(p->reason));
			frames_back += same;
			frames_wrong += !same;
			continue;
		}
		printf("super-packet: %u bytes, %u segments, gso_size %u, %s, completed by %s\n",
		       p->len, p->gso_segs, p->gso_size,
		       p->gso_type & GRO_GSO_TCPV6 ? "TCP/IPv6" : "TCP/IPv4",
		       gro_reason_name(p->reason));
		check_super(p);
	}
}

/* The release hook: libgro is done with a frame; its buffer is ours again
 * (a driver would put it back on its receive ring). */
static void release(void *arg, void *cookie)
{
	unsigned idx = (unsigned)(uintptr_t)cookie;

	(void)arg;
	if (idx < NFRAMES_MAX)
		released[idx]++;
}

int main(void)
{
	struct flow a = {
		.src_mac = { 0x02, 0, 0, 0, 0, 0x01 }, .dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
		.saddr = { 192, 0, 2, 1 }, .daddr = { 192, 0, 2, 2 },
		.sport = 443, .dport = 50001, .seq = 1000000, .ack = 5000, .ip_id = 100,
	};
	struct flow b = a, ack = a;
	struct gro_frame frames[NFRAMES_MAX];
	struct gro_config cfg;
	struct gro_stats st;
	struct gro_ctx *gro;
	unsigned i, once = 0;
	int err;

	/* A second connection from the same server, and the client's ACKs
	 * of the first. */
	b.dport = 50002;
	b.seq = 7000000;
	b.ip_id = 900;
	memcpy(ack.src_mac, a.dst_mac, 6);
	memcpy(ack.dst_mac, a.src_mac, 6);
	memcpy(ack.saddr, a.daddr, 4);
	memcpy(ack.daddr, a.saddr, 4);
	ack.sport = a.dport;
	ack.dport = a.sport;
	ack.seq = a.ack;
	ack.ack = a.seq + 3 * MSS;
	ack.ip_id = 30;

	/* As they arrive: the flows interleaved, an ACK in between. */
	add_segment(&a, MSS, TCP_ACK);
	add_segment(&a, MSS, TCP_ACK);
	add_segment(&a, MSS, TCP_ACK);
	add_segment(&b, MSS, TCP_ACK);
	add_segment(&b, MSS, TCP_ACK);
	add_segment(&ack, 0, TCP_ACK);
	add_segment(&a, MSS, TCP_ACK);
	add_segment(&a, MSS, TCP_ACK);
	add_segment(&b, MSS, TCP_ACK);
	add_segment(&b, MSS, TCP_ACK);
	add_segment(&a, 600, TCP_ACK | TCP_PSH);

	printf("libgro %s (built with the header of %d.%d.%d)\n", gro_version_string(),
	       GRO_VERSION_MAJOR, GRO_VERSION_MINOR, GRO_VERSION_PATCH);

	gro_config_init(&cfg);		/* Linux's defaults */
	cfg.deliver = deliver;
	cfg.release = release;
	err = gro_create(&cfg, &gro);
	if (err != GRO_OK) {
		fprintf(stderr, "gro_create: %s: %s\n", gro_strerror(err), gro_config_error());
		return 1;
	}

	/* The cookie is anything that finds the buffer again: here its index. */
	for (i = 0; i < nframes; i++)
		frames[i] = (struct gro_frame){
			.data = ring[i], .len = orig_len[i], .cookie = (void *)(uintptr_t)i,
		};
	printf("%u frames in, one poll\n", nframes);
	gro_receive(gro, frames, nframes, 0);
	printf("end of the poll\n");
	gro_flush(gro, 0, GRO_FLUSH_ALL);

	gro_get_stats(gro, &st);
	gro_destroy(gro);

	for (i = 0; i < nframes; i++)
		once += released[i] == 1;
	printf("engine: %llu frames in, %llu packets out, %llu super-packets holding %llu segments\n",
	       (unsigned long long)st.frames_in, (unsigned long long)st.pkts_out,
	       (unsigned long long)st.super_pkts, (unsigned long long)st.segs_merged);
	if (frames_back == nframes && !frames_wrong && once == nframes) {
		printf("round trip exact: %u frames in, %u given back byte for byte, every buffer released once\n",
		       nframes, frames_back);
		return 0;
	}
	printf("round trip NOT exact: %u frames in, %u given back byte for byte, %u different or lost, %u buffers released once\n",
	       nframes, frames_back, frames_wrong, once);
	return 1;
}
