# Benchmark: `make bench` builds build/bench/grobench and runs it against
# DPDK's rte_gro, with libgro also through its DPDK adapter (see
# docs/performance.md), after the adapter's own check (tests/dpdk). Installs what it needs first
# (DPDK 22.11, gnuplot for the plot, valgrind for instruction counts).
BENCH_OUT  := $(BUILD)/bench
BENCH_BIN  := $(BENCH_OUT)/grobench
# main.c drives; stream.c builds the workloads and util.c holds the helpers
# (all dpdk.c uses besides DPDK); check.c and lib.c run libgro, report.c
# prints; csum.c and multicore.c are the checksum and cores sections.
BENCH_SRCS := bench/main.c bench/stream.c bench/util.c bench/check.c bench/lib.c bench/report.c \
	      bench/csum.c bench/multicore.c bench/memlimit.c bench/dpdk.c
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/%.o)
# DPDK's headers are not warning-clean under -Wextra -Wshadow: include them
# as system headers. Expanded when used, so after the packages are installed.
DPDK_CFLAGS = $(shell pkg-config --cflags libdpdk | sed 's/-I/-isystem /g')
DPDK_LIBS   = $(shell pkg-config --libs libdpdk)

# The benchmark uses the public API, except that bench/csum.c compares the
# checksum variants of src/csum.c (gro_csum_partial_generic() against the
# one picked at run time), which only gro_internal.h declares.
$(BENCH_OBJS): INCLUDES = -Iinclude
$(BUILD)/bench/csum.o: INCLUDES = -Iinclude -Isrc

.PHONY: bench bench-build
bench:
	@sh scripts/deps.sh bench build-essential pkg-config libdpdk-dev gnuplot-nox valgrind
	@$(MAKE) --no-print-directory bench-build
	@$(MAKE) --no-print-directory dpdk-check-run
	sh bench/run.sh $(BENCH_BIN) $(BENCH_OUT) $(BENCH_ARGS)

bench-build: $(BENCH_BIN)

$(BUILD)/bench/dpdk.o: bench/dpdk.c bench/dpdk.h bench/bench.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DPDK_CFLAGS) -MMD -MP -c $< -o $@

$(BENCH_BIN): $(BENCH_OBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(BENCH_OBJS) $(LIB) $(DPDK_LIBS) -lpthread -lm

# gro relay live, with iperf3 between network namespaces, against no GRO
# and the kernel's GRO (bench/relay_bench.sh; root). RELAY_BENCH_ENV passes
# DURATION=, STREAMS=, FAMILIES=, MTUS=, MODES=, RELAY_OPTS=.
.PHONY: relay-bench
relay-bench:
	@sh scripts/deps.sh relay-bench iperf3 iproute2 ethtool
	@$(MAKE) --no-print-directory $(GRO_BIN)
	@mkdir -p $(BENCH_OUT)
	$(RELAY_BENCH_ENV) sh bench/relay_bench.sh $(GRO_BIN) $(BENCH_OUT)/relay-bench.md

# `gro coalesce` on a 4 GiB capture against editcap copying it and cat
# (bench/tool_bench.sh; docs/performance.md, "The tool on large captures").
# Not part of `make check`; needs about 17 GB free in $(BENCH_OUT).
# TOOL_BENCH_ENV passes RUNS=, SIZE_MB=, KEEP=1, SETTLE=.
BIGCAP_BIN := $(BENCH_OUT)/bigcap
$(BIGCAP_BIN): $(BUILD)/bench/bigcap.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

.PHONY: tool-bench
tool-bench:
	@sh scripts/deps.sh tool-bench wireshark-common time strace
	@$(MAKE) --no-print-directory $(GRO_BIN) $(BIGCAP_BIN)
	$(TOOL_BENCH_ENV) sh bench/tool_bench.sh $(GRO_BIN) $(BIGCAP_BIN) $(BENCH_OUT)/tool $(BENCH_OUT)/tool-bench.md
