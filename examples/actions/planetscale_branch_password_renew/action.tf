resource "planetscale_branch_password" "app" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  name         = "app"
  ttl          = 604800 # a week
}

# Renew on demand, keeping the password:
#   terraform apply -invoke=action.planetscale_branch_password_renew.app
action "planetscale_branch_password_renew" "app" {
  config {
    organization = planetscale_branch_password.app.organization
    database     = planetscale_branch_password.app.database
    branch       = planetscale_branch_password.app.branch
    id           = planetscale_branch_password.app.id
  }
}

# Or renew whenever the weekly window changes, as a step of a scheduled apply.
variable "renewal_week" {
  type    = string
  default = "2026-W48"
}

resource "terraform_data" "renewal_window" {
  input = var.renewal_week

  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.planetscale_branch_password_renew.app]
    }
  }
}
