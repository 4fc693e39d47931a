# Test helper library: the packet builder and its self-check.
PKTBUILD_OBJ := $(BUILD)/tests/lib/pktbuild.o

$(BUILD)/pktbuild_selftest: $(BUILD)/tests/lib/pktbuild_selftest.o $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Runs with every `make check` pass (plain and sanitized).
.PHONY: pktbuild-selftest check-run
pktbuild-selftest: $(BUILD)/pktbuild_selftest
	$(BUILD)/pktbuild_selftest

check-run: pktbuild-selftest
