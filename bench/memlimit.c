// SPDX-License-Identifier: MIT
/*
 * The machine's limit for random memory access, against which the cells
 * with many flows are measured: at 1M flows every line a packet needs (its
 * table slot, its flow, the head's headers, a segment node) is a miss.
 * And the floor of the cells with few flows: reading the frames' headers.
 *
 * - Latency: a pointer chase through a random cycle over a 128 MiB array of
 *   64-byte lines, each load depending on the one before: what one miss
 *   costs when nothing overlaps it.
 * - Throughput: the same lines in random order, fetched in batches of B
 *   independent addresses (prefetch all, then read all), as a GRO engine
 *   that looks ahead over a burst can: what a miss costs when as many
 *   overlap as the core allows (its memory-level parallelism).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "bench.h"
#include "driver.h"

#define LINE	64
#define MEM	(128u << 20)
#define NLINES	(MEM / LINE)

static uint32_t *lines_at(uint8_t *mem, uint32_t i) { return (uint32_t *)(mem + (size_t)i * LINE); }

/* ns per dependent load. */
static double chase(uint8_t *mem, uint32_t steps)
{
	uint32_t i, at = 0;
	double t0, t1;

	t0 = now_ns();
	for (i = 0; i < steps; i++)
		at = *lines_at(mem, at);
	t1 = now_ns();
	if (at == 0xffffffffu)	/* keeps the loop */
		fprintf(stderr, "?");
	return (t1 - t0) / steps;
}

/* ns per line, in batches of @b independent random lines. */
static double batched(uint8_t *mem, const uint32_t *order, uint32_t n, uint32_t b)
{
	uint32_t i, j, sum = 0;
	double t0, t1;

	t0 = now_ns();
	for (i = 0; i + b <= n; i += b) {
		for (j = 0; j < b; j++)
			__builtin_prefetch(lines_at(mem, order[i + j]));
		for (j = 0; j < b; j++)
			sum += *lines_at(mem, order[i + j]);
	}
	t1 = now_ns();
	if (sum == 0xffffffffu)
		fprintf(stderr, "?");
	return (t1 - t0) / (n - n % b);
}

void mem_bench(FILE *out, int quick, struct mem_limit *lim)
{
	uint8_t *mem = xmap(MEM);
	uint32_t *perm = xcalloc(NLINES, sizeof(*perm));
	uint32_t i, n = quick ? 1u << 20 : 1u << 22, steps = quick ? 1u << 20 : 1u << 22;
	static const uint32_t batches[] = { 1, 4, 8, 16, 32 };
	double best = 0;

	/* A random cycle through every line (Sattolo's shuffle), written as
	 * "next line" into each line's first word. */
	for (i = 0; i < NLINES; i++)
		perm[i] = i;
	for (i = NLINES - 1; i > 0; i--) {
		uint32_t j = mix32(i * 2654435761u) % i, t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < NLINES; i++)
		*lines_at(mem, perm[i]) = perm[(i + 1) % NLINES];

	lim->latency = chase(mem, steps);
	fprintf(out, "\nMemory (one core, random 64-byte lines of a 128 MiB array):\n");
	fprintf(out, "| access | ns per line |\n|---|---:|\n");
	fprintf(out, "| dependent (pointer chase): latency | %.1f |\n", lim->latency);
	for (i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		double t = batched(mem, perm, n, batches[i]);

		if (!best || t < best)
			best = t;
		fprintf(out, "| independent, batches of %u (prefetch all, then read) | %.1f |\n",
			batches[i], t);
	}
	lim->line = best;
	fprintf(out, "The best batched figure is this machine's floor for a random miss that "
		     "overlaps others (latency / %.1f).\n", lim->latency / best);
	free(perm);
	munmap(mem, MEM);
}

/*
 * ns per frame to read the two header lines of every frame of @s (a
 * 66-byte TCP/IPv4 header ends in the second), as a timed run finds them:
 * right after the restore, in bursts, each burst's lines fetched at once as
 * the engine does, then one byte of each line read. No engine can take the
 * frames for less. Median of @reps runs after one to warm up.
 */
double hdr_floor(const struct stream *s, int reps)
{
	double ns[MAX_REPS];
	uint64_t sum = 0;
	int rep, n = 0;

	for (rep = -1; rep < reps; rep++) {
		size_t i, j;
		double t0;

		stream_restore(s);
		t0 = now_ns();
		for (i = 0; i < s->npkts; i += BURST) {
			size_t end = i + BURST < s->npkts ? i + BURST : s->npkts;

			for (j = i; j < end; j++) {
				__builtin_prefetch(s->fr[j].data);
				__builtin_prefetch(s->fr[j].data + 64);
			}
			for (j = i; j < end; j++)
				sum += s->fr[j].data[0] + (s->fr[j].len > 64 ? s->fr[j].data[64] : 0);
		}
		if (rep >= 0)
			ns[n++] = (now_ns() - t0) / (double)s->npkts;
	}
	if (sum == 1)	/* keeps the loads */
		fprintf(stderr, "?");
	return median(ns, n);
}
