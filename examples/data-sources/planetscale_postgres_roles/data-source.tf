# Every role on a branch, and those named "app".
data "planetscale_postgres_roles" "main" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
}

data "planetscale_postgres_roles" "app" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  name         = "app"
}

# Roles that can write everywhere, for an access review.
output "writer_usernames" {
  value = [for r in data.planetscale_postgres_roles.main.roles : r.username if contains(coalesce(r.inherited_roles, []), "pg_write_all_data")]
}

output "app_role_ids" {
  value = data.planetscale_postgres_roles.app.roles[*].id
}
