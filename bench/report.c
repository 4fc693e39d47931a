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
	"libgro", "libgro verify", "rte_gro lw", "rte_gro hw", "no GRO",
};
const char *const engine_ids[E_COUNT] = {
	"libgro", "libgro-verify", "rte_gro-lw", "rte_gro-hw", "no-gro",
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
		qsort(v, (size_t)nrep, sizeof(double), cmp_double);
		r->min = v[0];
		r->max = v[nrep - 1];
		r->med = nrep & 1 ? v[nrep / 2] : (v[nrep / 2 - 1] + v[nrep / 2]) / 2;
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
		static const char *const kinds[] = { "bulk", "acks", "mixed" };

		fprintf(f, "%s,\"%s\",%s,%s,%s,%u,%s,%.3f,%.3f,%.3f,%.4f,%.5f,%.1f,%.1f,%zu,\"%s\"\n",
			r->id, r->workload, r->v6 ? "tcp6" : "tcp4", kinds[r->kind],
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
