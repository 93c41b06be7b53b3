#!/usr/bin/env bash
# Prints the path of a goreleaser binary installed from the Go module proxy,
# installing it the first time and caching it outside the repository.
# v2.13.0: newer releases need Go 1.27 or a module the proxy does not serve.
set -euo pipefail
version=v2.13.0
cache=${PLANETSCALE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-planetscale}
bin="$cache/goreleaser-$version"
if [ ! -x "$bin" ]; then
  echo "goreleaser: installing $version from the Go module proxy (once; cached in $cache)" >&2
  mkdir -p "$cache/gobin-$version"
  GOBIN="$cache/gobin-$version" go install "github.com/goreleaser/goreleaser/v2@$version"
  mv "$cache/gobin-$version/goreleaser" "$bin"
fi
echo "$bin"
