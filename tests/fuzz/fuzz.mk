# Fuzzing (see docs/robustness.md).
#
#   make fuzz                  each harness under libFuzzer for FUZZ_SECONDS (600)
#   make fuzz-replay           seed corpora + regression inputs through the
#                              standalone drivers (any compiler; in check-run)
#   make fuzz-smoke            FUZZ_SMOKE_SECONDS (8) of libFuzzer per harness
#                              (in check-run, plain pass only)
#   make fuzz-known            the disabled regression inputs (known engine
#                              bugs): says which still fail
#   make fuzz-seeds            seed candidates from the conformance scenarios
#
# libFuzzer builds compile the library again with clang into build/fuzz/.
FUZZ_HARNESSES     := fuzz_receive fuzz_pcap
FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 600
FUZZ_SMOKE_SECONDS ?= 8
FUZZ_FLAGS         ?=
FUZZ_OUT           := $(BUILD)/fuzz
FUZZ_SAN           := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS        := $(CSTD) -Wall -Wextra -O1 -g $(FUZZ_SAN) -Iinclude -Isrc -Itests/lib \
		      -Itools/gro -D_GNU_SOURCE
# Compile-time steering for the harnesses while an engine bug listed in
# tests/fuzz/regress/disabled.txt is open (none is): empty.
FUZZ_AVOID         :=
FUZZ_REGRESS       := tests/fuzz/regress
FUZZ_DISABLED      := $(FUZZ_REGRESS)/disabled.txt
FUZZ_PROBE          = printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\
{(void)d;(void)n;return 0;}\n' | $(FUZZ_CC) -fsanitize=fuzzer -x c - -o $(FUZZ_OUT)/.probe >/dev/null 2>&1

# The sources each harness needs besides the library. fuzz_pcap links the
# gro tool without its main() (run.c, report.c and what they call) and
# without gro relay, which reads no capture (and may need libxdp).
FUZZ_CLI_SRCS       = $(filter-out tools/gro/main.c tools/gro/relay%,$(GRO_SRCS))
FUZZ_receive_SRCS  := tests/fuzz/fuzz_receive.c tests/fuzz/gro_check.c tests/lib/pktbuild.c
FUZZ_pcap_SRCS      = tests/fuzz/fuzz_pcap.c $(FUZZ_CLI_SRCS) tests/lib/pktbuild.c

# ---- libFuzzer builds (clang) ----
$(FUZZ_OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_AVOID) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_OUT)/obj/%.o)

# The fast path with its built-in kinds, as in the library (the header is
# the same for any compiler: it is the layers' data).
$(FUZZ_OUT)/obj/src/fastpath.o: $(KINDS_H)
$(FUZZ_OUT)/obj/src/fastpath.o: FUZZ_AVOID += -I$(GEN_DIR) -DGRO_FAST_BUILTIN

$(FUZZ_OUT)/fuzz_receive: $(FUZZ_receive_SRCS:%.c=$(FUZZ_OUT)/obj/%.o) $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -lpcap -lpthread -o $@
$(FUZZ_OUT)/fuzz_pcap: $(FUZZ_pcap_SRCS:%.c=$(FUZZ_OUT)/obj/%.o) $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -lpcap -lpthread -o $@

# ---- standalone replay drivers ($(CC), this pass's flags) ----
$(BUILD)/tests/fuzz/fuzz_receive.o: ALL_CFLAGS += $(FUZZ_AVOID)

$(BUILD)/fuzz_receive_replay: $(BUILD)/tests/fuzz/fuzz_receive.o $(BUILD)/tests/fuzz/gro_check.o \
			      $(BUILD)/tests/fuzz/driver.o $(LIB) $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@
$(BUILD)/fuzz_pcap_replay: $(BUILD)/tests/fuzz/fuzz_pcap.o $(BUILD)/tests/fuzz/driver.o \
			   $(FUZZ_CLI_SRCS:%.c=$(BUILD)/%.o) $(PKTBUILD_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@
$(BUILD)/tests/fuzz/fuzz_pcap.o: ALL_CFLAGS += -Itools/gro

# The same harness without the steering, sanitized (clang, no libFuzzer),
# for the inputs of known bugs.
FUZZ_KNOWN_SRCS = tests/fuzz/fuzz_receive.c tests/fuzz/gro_check.c tests/fuzz/driver.c \
		  tests/lib/pktbuild.c $(LIB_SRCS)
$(FUZZ_OUT)/known/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
$(FUZZ_OUT)/fuzz_receive_known: $(FUZZ_KNOWN_SRCS:%.c=$(FUZZ_OUT)/known/%.o)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $^ -lpcap -lpthread -o $@

$(BUILD)/mkseed: $(BUILD)/tests/fuzz/mkseed.o $(PKTBUILD_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

FUZZ_REPLAY_BINS := $(BUILD)/fuzz_receive_replay $(BUILD)/fuzz_pcap_replay

.PHONY: fuzz fuzz-build fuzz-replay fuzz-smoke fuzz-known fuzz-seeds check-run

# Every seed and every enabled regression input, in this pass's build.
fuzz-replay: $(FUZZ_REPLAY_BINS)
	@for h in $(FUZZ_HARNESSES); do \
		sh tests/fuzz/replay.sh $(BUILD)/$${h}_replay $$h $(FUZZ_DISABLED) \
			tests/fuzz/corpus/$$h $(FUZZ_REGRESS)/$$h || exit 1; \
	done

fuzz-build:
	@mkdir -p $(FUZZ_OUT)
	@$(FUZZ_PROBE) || { echo "fuzz: $(FUZZ_CC) has no libFuzzer runtime (install clang)"; exit 1; }
	@$(MAKE) --no-print-directory $(FUZZ_HARNESSES:%=$(FUZZ_OUT)/%)

# A short libFuzzer run from the seeds (new inputs go to a scratch
# corpus). Only in the plain pass: the sanitizer pass has no libFuzzer.
fuzz-smoke:
	@case "$(BUILD)" in *asan*) exit 0;; esac; \
	mkdir -p $(FUZZ_OUT); \
	if ! $(FUZZ_PROBE); then \
		echo "fuzz-smoke: skipped, $(FUZZ_CC) has no libFuzzer runtime (the replay still ran)"; exit 0; \
	fi; \
	$(MAKE) --no-print-directory -j2 $(FUZZ_HARNESSES:%=$(FUZZ_OUT)/%) >$(FUZZ_OUT)/build.log 2>&1 || \
		{ tail -30 $(FUZZ_OUT)/build.log; exit 1; }; \
	for h in $(FUZZ_HARNESSES); do \
		rm -rf $(FUZZ_OUT)/smoke/$$h; mkdir -p $(FUZZ_OUT)/smoke/$$h $(FUZZ_OUT)/artifacts/$$h; \
		opt=; [ $$h = fuzz_pcap ] && opt=-close_fd_mask=2; \
		if ! $(FUZZ_OUT)/$$h -max_total_time=$(FUZZ_SMOKE_SECONDS) -seed=1 -max_len=32768 $$opt \
			-artifact_prefix=$(FUZZ_OUT)/artifacts/$$h/ $(FUZZ_OUT)/smoke/$$h \
			tests/fuzz/corpus/$$h >$(FUZZ_OUT)/smoke-$$h.log 2>&1; then \
			tail -40 $(FUZZ_OUT)/smoke-$$h.log; echo "fuzz-smoke: $$h FAILED"; exit 1; \
		fi; \
		echo "fuzz-smoke: $$h: $$(grep -o 'Done [0-9]* runs in [0-9]* second' $(FUZZ_OUT)/smoke-$$h.log), \
	$$(grep -o 'cov: [0-9]*' $(FUZZ_OUT)/smoke-$$h.log | tail -1), no finding"; \
	done

# The real thing: FUZZ_SECONDS per harness on one core, corpus kept in
# build/fuzz/corpus/<harness> between runs, findings in build/fuzz/artifacts.
fuzz: fuzz-build
	@for h in $(FUZZ_HARNESSES); do \
		mkdir -p $(FUZZ_OUT)/corpus/$$h $(FUZZ_OUT)/artifacts/$$h; \
		opt=; [ $$h = fuzz_pcap ] && opt=-close_fd_mask=2; \
		echo "fuzz: $$h for $(FUZZ_SECONDS) s (log: $(FUZZ_OUT)/fuzz-$$h.log)"; \
		$(FUZZ_OUT)/$$h -max_total_time=$(FUZZ_SECONDS) -max_len=32768 -print_final_stats=1 $$opt \
			-artifact_prefix=$(FUZZ_OUT)/artifacts/$$h/ $(FUZZ_FLAGS) $(FUZZ_OUT)/corpus/$$h \
			tests/fuzz/corpus/$$h $$(ls -d $(FUZZ_REGRESS)/$$h 2>/dev/null) >$(FUZZ_OUT)/fuzz-$$h.log 2>&1; \
		rc=$$?; tail -25 $(FUZZ_OUT)/fuzz-$$h.log | grep -E 'stat::|Done|cov:|ERROR|SUMMARY|violated' ; \
		[ $$rc = 0 ] || { echo "fuzz: $$h found something: $(FUZZ_OUT)/artifacts/$$h/"; exit 1; }; \
	done

# Inputs of reported engine bugs: each should fail until its bug is fixed.
fuzz-known: $(FUZZ_OUT)/fuzz_receive_known $(BUILD)/fuzz_pcap_replay
	@sh tests/fuzz/replay.sh --known $(FUZZ_OUT)/fuzz_receive_known fuzz_receive $(FUZZ_DISABLED)
	@sh tests/fuzz/replay.sh --known $(BUILD)/fuzz_pcap_replay fuzz_pcap $(FUZZ_DISABLED)

# Seed candidates from the conformance scenarios, in build/fuzz/seeds/;
# minimise with libFuzzer's -merge=1 before copying into tests/fuzz/corpus.
fuzz-seeds: $(BUILD)/scenarios $(BUILD)/mkseed
	sh tests/fuzz/mkseeds.sh $(BUILD) $(FUZZ_OUT)/seeds

check-run: fuzz-replay fuzz-smoke

# Line coverage of src/ reached by the corpora (committed seeds, plus the
# working corpus of `make fuzz` when there is one), measured with gcov.
FUZZ_COV := $(BUILD)/fuzz-cov
FUZZ_COV_SRCS = tests/fuzz/fuzz_receive.c tests/fuzz/gro_check.c tests/fuzz/driver.c tests/lib/pktbuild.c \
		$(LIB_SRCS)
$(FUZZ_COV)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) -O0 -g --coverage $(FUZZ_AVOID) -Iinclude -Isrc -Itests/lib -D_GNU_SOURCE -c $< -o $@
$(FUZZ_COV)/fuzz_receive_cov: $(FUZZ_COV_SRCS:%.c=$(FUZZ_COV)/%.o)
	$(CC) --coverage $^ $(LDLIBS) -o $@

.PHONY: fuzz-coverage
fuzz-coverage: $(FUZZ_COV)/fuzz_receive_cov
	@find $(FUZZ_COV) -name '*.gcda' -delete
	@$(FUZZ_COV)/fuzz_receive_cov tests/fuzz/corpus/fuzz_receive $(wildcard $(FUZZ_OUT)/corpus/fuzz_receive) \
		2>&1 | tail -1
	@for f in $(LIB_SRCS); do \
		gcov -n -o $(FUZZ_COV)/$$(dirname $$f) $$f 2>/dev/null | \
		awk -v f=$$f '/^File/ { hit = ($$2 == "'"'"'" f "'"'"'") } hit && /^Lines/ { print "fuzz-coverage: " f ": " $$0; hit = 0 }'; \
	done
