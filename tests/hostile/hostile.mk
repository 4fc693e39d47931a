# Hostile traffic and API misuse (tests/hostile/hostile.c): a million flows,
# unmergeable streams, 64 KiB merges, short and huge frames, flow-hash
# collision sets, bad configurations, hostile UDP datagrams in every UDP
# setting. Runs in both check passes.
HOSTILE_OBJS := $(BUILD)/tests/hostile/hostile.o $(BUILD)/tests/fuzz/gro_check.o

$(BUILD)/tests/hostile/hostile.o: ALL_CFLAGS += -Itests/fuzz

$(BUILD)/hostile: $(HOSTILE_OBJS) $(LIB) $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

.PHONY: hostile check-run
hostile: $(BUILD)/hostile
	$(BUILD)/hostile

check-run: hostile

# Valgrind (memcheck) on the tool (demo, coalesce with and without options,
# an error path), a subset of the unit tests, the fuzz corpus replay and the
# smaller hostile tests: no error and no leak allowed. Plain pass only (the
# sanitizer pass has its own checks); skipped when valgrind is missing.
VALGRIND     ?= valgrind
VALGRIND_RUN  = $(VALGRIND) -q --error-exitcode=99 --leak-check=full
VALGRIND_DIR  = $(BUILD)/valgrind

.PHONY: valgrind-check
valgrind-check: $(GRO_BIN) $(BUILD)/unit_tests $(BUILD)/fuzz_receive_replay $(BUILD)/hostile
	@case "$(BUILD)" in *asan*) exit 0;; esac; \
	if ! command -v $(VALGRIND) >/dev/null 2>&1; then \
		echo "valgrind-check: skipped, valgrind is not installed (apt-get install valgrind)"; exit 0; \
	fi; \
	d=$(VALGRIND_DIR); rm -rf $$d; mkdir -p $$d; \
	run() { \
		want=$$1 name=$$2; shift 2; \
		$(VALGRIND_RUN) "$$@" >$$d/$$name.log 2>&1; rc=$$?; \
		if [ $$rc != $$want ] || grep -q '^==[0-9]*==' $$d/$$name.log; then \
			tail -40 $$d/$$name.log; \
			echo "valgrind-check: $$name: FAILED, exit $$rc (log: $$d/$$name.log)"; exit 1; \
		fi; \
		echo "valgrind-check: $$name: no error, no leak"; \
	}; \
	run 0 gro-demo $(GRO_BIN) demo $$d/demo; \
	run 0 gro-coalesce $(GRO_BIN) coalesce -q $$d/demo/demo-in.pcap $$d/out.pcap; \
	run 0 gro-coalesce-options $(GRO_BIN) coalesce -q --max-flows 7 --burst 16 --csum=partial \
		--rx-csum=trust --max-segs 5 --meta $$d/out.meta $$d/demo/demo-in.pcap $$d/out2.pcap; \
	run 1 gro-coalesce-not-a-capture $(GRO_BIN) coalesce -q $$d/out.meta $$d/out3.pcap; \
	run 0 unit-merge --trace-children=yes $(BUILD)/unit_tests --filter 'merge/*' --jobs 2; \
	run 0 fuzz-replay $(BUILD)/fuzz_receive_replay tests/fuzz/corpus/fuzz_receive; \
	run 0 hostile-subset $(BUILD)/hostile unmergeable-streams short-frames config api-misuse

check-run: valgrind-check
