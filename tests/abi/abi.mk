# The shared library's ABI (tests/abi/abi_test.sh): exports against the
# GRO_API names of include/gro.h, symbol versions, soname, links, and a
# program linked against build/libgro.so. Runs in both check passes (the
# sanitizer pass links its program with the sanitizer runtime too).
$(BUILD)/abi_link: $(BUILD)/tests/abi/abi_link.o $(SHLIB) $(BUILD)/$(SO_NAME) $(BUILD)/libgro.so
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -L$(BUILD) -lgro -Wl,-rpath,'$$ORIGIN'

.PHONY: abi-test check-run
abi-test: $(SHLIB) $(BUILD)/$(SO_NAME) $(BUILD)/libgro.so $(BUILD)/abi_link
	sh tests/abi/abi_test.sh include/gro.h $(SO_MAP) $(BUILD) $(BUILD)/abi_link

check-run: abi-test
