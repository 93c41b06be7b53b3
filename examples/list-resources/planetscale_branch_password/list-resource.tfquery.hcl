# terraform query lists the passwords on a branch;
# terraform query -generate-config-out=generated.tf also writes the
# configuration and import blocks that adopt them.
list "planetscale_branch_password" "app_db" {
  provider         = planetscale
  include_resource = true

  config {
    organization = "acme"
    database     = "app-db"
    branch       = "main"
  }
}

# Only the passwords named "ci", at most 10.
list "planetscale_branch_password" "ci" {
  provider = planetscale
  limit    = 10

  config {
    organization = "acme"
    database     = "app-db"
    branch       = "main"
    name         = "ci"
  }
}
