# The GRO + GSO round trip (tests/roundtrip/roundtrip.c): seeded random
# captures from the scenario generator, coalesced and segmented again, must
# give back every flow's frames. `make check` runs RT_COUNT captures (the
# first RT_CLI of them also through `gro coalesce` + `gro segment`);
# `make roundtrip COUNT=n SEED=s` explores more.
PKTBUILD_OBJ ?= $(BUILD)/tests/lib/pktbuild.o
LIB          ?= $(BUILD)/libgro.a
RT_SEED  ?= 1
RT_COUNT ?= 2000
# A sanitized `gro` starts slowly: fewer captures through the command line.
ifneq ($(findstring -fsanitize,$(CFLAGS)),)
RT_CLI   ?= 40
endif
RT_CLI   ?= 300
RT_DIR    = $(BUILD)/roundtrip-data

$(BUILD)/roundtrip: $(BUILD)/tests/roundtrip/roundtrip.o $(LIB) $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

.PHONY: roundtrip roundtrip-check check-run
roundtrip-check: $(BUILD)/roundtrip $(BUILD)/scenarios $(GRO_BIN)
	@rm -rf $(RT_DIR) && mkdir -p $(RT_DIR)
	@$(BUILD)/scenarios random $(RT_SEED) $(RT_COUNT) $(RT_DIR) >/dev/null
	$(BUILD)/roundtrip --gro $(GRO_BIN) --cli $(RT_CLI) --tmp $(RT_DIR) $(RT_DIR)
	@rm -rf $(RT_DIR)

check-run: roundtrip-check

# COUNT and SEED given on the command line choose the captures.
roundtrip: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory roundtrip-check \
		RT_SEED=$(if $(filter command line,$(origin SEED)),$(SEED),$(RT_SEED)) \
		RT_COUNT=$(if $(filter command line,$(origin COUNT)),$(COUNT),$(RT_COUNT))
