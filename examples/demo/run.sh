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

step "Building the provider and the mock API"
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

step "terraform apply (one branch password, one Postgres role)"
terraform apply -auto-approve -input=false -compact-warnings $color

step "terraform output (secrets stay hidden)"
terraform output $color

step "Reading a secret"
echo 'The secrets are sensitive outputs. Read one when you need it, for example:'
echo '  psql "$(terraform output -raw postgres_url)"'
echo '  mysql --url "$(terraform output -raw mysql_url)"'
printf 'postgres_url holds %s characters; mysql_url holds %s.\n' \
  "$(terraform output -raw postgres_url | wc -c | tr -d ' ')" "$(terraform output -raw mysql_url | wc -c | tr -d ' ')"

if [ -n "$databases" ]; then
  step "Logging in with the Postgres role's connection string"
  # The local server has no TLS certificate: verify-full becomes disable.
  psql "$(terraform output -raw postgres_url | sed 's/sslmode=verify-full/sslmode=disable/')" -c 'select current_user'
fi

step "terraform destroy"
terraform destroy -auto-approve -input=false -compact-warnings $color

step "Done: the mock API is stopped and the temporary files are removed"
