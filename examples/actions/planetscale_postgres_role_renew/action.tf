resource "planetscale_postgres_role" "app" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  name            = "app"
  ttl             = 604800 # a week
  inherited_roles = ["pg_read_all_data", "pg_write_all_data"]
}

# terraform apply -invoke=action.planetscale_postgres_role_renew.app
# extends the role's expiry by its TTL; its password stays the same.
action "planetscale_postgres_role_renew" "app" {
  config {
    import_id = "acme/pg-db/main/${planetscale_postgres_role.app.id}"
  }
}
