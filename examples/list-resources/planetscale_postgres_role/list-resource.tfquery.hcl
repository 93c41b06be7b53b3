# terraform query lists the roles on a branch (dropped ones left out);
# terraform query -generate-config-out=generated.tf also writes the
# configuration and import blocks that adopt them.
list "planetscale_postgres_role" "pg_db" {
  provider         = planetscale
  include_resource = true

  config {
    organization = "acme"
    database     = "pg-db"
    branch       = "main"
  }
}
