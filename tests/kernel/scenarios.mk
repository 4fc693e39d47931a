# Scenario generator: writes GRO test inputs (selftest cases, random
# scenarios) as pcap files. Needs the packet builder from tests/lib/lib.mk.
PKTBUILD_OBJ ?= $(BUILD)/tests/lib/pktbuild.o

$(BUILD)/scenarios: $(BUILD)/tests/kernel/scenarios.o $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

KERNEL_BINS += $(BUILD)/scenarios
