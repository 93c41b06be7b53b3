# A role that lives only as long as the Terraform run that uses it, for a
# migration run by Terraform, say. Objects it creates are handed to the
# "app_owner" role when it is deleted at the end of the run.
ephemeral "planetscale_postgres_role" "migrator" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  ttl             = 900
  inherited_roles = ["postgres"]
  successor       = "app_owner"
}

locals {
  migration_database_url = ephemeral.planetscale_postgres_role.migrator.connection_string
}
