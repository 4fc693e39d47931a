# libgro itself: build/libgro.a. gro_shard (src/shard.c) runs threads:
# whatever links the library also links -lpthread (LDLIBS in Makefile).
LIB_SRCS := src/engine.c src/flowtab.c src/csum.c src/pkt.c src/gso.c src/vnet.c src/shard.c src/version.c \
	    src/proto/eth.c src/proto/ipv4.c src/proto/ipv6.c src/proto/tcp.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libgro.a

# One set of objects for the archive and the shared library: position
# independent, and exporting only what include/gro.h marks GRO_API.
$(LIB_OBJS): ALL_CFLAGS += -fPIC -fvisibility=hidden

all: $(LIB)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^
