# The examples and `make install` as a user meets them
# (tests/install/install_test.sh): the examples run as built in the tree,
# in both check passes; in the normal pass also installed into a scratch
# DESTDIR, built from there through pkg-config against the shared library,
# run, and uninstalled.
.PHONY: install-check check-run
install-check: $(LIB) $(SHLIB) $(BUILD)/$(SO_NAME) $(BUILD)/libgro.so $(GRO_BIN) $(EXAMPLE_BINS)
	sh tests/install/install_test.sh "$(MAKE)" "$(BUILD)" "$(CC)" "$(CSTD) $(WARN) $(OPT)"

check-run: install-check
