# The sharding layer's threads (tests/tsan/shard_race.c) and the tool's
# writer thread (tests/tsan/tool_race.sh) under ThreadSanitizer, in a
# build of its own: the library and the programs built with
# -fsanitize=thread. Part of `make check`.
TSAN_FLAGS := -O1 -g -fsanitize=thread -fno-omit-frame-pointer

.PHONY: tsan tsan-run
tsan:
	@echo "== under ThreadSanitizer"
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/tsan CFLAGS="$(TSAN_FLAGS)" LDFLAGS="-fsanitize=thread" tsan-run

tsan-run: $(BUILD)/shard_race $(GRO_BIN) $(BIGCAP_BIN)
	sh tests/tsan/run.sh $(BUILD)/shard_race
	sh tests/tsan/tool_race.sh $(GRO_BIN) $(BIGCAP_BIN)

$(BUILD)/shard_race: $(BUILD)/tests/tsan/shard_race.o $(LIB) $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
