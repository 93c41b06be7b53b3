#!/usr/bin/env bash
# Prints the path of an OpenTofu binary built from the Go module pinned in
# go.mod beside this script, building it the first time (about 6 minutes on
# 2 cores) and caching it outside the repository for later runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(cd "$here" && go list -m -f '{{.Version}}' github.com/opentofu/opentofu)
[ -n "$version" ] || { echo "opentofu: no pinned version in $here/go.mod" >&2; exit 1; }
cache=${PLANETSCALE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-planetscale}
bin="$cache/tofu-$version"
if [ ! -x "$bin" ]; then
  echo "opentofu: building tofu $version from its Go module (once; cached in $cache)" >&2
  mkdir -p "$cache"
  (cd "$here" && go build -trimpath -o "$bin.partial" github.com/opentofu/opentofu/cmd/tofu)
  mv "$bin.partial" "$bin"
fi
echo "$bin"
