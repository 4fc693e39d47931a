# libgro itself: build/libgro.a and build/libgro.so.MAJOR.MINOR.PATCH (soname
# libgro.so.MAJOR, symbol versions from src/libgro.map). gro_shard
# (src/shard.c) runs threads: whatever links the library also links
# -lpthread (LDLIBS in Makefile); the shared library records it itself.
LIB_SRCS := src/engine.c src/flowtab.c src/fastpath.c src/walk.c src/csum.c src/pkt.c src/gso.c \
	    src/vnet.c src/shard.c src/version.c \
	    src/proto/eth.c src/proto/ipv4.c src/proto/ipv6.c src/proto/tcp.c \
	    src/proto/udp.c src/proto/gre.c src/proto/vxlan.c src/proto/geneve.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libgro.a

# One set of objects for the archive and the shared library: position
# independent, and exporting only what include/gro.h marks GRO_API.
$(LIB_OBJS): ALL_CFLAGS += -fPIC -fvisibility=hidden
$(LIB_OBJS): INCLUDES = -Iinclude -Isrc
# No straight-line (SLP) vectorization: GCC pairs neighbouring scalar
# updates, such as a flow's length and next sequence number, into vector
# adds that cost more moves between register files than they save. Without
# it a frame through the flow table takes 2% fewer instructions (pure ACKs
# and mixed flags 2% more); docs/performance.md, "Frames through the table
# without struct run".
$(LIB_OBJS): ALL_CFLAGS += -fno-tree-slp-vectorize

all: $(LIB)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# The version comes from the header, so that the file name, the soname and
# gro_version() cannot disagree.
gro_version_part = $(shell sed -n 's/^\#define GRO_VERSION_$(1)[ \t]*\([0-9]*\).*/\1/p' include/gro.h)
SO_MAJOR  := $(call gro_version_part,MAJOR)
SO_VER    := $(SO_MAJOR).$(call gro_version_part,MINOR).$(call gro_version_part,PATCH)
SO_NAME   := libgro.so.$(SO_MAJOR)
SO_MAP    := src/libgro.map
SHLIB     := $(BUILD)/libgro.so.$(SO_VER)

all: $(SHLIB) $(BUILD)/$(SO_NAME) $(BUILD)/libgro.so

$(SHLIB): $(LIB_OBJS) $(SO_MAP)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,$(SO_NAME) -Wl,--version-script=$(SO_MAP) -Wl,-z,defs \
		-o $@ $(LIB_OBJS) -lpthread
$(BUILD)/$(SO_NAME) $(BUILD)/libgro.so: $(SHLIB)
	ln -sf $(notdir $<) $@

# The fast path's built-in kinds (see src/fastpath.c): src/gen/mkkinds.c,
# linked with the library objects but a fastpath.c built without them,
# prints the kinds the layers make as C constants into $(KINDS_H), which
# the real fastpath.c includes.
GEN_DIR  := $(BUILD)/gen
KINDS_H  := $(GEN_DIR)/fastkinds.h
MKKINDS  := $(GEN_DIR)/mkkinds
MKKINDS_OBJS := $(GEN_DIR)/mkkinds.o $(GEN_DIR)/fastpath.o \
		$(filter-out $(BUILD)/src/fastpath.o,$(LIB_OBJS))

$(GEN_DIR)/mkkinds.o: src/gen/mkkinds.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@
$(GEN_DIR)/fastpath.o: src/fastpath.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@
$(GEN_DIR)/mkkinds.o $(GEN_DIR)/fastpath.o: INCLUDES = -Iinclude -Isrc
$(MKKINDS): $(MKKINDS_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ -lpthread
$(KINDS_H): $(MKKINDS)
	$(MKKINDS) > $@.tmp && mv $@.tmp $@

# (private: the generator, a prerequisite, must not see the built-in kinds.)
$(BUILD)/src/fastpath.o: $(KINDS_H)
$(BUILD)/src/fastpath.o: private INCLUDES = -Iinclude -Isrc -I$(GEN_DIR) -DGRO_FAST_BUILTIN
