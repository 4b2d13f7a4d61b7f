# Wegweiser — the two commands a fresh machine with Go needs:
#   make build   build the site from data/ and content/ into public/
#   make test    run every test
GO      ?= go
BIN     := bin/wegweiser
SOURCE  ?= .
FUZZTIME ?= 30s

.PHONY: build test check fmt serve schema fuzz vet clean

$(BIN): FORCE
	$(GO) build -o $(BIN) ./cmd/wegweiser

# Check the data and build the site into public/ (replaced atomically; a
# failed build leaves the previous public/ as it was).
build: $(BIN)
	./$(BIN) build --source $(SOURCE)

# Tests run Go, Node.js with the npm packages of tests/browser (installed
# here with npm ci whenever package-lock.json changed) and Debian's
# Chromium; .ci/run installs all of them. Browser tests skip with a message
# where Chromium or the npm packages are missing, and fail under CI=true.
NPM_STAMP := tests/browser/node_modules/.installed

$(NPM_STAMP): tests/browser/package-lock.json
	@command -v npm >/dev/null || { echo "make test needs Node.js and npm (apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --prefix tests/browser --no-audit --no-fund || { echo "make test: npm ci in tests/browser failed (see above); the browser tests need its packages" >&2; exit 1; }
	touch $(NPM_STAMP)

test: $(NPM_STAMP)
	$(GO) vet ./...
	$(GO) test -timeout 15m ./...

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

# Fuzz the loader, e.g. make fuzz FUZZTIME=5m
fuzz:
	$(GO) test ./internal/load -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME)

clean:
	rm -rf bin public

FORCE:
