# Wegweiser — the two commands a fresh machine with Go needs:
#   make build   build the site from data/ and content/ into public/
#   make test    run every test
GO      ?= go
BIN     := bin/wegweiser
SOURCE  ?= .
FUZZTIME ?= 30s

.PHONY: build test check fmt serve schema fuzz vet clean a11y lighthouse lint

$(BIN): FORCE
	$(GO) build -o $(BIN) ./cmd/wegweiser

# Check the data and build the site into public/ (replaced atomically; a
# failed build leaves the previous public/ as it was).
build: $(BIN)
	./$(BIN) build --source $(SOURCE)

# Tests run Go, Node.js with the npm packages of tests/browser (installed
# here with npm ci whenever package-lock.json changed) and Debian's
# Chromium, its headless shell where installed (internal/testtools);
# .ci/run installs all of them. Browser tests skip with a message
# where Chromium or the npm packages are missing, and fail under CI=true.
NPM_STAMP := tests/browser/node_modules/.installed

$(NPM_STAMP): tests/browser/package-lock.json
	@command -v npm >/dev/null || { echo "make test needs Node.js and npm (apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --prefix tests/browser --no-audit --no-fund || { echo "make test: npm ci in tests/browser failed (see above); the browser tests need its packages" >&2; exit 1; }
	touch $(NPM_STAMP)

# Where the tests' temporary folders go. The tests write and remove many
# files (a build of the example through the command line is 15,000 of
# them, 184 MB); on a virtual disk that cost twice the CPU of a memory
# file system (cmd/wegweiser 63 against 29 s, 88 against 42 CPU-s), and
# the suite is CPU-bound. So: TMPDIR where it is set; else /dev/shm if it
# is a tmpfs we may write with 1 GiB free (a run uses ~400 MB at its
# peak; a container's /dev/shm is often 64 MB); else the system's.
# TEST_TMPDIR=dir make test chooses.
TEST_TMPDIR ?= $(or $(TMPDIR),$(shell [ "$$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ] && [ "$$(df -Pk /dev/shm | awk 'NR == 2 {print $$4}')" -ge 1048576 ] && echo /dev/shm))

# go test runs go vet's main checks itself; the full vet, staticcheck and
# actionlint are make lint.
test: $(NPM_STAMP)
	$(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR) )$(GO) test -timeout 15m ./...

# staticcheck (a tool of go.mod, from the Go module proxy) and
# actionlint on the workflows; .ci/run runs it after make test. vet for
# Windows and macOS too: the program builds there (publish and pgtest
# have files for other systems), which nothing else compiles.
lint:
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./...
	GOOS=darwin $(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) tool actionlint .github/workflows/*.yml

# axe and the layout checks of TestBrowser on every page kind in all
# fourteen languages and Leichte Sprache, at 320, 360 and 1280 px (axe at
# each width), and the referral server's walk with axe in German and
# Arabic (make test checks the layout in de, ar, uk, ti and Leichte
# Sprache at 320 and 1280 px, and runs axe once on every page kind, in de
# or ar, at 320 or 1280 px in turn, and in de on the walk). It runs in the full browser, Debian's chromium (make test uses
# its headless shell, which shares the engine but not all of the browser:
# internal/testtools), so CI sees every page in both; CHROMIUM=… picks
# another. About eight to ten minutes on two cores. .ci/run runs it after make test.
a11y: export CHROMIUM ?= /usr/bin/chromium
a11y: $(NPM_STAMP)
	$(GO) test ./internal/build -run 'TestBrowser$$' -browser.languages=all -browser.axe=all -browser.widths=320,360,1280 -timeout 30m -v
	$(GO) test ./internal/referral/web -run 'TestBrowserWalk$$' -walk.axe=all -timeout 10m -v

# Lighthouse (SEO, accessibility, best practices must be 100) on the home
# and a district page in German and Arabic: a check run by hand or before a
# release, not part of make test. Builds with the base URL of its own
# loopback server so that canonical and hreflang links are absolute.
LIGHTHOUSE_PORT ?= 8790
LIGHTHOUSE_OUT  := bin/lighthouse-site
LIGHTHOUSE_STAMP := tests/lighthouse/node_modules/.installed

$(LIGHTHOUSE_STAMP): tests/lighthouse/package-lock.json
	npm ci --prefix tests/lighthouse --no-audit --no-fund
	touch $(LIGHTHOUSE_STAMP)

lighthouse: $(BIN) $(LIGHTHOUSE_STAMP)
	./$(BIN) build --source $(SOURCE) --base-url http://127.0.0.1:$(LIGHTHOUSE_PORT)/ --out $(LIGHTHOUSE_OUT)
	node tests/lighthouse/run.mjs $(LIGHTHOUSE_OUT) $(LIGHTHOUSE_PORT) /de/ /ar/ /de/districts/maxvorstadt/ /ar/districts/maxvorstadt/

check: $(BIN)
	./$(BIN) check --source $(SOURCE)

# Rewrite the data files in normal form (CI runs fmt --check).
fmt: $(BIN)
	./$(BIN) fmt --source $(SOURCE)

# Preview at http://127.0.0.1:1313/, rebuilt and reloaded on every change.
serve: $(BIN)
	./$(BIN) serve --source $(SOURCE)

# Regenerate the JSON Schemas in docs/schema/ after changing internal/model.
schema: $(BIN)
	./$(BIN) schema --out docs/schema

# Fuzz the loader, the reading of a kept load and of a site's record, e.g. make fuzz FUZZTIME=5m
fuzz:
	$(GO) test ./internal/load -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME)
	$(GO) test ./internal/load -run '^$$' -fuzz FuzzReadSnapshot -fuzztime $(FUZZTIME)
	$(GO) test ./internal/publish -run '^$$' -fuzz FuzzReadRecord -fuzztime $(FUZZTIME)

clean:
	rm -rf bin public .public.spare .public.state .public.tree .public.spare.tree

FORCE:
