// SPDX-License-Identifier: MIT
/* What a run did: a summary for people, JSON for programs. */
#include <stdlib.h>
#include <string.h>

#include "capfile.h"
#include "cli.h"

static double mean_segs(const struct gro_stats *s)
{
	return s->super_pkts ? (double)s->segs_merged / s->super_pkts : 0;
}

static double mpps(const struct cli_result *r)
{
	return r->secs_engine > 0 ? r->st.frames_in / r->secs_engine / 1e6 : 0;
}

void cli_print_summary(FILE *f, const char *in, const struct cli_result *r)
{
	const struct gro_stats *s = &r->st;
	int i;

	fprintf(f, "%s: %llu frames in, %llu out (%.1f%% of the input)\n", in,
		(unsigned long long)s->frames_in, (unsigned long long)s->pkts_out,
		s->frames_in ? 100.0 * s->pkts_out / s->frames_in : 0);
	fprintf(f, "  super-packets: %llu, holding %llu segments (%.2f per super-packet)\n",
		(unsigned long long)s->super_pkts, (unsigned long long)s->segs_merged, mean_segs(s));
	fprintf(f, "  packets out by reason:");
	for (i = 0; i < GRO_R_COUNT; i++)
		if (s->reasons[i])
			fprintf(f, " %s=%llu", gro_reason_name(i), (unsigned long long)s->reasons[i]);
	fprintf(f, "\n  time: %.3f s total, %.3f s in the engine (%.2f Mpps), %llu polls\n",
		r->secs_total, r->secs_engine, mpps(r), (unsigned long long)r->polls);
	cli_print_hints(f, r);
}

/* What a user can do when most frames fail one check: half of them or
 * more, and enough of them that it is not a few odd frames. */
void cli_print_hints(FILE *f, const struct cli_result *r)
{
	const struct gro_stats *s = &r->st;
	uint64_t n = s->frames_in;

	if (n < 20)
		return;
	if (r->truncated * 2 >= n)
		fprintf(f, "  hint: %.0f%% of the frames were cut short by the capture's snapshot "
			   "length and cannot merge: capture with -s 0 (the whole frame)\n",
			100.0 * r->truncated / n);
	else if (s->reasons[GRO_R_L4_CSUM] * 2 >= n)
		fprintf(f, "  hint: %.0f%% of the TCP/UDP checksums are wrong: a capture taken on a "
			   "host whose NIC offloads checksums? try --rx-csum=trust\n",
			100.0 * s->reasons[GRO_R_L4_CSUM] / n);
	else if (s->reasons[GRO_R_IP_LEN] * 2 >= n)
		fprintf(f, "  hint: %.0f%% of the frames have an IP length other than the frame's "
			   "(padding, or a capture cut short)\n", 100.0 * s->reasons[GRO_R_IP_LEN] / n);
}

/*
 * Both subcommands print the same keys for the same things (README.md,
 * "JSON statistics"): first what every run has, in this order, then what
 * is particular to the subcommand.
 */
static void json_head(FILE *f, const char *cmd, const char *in, const char *out, int format,
		      uint64_t frames_in, uint64_t frames_out, uint64_t bytes_in, uint64_t bytes_out,
		      uint64_t super, uint64_t segs)
{
	fprintf(f, "{\"command\":\"%s\",\"input\":\"", cmd);
	cli_json_str(f, in);
	fprintf(f, "\",\"output\":\"");
	cli_json_str(f, out);
	fprintf(f, "\",\"format\":\"%s\",\"frames_in\":%llu,\"frames_out\":%llu,"
		"\"bytes_in\":%llu,\"bytes_out\":%llu,"
		"\"super_packets\":%llu,\"segments\":%llu,\"mean_segments\":%.4f",
		cap_format_name(format), (unsigned long long)frames_in,
		(unsigned long long)frames_out, (unsigned long long)bytes_in,
		(unsigned long long)bytes_out, (unsigned long long)super, (unsigned long long)segs,
		super ? (double)segs / super : 0);
}

void cli_print_json(FILE *f, const char *in, const char *out, const struct cli_result *r)
{
	const struct gro_stats *s = &r->st;
	int i;

	json_head(f, "coalesce", in, out, r->format, s->frames_in, s->pkts_out, s->bytes_in,
		  s->bytes_out, s->super_pkts, s->segs_merged);
	fprintf(f, ",\"passed\":%llu,\"truncated\":%llu,\"seconds_total\":%.6f,\"polls\":%llu,"
		"\"seconds_engine\":%.6f,\"mpps\":%.4f,\"reasons\":{",
		(unsigned long long)(s->pkts_out - s->super_pkts), (unsigned long long)r->truncated,
		r->secs_total, (unsigned long long)r->polls, r->secs_engine, mpps(r));
	for (i = 0; i < GRO_R_COUNT; i++)
		fprintf(f, "%s\"%s\":%llu", i ? "," : "", gro_reason_name(i),
			(unsigned long long)s->reasons[i]);
	fprintf(f, "}}\n");
}

void cli_json_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

void cli_print_seg_summary(FILE *f, const char *in, const struct seg_result *r)
{
	fprintf(f, "%s: %llu frames in, %llu out\n", in, (unsigned long long)r->frames_in,
		(unsigned long long)r->frames_out);
	fprintf(f, "  segmented: %llu packets into %llu frames (%llu by their GSO metadata, %llu by --mss)\n",
		(unsigned long long)(r->by_meta + r->by_mss), (unsigned long long)r->segments,
		(unsigned long long)r->by_meta, (unsigned long long)r->by_mss);
	fprintf(f, "  passed through: %llu", (unsigned long long)r->passed);
	if (r->bad_meta || r->truncated || r->too_big)
		fprintf(f, " (invalid metadata %llu, cut short by the capture %llu, too large %llu)",
			(unsigned long long)r->bad_meta, (unsigned long long)r->truncated,
			(unsigned long long)r->too_big);
	fprintf(f, "\n  time: %.3f s\n", r->secs_total);
}

void cli_print_seg_json(FILE *f, const char *in, const char *out, const struct seg_result *r)
{
	json_head(f, "segment", in, out, r->format, r->frames_in, r->frames_out, r->bytes_in,
		  r->bytes_out, r->by_meta + r->by_mss, r->segments);
	fprintf(f, ",\"segmented_by_metadata\":%llu,\"segmented_by_mss\":%llu,"
		"\"passed\":%llu,\"invalid_metadata\":%llu,\"truncated\":%llu,\"too_large\":%llu,"
		"\"seconds_total\":%.6f}\n",
		(unsigned long long)r->by_meta, (unsigned long long)r->by_mss,
		(unsigned long long)r->passed, (unsigned long long)r->bad_meta,
		(unsigned long long)r->truncated, (unsigned long long)r->too_big, r->secs_total);
}
