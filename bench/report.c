// SPDX-License-Identifier: MIT
/* Results: one row per cell and engine, printed as a Markdown table and
 * written as CSV and as gnuplot columns; instruction counts from a file
 * (callgrind) when the machine has no counter. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "driver.h"

const char *const engine_names[E_COUNT] = {
	"libgro", "libgro verify", "rte_gro lw", "rte_gro hw", "no GRO", "gro_dpdk lw",
	"gro_dpdk hw", "libgro 8x8",
};
const char *const engine_ids[E_COUNT] = {
	"libgro", "libgro-verify", "rte_gro-lw", "rte_gro-hw", "no-gro", "gro_dpdk-lw",
	"gro_dpdk-hw", "libgro-8x8",
};

static struct row rows[256];
static int nrows;

struct row *row_append(void)
{
	struct row *r = &rows[nrows++];

	memset(r, 0, sizeof(*r));
	return r;
}

struct instr_ent {
	char id[48], engine[24];
	double per_pkt;
};
static struct instr_ent instrs[256];
static int ninstrs;

void load_instr(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && ninstrs < 256) {
		struct instr_ent *e = &instrs[ninstrs];
		unsigned long long ir, pk;

		if (sscanf(line, "%47[^,],%23[^,],%llu,%llu", e->id, e->engine, &ir, &pk) == 4 && pk)
			e->per_pkt = (double)ir / (double)pk, ninstrs++;
	}
	fclose(f);
}

static double find_instr(const char *id, int eng)
{
	int i;

	for (i = 0; i < ninstrs; i++)
		if (!strcmp(instrs[i].id, id) && !strcmp(instrs[i].engine, engine_ids[eng]))
			return instrs[i].per_pkt;
	return -1;
}

struct row *add_row(const struct stream *s, int eng, const double *ns, int nrep,
			   uint64_t out, double bpf, double instr, const char *check)
{
	struct row *r = row_append();
	double v[MAX_REPS];
	int i;

	snprintf(r->id, sizeof(r->id), "%s", s->id);
	snprintf(r->workload, sizeof(r->workload), "%s", s->name);
	snprintf(r->engine, sizeof(r->engine), "%s", engine_names[eng]);
	snprintf(r->check, sizeof(r->check), "%s", check);
	r->eng = eng;
	r->kind = s->kind;
	r->order = s->nflows == 1 ? -1 : s->order;
	r->v6 = s->v6;
	r->flows = s->nflows;
	r->npkts = s->npkts;
	r->bpf = bpf;
	r->instr = instr >= 0 ? instr : find_instr(s->id, eng);
	if (nrep > 0) {
		for (i = 0; i < nrep; i++)
			v[i] = ns[i] / (double)s->npkts;
		r->med = median(v, nrep);
		r->min = v[0];
		r->max = v[nrep - 1];
		r->mpps = 1e3 / r->med;
		r->out_per_in = (double)out / (double)s->npkts;
	} else {
		r->med = r->min = r->max = r->mpps = r->out_per_in = NAN;
	}
	return r;
}

static void fmt_num(char *b, size_t n, double v, const char *fmt)
{
	if (isnan(v) || v < 0)
		snprintf(b, n, "-");
	else
		snprintf(b, n, fmt, v);
}

void print_row(FILE *f, const struct row *r)
{
	char med[24], rng[40], mpps[16], opi[16], bpf[16], ins[16];

	fmt_num(med, sizeof(med), r->med, r->med < 100 ? "%.1f" : "%.0f");
	if (isnan(r->med))
		snprintf(rng, sizeof(rng), "-");
	else
		snprintf(rng, sizeof(rng), r->max < 100 ? "%.1f-%.1f" : "%.0f-%.0f", r->min, r->max);
	fmt_num(mpps, sizeof(mpps), r->mpps, r->mpps < 1 ? "%.3f" : "%.1f");
	fmt_num(opi, sizeof(opi), r->out_per_in, "%.4f");
	fmt_num(bpf, sizeof(bpf), r->bpf, "%.0f");
	fmt_num(ins, sizeof(ins), r->instr, "%.0f");
	fprintf(f, "| %-34s | %-13s | %8s | %-13s | %7s | %7s | %6s | %6s | %s |\n", r->workload,
		r->engine, med, rng, mpps, opi, bpf, ins, r->check);
}

void print_header(FILE *f)
{
	fprintf(f, "| %-34s | %-13s | %8s | %-13s | %7s | %7s | %6s | %6s | %s |\n", "workload",
		"engine", "ns/pkt", "min-max", "Mpps", "out/in", "B/flow", "instr", "check");
	fprintf(f, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", "------------------------------------",
		"---------------", "---------:", "---------------", "--------:", "--------:",
		"-------:", "-------:", "---");
}

void write_csv(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "workload_id,workload,proto,kind,order,flows,engine,ns_median,ns_min,ns_max,"
		   "mpps,out_per_in,bytes_per_flow,instr_per_pkt,packets,check\n");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		static const char *const kinds[] = { "bulk", "acks", "mixed", "udp", "vxlan", "gre" };

		fprintf(f, "%s,\"%s\",%s,%s,%s,%u,%s,%.3f,%.3f,%.3f,%.4f,%.5f,%.1f,%.1f,%zu,\"%s\"\n",
			r->id, r->workload,
			r->kind == K_UDP ? (r->v6 ? "udp6" : "udp4") : r->v6 ? "tcp6" : "tcp4",
			kinds[r->kind],
			r->order < 0 ? "inorder" : r->order == O_RUNS ? "runs" : "interleaved",
			r->flows, engine_ids[r->eng], r->med, r->min, r->max, r->mpps, r->out_per_in,
			r->bpf, r->instr, r->npkts, r->check);
	}
	fclose(f);
}

/* Columns for gnuplot: flows, then ns/pkt of each engine and order. */
void write_plot_data(const char *path, const uint32_t *flows, int nflows)
{
	static const int engs[3] = { E_LIB, E_LW, E_HW };
	FILE *f = fopen(path, "w");
	int i, e, o, k;

	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "# flows libgro-il libgro-runs lw-il lw-runs hw-il hw-runs\n");
	for (i = 0; i < nflows; i++) {
		fprintf(f, "%u", flows[i]);
		for (e = 0; e < 3; e++)
			for (o = O_INTERLEAVED; o >= O_RUNS; o--) {
				double v = NAN;

				for (k = 0; k < nrows; k++) {
					const struct row *r = &rows[k];

					if (r->eng == engs[e] && r->kind == K_BULK && !r->v6 &&
					    r->flows == flows[i] && (r->order == o || r->order < 0))
						v = r->med;
				}
				if (isnan(v))
					fprintf(f, " NaN");
				else
					fprintf(f, " %.3f", v);
			}
		fprintf(f, "\n");
	}
	fclose(f);
}

static const struct row *find_row(const char *id, int eng)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (!strcmp(rows[i].id, id) && rows[i].eng == eng && !isnan(rows[i].med))
			return &rows[i];
	return NULL;
}

/* "met", or by how much it was missed (@unit after the amount). */
static void verdict(char *b, size_t n, int met, double by, const char *unit)
{
	if (met)
		snprintf(b, n, "met");
	else
		snprintf(b, n, "**missed** by %.*f%s", !strcmp(unit, "x") ? 2 : by < 10 ? 1 : 0, by,
			 unit);
}

/* A ceiling on a cell's ns/pkt. */
static void target_ns(FILE *f, const char *what, const char *id, double max)
{
	const struct row *r = find_row(id, E_LIB);
	char v[64];

	if (!r)
		return;
	verdict(v, sizeof(v), r->med <= max, r->med - max, " ns");
	fprintf(f, "| %s <= %.0f ns/packet | %.1f ns (min %.1f) | %s |\n", what, max, r->med, r->min, v);
}

const struct vs_tcp vs_tcp_targets[] = {
	{ "v4, 1 flow in order", "UDP", "v4-udp1472-inorder-1", "v4-bulk-inorder-1", 1.5 },
	{ "v4, 1K flows interleaved", "UDP", "v4-udp1472-il-1024", "v4-bulk-il-1024", 1.5 },
	{ "v6, 1 flow in order", "UDP", "v6-udp1452-inorder-1", "v6-bulk-inorder-1", 1.5 },
	{ "v6, 1K flows interleaved", "UDP", "v6-udp1452-il-1024", "v6-bulk-il-1024", 1.5 },
	{ "1 flow in order", "VXLAN", "v4-vxlan-inorder-1", "v4-bulk-inorder-1", 1.5 },
	{ "1K flows interleaved", "VXLAN", "v4-vxlan-il-1024", "v4-bulk-il-1024", 1.5 },
	{ "1 flow in order", "GRE", "v4-gre-inorder-1", "v4-bulk-inorder-1", 1.5 },
	{ "1K flows interleaved", "GRE", "v4-gre-il-1024", "v4-bulk-il-1024", 1.5 },
};
const unsigned n_vs_tcp_targets = sizeof(vs_tcp_targets) / sizeof(vs_tcp_targets[0]);

static struct {
	double other, tcp;	/* medians, ns per packet */
	double ratio;		/* the median of the rounds' ratios */
	int rounds;
} vs_tcp_side[sizeof(vs_tcp_targets) / sizeof(vs_tcp_targets[0])];

void note_vs_tcp(unsigned i, double other_ns, double tcp_ns, double ratio, int rounds)
{
	if (i < n_vs_tcp_targets) {
		vs_tcp_side[i].other = other_ns;
		vs_tcp_side[i].tcp = tcp_ns;
		vs_tcp_side[i].ratio = ratio;
		vs_tcp_side[i].rounds = rounds;
	}
}

/* UDP or a tunnel against TCP: libgro's ns/pkt in a cell over that of the
 * TCP cell of the same shape, at most so many times. From the two cells'
 * passes alternating where main.c measured them so (cells run minutes
 * apart can meet different phases of a shared machine), else from their
 * rows; the instructions from the rows. */
static void target_vs_tcp(FILE *f, unsigned i)
{
	const struct vs_tcp *g = &vs_tcp_targets[i];
	const struct row *u = find_row(g->other, E_LIB), *t = find_row(g->tcp, E_LIB);
	double un, tn, x;
	char v[64], ins[64] = "", how[80] = "";

	if (!u || !t)
		return;
	un = u->med;
	tn = t->med;
	x = un / tn;
	if (vs_tcp_side[i].ratio > 0) {
		un = vs_tcp_side[i].other;
		tn = vs_tcp_side[i].tcp;
		x = vs_tcp_side[i].ratio;
		snprintf(how, sizeof(how), " side by side (the median of %d rounds' ratios)",
			 vs_tcp_side[i].rounds);
	}
	if (u->instr > 0 && t->instr > 0)
		snprintf(ins, sizeof(ins), "; instructions %.0f / %.0f = %.2fx", u->instr, t->instr,
			 u->instr / t->instr);
	verdict(v, sizeof(v), x <= g->max, x - g->max, "x");
	fprintf(f, "| %s: %s <= %.1fx TCP per packet | %.1f / %.1f ns, %.2fx%s%s | %s |\n",
		g->what, g->name, g->max, un, tn, x, how, ins, v);
}

struct mem_limit mem_limit;

/* A many-flow cell against the machine's floor: @lines random lines per
 * packet, each at the best overlapped cost memlimit.c measured. */
static void target_floor(FILE *f, const char *what, const char *id, unsigned lines)
{
	const struct row *r = find_row(id, E_LIB);
	double floor = lines * mem_limit.line;

	if (!r || mem_limit.line <= 0)
		return;
	fprintf(f, "| %s: distance to the machine's floor (%u random lines per packet, "
		   "%.1f ns each overlapped, %.0f ns dependent) | %.1f ns vs %.1f = %.2fx | - |\n",
		what, lines, mem_limit.line, mem_limit.latency, r->med, floor, r->med / floor);
}

static struct {
	char id[48];
	double ns;
} hdr_floors[4];

void note_hdr_floor(const char *id, double ns)
{
	unsigned i;

	for (i = 0; i < sizeof(hdr_floors) / sizeof(hdr_floors[0]); i++)
		if (!hdr_floors[i].id[0]) {
			snprintf(hdr_floors[i].id, sizeof(hdr_floors[i].id), "%s", id);
			hdr_floors[i].ns = ns;
			return;
		}
}

/* A cell of few flows against the floor of reading its frames' headers
 * (memlimit.c, hdr_floor). */
static void target_hdr_floor(FILE *f, const char *what, const char *id)
{
	const struct row *r = find_row(id, E_LIB);
	unsigned i;

	for (i = 0; r && i < sizeof(hdr_floors) / sizeof(hdr_floors[0]); i++)
		if (!strcmp(hdr_floors[i].id, id))
			fprintf(f, "| %s: the floor of reading its headers (two lines per frame, as the "
				   "timed runs find them) | %.1f ns vs %.1f = %.2fx | - |\n",
				what, r->med, hdr_floors[i].ns, r->med / hdr_floors[i].ns);
}

/* A two-core row of the cores table (multicore.c): @engine of @id. */
static const struct row *find_mc(const char *id, const char *engine)
{
	char mid[48];
	int i;

	snprintf(mid, sizeof(mid), "mc-%.40s", id);
	for (i = 0; i < nrows; i++)
		if (!strcmp(rows[i].id, mid) && !strcmp(rows[i].engine, engine))
			return &rows[i];
	return NULL;
}

/* Two cores against one: at least @min times the packet rate. */
static void target_cores(FILE *f, const char *what, const char *id, const char *engine,
			 double min)
{
	const struct row *one = find_mc(id, "libgro-1core"), *two = find_mc(id, engine);
	char v[64];
	double x;

	if (!one || !two)
		return;
	x = two->speedup;
	verdict(v, sizeof(v), x >= min, min - x, "x");
	fprintf(f, "| %s >= x%.1f | %.1f / %.1f ns, x%.2f (the median of the rounds' ratios) | %s |\n",
		what, min, one->med, two->med, x, v);
}

/* Ahead of rte_gro in every cell both ran: the cells where libgro is
 * behind the faster of its two modes. */
static void target_ahead_all(FILE *f)
{
	char behind[512] = "", v[64];
	size_t used = 0;
	int i, cells = 0, lost = 0;

	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i], *lw, *hw, *best;

		if (r->eng != E_LIB || r->order >= 100 || isnan(r->med))
			continue;
		lw = find_row(r->id, E_LW);
		hw = find_row(r->id, E_HW);
		best = lw && hw ? (lw->med < hw->med ? lw : hw) : lw ? lw : hw;
		if (!best)
			continue;
		cells++;
		if (r->med < best->med)
			continue;
		lost++;
		if (used < sizeof(behind) - 1)
			used += (size_t)snprintf(behind + used, sizeof(behind) - used, "%s%s %.1f vs %.1f",
						 lost > 1 ? "; " : "", r->workload, r->med, best->med);
	}
	if (!cells)
		return;
	if (lost)
		snprintf(v, sizeof(v), "**missed** in %d of %d", lost, cells);
	else
		snprintf(v, sizeof(v), "met");
	fprintf(f, "| ahead of rte_gro (the faster mode) in every cell both ran | %d of %d cells%s%s | %s |\n",
		cells - lost, cells, lost ? "; behind: " : "", behind, v);
}

/* The cells where libgro also ran with Linux's limits (E_LIB_8X8): that
 * engine against the faster rte_gro mode. Not a target: it says how much
 * of a gap comes from holding every flow, which rte_gro's lightweight
 * mode does not (it keeps nothing from one burst to the next). */
static void note_8x8(FILE *f)
{
	int i;

	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i], *all, *lw, *hw, *best;

		if (r->eng != E_LIB_8X8 || isnan(r->med))
			continue;
		all = find_row(r->id, E_LIB);
		lw = find_row(r->id, E_LW);
		hw = find_row(r->id, E_HW);
		if (lw && isnan(lw->med))
			lw = NULL;
		if (hw && isnan(hw->med))
			hw = NULL;
		best = lw && hw ? (lw->med < hw->med ? lw : hw) : lw ? lw : hw;
		if (!best || !all)
			continue;
		fprintf(f, "| %s, libgro with Linux's limits (8 buckets of 8 flows; out/in %.2f, "
			   "holding every flow %.2f) | %.1f ns vs %s %.1f (every flow held: %.1f) | %s |\n",
			r->workload, r->out_per_in, all->out_per_in, r->med, best->engine, best->med,
			all->med, r->med < best->med ? "ahead" : "behind");
	}
}

void print_targets(FILE *f)
{
	const struct row *r;
	unsigned i;
	char v[64];

	fprintf(f, "\nTargets (performance issue of 2026-12-03; libgro, this run's medians):\n"
		   "| target | measured | |\n| --- | --- | --- |\n");
	target_ns(f, "v4 bulk, 1 flow in order", "v4-bulk-inorder-1", 7);
	target_hdr_floor(f, "v4 bulk, 1 flow in order", "v4-bulk-inorder-1");
	target_ns(f, "v4 bulk, 1K flows interleaved", "v4-bulk-il-1024", 18);
	target_hdr_floor(f, "v4 bulk, 1K flows interleaved", "v4-bulk-il-1024");
	target_ns(f, "v4 bulk, 64K flows interleaved", "v4-bulk-il-65536", 40);
	target_ns(f, "v4 bulk, 1M flows interleaved", "v4-bulk-il-1048576", 80);
	r = find_row("v4-bulk-il-1048576", E_LIB);
	if (r && r->bpf > 0) {
		verdict(v, sizeof(v), r->bpf <= 128, r->bpf - 128, " B");
		fprintf(f, "| <= 128 bytes per held flow at 1M | %.0f B | %s |\n", r->bpf, v);
	}
	/* At 1M flows a packet's table slot, flow, head headers and segment
	 * node are all misses (its own headers stream in order). */
	target_floor(f, "v4 bulk, 1M flows interleaved", "v4-bulk-il-1048576", 4);
	target_ns(f, "v4 pure ACKs, 1K flows", "v4-acks-1024", 6);
	target_ns(f, "v4 mixed flags, 1K flows", "v4-mixed-1024", 6);
	target_ahead_all(f);
	note_8x8(f);
	target_cores(f, "2 cores, 1K flows interleaved, 2 RSS queues", "v4-bulk-il-1024",
		     "libgro-2queues", 1.9);
	target_cores(f, "2 cores, 64K flows interleaved, 2 RSS queues", "v4-bulk-il-65536",
		     "libgro-2queues", 1.6);
	target_cores(f, "2 cores, 1K flows interleaved, gro_shard (1 receive thread)",
		     "v4-bulk-il-1024", "libgro-shard2", 1.6);
	/* The UDP and tunnel issues: their cells against TCP of the same
	 * shape. */
	for (i = 0; i < n_vs_tcp_targets; i++)
		target_vs_tcp(f, i);
}

/* One cell: the adapter's two forms against rte_gro's, and what the
 * adapter costs over libgro's deliver hook on the same frames. */
static void adapter_row(FILE *f, const char *what, const char *id)
{
	const struct row *lib = find_row(id, E_LIB), *lw = find_row(id, E_LW), *hw = find_row(id, E_HW);
	const struct row *glw = find_row(id, E_GD_LW), *ghw = find_row(id, E_GD_HW);
	char a[32] = "-", b[32] = "-", c[32] = "-", d[32] = "-", e[32] = "-";

	if (!glw && !ghw)
		return;
	if (glw)
		snprintf(a, sizeof(a), "%.1f", glw->med);
	if (lw)
		snprintf(b, sizeof(b), "%.1f", lw->med);
	if (ghw)
		snprintf(c, sizeof(c), "%.1f", ghw->med);
	if (hw)
		snprintf(d, sizeof(d), "%.1f", hw->med);
	if (lib && ghw)
		snprintf(e, sizeof(e), "%+.1f", ghw->med - lib->med);
	fprintf(f, "| %s | %s | %s | %s | %s | %s |\n", what, a, b, c, d, e);
}

void print_adapter(FILE *f)
{
	fprintf(f, "\nDPDK adapter (include/gro_dpdk.h: mbufs in, TSO-ready mbuf chains out), "
		   "ns/packet, this run's medians:\n"
		   "| workload | gro_dpdk lw | rte_gro lw | gro_dpdk hw | rte_gro hw | "
		   "gro_dpdk hw - libgro |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
	adapter_row(f, "v4 bulk, 1 flow in order", "v4-bulk-inorder-1");
	adapter_row(f, "v4 bulk, 64 flows interleaved", "v4-bulk-il-64");
	adapter_row(f, "v4 bulk, 1K flows interleaved", "v4-bulk-il-1024");
	adapter_row(f, "v4 bulk, 1K flows runs", "v4-bulk-runs-1024");
	adapter_row(f, "v4 bulk, 64K flows interleaved", "v4-bulk-il-65536");
	adapter_row(f, "v4 bulk, 1M flows interleaved", "v4-bulk-il-1048576");
	adapter_row(f, "v4 pure ACKs, 1K flows", "v4-acks-1024");
	adapter_row(f, "v4 mixed flags, 1K flows", "v4-mixed-1024");
	adapter_row(f, "VXLAN, 1 flow in order", "v4-vxlan-inorder-1");
	adapter_row(f, "VXLAN, 1K flows interleaved", "v4-vxlan-il-1024");
}
