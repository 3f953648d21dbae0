GO ?= go

.PHONY: run test bench build vet fmt manifests

## run: the whole pipeline on an embedded NATS server over bundled candles
run:
	$(GO) run ./cmd/tabot run

## test: every test, the race detector on; then the deployment files'
## validation, a module of its own (tools/validate) that keeps Knative
## and BuildKit out of the functions' dependencies
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	cd tools/validate && $(GO) vet ./... && $(GO) test -count=1 ./...

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
