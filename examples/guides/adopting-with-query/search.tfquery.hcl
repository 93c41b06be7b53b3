# terraform query -generate-config-out=generated.tf
#
# Finds every password and role on the two branches, with the attributes
# needed to write their configuration (include_resource = true).
list "planetscale_branch_password" "app_db" {
  provider         = planetscale
  include_resource = true

  config {
    organization = "acme"
    database     = "app-db"
    branch       = "main"
  }
}

list "planetscale_postgres_role" "pg_db" {
  provider         = planetscale
  include_resource = true

  config {
    organization = "acme"
    database     = "pg-db"
    branch       = "main"
  }
}
