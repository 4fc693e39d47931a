/* Packet builder for tests; see pktbuild.h. */
#include "pktbuild.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define SNAPLEN  262144

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }

static int pad4(int n) { return (n + 3) & ~3; }

/* The IP protocol number the frame carries. */
static uint8_t l4proto(const struct pb_frame *f)
{
	if (f->udp)
		return 17;
	return f->ip_proto ? (uint8_t)f->ip_proto : 6;
}

static int is_ip(const struct pb_frame *f)
{
	return f->ethertype == 0 || f->ethertype == ETH_IPV4 || f->ethertype == ETH_IPV6;
}

uint32_t pb_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	/* Fold early so that arbitrarily long inputs cannot overflow. */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t pb_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint8_t pb_pattern(uint32_t seq)
{
	/* Multiplicative hash: neighbouring bytes differ, so a payload that is
	 * shifted or spliced at the wrong offset is easy to spot. */
	return (uint8_t)((seq * 2654435761u) >> 24);
}

void pb_init(struct pb_frame *f, int ipv6)
{
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

	memset(f, 0, sizeof(*f));
	memcpy(f->dst_mac, dmac, 6);
	memcpy(f->src_mac, smac, 6);
	f->ipv6 = !!ipv6;
	if (ipv6) {
		f->saddr[0] = f->daddr[0] = 0xfd;
		f->saddr[15] = 1;
		f->daddr[15] = 2;
	} else {
		f->saddr[0] = f->daddr[0] = 10;
		f->saddr[3] = 1;
		f->daddr[3] = 2;
	}
	f->ttl = 64;
	f->hop_limit = 64;
	f->df = 1;
	f->sport = 4000;
	f->dport = 5000;
	f->seq = 1000;
	f->ack = 1;
	f->flags = PB_ACK;
	f->window = 1024;
}

/* Length of the extension header starting at h (whose type is `type`). */
static int ext_hdr_len(uint8_t type, const uint8_t *h)
{
	if (type == PB_EXT_FRAG)
		return 8;
	if (type == 51)                 /* AH counts 4-byte units */
		return (h[1] + 2) * 4;
	return (h[1] + 1) * 8;
}

/* Offset of the last header in an extension chain, or -1 when the chain is
 * empty or does not parse to exactly len bytes. */
static int chain_last(const uint8_t *ext, int len, uint8_t first_nh)
{
	int off = 0, last = -1;
	uint8_t type = first_nh;

	while (off + 2 <= len) {
		int n = ext_hdr_len(type, ext + off);

		last = off;
		type = ext[off];
		off += n;
	}
	return off == len ? last : -1;
}

static int ext_last(const struct pb_frame *f)
{
	return chain_last(f->ext, f->ext_len, f->ext_first_nh);
}

static void chain_add(uint8_t *ext, int *ext_len, uint8_t *first_nh, int cap,
		      uint8_t type, const uint8_t *body, int body_len)
{
	uint8_t *h = ext + *ext_len;
	int total, last, i;

	if (body_len < 0)
		return;
	total = type == PB_EXT_FRAG ? 8 : (2 + body_len + 7) & ~7;
	if (*ext_len + total > cap)
		return;

	last = chain_last(ext, *ext_len, *first_nh);
	memset(h, 0, total);
	h[0] = 6;                               /* provisional: TCP */
	if (type == PB_EXT_FRAG) {
		if (body)
			memcpy(h + 2, body, body_len < 6 ? body_len : 6);
	} else {
		h[1] = total / 8 - 1;
		if (body)
			memcpy(h + 2, body, body_len);
		i = 2 + body_len;
		/* Options headers must stay parseable: fill the tail with Pad1
		 * or one PadN option. Routing headers just get zeros. */
		if ((type == PB_EXT_HOP || type == PB_EXT_DEST) && total - i >= 2) {
			h[i] = 1;
			h[i + 1] = total - i - 2;
		}
	}
	/* An unparseable raw chain cannot be linked; the header is appended. */
	if (*ext_len == 0)
		*first_nh = type;
	else if (last >= 0)
		ext[last] = type;
	*ext_len += total;
}

void pb_ext_add(struct pb_frame *f, uint8_t type, const uint8_t *body, int body_len)
{
	chain_add(f->ext, &f->ext_len, &f->ext_first_nh, (int)sizeof(f->ext), type, body, body_len);
}

void pb_tun_ext_add(struct pb_tunnel *t, uint8_t type, const uint8_t *body, int body_len)
{
	if (t->ext_len < 0 || t->ext_len > (int)sizeof(t->ext))
		return;
	chain_add(t->ext, &t->ext_len, &t->ext_first_nh, (int)sizeof(t->ext), type, body, body_len);
}

void pb_tun_init(struct pb_tunnel *t, int ipv6)
{
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0x01, 0x01 };
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0x01, 0x02 };

	memset(t, 0, sizeof(*t));
	t->ipv6 = !!ipv6;
	if (ipv6) {
		t->saddr[0] = t->daddr[0] = 0x20;
		t->saddr[1] = t->daddr[1] = 0x01;
		t->saddr[2] = t->daddr[2] = 0x0d;
		t->saddr[3] = t->daddr[3] = 0xb8;
		t->saddr[15] = 1;
		t->daddr[15] = 2;
	} else {
		t->saddr[0] = t->daddr[0] = 192;
		t->saddr[2] = t->daddr[2] = 2;
		t->saddr[3] = 1;
		t->daddr[3] = 2;
	}
	t->ttl = t->hop_limit = 64;
	t->df = 1;
	memcpy(t->eth_dst, dmac, 6);
	memcpy(t->eth_src, smac, 6);
	t->vx_flags = 0x08000000;
	t->udp_sport = 49152;
	t->udp_csum = 1;
}

size_t pb_tun_hdr_len(const struct pb_tunnel *t)
{
	if (t->udp_tun == PB_TUN_VXLAN)
		return 8 + 8 + 14;
	if (t->udp_tun == PB_TUN_GENEVE)
		return 8 + 8 + (size_t)t->gnv_opts_len + (t->gnv_eth ? 14 : 0);
	return pb_gre_len(t) + (t->gre && t->gre_eth ? 14 : 0);
}

struct pb_tunnel *pb_tun_push(struct pb_frame *f, int ipv6, int gre)
{
	struct pb_tunnel *t;

	if (f->ntun < 0 || f->ntun >= PB_MAX_TUN)
		return NULL;
	t = &f->tun[f->ntun++];
	pb_tun_init(t, ipv6);
	t->gre = gre;
	return t;
}

size_t pb_gre_len(const struct pb_tunnel *t)
{
	size_t n = 4;

	if (!t->gre)
		return 0;
	if (t->gre_bits & (PB_GRE_C | PB_GRE_R))
		n += 4;
	if (t->gre_bits & PB_GRE_K)
		n += 4;
	if (t->gre_bits & PB_GRE_S)
		n += 4;
	return n;
}

void pb_tcp_opt_timestamp(struct pb_frame *f, uint32_t tsval, uint32_t tsecr)
{
	uint8_t *o = f->tcp_opts;

	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	put32(o + 4, tsval);
	put32(o + 8, tsecr);
	f->tcp_opts_len = 12;
}

size_t pb_layout(const struct pb_frame *f, struct pb_offsets *o)
{
	size_t l4len;

	if (f->nvlan < 0 || f->nvlan > PB_MAX_VLAN ||
	    f->ip_opts_len < 0 || f->ip_opts_len > 40 ||
	    f->tcp_opts_len < 0 || f->tcp_opts_len > 40 ||
	    f->ext_len < 0 || f->ext_len > (int)sizeof(f->ext) ||
	    f->ntun < 0 || f->ntun > PB_MAX_TUN)
		return 0;

	o->outer = o->l3 = 14 + 4 * (size_t)f->nvlan;
	if (is_ip(f)) {
		int k;

		for (k = 0; k < f->ntun; k++) {
			const struct pb_tunnel *t = &f->tun[k];

			if (t->ip_opts_len < 0 || t->ip_opts_len > 40 ||
			    t->ext_len < 0 || t->ext_len > (int)sizeof(t->ext))
				return 0;
			o->tun_l3[k] = o->l3;
			o->tun_l4[k] = o->l3 + (t->ipv6 ? 40 + (size_t)t->ext_len
						       : 20 + (size_t)pad4(t->ip_opts_len));
			if (t->gnv_opts_len < 0 || t->gnv_opts_len > 64 || t->gnv_opts_len % 4)
				return 0;
			o->l3 = o->tun_l4[k] + pb_tun_hdr_len(t);
		}
	}
	if (!is_ip(f)) {
		o->l4 = o->payload = o->l3;
		o->ip_len = f->payload_len;
		o->len = o->l3 + f->payload_len + f->pad;
		return o->len;
	}
	if (f->ipv6)
		o->l4 = o->l3 + 40 + f->ext_len;
	else
		o->l4 = o->l3 + 20 + pad4(f->ip_opts_len);
	if (f->udp) {
		o->payload = o->l4 + 8;
		l4len = 8 + (size_t)f->payload_len;
	} else if (f->ip_proto) {
		o->payload = o->l4;
		l4len = f->payload_len;
	} else {
		o->payload = o->l4 + 20 + pad4(f->tcp_opts_len);
		l4len = o->payload - o->l4 + f->payload_len;
	}
	o->ip_len = o->l4 - o->l3 + l4len;
	/* Without jumbograms neither length field can describe more. */
	if ((f->ipv6 ? o->ip_len - 40 : o->ip_len) > 0xffff)
		return 0;
	for (int k = 0; k < f->ntun; k++)
		if (o->l3 + o->ip_len - o->tun_l3[k] - (f->tun[k].ipv6 ? 40 : 0) > 0xffff)
			return 0;
	o->len = o->l3 + o->ip_len + f->pad;
	return o->len;
}

/* Pseudo-header sum for the L4 checksum. */
static uint32_t pseudo_sum(const struct pb_frame *f, uint8_t proto, size_t l4len)
{
	uint8_t tail[8] = { 0 };
	uint32_t sum = 0;
	int alen = f->ipv6 ? 16 : 4;

	sum = pb_csum_add(sum, f->saddr, alen);
	sum = pb_csum_add(sum, f->daddr, alen);
	/* IPv4: zero, proto, 16-bit length; IPv6: 32-bit length, 3 zeros, nh.
	 * Both reduce to the same 16-bit word sums. */
	put32(tail, (uint32_t)l4len);
	tail[7] = proto;
	return pb_csum_add(sum, tail, 8);
}

static void l4_checksum(const struct pb_frame *f, uint8_t *l4, size_t l4len)
{
	uint8_t proto = l4proto(f);
	size_t at;
	uint32_t sum;
	uint16_t c;
	int pseudo = 1;

	if (proto == 6)
		at = 16;
	else if (proto == 17)
		at = 6;
	else if ((proto == 1 && !f->ipv6) || (proto == 58 && f->ipv6)) {
		at = 2;
		pseudo = proto == 58;
	} else
		return;                 /* unknown protocol: leave the bytes alone */
	if (l4len < at + 2)
		return;

	put16(l4 + at, 0);
	sum = pseudo ? pseudo_sum(f, proto, l4len) : 0;
	c = pb_csum_fold(pb_csum_add(sum, l4, l4len));
	if (proto == 17 && c == 0)
		c = 0xffff;             /* zero means "no checksum" for UDP */
	if (f->bad_tcp_csum)
		c += 1;                 /* never lands on an equivalent value for TCP */
	if (f->bad_tcp_csum && proto == 17 && c == 0)
		c = 1;                  /* 0xffff + 1 would read as "no checksum" */
	if (f->udp && f->udp_csum_zero)
		c = 0;
	put16(l4 + at, c);
}

/* Write an IPv4 or IPv6 header of tunnel layer t at p, for a packet of
 * len bytes (from p on) carrying protocol proto. */
static void tun_ip_header(const struct pb_tunnel *t, uint8_t *p, size_t len, uint8_t proto)
{
	if (t->ipv6) {
		put32(p, 6u << 28 | (uint32_t)t->tclass << 20 | (t->flowlabel & 0xfffff));
		put16(p + 4, (uint16_t)(len - 40 + t->tot_len_delta));
		p[6] = t->ext_len ? t->ext_first_nh : proto;
		p[7] = t->hop_limit;
		memcpy(p + 8, t->saddr, 16);
		memcpy(p + 24, t->daddr, 16);
		memcpy(p + 40, t->ext, t->ext_len);
		if (t->ext_len) {
			int last = chain_last(t->ext, t->ext_len, t->ext_first_nh);

			if (last >= 0)
				p[40 + last] = proto;
		}
	} else {
		int ihl = 20 + pad4(t->ip_opts_len);
		uint16_t c;

		p[0] = 0x40 | ihl / 4;
		p[1] = t->tos;
		put16(p + 2, (uint16_t)(len + t->tot_len_delta));
		put16(p + 4, t->ip_id);
		put16(p + 6, (t->df ? 0x4000 : 0) | (t->frag & 0xbfff));
		p[8] = t->ttl;
		p[9] = proto;
		memcpy(p + 12, t->saddr, 4);
		memcpy(p + 16, t->daddr, 4);
		memcpy(p + 20, t->ip_opts, t->ip_opts_len);
		c = pb_csum_fold(pb_csum_add(0, p, ihl));
		if (t->bad_ip_csum)
			c += 1;
		put16(p + 10, c);
	}
}

/* Tunnel layer k of f: its GRE header (and inner Ethernet header) and its
 * IP header, around what is already built behind them. */
static void build_tunnel(const struct pb_frame *f, int k, const struct pb_offsets *o, uint8_t *buf)
{
	const struct pb_tunnel *t = &f->tun[k];
	int next_v6 = k + 1 < f->ntun ? f->tun[k + 1].ipv6 : f->ipv6;
	size_t end = o->l3 + o->ip_len;         /* this layer's packet ends with the inner one */
	uint8_t proto;

	if (t->gre) {
		uint8_t *g = buf + o->tun_l4[k];
		size_t glen = pb_gre_len(t), at = 4;
		uint16_t gp = t->gre_proto;

		if (!gp)
			gp = t->gre_eth ? 0x6558 : next_v6 ? ETH_IPV6 : ETH_IPV4;
		put16(g, t->gre_bits);
		put16(g + 2, gp);
		if (t->gre_bits & (PB_GRE_C | PB_GRE_R)) {
			put32(g + at, 0);
			at += 4;
		}
		if (t->gre_bits & PB_GRE_K) {
			put32(g + at, t->gre_key);
			at += 4;
		}
		if (t->gre_bits & PB_GRE_S)
			put32(g + at, t->gre_seq);
		if (t->gre_eth) {
			uint8_t *e = g + glen;

			memcpy(e, t->eth_dst, 6);
			memcpy(e + 6, t->eth_src, 6);
			put16(e + 12, next_v6 ? ETH_IPV6 : ETH_IPV4);
		}
		if (t->gre_bits & PB_GRE_C) {
			uint16_t c = pb_csum_fold(pb_csum_add(0, g, end - o->tun_l4[k]));

			if (t->bad_gre_csum)
				c += 1;
			put16(g + 4, c);
		}
	}
	if (t->udp_tun) {
		uint8_t *u = buf + o->tun_l4[k], *h = u + 8, *e;
		size_t ulen = end - o->tun_l4[k];
		uint16_t dport = t->udp_dport ? t->udp_dport
					      : t->udp_tun == PB_TUN_VXLAN ? 4789 : 6081;

		put16(u, t->udp_sport);
		put16(u + 2, dport);
		put16(u + 4, (uint16_t)(ulen + (t->udp_len_late ? 0 : t->udp_len_delta)));
		put16(u + 6, 0);
		if (t->udp_tun == PB_TUN_VXLAN) {
			put32(h, t->vx_flags);
			put32(h + 4, t->vni << 8 | t->vni_low);
			e = h + 8;
		} else {
			uint16_t gp = t->gnv_proto;

			if (!gp)
				gp = t->gnv_eth ? 0x6558 : next_v6 ? ETH_IPV6 : ETH_IPV4;
			h[0] = (uint8_t)(t->gnv_ver << 6 | t->gnv_opts_len / 4);
			h[1] = (uint8_t)((t->gnv_oam ? 0x80 : 0) | (t->gnv_crit ? 0x40 : 0));
			put16(h + 2, gp);
			put32(h + 4, t->vni << 8 | t->vni_low);
			memcpy(h + 8, t->gnv_opts, t->gnv_opts_len);
			e = t->gnv_eth ? h + 8 + t->gnv_opts_len : NULL;
		}
		if (e) {
			memcpy(e, t->eth_dst, 6);
			memcpy(e + 6, t->eth_src, 6);
			put16(e + 12, next_v6 ? ETH_IPV6 : ETH_IPV4);
		}
		if (t->udp_csum) {
			int alen = t->ipv6 ? 16 : 4;
			uint8_t tail[8] = { 0 };
			uint32_t sum;
			uint16_t c;

			/* The pseudo header: addresses, then protocol and length. */
			sum = pb_csum_add(0, t->saddr, alen);
			sum = pb_csum_add(sum, t->daddr, alen);
			tail[3] = 17;
			put32(tail + 4, (uint32_t)ulen);
			sum = pb_csum_add(sum, tail, 8);
			c = pb_csum_fold(pb_csum_add(sum, u, ulen));
			if (!c)
				c = 0xffff;
			if (t->bad_udp_csum)
				c += 1;
			put16(u + 6, c);
		}
		if (t->udp_len_late)
			put16(u + 4, (uint16_t)(ulen + t->udp_len_delta));
	}
	proto = t->proto ? (uint8_t)t->proto : t->gre ? 47 : t->udp_tun ? 17 : next_v6 ? 41 : 4;
	tun_ip_header(t, buf + o->tun_l3[k], end - o->tun_l3[k], proto);
}

size_t pb_build(const struct pb_frame *f, uint8_t *buf, size_t cap)
{
	struct pb_offsets o;
	uint8_t *p;
	uint32_t i;
	int k;

	if (!pb_layout(f, &o) || o.len > cap)
		return 0;
	memset(buf, 0, o.len);

	memcpy(buf, f->dst_mac, 6);
	memcpy(buf + 6, f->src_mac, 6);
	p = buf + 12;
	for (k = 0; k < f->nvlan; k++, p += 4) {
		put16(p, f->vlan_tpid[k]);
		put16(p + 2, f->vlan_tci[k]);
	}
	if (!is_ip(f)) {
		put16(p, f->ethertype);
		for (i = 0; i < f->payload_len; i++)
			buf[o.payload + i] = f->payload ? f->payload[i] : pb_pattern(f->seq + i);
		return o.len;
	}
	put16(p, (f->ntun ? f->tun[0].ipv6 : f->ipv6) ? ETH_IPV6 : ETH_IPV4);

	/* Payload first, then the L4 header, so the checksum covers both. */
	for (i = 0; i < f->payload_len; i++)
		buf[o.payload + i] = f->payload ? f->payload[i] : pb_pattern(f->seq + i);

	p = buf + o.l4;
	if (f->udp) {
		put16(p, f->sport);
		put16(p + 2, f->dport);
		put16(p + 4, (uint16_t)(8 + f->payload_len + f->udp_len_delta));
	} else if (!f->ip_proto) {
		int thl = o.payload - o.l4;

		put16(p, f->sport);
		put16(p + 2, f->dport);
		put32(p + 4, f->seq);
		put32(p + 8, f->ack);
		p[12] = (uint8_t)(thl / 4) << 4;
		p[13] = f->flags;
		put16(p + 14, f->window);
		put16(p + 18, f->urg_ptr);
		memcpy(p + 20, f->tcp_opts, f->tcp_opts_len);
	}

	p = buf + o.l3;
	if (f->ipv6) {
		uint32_t w = 6u << 28 | (uint32_t)f->tclass << 20 | (f->flowlabel & 0xfffff);
		uint8_t nh = l4proto(f);

		put32(p, w);
		put16(p + 4, (uint16_t)(o.ip_len - 40 + f->tot_len_delta));
		p[6] = f->ext_len ? f->ext_first_nh : nh;
		p[7] = f->hop_limit;
		memcpy(p + 8, f->saddr, 16);
		memcpy(p + 24, f->daddr, 16);
		memcpy(p + 40, f->ext, f->ext_len);
		if (f->ext_len && !f->ext_raw) {
			int last = ext_last(f);

			if (last >= 0)
				p[40 + last] = nh;
		}
	} else {
		int ihl = o.l4 - o.l3;
		uint16_t c;

		p[0] = 0x40 | ihl / 4;
		p[1] = f->tos;
		put16(p + 2, (uint16_t)(o.ip_len + f->tot_len_delta));
		put16(p + 4, f->ip_id);
		put16(p + 6, (f->df ? 0x4000 : 0) | (f->frag & 0xbfff));
		p[8] = f->ttl;
		p[9] = l4proto(f);
		memcpy(p + 12, f->saddr, 4);
		memcpy(p + 16, f->daddr, 4);
		memcpy(p + 20, f->ip_opts, f->ip_opts_len);
		c = pb_csum_fold(pb_csum_add(0, p, ihl));
		if (f->bad_ip_csum)
			c += 1;
		put16(p + 10, c);
	}

	l4_checksum(f, buf + o.l4, o.ip_len - (o.l4 - o.l3));
	/* Tunnel layers from the inside out: each checksum covers what is
	 * already in place behind it. */
	for (k = f->ntun - 1; k >= 0; k--)
		build_tunnel(f, k, &o, buf);
	return o.len;
}

static void *grow(void *ptr, size_t n, size_t size)
{
	void *q = realloc(ptr, n * size);

	if (!q) {
		fprintf(stderr, "pktbuild: out of memory\n");
		abort();
	}
	return q;
}

static void list_add_ts(struct pb_list *l, const uint8_t *frame, size_t len, uint64_t ts)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->data = grow(l->data, l->cap, sizeof(*l->data));
		l->len = grow(l->len, l->cap, sizeof(*l->len));
		l->ts_us = grow(l->ts_us, l->cap, sizeof(*l->ts_us));
	}
	l->data[l->n] = grow(NULL, len ? len : 1, 1);
	memcpy(l->data[l->n], frame, len);
	l->len[l->n] = (uint32_t)len;
	l->ts_us[l->n] = ts;
	l->n++;
	l->next_ts_us = ts + 1;
}

void pb_list_add(struct pb_list *l, const uint8_t *frame, size_t len)
{
	list_add_ts(l, frame, len, l->next_ts_us);
}

void pb_list_add_frame(struct pb_list *l, const struct pb_frame *f)
{
	struct pb_offsets o;
	uint8_t *buf;
	size_t len = pb_layout(f, &o);

	if (!len) {
		fprintf(stderr, "pktbuild: invalid frame description\n");
		abort();
	}
	buf = grow(NULL, len, 1);
	pb_build(f, buf, len);
	pb_list_add(l, buf, len);
	free(buf);
}

void pb_list_gap(struct pb_list *l, uint64_t usec)
{
	l->next_ts_us += usec;
}

void pb_list_free(struct pb_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->data[i]);
	free(l->data);
	free(l->len);
	free(l->ts_us);
	memset(l, 0, sizeof(*l));
}

int pb_pcap_write(const char *path, const struct pb_list *l)
{
	pcap_t *pc = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	pcap_dumper_t *d;
	FILE *fp;
	size_t i;
	int ret = 0;

	if (!pc) {
		fprintf(stderr, "%s: pcap_open_dead failed\n", path);
		return -1;
	}
	fp = fopen(path, "wb");
	if (!fp) {
		perror(path);
		pcap_close(pc);
		return -1;
	}
	/* pcap_dump_fopen on our own FILE lets us see write errors. */
	d = pcap_dump_fopen(pc, fp);
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, pcap_geterr(pc));
		fclose(fp);
		pcap_close(pc);
		return -1;
	}
	for (i = 0; i < l->n; i++) {
		struct pcap_pkthdr h;

		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(l->ts_us[i] / 1000000);
		h.ts.tv_usec = (suseconds_t)(l->ts_us[i] % 1000000);
		h.caplen = h.len = l->len[i];
		pcap_dump((u_char *)d, &h, l->data[i]);
	}
	if (pcap_dump_flush(d) != 0 || ferror(fp)) {
		fprintf(stderr, "%s: write error\n", path);
		ret = -1;
	}
	pcap_dump_close(d);
	pcap_close(pc);
	return ret;
}

int pb_pcap_read(const char *path, struct pb_list *l)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc = pcap_open_offline(path, err);
	int r;

	if (!pc) {
		fprintf(stderr, "pcap: %s\n", err);
		return -1;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		fprintf(stderr, "%s: not an Ethernet capture\n", path);
		pcap_close(pc);
		return -1;
	}
	while ((r = pcap_next_ex(pc, &h, &data)) == 1)
		list_add_ts(l, data, h->caplen,
			    (uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec);
	if (r != PCAP_ERROR_BREAK) {
		fprintf(stderr, "%s: %s\n", path, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	return 0;
}
