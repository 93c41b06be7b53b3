# A module that hands an ephemeral credential's DSN on as an ephemeral
# output (TestAccConnectionStringFunction_ephemeral).
terraform {
  required_providers {
    # The address plugin-testing serves the provider under; a function
    # needs its provider declared in the module that calls it.
    planetscale = {
      source = "hashicorp/planetscale"
    }
  }
}

variable "credential" {
  ephemeral = true
}

output "dsn" {
  value     = provider::planetscale::connection_string(var.credential, "go")
  ephemeral = true
}
