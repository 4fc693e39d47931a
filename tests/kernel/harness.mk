# kgro: the live-kernel GRO oracle (see tests/kernel/kgro-README.md).
# Building needs only libpcap; running needs root, network namespaces,
# veth, iproute2 and ethtool, and exits with 77 (skipped) without them.

KGRO_SRCS := tests/kernel/kgro.c tests/kernel/kgro_env.c \
	     tests/kernel/kgro_selftest.c
KGRO_OBJS := $(KGRO_SRCS:%.c=$(BUILD)/%.o)

$(BUILD)/kgro: $(KGRO_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)

KERNEL_BINS += $(BUILD)/kgro

# Replays the built-in scenarios; a skip (77) is not a failure.
.PHONY: kgro-selftest
kgro-selftest: $(BUILD)/kgro
	@$(BUILD)/kgro --selftest $(BUILD)/kgro-selftest; rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "kgro-selftest: skipped"; exit 0; fi; \
	exit $$rc

# The conformance suite (tests/kernel/conformance.sh): live when root and
# network namespaces are available, against recorded outputs otherwise.
$(BUILD)/kcompare: $(BUILD)/tests/kernel/kcompare.o $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)

CONF_BINS := $(BUILD)/gro $(BUILD)/kgro $(BUILD)/kcompare $(BUILD)/scenarios $(BUILD)/pcapgen
SEED ?= 1
COUNT ?= 500

.PHONY: conformance conformance-check conformance-record conformance-gre
conformance-check: $(CONF_BINS)
	sh tests/kernel/conformance.sh $(BUILD)
conformance: deps $(CONF_BINS)
	sh tests/kernel/conformance.sh $(BUILD) $(SEED) $(COUNT)
conformance-record: $(CONF_BINS)
	sh tests/kernel/conformance.sh --record $(BUILD)
# One tunnel group alone (GRE: no tunnel device; VXLAN: a VXLAN device on
# port 4789), live, with SEED and COUNT.
.PHONY: conformance-vxlan
conformance-gre: deps $(CONF_BINS)
	CONF_GROUPS=gre sh tests/kernel/conformance.sh $(BUILD) $(SEED) $(COUNT)
conformance-vxlan: deps $(CONF_BINS)
	CONF_GROUPS=vxlan sh tests/kernel/conformance.sh $(BUILD) $(SEED) $(COUNT)
