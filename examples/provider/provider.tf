terraform {
  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
    }
  }
}

# Credentials come from PLANETSCALE_SERVICE_TOKEN_ID and PLANETSCALE_SERVICE_TOKEN
# (or PLANETSCALE_ACCESS_TOKEN) when not set here. Keep tokens out of code.
provider "planetscale" {
  service_token_id = var.planetscale_service_token_id
  service_token    = var.planetscale_service_token
}

variable "planetscale_service_token_id" {
  type    = string
  default = null
}

variable "planetscale_service_token" {
  type      = string
  sensitive = true
  default   = null
}
