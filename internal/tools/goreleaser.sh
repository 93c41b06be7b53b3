#!/usr/bin/env bash
# Prints the path of goreleaser, installed from the Go module proxy.
# v2.13.0: newer releases need Go 1.27 or a module the proxy does not serve.
exec bash "$(dirname "$0")/go-install.sh" goreleaser github.com/goreleaser/goreleaser/v2@v2.13.0
