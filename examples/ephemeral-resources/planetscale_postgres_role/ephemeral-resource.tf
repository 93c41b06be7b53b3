# A role that lives only as long as the Terraform run that uses it, for a
# migration run by Terraform, say. Objects it creates are handed to the
# "owner" role when it is deleted at the end of the run.
ephemeral "planetscale_postgres_role" "migrator" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  ttl             = 900
  inherited_roles = ["postgres"]
  successor       = planetscale_postgres_role.owner.username
}

# The role that owns the schema; the successor must exist on the branch.
resource "planetscale_postgres_role" "owner" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  name         = "owner"
}

locals {
  migration_database_url = ephemeral.planetscale_postgres_role.migrator.connection_string
}
