# gtriage - goroutine dump triage.
#   make                 build ./gtriage
#   make check           unit tests (cmocka) and end-to-end tests over samples/
#   make SANITIZE=address,undefined check   the same under ASan+UBSan
#   make bench           throughput and peak RSS on a 1,000,000-goroutine dump
#   make samples         regenerate samples/ (needs Go 1.26 and Debian's Go 1.19)
#   make deps            install the Debian packages the build and tests need

CC       ?= cc
PKGS      = libpcre2-8 jansson zlib libcurl libprotobuf-c
VERSION   = 0.1.0
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -D_DEFAULT_SOURCE -DGTRIAGE_VERSION='"$(VERSION)"' \
            -Iinclude $(shell pkg-config --cflags $(PKGS))
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lm
PREFIX   ?= /usr/local

ifneq ($(SANITIZE),)
B         = build/san
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
	rm -rf build/rel build/san gtriage

# also the benchmark dump, which takes a while to make again
distclean: clean
	rm -rf build

.PHONY: all gtriage deps check bench samples install clean distclean
