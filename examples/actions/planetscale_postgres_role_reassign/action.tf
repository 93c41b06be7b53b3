resource "planetscale_postgres_role" "migrator" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  name            = "migrator"
  inherited_roles = ["postgres"]
}

resource "planetscale_postgres_role" "owner" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  name         = "owner"
}

# Before retiring the migrator, hand the tables it created to the owner:
#   terraform apply -invoke=action.planetscale_postgres_role_reassign.migrator
# Then the migrator can be destroyed without a successor.
action "planetscale_postgres_role_reassign" "migrator" {
  config {
    organization = "acme"
    database     = "pg-db"
    branch       = "main"
    id           = planetscale_postgres_role.migrator.id
    successor    = planetscale_postgres_role.owner.username
  }
}
