# libgro build. `make` builds the library and build/gro; `make check` runs every test.
BUILD    ?= build
CC       ?= cc
CSTD     := -std=gnu11
WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes
OPT      ?= -O2 -g
CFLAGS   ?= $(OPT)
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Iinclude -Isrc -Itests/lib -D_GNU_SOURCE
LDLIBS   += -lpcap

.PHONY: all clean check demo deps
all:

# Each part of the tree contributes its targets from a fragment.
-include src/lib.mk
-include tests/lib/lib.mk
-include tools/gro/gro.mk
-include tests/unit/unit.mk
-include tests/kernel/kernel.mk
-include tests/kernel/scenarios.mk

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
