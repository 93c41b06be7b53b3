terraform {
  required_version = ">= 1.7"

  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
    }
    # Keep the official provider until the removal is applied.
    planetscale-official = {
      source = "planetscale/planetscale"
    }
  }
}

provider "planetscale" {}

# 1. Adopt the existing password under the new resource type.
import {
  to = planetscale_branch_password.app
  id = "acme/app-db/main/a1b2c3d4e5f6" # organization/database/branch/password ID
}

resource "planetscale_branch_password" "app" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  name         = "app"
  role         = "readwriter"
}

# 2. Let go of the old resource without deleting the password.
removed {
  from = planetscale_vitess_branch_password.app

  lifecycle {
    destroy = false
  }
}
