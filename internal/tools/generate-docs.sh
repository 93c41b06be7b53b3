#!/usr/bin/env bash
# Formats the examples and generates docs/ from templates/ and examples/
# (go generate runs it). Both use the newest Terraform, built by
# internal/tools/terraform and cached: older releases neither export the
# schemas of list resources and actions, nor format .tfquery.hcl files.
set -euo pipefail
cd "$(dirname "$0")/../.."
tf=$(bash internal/tools/terraform/build.sh newest)
PATH="$(dirname "$tf"):$PATH"
export PATH
terraform fmt -recursive ./examples/
go tool tfplugindocs generate --provider-name planetscale --rendered-provider-name PlanetScale
