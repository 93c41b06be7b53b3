#!/usr/bin/env bash
# Prints the path of a Terraform binary of the given version (or "oldest",
# "newest": the releases the tests and docs use), built from
# github.com/hashicorp/terraform on the Go module proxy the first time and
# cached outside the repository: no Terraform can be downloaded here.
#
#   bash internal/tools/terraform/build.sh oldest   # 1.5.7: about 4 minutes on 2 cores
#   bash internal/tools/terraform/build.sh newest   # 1.16.4: about 5 minutes
#
# Releases before 1.15 build with `go install`. Later releases replace the
# remote-state backends (and internal/legacy, which only those use) with
# nested modules that the module zip does not carry, so `go install` refuses
# them. For those the script copies the module source, removes the nested
# backends from internal/backend/init/init.go and their requires and replaces
# from go.mod, and builds the copy. The tests use the local backend only; the
# patch is these few edits, made here and never committed as Terraform code.
# Such a build reports itself as "<version>-dev".
set -euo pipefail
version=${1:?usage: build.sh VERSION|oldest|newest}
case "$version" in
  # The last MPL-licensed release, still pinned in many pipelines.
  oldest) version=1.5.7 ;;
  # The newest release; it also exports the schemas of list resources and
  # actions for the docs.
  newest) version=1.16.4 ;;
esac
version=${version#v}
cache=${PLANETSCALE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-planetscale}
# A directory per version holding a binary named terraform, so that it can
# be put first on PATH for tools that look for "terraform" (tfplugindocs).
bin="$cache/terraform-v$version/terraform"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$cache/terraform-v$version"
module=github.com/hashicorp/terraform
echo "terraform: building terraform v$version from its Go module (once; cached in $cache)" >&2

# Work outside any module so the project's go.mod plays no part.
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"

if ! (GOFLAGS=-mod=mod go mod download -json "$module@v$version" >download.json); then
  echo "terraform: the Go module proxy does not serve $module@v$version" >&2
  exit 1
fi
src=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' download.json)
nested=$(sed -n 's#^replace \(github.com/hashicorp/terraform/internal/[^ ]*\) => \./.*#\1#p' "$src/go.mod")

if [ -z "$nested" ]; then
  GOBIN="$work/bin" GOFLAGS=-buildvcs=false go install -trimpath "$module@v$version"
  mv "$work/bin/terraform" "$bin.partial"
else
  cp -r "$src" "$work/terraform"
  chmod -R u+w "$work/terraform"
  cd "$work/terraform"
  init=internal/backend/init/init.go
  for mod in $nested; do
    go mod edit -droprequire "$mod" -dropreplace "$mod"
    case "$mod" in
      */remote-state/*)
        name=${mod##*/}
        # The import line, then the map entry that calls its New.
        alias=$(sed -n "s#^[[:space:]]*\([A-Za-z0-9_]*\) \"$mod\"\$#\1#p" "$init")
        [ -n "$alias" ] || { echo "terraform: $init does not import $mod; update this script" >&2; exit 1; }
        sed -i "\#\"$mod\"\$#d; /$alias\.New(/d" "$init"
        echo "terraform: left out the $name backend" >&2
        ;;
    esac
  done
  GOFLAGS='-buildvcs=false -mod=mod' go build -trimpath -o "$bin.partial" .
fi
mv "$bin.partial" "$bin"
echo "$bin"
