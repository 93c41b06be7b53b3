terraform {
  required_version = ">= 1.8"

  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
    }
    # Keep the official provider until the move is applied: Terraform reads
    # the credentials' old state with it. The local name may hold letters,
    # digits and dashes only.
    planetscale-official = {
      source = "planetscale/planetscale"
    }
  }
}

# Credentials from PLANETSCALE_SERVICE_TOKEN_ID and PLANETSCALE_SERVICE_TOKEN.
provider "planetscale" {}

# Was: resource "planetscale_vitess_branch_password" "app" { ... }
resource "planetscale_branch_password" "app" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  name         = "app"
  role         = "readwriter"
  ttl          = 86400
  cidrs        = ["203.0.113.0/24"]
}

moved {
  from = planetscale_vitess_branch_password.app
  to   = planetscale_branch_password.app
}

# Was: resource "planetscale_postgres_branch_role" "app" { ... }
resource "planetscale_postgres_role" "app" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  name            = "app"
  inherited_roles = ["pg_read_all_data"]
}

moved {
  from = planetscale_postgres_branch_role.app
  to   = planetscale_postgres_role.app
}

# Was: resource "planetscale_postgres_redacted_branch_role" "ops" { ... }
# The official provider never stored its password, so none moves with it.
resource "planetscale_postgres_role" "ops" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  name            = "ops"
  inherited_roles = ["pg_read_all_data"]
}

moved {
  from = planetscale_postgres_redacted_branch_role.ops
  to   = planetscale_postgres_role.ops
}
