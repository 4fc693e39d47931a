/* UDP GRO (L4 and fraglist), TCP fraglist and BIG TCP: the rules of
 * udp_gro_receive_segment, tcp_gro_receive's list path and skb_gro_receive's
 * size limits, and segmentation back to the frames that arrived. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define DLEN 1000

/* A UDP datagram of @dlen payload bytes, stream position @pos (the bytes
 * differ per datagram), as a pb_frame whose payload is the UDP header and
 * data; pktbuild fills in the checksum. */
struct udp_dgram {
	struct pb_frame f;
	uint8_t l4[9000];
};

static void udp_init(struct udp_dgram *d, int ipv6, uint32_t dlen, uint32_t pos)
{
	uint32_t i;

	pb_init(&d->f, ipv6);
	d->f.ip_proto = 17;
	d->l4[0] = 0x0f;	/* ports 4000 -> 5000 */
	d->l4[1] = 0xa0;
	d->l4[2] = 0x13;
	d->l4[3] = 0x88;
	d->l4[4] = (uint8_t)((dlen + 8) >> 8);
	d->l4[5] = (uint8_t)(dlen + 8);
	d->l4[6] = d->l4[7] = 0;
	for (i = 0; i < dlen; i++)
		d->l4[8 + i] = pb_pattern(pos + i);
	d->f.payload = d->l4;
	d->f.payload_len = dlen + 8;
}

/* Add datagram @d, then make it the next one: ID + 1, new bytes. */
static int add_dgram(struct h *h, struct udp_dgram *d, uint32_t *pos)
{
	uint32_t dlen = d->f.payload_len - 8, i;
	int k = h_add(h, &d->f);

	*pos += dlen;
	for (i = 0; i < dlen; i++)
		d->l4[8 + i] = pb_pattern(*pos + i);
	d->f.ip_id++;
	return k;
}

static void udp_resize(struct udp_dgram *d, uint32_t dlen)
{
	d->l4[4] = (uint8_t)((dlen + 8) >> 8);
	d->l4[5] = (uint8_t)(dlen + 8);
	d->f.payload_len = dlen + 8;
}

static struct h *open_udp(uint32_t mode)
{
	struct gro_config cfg;

	h_config(&cfg);
	cfg.udp = mode;
	return h_open(&cfg);
}

/* The UDP checksum of frame bytes @p verifies (pseudo header included). */
static int udp_csum_ok(const uint8_t *p, uint32_t len, uint32_t l3, uint32_t l4, int v6)
{
	uint64_t sum = 0;
	uint32_t i, l4len = len - l4;

	if (v6)
		for (i = 0; i < 32; i += 2)
			sum += h_rd16(p + l3 + 8 + i);
	else
		for (i = 0; i < 8; i += 2)
			sum += h_rd16(p + l3 + 12 + i);
	sum += 17 + l4len;
	for (i = 0; i + 1 < l4len; i += 2)
		sum += h_rd16(p + l4 + i);
	if (i < l4len)
		sum += (uint32_t)p[l4 + i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* The folded (not complemented) UDP pseudo-header sum. */
static uint16_t udp_seed(const uint8_t *iph, int v6, uint32_t l4len)
{
	uint64_t sum = 17 + (l4len & 0xffff) + (l4len >> 16);
	uint32_t i;

	for (i = 0; i < (v6 ? 32u : 8u); i += 2)
		sum += h_rd16(iph + (v6 ? 8 : 12) + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

Test(udp, off_passes_datagrams_through)
{
	struct h *h = open_udp(GRO_UDP_OFF);
	struct udp_dgram d;
	uint32_t pos = 0;
	int i;

	udp_init(&d, 0, DLEN, pos);
	for (i = 0; i < 4; i++)
		add_dgram(h, &d, &pos);
	h_run(h);
	h_expect_npkt(h, 4, "udp off: nothing merges");
	for (i = 0; i < 4; i++) {
		h_expect_as_is(h, (size_t)i, i, "udp off: as is");
		h_expect_reason(h, (size_t)i, GRO_R_UNHANDLED, "udp off: unhandled");
	}
	h_close(h);
}

static void equal_datagrams_merge(uint32_t mode, int v6)
{
	struct h *h = open_udp(mode);
	struct udp_dgram d;
	const struct h_pkt *p;
	uint32_t pos = 0, l3 = 14, l4 = v6 ? 54 : 34;
	int i;

	udp_init(&d, v6, DLEN, pos);
	for (i = 0; i < 4; i++)
		add_dgram(h, &d, &pos);
	h_run(h);
	h_expect_npkt(h, 1, "udp: equal datagrams merge");
	h_expect_merged(h, 0, 0, 4, "udp: equal datagrams merge");
	h_expect_reason(h, 0, GRO_R_POLL_END, "udp: held until the poll ends");
	p = h_pkt(h, 0);
	cr_assert_eq(p->gso_size, DLEN, "udp: gso_size is the first datagram's payload");
	cr_assert_eq(p->gso_segs, 4);
	cr_assert_eq(p->l4_off, l4);
	cr_assert_eq(p->hdr_len, l4 + 8);
	cr_assert_eq(h_rd16(p->raw + l4 + 4), 4 * DLEN + 8, "udp: the UDP length covers the packet");
	if (mode == GRO_UDP_L4) {
		cr_assert_eq(p->gso_type, GRO_GSO_UDP_L4);
		cr_assert(p->csum_partial, "udp l4: CHECKSUM_PARTIAL");
		cr_assert_eq(p->csum_start, l4);
		cr_assert_eq(p->csum_offset, 6);
		cr_assert_eq(h_rd16(p->raw + l4 + 6), udp_seed(p->raw + l3, v6, 4 * DLEN + 8),
			     "udp l4: the checksum field holds a pseudo-header seed");
		cr_assert(udp_csum_ok(p->fixed, p->len, l3, l4, v6),
			  "udp l4: the finished checksum verifies");
	} else {
		cr_assert_eq(p->gso_type, GRO_GSO_UDP_L4 | GRO_GSO_FRAGLIST);
		cr_assert(!p->csum_partial, "udp fraglist: checksums as they arrived");
		cr_assert_eq(h_rd16(p->raw + l4 + 6), h_rd16(h_frame(h, 0) + l4 + 6),
			     "udp fraglist: the head's checksum untouched");
	}
	if (!v6) {
		cr_assert_eq(h_rd16(p->raw + l3 + 2), p->len - l3, "udp: IPv4 tot_len fixed");
		cr_assert(h_ipv4_csum_ok(p->raw + l3));
	} else {
		cr_assert_eq(h_rd16(p->raw + l3 + 4), p->len - l3 - 40, "udp: IPv6 payload_len fixed");
	}
	h_close(h);
}

Test(udp, l4_equal_datagrams_merge_v4) { equal_datagrams_merge(GRO_UDP_L4, 0); }
Test(udp, l4_equal_datagrams_merge_v6) { equal_datagrams_merge(GRO_UDP_L4, 1); }
Test(udp, fraglist_equal_datagrams_merge_v4) { equal_datagrams_merge(GRO_UDP_FRAGLIST, 0); }
Test(udp, fraglist_equal_datagrams_merge_v6) { equal_datagrams_merge(GRO_UDP_FRAGLIST, 1); }

Test(udp, shorter_datagram_joins_and_ends)
{
	struct h *h = open_udp(GRO_UDP_L4);
	struct udp_dgram d;
	uint32_t pos = 0;

	udp_init(&d, 0, DLEN, pos);
	add_dgram(h, &d, &pos);
	add_dgram(h, &d, &pos);
	udp_resize(&d, 300);
	add_dgram(h, &d, &pos);
	udp_resize(&d, DLEN);
	add_dgram(h, &d, &pos);
	h_run(h);
	h_expect_npkt(h, 2, "udp: a shorter datagram ends the packet");
	h_expect_merged(h, 0, 0, 3, "udp: the shorter datagram joins");
	h_expect_reason(h, 0, GRO_R_SHORT, "udp: ended by the short one");
	h_expect_as_is(h, 1, 3, "udp: the next starts a flow");
	h_close(h);
}

Test(udp, longer_datagram_ends_and_starts_next)
{
	struct h *h = open_udp(GRO_UDP_L4);
	struct udp_dgram d;
	uint32_t pos = 0;

	udp_init(&d, 0, DLEN, pos);
	add_dgram(h, &d, &pos);
	add_dgram(h, &d, &pos);
	udp_resize(&d, DLEN + 1);
	add_dgram(h, &d, &pos);
	add_dgram(h, &d, &pos);
	h_run(h);
	h_expect_npkt(h, 2, "udp: a longer datagram ends the packet");
	h_expect_merged(h, 0, 0, 2, "udp: the longer one does not join");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "udp: a longer datagram is a mismatch");
	h_expect_merged(h, 1, 2, 2, "udp: the longer one starts the next packet");
	h_close(h);
}

/* A frame that udp_gro_receive_segment refuses before it looks at the
 * flows goes up as is and leaves the held flow alone. */
static void refused_leaves_flow(void (*tweak)(struct udp_dgram *), enum gro_reason r,
				const char *rule)
{
	struct h *h = open_udp(GRO_UDP_L4);
	struct udp_dgram d, x;
	uint32_t pos = 0, xpos = 50000;
	int k;

	udp_init(&d, 0, DLEN, pos);
	add_dgram(h, &d, &pos);
	add_dgram(h, &d, &pos);
	x = d;
	x.f.payload = x.l4;
	tweak(&x);
	k = add_dgram(h, &x, &xpos);
	add_dgram(h, &d, &pos);
	add_dgram(h, &d, &pos);
	h_run(h);
	h_expect_npkt(h, 2, rule);
	h_expect_as_is(h, 0, k, rule);
	h_expect_reason(h, 0, r, rule);
	{
		int idx[4] = { 0, 1, 3, 4 };

		h_expect_frames(h, 1, idx, 4, rule);
	}
	h_close(h);
}

static void bad_csum(struct udp_dgram *d) { d->f.bad_tcp_csum = 1; }
static void padded(struct udp_dgram *d) { d->f.pad = 6; }
static void empty(struct udp_dgram *d) { udp_resize(d, 0); }

Test(udp, bad_checksum_as_is_flow_untouched)
{
	refused_leaves_flow(bad_csum, GRO_R_L4_CSUM, "udp: a bad checksum is not merged");
}

Test(udp, padding_as_is_flow_untouched)
{
	refused_leaves_flow(padded, GRO_R_IP_LEN, "udp: a padded frame is not merged");
}

Test(udp, empty_datagram_as_is_flow_untouched)
{
	refused_leaves_flow(empty, GRO_R_NO_PAYLOAD, "udp: an empty datagram is not merged");
}

Test(udp, zero_checksum_never_merges)
{
	uint32_t modes[2] = { GRO_UDP_L4, GRO_UDP_FRAGLIST }, m;

	for (m = 0; m < 2; m++) {
		struct h *h = open_udp(modes[m]);
		uint8_t b[2][2048];
		struct udp_dgram d;
		uint32_t pos = 0;
		size_t len[2];
		int i;

		udp_init(&d, 0, DLEN, pos);
		for (i = 0; i < 2; i++) {
			len[i] = pb_build(&d.f, b[i], sizeof(b[i]));
			b[i][14 + 20 + 6] = b[i][14 + 20 + 7] = 0;	/* no checksum */
			h_add_bytes(h, b[i], len[i]);
			d.f.ip_id++;
		}
		h_run(h);
		h_expect_npkt(h, 2, "udp: a zero checksum never merges");
		h_expect_as_is(h, 0, 0, "udp: zero checksum");
		h_expect_reason(h, 0, GRO_R_L4_CSUM, "udp: zero checksum");
		h_close(h);
	}
}

Test(udp, ip_field_change_ends_packet)
{
	struct h *h = open_udp(GRO_UDP_L4);
	struct udp_dgram d;
	uint32_t pos = 0;

	udp_init(&d, 0, DLEN, pos);
	add_dgram(h, &d, &pos);
	add_dgram(h, &d, &pos);
	d.f.ttl--;
	add_dgram(h, &d, &pos);
	h_run(h);
	h_expect_npkt(h, 2, "udp: a TTL change ends the packet");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "udp: TTL");
	h_close(h);
}

static void count_limit(uint32_t mode)
{
	struct h *h = open_udp(mode);
	struct udp_dgram d;
	uint32_t pos = 0;
	int i;

	udp_init(&d, 0, 100, pos);
	for (i = 0; i < 70; i++)
		add_dgram(h, &d, &pos);
	h_run(h);
	h_expect_npkt(h, 2, "udp: at most 64 datagrams a packet");
	h_expect_merged(h, 0, 0, 64, "udp: UDP_GRO_CNT_MAX");
	h_expect_reason(h, 0, GRO_R_SIZE, "udp: 64 segments is a size limit");
	h_expect_merged(h, 1, 64, 6, "udp: the rest");
	h_close(h);
}

Test(udp, l4_at_most_64_datagrams) { count_limit(GRO_UDP_L4); }
Test(udp, fraglist_at_most_64_datagrams) { count_limit(GRO_UDP_FRAGLIST); }

/* skb_gro_receive_list counts the whole joining frame, headers too: with
 * 1637-byte datagrams (40 of them are 65480 bytes) L4 GRO takes 40, 28 +
 * 40 x 1637 bytes after the Ethernet header, but a list stops at 39: the
 * 40th, 1665 bytes whole, would take it to 65536. */
Test(udp, fraglist_limit_counts_headers)
{
	uint32_t modes[2] = { GRO_UDP_L4, GRO_UDP_FRAGLIST }, m;
	int want[2] = { 40, 39 };

	for (m = 0; m < 2; m++) {
		struct h *h = open_udp(modes[m]);
		struct udp_dgram d;
		uint32_t pos = 0;
		int i;

		udp_init(&d, 0, 1637, pos);
		for (i = 0; i < 50; i++)
			add_dgram(h, &d, &pos);
		h_run(h);
		h_expect_merged(h, 0, 0, want[m], "udp: the 64 KiB limit of each mode");
		h_expect_reason(h, 0, GRO_R_SIZE, "udp: size");
		h_close(h);
	}
}

/* Segmenting what was merged gives back the frames that arrived. */
static void segment_round_trip(uint32_t mode, int v6)
{
	struct h *h = open_udp(mode);
	struct udp_dgram d;
	uint32_t pos = 0, k;
	const struct h_pkt *p;
	struct gro_pkt pkt;
	struct gro_seg in, out[16];
	static uint8_t buf[65536];
	int n, i;

	udp_init(&d, v6, 700, pos);
	for (i = 0; i < 5; i++)
		add_dgram(h, &d, &pos);
	udp_resize(&d, 123);
	add_dgram(h, &d, &pos);
	h_run(h);
	h_expect_merged(h, 0, 0, 6, "udp gso: merged");
	p = h_pkt(h, 0);
	h_pkt_gro(p, &pkt, &in);
	n = gro_segment(&pkt, buf, sizeof(buf), out, 16);
	cr_assert_eq(n, 6, "udp gso: six datagrams back");
	for (k = 0; k < 6; k++) {
		cr_assert_eq(out[k].len, h_frame_len(h, (int)k), "udp gso: datagram %u length", k);
		cr_assert(!memcmp(out[k].data, h_frame(h, (int)k), out[k].len),
			  "udp gso: datagram %u byte for byte", k);
	}
	h_close(h);
}

Test(udp, l4_segments_back_v4) { segment_round_trip(GRO_UDP_L4, 0); }
Test(udp, l4_segments_back_v6) { segment_round_trip(GRO_UDP_L4, 1); }
Test(udp, fraglist_segments_back_v4) { segment_round_trip(GRO_UDP_FRAGLIST, 0); }

Test(udp, vnet_header_udp_l4)
{
	struct h *h = open_udp(GRO_UDP_L4);
	struct udp_dgram d;
	uint32_t pos = 0;
	struct gro_pkt pkt, back;
	struct gro_seg s, s2;
	uint8_t v[10];
	const struct h_pkt *p;

	udp_init(&d, 0, DLEN, pos);
	add_dgram(h, &d, &pos);
	add_dgram(h, &d, &pos);
	h_run(h);
	p = h_pkt(h, 0);
	h_pkt_gro(p, &pkt, &s);
	cr_assert_eq(gro_vnet_encode(&pkt, v, 10), 10);
	cr_assert_eq(v[0], GRO_VNET_F_NEEDS_CSUM);
	cr_assert_eq(v[1], GRO_VNET_GSO_UDP_L4, "vnet: UDP_L4 is type 5");
	cr_assert_eq(v[4] | v[5] << 8, DLEN);
	cr_assert_eq(v[8] | v[9] << 8, 6);
	cr_assert_eq(gro_vnet_decode(v, 10, p->raw, p->len, &back, &s2), GRO_OK);
	cr_assert_eq(back.gso_type, GRO_GSO_UDP_L4);
	cr_assert_eq(back.gso_size, DLEN);
	cr_assert_eq(back.gso_segs, 2);
	h_close(h);
}

/* ------------------------------------------------------------ TCP fraglist */

static struct h *open_tcp_fraglist(void)
{
	struct gro_config cfg;

	h_config(&cfg);
	cfg.fraglist = 1;
	return h_open(&cfg);
}

Test(fraglist, tcp_segments_merge_as_a_list)
{
	struct h *h = open_tcp_fraglist();
	struct pb_frame f;
	const struct h_pkt *p;
	int i;

	h_seg_init(&f, 0, 1000);
	for (i = 0; i < 4; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_merged(h, 0, 0, 4, "tcp fraglist: merged");
	p = h_pkt(h, 0);
	cr_assert_eq(p->gso_type & (GRO_GSO_TCPV4 | GRO_GSO_FRAGLIST),
		     GRO_GSO_TCPV4 | GRO_GSO_FRAGLIST);
	cr_assert(!p->csum_partial, "tcp fraglist: checksums as they arrived");
	cr_assert_eq(h_rd16(p->raw + 34 + 16), h_rd16(h_frame(h, 0) + 34 + 16),
		     "tcp fraglist: the head's TCP checksum untouched");
	cr_assert_eq(h_rd16(p->raw + 14 + 2), p->len - 14, "tcp fraglist: tot_len fixed");
	h_close(h);
}

Test(fraglist, tcp_push_does_not_join_a_list)
{
	struct h *h = open_tcp_fraglist();
	struct pb_frame f;
	int x;

	h_seg_init(&f, 0, 1000);
	h_add_seg(h, &f);
	h_add_seg(h, &f);
	f.flags |= PB_PSH;
	x = h_add_seg(h, &f);
	h_run(h);
	h_expect_npkt(h, 2, "tcp fraglist: PSH differs from the head's flags");
	h_expect_merged(h, 0, 0, 2, "tcp fraglist: the list so far");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "tcp fraglist: a flag differs");
	h_expect_as_is(h, 1, x, "tcp fraglist: the PSH segment goes up alone");
	h_close(h);
}

Test(fraglist, tcp_at_most_64_segments)
{
	struct h *h = open_tcp_fraglist();
	struct pb_frame f;
	int i;

	h_seg_init(&f, 0, 100);
	for (i = 0; i < 66; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_merged(h, 0, 0, 64, "tcp fraglist: 64 segments at most");
	h_expect_reason(h, 0, GRO_R_SIZE, "tcp fraglist: count limit");
	h_expect_merged(h, 1, 64, 2, "tcp fraglist: the rest");
	h_close(h);
}

/* ------------------------------------------------------------ BIG TCP */

Test(bigtcp, ipv4_past_64k_has_tot_len_zero)
{
	struct gro_config cfg;
	struct h *h;
	struct pb_frame f;
	const struct h_pkt *p;
	static uint8_t buf[1 << 18];
	struct gro_pkt pkt;
	struct gro_seg in, out[64];
	int i, n;

	h_config(&cfg);
	cfg.max_size = 199999;
	h = h_open(&cfg);
	h_seg_init(&f, 0, 8000);
	for (i = 0; i < 12; i++)
		h_add_seg(h, &f);
	h_run(h);
	h_expect_merged(h, 0, 0, 12, "big tcp: twelve 8000-byte segments, 96 KB");
	p = h_pkt(h, 0);
	cr_assert_gt(p->len, 65535 + 14);
	cr_assert_eq(h_rd16(p->raw + 14 + 2), 0, "big tcp: IPv4 tot_len 0 past 64 KiB");
	cr_assert(h_ipv4_csum_ok(p->raw + 14), "big tcp: header checksum over tot_len 0");
	cr_assert(h_tcp_csum_ok(p->fixed, p->len, 14, 34, 0), "big tcp: the finished checksum");
	h_pkt_gro(p, &pkt, &in);
	n = gro_segment(&pkt, buf, sizeof(buf), out, 64);
	cr_assert_eq(n, 12, "big tcp: segmented back");
	for (i = 0; i < 12; i++)
		cr_assert(out[i].len == h_frame_len(h, i) &&
			  !memcmp(out[i].data, h_frame(h, i), out[i].len),
			  "big tcp: segment %d byte for byte", i);
	h_close(h);
}

Test(bigtcp, udp_stops_at_64k)
{
	struct gro_config cfg;
	struct h *h;
	struct udp_dgram d;
	uint32_t pos = 0;
	int i;

	h_config(&cfg);
	cfg.max_size = 199999;
	cfg.udp = GRO_UDP_L4;
	h = h_open(&cfg);
	udp_init(&d, 0, 8000, pos);
	for (i = 0; i < 12; i++)
		add_dgram(h, &d, &pos);
	h_run(h);
	h_expect_merged(h, 0, 0, 8, "big tcp: UDP stays below 64 KiB");
	h_expect_reason(h, 0, GRO_R_SIZE, "big tcp: UDP size limit");
	h_close(h);
}

static void no_deliver(void *arg, const struct gro_pkt *pkts, unsigned n)
{
	(void)arg;
	(void)pkts;
	(void)n;
}

Test(bigtcp, config_limits)
{
	struct gro_config cfg;
	struct gro_ctx *g;

	h_config(&cfg);
	cfg.deliver = no_deliver;
	cfg.max_size = GRO_MAX_SIZE;
	cr_assert_eq(gro_create(&cfg, &g), GRO_OK);
	gro_destroy(g);
	cfg.max_size = GRO_MAX_SIZE + 1;
	cr_assert_eq(gro_create(&cfg, &g), GRO_EINVAL);
	h_config(&cfg);
	cfg.deliver = no_deliver;
	cfg.udp = 3;
	cr_assert_eq(gro_create(&cfg, &g), GRO_EINVAL);
	cr_assert(strstr(gro_config_error(), "udp"));
	h_config(&cfg);
	cfg.deliver = no_deliver;
	cfg.reserved[5] = 1;
	cr_assert_eq(gro_create(&cfg, &g), GRO_EINVAL);
	cr_assert(strstr(gro_config_error(), "reserved"));
}

/* A flow whose head is too short for the fast path's comparisons (a
 * 2-byte datagram) is still the flow of the next datagram of its key: the
 * next one (another TTL) completes it, rather than being held beside it. */
Test(udp, short_head_still_found)
{
	struct h *h = open_udp(GRO_UDP_L4);
	struct udp_dgram d;
	uint32_t pos = 0;
	int i;

	udp_init(&d, 0, 2, pos);
	d.f.ttl = 254;
	add_dgram(h, &d, &pos);
	udp_resize(&d, 8);
	d.f.ttl = 255;
	add_dgram(h, &d, &pos);
	d.f.ip_id += 5;
	add_dgram(h, &d, &pos);
	h_run(h);
	h_expect_npkt(h, 3, "udp: one flow at a time for a key");
	for (i = 0; i < 3; i++)
		h_expect_as_is(h, (size_t)i, i, "udp: delivered in order");
	h_expect_reason(h, 0, GRO_R_MISMATCH, "udp: the TTL change completes the short head");
	h_close(h);
}
