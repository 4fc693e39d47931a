# The example programs, examples/*.c: `make examples` builds them into
# build/examples/ against the tree's own library. They include the public
# header alone, as a program built against an installed libgro does
# (examples/Makefile builds them that way, through pkg-config).
EXAMPLE_NAMES := roundtrip tapfwd
EXAMPLE_BINS  := $(EXAMPLE_NAMES:%=$(BUILD)/examples/%)

.PHONY: examples
examples: $(EXAMPLE_BINS)

$(EXAMPLE_BINS): $(BUILD)/examples/%: $(BUILD)/examples/%.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ -lpthread
