# Credentials for an application that reads and writes every table, refuse
# DELETE without WHERE, and hand their objects to the "owner" role when
# destroyed.
resource "planetscale_postgres_role" "app" {
  organization            = "acme"
  database                = "pg-db"
  branch                  = "main"
  name                    = "app"
  inherited_roles         = ["pg_read_all_data", "pg_write_all_data"]
  require_where_on_delete = "on"
  successor               = planetscale_postgres_role.owner.username
}

# The role that owns the schema. It must exist on the branch while the app
# role is destroyed: naming it by reference makes Terraform destroy it last.
resource "planetscale_postgres_role" "owner" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  name         = "owner"
}

output "app_username" {
  value = planetscale_postgres_role.app.username
}

# terraform output -raw app_database_url
output "app_database_url" {
  value     = planetscale_postgres_role.app.connection_string
  sensitive = true
}
