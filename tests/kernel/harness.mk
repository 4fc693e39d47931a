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
