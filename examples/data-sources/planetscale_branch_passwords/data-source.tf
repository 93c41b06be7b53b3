# Every password on a branch, and those named "app".
data "planetscale_branch_passwords" "main" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
}

data "planetscale_branch_passwords" "app" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  name         = "app"
}

# Passwords that have expired, for an alert or a cleanup job.
output "expired_password_ids" {
  value = [for p in data.planetscale_branch_passwords.main.passwords : p.id if p.expired]
}

output "app_password_count" {
  value = length(data.planetscale_branch_passwords.app.passwords)
}
