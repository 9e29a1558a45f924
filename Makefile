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
WEB_SRC   := $(filter-out $(WASM) $(WASM).br $(WASM).gz web/wasm_exec.js,$(wildcard web/*))

# Tools installed for the tests are cached outside the clone, so that a fresh
# clone on the same machine reuses them.
CACHE     ?= $(HOME)/.cache/imdesk
SUDO      := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

# The Playwright driver must be exactly the version playwright-go expects; it
# is read from the module's run.go.
PWGO_MOD  := github.com/mxschmitt/playwright-go
PWGO_DIR   = $(shell $(GO) mod download -json $(PWGO_MOD) | sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p')
PW_VERSION = $(shell grep -o 'playwrightCliVersion *= *"[^"]*"' "$(PWGO_DIR)/run.go" | grep -o '[0-9][^"]*')
PW_DRIVER  = $(CACHE)/playwright-driver-$(PW_VERSION)

# axe-core for the accessibility scan in e2e, injected into the pages.
AXE_VERSION := 4.14.1
AXE_DIR     := $(CACHE)/axe-core-$(AXE_VERSION)

UNIT_PKGS  = $(shell $(GO) list ./... | grep -v /e2e)

.PHONY: build run test vet unit e2e bench deps deps-apt deps-brotli deps-driver deps-axe screenshots clean

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

# The version is the hash of app.wasm: a rebuild with no change in the UI is
# not announced to installed apps as an update.
$(BIN): $(GO_SRC) $(WEB_SRC) $(WASM) $(WASM).br $(WASM).gz
	version=$$(sha256sum $(WASM) | cut -c1-16); \
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w -X main.version=$$version" -o $@ ./app

## run: build, then start the panel on http://127.0.0.1:8080 (demo mode without Tencent credentials)
run: build
	./$(BIN) serve

## test: install what is missing, then vet, unit tests and the e2e suite
test: deps vet unit e2e

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/...

unit:
	$(GO) test -race -count=1 $(UNIT_PKGS)

e2e: build deps
	IMDESK_E2E=1 IMDESK_BIN="$(CURDIR)/$(BIN)" PLAYWRIGHT_DRIVER_PATH="$(PW_DRIVER)" \
	AXE_PATH="$(AXE_DIR)/node_modules/axe-core/axe.min.js" \
	CHROMIUM_PATH=/usr/bin/chromium $(GO) test -count=1 -timeout 20m ./e2e

## bench: measure size, page load, relay overhead and signing into docs/benchmarks.md
## (separate from make test: no test asserts a time)
BENCH_OUT := $(CURDIR)/.cache/bench
bench: build deps
	rm -rf $(BENCH_OUT) && mkdir -p $(BENCH_OUT)
	BENCH_OUT=$(BENCH_OUT) $(GO) test -run xxx -bench BenchmarkRelay -benchtime 1x ./server > $(BENCH_OUT)/relay.log
	IMDESK_E2E=1 IMDESK_BIN="$(CURDIR)/$(BIN)" PLAYWRIGHT_DRIVER_PATH="$(PW_DRIVER)" CHROMIUM_PATH=/usr/bin/chromium \
	BENCH_OUT=$(BENCH_OUT) $(GO) test -run xxx -bench BenchmarkPageLoad -benchtime 1x ./e2e > $(BENCH_OUT)/pageload.log
	$(GO) test -run xxx -bench . -count 3 ./server/tim | grep '^Benchmark' > $(BENCH_OUT)/tim.txt
	@raw=$$(stat -c %s $(WASM)); gz=$$(stat -c %s $(WASM).gz); br=$$(stat -c %s $(WASM).br); \
	verdict=met; [ $$br -le 1600000 ] || verdict='**missed**'; \
	{ echo '# Benchmarks'; echo; \
	  echo 'Written by `make bench`; no test asserts a time. Every figure below comes from the command named beside it.'; echo; \
	  echo "Machine: $$(nproc) cores ($$(lscpu | sed -n 's/^Model name: *//p')), $$(free -g | awk '/^Mem:/{print $$2}') GiB, $$($(GO) version | cut -d' ' -f3-4), $$(chromium --version 2>/dev/null), measured $$(date -u +%Y-%m-%d)."; echo; \
	  echo '## What a moderator downloads: app.wasm as served'; echo; \
	  echo 'Command: `make build`, then `stat -c %s web/app.wasm*`.'; echo; \
	  echo '| encoding | bytes | budget | verdict |'; echo '|---|---|---|---|'; \
	  echo "| raw | $$raw | | |"; echo "| gzip -9 | $$gz | | |"; echo "| brotli -q 11 | $$br | 1 600 000 | $$verdict |"; echo; \
	  echo '## Page load (headless Chromium, loopback, signed in, the group finder)'; echo; \
	  echo 'Command: `go test -run xxx -bench BenchmarkPageLoad -benchtime 1x ./e2e` (with the e2e environment, as `make bench` sets it). Times are from navigation start, measured in the page.'; echo; \
	  cat $(BENCH_OUT)/pageload.md; echo; \
	  echo '## Relay overhead (backend vs. straight to the mock, one run)'; echo; \
	  echo 'Command: `go test -run xxx -bench BenchmarkRelay -benchtime 1x ./server`. Both sides call the same in-process mock over loopback TCP with rate limits off; "relay" goes through the whole backend (session, scope, validation, audit in SQLite with synchronous=FULL).'; echo; \
	  cat $(BENCH_OUT)/relay.md; echo; \
	  echo '## Tencent client: call overhead and signing'; echo; \
	  echo 'Command: `go test -run xxx -bench . -count 3 ./server/tim`. `CallOverhead` is one get_group_attr through the client with an in-memory transport (no network); `SignCached` is taking the admin UserSig from the cache, as every call does; `SignPerCall` is generating one, as a client without the cache would per call.'; echo; \
	  echo '```'; cat $(BENCH_OUT)/tim.txt; echo '```'; \
	} > docs/benchmarks.md
	@echo "wrote docs/benchmarks.md"

## screenshots: the editor at desktop and phone width, for the README (with
## Debian's CJK fonts, which the tests themselves do not need)
screenshots: build deps
	@test -d /usr/share/fonts/opentype/noto || { $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk; }
	mkdir -p docs/screenshots
	IMDESK_E2E=1 IMDESK_BIN="$(CURDIR)/$(BIN)" PLAYWRIGHT_DRIVER_PATH="$(PW_DRIVER)" AXE_PATH="$(AXE_DIR)/node_modules/axe-core/axe.min.js" \
	SCREENSHOT_DIR="$(CURDIR)/docs/screenshots" CHROMIUM_PATH=/usr/bin/chromium $(GO) test -count=1 -run 'TestEditorScreenshots|TestConversationGroupsScreenshots' ./e2e

deps: deps-apt deps-driver deps-axe

deps-axe:
	@test -f "$(AXE_DIR)/node_modules/axe-core/axe.min.js" || { \
	  echo "installing axe-core@$(AXE_VERSION) from npm into $(AXE_DIR)"; \
	  mkdir -p "$(AXE_DIR)"; echo '{"private":true}' > "$(AXE_DIR)/package.json"; \
	  npm install --prefix "$(AXE_DIR)" --no-audit --no-fund --no-package-lock --save-exact "axe-core@$(AXE_VERSION)" >/dev/null; }

# Debian's chromium for the e2e tests and brotli for the build.
deps-apt:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v brotli >/dev/null || missing="$$missing brotli"; \
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
	rm -rf bin $(WASM) $(WASM).br $(WASM).gz web/wasm_exec.js e2e/screenshots
