/* SPDX-License-Identifier: MIT */
/*
 * Capture files for the gro tool: writing pcap (through libpcap) or pcapng
 * (pcapng.c) as safeout.h describes (a temporary file that only replaces
 * OUT once it is complete; devices, FIFOs and "-" written in place), and
 * reading pcap (libpcap) or pcapng (pcapng.c, so that the options of each
 * packet, libgro's GSO metadata among them, are seen), "-" being stdin.
 *
 * Errors are printed as one line, "gro: FILE: reason", by these functions.
 */
#ifndef GRO_CAPFILE_H
#define GRO_CAPFILE_H

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

#include "pcapng.h"
#include "safeout.h"

#define CAP_SNAPLEN 262144

enum cap_format { CAP_AUTO = 0, CAP_PCAP, CAP_PCAPNG };

/* @forced, or the format OUT's name asks for: ".pcapng" gives pcapng,
 * anything else pcap. */
enum cap_format cap_format_of(const char *path, enum cap_format forced);

/* "pcap" or "pcapng". */
const char *cap_format_name(enum cap_format f);

/*
 * Link types (LINKTYPE_* values, as pcap and pcapng files store them; the
 * readers below give these, whatever DLT_* libpcap uses in memory). The
 * tool reads the packets of these; a record of the pseudo-header kinds
 * (SLL, SLL2, NULL, LOOP) keeps its pseudo-header, and the packet after it
 * is what is merged or cut.
 */
#define LT_NULL		0	/* BSD loopback: 4-byte AF_ value, the writer's byte order */
#define LT_ETHERNET	1
#define LT_RAW		101	/* an IPv4 or IPv6 packet, by its version nibble */
#define LT_LOOP		108	/* OpenBSD loopback: 4-byte AF_ value, big-endian */
#define LT_LINUX_SLL	113	/* Linux cooked capture, 16-byte header */
#define LT_IPV4		228
#define LT_IPV6		229
#define LT_LINUX_SLL2	276	/* Linux cooked capture v2, 20 bytes: tcpdump -i any */

/* A link type the tool reads? Its name ("RAW", "LINUX_SLL2"...) either way. */
int cap_link_ok(int lt);
const char *cap_link_name(int lt);

/* Where the packet of a record of link type @lt starts: the length of
 * the pseudo-header before it, and in *@start the gro_frame.flags bits
 * that say what it starts with (0: Ethernet). -1: the record is shorter
 * than its pseudo-header, or the pseudo-header names a protocol other
 * than IPv4 or IPv6 (such a record goes out as it came). */
int cap_link_split(int lt, const uint8_t *data, uint32_t caplen, uint32_t *start);

struct cap_writer {
	const char *path;
	struct sout out;
	FILE *f;		/* out.f */
	enum cap_format fmt;
	int nano;
	pcap_t *dead;
	pcap_dumper_t *dumper;
	int linktype;		/* pcap: the file's (set by the first packet), or -1 */
	int empty_lt;		/* pcap: the file's if no packet comes (default Ethernet) */
	int mixed;		/* pcap: 1 + the link type of a packet of another */
	int ifs[16];		/* pcapng: the link type of each interface written */
	unsigned nif;
	int err;		/* errno of the first failed write, or 0 */
};

/* Start writing @path (see sout_open(); @in_path and @in describe the
 * input, or are NULL) in @fmt (not CAP_AUTO), timestamps in microseconds
 * or, with @nano, nanoseconds. Returns 0, or 1 after printing an error. */
int cap_writer_open(struct cap_writer *w, const char *path, enum cap_format fmt, int nano,
		    const char *in_path, const struct stat *in);

/* One packet of link type @lt; options are written only to pcapng, which
 * gets an interface per link type. A pcap file has one link type, the
 * first packet's (Ethernet if there is none): a packet of another is an
 * error. Errors are remembered in w->err (which a long run may check to
 * stop early) and reported by cap_writer_commit(). */
void cap_writer_put(struct cap_writer *w, int lt, uint64_t ts_ns, const uint8_t *data,
		    uint32_t caplen, uint32_t len, const struct png_opt *opts, unsigned nopts);

/* Flush and move the file into place: 0, or 1 after printing an error (the
 * temporary file is then removed). */
int cap_writer_commit(struct cap_writer *w);

/* Give up: close and remove the temporary file. Safe after commit. */
void cap_writer_abort(struct cap_writer *w);

/* A packet read from a capture; valid until the next cap_reader_next(). */
struct cap_pkt {
	uint64_t ts_ns;
	uint32_t caplen, len;
	const uint8_t *data;
	int linktype;		/* LT_* (LINKTYPE_* values) */
	uint32_t ifidx;		/* pcapng interface, 0 for pcap */
	const char *comment;	/* pcapng opt_comment, or NULL */
	int has_meta, bad_meta;	/* libgro's metadata option: well-formed / not */
	struct gro_meta meta;
};

struct cap_reader {
	const char *path;
	int png;		/* 1: pcapng.c, 0: libpcap or the mapped pcap */
	int nano;		/* the capture has sub-microsecond timestamps */
	struct sin in;		/* the file; in.st describes it */
	FILE *f;		/* what the readers read: in.f, or a stream that
				 * puts back the bytes looked at on a pipe */
	struct png_reader pr;
	pcap_t *pc;
	/* A mapped pcap file is read in place (see cap_reader_open()). */
	int mapped;
	int swap;		/* written in the other byte order */
	int lt;			/* its link type */
	uint32_t snap;		/* its snapshot length, as libpcap takes it */
	size_t off;		/* where the next record starts */
};

/* Open @path ("-": standard input): 0, or 1 after printing an error. */
int cap_reader_open(struct cap_reader *r, const char *path);
/* 1: a packet, 0: the end, -1: an error (printed). */
int cap_reader_next(struct cap_reader *r, struct cap_pkt *p);
/* A pcap file's link type (LT_*), or Ethernet for pcapng, whose
 * interfaces each have their own. */
int cap_reader_linktype(const struct cap_reader *r);
/* Bytes of the input read so far (for a progress line), or -1. */
long long cap_reader_pos(const struct cap_reader *r);
void cap_reader_close(struct cap_reader *r);

#endif
