# The example programs, examples/*.c: `make examples` builds them into
# build/examples/ against the tree's own library. They include the public
# header alone, as a program built against an installed libgro does
# (examples/Makefile builds them that way, through pkg-config).
EXAMPLE_NAMES := roundtrip tapfwd
# xdprecv (AF_XDP) needs libxdp and libbpf: built where they are (XDP, as
# for the gro tool, see tools/gro/gro.mk); `make examples` says when not.
ifeq ($(XDP),1)
EXAMPLE_NAMES += xdprecv
endif
EXAMPLE_BINS  := $(EXAMPLE_NAMES:%=$(BUILD)/examples/%)

.PHONY: examples
examples: $(EXAMPLE_BINS)
ifneq ($(XDP),1)
	@echo "examples: xdprecv skipped: gro built without libxdp and libbpf (XDP=0, or no libxdp-dev, libbpf-dev)"
endif

$(filter-out %/xdprecv,$(EXAMPLE_BINS)): $(BUILD)/examples/%: $(BUILD)/examples/%.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ -lpthread

$(BUILD)/examples/xdprecv: $(BUILD)/examples/xdprecv.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(GRO_LDLIBS) -lpthread
