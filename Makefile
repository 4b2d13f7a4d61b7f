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

# Browser tests need Chromium and tests/browser/node_modules (playwright-core,
# axe-core; Decap CMS, decap-server and yaml for the web editor): they skip
# with a message where those are missing (and fail under CI=true).
test:
	@[ -d tests/browser/node_modules/playwright-core ] && [ -d tests/browser/node_modules/decap-server ] || npm ci --prefix tests/browser --no-audit --no-fund || true
	$(GO) vet ./...
	$(GO) test ./...

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
