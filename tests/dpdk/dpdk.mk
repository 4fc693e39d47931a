# `make dpdk-check`: include/gro_dpdk.h on mbufs from a mempool, against
# libgro's deliver hook (tests/dpdk/dpdk_check.c). Needs DPDK (libdpdk-dev,
# installed here when missing, as `make bench` does), no NIC and no
# hugepages; not part of `make check`, which does not install DPDK.
# DPDK_CFLAGS and DPDK_LIBS come from bench/bench.mk.
DPDK_CHECK := $(BUILD)/dpdk_check

$(BUILD)/tests/dpdk/dpdk_check.o: tests/dpdk/dpdk_check.c include/gro_dpdk.h include/gro.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DPDK_CFLAGS) -MMD -MP -c $< -o $@

$(DPDK_CHECK): $(BUILD)/tests/dpdk/dpdk_check.o $(LIB) $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(DPDK_LIBS) $(LDLIBS)

.PHONY: dpdk-check dpdk-check-run
dpdk-check:
	@sh scripts/deps.sh dpdk-check build-essential pkg-config libdpdk-dev
	@$(MAKE) --no-print-directory dpdk-check-run

dpdk-check-run: $(DPDK_CHECK)
	$(DPDK_CHECK)
