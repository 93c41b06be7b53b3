# A read-only password for an application, usable only from the office
# network and expiring after 30 days.
resource "planetscale_branch_password" "reporting" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  name         = "reporting"
  role         = "reader"
  ttl          = 60 * 60 * 24 * 30
  cidrs        = ["203.0.113.0/24", "2001:db8::/32"]
}

output "reporting_host" {
  value = planetscale_branch_password.reporting.access_host_url
}

output "reporting_username" {
  value = planetscale_branch_password.reporting.username
}

# terraform output -raw reporting_password
output "reporting_password" {
  value     = planetscale_branch_password.reporting.plain_text
  sensitive = true
}

# terraform output -raw reporting_database_url
output "reporting_database_url" {
  value     = planetscale_branch_password.reporting.connection_string
  sensitive = true
}
