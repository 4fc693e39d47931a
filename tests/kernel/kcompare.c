// SPDX-License-Identifier: MIT
/*
 * kcompare: libgro's output against the kernel's, scenario by scenario.
 *
 *   kcompare DIR NAME...             DIR/NAME.ours.{pcap,meta} against
 *                                    DIR/NAME.kernel.{pcap,meta}
 *   kcompare --golden FILE DIR NAME...   against recorded kernel digests
 *   kcompare --record FILE DIR NAME...   record the kernel outputs' digests
 *
 * Two outputs are identical when the same frames come out in the same
 * order with the same bytes and the same gso_type/gso_size (and csum_start/
 * csum_offset for merged packets). A merged TCP or UDP packet that needs
 * its checksum (csum_offset set) may carry the pseudo-header seed or the
 * full sum on either side; a fraglist packet (csum_offset 0) must match
 * byte for byte. Flows are TCP and UDP 4-tuples. Where the global
 * order differs, the outputs are compared flow by flow too, and the first
 * differing frame is decoded field by field. Tunnelled frames (IP in IP,
 * GRE, VXLAN to port 4789) are keyed by their outer addresses (and GRE
 * key, or UDP ports and VNI) and inner flow, and decoded header by header.
 * The last line is "conformance: N passed, M failed".
 *
 * The offload metadata is what a packet socket shows of the kernel's
 * (virtio_net_hdr): gso_type 1 TCPV4, 4 TCPV6, 5 UDP_L4, +0x80 ECN. The
 * kernel writes no more, so `gro coalesce --meta` writes libgro's gso_type
 * in the same terms, and the bits a packet socket drops are not compared:
 * GRO_GSO_UDP_TUNNEL and _CSUM, GRO_GSO_GRE and _CSUM, GRO_GSO_IPXIP4/6,
 * GRO_GSO_TCP_FIXEDID and _FIXEDID_INNER, GRO_GSO_FRAGLIST. What they
 * describe is checked in the bytes (outer lengths and checksums).
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktbuild.h"

struct frame {
	uint8_t *data;
	uint32_t len;
	unsigned gso_type, gso_size, csum_start, csum_offset;
	char flow[400];
};

struct out {
	struct frame *f;
	size_t n;
};

/* The IP layers of a frame, outermost first: IP in IP (protocols 4 and
 * 41) and GRE (47, version 0, protocol 0x0800, 0x86DD or 0x6558 with
 * only the C and K flags, or S) are walked through, fragments are not. */
#define MAX_LAYERS 4
struct layer {
	uint32_t l3, l4;        /* IP header, what follows it (extension headers skipped) */
	int v6;
	uint8_t proto;
	uint32_t gre;           /* offset of a GRE header after this layer, else 0 */
	uint32_t inner_eth;     /* offset of an Ethernet header after the GRE or VXLAN header, else 0 */
	uint32_t vxlan;         /* offset of a UDP header to port 4789 after this layer, else 0 */
};

#define VXLAN_PORT 4789
struct walk {
	int n;
	struct layer lay[MAX_LAYERS];
};

static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

static void walk_frame(const uint8_t *p, uint32_t len, struct walk *w)
{
	uint32_t off = 14;
	uint16_t type = len >= 14 ? (uint16_t)be16(p + 12) : 0;

	memset(w, 0, sizeof(*w));
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= len) {
		type = (uint16_t)be16(p + off + 2);
		off += 4;
	}
	while (w->n < MAX_LAYERS) {
		struct layer *y = &w->lay[w->n];
		int frag = 0;

		y->l3 = off;
		if (type == 0x0800 && off + 20 <= len) {
			y->proto = p[off + 9];
			y->v6 = 0;
			y->l4 = off + (p[off] & 15) * 4u;
			frag = (be16(p + off + 6) & 0x3fff) != 0;
		} else if (type == 0x86dd && off + 40 <= len) {
			uint8_t nh = p[off + 6];
			uint32_t eoff = off + 40;

			while ((nh == 0 || nh == 43 || nh == 60 || nh == 44) && eoff + 8 <= len) {
				uint32_t n = nh == 44 ? 8 : (p[eoff + 1] + 1u) * 8;

				if (nh == 44 && (be16(p + eoff + 2) & 0xfff9))
					frag = 1;
				nh = p[eoff];
				eoff += n;
			}
			y->proto = nh;
			y->v6 = 1;
			y->l4 = eoff;
		} else {
			return;
		}
		w->n++;
		if (frag || y->l4 >= len)
			return;
		if (y->proto == 4 || y->proto == 41) {
			type = y->proto == 4 ? 0x0800 : 0x86dd;
			off = y->l4;
			continue;
		}
		if (y->proto == 47 && y->l4 + 4 <= len) {
			unsigned gf = be16(p + y->l4), gp = be16(p + y->l4 + 2);

			if (gf & 0x4fff)
				return;         /* routing, version, recursion: not followed */
			y->gre = y->l4;
			off = y->l4 + 4 + (gf & 0x8000 ? 4 : 0) + (gf & 0x2000 ? 4 : 0) + (gf & 0x1000 ? 4 : 0);
			if (gp == 0x6558 && off + 14 <= len) {
				y->inner_eth = off;
				gp = be16(p + off + 12);
				off += 14;
			}
			if (gp != 0x0800 && gp != 0x86dd)
				return;
			type = (uint16_t)gp;
			continue;
		}
		/* VXLAN: UDP, 8 bytes of VXLAN, an Ethernet header. */
		if (y->proto == 17 && y->l4 + 30 <= len && be16(p + y->l4 + 2) == VXLAN_PORT) {
			y->vxlan = y->l4;
			y->inner_eth = y->l4 + 16;
			type = (uint16_t)be16(p + y->l4 + 28);
			off = y->l4 + 30;
			continue;
		}
		return;
	}
}

/* Offset of the innermost L4 header and its protocol (IPv6 extension
 * headers skipped, tunnels walked through), or 0 when the frame is not IP;
 * *l3 is the innermost IP header. */
static uint32_t l4_offset(const uint8_t *p, uint32_t len, uint8_t *proto, int *v6,
			  uint32_t *l3)
{
	struct walk w;
	const struct layer *y;

	walk_frame(p, len, &w);
	if (!w.n) {
		*l3 = 0;
		return 0;
	}
	y = &w.lay[w.n - 1];
	*l3 = y->l3;
	*proto = y->proto;
	*v6 = y->v6;
	return y->l4;
}

/* "src.port>dst.port" for TCP, "udp src.port>dst.port" for UDP, behind
 * "outer-src>outer-dst [gre [key K]] | " per tunnel layer. */
static void flow_key(struct frame *fr)
{
	const uint8_t *p = fr->data;
	uint32_t len = fr->len;
	char a[64], b[64];
	size_t at = 0;
	struct walk w;
	const struct layer *y;
	int k;

	walk_frame(p, len, &w);
	for (k = 0; k + 1 < w.n && at < sizeof(fr->flow); k++) {
		const uint8_t *u;

		y = &w.lay[k];
		inet_ntop(y->v6 ? AF_INET6 : AF_INET, p + y->l3 + (y->v6 ? 8 : 12), a, sizeof(a));
		inet_ntop(y->v6 ? AF_INET6 : AF_INET, p + y->l3 + (y->v6 ? 24 : 16), b, sizeof(b));
		at += (size_t)snprintf(fr->flow + at, sizeof(fr->flow) - at, "%s>%s", a, b);
		if (y->gre && at < sizeof(fr->flow)) {
			unsigned gf = be16(p + y->gre);

			at += (size_t)snprintf(fr->flow + at, sizeof(fr->flow) - at, " gre");
			if ((gf & 0x2000) && at < sizeof(fr->flow))
				at += (size_t)snprintf(fr->flow + at, sizeof(fr->flow) - at, " key %u",
						       (unsigned)(be16(p + y->gre + (gf & 0x8000 ? 8 : 4)) << 16 |
								  be16(p + y->gre + (gf & 0x8000 ? 10 : 6))));
		}
		u = p + y->vxlan;
		if (y->vxlan && at < sizeof(fr->flow))
			at += (size_t)snprintf(fr->flow + at, sizeof(fr->flow) - at, " udp %u>%u vxlan %u",
					       be16(u), be16(u + 2),
					       (unsigned)(u[12] << 16 | u[13] << 8 | u[14]));
		if (at < sizeof(fr->flow))
			at += (size_t)snprintf(fr->flow + at, sizeof(fr->flow) - at, " | ");
	}
	if (at >= sizeof(fr->flow))
		at = sizeof(fr->flow) - 1;
	y = w.n ? &w.lay[w.n - 1] : NULL;
	if (y && (y->proto == 6 || y->proto == 17) && y->l4 + 4 <= len) {
		inet_ntop(y->v6 ? AF_INET6 : AF_INET, p + y->l3 + (y->v6 ? 8 : 12), a, sizeof(a));
		inet_ntop(y->v6 ? AF_INET6 : AF_INET, p + y->l3 + (y->v6 ? 24 : 16), b, sizeof(b));
		snprintf(fr->flow + at, sizeof(fr->flow) - at, "%s%s.%u>%s.%u", y->proto == 17 ? "udp " : "",
			 a, be16(p + y->l4), b, be16(p + y->l4 + 2));
	} else if (at) {
		snprintf(fr->flow + at, sizeof(fr->flow) - at, "proto %u", y ? y->proto : 0);
	} else {
		snprintf(fr->flow, sizeof(fr->flow), "other");
	}
}

static int load(const char *dir, const char *name, const char *side, struct out *o)
{
	char path[4096], errbuf[PCAP_ERRBUF_SIZE], line[256];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;
	FILE *m;
	size_t i = 0;

	memset(o, 0, sizeof(*o));
	snprintf(path, sizeof(path), "%s/%s.%s.pcap", dir, name, side);
	p = pcap_open_offline(path, errbuf);
	if (!p) {
		fprintf(stderr, "kcompare: %s: %s\n", path, errbuf);
		return -1;
	}
	while (pcap_next_ex(p, &h, &d) == 1) {
		o->f = realloc(o->f, (o->n + 1) * sizeof(*o->f));
		memset(&o->f[o->n], 0, sizeof(o->f[0]));
		o->f[o->n].data = malloc(h->caplen ? h->caplen : 1);
		memcpy(o->f[o->n].data, d, h->caplen);
		o->f[o->n].len = h->caplen;
		flow_key(&o->f[o->n]);
		o->n++;
	}
	pcap_close(p);
	snprintf(path, sizeof(path), "%s/%s.%s.meta", dir, name, side);
	m = fopen(path, "r");
	if (!m) {
		fprintf(stderr, "kcompare: %s: missing\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), m) && i < o->n) {
		unsigned idx, len, type, size, hl, cs, co;

		if (sscanf(line, "%u %u %u %u %u %u %u", &idx, &len, &type, &size, &hl, &cs, &co) != 7)
			continue;
		o->f[i].gso_type = type;
		o->f[i].gso_size = type ? size : 0;
		o->f[i].csum_start = type ? cs : 0;
		o->f[i].csum_offset = type ? co : 0;
		i++;
	}
	fclose(m);
	return 0;
}

static void out_free(struct out *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->f[i].data);
	free(o->f);
}

/* Is the 16-bit field at @off the pseudo-header seed or the full checksum
 * of the TCP or UDP packet starting at @start? The length counts all 32
 * bits (a BIG TCP packet's seed does). */
static int csum_acceptable(const struct frame *f, uint32_t start, uint32_t off)
{
	const uint8_t *p = f->data;
	uint32_t l4len = f->len - start, sum = 0, v = (uint32_t)(p[off] << 8 | p[off + 1]);
	uint32_t l4, nh;
	uint8_t tmp[2] = { 0, 0 };
	uint8_t proto[4] = { 0, 0, 0, 6 }, lenb[4];
	uint32_t full;
	int v6 = 0;

	l4 = l4_offset(p, f->len, &proto[3], &v6, &nh);
	if (l4 != start || (proto[3] != 6 && proto[3] != 17))
		return 0;
	nh += v6 ? 8 : 12;      /* the addresses in the IP header */
	lenb[0] = l4len >> 24; lenb[1] = (l4len >> 16) & 0xff;
	lenb[2] = (l4len >> 8) & 0xff; lenb[3] = l4len & 0xff;
	sum = pb_csum_add(sum, p + nh, v6 ? 32 : 8);
	sum = pb_csum_add(sum, proto, 4);
	sum = pb_csum_add(sum, lenb, 4);
	if (v == (uint16_t)~pb_csum_fold(sum))
		return 1;
	full = pb_csum_add(sum, p + start, off - start);
	full = pb_csum_add(full, tmp, 2);
	full = pb_csum_add(full, p + off + 2, f->len - off - 2);
	return v == pb_csum_fold(full) || (proto[3] == 17 && v == 0xffff && !pb_csum_fold(full));
}

static int same_frame(const struct frame *a, const struct frame *b)
{
	uint32_t off;

	if (a->len != b->len || a->gso_type != b->gso_type || a->gso_size != b->gso_size ||
	    a->csum_start != b->csum_start || a->csum_offset != b->csum_offset)
		return 0;
	if (!memcmp(a->data, b->data, a->len))
		return 1;
	/* Only a packet that still needs its checksum (csum_offset set) may
	 * hold the seed there; fraglist packets keep the bytes they came with. */
	if (!a->gso_type || !a->csum_offset)
		return 0;
	off = a->csum_start + a->csum_offset;
	if (off + 2 > a->len || memcmp(a->data, b->data, off) ||
	    memcmp(a->data + off + 2, b->data + off + 2, a->len - off - 2))
		return 0;
	return csum_acceptable(a, a->csum_start, off) && csum_acceptable(b, b->csum_start, off);
}

static void decode_ip(const uint8_t *p, uint32_t len, const struct layer *y)
{
	const uint8_t *ip = p + y->l3;

	if (!y->v6)
		printf("      ipv4 ihl %u tos 0x%02x tot_len %u id %u frag 0x%04x ttl %u proto %u csum 0x%04x\n",
		       ip[0] & 15, ip[1], be16(ip + 2), be16(ip + 4), be16(ip + 6), ip[8], ip[9], be16(ip + 10));
	else
		printf("      ipv6 tclass 0x%02x flow 0x%05x plen %u nh %u hlim %u\n",
		       (ip[0] & 15) << 4 | ip[1] >> 4, (ip[1] & 15) << 16 | ip[2] << 8 | ip[3],
		       be16(ip + 4), ip[6], ip[7]);
	if (y->gre) {
		const uint8_t *g = p + y->gre;
		unsigned gf = be16(g), at = 4;

		printf("      gre flags 0x%04x proto 0x%04x", gf, be16(g + 2));
		if (gf & 0x8000)
			printf(" csum 0x%04x", be16(g + 4));
		if (gf & 0xc000)
			at += 4;
		if (gf & 0x2000 && y->gre + at + 4 <= len) {
			printf(" key %u", (unsigned)(be16(g + at) << 16 | be16(g + at + 2)));
			at += 4;
		}
		if (gf & 0x1000 && y->gre + at + 4 <= len)
			printf(" seq %u", (unsigned)(be16(g + at) << 16 | be16(g + at + 2)));
		if (y->inner_eth)
			printf(" | eth %02x:%02x:%02x:%02x:%02x:%02x > %02x:%02x:%02x:%02x:%02x:%02x",
			       p[y->inner_eth + 6], p[y->inner_eth + 7], p[y->inner_eth + 8],
			       p[y->inner_eth + 9], p[y->inner_eth + 10], p[y->inner_eth + 11],
			       p[y->inner_eth], p[y->inner_eth + 1], p[y->inner_eth + 2],
			       p[y->inner_eth + 3], p[y->inner_eth + 4], p[y->inner_eth + 5]);
		printf("\n");
	}
	if (y->vxlan) {
		const uint8_t *u = p + y->vxlan, *e = p + y->inner_eth;

		printf("      udp %u>%u len %u csum 0x%04x | vxlan flags 0x%08x vni 0x%06x reserved 0x%02x"
		       " | eth %02x:%02x:%02x:%02x:%02x:%02x > %02x:%02x:%02x:%02x:%02x:%02x\n",
		       be16(u), be16(u + 2), be16(u + 4), be16(u + 6),
		       (unsigned)(be16(u + 8) << 16 | be16(u + 10)),
		       (unsigned)(u[12] << 16 | u[13] << 8 | u[14]), u[15],
		       e[6], e[7], e[8], e[9], e[10], e[11], e[0], e[1], e[2], e[3], e[4], e[5]);
	}
}

static void decode(const char *who, size_t idx, const struct frame *f)
{
	const uint8_t *p = f->data;
	uint32_t off = 14;
	uint16_t type = f->len >= 14 ? (uint16_t)(p[12] << 8 | p[13]) : 0;
	int tags = 0, k;
	struct walk w;
	const struct layer *y;

	printf("    %-6s #%zu len %u gso_type %u gso_size %u", who, idx, f->len, f->gso_type, f->gso_size);
	if (f->gso_type)
		printf(" csum_start %u csum_offset %u", f->csum_start, f->csum_offset);
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= f->len) {
		type = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
		off += 4;
		tags++;
	}
	printf(" vlan %d ethertype 0x%04x\n", tags, type);
	walk_frame(p, f->len, &w);
	for (k = 0; k < w.n; k++)
		decode_ip(p, f->len, &w.lay[k]);
	if (!w.n)
		return;
	y = &w.lay[w.n - 1];
	off = y->l4;
	if (y->proto == 17 && off + 8 <= f->len) {
		const uint8_t *u = p + off;

		printf("      udp %u>%u len %u csum 0x%04x payload %u\n",
		       u[0] << 8 | u[1], u[2] << 8 | u[3], u[4] << 8 | u[5], u[6] << 8 | u[7],
		       f->len - off - 8);
		return;
	}
	if (y->proto != 6)
		return;
	if (off + 20 <= f->len) {
		const uint8_t *t = p + off;

		printf("      tcp %u>%u seq %u ack %u doff %u flags 0x%02x win %u csum 0x%04x payload %u\n",
		       t[0] << 8 | t[1], t[2] << 8 | t[3],
		       (unsigned)((uint32_t)t[4] << 24 | t[5] << 16 | t[6] << 8 | t[7]),
		       (unsigned)((uint32_t)t[8] << 24 | t[9] << 16 | t[10] << 8 | t[11]),
		       t[12] >> 4, t[13], t[14] << 8 | t[15], t[16] << 8 | t[17],
		       f->len - off - (t[12] >> 4) * 4);
	}
}

/* Index of the @k-th frame of @flow in @o, or o->n. */
static size_t nth_of_flow(const struct out *o, const char *flow, size_t k)
{
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->f[i].flow, flow) && !k--)
			return i;
	return o->n;
}

static int compare(const char *dir, const char *name)
{
	struct out ours, kern;
	size_t i, k;
	int rc = 1;

	if (load(dir, name, "ours", &ours) || load(dir, name, "kernel", &kern)) {
		printf("%s: ERROR cannot read outputs\n", name);
		return 0;
	}
	for (i = 0; i < ours.n && i < kern.n && same_frame(&ours.f[i], &kern.f[i]); i++)
		;
	if (i == ours.n && i == kern.n)
		goto done;
	rc = 0;
	/* Flow by flow: the first frame whose flow's sequence differs. */
	for (i = 0; i < kern.n + ours.n; i++) {
		const struct frame *f = i < kern.n ? &kern.f[i] : &ours.f[i - kern.n];
		size_t a, b;

		for (k = 0;; k++) {
			a = nth_of_flow(&ours, f->flow, k);
			b = nth_of_flow(&kern, f->flow, k);
			if (a == ours.n || b == kern.n || !same_frame(&ours.f[a], &kern.f[b]))
				break;
		}
		if (a == ours.n && b == kern.n)
			continue;
		printf("%s: DIFFERENT in flow %s, its frame %zu (ours %zu frames, kernel %zu)\n",
		       name, f->flow, k, ours.n, kern.n);
		if (a < ours.n)
			decode("ours", a, &ours.f[a]);
		else
			printf("    ours   (no such frame)\n");
		if (b < kern.n)
			decode("kernel", b, &kern.f[b]);
		else
			printf("    kernel (no such frame)\n");
		goto done;
	}
	printf("%s: DIFFERENT delivery order only (every flow identical)\n", name);
done:
	out_free(&ours);
	out_free(&kern);
	return rc;
}

/* A 64-bit FNV-1a digest of an output: frame lengths, offload metadata, bytes. */
static uint64_t fnv(uint64_t h, const void *d, size_t n)
{
	const uint8_t *p = d;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

static int digest(const char *dir, const char *name, const char *side, uint64_t *out, size_t *nframes)
{
	struct out o;
	uint64_t h = 0xcbf29ce484222325ull;

	if (load(dir, name, side, &o))
		return -1;
	for (size_t i = 0; i < o.n; i++) {
		uint32_t meta[3] = { o.f[i].len, o.f[i].gso_type, o.f[i].gso_size };

		h = fnv(h, meta, sizeof(meta));
		h = fnv(h, o.f[i].data, o.f[i].len);
	}
	*out = h;
	*nframes = o.n;
	out_free(&o);
	return 0;
}

int main(int argc, char **argv)
{
	const char *golden = NULL, *record = NULL, *dir;
	int i = 1, pass = 0, fail = 0;
	FILE *rec = NULL;

	if (argc > 3 && !strcmp(argv[1], "--golden"))
		golden = argv[2], i = 3;
	else if (argc > 3 && !strcmp(argv[1], "--record"))
		record = argv[2], i = 3;
	if (argc - i < 1) {
		fprintf(stderr, "usage: kcompare [--golden FILE | --record FILE] DIR NAME...\n");
		return 2;
	}
	dir = argv[i++];
	if (record && !(rec = fopen(record, "w"))) {
		perror(record);
		return 2;
	}
	for (; i < argc; i++) {
		uint64_t h, want = 0;
		size_t n, wn = 0;
		int ok;

		if (record) {
			if (digest(dir, argv[i], "kernel", &h, &n))
				return 1;
			fprintf(rec, "%s %016llx %zu\n", argv[i], (unsigned long long)h, n);
			continue;
		}
		if (!golden) {
			ok = compare(dir, argv[i]);
		} else {
			char line[512], nm[256];
			FILE *g = fopen(golden, "r");
			unsigned long long gh;

			ok = 0;
			if (g && !digest(dir, argv[i], "ours", &h, &n)) {
				while (fgets(line, sizeof(line), g))
					if (sscanf(line, "%255s %llx %zu", nm, &gh, &wn) == 3 && !strcmp(nm, argv[i])) {
						want = gh;
						ok = want == h && wn == n;
						break;
					}
				if (!ok)
					printf("%s: DIFFERENT from the recorded kernel output (%zu frames, kernel had %zu)\n",
					       argv[i], n, wn);
			}
			if (g)
				fclose(g);
		}
		ok ? pass++ : fail++;
	}
	if (rec) {
		fclose(rec);
		return 0;
	}
	printf("conformance: %d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
