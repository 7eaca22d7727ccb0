# asysta — make targets. `make test` is what CI runs (.ci/run).
GO        ?= go
FUZZTIME  ?= 10s
BENCHTIME ?= 1s
BENCHMOD  := rules/internal/bench
STATICCHECK_VERSION ?= v0.8.2
# the release name stamped into `make dist` binaries: the tag, or the tag and the commits since, or the commit
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
# the platforms `make dist` builds for, GOOS/GOARCH
PLATFORMS := linux/amd64 linux/arm64 windows/amd64 darwin/arm64
# where internal/pgtest notes PostgreSQL tests it had to skip, for `make test` to say so
PGTEST_REPORT := $(CURDIR)/.pgtest-skipped

.PHONY: test bench fuzz demo lint build dist loadtest

## test: go vet (also as for Windows, and a Windows build of the command, so that a Windows break is
## caught), then every test with the race detector (the comparison module too), saying which
## PostgreSQL tests were skipped and why
test:
	$(GO) vet ./...
	GOOS=windows GOARCH=amd64 $(GO) vet ./...
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/asysta
	@rm -f $(PGTEST_REPORT)
	@echo "$(GO) test -race -count=1 ./..."
	@ASYSTA_PGTEST_REPORT=$(PGTEST_REPORT) $(GO) test -race -count=1 ./...; status=$$?; \
	if [ -s $(PGTEST_REPORT) ]; then \
		echo "SKIPPED: no PostgreSQL server for these tests (under CI they fail instead):"; \
		sed 's/^/  /' $(PGTEST_REPORT); \
	fi; rm -f $(PGTEST_REPORT); exit $$status
	cd $(BENCHMOD) && $(GO) vet ./... && $(GO) test -race -count=1 ./...

## bench: every benchmark, with allocations, the comparison module beside the library
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...
	cd $(BENCHMOD) && $(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

## loadtest: the PostgreSQL load test (caseload TestLoad): about 250,000 cases, 16 clients firing transitions
## and 4 reading calendars for LOADTIME; on ASYSTA_PG_URL (the import is kept there for the next run), else on a
## throwaway cluster
LOADTIME ?= 60s
loadtest:
	$(GO) test -run '^TestLoad$$' -count=1 -timeout 30m -v ./caseload/ -args -loadtest -loadtest.duration $(LOADTIME)

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

## dist: stripped, reproducible binaries of the command for each of PLATFORMS, with VERSION stamped,
## as dist/asysta_VERSION_OS_ARCH/asysta (asysta.exe on Windows) beside a copy of LICENSE, and
## dist/SHA256SUMS; then each binary is checked to be an executable of its platform
dist:
	rm -rf dist
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; exe=asysta; [ $$os = windows ] && exe=asysta.exe; \
		dir=dist/asysta_$(VERSION)_$${os}_$${arch}; \
		echo "build $$dir/$$exe"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -buildvcs=auto \
			-ldflags "-s -w -X main.version=$(VERSION)" -o $$dir/$$exe ./cmd/asysta; \
		cp LICENSE $$dir/; \
		$(GO) version -m $$dir/$$exe | grep -q "GOOS=$$os$$" ; \
	done
	cd dist && sha256sum */asysta* > SHA256SUMS
	@cat dist/SHA256SUMS
	@if command -v file >/dev/null; then file dist/*/asysta*; fi
