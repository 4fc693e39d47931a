# Unit tests: one Criterion binary built from every tests/unit/*.c.
# `make unit` builds and runs it.
PKTBUILD_OBJ ?= $(BUILD)/tests/lib/pktbuild.o
LIB          ?= $(BUILD)/libgro.a

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)
UNIT_JOBS ?= 2

# Unit tests may look at the library's internals (test_shard.c checks the
# RSS key expansion in src/rss.h).
$(UNIT_OBJS): INCLUDES = -Iinclude -Isrc -Itests/lib

$(BUILD)/unit_tests: $(UNIT_OBJS) $(LIB) $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(UNIT_OBJS) $(LIB) $(PKTBUILD_OBJ) -lcriterion $(LDLIBS) -o $@

.PHONY: unit
unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests --jobs $(UNIT_JOBS)
