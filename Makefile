# imdesk — the two commands are `make run` and `make test` (see README.md).
#
# Everything this Makefile installs comes from Debian's packages or the npm
# registry, at exact versions, and only when it is missing: a second run skips
# what the first installed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO        ?= go
BIN       := bin/imdesk
WASM      := web/app.wasm
GO_SRC    := $(shell find app server web -name '*.go' 2>/dev/null) go.mod go.sum
# Files the server embeds: the catalogues, the demo data, the migrations.
EMBEDDED  := $(shell find server -name '*.json' -o -name '*.sql' 2>/dev/null)
WEB_SRC   := $(filter-out $(WASM) web/wasm_exec.js %.br %.gz,$(wildcard web/*))

# Tools installed for the tests are cached outside the clone, so that a fresh
# clone on the same machine reuses them.
CACHE     ?= $(HOME)/.cache/imdesk
SUDO      := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

# The Playwright driver must be exactly the version playwright-go expects; it
# is read from the module's run.go. playwright-go is a dependency of the e2e
# module (e2e/go.mod), never of the binary's.
PWGO_MOD  := github.com/mxschmitt/playwright-go
PWGO_DIR   = $(shell cd e2e && $(GO) mod download -json $(PWGO_MOD) | sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p')
PW_VERSION = $(shell grep -o 'playwrightCliVersion *= *"[^"]*"' "$(PWGO_DIR)/run.go" | grep -o '[0-9][^"]*')
PW_DRIVER  = $(CACHE)/playwright-driver-$(PW_VERSION)

# axe-core for the accessibility scan in e2e, injected into the pages.
AXE_VERSION := 4.14.1
AXE_DIR     := $(CACHE)/axe-core-$(AXE_VERSION)

UNIT_PKGS  = $(shell $(GO) list ./... | grep -v /e2e)

# gotestsum writes the e2e suite's JUnit report; installed from the Go module
# proxy into the cache.
GOTESTSUM_VERSION := v1.13.0
GOTESTSUM  := $(CACHE)/gotestsum-$(GOTESTSUM_VERSION)/gotestsum

# e2e reports (JUnit, screenshots and traces of failed tests) and a test to
# run alone: make e2e RUN=TestFindGroup
REPORTS    := $(CURDIR)/e2e/reports
RUN        ?=

.PHONY: build run test vet unit fuzz fuzz-short e2e trace bench floor deps deps-apt deps-brotli deps-driver deps-axe deps-gotestsum screenshots clean

## build: app.wasm (compressed) and the self-contained server at bin/imdesk
build: $(BIN)

$(WASM): $(GO_SRC)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $@ ./app
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" web/wasm_exec.js

$(WASM).br: $(WASM) | deps-brotli
	brotli --force --best --output=$@ $<
	touch $@

$(WASM).gz: $(WASM)
	gzip --best --no-name --keep --force --stdout $< > $@

# The style sheet and scripts, compressed too: on a phone's network they
# come before the page works.
WEB_TEXT  := web/imdesk.css web/wasm_exec.js
web/wasm_exec.js: $(WASM)
web/%.br: web/% | deps-brotli
	brotli --force --best --output=$@ $<
web/%.gz: web/%
	gzip --best --no-name --keep --force --stdout $< > $@

# The version is the hash of app.wasm: a rebuild with no change in the UI is
# not announced to installed apps as an update.
$(BIN): $(GO_SRC) $(EMBEDDED) $(WEB_SRC) $(WASM) $(WASM).br $(WASM).gz $(addsuffix .br,$(WEB_TEXT)) $(addsuffix .gz,$(WEB_TEXT))
	version=$$(sha256sum $(WASM) | cut -c1-16); \
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w -X main.version=$$version" -o $@ ./app

## run: build, then start the panel on http://127.0.0.1:8080 (demo mode without Tencent credentials)
run: build
	./$(BIN) serve

## test: install what is missing, then vet, unit tests and the e2e suite
test: deps vet unit fuzz-short e2e

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/...
	cd e2e && $(GO) vet ./...

unit:
	$(GO) test -race -count=1 $(UNIT_PKGS)

## fuzz: run each Go fuzz target for FUZZTIME (default 2m); what it finds
## lands in the package's testdata/fuzz, to keep as a regression case.
## make test runs each for FUZZTIME_SHORT (seconds) after the unit tests,
## which replay every committed case.
FUZZ_TARGETS   := ./server:FuzzDecodeStrict ./server:FuzzAuditExport ./server/sqlite:FuzzVerifyFindsEveryEdit ./server/timmock:FuzzSimulatorDecode
FUZZTIME       ?= 2m
FUZZTIME_SHORT ?= 4s
fuzz:
	@for t in $(FUZZ_TARGETS); do echo "fuzz $$t for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) "$${t%%:*}" || exit 1; done

fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_SHORT)

## e2e: the browser suite; RUN=TestName runs one test (E2E_HEADED=1 and
## E2E_SLOWMO=250 to watch it); reports land in e2e/reports/
e2e: build deps
	rm -rf $(REPORTS) && mkdir -p $(REPORTS)
	IMDESK_E2E=1 IMDESK_BIN="$(CURDIR)/$(BIN)" PLAYWRIGHT_DRIVER_PATH="$(PW_DRIVER)" \
	AXE_PATH="$(AXE_DIR)/node_modules/axe-core/axe.min.js" E2E_REPORTS="$(REPORTS)" GOTESTSUM="$(GOTESTSUM)" \
	CHROMIUM_PATH=/usr/bin/chromium bash -c 'cd e2e && exec "$$0" "$$@"' $(GOTESTSUM) --junitfile $(REPORTS)/junit.xml --format testname -- \
	  -count=1 -timeout 20m $(if $(RUN),-run '$(RUN)') .

## trace: open a failed test's Playwright trace, e.g.
## make trace TRACE=e2e/reports/traces/TestFindGroup_phone.zip (serves the viewer on http://127.0.0.1:9323)
trace: deps-driver
	@test -n "$(TRACE)" || { echo "name the trace: make trace TRACE=e2e/reports/traces/<test>.zip"; exit 2; }
	"$(PW_DRIVER)/node" "$(PW_DRIVER)/package/cli.js" show-trace --host 127.0.0.1 --port 9323 "$(TRACE)"

## bench: measure size, page load, relay overhead, signing and the group finder at scale into docs/benchmarks.md
## (separate from make test: no test asserts a time)
BENCH_OUT := $(CURDIR)/.cache/bench
FLOOR_DIR := $(CURDIR)/.cache/floor
bench: build deps floor
	rm -rf $(BENCH_OUT) && mkdir -p $(BENCH_OUT)
	BENCH_OUT=$(BENCH_OUT) $(GO) test -run xxx -bench BenchmarkRelay -benchtime 1x ./server > $(BENCH_OUT)/relay.log
	BENCH_OUT=$(BENCH_OUT) $(GO) test -run '^$$' -bench SignedInGETUnderSignInFlood -benchtime 1x ./server > $(BENCH_OUT)/signin.log
	IMDESK_E2E=1 IMDESK_BIN="$(CURDIR)/$(BIN)" PLAYWRIGHT_DRIVER_PATH="$(PW_DRIVER)" CHROMIUM_PATH=/usr/bin/chromium \
	BENCH_OUT=$(BENCH_OUT) $(GO) test -C e2e -run xxx -bench BenchmarkPageLoad -benchtime 1x . > $(BENCH_OUT)/pageload.log
	IMDESK_E2E=1 IMDESK_BIN="$(CURDIR)/$(BIN)" PLAYWRIGHT_DRIVER_PATH="$(PW_DRIVER)" CHROMIUM_PATH=/usr/bin/chromium \
	BENCH_OUT=$(BENCH_OUT) FLOOR_DIR=$(FLOOR_DIR) $(GO) test -C e2e -run xxx -bench BenchmarkStartup -benchtime 1x -timeout 30m . > $(BENCH_OUT)/startup.log
	IMDESK_E2E=1 IMDESK_BIN="$(CURDIR)/$(BIN)" PLAYWRIGHT_DRIVER_PATH="$(PW_DRIVER)" CHROMIUM_PATH=/usr/bin/chromium \
	BENCH_OUT=$(BENCH_OUT) $(GO) test -C e2e -run xxx -bench BenchmarkFirstLoadBytes -benchtime 1x . > $(BENCH_OUT)/firstload.log
	GOOS=js GOARCH=wasm $(GO) build -trimpath -o $(BENCH_OUT)/app-names.wasm ./app
	GOOS=js GOARCH=wasm $(GO) build -C e2e -trimpath -o $(BENCH_OUT)/floor-names.wasm ./floor
	$(GO) run -C e2e ./wasmsize -n 15 $(BENCH_OUT)/app-names.wasm > $(BENCH_OUT)/wasmsize-app.txt
	$(GO) run -C e2e ./wasmsize -n 15 $(BENCH_OUT)/floor-names.wasm > $(BENCH_OUT)/wasmsize-floor.txt
	$(GO) test -run xxx -bench 'CallOverhead|Sign' -count 3 ./server/tim | grep '^Benchmark' > $(BENCH_OUT)/tim.txt
	$(GO) test -run xxx -bench SendToArrival -benchtime 5000x -count 3 ./server/tim | grep '^Benchmark' > $(BENCH_OUT)/arrival.txt
	BENCH_OUT=$(BENCH_OUT) $(GO) test -run xxx -bench BenchmarkGroupIndex -benchtime 1x -timeout 60m ./server > $(BENCH_OUT)/groupindex.log
	BENCH_OUT=$(BENCH_OUT) $(GO) test -run xxx -bench BenchmarkBulk -benchtime 1x -timeout 20m ./server > $(BENCH_OUT)/bulk.log
	BENCH_OUT=$(BENCH_OUT) $(GO) test -run xxx -bench BenchmarkReplicas -benchtime 1x -timeout 60m ./server > $(BENCH_OUT)/replicas.log
	@raw=$$(stat -c %s $(WASM)); gz=$$(stat -c %s $(WASM).gz); br=$$(stat -c %s $(WASM).br); \
	verdict=met; [ $$br -le 1600000 ] || verdict='**missed**'; \
	floor=$$(stat -c %s $(FLOOR_DIR)/web/app.wasm.br); ratio=$$(awk "BEGIN{printf \"%.3f\", $$br/$$floor}"); \
	fverdict=met; awk "BEGIN{exit !($$br/$$floor <= 1.05)}" || fverdict='**missed**'; \
	{ echo '# Benchmarks'; echo; \
	  echo 'Written by `make bench`; no test asserts a time. Every figure below comes from the command named beside it.'; echo; \
	  echo "Machine: $$(nproc) cores ($$(lscpu | sed -n 's/^Model name: *//p')), $$(free -g | awk '/^Mem:/{print $$2}') GiB, $$($(GO) version | cut -d' ' -f3-4), $$(chromium --version 2>/dev/null), measured $$(date -u +%Y-%m-%d)."; echo; \
	  echo '## What a moderator downloads: app.wasm as served'; echo; \
	  echo 'Command: `make build`, then `stat -c %s web/app.wasm*`.'; echo; \
	  echo '| encoding | bytes | budget | verdict |'; echo '|---|---|---|---|'; \
	  echo "| raw | $$raw | | |"; echo "| gzip -9 | $$gz | | |"; echo "| brotli -q 11 | $$br | 1 600 000 | $$verdict |"; echo; \
	  echo "Against the floor, go-app's own hello world built with the same toolchain (\`e2e/floor\`): $$floor bytes brotli; imdesk is **$${ratio}×** (target ≤ 1.05×: $$fverdict)."; echo; \
	  echo '### Where the bytes come from'; echo; \
	  echo 'Command: `go run ./e2e/wasmsize -n 20` on app.wasm and on the floor'"'"'s, both built without `-s` so that the name section says which package each function is of. "code" is the bytes of the functions, "deflated" their share compressed alone; the data section (strings, type descriptors, the function tables Go needs at run time) grows with the code.'; echo; \
	  echo 'imdesk:'; echo; echo '```'; cat $(BENCH_OUT)/wasmsize-app.txt; echo '```'; echo; \
	  echo 'The floor:'; echo; echo '```'; cat $(BENCH_OUT)/wasmsize-floor.txt; echo '```'; echo; \
	  echo '## What a first visit downloads, per language'; echo; \
	  echo 'Command: `go test -run xxx -bench BenchmarkFirstLoadBytes -benchtime 1x ./e2e`. The sign-in page opened once per language in a new browser context (empty cache, no service worker) with the browser set to that language; bytes transferred (compressed) until the app has mounted. The page carries only its own language'"'"'s catalogue; app.wasm carries no words, so it is the same for every language.'; echo; \
	  cat $(BENCH_OUT)/firstload.md; echo; \
	  echo '## Start-up against the floor (headless Chromium, loopback)'; echo; \
	  echo 'Command: `go test -run xxx -bench BenchmarkStartup -benchtime 1x ./e2e` (with the e2e environment and FLOOR_DIR, as `make bench` sets them). The floor and imdesk are loaded alternately in the same run; times are from navigation start until the app has mounted, measured in the page. Cold is a new browser context (empty cache, no service worker), warm the same context again (service worker).'; echo; \
	  cat $(BENCH_OUT)/startup.md; echo; \
	  echo 'Where the cold time over the floor goes, and what was changed for it: [startup.md](startup.md).'; echo; \
	  echo '## Page load (headless Chromium, loopback, signed in, the group finder)'; echo; \
	  echo 'Command: `go test -run xxx -bench BenchmarkPageLoad -benchtime 1x ./e2e` (with the e2e environment, as `make bench` sets it). Times are from navigation start, measured in the page.'; echo; \
	  cat $(BENCH_OUT)/pageload.md; echo; \
	  echo '## Relay overhead (backend vs. straight to the mock, one run)'; echo; \
	  echo 'Command: `go test -run xxx -bench BenchmarkRelay -benchtime 1x ./server`. Both sides call the same in-process mock over loopback TCP with rate limits off; "relay" goes through the whole backend (session, scope, validation, audit in SQLite with synchronous=FULL).'; echo; \
	  cat $(BENCH_OUT)/relay.md; echo; \
	  echo '## A signed-in moderator during a flood of sign-ins'; echo; \
	  echo 'Command: `go test -run '"'"'^$$'"'"' -bench SignedInGETUnderSignInFlood -benchtime 1x ./server`. 30 goroutines send sign-in attempts for unknown accounts, each from an address of its own (bcrypt at cost 12), while a signed-in moderator reads the audit log one request at a time; with the panel'"'"'s pool of password checks, and with no bound (as before it). See docs/security.md, "Sign-in".'; echo; \
	  cat $(BENCH_OUT)/signin.md; echo; \
	  echo '## Tencent client: call overhead and signing'; echo; \
	  echo 'Command: `go test -run xxx -bench . -count 3 ./server/tim`. `CallOverhead` is one get_group_attr through the client with an in-memory transport (no network); `SignCached` is taking the admin UserSig from the cache, as every call does; `SignPerCall` is generating one, as a client without the cache would per call.'; echo; \
	  echo '```'; cat $(BENCH_OUT)/tim.txt; echo '```'; echo; \
	  echo '## Rate-limit margin: how late a request reaches Tencent'; echo; \
	  echo 'Command: `go test -run xxx -bench SendToArrival -benchtime 5000x -count 3 ./server/tim`. 30 writers at once send attribute writes through the client to the mock on loopback; `max-ms` is the longest time between the client handing a request to its transport and the mock seeing it.'; echo; \
	  echo '```'; cat $(BENCH_OUT)/arrival.txt; echo '```'; echo; \
	  echo 'Even on loopback a request can take a few hundred ms to arrive, so counting Tencent'"'"'s windows from send times let two calls land in one window (16 of 150 writes met 10049 before). The client counts from answers: a call holds its slot until its answer is back, and the slot frees a second plus `limitMargin` (50 ms: clock rate and wall-clock-aligned windows on Tencent'"'"'s side) after it; a call never answered holds it a second plus `lostMargin` (1 s, several times the worst arrival delay seen). `TestBurstsStayWithinTencentLimits` drives bursts through the client into the mock at its real limits and sees no 10049 and no 60007.'; echo; \
	  echo '## The group finder at a million groups'; echo; \
	  echo 'Command: `go test -run xxx -bench BenchmarkGroupIndex -benchtime 1x -timeout 60m ./server`. First the crawler indexes 100,000 generated groups from the mock with Tencent'"'"'s real limits on in both the mock and the client (list pages of 10,000 every 1.1 s, get_group_info for 50 groups at most 140 times a second, so that moderators keep 60 of Tencent'"'"'s 200); "60007" counts refusals seen in the client'"'"'s log. Then 200 first pages (20 groups and the capped count) per kind of query, through the store as the finder calls it: at 100,000 groups in the crawled index, and at 1,000,000 in an index filled directly with the same generated names (not crawled). Names look like `北京读书会 Maple 48213`; one group in 10,000 is named with a rare word instead (`桂林同好会 4321`: 桂林, 沖縄, 광주, 麻将, 茶道, each held by one group in 50,000), and the words no name holds are 台灣, 音楽, 横浜, 猫咪, 빵집 (characters 鬼, 猫, 龍, 빵, ß).'; echo; \
	  echo 'Searches of one or two characters use the index of character pairs (migration 0005, `group_index_pairs`); three characters or more the trigram index.'; echo; \
	  cat $(BENCH_OUT)/groupindex.md; echo; \
	  echo 'How short searches were made fast, with figures before and after: [group-index.md](group-index.md).'; echo; \
	  echo '## A bulk change of 10,000 groups at Tencent'"'"'s limits'; echo; \
	  echo "$$BULK_INTRO"; echo; \
	  cat $(BENCH_OUT)/bulk.md; echo; \
	  echo '## PostgreSQL and replicas'; echo; \
	  echo "$$REPLICAS_INTRO"; echo; \
	  cat $(BENCH_OUT)/replicas.md; \
	} > docs/benchmarks.md
	@echo "wrote docs/benchmarks.md"

define BULK_INTRO
Command: `go test -run xxx -bench BenchmarkBulk -benchtime 1x -timeout 20m ./server`. A panel process (the test binary as `imdesk serve`) runs one bulk change (set a key) over 10,000 groups against the simulator with Tencent's real limits on in the mock and in the client (200 calls a second per command, 5 attribute writes a second per group); the job's share is the default, 160 of 200 (IMDESK_BULK_RATE). The preview reads every group; once started, each group is read and changed through the audited change path. Halfway, the process is killed with SIGKILL and started again on the same data: the job goes on by itself. Refusals are counted from the mock's answers; "changed twice / never" from the change calls that reached the mock. A moderator's hand edit is one PATCH every 300 ms to a group outside the job, while it runs and, for comparison, with no job running. See docs/bulk.md.
endef
export BULK_INTRO

define REPLICAS_INTRO
Command: `go test -run xxx -bench BenchmarkReplicas -benchtime 1x -timeout 60m ./server`. Side by side in one run: panels (the test binary's server, as `imdesk serve`) on SQLite and on PostgreSQL (Debian's server started by server/pgtest on loopback, fsync on), against the simulator with rate limits off on both sides, so the figures are the panel's and the database's own cost. A read and an audited write (a session check, the read before, two durable audit appends) at one client, then audited writes at 32 clients through one panel, or spread over three replicas of one database. The figure in brackets is the extra latency against SQLite. Then the finder's searches at 1,000,000 groups on PostgreSQL, as for SQLite above: three characters or more by `pg_trgm`, one or two by an array of each name's characters and pairs under a GIN index (pg_trgm cannot look up fewer than three). See docs/replicas.md.
endef
export REPLICAS_INTRO

## floor: go-app's hello world (e2e/floor), built like app.wasm, for make bench
floor: deps-brotli
	mkdir -p $(FLOOR_DIR)/web
	GOOS=js GOARCH=wasm $(GO) build -C e2e -trimpath -ldflags="-s -w" -o $(FLOOR_DIR)/web/app.wasm ./floor
	brotli --force --best --output=$(FLOOR_DIR)/web/app.wasm.br $(FLOOR_DIR)/web/app.wasm
	$(GO) build -C e2e -o $(FLOOR_DIR)/floor ./floor

## screenshots: the pages the README shows, at desktop and phone width (with
## Debian's CJK fonts, which the tests themselves do not need)
screenshots: build deps
	@test -d /usr/share/fonts/opentype/noto || { $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk; }
	mkdir -p docs/screenshots
	IMDESK_E2E=1 IMDESK_BIN="$(CURDIR)/$(BIN)" PLAYWRIGHT_DRIVER_PATH="$(PW_DRIVER)" AXE_PATH="$(AXE_DIR)/node_modules/axe-core/axe.min.js" \
	SCREENSHOT_DIR="$(CURDIR)/docs/screenshots" CHROMIUM_PATH=/usr/bin/chromium $(GO) test -C e2e -count=1 -run 'Screenshots$$' .

deps: deps-apt deps-driver deps-axe deps-gotestsum

deps-gotestsum:
	@test -x "$(GOTESTSUM)" || { echo "installing gotestsum $(GOTESTSUM_VERSION) from the Go module proxy"; \
	  GOBIN="$(dir $(GOTESTSUM))" $(GO) install gotest.tools/gotestsum@$(GOTESTSUM_VERSION); }

deps-axe:
	@test -f "$(AXE_DIR)/node_modules/axe-core/axe.min.js" || { \
	  echo "installing axe-core@$(AXE_VERSION) from npm into $(AXE_DIR)"; \
	  mkdir -p "$(AXE_DIR)"; echo '{"private":true}' > "$(AXE_DIR)/package.json"; \
	  npm install --prefix "$(AXE_DIR)" --no-audit --no-fund --no-package-lock --save-exact "axe-core@$(AXE_VERSION)" >/dev/null; }

# Debian's chromium for the e2e tests, brotli for the build, and
# PostgreSQL for the storage tests on it (server/pgtest starts its own
# server in a temporary directory; the package's own cluster is not used).
deps-apt:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v brotli >/dev/null || missing="$$missing brotli"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing from Debian:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

deps-brotli:
	@command -v brotli >/dev/null || { echo "installing brotli from Debian"; $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq brotli; }

# The Playwright driver folder, built from npm as playwright-go lays it out:
# package/ (playwright-core) and node (the system's node). Never the
# library's own installer, which downloads from elsewhere. The sed applies the
# same fix to the bundle that playwright-go's installer would (page errors
# without a location).
deps-driver:
	@test -n "$(PW_VERSION)" || { echo "cannot read playwrightCliVersion from $(PWGO_MOD)"; exit 1; }
	@if [ -x "$(PW_DRIVER)/node" ] && "$(PW_DRIVER)/node" "$(PW_DRIVER)/package/cli.js" --version 2>/dev/null | grep -qF "$(PW_VERSION)"; then \
	  exit 0; \
	fi; \
	command -v node >/dev/null || { echo "node is required for the Playwright driver (apt-get install nodejs npm)"; exit 1; }; \
	echo "installing playwright-core@$(PW_VERSION) from npm into $(PW_DRIVER)"; \
	rm -rf "$(PW_DRIVER)"; mkdir -p "$(PW_DRIVER)"; \
	echo '{"private":true}' > "$(PW_DRIVER)/package.json"; \
	npm install --prefix "$(PW_DRIVER)" --no-audit --no-fund --no-package-lock --save-exact "playwright-core@$(PW_VERSION)" >/dev/null; \
	ln -sfn node_modules/playwright-core "$(PW_DRIVER)/package"; \
	ln -sfn "$$(command -v node)" "$(PW_DRIVER)/node"; \
	sed -i -e 's/pageError\.location\.url/pageError.location?.url || ""/g' \
	  -e 's/pageError\.location\.lineNumber/pageError.location?.lineNumber || 0/g' \
	  -e 's/pageError\.location\.columnNumber/pageError.location?.columnNumber || 0/g' \
	  "$(PW_DRIVER)/package/lib/coreBundle.js"; \
	"$(PW_DRIVER)/node" "$(PW_DRIVER)/package/cli.js" --version

clean:
	rm -rf bin $(WASM) web/wasm_exec.js web/*.br web/*.gz e2e/reports
