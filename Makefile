# asysta — make targets. `make test` is what CI runs (.ci/run).
GO        ?= go
FUZZTIME  ?= 10s
BENCHTIME ?= 1s
BENCHMOD  := rules/internal/bench
STATICCHECK_VERSION ?= v0.8.2

.PHONY: test bench fuzz demo lint build

## test: go vet, then every test with the race detector (the comparison module too)
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	cd $(BENCHMOD) && $(GO) vet ./... && $(GO) test -race -count=1 ./...

## bench: every benchmark, with allocations, the comparison module beside the library
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...
	cd $(BENCHMOD) && $(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

## fuzz: a short bounded run of every fuzz target (FUZZTIME each)
fuzz:
	@set -e; for file in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
		dir=$$(dirname $$file); \
		for target in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$file | sed 's/^func //'); do \
			echo "fuzz $$dir $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) ./$$dir; \
		done; \
	done

## demo: the main job on the embedded defaults
demo:
	$(GO) run ./examples/quickstart

## lint: staticcheck, fetched through the Go module proxy
lint:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

build:
	$(GO) build ./...
