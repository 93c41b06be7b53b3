#!/usr/bin/env bash
# make demo: build the provider, start the mock PlanetScale API, apply
# examples/demo with the provider built here, show the outputs, and clean up.
# Needs go and terraform on PATH; downloads nothing but Go modules.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
command -v terraform >/dev/null || { echo "demo: terraform is not on PATH; install Terraform >= 1.11" >&2; exit 1; }
command -v go >/dev/null || { echo "demo: go is not on PATH" >&2; exit 1; }

# The provider's source address is written once, in main.go.
address=$(sed -n 's/^const registryAddress = "registry.terraform.io\/\(.*\)"$/\1/p' "$root/main.go")
[ -n "$address" ] || { echo "demo: registryAddress not found in main.go" >&2; exit 1; }

work=$(mktemp -d)
mock_pid=""
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }

step "Building the provider and the mock API (the first build downloads and compiles Go modules: a few minutes; later runs take about 20 seconds)"
go build -o "$work/bin/terraform-provider-planetscale" "$root"
go build -o "$work/planetscale-mock" "$root/internal/mockapi/cmd/planetscale-mock"

# With PostgreSQL and MariaDB installed (make e2e-deps), the mock backs the
# credentials with real database users, and the demo logs in with one.
databases=""
if [ -x /usr/sbin/mariadbd ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v psql >/dev/null; then
  databases="-databases"
fi
step "Starting the mock PlanetScale API on a loopback port ${databases:+(backed by local PostgreSQL and MariaDB)}"
"$work/planetscale-mock" $databases -env-file "$work/mock.env" >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 300); do [ -s "$work/mock.env" ] && break; sleep 0.1; done
[ -s "$work/mock.env" ] || { cat "$work/mock.log" >&2; echo "demo: the mock API did not start" >&2; exit 1; }
# shellcheck disable=SC1091
source "$work/mock.env"
echo "mock API at $PLANETSCALE_SERVER_URL"

# dev_overrides makes terraform use the provider just built, with no
# registry and no terraform init.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "$address" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
color=""
[ -t 1 ] || color="-no-color"
mkdir "$work/config"
cp "$root/examples/demo/main.tf" "$work/config/"
cd "$work/config"

step "terraform apply (a branch password, a rotating branch password, a Postgres role)"
terraform apply -auto-approve -input=false -compact-warnings $color

step "terraform output (secrets stay hidden)"
terraform output $color

step "Reading a secret"
cat <<'TEXT'
The secrets are sensitive outputs. Read one when you need it, for example:
  psql "$(terraform output -raw postgres_url)"
The mysql client takes no URL: give it the host, the user and the password in
an option file only you can read (the password stays off the command line):
  umask 077
  printf '[client]\nhost=%s\nuser=%s\npassword=%s\n' "$(terraform output -raw mysql_host)" \
    "$(terraform output -raw mysql_username)" "$(terraform output -raw mysql_password)" >my.cnf
  mysql --defaults-extra-file=my.cnf app-db
Clients that take one string get it from the connection_string function,
written by each client's rules (mysql_go_dsn: go-sql-driver/mysql).
TEXT
printf 'postgres_url holds %s characters; mysql_url %s; mysql_go_dsn %s.\n' \
  "$(terraform output -raw postgres_url | wc -c | tr -d ' ')" "$(terraform output -raw mysql_url | wc -c | tr -d ' ')" \
  "$(terraform output -raw mysql_go_dsn | wc -c | tr -d ' ')"

if [ -n "$databases" ]; then
  step "Logging in with the Postgres role's connection string"
  # The local server has no TLS certificate: verify-full becomes disable.
  psql "$(terraform output -raw postgres_url | sed 's/sslmode=verify-full/sslmode=disable/')" -c 'select current_user'

  step "Logging in with the branch password (mysql client, option file)"
  # The mock's host carries the local server's port; PlanetScale's is
  # MySQL's 3306. The local server has no TLS certificate: skip-ssl.
  host=$(terraform output -raw mysql_host)
  (
    umask 077
    printf '[client]\nhost=%s\nport=%s\nuser=%s\npassword=%s\nskip-ssl\n' "${host%:*}" "${host##*:}" \
      "$(terraform output -raw mysql_username)" "$(terraform output -raw mysql_password)" >"$work/my.cnf"
  )
  mysql --defaults-extra-file="$work/my.cnf" app-db -e 'select current_user()'
fi

step "The rotating password"
echo "Generation $(terraform output -raw rotating_generation), current password $(terraform output -raw rotating_current_name)."
echo 'Against the mock, move its clock past rotate_every and apply again to watch a rotation:'
echo "  curl -X POST -d '{\"duration\":\"721h\"}' ${PLANETSCALE_SERVER_URL%/v1}/_mock/advance"

step "terraform destroy"
terraform destroy -auto-approve -input=false -compact-warnings $color

step "Done: the mock API is stopped and the temporary files are removed"
