// SPDX-License-Identifier: MIT
/* The benchmark's helpers: clocks and counters, memory, and its own
 * arithmetic (hash mixing, ones'-complement sums). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The hardware instruction counter of this thread, if the machine (or its
 * hypervisor) offers one; callgrind counts instead where it does not. */
static int perf_fd = -1;

void instr_open(void)
{
	struct perf_event_attr a;
	uint64_t v;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_HARDWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_HW_INSTRUCTIONS;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	perf_fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (perf_fd >= 0 && (read(perf_fd, &v, sizeof(v)) != sizeof(v) || !v)) {
		close(perf_fd);
		perf_fd = -1;
	}
}

uint64_t instr_read(void)
{
	uint64_t v = 0;

	if (perf_fd >= 0 && read(perf_fd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	return v;
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "grobench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

void *xmap(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu bytes: %s", n, strerror(errno));
	madvise(p, n, MADV_HUGEPAGE);
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	if (!p && n)
		die("out of memory");
	return p;
}

uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	x ^= x >> 16;
	return x;
}

int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The host's pace: the time of one add in a chain of dependent adds, a
 * cycle each on any core of today, so 1 / the clock the core runs at. On a VM
 * it moves with the host (its clock, its load): printed with each run, it
 * says in which state the run found the machine. Median of 9 samples of
 * 2^23 adds (a few milliseconds each).
 */
double host_pace_ns(void)
{
	double ns[9];
	int i;

	for (i = 0; i < 9; i++) {
		uint64_t x = 1, n;
		double t = now_ns();

		/* The empty asm makes the compiler keep each add. */
		for (n = 0; n < (1u << 23); n++) {
			x++;
			__asm__ volatile("" : "+r"(x));
		}
		ns[i] = (now_ns() - t) / (1u << 23);
	}
	return median(ns, 9);
}

/* The bench's own ones'-complement sum (big-endian 16-bit words), so that
 * checks never rely on the library's arithmetic. */
uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}
