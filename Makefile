GO ?= go

.PHONY: run test bench build vet fmt tools manifests

# promtool, pushgateway and amtool, found here by the monitoring tests
TOOLS := $(CURDIR)/.tools/bin
export PATH := $(TOOLS):$(PATH)

## run: the whole pipeline on an embedded NATS server over bundled candles
run:
	@$(GO) run ./cmd/tabot run

## test: every test, the race detector on; then the modules of their
## own: the monitoring checks and the deployment files' validation
## (tools/validate keeps Knative and BuildKit out of the functions)
test: tools
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	cd monitoring/check && $(GO) vet ./... && $(GO) test -count=1 ./...
	cd tools/validate && $(GO) vet ./... && $(GO) test -count=1 ./...

## tools: promtool, pushgateway and amtool (Debian 12 packages) into .tools/bin
tools:
	monitoring/install-tools.sh $(TOOLS)

## bench: the benchmarks, with allocations
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

## build: the three function binaries and tabot into bin/
build:
	CGO_ENABLED=0 $(GO) build -o bin/ ./cmd/tabot ./functions/...

fmt:
	gofmt -w .

## manifests: regenerate stack.yml, stack-pro.yml and knative/ from the registry
manifests:
	$(GO) run ./cmd/tabot manifests
