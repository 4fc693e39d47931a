// SPDX-License-Identifier: MIT
/* Software checksum speed, and the vectorised checksum against the
 * portable one. */
#include <stdio.h>
#include <sys/mman.h>

#include "bench.h"
#include "driver.h"
/* gro_csum_partial_generic() and gro_csum_variant() are internal: the
 * comparison of the variants needs them. */
#include "gro_internal.h"

static double gbps(double bytes, double ns) { return bytes / ns; }

/* Software checksum validation speed: the library's sum over payload-sized
 * buffers in cache, and over a buffer far larger than the caches. The
 * vectorised and the portable variants are also compared bit for bit. */
void csum_bench(FILE *out, int quick)
{
	size_t big = (size_t)(quick ? 64 : 256) << 20, i;
	uint8_t *b = xmap(big);
	const size_t seg = 1448;
	size_t iters = quick ? 200000 : 2000000;
	uint64_t acc = 0;
	double t0, t1, hot, cold, hot_gen, cold_gen;
	unsigned bad = 0;

	for (i = 0; i < big; i++)
		b[i] = (uint8_t)mix32((uint32_t)i);

	/* Bit-identical variants: every length 0..3000 at every alignment
	 * 0..63, with random starting sums. */
	for (i = 0; i < 3001 * 64; i++) {
		size_t len = i / 64, off = i % 64;
		uint64_t s0 = (uint64_t)mix32((uint32_t)i) << 32 | mix32((uint32_t)i ^ 0x55u);

		if (gro_csum_partial_generic(b + off, len, s0) != gro_csum_partial(b + off, len, s0) ||
		    gro_csum16_fold(gro_csum_partial_generic(b + off, len, s0)) !=
			    gro_csum16_fold(gro_csum_partial(b + off, len, s0)))
			bad++;
	}

	t0 = now_ns();
	for (i = 0; i < iters; i++)
		acc += gro_csum_add(acc, b + (i & 7) * 2048, seg);
	t1 = now_ns();
	hot = gbps((double)iters * seg, t1 - t0);
	t0 = now_ns();
	for (i = 0; i < iters; i++)
		acc += gro_csum_partial_generic(b + (i & 7) * 2048, seg, acc);
	t1 = now_ns();
	hot_gen = gbps((double)iters * seg, t1 - t0);
	t0 = now_ns();
	acc += gro_csum_add(acc, b, big);
	t1 = now_ns();
	cold = gbps((double)big, t1 - t0);
	t0 = now_ns();
	acc += gro_csum_partial_generic(b, big, acc);
	t1 = now_ns();
	cold_gen = gbps((double)big, t1 - t0);

	fprintf(out, "\nChecksum (ones'-complement sum, one core; variant in use: %s):\n",
		gro_csum_variant());
	fprintf(out, "| buffer | library (GB/s) | portable (GB/s) |\n|---|---:|---:|\n");
	fprintf(out, "| 1448-byte payloads, in cache | %.1f | %.1f |\n", hot, hot_gen);
	fprintf(out, "| %zu MiB, from memory | %.1f | %.1f |\n", big >> 20, cold, cold_gen);
	fprintf(out, "variants bit-identical on %u cases: %s (%llx)\n", 3001 * 64,
		bad ? "NO" : "yes", (unsigned long long)(acc & 0xf));
	munmap(b, big);
}
