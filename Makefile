# libgro build. `make` builds the library and build/gro; `make check` runs every test;
# `make install` installs them (packaging.mk).
BUILD    ?= build
CC       ?= cc
CSTD     := -std=gnu11
WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes
OPT      ?= -O2 -g
CFLAGS   ?= $(OPT)
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(INCLUDES) -D_GNU_SOURCE
# Include paths per part of the tree, so that only the library sees its
# internals: anything not listed sees the public header alone; the tests
# share the packet builder; src/lib.mk, tools/gro/gro.mk, bench/bench.mk and
# tests/unit/unit.mk set their own.
INCLUDES = -Iinclude
$(BUILD)/tests/%.o: INCLUDES = -Iinclude -Itests/lib
LDLIBS   += -lpcap -lpthread

.PHONY: all clean check demo deps deps-build asan tsan cli-test
all:

# Installs missing Debian packages (apt-get, as root); quiet when all is there.
# deps: everything `make check` needs; deps-build: building alone (the demo).
deps:
	@sh scripts/deps.sh
deps-build:
	@sh scripts/deps.sh build

# Each part of the tree contributes its targets from a fragment.
-include src/lib.mk
-include tests/lib/lib.mk
-include tools/gro/gro.mk
-include tests/unit/unit.mk
-include tests/kernel/harness.mk
-include tests/kernel/kernel.mk
-include tests/kernel/scenarios.mk
-include tests/kernel/tungro.mk
-include tests/roundtrip/roundtrip.mk
-include bench/bench.mk
-include tests/dpdk/dpdk.mk
-include tests/fuzz/fuzz.mk
-include tests/hostile/hostile.mk
-include tests/tap/tap.mk
-include tests/relay/relay.mk
-include tests/abi/abi.mk
-include tests/tsan/tsan.mk
-include packaging.mk
-include examples/examples.mk
-include tests/install/install.mk

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# The main job on a built-in capture: needs a build, none of the tests.
demo: deps-build
	@$(MAKE) --no-print-directory all
	$(BUILD)/gro demo $(BUILD)/demo

# Every test: unit tests, CLI tests, the same under AddressSanitizer and
# UndefinedBehaviorSanitizer, the kernel conformance suite, and the
# sharding layer's threads under ThreadSanitizer.
check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-run
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory tsan

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan:
	@echo "== under AddressSanitizer + UndefinedBehaviorSanitizer"
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" check-run

# What `make check` runs, in a normal and in a sanitizer build; fragments
# add their suites to it.
.PHONY: check-run
check-run: unit cli-test conformance-check

cli-test: $(GRO_BIN) $(BUILD)/pcapgen
	sh tests/cli/cli_test.sh $(GRO_BIN) $(BUILD)/pcapgen

# pcapgen reads pcapng through the tool's reader (tools/gro/pcapng.c).
$(BUILD)/tests/cli/pcapgen.o: INCLUDES = -Iinclude -Itests/lib -Itools/gro
$(BUILD)/pcapgen: $(BUILD)/tests/cli/pcapgen.o $(PKTBUILD_OBJ) $(BUILD)/tools/gro/pcapng.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
