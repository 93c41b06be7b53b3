# A password for an application, rotated every 30 days. After each rotation
# the previous password keeps working for three days, and after that for as
# long as it is still in use (retired once unused for six hours), so that
# every instance has time to reload its secret.
resource "planetscale_rotating_branch_password" "app" {
  organization      = "acme"
  database          = "app-db"
  branch            = "main"
  role              = "readwriter"
  name_prefix       = "app-" # app-1, app-2, ...
  rotate_every      = "720h"
  overlap           = "72h"
  retire_after_idle = "6h"
}

output "app_username" {
  value = planetscale_rotating_branch_password.app.current.username
}

# terraform output -raw app_database_url
output "app_database_url" {
  value     = planetscale_rotating_branch_password.app.current.connection_string
  sensitive = true
}
