# One entry point for building and testing callflow. `make test` is what CI
# (.ci/run) and the README call; it needs nothing but Go.

GO       ?= go
# Where make run listens (make run ADDR=127.0.0.1:9090).
ADDR     ?= :8080
FUZZTIME ?= 10s
# How long the fuzzer may minimize each new input, as a number of calls.
# Go's default, 60s, is spent on every newly interesting input: FuzzFormat
# then ran 20 inputs in 30 s. With 200x it runs about 130,000 and finds
# over 200 new inputs (1000x: 32,000; 1s: 37,000). A crasher is still
# minimized, less thoroughly: run its target with FUZZMINIMIZE=60s to shrink
# it further.
FUZZMINIMIZE ?= 200x

.PHONY: build test run bench bench-all fuzz check

build:
	$(GO) build -o bin/callflow ./cmd/callflow

test:
	$(GO) vet ./...
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files are not formatted (run gofmt -w):"; \
		echo "$$unformatted"; \
		exit 1; \
	fi
	$(GO) test -race ./...
	@# Allocation counts mean nothing under the race detector, so the tests
	@# that count them (named ...Alloc...) skip there; they run here without it.
	$(GO) test -run 'Alloc' ./runtime/... ./lang/...

# flows/appointments.flow reads the secret CLINIC_CRM_TOKEN when it loads; a
# fresh clone has none, so run gives it a demo value (crm.example.com is no
# real CRM: the flow's lookups and posts fail and use their else values).
# Set CLINIC_CRM_TOKEN, or CLINIC_CRM_TOKEN_FILE, to use your own.
run:
	@if [ -z "$${CLINIC_CRM_TOKEN+set}$${CLINIC_CRM_TOKEN_FILE+set}" ]; then \
		export CLINIC_CRM_TOKEN=demo-token; \
	fi; \
	$(GO) run ./cmd/callflow serve --addr $(ADDR) --dir flows

# The figures of the quality bar (P1 to P10, and R1), each measured by a
# Go benchmark, printed as one table with target and verdict
# (bench/cmd/benchtable; docs/embedding.md §11 tells how to read it). The
# benchmarks' own output scrolls by first and is kept in BENCHOUT for
# benchstat. BENCHCOUNT=3 runs each benchmark three times and shows the
# spread. It fails when a figure misses its target. One run takes about 4
# minutes on 2 cores, BENCHCOUNT=3 took 13 on a busy machine; P6 holds
# about a GiB. P4's 100 MiB compile adds several minutes and 3.5 GiB.
BENCHCOUNT ?= 1
BENCHOUT   ?= bench.out
bench:
	$(GO) run ./bench/cmd/benchtable -count $(BENCHCOUNT) -o $(BENCHOUT)

# Every Go benchmark, the figures' and the ones to profile with. The load
# figures of bench/load measure once each, so they run with -benchtime 1x;
# `go run ./bench/cmd/callflow-load` runs them in full.
bench-all:
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./... | grep -v '/bench/load$$')
	$(GO) test -run '^$$' -bench . -benchtime 1x ./bench/load

# Runs every fuzz target for FUZZTIME each, minimizing for FUZZMINIMIZE.
# `go test -list` prints a package's matching names, then an "ok <package>"
# line.
fuzz:
	@set -e; \
	list="$$($(GO) test -list '^Fuzz' ./...)"; \
	targets="$$(echo "$$list" | awk '/^Fuzz/ { names[n++] = $$1; next } /^ok/ { for (i = 0; i < n; i++) print $$2 " " names[i]; n = 0 }')"; \
	if [ -z "$$targets" ]; then echo "no fuzz targets"; exit 0; fi; \
	echo "$$targets" | while read -r pkg name; do \
		echo "== $$name ($$pkg)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) "$$pkg"; \
	done

check:
	$(GO) run ./cmd/callflow check flows
