# taptest: libgro against the kernel's TAP driver (virtio_net_hdr), live,
# both directions (see tests/tap/README.md). Building needs only libpcap;
# running needs root, network namespaces, /dev/net/tun, bridge and veth,
# iproute2 and ethtool, and is skipped (with the reason) without them.

TAPTEST_OBJS := $(BUILD)/tests/tap/taptest.o $(BUILD)/tests/tap/tap_env.o
TAP_SEED  ?= 1
TAP_CASES ?= 40
TAP_SCEN  ?= 40

$(BUILD)/taptest: $(TAPTEST_OBJS) $(PKTBUILD_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)

# Seeded streams, TAP_SCEN random scenarios from the generator, GSO
# packets injected from outside and two TCP connections; 77 means skipped.
.PHONY: tap-test
tap-test: $(BUILD)/taptest $(BUILD)/scenarios
	@d=$$(mktemp -d) || exit 1; \
	$(BUILD)/scenarios random $(TAP_SEED) $(TAP_SCEN) "$$d" >/dev/null || { rm -rf "$$d"; exit 1; }; \
	$(BUILD)/taptest --seed $(TAP_SEED) --cases $(TAP_CASES) "$$d"/*.pcap; rc=$$?; \
	rm -rf "$$d"; \
	if [ $$rc -eq 77 ]; then exit 0; fi; exit $$rc

check-run: tap-test
