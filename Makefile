# Wegweiser — the two commands a fresh machine with Go needs:
#   make build   build the site from data/ and content/ into public/
#   make test    run every test
GO      ?= go
BIN     := bin/wegweiser
SOURCE  ?= .
FUZZTIME ?= 30s

.PHONY: build test check serve schema fuzz vet clean

$(BIN): FORCE
	$(GO) build -o $(BIN) ./cmd/wegweiser

# Until the site renderer lands (issue 3) build validates the data: a build
# never starts from data with errors.
build: $(BIN)
	./$(BIN) check --source $(SOURCE)

test:
	$(GO) vet ./...
	$(GO) test ./...

check: $(BIN)
	./$(BIN) check --source $(SOURCE)

serve:
	@echo "wegweiser serve arrives with the site renderer (issue 3); use 'make check' meanwhile" >&2; exit 2

# Regenerate the JSON Schemas in docs/schema/ after changing internal/model.
schema: $(BIN)
	./$(BIN) schema --out docs/schema

# Fuzz the loader, e.g. make fuzz FUZZTIME=5m
fuzz:
	$(GO) test ./internal/load -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME)

clean:
	rm -rf bin public

FORCE:
