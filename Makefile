# gtriage - goroutine dump triage.
#   make                 build ./gtriage
#   make check           unit tests (cmocka), end-to-end tests over samples/,
#                        live tests, and the HTML pages in headless Chromium
#   make SANITIZE=address,undefined check   the same under ASan+UBSan
#   make SANITIZE=thread check   the same under ThreadSanitizer
#   make bench           throughput and peak RSS on a 1,000,000-goroutine dump
#   make samples         regenerate samples/ (needs Go 1.26 and Debian's Go 1.19)
#   make fuzz            build the libFuzzer targets of tests/fuzz with clang
#                        (ASan+UBSan) and run each FUZZ_TIME seconds (20);
#                        `make fuzz FUZZ_TIME=600` for a long run, FUZZ_ARGS
#                        for more libFuzzer options (-max_len=256)
#   make deps            install the Debian packages the build and tests need

CC       ?= cc
PKGS      = libpcre2-8 jansson zlib libcurl libprotobuf-c
VERSION   = 0.1.0
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -pthread -Wall -Wextra -D_DEFAULT_SOURCE -DGTRIAGE_VERSION='"$(VERSION)"' \
            -Iinclude $(shell pkg-config --cflags $(PKGS))
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lm -pthread
PREFIX   ?= /usr/local

comma    := ,
ifneq ($(SANITIZE),)
# one build directory per sanitizer set: objects of two never mix
B         = build/san-$(subst $(comma),-,$(SANITIZE))
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
else
B         = build/rel
endif

LIBSRC    = $(filter-out src/main.c,$(wildcard src/*.c))
LIBOBJ    = $(LIBSRC:src/%.c=$(B)/%.o) $(B)/builtin_rules.o $(B)/profile.pb-c.o
UNITS     = $(patsubst tests/unit/%.c,$(B)/%,$(wildcard tests/unit/test_*.c))
RULES     = $(sort $(wildcard patterns/*.rules))

all: gtriage

gtriage: $(B)/gtriage
	@if [ -z "$(SANITIZE)" ]; then cp $(B)/gtriage gtriage; fi

$(B)/gtriage: $(B)/main.o $(LIBOBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/%.o: src/%.c $(wildcard include/*.h src/*.h) | $(B)
	$(CC) $(CFLAGS) -I$(B) -c -o $@ $<

# C for the profile.proto messages, generated rather than kept in the tree
$(B)/profile.pb-c.c $(B)/profile.pb-c.h: proto/profile.proto | $(B)
	protoc-c --c_out=$(B) --proto_path=proto proto/profile.proto

$(B)/pprof.o: $(B)/profile.pb-c.h

$(B)/profile.pb-c.o: $(B)/profile.pb-c.c $(B)/profile.pb-c.h
	$(CC) $(CFLAGS) -I$(B) -c -o $@ $<

$(B)/builtin_rules.c: $(RULES) scripts/embed-rules.sh | $(B)
	sh scripts/embed-rules.sh $(RULES) > $@.tmp && mv $@.tmp $@

$(B)/builtin_rules.o: $(B)/builtin_rules.c include/builtin_rules.h
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/test_%: tests/unit/test_%.c $(LIBOBJ) $(wildcard tests/unit/*.h)
	$(CC) $(CFLAGS) -I$(B) $(LDFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS) -lcmocka

$(B):
	mkdir -p $@

check: $(B)/gtriage $(UNITS)
	@set -e; for t in $(UNITS); do echo "== $$t"; $$t; done
	GTRIAGE=$(B)/gtriage SANITIZE_RUN=$(SANITIZE) sh tests/e2e/run.sh
	GTRIAGE=$(B)/gtriage sh tests/live/run.sh
	GTRIAGE=$(B)/gtriage sh tests/browser/run.sh

deps:
	sh scripts/install-deps.sh

bench: gtriage
	sh tests/bench.sh

samples:
	bash samples/gen/regen.sh

install: gtriage
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 gtriage $(DESTDIR)$(PREFIX)/bin/gtriage
	install -m 644 gtriage.1 $(DESTDIR)$(PREFIX)/share/man/man1/gtriage.1

clean:
	rm -rf build/rel build/san-* build/fuzz gtriage

# also the benchmark dump, which takes a while to make again
distclean: clean
	rm -rf build

# Fuzzing: the library built again with clang's sanitizer coverage; seeds
# from samples/ and the rule files, regenerated on every run.
FUZZ_CC    = clang
FUZZ_TIME ?= 20
FUZZ_ARGS ?=
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
             -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_B     = build/fuzz
FUZZ_OBJ   = $(LIBSRC:src/%.c=$(FUZZ_B)/obj/%.o) $(FUZZ_B)/obj/builtin_rules.o \
             $(FUZZ_B)/obj/profile.pb-c.o
FUZZERS    = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_B)/obj/%.o: src/%.c $(wildcard include/*.h src/*.h) $(B)/profile.pb-c.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -I$(B) -c -o $@ $<

$(FUZZ_B)/obj/profile.pb-c.o: $(B)/profile.pb-c.c $(B)/profile.pb-c.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -I$(B) -c -o $@ $<

$(FUZZ_B)/obj/builtin_rules.o: $(B)/builtin_rules.c include/builtin_rules.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -c -o $@ $<

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_OBJ) $(LDLIBS)

fuzz-deps:
	sh scripts/install-deps.sh fuzz

fuzz-build: $(FUZZERS:%=$(FUZZ_B)/fuzz_%)

.SECONDARY: $(FUZZ_OBJ)

# Each target runs on a fresh copy of its seeds plus what earlier runs
# found (kept in build/fuzz/found-*); a finding stops make with the
# reproducer written to build/fuzz/.
fuzz: fuzz-build
	sh tests/fuzz/corpus.sh $(FUZZ_B)
	@set -e; for t in $(FUZZERS); do \
		echo "== fuzz_$$t for $(FUZZ_TIME) s"; \
		mkdir -p $(FUZZ_B)/found-$$t; \
		$(FUZZ_B)/fuzz_$$t -max_total_time=$(FUZZ_TIME) \
			-print_final_stats=1 $(FUZZ_ARGS) -dict=tests/fuzz/$$t.dict -artifact_prefix=$(FUZZ_B)/ \
			$(FUZZ_B)/found-$$t $(FUZZ_B)/corpus-$$t \
			> $(FUZZ_B)/fuzz_$$t.log 2>&1 || \
			{ tail -n 60 $(FUZZ_B)/fuzz_$$t.log; exit 1; }; \
		grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss)' \
			$(FUZZ_B)/fuzz_$$t.log; \
		grep -E '^#[0-9]+.*cov:' $(FUZZ_B)/fuzz_$$t.log | tail -n 1; \
	done; \
	echo "fuzz: $(words $(FUZZERS)) passed, 0 failed"

.PHONY: all gtriage deps check bench samples install clean distclean fuzz fuzz-build fuzz-deps
