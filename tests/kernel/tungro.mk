# tungro: raw IP frames (no MAC header) against the kernel's GRO on a TUN
# device with IFF_NAPI and gro_flush_timeout, compared with `gro coalesce
# --napi-defer`. Running needs root, namespaces and /dev/net/tun, and is
# skipped (77, with the reason) without them.

$(BUILD)/tungro: $(BUILD)/tests/kernel/tungro.o $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)

.PHONY: tungro-check
tungro-check: $(BUILD)/tungro $(BUILD)/gro $(BUILD)/pcapgen
	@sh tests/kernel/tungro.sh $(BUILD); rc=$$?; \
	if [ $$rc -eq 77 ]; then echo "tungro: skipped"; exit 0; fi; exit $$rc

check-run: tungro-check
