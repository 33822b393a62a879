# ekinerja: the commands a person types. See README.md.
SHELL := /usr/bin/env bash
GO ?= go
BIN := bin/ekinerja
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GO_DIRS := cmd internal views static migrations
## -parallel 6: with the default (GOMAXPROCS, 2 here) the parallel tests
## resume in no fixed order, and the long browser test (its seven subtests
## count against the same limit) once started last and ran two minutes
## alone. Six measured at most 25 PostgreSQL connections at once
## (pg_stat_activity sampled every 2 s over a whole make test; limit 100).
GO_TEST_FLAGS ?= -race -count=1 -parallel 6 -timeout 15m

.PHONY: run build test check fmt vet lint tools vulncheck vulncheck-modules templ-fmt templ-fmt-check templ-check generate bench bench-http clean db manifest drill screenshots

## run: start (or reuse) PostgreSQL, migrate (creating DATABASE_URL's database
## when missing), load demo data, serve on :8080; serve prints the URL to open
run: build
	@export DATABASE_URL="$$(scripts/dev-db.sh)" EKINERJA_ENV="$${EKINERJA_ENV:-dev}"; \
	$(BIN) migrate up && $(BIN) seed && \
	exec $(BIN) serve

## build: the single static binary
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ekinerja

## test: formatting, vet, generated-code check, every benchmark once (so none
## of them rots; their numbers come from `make bench`), then every test with
## -race; prints the elapsed time at the end, also when a step fails.
## The static analysis (gosec, staticcheck, govulncheck: `make lint`) runs in
## the background beside the tests and its result is waited for at the end.
## The source checks (tests that type-check the project's own code and walk
## its syntax: no string-built SQL, no dropped GORM error, no GORM or money
## arithmetic in web handlers) run once without -race: they read source
## files, start no goroutines, and under -race the type checker alone took
## over two minutes. Everything else runs with -race and skips them.
## internal/web, the longest package (about 4 of the suite's 4 minutes
## here), is named first so it starts at once instead of after the others
## (go test starts packages in the order given, two at a time on two cores).
## The benchmark smoke run goes in the background beside the tests too: it
## fills the second core while internal/web is the only package left.
## Test databases are named EKINERJA_TEST_DB_PREFIX* (default ekinerja_t_):
## give each checkout its own prefix when several test against one server.
SOURCE_CHECKS := ^(TestNoUnreviewedRawHTMLOrStringBuiltSQL|TestSourceCheckCatchesUnsafeCode|TestNoDroppedGormErrors|TestDroppedGormErrorCheckFinds|TestDroppedGormErrorCheckCoversEveryFile|TestWebHandlersImportNoGormAndComputeNoMoney|TestHandlerRuleCheckFinds)$$
test:
	@start=$$(date +%s); lintlog=$$(mktemp); trap 'e=$$(( $$(date +%s) - start )); rm -f "$$lintlog"; echo "make test: $$((e / 60)) menit $$((e % 60)) detik"' EXIT; \
	$(MAKE) --no-print-directory fmt vet templ-fmt-check templ-check manifest-check || exit 1; \
	$(MAKE) --no-print-directory lint > "$$lintlog" 2>&1 & lintpid=$$!; \
	export EKINERJA_TEST_DATABASE_URL="$${EKINERJA_TEST_DATABASE_URL:-$$(scripts/dev-db.sh --admin)}"; \
	rc=0; \
	$(GO) test -count=1 -run '$(SOURCE_CHECKS)' ./internal/web/ || rc=1; \
	$(GO) test -run '^$$' -short -bench . -benchtime 1x -timeout 10m ./... > .bench-smoke.log 2>&1 & benchpid=$$!; \
	$(GO) test $(GO_TEST_FLAGS) -skip '$(SOURCE_CHECKS)' ./internal/web/ $$($(GO) list ./... | grep -vx 'github.com/ekinerja/ekinerja/internal/web') || rc=1; \
	if wait $$benchpid; then echo "benchmark: semua berjalan sekali (angka: make bench)"; \
	else cat .bench-smoke.log; echo "benchmark gagal dijalankan sekali (lihat di atas)"; rc=1; fi; \
	wait $$lintpid || { rc=1; echo "lint gagal:"; }; cat "$$lintlog"; \
	exit $$rc

check: fmt vet lint templ-fmt-check templ-check manifest-check

fmt:
	@out="$$(gofmt -l $(GO_DIRS))"; if [ -n "$$out" ]; then echo "gofmt: file berikut belum diformat:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## Analysis tools live in their own module, tools/go.mod (gosec v2.30.0,
## staticcheck honnef.co/go/tools v0.8.2, govulncheck golang.org/x/vuln
## v1.9.0, each pinned there), so their dependencies (gosec pulls AI and
## cloud SDKs) stay out of the application's go.sum and the Docker build.
## `make tools` builds them into bin/tools (cached after the first time; the
## first build downloads them from the module proxy).
TOOLS := bin/tools
tools:
	@mkdir -p $(TOOLS)
	@$(GO) -C tools build -o ../$(TOOLS)/ github.com/securego/gosec/v2/cmd/gosec honnef.co/go/tools/cmd/staticcheck golang.org/x/vuln/cmd/govulncheck ./vulnfilter

## lint: static analysis: gosec, staticcheck, govulncheck. gosec's excluded
## rules, each with its reason:
##   G104 (unchecked error): flags best-effort Close/Flush cleanup only; error
##        handling that matters is reviewed and tested, and the rule has no
##        security meaning for those calls.
##   G115 (integer conversion overflow): every conversion it flags follows a
##        parser that has already bounded the value (NIP digits, dates, PHC
##        lengths); those parsers are fuzz-tested.
## Everything else (SQL string building G201/G202, weak crypto G401-G505,
## file inclusion G304, path traversal G305, missing timeouts G112/G114,
## hardcoded credentials G101, ...) fails the build. A single reviewed
## exception is marked in place with `#nosec Gxxx -- reason`.
## staticcheck runs with its default checks (staticcheck.conf none).
GOSEC_EXCLUDE := G104,G115
lint: tools
	$(TOOLS)/gosec -quiet -exclude=$(GOSEC_EXCLUDE) -exclude-generated ./...
	$(TOOLS)/staticcheck ./...
	@$(MAKE) --no-print-directory vulncheck-modules

## vulncheck: every known vulnerability govulncheck finds in code the
## application calls, the Go standard library's included; fails on any.
## The database is the Go vulnerability database's OSV files as published in
## the module golang.org/x/vulndb, pinned at VULNDB_VERSION and fetched
## through the Go module proxy (so it works where vuln.go.dev is out of
## reach; `go mod download` verifies it against sum.golang.org / go.sum
## rules like any module). Bump VULNDB_VERSION to get newer advisories
## (`go list -m -versions golang.org/x/vulndb` or `@latest`).
## EKINERJA_VULNDB points at another copy (https://vuln.go.dev, or a mirror
## as file:///path).
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
VULNDB_DIR = $$(cd "$$(mktemp -d)" && GOFLAGS= $(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p')
VULNDB = $${EKINERJA_VULNDB:-file://$(VULNDB_DIR)/data/osv}
vulncheck: tools
	$(TOOLS)/govulncheck -db "$(VULNDB)" ./...

## vulncheck-modules (run by make test): fails only on findings in modules
## (our dependencies), not in the standard library. Why: the standard
## library's advisories are fixed only by a newer Go toolchain, and a machine
## testing offline with the Go it has cannot act on them inside `make test`;
## a dependency's advisory is fixed by a go.mod bump, which is always in
## reach. `make vulncheck` prints both; upgrade Go when it names the stdlib.
## An advisory without a fix that does not reach us is listed, with the
## reason, in scripts/reviewed-vulns.txt; it is printed as reviewed, and a
## stale entry is reported. When the database cannot be read at all the step
## says so loudly and does not fail: nothing was checked then.
vulncheck-modules: tools
	@err=$$(mktemp); trap 'rm -f "$$err"' EXIT; db="$(VULNDB)"; \
	out=$$($(TOOLS)/govulncheck -db "$$db" -format json ./... 2>"$$err"); rc=$$?; \
	if grep -q "fetching vulnerabilities\|unrecognized vulndb format\|no such file" "$$err"; then \
		echo "govulncheck: basis data kerentanan $$db tidak terbaca: TIDAK diperiksa (EKINERJA_VULNDB=file:///salinan untuk luring)"; exit 0; fi; \
	if [ $$rc -ne 0 ]; then tail -20 "$$err"; exit 1; fi; \
	mods=$$(echo "$$out" | $(TOOLS)/vulnfilter -reviewed scripts/reviewed-vulns.txt) || exit 1; \
	if [ -n "$$mods" ]; then echo "govulncheck: kerentanan pada modul dependensi:"; echo "$$mods"; echo "(rincian: make vulncheck)"; exit 1; fi; \
	std=$$(echo "$$out" | $(TOOLS)/vulnfilter -stdlib | wc -l); \
	if [ "$$std" -gt 0 ]; then echo "govulncheck ($$db): $$std kerentanan di pustaka standar Go (tidak menggagalkan; perbaiki dengan Go yang lebih baru, rincian: make vulncheck)"; \
	else echo "govulncheck ($$db): tidak ada kerentanan yang terpanggil"; fi

## manifest: rewrite static/MANIFEST.sha256 after changing a file under static/
manifest:
	@cd static && find . -type f ! -name MANIFEST.sha256 ! -name '*.go' -printf '%P\n' | LC_ALL=C sort | xargs sha256sum > MANIFEST.sha256
	@echo "static/MANIFEST.sha256 diperbarui; commit bersama berkas yang berubah"

## manifest-check: fails when static/ differs from the committed manifest
manifest-check:
	@cd static && if ! sha256sum --quiet -c MANIFEST.sha256; then echo "static/MANIFEST.sha256 tidak cocok: jalankan 'make manifest' dan tinjau perubahannya"; exit 1; fi; \
	extra="$$(comm -13 <(cut -c67- MANIFEST.sha256 | LC_ALL=C sort) <(find . -type f ! -name MANIFEST.sha256 ! -name '*.go' -printf '%P\n' | LC_ALL=C sort))"; \
	if [ -n "$$extra" ]; then echo "berkas static tanpa entri manifest: $$extra (jalankan 'make manifest')"; exit 1; fi

## templ-fmt: formats every .templ file with `templ fmt`
templ-fmt:
	$(GO) tool templ fmt -log-level error views

## templ-fmt-check: fails when `templ fmt` would change a .templ file (this
## templ has no -fail flag: a copy of views/ is formatted in one run, the
## tool started once instead of once per file, and compared)
templ-fmt-check:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	find views -name '*.templ' | while read -r f; do mkdir -p "$$tmp/$$(dirname "$$f")"; cp "$$f" "$$tmp/$$f"; done; \
	$(GO) tool templ fmt -log-level error "$$tmp/views" || exit 1; \
	bad=0; for f in $$(find views -name '*.templ'); do \
		if ! cmp -s "$$f" "$$tmp/$$f"; then echo "templ fmt: $$f belum diformat"; bad=1; fi; done; \
	if [ $$bad = 1 ]; then echo "templ: jalankan 'make templ-fmt' lalu 'go tool templ generate' dan commit hasilnya"; exit 1; fi

## templ-check: fails when `templ generate` would change the committed *_templ.go files
templ-check:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	find views -name '*_templ.go' | while read -r f; do mkdir -p "$$tmp/$$(dirname "$$f")"; cp "$$f" "$$tmp/$$f"; done; \
	$(GO) tool templ generate -log-level error || exit 1; \
	bad=0; for f in $$(find views -name '*_templ.go'); do \
		if ! cmp -s "$$f" "$$tmp/$$f"; then echo "templ: $$f berubah oleh 'go tool templ generate'"; bad=1; fi; done; \
	for f in $$(git ls-files --others --exclude-standard -- '*_templ.go' 2>/dev/null); do echo "templ: $$f belum di-commit"; bad=1; done; \
	if [ $$bad = 1 ]; then echo "templ: jalankan 'go tool templ generate' dan commit hasilnya"; exit 1; fi

generate:
	$(GO) tool templ generate

## bench: benchmarks against real PostgreSQL; they print their numbers
## (BenchmarkComputeClaim per claim, BenchmarkSimulation5000x12: the rule-set
## simulation of 5,000 employees x 12 months, target < 10 s)
## BenchmarkHTTP has its own target (bench-http) and is skipped here.
bench:
	@export EKINERJA_TEST_DATABASE_URL="$${EKINERJA_TEST_DATABASE_URL:-$$(scripts/dev-db.sh --admin)}"; \
	$(GO) test -run '^$$' -skip '^BenchmarkHTTP$$' -bench . -benchmem -timeout 30m ./...

## bench-http: the whole server under HTTP load (BenchmarkHTTP in
## internal/web, load generator internal/loadgen): a 5,000-employee regency
## in a fresh test database, each scenario alternating with a bare Echo
## route in rounds at 32 connections; prints the table (req/s, p50, p99,
## errors, ratio to the bare route, statements per request, PASS/MISS) and
## the machine's load (uptime) before and after. Without -race: it measures
## what an operator's binary does. `make test` runs it once with -short
## (small regency, 4 connections, one short round) so it does not rot.
bench-http:
	@export EKINERJA_TEST_DATABASE_URL="$${EKINERJA_TEST_DATABASE_URL:-$$(scripts/dev-db.sh --admin)}"; \
	$(GO) test -run '^$$' -bench '^BenchmarkHTTP$$' -benchtime 1x -count 1 -timeout 30m ./internal/web/

## drill: the README recovery runbook as a test, on a 5,000-employee regency
## (EKINERJA_DRILL_EMPLOYEES to change it); prints the time of every step.
## Without -race: it measures what an operator's binary does.
drill:
	@export EKINERJA_TEST_DATABASE_URL="$${EKINERJA_TEST_DATABASE_URL:-$$(scripts/dev-db.sh --admin)}" \
		EKINERJA_DRILL_EMPLOYEES="$${EKINERJA_DRILL_EMPLOYEES:-5000}"; \
	$(GO) test -v -count=1 -timeout 30m -run '^TestRecoveryDrill$$' ./cmd/ekinerja

db:
	@scripts/dev-db.sh

clean:
	rm -rf bin

# Landing page of each role at 390 px and 1366 px into docs/screenshots/
# (the browser test that also checks they do not overflow).
screenshots:
	@mkdir -p docs/screenshots
	@export EKINERJA_TEST_DATABASE_URL="$${EKINERJA_TEST_DATABASE_URL:-$$(scripts/dev-db.sh --admin)}"; \
	EKINERJA_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^TestBrowserLandingPagesFit$$' ./internal/web
