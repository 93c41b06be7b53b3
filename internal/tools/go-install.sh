#!/usr/bin/env bash
# Prints the path of a Go tool installed from the Go module proxy (never a
# downloaded release binary), installing it the first time and caching it
# outside the repository:
#   go-install.sh NAME MODULE/PATH@VERSION
set -euo pipefail
name=${1:?usage: go-install.sh NAME PACKAGE@VERSION}
package=${2:?usage: go-install.sh NAME PACKAGE@VERSION}
version=${package##*@}
cache=${PLANETSCALE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-planetscale}
bin="$cache/$name-$version"
if [ ! -x "$bin" ]; then
  echo "$name: installing $version from the Go module proxy (once; cached in $cache)" >&2
  mkdir -p "$cache/gobin-$name-$version"
  GOBIN="$cache/gobin-$name-$version" go install "$package"
  mv "$cache/gobin-$name-$version/$name" "$bin"
fi
echo "$bin"
