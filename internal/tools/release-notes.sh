#!/usr/bin/env bash
# Prints the CHANGELOG.md section of a version, without its heading: the
# notes of its GitHub release (.github/workflows/release.yml).
#   release-notes.sh VERSION [CHANGELOG]    # VERSION with or without the v
# Fails when the section is missing, empty, or still "(Unreleased)": date
# the heading in the commit you tag.
set -euo pipefail
version=${1:?usage: release-notes.sh VERSION [CHANGELOG]}
version=${version#v}
changelog=${2:-$(dirname "$0")/../../CHANGELOG.md}
heading=$(awk -v v="$version" '$1 == "##" && $2 == v { print; exit }' "$changelog")
if [ -z "$heading" ]; then
  echo "release-notes: $changelog has no \"## $version\" heading; add the section before tagging v$version" >&2
  exit 1
fi
case "$heading" in
  *"(Unreleased)"*)
    echo "release-notes: $changelog: \"$heading\" is still unreleased; give it the release date before tagging v$version" >&2
    exit 1
    ;;
esac
notes=$(awk -v heading="$heading" '
  $0 == heading { found = 1; next }
  found && /^## / { exit }
  found { print }
' "$changelog")
if [ -z "$(printf '%s' "$notes" | tr -d '[:space:]')" ]; then
  echo "release-notes: $changelog: the \"$heading\" section is empty" >&2
  exit 1
fi
printf '%s\n' "$notes"
