#!/usr/bin/env bash
# Prints the path of actionlint, installed from the Go module proxy.
exec bash "$(dirname "$0")/go-install.sh" actionlint github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
