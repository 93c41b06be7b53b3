variable "password_id" {
  description = "ID of a password on acme/app-db/main, such as planetscale_branch_password.app.id."
  type        = string
}

# Metadata of one password, by its ID. No secret: the API returns it only
# when the password is created.
data "planetscale_branch_password" "app" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  id           = var.password_id
}

output "app_password_expires_at" {
  value = data.planetscale_branch_password.app.expires_at
}
