# An ephemeral password's DSN, through a module's ephemeral output, into
# the echo provider's configuration (TestAccConnectionStringFunction_ephemeral).
# A directory, not a string: plugin-testing installs modules only then.
variable "server_url" {}
variable "service_token_id" {}
variable "service_token" {
  sensitive = true
}

provider "planetscale" {
  server_url       = var.server_url
  service_token_id = var.service_token_id
  service_token    = var.service_token
}

ephemeral "planetscale_branch_password" "test" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
}

module "dsn" {
  source     = "./testdata/connection-string-module" # plugin-testing links testdata/ into its working directory
  credential = ephemeral.planetscale_branch_password.test
}

provider "echo" {
  data = module.dsn.dsn
}

resource "echo" "test" {}
