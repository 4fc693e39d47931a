# The gro command-line tool: build/gro
GRO_SRCS := tools/gro/main.c tools/gro/coalesce.c tools/gro/demo.c tools/gro/run.c tools/gro/report.c \
	    tools/gro/segment.c tools/gro/capfile.c tools/gro/pcapng.c tools/gro/democap.c \
	    tools/gro/safeout.c tools/gro/relay.c tools/gro/relay_port.c

# `gro relay --input=xdp` needs libxdp and libbpf (Debian: libxdp-dev,
# libbpf-dev); without them gro is built without it and says so. XDP=0
# leaves it out even where they are installed.
XDP ?= $(shell pkg-config --exists libxdp libbpf 2>/dev/null && echo 1 || echo 0)
ifeq ($(XDP),1)
GRO_SRCS += tools/gro/relay_xdp.c
GRO_XDP_CFLAGS := -DGRO_HAVE_XDP $(shell pkg-config --cflags libxdp libbpf)
GRO_LDLIBS := $(shell pkg-config --libs libxdp libbpf)
endif

GRO_OBJS := $(GRO_SRCS:%.c=$(BUILD)/%.o)
GRO_BIN  := $(BUILD)/gro
GRO_RELAY_OBJS := $(filter $(BUILD)/tools/gro/relay%,$(GRO_OBJS))

# The tool uses the public API only.
$(GRO_OBJS): INCLUDES = -Iinclude -Itools/gro
$(GRO_RELAY_OBJS): ALL_CFLAGS += $(GRO_XDP_CFLAGS)
# Rebuilt when XDP changes.
$(GRO_RELAY_OBJS): $(BUILD)/tools/gro/xdp-$(XDP).stamp
$(BUILD)/tools/gro/xdp-$(XDP).stamp:
	@mkdir -p $(dir $@)
	@rm -f $(BUILD)/tools/gro/xdp-*.stamp
	@touch $@

all: $(GRO_BIN)

$(GRO_BIN): $(GRO_OBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(GRO_LDLIBS)
