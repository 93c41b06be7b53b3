variable "role_id" {
  description = "ID of a role on acme/pg-db/main, such as planetscale_postgres_role.app.id."
  type        = string
}

# Metadata of one role, by its ID. No secret: the API returns the password
# only when the role is created or its password is reset.
data "planetscale_postgres_role" "app" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  id           = var.role_id
}

output "app_role_username" {
  value = data.planetscale_postgres_role.app.username
}
