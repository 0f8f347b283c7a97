# Nami: the self-hosted control center for in-app purchases. Run `make help` for the targets.
GO      ?= go
DB      ?= ./nami.db
ADDR    ?= :8080
PKGS    := ./...

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

.PHONY: run
run: ## Start the control center on http://localhost:8080 with demo data in ./nami.db
	$(GO) run . serve --db $(DB) --addr $(ADDR) --demo

.PHONY: test
test: ## Run every test: store, handlers, engine, CLI and the headless Chromium journeys
	$(GO) test -count=1 -timeout 30m $(PKGS)

.PHONY: generate
generate: ## Regenerate the templ components (*_templ.go)
	$(GO) tool templ generate

.PHONY: lint
lint: ## gofmt, templ fmt, go mod tidy and go vet; fails when formatting, generated code or go.mod/go.sum is stale
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo 'gofmt would change the files above'; exit 1)
	$(GO) tool templ fmt -fail views
	@$(GO) mod tidy -diff || (echo 'go mod tidy would change go.mod or go.sum as above; run go mod tidy'; exit 1)
	$(GO) vet $(PKGS)

.PHONY: build
build: ## Build the single nami binary (no cgo)
	CGO_ENABLED=0 $(GO) build -trimpath -o nami .

.PHONY: bench
bench: ## Run the Go benchmarks with allocations
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

LOAD_PORT  ?= 18181
LOAD_FLAGS ?=

.PHONY: load
load: ## Load-test the SDK API on 127.0.0.1 (demo app, temp DB, no events rate limit) beside a bare net/http handler
	@set -e; tmp=$$(mktemp -d); pid=; \
	trap 'if [ -n "$$pid" ]; then kill $$pid; wait $$pid 2>/dev/null || true; fi; \
		if grep -qE "\"level\":\"(ERROR|WARN)\"" $$tmp/serve.log 2>/dev/null; then \
			echo "serve log: $$(grep -cE "\"level\":\"ERROR\"" $$tmp/serve.log) ERROR and $$(grep -cE "\"level\":\"WARN\"" $$tmp/serve.log) WARN lines (first 20):"; \
			grep -E "\"level\":\"(ERROR|WARN)\"" $$tmp/serve.log | head -n 20; \
		else echo "serve log: no ERROR or WARN lines"; fi; \
		rm -rf $$tmp' EXIT; \
	$(GO) build -o $$tmp/nami . ; $(GO) build -o $$tmp/loadgen ./cmd/loadgen; \
	$$tmp/nami apply --db $$tmp/load.db -f catalog/demo.json >/dev/null; \
	$$tmp/nami publish --db $$tmp/load.db --app calm-sky --note "load test" >/dev/null; \
	$$tmp/nami serve --db $$tmp/load.db --addr 127.0.0.1:$(LOAD_PORT) --events-rate 0 2>$$tmp/serve.log & pid=$$!; \
	$$tmp/loadgen -url http://127.0.0.1:$(LOAD_PORT) -db $$tmp/load.db $(LOAD_FLAGS)

SCALE_SIZES ?= S,M,L,2xL,apps
SCALE_FLAGS ?=

.PHONY: scale
scale: ## Time apply, publish, every app page with one pending edit, config bytes and resolve on generated catalogs (SCALE_SIZES=S,M,L,2xL,apps)
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	CGO_ENABLED=0 $(GO) build -o $$tmp/nami . ; $(GO) build -o $$tmp/loadgen ./cmd/loadgen; \
	$$tmp/loadgen scale -nami $$tmp/nami -dir $$tmp -sizes $(SCALE_SIZES) $(SCALE_FLAGS)

BENCH_DB ?= .bench/analytics.db

.PHONY: bench-analytics
bench-analytics: $(BENCH_DB) ## Benchmark results and analytics reads at 1M devices, 5M events (data generated once into .bench/)
	NAMI_ANALYTICS_DB=$(abspath $(BENCH_DB)) $(GO) test -run '^$$' -bench 'CampaignCohorts1M|AppAnalytics1M' -benchtime 5x -benchmem ./store/
	NAMI_ANALYTICS_DB=$(abspath $(BENCH_DB)) $(GO) test -run '^$$' -bench 'ResultsJSON1M|AnalyticsPage1M' -benchtime 5x ./handlers/

# The analytics history of bench-analytics: 30 days of 1M devices, generated once (about 2 minutes
# on 2 vCPUs); delete the file to generate it again, e.g. after a migration changes.
$(BENCH_DB):
	@mkdir -p $(dir $@)
	@rm -f $@.tmp $@.tmp-wal $@.tmp-shm
	$(GO) run ./cmd/loadgen analytics-data -db $@.tmp -devices 1000000 -events 5000000 -seed 1
	mv $@.tmp $@

FOLD_FLAGS ?=

.PHONY: load-fold
load-fold: ## Durable events ingestion with and without the analytics aggregates, in process; prints the ratio
	$(GO) run ./cmd/loadgen fold-ratio $(FOLD_FLAGS)
