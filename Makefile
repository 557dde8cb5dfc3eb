# convene: `make` builds build/convene and the web app; `make run` serves it;
# `make test` installs what is missing, builds (-Werror, and ASan+UBSan) and runs every suite.
.DEFAULT_GOAL := all
# BUILD lets several checkouts or people build side by side: make BUILD=/tmp/b1
BUILD    ?= build
.PHONY: all run test deps deps-runtime deps-bench bench clean web unit asan release

PKGS     := libmicrohttpd jansson libical sqlite3 libpq libsodium libcurl libcrypto inih libxml-2.0 icu-uc icu-i18n pwquality
CC       ?= cc
WARN     := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wno-format-truncation
BASE_CFLAGS := -std=c17 -D_GNU_SOURCE -g $(WARN) -Isrc -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC      := $(shell find src -name '*.c' | sort)
MIGR     := $(shell find src/store/migrations -name '*.sql' | sort)
GEN      := $(BUILD)/gen/migrations.c
OBJ      := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRC)) $(BUILD)/obj/gen/migrations.o
ASAN_OBJ := $(patsubst src/%.c,$(BUILD)/asan/obj/%.o,$(SRC)) $(BUILD)/asan/obj/gen/migrations.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

all: release web

release: $(BUILD)/convene
asan: $(BUILD)/asan/convene
unit: $(UNIT_BIN)

$(GEN): $(MIGR) scripts/embed-migrations.sh
	@mkdir -p $(dir $@)
	scripts/embed-migrations.sh src/store/migrations > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: src/%.c | $(GEN)
	@mkdir -p $(dir $@)
	@$(CC) $(BASE_CFLAGS) -O2 -MMD -MP -c $< -o $@
$(BUILD)/obj/gen/migrations.o: $(GEN)
	@mkdir -p $(dir $@)
	@$(CC) $(BASE_CFLAGS) -O2 -c $< -o $@
$(BUILD)/convene: $(OBJ)
	@$(CC) -o $@ $^ $(LIBS)

$(BUILD)/asan/obj/%.o: src/%.c | $(GEN)
	@mkdir -p $(dir $@)
	@$(CC) $(BASE_CFLAGS) -O1 $(SAN) -MMD -MP -c $< -o $@
$(BUILD)/asan/obj/gen/migrations.o: $(GEN)
	@mkdir -p $(dir $@)
	@$(CC) $(BASE_CFLAGS) -O1 $(SAN) -c $< -o $@
$(BUILD)/asan/convene: $(ASAN_OBJ)
	@$(CC) $(SAN) -o $@ $^ $(LIBS)

# unit tests link every module but main.c, with the sanitizers on, and the
# shared set-up of those that need a database (tests/unit/fixture.c) or an
# earlier schema (tests/unit/oldschema.c)
UNIT_HELP := tests/unit/fixture.c tests/unit/oldschema.c
$(BUILD)/tests/%: tests/unit/%.c $(UNIT_HELP) tests/unit/fixture.h tests/unit/oldschema.h $(filter-out $(BUILD)/asan/obj/main.o,$(ASAN_OBJ))
	@mkdir -p $(dir $@)
	@$(CC) $(BASE_CFLAGS) -O1 $(SAN) -o $@ $(filter-out %.h,$^) $(LIBS) -lcmocka

# libFuzzer targets (fuzz/README.md): every module but main.c built again with
# clang and coverage; `make fuzz` builds them, `make fuzz-check` replays the seeds
FUZZ_CC   := clang-14
FUZZ_SAN  := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_OBJ  := $(patsubst src/%.c,$(BUILD)/fuzz/obj/%.o,$(filter-out src/main.c,$(SRC))) $(BUILD)/fuzz/obj/gen/migrations.o
FUZZ_BIN  := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard fuzz/fuzz_*.c))
.PHONY: fuzz fuzz-check
.SECONDARY: $(FUZZ_OBJ)
# clang warns where gcc does not: -Werror is the gcc builds' job
FUZZ_CFLAGS := $(BASE_CFLAGS) -Wno-error -Wno-unknown-warning-option -O1
fuzz: $(FUZZ_BIN)
fuzz-check: $(FUZZ_BIN)
	fuzz/run.sh --check $(BUILD)/fuzz
$(BUILD)/fuzz/obj/%.o: src/%.c | $(GEN)
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -MMD -MP -c $< -o $@
$(BUILD)/fuzz/obj/gen/migrations.o: $(GEN)
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJ)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(subst fuzzer-no-link,fuzzer,$(FUZZ_SAN)) -o $@ $^ $(LIBS)

# the web app's npm packages, installed when missing (a fresh clone) or when its
# lock file changed; scripts/deps.sh keeps the same stamp
WEB_DEPS := $(if $(wildcard web/package.json),web/node_modules/.convene-deps)
web: web/dist/index.html
web/dist/index.html: $(shell find web -path web/node_modules -prune -o -path web/dist -prune -o -type f -print 2>/dev/null) $(WEB_DEPS)
	@if [ -f web/package.json ]; then cd web && npm run --silent build; else mkdir -p web/dist && echo '<!doctype html><title>convene</title>' > $@; fi
web/node_modules/.convene-deps: web/package.json $(wildcard web/package-lock.json)
	cd web && { [ -f package-lock.json ] && npm ci --no-audit --no-fund || npm install --no-audit --no-fund; }
	touch $@

# what each target installs: everything for test (and `make deps`), only what
# building and running need for run, that plus nginx, wrk, Radicale... for bench
deps:
	scripts/deps.sh
deps-runtime:
	scripts/deps.sh --runtime-only
deps-bench:
	scripts/deps.sh --bench

run: deps-runtime
	$(MAKE) BUILD=$(BUILD) all
	BUILD=$(BUILD) scripts/run.sh

test: deps
	BUILD=$(BUILD) scripts/test.sh

bench: deps-bench
	$(MAKE) BUILD=$(BUILD) all
	BUILD=$(BUILD) bench/http.sh
	BUILD=$(BUILD) bench/feed.sh
	BUILD=$(BUILD) bench/rooms.sh
	BUILD=$(BUILD) bench/caldav.sh
	BUILD=$(BUILD) bench/zoom.sh
	BUILD=$(BUILD) bench/sync.sh
	BUILD=$(BUILD) bench/support.sh

clean:
	rm -rf $(BUILD) web/dist

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
