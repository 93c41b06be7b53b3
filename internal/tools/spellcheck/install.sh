#!/usr/bin/env bash
# make spellcheck: installs, from Debian's packages, what it runs when they
# are missing: codespell (common misspellings, in code and comments too),
# hunspell with its en_US dictionary, and proselint (usage and style).
set -euo pipefail
need=()
command -v codespell >/dev/null || need+=(codespell)
command -v hunspell >/dev/null || need+=(hunspell)
[ -e /usr/share/hunspell/en_US.dic ] || need+=(hunspell-en-us)
command -v proselint >/dev/null || need+=(python3-proselint)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "spellcheck: missing ${need[*]}; install them as root: apt-get install ${need[*]}" >&2
  exit 1
fi
echo "spellcheck: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
