/* SPDX-License-Identifier: MIT */
/* Shared pieces of the gro command-line tool. */
#ifndef GRO_CLI_H
#define GRO_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "gro.h"

struct cli_opts {
	unsigned burst;			/* frames per poll, the NAPI weight */
	uint64_t flush_timeout_us;	/* a poll spans at most this much capture time */
	uint32_t max_flows;		/* 0: Linux's 8 buckets of 8 */
	uint32_t max_size, max_segs;
	int rx_trust;			/* trust TCP checksums (CHECKSUM_UNNECESSARY) */
	int csum_partial;		/* keep the pseudo-header seed in the output */
	int json, quiet;
	int no_vlan;			/* pass VLAN-tagged frames through */
	unsigned udp;			/* enum gro_udp_mode */
	int fraglist;			/* TCP fraglist GRO */
	struct gro_udp_tunnel tunnels[GRO_UDP_TUNNELS];	/* --vxlan-port, --geneve-port */
	unsigned ntunnels;
	const char *meta_path;		/* per-packet offload metadata, text */
	int format;			/* enum cap_format of OUT: 0 by its name */
	int napi_defer;			/* Linux's deferred poll model (run.c) */
	uint64_t napi_defer_us;		/* its gro_flush_timeout */
	unsigned defer_irqs;		/* its napi_defer_hard_irqs */
	unsigned hz;			/* the kernel's HZ: jiffies */
};

/* Observers the demo uses to tabulate flows; NULL when unused. */
struct cli_watch {
	void (*in)(void *arg, const uint8_t *frame, uint32_t len);
	void (*out)(void *arg, const struct gro_pkt *pkt);
	void *arg;
};

struct cli_result {
	struct gro_stats st;
	double secs_total;		/* wall time, I/O included */
	double secs_engine;		/* time inside gro_receive/gro_flush */
	uint64_t polls;
	int format;			/* enum cap_format of OUT */
	uint64_t truncated;		/* records the capture cut short (snapshot length) */
};

void cli_opts_init(struct cli_opts *o);
/* The options of coalesce, for its --help; cli_usage_tail() the lines
 * every subcommand shares (-h, -V, --, '-' as a file). */
void cli_usage_common(FILE *f);
void cli_usage_tail(FILE *f);
void cli_print_version(void);

/* After getopt_long() returned @c ('?' or ':'): a one-line error about the
 * option, a usage line; returns 2, the exit status. */
int cli_bad_option(const char *cmd, int c, int optopt_, char **argv, int optind_);
/* Set the engine option --@name (one of coalesce's, with a value) to
 * @val: 0, or -1 after printing why not. */
int cli_engine_opt(struct cli_opts *o, const char *name, const char *val);
/* @npos positional arguments where @want are needed: 0, or 2 after an
 * error and a usage line. */
int cli_check_args(const char *cmd, int npos, int want);
/* At most one of OUT '-', --json and --meta - may use stdout: 0, or 2
 * after an error. */
int cli_check_stdout(const char *out, int json, const char *meta);

/* Run the engine over capture @in, writing delivered frames to @out.
 * Returns 0, or 1 after printing a one-line error; @out is then absent. */
int cli_coalesce(const char *in, const char *out, const struct cli_opts *o,
		 const struct cli_watch *w, struct cli_result *res);

void cli_print_summary(FILE *f, const char *in, const struct cli_result *r);
/* The hint lines of the summary (one at most), when most frames fail one
 * check for a reason the user can change. */
void cli_print_hints(FILE *f, const struct cli_result *r);
void cli_print_json(FILE *f, const char *in, const char *out, const struct cli_result *r);

/* The value of --format, pcap or pcapng, into *fmt (an enum cap_format):
 * 0, or -1 after printing an error. */
int cli_parse_format(int *fmt, const char *val);

/* gro segment */
struct seg_opts {
	uint32_t mss;			/* 0: only packets with GSO metadata */
	int format;			/* enum cap_format of OUT: 0 by its name */
	int json, quiet;
};

struct seg_result {
	uint64_t frames_in, frames_out;
	uint64_t bytes_in, bytes_out;
	uint64_t by_meta;		/* packets cut as their metadata says */
	uint64_t by_mss;		/* oversized frames cut at --mss */
	uint64_t segments;		/* frames those became */
	uint64_t passed;		/* frames written as they were */
	uint64_t bad_meta;		/* metadata present but unusable: passed */
	uint64_t truncated;		/* metadata, but the capture cut the frame: passed */
	uint64_t too_big;		/* would exceed the per-packet output limit: passed */
	double secs_total;
	int format;			/* enum cap_format of OUT */
};

int cli_segment(const char *in, const char *out, const struct seg_opts *o, struct seg_result *r);
void cli_print_seg_summary(FILE *f, const char *in, const struct seg_result *r);
void cli_print_seg_json(FILE *f, const char *in, const char *out, const struct seg_result *r);

/* @s as a JSON string body (quotes and control characters escaped). */
void cli_json_str(FILE *f, const char *s);

int cmd_coalesce(int argc, char **argv);
int cmd_segment(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_relay(int argc, char **argv);

#endif
