/* SPDX-License-Identifier: MIT */
/*
 * A small pcapng writer and reader, for what libpcap cannot do: write
 * pcapng, and read the options of each packet.
 *
 * The writer produces one section (host byte order) with an interface per
 * link type and an Enhanced Packet Block per packet, each with optional
 * options. The reader takes any pcapng file, in either byte order, with any
 * number of sections and interfaces; it returns Enhanced, Simple and
 * obsolete Packet Blocks in file order and skips every other block. It
 * checks every length against the block that holds it before using it.
 *
 * libgro's GSO metadata travels in a custom option of each super-packet's
 * EPB; see GRO_META_* below and README.md ("Files with GSO metadata").
 */
#ifndef GRO_PCAPNG_H
#define GRO_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

#define PNG_BT_SHB		0x0A0D0D0Au
#define PNG_BT_IDB		0x00000001u
#define PNG_BT_OPB		0x00000002u	/* obsolete Packet Block */
#define PNG_BT_SPB		0x00000003u
#define PNG_BT_EPB		0x00000006u
#define PNG_BOM			0x1A2B3C4Du

#define PNG_OPT_END		0
#define PNG_OPT_COMMENT		1
#define PNG_OPT_CUSTOM_BIN	2989	/* custom option, binary, may be copied */
#define PNG_OPT_CUSTOM_BIN_NC	19373	/* the same, not to be copied */
#define PNG_SHB_USERAPPL	4
#define PNG_IF_NAME		2
#define PNG_IF_TSRESOL		9
#define PNG_IF_TSOFFSET		14

/* The largest block the reader accepts (libpcap's limit as well). */
#define PNG_MAX_BLOCK		(16u << 20)

/*
 * libgro's metadata option: custom option PNG_OPT_CUSTOM_BIN whose value is
 *
 *   PEN        4 bytes, in the section's byte order: GRO_META_PEN
 *   magic      4 bytes "LGRO"
 *   version    1 byte, 1
 *   hdr_size   1 byte, 12: the size of the virtio_net_hdr that follows
 *   vnet       hdr_size bytes: virtio_net_hdr_v1 as gro_vnet_encode()
 *              writes it (little-endian, as virtio defines it)
 *   gso_type   4 bytes little-endian: the GRO_GSO_* bits, which also say
 *              what virtio_net_hdr cannot (FIXEDID, ACCECN)
 *   gso_segs   2 bytes little-endian
 *
 * libgro has no Private Enterprise Number of its own. It uses 32473, the
 * number IANA lists for documentation and examples (RFC 5612), and the
 * magic after it tells libgro's option from any other use of that number.
 */
#define GRO_META_PEN		32473u
#define GRO_META_MAGIC		"LGRO"
#define GRO_META_VERSION	1
#define GRO_META_VNET_LEN	12
#define GRO_META_LEN		(4 + 4 + 1 + 1 + GRO_META_VNET_LEN + 4 + 2)	/* PEN included */

struct gro_meta {
	uint8_t vnet[GRO_META_VNET_LEN];
	uint32_t gso_type;
	uint16_t gso_segs;
};

/* ------------------------------------------------------------ writing */

/* One option of a block: code, length and value (padding is added). */
struct png_opt {
	uint16_t code;
	uint16_t len;
	const void *val;
};

/* Section Header Block (shb_userappl @appl). Returns 0, or -1 if the
 * stream failed. */
int png_write_head(FILE *f, const char *appl);

/* An Interface Description Block: LINKTYPE @linktype, @snaplen,
 * timestamps in units of 10^-@tsresol s. The section's interfaces are
 * numbered from 0 in the order of these. */
/* An interface of @linktype named @name (if_name: what capture tools show
 * for it, "unknown" without one). */
int png_write_idb(FILE *f, uint16_t linktype, uint32_t snaplen, int tsresol, const char *name);

/* An Enhanced Packet Block on interface @ifidx; @ts in its units. */
int png_write_epb(FILE *f, uint32_t ifidx, uint64_t ts, const uint8_t *data, uint32_t caplen,
		  uint32_t origlen, const struct png_opt *opts, unsigned nopts);

/* The value of libgro's metadata option (GRO_META_LEN bytes) into @buf,
 * PEN in host byte order (the writer's section order). */
void gro_meta_pack(const struct gro_meta *m, uint8_t buf[GRO_META_LEN]);

/* ------------------------------------------------------------ reading */

struct png_if {
	uint16_t linktype;
	uint32_t snaplen;
	int8_t tsresol_dec;	/* >= 0: units of 10^-n s */
	int8_t tsresol_bin;	/* >= 0: units of 2^-n s (tsresol_dec is -1) */
	int64_t tsoffset;	/* seconds added to every timestamp */
};

/* A packet from any packet block. data, comment and the metadata are valid
 * until the next png_next(). */
struct png_pkt {
	uint32_t ifidx;
	uint16_t linktype;
	uint64_t ts_ns;		/* nanoseconds since 1970 */
	uint32_t caplen, origlen;
	const uint8_t *data;
	const char *comment;	/* first opt_comment, NUL-terminated, or NULL */
	int has_meta;		/* libgro's option was present and well-formed */
	int bad_meta;		/* libgro's magic, but an unknown version or size */
	struct gro_meta meta;
};

struct png_reader {
	FILE *f;		/* or: */
	const uint8_t *map;	/* the whole file, read in place */
	size_t map_len;
	size_t have;		/* f: bytes of the current block in buf */
	const char *path;
	int swap;		/* the section's byte order is not the host's */
	int nano;		/* some interface has a resolution finer than 1 us */
	uint64_t off;		/* file offset of the next block */
	struct png_if *ifs;
	unsigned nif, capif;
	uint8_t *buf;
	size_t cap;
	char *comment;		/* NUL-terminated copy of the current comment */
	size_t comment_cap;
	char err[256];		/* the reason of the last -1, without the path */
};

/* Start reading @f, positioned at the start of the file; it is only read
 * forward, so a pipe will do. Returns 0, or -1 with r->err set (not a
 * pcapng file, bad first section). */
int png_open(struct png_reader *r, FILE *f, const char *path);

/* The same for a file in memory (mapped), @len bytes at @map, read in
 * place: a packet's data and the bodies of blocks point into it. */
int png_open_mem(struct png_reader *r, const uint8_t *map, size_t len, const char *path);

/* The next packet: 1, 0 at the end of the file, -1 with r->err set. */
int png_next(struct png_reader *r, struct png_pkt *p);

void png_close(struct png_reader *r);

#endif
