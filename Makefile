# The one entry point: make, make run, make test, make bench, make install,
# make fuzz [FUZZ_SECONDS=N]. SANITIZE=1 builds with AddressSanitizer and
# UndefinedBehaviorSanitizer. V=1 shows the commands.

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
SAMPLES_OUT ?= out/samples
BENCH_CONTRACTS ?= 300000

PKGS     = zlib yaml-0.1 libcrypto xlsxwriter minizip
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
           -pthread -Istages/lib -DAPP_VERSION='"$(shell cat VERSION)"'
LDLIBS  += -lcsv -lm -pthread

ifeq ($(SANITIZE),1)
BUILD   := $(BUILD)/san
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# FUZZING=1 (set by make fuzz, with CC=clang and BUILD=build/fuzz): the
# library instrumented for libFuzzer's coverage, with the sanitizers, and
# small I/O buffers (large ones cost a mmap each under ASan; small ones put
# lines across buffer boundaries).
ifeq ($(FUZZING),1)
CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
           -DCSVIN_READ_CHUNK=4096 -DTSV_BUFSZ=4096
endif

ifneq ($(V),1)
Q = @
endif

# Build dependencies (spec/setup.md) and the test tools.
BUILD_DEBS = build-essential pkg-config libcsv-dev libxlsxwriter-dev zlib1g-dev libyaml-dev libssl-dev \
             libminizip-dev
TEST_DEBS  = libcmocka-dev valgrind clang-format python3-openpyxl python3-yaml python3 gzip
FUZZ_DEBS  = clang libclang-rt-14-dev

LIB_SRCS   = $(sort $(wildcard stages/lib/*.c))
LIB_OBJS   = $(LIB_SRCS:stages/lib/%.c=$(BUILD)/obj/lib/%.o)
LIB        = $(BUILD)/libapp.a
STAGES     = ingest merge indicators quality report dump
STAGE_BINS = $(STAGES:%=$(BUILD)/bin/%)
DRIVER     = $(BUILD)/bin/pipeline-run
# The driver's modules (pipeline/*.c but run.c, its main), which the unit tests link too.
DRIVER_SRCS = $(filter-out pipeline/run.c,$(sort $(wildcard pipeline/*.c)))
DRIVER_OBJS = $(DRIVER_SRCS:pipeline/%.c=$(BUILD)/obj/driver/%.o)
DRIVER_LIB  = $(BUILD)/libdriver.a
GENERATOR  = $(BUILD)/bin/generate
UNIT_SRCS  = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/test/%)
# One fuzz target per parser of outside data (tests/fuzz/fuzz_NAME.c).
FUZZ_TARGETS = csvin values yaml records ingest
FUZZ_SECONDS ?= 60
FUZZ_DEFS    = -Itests/fuzz -DFUZZ_SCHEMAS='"$(CURDIR)/schemas"'
REPLAY_BINS  = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
FUZZ_BINS    = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

.PHONY: all run test test-unit test-e2e bench deps test-deps install clean format check-format check-xlsx \
        fuzz fuzz-bins test-fuzz-replay
.DEFAULT_GOAL := all

all: deps-check $(STAGE_BINS) $(DRIVER) $(GENERATOR)

# --- dependencies -----------------------------------------------------------
# deps-check only complains; deps installs (as root) what is missing.
missing = $(shell for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done)

.PHONY: deps-check
deps-check:
	@m="$(call missing,$(BUILD_DEBS))"; if [ -n "$$m" ]; then \
	  echo "missing build packages: $$m"; echo "run: make run (as root) or: apt-get install -y $$m"; exit 1; fi

deps:
	@pipeline/install-deps $(BUILD_DEBS)

test-deps:
	@pipeline/install-deps $(BUILD_DEBS) $(TEST_DEBS)

# --- build ------------------------------------------------------------------
CFLAGS_PKG := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS_PKG   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

$(BUILD)/obj/lib/%.o: stages/lib/%.c $(wildcard stages/lib/*.h)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC  $<")
	$(Q)$(CC) $(CFLAGS) $(CFLAGS_PKG) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/bin/%: stages/%.c $(LIB)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD  $@")
	$(Q)$(CC) $(CFLAGS) $(CFLAGS_PKG) -o $@ $< $(LIB) $(LDFLAGS) $(LIBS_PKG) $(LDLIBS)

$(BUILD)/obj/driver/%.o: pipeline/%.c $(wildcard pipeline/*.h) $(wildcard stages/lib/*.h)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC  $<")
	$(Q)$(CC) $(CFLAGS) $(CFLAGS_PKG) -Ipipeline -c -o $@ $<

$(DRIVER_LIB): $(DRIVER_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(DRIVER): pipeline/run.c $(wildcard pipeline/*.h) $(DRIVER_LIB) $(LIB)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD  $@")
	$(Q)$(CC) $(CFLAGS) $(CFLAGS_PKG) -Ipipeline -o $@ $< $(DRIVER_LIB) $(LIB) $(LDFLAGS) \
	  $(LIBS_PKG) $(LDLIBS)

$(GENERATOR): samples/generate.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD  $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lz -lm

$(BUILD)/test/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(DRIVER_LIB) $(LIB)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD  $@")
	$(Q)$(CC) $(CFLAGS) $(CFLAGS_PKG) -Ipipeline -o $@ $< $(DRIVER_LIB) $(LIB) $(LDFLAGS) \
	  $(LIBS_PKG) $(LDLIBS) -lcmocka

# The first stage as a function, for the whole-ingest fuzz target.
$(BUILD)/fuzz/ingest_main.o: stages/ingest.c $(wildcard stages/lib/*.h)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(CFLAGS_PKG) -Dmain=ingest_main -c -o $@ $<

# A fuzz target with replay.c's main (make test, any compiler) ...
$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(LIB) \
                        $(BUILD)/fuzz/ingest_main.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD  $@")
	$(Q)$(CC) $(CFLAGS) $(CFLAGS_PKG) $(FUZZ_DEFS) -o $@ tests/fuzz/replay.c $< \
	  $(if $(filter ingest,$*),$(BUILD)/fuzz/ingest_main.o) $(LIB) $(LDFLAGS) $(LIBS_PKG) $(LDLIBS)

# ... or with libFuzzer's (make fuzz, clang).
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB) $(BUILD)/fuzz/ingest_main.o
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD  $@")
	$(Q)$(CC) $(CFLAGS) $(CFLAGS_PKG) $(FUZZ_DEFS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	  $(if $(filter ingest,$*),$(BUILD)/fuzz/ingest_main.o) $(LIB) $(LIBS_PKG) $(LDLIBS)

# --- use --------------------------------------------------------------------
# git keeps no file mode but the executable bit: a fresh clone has the sample key
# readable by all, which pipeline/run rightly warns about for a real key.
run: deps
	@$(MAKE) --no-print-directory all
	@chmod 600 samples/sample.key
	@pipeline/run -i samples/drop -o $(SAMPLES_OUT) -c samples/config.yaml && \
	  echo "reports written to $(SAMPLES_OUT)/ (bilan.xlsx, *.csv.gz, manifest.yaml)"

# --- tests ------------------------------------------------------------------
test: test-deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-format
	@$(MAKE) --no-print-directory SANITIZE=1 all test-unit test-fuzz-replay
	@$(MAKE) --no-print-directory test-e2e

test-unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

test-e2e:
	@tests/e2e/run-all

# Every committed fuzz input (tests/fuzz/corpus/TARGET/) through its target,
# built here with replay.c: a finding once fixed stays fixed.
test-fuzz-replay: $(REPLAY_BINS)
	@total=0; for t in $(FUZZ_TARGETS); do \
	  out=$$($(BUILD)/fuzz/replay_$$t $$t tests/fuzz/corpus/$$t) || \
	    { echo "$$out"; echo "fuzz corpora: replaying $$t failed (see above)"; exit 1; }; \
	  echo "$$out"; n=$${out##*: }; total=$$((total + $${n%% passed*})); done; \
	  echo "fuzz corpora: $$total passed, 0 failed"

# --- fuzzing ----------------------------------------------------------------
# make fuzz [FUZZ_SECONDS=N]: builds every target with clang's libFuzzer and
# the sanitizers in build/fuzz/fuzz/, then runs each for N seconds (nice'd) from
# its committed corpus; new inputs go to build/fuzz/corpus/TARGET/, a
# finding to build/fuzz/artifacts/ (commit it into the corpus once fixed).
fuzz:
	@pipeline/install-deps $(BUILD_DEBS) $(FUZZ_DEBS)
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang FUZZING=1 fuzz-bins
	@mkdir -p build/fuzz/artifacts && for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t && echo "== fuzz_$$t for $(FUZZ_SECONDS) s" && \
	  nice -n 10 build/fuzz/fuzz/fuzz_$$t build/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/artifacts/$$t- 2>build/fuzz/$$t.log || \
	    { tail -n 60 build/fuzz/$$t.log; exit 1; }; \
	  grep -E '^(#[0-9]+.*DONE|stat::)' build/fuzz/$$t.log; done

fuzz-bins: $(FUZZ_BINS)

# A person's look at the workbook: PDF through headless LibreOffice, then PNG pages.
check-xlsx: run
	@pipeline/install-deps libreoffice-calc poppler-utils
	@rm -rf out/check-xlsx && mkdir -p out/check-xlsx
	@HOME=$$(mktemp -d) soffice --headless --convert-to pdf --outdir out/check-xlsx \
	  $(SAMPLES_OUT)/bilan.xlsx >/dev/null 2>&1 || { echo "LibreOffice conversion failed"; exit 1; }
	@pdftoppm -r 80 -png out/check-xlsx/bilan.pdf out/check-xlsx/page
	@echo "pages of the workbook: out/check-xlsx/page-*.png ($$(ls out/check-xlsx/page-*.png | wc -l) pages), PDF: out/check-xlsx/bilan.pdf"

check-format:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h') && echo "clang-format: every file formatted"

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

# --- benchmark --------------------------------------------------------------
bench: all
	@pipeline/install-deps python3
	@tests/bench/run $(BENCH_CONTRACTS)

# --- install ----------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/apprentissage/bin \
	  $(DESTDIR)$(PREFIX)/share/apprentissage
	install -m 755 $(STAGE_BINS) $(DRIVER) $(DESTDIR)$(PREFIX)/lib/apprentissage/bin/
	rm -rf $(DESTDIR)$(PREFIX)/share/apprentissage/schemas
	cp -R schemas $(DESTDIR)$(PREFIX)/share/apprentissage/
	install -m 644 VERSION pipeline/config.yaml $(DESTDIR)$(PREFIX)/share/apprentissage/
	ln -sf ../lib/apprentissage/bin/pipeline-run $(DESTDIR)$(PREFIX)/bin/apprentissage-run

clean:
	rm -rf $(BUILD) out
