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

.PHONY: conformance conformance-check conformance-record conformance-gre conformance-qemu
conformance-check: $(CONF_BINS)
	sh tests/kernel/conformance.sh $(BUILD)
conformance: deps $(CONF_BINS)
	sh tests/kernel/conformance.sh $(BUILD) $(SEED) $(COUNT)
conformance-record: $(CONF_BINS)
	sh tests/kernel/conformance.sh --record $(BUILD)
# One tunnel group alone (GRE: no tunnel device; VXLAN: a VXLAN device on
# port 4789, with UDP GRO off and on), live, with SEED and COUNT.
.PHONY: conformance-vxlan
conformance-gre: deps $(CONF_BINS)
	CONF_GROUPS=gre sh tests/kernel/conformance.sh $(BUILD) $(SEED) $(COUNT)
conformance-vxlan: deps $(CONF_BINS)
	CONF_GROUPS="vxlan vxu" sh tests/kernel/conformance.sh $(BUILD) $(SEED) $(COUNT)
# GENEVE and VLAN GRO against a second, stock kernel that has them (this
# machine's may not): one QEMU boot of Debian's 6.12 cloud kernel runs
# every kgro replay (tests/kernel/qemu-run.sh). Long; not part of check.
# A second gro built with Linux 6.12's IPv4 ID and CWR rules
# (GRO_LINUX_612_RULES) tells 6.12's rule differences from libgro bugs.
QEMU_GROUPS ?= geneve vlan
conformance-qemu: deps $(CONF_BINS)
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/rules612 CFLAGS="$(CFLAGS) -DGRO_LINUX_612_RULES" $(BUILD)/rules612/gro
	CONF_QEMU=1 CONF_RULES612=$(BUILD)/rules612/gro CONF_GROUPS="$(QEMU_GROUPS)" \
		sh tests/kernel/conformance.sh $(BUILD) $(SEED) $(COUNT)
