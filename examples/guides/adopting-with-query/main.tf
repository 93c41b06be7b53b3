terraform {
  required_version = ">= 1.14"

  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
    }
  }
}

# Credentials from PLANETSCALE_SERVICE_TOKEN_ID and PLANETSCALE_SERVICE_TOKEN.
provider "planetscale" {}
