# The configuration `make demo` applies against the mock PlanetScale API.
# It works as well against the real API: set PLANETSCALE_SERVICE_TOKEN_ID and
# PLANETSCALE_SERVICE_TOKEN and point the variables at your own databases.
terraform {
  # provider::planetscale::connection_string needs Terraform 1.8 (OpenTofu 1.7).
  required_version = ">= 1.8"
  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
    }
  }
}

# Server URL and credentials come from the PLANETSCALE_* environment variables.
provider "planetscale" {}

variable "organization" {
  type    = string
  default = "acme"
}

variable "vitess_database" {
  type    = string
  default = "app-db"
}

variable "postgres_database" {
  type    = string
  default = "pg-db"
}

resource "planetscale_branch_password" "app" {
  organization = var.organization
  database     = var.vitess_database
  branch       = "main"
  name         = "demo-app"
  role         = "readwriter"
  ttl          = 3600
}

resource "planetscale_postgres_role" "app" {
  organization    = var.organization
  database        = var.postgres_database
  branch          = "main"
  name            = "demo-app"
  ttl             = 3600
  inherited_roles = ["pg_read_all_data", "pg_write_all_data"]
}

# Rotated every 30 days; after a rotation the previous password keeps
# working for three days, so that applications have time to reload.
resource "planetscale_rotating_branch_password" "app" {
  organization = var.organization
  database     = var.vitess_database
  branch       = "main"
  role         = "readwriter"
  name_prefix  = "demo-rotating-" # demo-rotating-1, demo-rotating-2, ...
  rotate_every = "720h"
  overlap      = "72h"
}

output "mysql_username" {
  value = planetscale_branch_password.app.username
}

output "mysql_host" {
  value = planetscale_branch_password.app.access_host_url
}

output "mysql_expires_at" {
  value = planetscale_branch_password.app.expires_at
}

output "mysql_password" {
  value     = planetscale_branch_password.app.plain_text
  sensitive = true
}

output "mysql_url" {
  value     = planetscale_branch_password.app.connection_string
  sensitive = true
}

# The connection_string function writes the string each client reads, escaped
# by its rules: here go-sql-driver/mysql's DSN.
output "mysql_go_dsn" {
  value     = provider::planetscale::connection_string(planetscale_branch_password.app, "go")
  sensitive = true
}

output "rotating_generation" {
  value = planetscale_rotating_branch_password.app.generation
}

output "rotating_current_name" {
  value = planetscale_rotating_branch_password.app.current.name
}

output "postgres_username" {
  value = planetscale_postgres_role.app.username
}

output "postgres_host" {
  value = planetscale_postgres_role.app.access_host_url
}

output "postgres_url" {
  value     = planetscale_postgres_role.app.connection_string
  sensitive = true
}
