terraform {
  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
    }
  }
}

# Credentials from PLANETSCALE_SERVICE_TOKEN_ID and PLANETSCALE_SERVICE_TOKEN.
provider "planetscale" {}

# Rotated every 30 days. The previous password keeps working for three days
# after each rotation (applications here reload their secret every hour),
# and after that for as long as it is still in use: it is retired only once
# PlanetScale has seen it unused for six hours.
resource "planetscale_rotating_branch_password" "app" {
  organization      = "acme"
  database          = "app-db"
  branch            = "main"
  role              = "readwriter"
  name_prefix       = "app-" # app-1, app-2, ...
  rotate_every      = "720h"
  overlap           = "72h"
  retire_after_idle = "6h"
}

# What applications read: always the current password. The apply that
# rotates writes the new one here; the old one keeps working through the
# overlap while applications reload.
locals {
  app_database_secret = jsonencode({
    generation = planetscale_rotating_branch_password.app.generation
    username   = planetscale_rotating_branch_password.app.current.username
    password   = planetscale_rotating_branch_password.app.current.plain_text
    url        = planetscale_rotating_branch_password.app.current.connection_string
  })
}

# Your secret store's resource goes here, with the secret as its value:
#
#   resource "aws_secretsmanager_secret_version" "app_database" {
#     secret_id     = aws_secretsmanager_secret.app_database.id
#     secret_string = local.app_database_secret
#   }
#
# or vault_kv_secret_v2 (data_json), kubernetes_secret_v1 (data), ... The
# guide shows them. terraform_data, built into Terraform, stands in for it
# here so that this file runs as it is. It holds the secret in
# triggers_replace, not input: terraform_data copies input to its output
# attribute, which Terraform does not treat as sensitive, so a plan would
# print the old secret.
resource "terraform_data" "app_database_secret" {
  triggers_replace = local.app_database_secret
}

# Which credentials exist right now (no secrets): handy in a pipeline's log.
output "app_database_generations" {
  value = {
    current  = planetscale_rotating_branch_password.app.current.name
    previous = try(planetscale_rotating_branch_password.app.previous.name, null)
  }
}
