# Credentials for an application, rotated every 90 days; the previous role
# keeps working for a week after each rotation. Objects a retired role owns
# go to the current role, and the last role's go to the "owner" role at
# destroy.
resource "planetscale_rotating_postgres_role" "app" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  inherited_roles = ["pg_read_all_data", "pg_write_all_data"]
  name_prefix     = "app-" # app-1, app-2, ...
  rotate_every    = "2160h"
  overlap         = "168h"
  successor       = planetscale_postgres_role.owner.username
}

# The role that owns the schema. It must exist on the branch while the
# rotating roles are destroyed: naming it by reference makes Terraform
# destroy it last.
resource "planetscale_postgres_role" "owner" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  name         = "owner"
}

output "app_username" {
  value = planetscale_rotating_postgres_role.app.current.username
}

# terraform output -raw app_database_url
output "app_database_url" {
  value     = planetscale_rotating_postgres_role.app.current.connection_string
  sensitive = true
}
