# The gro command-line tool: build/gro
GRO_SRCS := tools/gro/main.c tools/gro/coalesce.c tools/gro/demo.c tools/gro/run.c tools/gro/report.c \
	    tools/gro/segment.c tools/gro/capfile.c tools/gro/pcapng.c tools/gro/democap.c \
	    tools/gro/safeout.c
GRO_OBJS := $(GRO_SRCS:%.c=$(BUILD)/%.o)
GRO_BIN  := $(BUILD)/gro

# The tool uses the public API only.
$(GRO_OBJS): INCLUDES = -Iinclude -Itools/gro

all: $(GRO_BIN)

$(GRO_BIN): $(GRO_OBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
