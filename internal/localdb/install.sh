#!/usr/bin/env bash
# make e2e-deps: installs, from Debian's packages, the database servers the
# end-to-end tests and the database-backed demo start on loopback ports:
# PostgreSQL (initdb, postgres), its client psql, and MariaDB (mariadbd).
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v psql >/dev/null || need+=(postgresql-client)
[ -x /usr/sbin/mariadbd ] || command -v mariadbd >/dev/null || need+=(mariadb-server)
if [ ${#need[@]} -eq 0 ]; then
  echo "e2e-deps: PostgreSQL, psql and MariaDB are installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "e2e-deps: missing ${need[*]}; install them as root: apt-get install ${need[*]}" >&2
  exit 1
fi
echo "e2e-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The servers are started by the tests themselves, never as services.
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
