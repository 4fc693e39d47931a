# The GRO + GSO round trip (tests/roundtrip/roundtrip.c): seeded random
# captures from the scenario generator (TCP), coalesced and segmented
# again, must give back every flow's frames. `make check` runs RT_COUNT
# captures (the first RT_CLI of them also through `gro coalesce` + `gro
# segment`), then RT_GEN captures roundtrip generates itself: UDP in
# GRO_UDP_L4 and GRO_UDP_FRAGLIST mode with TCP alongside, TCP fraglist,
# BIG TCP over IPv4, TCP inside VXLAN and inside GENEVE (the first
# RT_GEN_CLI through the command line too). `make roundtrip COUNT=n GEN=m SEED=s` explores more.
PKTBUILD_OBJ ?= $(BUILD)/tests/lib/pktbuild.o
LIB          ?= $(BUILD)/libgro.a
RT_SEED  ?= 1
RT_COUNT ?= 2000
RT_GEN   ?= 640
# A sanitized `gro` starts slowly: fewer captures through the command line.
ifneq ($(findstring -fsanitize,$(CFLAGS)),)
RT_CLI   ?= 40
RT_GEN_CLI ?= 16
endif
RT_CLI   ?= 300
RT_GEN_CLI ?= 80
RT_DIR    = $(BUILD)/roundtrip-data

$(BUILD)/roundtrip: $(BUILD)/tests/roundtrip/roundtrip.o $(LIB) $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

.PHONY: roundtrip roundtrip-check check-run
roundtrip-check: $(BUILD)/roundtrip $(BUILD)/scenarios $(GRO_BIN)
	@rm -rf $(RT_DIR) && mkdir -p $(RT_DIR)
	@$(BUILD)/scenarios random $(RT_SEED) $(RT_COUNT) $(RT_DIR) >/dev/null
	$(BUILD)/roundtrip --gro $(GRO_BIN) --cli $(RT_CLI) --gen $(RT_SEED) $(RT_GEN) --gen-cli $(RT_GEN_CLI) \
		--tmp $(RT_DIR) $(RT_DIR)
	@rm -rf $(RT_DIR)

check-run: roundtrip-check

# COUNT and SEED given on the command line choose the captures.
roundtrip: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory roundtrip-check \
		RT_SEED=$(if $(filter command line,$(origin SEED)),$(SEED),$(RT_SEED)) \
		RT_COUNT=$(if $(filter command line,$(origin COUNT)),$(COUNT),$(RT_COUNT)) \
		RT_GEN=$(if $(filter command line,$(origin GEN)),$(GEN),$(RT_GEN))
