# ekinerja: the commands a person types. See README.md.
SHELL := /usr/bin/env bash
GO ?= go
BIN := bin/ekinerja
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GO_DIRS := cmd internal views static migrations
GO_TEST_FLAGS ?= -race -count=1 -timeout 15m

.PHONY: run build test check fmt vet templ-check generate bench clean db

## run: start (or reuse) PostgreSQL, migrate, load demo data, serve on :8080
run: build
	@export DATABASE_URL="$$(scripts/dev-db.sh)" EKINERJA_ENV="$${EKINERJA_ENV:-dev}"; \
	$(BIN) migrate up && $(BIN) seed && \
	echo "ekinerja berjalan di http://localhost$${EKINERJA_ADDR:-:8080}  (Ctrl-C untuk berhenti)" && \
	exec $(BIN) serve

## build: the single static binary
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ekinerja

## test: formatting, vet, generated-code check, then every test with -race
test: check
	@export EKINERJA_TEST_DATABASE_URL="$${EKINERJA_TEST_DATABASE_URL:-$$(scripts/dev-db.sh --admin)}"; \
	$(GO) test $(GO_TEST_FLAGS) ./...

check: fmt vet templ-check

fmt:
	@out="$$(gofmt -l $(GO_DIRS))"; if [ -n "$$out" ]; then echo "gofmt: file berikut belum diformat:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## templ-check: fails when `templ generate` would change the committed *_templ.go files
templ-check:
	@$(GO) tool templ generate -log-level error
	@if ! git diff --quiet -- '*_templ.go' || [ -n "$$(git ls-files --others --exclude-standard -- '*_templ.go')" ]; then \
		echo "templ: berkas *_templ.go tidak sesuai dengan *.templ; jalankan 'go tool templ generate' dan commit hasilnya"; \
		git status --short -- '*_templ.go'; exit 1; fi

generate:
	$(GO) tool templ generate

## bench: benchmarks against real PostgreSQL; they print their numbers
bench:
	@export EKINERJA_TEST_DATABASE_URL="$${EKINERJA_TEST_DATABASE_URL:-$$(scripts/dev-db.sh --admin)}"; \
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

db:
	@scripts/dev-db.sh

clean:
	rm -rf bin
