# Convenience targets; scripts/check is the one test command.
.PHONY: check test lint demo build

check:            ## everything CI runs: fmt, vet, tests on SQLite+PostgreSQL, browser test
	scripts/check

test:             ## Go tests on SQLite only (PostgreSQL parts skip without WEIJIAN_TEST_POSTGRES)
	go test ./...

lint:             ## gofmt and go vet
	test -z "$$(gofmt -l .)" && go vet ./...

build:
	CGO_ENABLED=0 go build -ldflags "-X main.version=$$(git describe --always --dirty)" -o bin/weijian ./cmd/weijian

demo:             ## the demo county in the browser
	go run ./cmd/weijian demo
