#!/usr/bin/env bash
# Prints the path of gremlins (mutation testing), installed from the Go
# module proxy.
exec bash "$(dirname "$0")/go-install.sh" gremlins github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
