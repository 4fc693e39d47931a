// SPDX-License-Identifier: MIT
/*
 * libgro benchmark: libgro and DPDK's rte_gro (lightweight and heavyweight
 * mode) on the same in-memory packet streams, in one process.
 *
 *   grobench [--quick] [--reps N] [--budget PKTS] [--out DIR]
 *            [--instr-file F] [--only CELL-SUBSTRING[,...]|cores|csum|mem]
 *            [--no-cores] [--no-csum]
 *   grobench --instr CELL ENGINE      one run between callgrind markers
 *   grobench --list-instr             the cells and engines to count
 *   grobench --profile CELL ENGINE N  N timed libgro runs, for a profiler
 *
 * A stream is a sequence of polls; a poll is bursts of 32 frames followed
 * by a flush of everything held (gro_flush(GRO_FLUSH_ALL); rte_gro's
 * heavyweight table is flushed with rte_gro_timeout_flush(0) at the same
 * points; lightweight rte_gro flushes at the end of every burst by design).
 * In a bulk stream every flow sends k full-sized segments per poll, either
 * in runs (a flow's segments together) or round-robin interleaved. UDP
 * cells (libgro with GRO_UDP_L4) are bulk streams of MTU-sized datagrams
 * (1472 / 1452 payload bytes), plus one of 500-byte datagrams that hits
 * the 64-datagram cap; rte_gro has no UDP GRO (RTE_GRO_UDP_IPV4 joins IPv4
 * fragments), so they have no rte_gro rows. Tunnel cells carry the bulk
 * TCP stream inside VXLAN (beside rte_gro's RTE_GRO_IPV4_VXLAN_TCP_IPV4)
 * and GRE (which rte_gro does not merge), over IPv4, in MTU-sized frames.
 * The issues' targets (the performance issue's ceilings per cell, ahead
 * of rte_gro everywhere, two-core speed-ups; UDP and tunnels: at most 1.5x
 * the ns/pkt of the TCP cell of the same shape) are printed last, each met
 * or missed.
 *
 * Before a workload is timed, libgro's output is checked: the same stream
 * through a second engine fed one frame per call and delivering one packet
 * per batch must give the same packets byte for byte, in the same order;
 * the number of packets must be the one Linux's rules give for the stream;
 * every packet's IP and TCP (UDP) checksums and lengths must hold once
 * linearized; each flow's sequence numbers (UDP: the datagram index each
 * payload carries) must come out contiguous; no packet may exceed the
 * segments Linux allows (45 TCP segments, 64 datagrams or 64 KiB); and
 * every frame must be released exactly once.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "dpdk.h"
#include "driver.h"

struct cell {
	int kind, v6, order;
	uint32_t flows;
	uint32_t dgram;		/* K_UDP: datagram payload bytes (0: MTU-sized) */
	int udp_gro;		/* K_VXLAN: UDP GRO on as well */
};

static const uint32_t flow_counts[] = { 1, 16, 64, 1024, 65536, 1048576 };
#define NFLOWCOUNTS (int)(sizeof(flow_counts) / sizeof(flow_counts[0]))

static int make_cells(struct cell *c)
{
	int n = 0, v6, i, o;

	for (v6 = 0; v6 < 2; v6++) {
		for (i = 0; i < NFLOWCOUNTS; i++)
			for (o = O_RUNS; o <= O_INTERLEAVED; o++) {
				if (flow_counts[i] == 1 && o == O_INTERLEAVED)
					continue;
				c[n++] = (struct cell){ K_BULK, v6, o, flow_counts[i], 0, 0 };
			}
		if (!v6) {
			c[n++] = (struct cell){ K_ACKS, 0, O_INTERLEAVED, 1024, 0, 0 };
			c[n++] = (struct cell){ K_MIXED, 0, O_INTERLEAVED, 1024, 0, 0 };
		}
	}
	/* UDP (GRO_UDP_L4), after the TCP cells: the shapes of the two TCP
	 * cells of the targets, with MTU-sized datagrams (44 or 45 fill 64
	 * KiB); and one of 500-byte datagrams, 130 per poll, where the cap of
	 * 64 per packet ends them. */
	for (v6 = 0; v6 < 2; v6++) {
		c[n++] = (struct cell){ K_UDP, v6, O_RUNS, 1, 0, 0 };
		c[n++] = (struct cell){ K_UDP, v6, O_INTERLEAVED, 1024, 0, 0 };
	}
	c[n++] = (struct cell){ K_UDP, 0, O_RUNS, 1, 500, 0 };
	/* Tunnels: the two target shapes, TCP over IPv4 inside VXLAN and GRE
	 * over IPv4. */
	c[n++] = (struct cell){ K_VXLAN, 0, O_RUNS, 1, 0, 0 };
	c[n++] = (struct cell){ K_VXLAN, 0, O_INTERLEAVED, 1024, 0, 0 };
	/* The same with UDP GRO on, which must not take the tunnel's
	 * datagrams for UDP's (libgro alone: rte_gro has no such setting). */
	c[n++] = (struct cell){ K_VXLAN, 0, O_INTERLEAVED, 1024, 0, 1 };
	c[n++] = (struct cell){ K_GRE, 0, O_RUNS, 1, 0, 0 };
	c[n++] = (struct cell){ K_GRE, 0, O_INTERLEAVED, 1024, 0, 0 };
	return n;
}

/* The adapter's configuration: libgro's for the cell, without hooks. */
static void gd_config(const struct stream *s, struct gro_config *cfg)
{
	struct sink k;

	lib_config(s, cfg, E_LIB, &k);
	cfg->deliver = NULL;
	cfg->deliver_arg = NULL;
	cfg->release_batch = NULL;
	cfg->release_arg = NULL;
}

/* Which engines run on a cell. */
static int cell_engines(const struct cell *c, int *e)
{
	int n = 0;

	e[n++] = E_LIB;
	if ((c->kind != K_UDP || !c->dgram) && kind_bulk(c->kind) &&
	    (c->flows == 1 || (c->flows == 1024 && c->order == O_INTERLEAVED)))
		e[n++] = E_LIB_VERIFY;
	/* Where rte_gro's lightweight mode (which keeps no flow from one burst
	 * to the next) is compared with libgro holding every flow: libgro
	 * with Linux's limits beside them. */
	if (c->kind == K_BULK && !c->v6 && c->flows >= 65536)
		e[n++] = E_LIB_8X8;
	/* rte_gro has no UDP GRO: its RTE_GRO_UDP_IPV4 reassembles IPv4
	 * fragments (lib/gro/gro_udp4.c passes any non-fragment through). */
	if (c->kind == K_UDP || c->kind == K_GRE || c->udp_gro)
		return n;
	if (!c->v6) {
		e[n++] = E_LW;
		e[n++] = E_HW;
		e[n++] = E_GD_LW;
		e[n++] = E_GD_HW;
	}
	if (c->kind != K_BULK)
		e[n++] = E_NOGRO;
	return n;
}

static void cell_id(const struct cell *c, char *b, size_t n)
{
	if (c->kind == K_BULK)
		snprintf(b, n, "%s-bulk-%s-%u", c->v6 ? "v6" : "v4",
			 c->flows == 1 ? "inorder" : c->order == O_RUNS ? "runs" : "il", c->flows);
	else if (kind_tunnel(c->kind))
		snprintf(b, n, "v4-%s%s-%s-%u", c->kind == K_VXLAN ? "vxlan" : "gre",
			 c->udp_gro ? "-udpgro" : "",
			 c->flows == 1 ? "inorder" : c->order == O_RUNS ? "runs" : "il", c->flows);
	else if (c->kind == K_UDP)
		snprintf(b, n, "%s-udp%u-%s-%u", c->v6 ? "v6" : "v4",
			 c->dgram ? c->dgram : c->v6 ? UDP_PAY6 : UDP_PAY4,
			 c->flows == 1 ? "inorder" : c->order == O_RUNS ? "runs" : "il", c->flows);
	else
		snprintf(b, n, "v4-%s-%u", c->kind == K_ACKS ? "acks" : "mixed", c->flows);
}

/* The stream of cell @c. */
static void cell_stream(const struct cell *c, struct stream *s, int quick, int with_payload)
{
	stream_build(s, c->kind, c->v6, c->order, c->flows, quick, with_payload, c->dgram);
	if (c->udp_gro) {
		char was[sizeof(s->name)];
		const char *comma;

		s->udp_gro = 1;
		memcpy(was, s->name, sizeof(was));
		comma = strchr(was, ',');
		snprintf(s->name, sizeof(s->name), "v4 VXLAN, UDP GRO on%s", comma ? comma : "");
		cell_id(c, s->id, sizeof(s->id));
	}
}

/* Instruction counts under callgrind: every cell but the heavyweight
 * rte_gro ones whose linear scans would take hours there. */
static int instr_wanted(const struct cell *c, int eng)
{
	return !(eng == E_HW && c->flows > 1024);
}

static void machine(FILE *out)
{
	char model[128] = "?", line[256], date[64];
	FILE *f = fopen("/proc/cpuinfo", "r");
	struct utsname u;
	time_t t = time(NULL);

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			char *c = strchr(line, ':');

			if (c) {
				snprintf(model, sizeof(model), "%s", c + 2);
				model[strcspn(model, "\n")] = 0;
			}
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&t));
	fprintf(out, "Date: %s. Machine: %s, %ld cores, Linux %s. rte_gro: %s.\n", date, model,
		sysconf(_SC_NPROCESSORS_ONLN), u.release, dp_version());
}

/* Does --only @want (substrings separated by commas) take cell @cid? */
static bool id_wanted(const char *cid, const char *want)
{
	char one[64];

	while (*want) {
		size_t n = strcspn(want, ",");

		if (n && n < sizeof(one)) {
			memcpy(one, want, n);
			one[n] = 0;
			if (strstr(cid, one))
				return true;
		}
		want += n + (want[n] == ',');
	}
	return false;
}

/* --profile CELL ENGINE N: N timed passes of one libgro cell, nothing else
 * (for a sampling profiler). */
static int run_profile(const char *id, const char *eng_id, int n)
{
	struct cell cells[64];
	int nc = make_cells(cells), i, e;
	char cid[48];

	for (e = 0; e < E_COUNT && strcmp(engine_ids[e], eng_id); e++)
		;
	if (e != E_LIB && e != E_LIB_VERIFY && e != E_LIB_8X8)
		die("--profile: libgro engines only");
	for (i = 0; i < nc; i++) {
		struct stream s;
		struct run_result r;
		double t = 0;
		int k;

		cell_id(&cells[i], cid, sizeof(cid));
		if (strcmp(cid, id))
			continue;
		cell_stream(&cells[i], &s, 0, 1);
		for (k = 0; k < n; k++) {
			lib_bench(&s, e, MAX_REPS, 0, &r);
			t += r.ns[0];
		}
		printf("%s %s: %.2f ns/pkt (first of each)\n", id, eng_id, t / n / s.npkts);
		stream_free(&s);
		return 0;
	}
	die("unknown cell %s", id);
	return 1;
}

static int run_instr(const char *id, const char *eng_id)
{
	struct cell cells[64];
	int n = make_cells(cells), i, e;
	char cid[48];

	for (e = 0; e < E_COUNT && strcmp(engine_ids[e], eng_id); e++)
		;
	if (e == E_COUNT)
		die("unknown engine %s", eng_id);
	for (i = 0; i < n; i++) {
		struct stream s;
		struct run_result r;
		struct dp_result d;

		cell_id(&cells[i], cid, sizeof(cid));
		if (strcmp(cid, id))
			continue;
		cell_stream(&cells[i], &s, 0, e == E_LIB_VERIFY);
		if (e == E_LW || e == E_HW) {
			if (dp_init("grobench") || dp_bench(&s, e == E_LW ? DP_LW : DP_HW, 1, 1, &d))
				die("rte_gro not available");
		} else if (e == E_GD_LW || e == E_GD_HW) {
			struct gro_config cfg;

			gd_config(&s, &cfg);
			if (dp_init("grobench") ||
			    dp_bench_gd(&s, e == E_GD_LW ? DP_LW : DP_HW, &cfg, 1, 1, &d))
				die("gro_dpdk not available");
		} else {
			lib_bench(&s, e, 1, 1, &r);
		}
		printf("%s,%s,packets,%zu\n", id, eng_id, s.npkts);
		stream_free(&s);
		return 0;
	}
	die("unknown cell %s", id);
	return 1;
}

/* One engine's figures in one cell, gathered over the rounds. */
struct eng_runs {
	double ns[MAX_REPS];
	int nrep;
	int ran;		/* a row is printed for it */
	int done;		/* measured once, not again */
	uint64_t out;
	double bytes_per_flow, instr;
	char chk[96];
};

/* rte_gro hw at 64K flows, per order: for the estimate at 1M. */
static double hw64k[2] = { NAN, NAN };
static int dp_ok;	/* rte_gro and the adapter can run */

/* Round @round of engine @eng on cell @c: one timed pass (after an untimed
 * one), its figures added to @x. The packets libgro gave in this cell
 * (@lib_out; libgro runs first in a round) are what the others are
 * checked against; set in *@lib_out_set when @eng is libgro. */
static void run_engine(const struct cell *c, struct stream *s, int eng, int round,
		       uint64_t lib_out, struct eng_runs *x, uint64_t *lib_out_set)
{
	struct run_result r;
	struct dp_result d;

	if (x->done)
		return;
	switch (eng) {
	case E_LIB:
	case E_LIB_VERIFY:
	case E_LIB_8X8:
		if (!round) {
			lib_check(s, eng, x->chk, sizeof(x->chk));
			if (!strcmp(x->chk, "ok"))
				snprintf(x->chk, sizeof(x->chk), "ok: = reference, %llu out as Linux",
					 (unsigned long long)lib_expect_out(s, eng));
		}
		lib_bench(s, eng, 1, 0, &r);
		if (eng == E_LIB)
			*lib_out_set = r.out;
		break;
	case E_NOGRO:
		lib_bench(s, E_NOGRO, 1, 0, &r);
		r.bytes_per_flow = -1;
		snprintf(x->chk, sizeof(x->chk), "baseline");
		break;
	case E_GD_LW:
	case E_GD_HW: {
		struct gro_config cfg;

		if (!dp_ok)
			return;
		gd_config(s, &cfg);
		dp_bench_gd(s, eng == E_GD_LW ? DP_LW : DP_HW, &cfg, 1, 0, &d);
		/* The heavyweight form runs libgro's schedule, so it must
		 * give libgro's packets; the lightweight one flushes every
		 * burst, as rte_gro's does. */
		if (!d.ok)
			snprintf(x->chk, sizeof(x->chk), "FAIL: %.80s", d.note);
		else if (d.out == lib_out)
			snprintf(x->chk, sizeof(x->chk), "ok: out = libgro");
		else if (eng == E_GD_LW)
			snprintf(x->chk, sizeof(x->chk), "ok: out %.2fx libgro's (flushed per burst)",
				 (double)d.out / lib_out);
		else
			snprintf(x->chk, sizeof(x->chk), "FAIL: out %.2fx libgro's",
				 (double)d.out / lib_out);
		goto dp;
	}
	default:
		if (!dp_ok)
			return;
		if (eng == E_HW && c->flows > 65536) {
			double est = hw64k[c->order] * c->flows / 65536.0;

			snprintf(x->chk, sizeof(x->chk),
				 "not run: linear flow scan, est. %.0f us/pkt from 64K", est / 1e3);
			x->ran = x->done = 1;
			x->bytes_per_flow = x->instr = -1;
			return;
		}
		/* The heavyweight table scans its flows for each packet: at
		 * 64K flows one cold pass, once. */
		if (eng == E_HW && c->flows >= 65536) {
			dp_bench(s, DP_HW, 1, BENCH_COLD, &d);
			x->done = 1;
		} else {
			dp_bench(s, eng == E_LW ? DP_LW : DP_HW, 1, 0, &d);
		}
		if (!d.ok)
			snprintf(x->chk, sizeof(x->chk), "FAIL: %.80s", d.note);
		else if (d.out == lib_out)
			snprintf(x->chk, sizeof(x->chk), "ok: out = libgro");
		else
			snprintf(x->chk, sizeof(x->chk), "ok: out %.2fx libgro's", (double)d.out / lib_out);
	dp:
		x->ns[x->nrep++] = d.ns[0];
		x->out = d.out;
		x->bytes_per_flow = d.bytes_per_flow;
		x->instr = d.instr;
		x->ran = 1;
		return;
	}
	x->ns[x->nrep++] = r.ns[0];
	x->out = r.out;
	x->bytes_per_flow = r.bytes_per_flow;
	x->instr = r.instr;
	x->ran = 1;
}

/* Rounds for a figure that is a ratio of two setups taking turns (the
 * TCP ratios, the cores' speed-ups): at least 9, the median of whose
 * ratios is steadier than 3 on a host of changing pace. */
#define RATIO_ROUNDS(reps) ((reps) > 9 ? (reps) : 9)

/* The cells of each "so many times the TCP cell" target again, libgro's
 * passes over the two streams alternating for @reps rounds: cells run
 * minutes apart can meet different phases of a shared machine, and a
 * ratio of their rows would measure the phases. */
static void measure_vs_tcp(const struct cell *cells, int ncells, int quick, int reps,
			   const char *only)
{
	/* The cells are small: RATIO_ROUNDS. On a host whose pace moves
	 * from one second to the next a pair measured together shares it, so
	 * the target is judged by the median of the rounds' own ratios, not
	 * by the ratio of two medians. */
	const int rounds = RATIO_ROUNDS(reps);
	unsigned t;

	for (t = 0; t < n_vs_tcp_targets; t++) {
		const char *id[2] = { vs_tcp_targets[t].other, vs_tcp_targets[t].tcp };
		struct stream s[2];
		double ns[2][MAX_REPS], ratio[MAX_REPS], med[2];
		int k, i, round, found = 0;
		char cid[48];

		if (only && !(id_wanted(id[0], only) && id_wanted(id[1], only)))
			continue;
		for (k = 0; k < 2; k++)
			for (i = 0; i < ncells; i++) {
				cell_id(&cells[i], cid, sizeof(cid));
				if (!strcmp(cid, id[k])) {
					cell_stream(&cells[i], &s[k], quick, 1);
					found |= 1 << k;
					break;
				}
			}
		if (found != 3) {
			if (found & 1)
				stream_free(&s[0]);
			if (found & 2)
				stream_free(&s[1]);
			continue;
		}
		for (round = 0; round < rounds; round++) {
			for (k = 0; k < 2; k++) {
				struct run_result r;

				lib_bench(&s[k], E_LIB, 1, 0, &r);
				ns[k][round] = r.ns[0] / (double)s[k].npkts;
			}
			ratio[round] = ns[0][round] / ns[1][round];
		}
		for (k = 0; k < 2; k++) {
			med[k] = median(ns[k], rounds);
			stream_free(&s[k]);
		}
		note_vs_tcp(t, med[0], med[1], median(ratio, rounds), rounds);
	}
}

int main(int argc, char **argv)
{
	const char *outdir = "build/bench", *instr_file = NULL, *only = NULL;
	int quick = 0, reps = 7, i, ai, ncells, nocores = 0, nocsum = 0;
	struct cell cells[64];
	char path[512];
	FILE *out = stdout;
	double pace0, pace1;

	if (stream_init()) {
		fprintf(stderr, "grobench: gro_rss_create failed\n");
		return 1;
	}

	for (ai = 1; ai < argc; ai++) {
		if (!strcmp(argv[ai], "--quick"))
			quick = 1, reps = 3;
		else if (!strcmp(argv[ai], "--reps") && ai + 1 < argc)
			reps = atoi(argv[++ai]);
		else if (!strcmp(argv[ai], "--out") && ai + 1 < argc)
			outdir = argv[++ai];
		else if (!strcmp(argv[ai], "--instr-file") && ai + 1 < argc)
			instr_file = argv[++ai];
		else if (!strcmp(argv[ai], "--only") && ai + 1 < argc)
			only = argv[++ai];
		else if (!strcmp(argv[ai], "--budget") && ai + 1 < argc)
			budget = strtoul(argv[++ai], NULL, 0);
		else if (!strcmp(argv[ai], "--no-cores"))
			nocores = 1;
		else if (!strcmp(argv[ai], "--no-csum"))
			nocsum = 1;
		else if (!strcmp(argv[ai], "--profile") && ai + 3 < argc)
			return run_profile(argv[ai + 1], argv[ai + 2], atoi(argv[ai + 3]));
		else if (!strcmp(argv[ai], "--instr") && ai + 2 < argc)
			return run_instr(argv[ai + 1], argv[ai + 2]);
		else if (!strcmp(argv[ai], "--list-instr")) {
			int e[E_COUNT], ne, j;
			char cid[48];

			ncells = make_cells(cells);
			for (i = 0; i < ncells; i++) {
				ne = cell_engines(&cells[i], e);
				cell_id(&cells[i], cid, sizeof(cid));
				for (j = 0; j < ne; j++)
					if (instr_wanted(&cells[i], e[j]))
						printf("%s %s\n", cid, engine_ids[e[j]]);
			}
			return 0;
		} else
			die("usage: grobench [--quick] [--reps N] [--out DIR] [--instr-file F] "
			    "[--only SUBSTR] [--no-cores] [--no-csum] | --instr CELL ENGINE | --list-instr");
	}
	if (reps < 1 || reps > MAX_REPS)
		die("--reps: 1 to %d", MAX_REPS);
	if (instr_file)
		load_instr(instr_file);
	instr_open();
	dp_ok = dp_init(argv[0]) == 0;
	if (!dp_ok)
		fprintf(stderr, "grobench: rte_eal_init failed; rte_gro columns left out\n");

	machine(out);
	pace0 = host_pace_ns();
	fprintf(out, "Host pace at the start: %.3f ns per dependent add (%.2f GHz); the same "
		     "at the end is printed below the targets.\n", pace0, 1 / pace0);
	fprintf(out, "Bursts of %d frames; a poll ends with a flush of everything held. "
		     "libgro: GRO_CSUM_TRUST, buckets = 1, max_flows = max(64, flows); "
		     "libgro 8x8: the defaults, Linux's 8 buckets of 8 flows. "
		     "ns/pkt: median of %d runs, each after an untimed one, the engines of a "
		     "cell taking turns.\n\n", BURST, reps);
	print_header(out);
	fflush(out);

	ncells = make_cells(cells);
	for (i = 0; i < ncells; i++) {
		const struct cell *c = &cells[i];
		int e[E_COUNT], ne = cell_engines(c, e), j, round;
		struct eng_runs er[E_COUNT];
		char cid[48];
		uint64_t lib_out = 0;
		struct stream s;

		cell_id(c, cid, sizeof(cid));
		if (only && !id_wanted(cid, only))
			continue;
		cell_stream(c, &s, quick, 1);
		/* The two few-flow targets against reading their headers. */
		if (!strcmp(cid, "v4-bulk-inorder-1") || !strcmp(cid, "v4-bulk-il-1024"))
			note_hdr_floor(cid, hdr_floor(&s, reps));
		/* The engines take turns, one timed pass each per round, so
		 * that a slow phase of the machine (a neighbour, the host)
		 * falls on all of them alike, not on one engine's runs. */
		memset(er, 0, sizeof(er));
		for (round = 0; round < reps; round++)
			for (j = 0; j < ne; j++)
				run_engine(c, &s, e[j], round, lib_out, &er[j], &lib_out);
		for (j = 0; j < ne; j++) {
			struct row *row;

			if (!er[j].ran)
				continue;
			row = add_row(&s, e[j], er[j].nrep ? er[j].ns : NULL, er[j].nrep, er[j].out,
				      er[j].bytes_per_flow, er[j].instr, er[j].chk);
			if (e[j] == E_HW && c->flows == 65536)
				hw64k[c->order] = row->med;
			print_row(out, row);
		}
		fflush(out);
		if ((c->kind == K_UDP || c->kind == K_GRE) && !c->v6 && dp_ok) {
			struct row *row = add_row(&s, E_LW, NULL, 0, 0, -1, -1,
						  c->kind == K_GRE ? "not run: no GRE GRO in rte_gro" :
						  "not run: no UDP GRO in rte_gro (its UDP_IPV4 "
						  "type joins IPv4 fragments)");

			snprintf(row->engine, sizeof(row->engine), "rte_gro");
			print_row(out, row);
		}
		stream_free(&s);
	}

	measure_vs_tcp(cells, ncells, quick, reps, only);

	if (!only || !strcmp(only, "mem") || strstr("v4-bulk-il-1048576", only))
		mem_bench(out, quick, &mem_limit);
	if (dp_ok)
		print_adapter(out);

	if (!nocsum && (!only || !strcmp(only, "csum")))
		csum_bench(out, quick);

	if (!nocores && (!only || !strcmp(only, "cores"))) {
		struct stream s;
		size_t budget_was = budget;

		fprintf(out, "\nCores (libgro, TRUST; wall time per packet over the whole stream; "
			     "the three take turns, and x is the median of the rounds' ratios "
			     "to one core):\n");
		fprintf(out, "| workload | 1 core | 2 cores, 2 NIC queues (RSS) | "
			     "2 cores, gro_shard (1 receive thread) | check |\n|---|---:|---:|---:|---|\n");
		/* Streams of 256K frames even with --quick (16 times the
		 * usual budget at 1K flows): runs of several milliseconds,
		 * in which the start of two threads is lost in the noise. */
		budget *= 16;
		stream_build(&s, K_BULK, 0, O_INTERLEAVED, 1024, 0, 1, 0);
		mc_bench(out, &s, RATIO_ROUNDS(reps));
		stream_free(&s);
		stream_build(&s, K_BULK, 0, O_INTERLEAVED, 65536, 0, 1, 0);
		mc_bench(out, &s, RATIO_ROUNDS(reps));
		stream_free(&s);
		stream_build(&s, K_BULK, 0, O_RUNS, 1024, 0, 1, 0);
		mc_bench(out, &s, RATIO_ROUNDS(reps));
		stream_free(&s);
		budget = budget_was;
	}
	print_targets(out);
	pace1 = host_pace_ns();
	fprintf(out, "\nHost pace at the end: %.3f ns per dependent add (%.2f GHz; %.3f at the "
		     "start). A VM's host can slow every cell alike by 2x or more: compare runs "
		     "whose pace agrees.\n", pace1, 1 / pace1, pace0);

	snprintf(path, sizeof(path), "%s/results.csv", outdir);
	write_csv(path);
	snprintf(path, sizeof(path), "%s/plot.dat", outdir);
	write_plot_data(path, flow_counts, NFLOWCOUNTS);
	fprintf(out, "\nCSV: %s/results.csv\n", outdir);
	return 0;
}
