#!/usr/bin/env bash
# Prints the path of golangci-lint, installed from the Go module proxy.
exec bash "$(dirname "$0")/go-install.sh" golangci-lint github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
