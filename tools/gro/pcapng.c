// SPDX-License-Identifier: MIT
/*
 * pcapng, the parts the gro tool needs (see pcapng.h). Block layout, from
 * the pcapng specification: every block is
 *
 *	type (4) | total length (4) | body | total length (4)
 *
 * with the total length a multiple of 4 that counts all of it. Options
 * are code (2) | length (2) | value, padded to 4, ended by code 0.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

/* ------------------------------------------------------------ writing */

static int put(FILE *f, const void *p, size_t n)
{
	return n && fwrite(p, 1, n, f) != n ? -1 : 0;
}

static int put32(FILE *f, uint32_t v) { return put(f, &v, 4); }
static int put16(FILE *f, uint16_t v) { return put(f, &v, 2); }

static int put_pad(FILE *f, size_t n)
{
	static const uint8_t zero[4];

	return put(f, zero, pad4(n) - n);
}

static size_t opts_len(const struct png_opt *o, unsigned n)
{
	size_t len = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		len += 4 + pad4(o[i].len);
	return n ? len + 4 : 0;		/* opt_endofopt */
}

static int put_opts(FILE *f, const struct png_opt *o, unsigned n)
{
	unsigned i;
	int e = 0;

	for (i = 0; i < n; i++) {
		e |= put16(f, o[i].code);
		e |= put16(f, o[i].len);
		e |= put(f, o[i].val, o[i].len);
		e |= put_pad(f, o[i].len);
	}
	if (n)
		e |= put32(f, PNG_OPT_END);	/* code 0, length 0 */
	return e;
}

int png_write_head(FILE *f, const char *appl)
{
	struct png_opt shb_o[1] = { { PNG_SHB_USERAPPL, (uint16_t)strlen(appl), appl } };
	uint32_t len;
	int e = 0;

	/* SHB: byte-order magic, version 1.0, section length unknown (-1). */
	len = (uint32_t)(12 + 16 + opts_len(shb_o, 1));
	e |= put32(f, PNG_BT_SHB);
	e |= put32(f, len);
	e |= put32(f, PNG_BOM);
	e |= put16(f, 1);
	e |= put16(f, 0);
	e |= put32(f, 0xffffffffu);
	e |= put32(f, 0xffffffffu);
	e |= put_opts(f, shb_o, 1);
	e |= put32(f, len);
	return e;
}

int png_write_idb(FILE *f, uint16_t linktype, uint32_t snaplen, int tsresol, const char *name)
{
	uint8_t res = (uint8_t)tsresol;
	struct png_opt idb_o[2] = { { PNG_IF_NAME, (uint16_t)strlen(name), name },
				    { PNG_IF_TSRESOL, 1, &res } };
	uint32_t len = (uint32_t)(12 + 8 + opts_len(idb_o, 2));
	int e = 0;

	e |= put32(f, PNG_BT_IDB);
	e |= put32(f, len);
	e |= put16(f, linktype);
	e |= put16(f, 0);
	e |= put32(f, snaplen);
	e |= put_opts(f, idb_o, 2);
	e |= put32(f, len);
	return e;
}

int png_write_epb(FILE *f, uint32_t ifidx, uint64_t ts, const uint8_t *data, uint32_t caplen,
		  uint32_t origlen, const struct png_opt *opts, unsigned nopts)
{
	size_t total = 12 + 20 + pad4(caplen) + opts_len(opts, nopts);
	uint32_t len = (uint32_t)total;
	int e = 0;

	if (total > PNG_MAX_BLOCK) {
		errno = EFBIG;
		return -1;
	}
	e |= put32(f, PNG_BT_EPB);
	e |= put32(f, len);
	e |= put32(f, ifidx);
	e |= put32(f, (uint32_t)(ts >> 32));
	e |= put32(f, (uint32_t)ts);
	e |= put32(f, caplen);
	e |= put32(f, origlen);
	e |= put(f, data, caplen);
	e |= put_pad(f, caplen);
	e |= put_opts(f, opts, nopts);
	e |= put32(f, len);
	return e;
}

static void le16w(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void le32w(uint8_t *p, uint32_t v) { le16w(p, (uint16_t)v); le16w(p + 2, (uint16_t)(v >> 16)); }
static uint16_t le16r(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32r(const uint8_t *p) { return le16r(p) | (uint32_t)le16r(p + 2) << 16; }

void gro_meta_pack(const struct gro_meta *m, uint8_t buf[GRO_META_LEN])
{
	uint32_t pen = GRO_META_PEN;

	memcpy(buf, &pen, 4);
	memcpy(buf + 4, GRO_META_MAGIC, 4);
	buf[8] = GRO_META_VERSION;
	buf[9] = GRO_META_VNET_LEN;
	memcpy(buf + 10, m->vnet, GRO_META_VNET_LEN);
	le32w(buf + 10 + GRO_META_VNET_LEN, m->gso_type);
	le16w(buf + 14 + GRO_META_VNET_LEN, m->gso_segs);
}

/* ------------------------------------------------------------ reading */

static int fail(struct png_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct png_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t g32(const struct png_reader *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t g16(const struct png_reader *r, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return r->swap ? __builtin_bswap16(v) : v;
}

static uint64_t g64(const struct png_reader *r, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return r->swap ? __builtin_bswap64(v) : v;
}

static const char *block_name(uint32_t type)
{
	static char other[32];

	switch (type) {
	case PNG_BT_SHB: return "section header block";
	case PNG_BT_IDB: return "interface description block";
	case PNG_BT_EPB: return "enhanced packet block";
	case PNG_BT_SPB: return "simple packet block";
	case PNG_BT_OPB: return "packet block";
	default:
		snprintf(other, sizeof(other), "block type 0x%08x", type);
		return other;
	}
}

/*
 * The first @n bytes of the block at r->off, at *@p: 1, or 0 if the file
 * ends before (*@got: the bytes there are), or -1 after a read error. A
 * mapped file gives them in place; a stream's are read into r->buf, from
 * the r->have already there.
 */
static int block_bytes(struct png_reader *r, size_t n, const uint8_t **p, size_t *got)
{
	if (r->map) {
		size_t left = r->map_len - r->off;

		*p = r->map + r->off;
		*got = left < n ? left : n;
		return left >= n;
	}
	if (r->cap < n) {
		uint8_t *nb = realloc(r->buf, n);

		if (!nb)
			return fail(r, "out of memory");
		r->buf = nb;
		r->cap = n;
	}
	r->have += fread(r->buf + r->have, 1, n - r->have, r->f);
	*p = r->buf;
	*got = r->have;
	if (r->have == n)
		return 1;
	if (ferror(r->f))
		return fail(r, "read error: %s", strerror(errno ? errno : EIO));
	return 0;
}

/*
 * The next block: its type and body (after type and length, before the
 * trailing length). Returns 1, 0 at the end of the file, or -1.
 */
static int next_block(struct png_reader *r, uint32_t *type, const uint8_t **body, uint32_t *blen)
{
	const uint8_t *b;
	uint32_t len, trail;
	size_t got;
	int k;

	r->have = 0;
	k = block_bytes(r, 8, &b, &got);
	if (k <= 0)
		return k < 0 || !got ? k :
		       fail(r, "truncated pcapng block header at offset %llu", (unsigned long long)r->off);
	*type = g32(r, b);
	if (!r->off && !(b[0] == 0x0A && b[1] == 0x0D && b[2] == 0x0D && b[3] == 0x0A))
		return fail(r, "not a pcapng file");
	if (b[0] == 0x0A && b[1] == 0x0D && b[2] == 0x0D && b[3] == 0x0A) {
		/* A new section: its byte-order magic says how to read it. */
		uint32_t bom;

		k = block_bytes(r, 12, &b, &got);
		if (k <= 0)
			return k < 0 ? k : fail(r, "truncated pcapng section header at offset %llu",
						(unsigned long long)r->off);
		memcpy(&bom, b + 8, 4);
		if (bom == PNG_BOM)
			r->swap = 0;
		else if (bom == __builtin_bswap32(PNG_BOM))
			r->swap = 1;
		else
			return fail(r, "pcapng section header at offset %llu: bad byte-order magic 0x%08x",
				    (unsigned long long)r->off, bom);
		*type = PNG_BT_SHB;
	}
	len = g32(r, b + 4);
	if (len < 12 || len % 4 || len > PNG_MAX_BLOCK || (*type == PNG_BT_SHB && len < 28))
		return fail(r, "pcapng %s at offset %llu: invalid total length %u",
			    block_name(*type), (unsigned long long)r->off, len);
	k = block_bytes(r, len, &b, &got);
	if (k <= 0)
		return k < 0 ? k :
		       fail(r, "truncated pcapng %s at offset %llu: %u bytes expected, %zu present",
			    block_name(*type), (unsigned long long)r->off, len, got);
	trail = g32(r, b + len - 4);
	if (trail != len)
		return fail(r, "pcapng %s at offset %llu: trailing length %u differs from the leading %u",
			    block_name(*type), (unsigned long long)r->off, trail, len);
	*body = b + 8;
	*blen = len - 12;
	r->off += len;
	return 1;
}

/* Walk the options in [p, p + n). For each, @fn(r, arg, code, value, len)
 * returns 0 to go on or -1 to stop with an error. */
typedef int (*opt_fn)(struct png_reader *r, void *arg, uint16_t code, const uint8_t *v, uint16_t len);

static int walk_opts(struct png_reader *r, const uint8_t *p, size_t n, uint32_t type,
		     uint64_t block_off, opt_fn fn, void *arg)
{
	size_t pos = 0;

	while (pos < n) {
		uint16_t code, len;

		if (n - pos < 4)
			return fail(r, "pcapng %s at offset %llu: %zu stray bytes after its options",
				    block_name(type), (unsigned long long)block_off, n - pos);
		code = g16(r, p + pos);
		len = g16(r, p + pos + 2);
		if (code == PNG_OPT_END)
			break;
		if (pad4(len) > n - pos - 4)
			return fail(r, "pcapng %s at offset %llu: option %u has length %u, past the end of the block",
				    block_name(type), (unsigned long long)block_off, code, len);
		if (fn && fn(r, arg, code, p + pos + 4, len))
			return -1;
		pos += 4 + pad4(len);
	}
	return 0;
}

static int idb_opt(struct png_reader *r, void *arg, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct png_if *i = arg;

	if (code == PNG_IF_TSRESOL) {
		uint8_t x;

		if (len != 1)
			return fail(r, "pcapng interface %u: if_tsresol of %u bytes", r->nif, len);
		x = v[0];
		if (x & 0x80) {
			if ((x & 0x7f) > 63)
				return fail(r, "pcapng interface %u: unsupported if_tsresol 0x%02x", r->nif, x);
			i->tsresol_dec = -1;
			i->tsresol_bin = (int8_t)(x & 0x7f);
		} else {
			if (x > 18)
				return fail(r, "pcapng interface %u: unsupported if_tsresol %u", r->nif, x);
			i->tsresol_dec = (int8_t)x;
		}
	} else if (code == PNG_IF_TSOFFSET) {
		if (len != 8)
			return fail(r, "pcapng interface %u: if_tsoffset of %u bytes", r->nif, len);
		i->tsoffset = (int64_t)g64(r, v);
	}
	return 0;
}

static int on_idb(struct png_reader *r, const uint8_t *b, uint32_t n, uint64_t off)
{
	struct png_if i = { .tsresol_dec = 6, .tsresol_bin = -1 };

	if (n < 8)
		return fail(r, "pcapng interface description block at offset %llu is too short",
			    (unsigned long long)off);
	i.linktype = g16(r, b);
	i.snaplen = g32(r, b + 4);
	if (walk_opts(r, b + 8, n - 8, PNG_BT_IDB, off, idb_opt, &i))
		return -1;
	if ((i.tsresol_dec > 6) || (i.tsresol_bin > 19))
		r->nano = 1;
	if (r->nif == r->capif) {
		unsigned nc = r->capif ? 2 * r->capif : 4;
		struct png_if *ni;

		if (nc > 65536)
			return fail(r, "more than 65536 pcapng interfaces in one section");
		ni = realloc(r->ifs, nc * sizeof(*ni));
		if (!ni)
			return fail(r, "out of memory");
		r->ifs = ni;
		r->capif = nc;
	}
	r->ifs[r->nif++] = i;
	return 0;
}

static int on_shb(struct png_reader *r, const uint8_t *b, uint32_t n, uint64_t off)
{
	uint16_t major, minor;

	/* body: byte-order magic (4), version (2 + 2), section length (8) */
	major = g16(r, b + 4);
	minor = g16(r, b + 6);
	if (major != 1)
		return fail(r, "pcapng section at offset %llu: unsupported version %u.%u",
			    (unsigned long long)off, major, minor);
	r->nif = 0;		/* interfaces belong to their section */
	return walk_opts(r, b + 16, n - 16, PNG_BT_SHB, off, NULL, NULL);
}

static uint64_t to_ns(const struct png_if *i, uint64_t t)
{
	static const uint64_t p10[19] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
		100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
		10000000000000ull, 100000000000000ull, 1000000000000000ull,
		10000000000000000ull, 100000000000000000ull, 1000000000000000000ull,
	};
	uint64_t ns;

	if (i->tsresol_dec >= 0)
		ns = i->tsresol_dec <= 9 ? t * p10[9 - i->tsresol_dec] : t / p10[i->tsresol_dec - 9];
	else
		ns = (uint64_t)(((unsigned __int128)t * 1000000000u) >> i->tsresol_bin);
	return ns + (uint64_t)i->tsoffset * 1000000000u;
}

static int epb_opt(struct png_reader *r, void *arg, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct png_pkt *p = arg;

	if (code == PNG_OPT_COMMENT && !p->comment) {
		if (r->comment_cap < (size_t)len + 1) {
			char *nc = realloc(r->comment, (size_t)len + 1);

			if (!nc)
				return fail(r, "out of memory");
			r->comment = nc;
			r->comment_cap = (size_t)len + 1;
		}
		memcpy(r->comment, v, len);
		r->comment[len] = 0;
		p->comment = r->comment;
	} else if ((code == PNG_OPT_CUSTOM_BIN || code == PNG_OPT_CUSTOM_BIN_NC) && len >= 8 &&
		   g32(r, v) == GRO_META_PEN && !memcmp(v + 4, GRO_META_MAGIC, 4)) {
		if (len != GRO_META_LEN || v[8] != GRO_META_VERSION || v[9] != GRO_META_VNET_LEN) {
			p->bad_meta = 1;
			return 0;
		}
		memcpy(p->meta.vnet, v + 10, GRO_META_VNET_LEN);
		p->meta.gso_type = le32r(v + 10 + GRO_META_VNET_LEN);
		p->meta.gso_segs = le16r(v + 14 + GRO_META_VNET_LEN);
		p->has_meta = 1;
	}
	return 0;
}

static int on_packet(struct png_reader *r, uint32_t type, const uint8_t *b, uint32_t n,
		     uint64_t off, struct png_pkt *p)
{
	uint32_t fixed = type == PNG_BT_SPB ? 4 : 20, ifidx;
	const struct png_if *i;
	uint64_t ticks = 0;

	memset(p, 0, sizeof(*p));
	if (n < fixed)
		return fail(r, "pcapng %s at offset %llu is too short", block_name(type),
			    (unsigned long long)off);
	if (type == PNG_BT_EPB) {
		ifidx = g32(r, b);
		ticks = (uint64_t)g32(r, b + 4) << 32 | g32(r, b + 8);
		p->caplen = g32(r, b + 12);
		p->origlen = g32(r, b + 16);
	} else if (type == PNG_BT_OPB) {
		ifidx = g16(r, b);
		ticks = (uint64_t)g32(r, b + 4) << 32 | g32(r, b + 8);
		p->caplen = g32(r, b + 12);
		p->origlen = g32(r, b + 16);
	} else {
		ifidx = 0;
		p->origlen = g32(r, b);
	}
	if (ifidx >= r->nif)
		return fail(r, "pcapng %s at offset %llu: interface %u was not described",
			    block_name(type), (unsigned long long)off, ifidx);
	i = &r->ifs[ifidx];
	if (type == PNG_BT_SPB) {
		/* The captured length is implied: the wire length, cut to the
		 * snapshot length and to the block. */
		p->caplen = p->origlen;
		if (i->snaplen && p->caplen > i->snaplen)
			p->caplen = i->snaplen;
		if (p->caplen > n - fixed)
			p->caplen = n - fixed;
	} else if (pad4(p->caplen) > n - fixed) {
		return fail(r, "pcapng %s at offset %llu: captured length %u exceeds the block",
			    block_name(type), (unsigned long long)off, p->caplen);
	}
	p->ifidx = ifidx;
	p->linktype = i->linktype;
	p->ts_ns = type == PNG_BT_SPB ? 0 : to_ns(i, ticks);
	p->data = b + fixed;
	if (type != PNG_BT_SPB &&
	    walk_opts(r, b + fixed + pad4(p->caplen), n - fixed - pad4(p->caplen), type, off, epb_opt, p))
		return -1;
	return 0;
}

static int step(struct png_reader *r, struct png_pkt *p)
{
	for (;;) {
		uint64_t off = r->off;
		const uint8_t *b = NULL;
		uint32_t type = 0, n = 0;
		int k = next_block(r, &type, &b, &n);

		if (k <= 0)
			return k;
		switch (type) {
		case PNG_BT_SHB:
			if (on_shb(r, b, n, off))
				return -1;
			if (!p)
				return 1;
			break;
		case PNG_BT_IDB:
			if (on_idb(r, b, n, off))
				return -1;
			break;
		case PNG_BT_EPB:
		case PNG_BT_SPB:
		case PNG_BT_OPB:
			if (!p)
				return fail(r, "pcapng packet block before the section header");
			return on_packet(r, type, b, n, off, p) ? -1 : 1;
		default:
			/* Name resolution, statistics, secrets, custom blocks:
			 * nothing the tool needs. */
			break;
		}
	}
}

int png_open_mem(struct png_reader *r, const uint8_t *map, size_t len, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->map = map;
	r->map_len = len;
	r->path = path;
	if (step(r, NULL) != 1)
		return r->err[0] ? -1 : fail(r, "truncated section header at offset 0");
	return 0;
}

int png_open(struct png_reader *r, FILE *f, const char *path)
{
	int c;

	memset(r, 0, sizeof(*r));
	r->f = f;
	r->path = path;
	/* One byte looked at and put back, which any stream allows (a pipe
	 * cannot seek back); next_block() checks the rest of the magic. */
	c = getc(f);
	if (c != 0x0A || ungetc(c, f) == EOF)
		return ferror(f) ? fail(r, "read error: %s", strerror(errno ? errno : EIO)) :
				   fail(r, "not a pcapng file");
	/* The section header, read now so that a bad one is reported before
	 * anything is written. */
	if (step(r, NULL) != 1)
		return r->err[0] ? -1 : fail(r, "truncated section header at offset 0");
	return 0;
}

int png_next(struct png_reader *r, struct png_pkt *p)
{
	return step(r, p);
}

void png_close(struct png_reader *r)
{
	free(r->ifs);
	free(r->buf);
	free(r->comment);
	r->ifs = NULL;
	r->buf = NULL;
	r->comment = NULL;
}
