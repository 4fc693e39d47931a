// SPDX-License-Identifier: MIT
/* What a run did: a summary for people, JSON for programs. */
#include <stdlib.h>
#include <string.h>

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
}

void cli_print_json(FILE *f, const char *in, const char *out, const struct cli_result *r)
{
	const struct gro_stats *s = &r->st;
	int i, first = 1;

	fprintf(f, "{\"input\":\"%s\",\"output\":\"%s\",\"frames_in\":%llu,\"packets_out\":%llu,"
		"\"super_packets\":%llu,\"segments_merged\":%llu,\"mean_segments\":%.4f,"
		"\"bytes_in\":%llu,\"bytes_out\":%llu,\"polls\":%llu,"
		"\"seconds_total\":%.6f,\"seconds_engine\":%.6f,\"mpps\":%.4f,\"reasons\":{",
		in, out, (unsigned long long)s->frames_in, (unsigned long long)s->pkts_out,
		(unsigned long long)s->super_pkts, (unsigned long long)s->segs_merged, mean_segs(s),
		(unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out,
		(unsigned long long)r->polls, r->secs_total, r->secs_engine, mpps(r));
	for (i = 0; i < GRO_R_COUNT; i++) {
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",", gro_reason_name(i),
			(unsigned long long)s->reasons[i]);
		first = 0;
	}
	fprintf(f, "}}\n");
}
