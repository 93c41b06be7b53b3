# A role that lives only as long as the Terraform run that uses it: it
# configures the PostgreSQL provider and never reaches state or plan files.
ephemeral "planetscale_postgres_role" "migrator" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  ttl             = 900
  inherited_roles = ["postgres"]
  # Objects the run creates as this role are handed to the app's owner role.
  successor = "app_owner"
}

provider "postgresql" {
  host     = ephemeral.planetscale_postgres_role.migrator.access_host_url
  port     = 5432
  database = ephemeral.planetscale_postgres_role.migrator.database_name
  username = ephemeral.planetscale_postgres_role.migrator.username
  password = ephemeral.planetscale_postgres_role.migrator.password
  sslmode  = "require"
}
