#!/usr/bin/env bash
# Prints the path of a golangci-lint binary installed from the Go module
# proxy (never a downloaded release binary), installing it the first time
# and caching it outside the repository.
set -euo pipefail
version=v2.15.0
cache=${PLANETSCALE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-planetscale}
bin="$cache/golangci-lint-$version"
if [ ! -x "$bin" ]; then
  echo "golangci-lint: installing $version from the Go module proxy (once; cached in $cache)" >&2
  mkdir -p "$cache/gobin-golangci-lint-$version"
  GOBIN="$cache/gobin-golangci-lint-$version" go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$version"
  mv "$cache/gobin-golangci-lint-$version/golangci-lint" "$bin"
fi
echo "$bin"
