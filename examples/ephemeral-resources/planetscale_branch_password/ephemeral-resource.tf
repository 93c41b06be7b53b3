# A password that lives only as long as the Terraform run that uses it. Pass
# its attributes where Terraform accepts ephemeral values: another provider's
# configuration (see the ephemeral credentials guide), write-only arguments,
# or other ephemeral resources. It never reaches state or plan files.
ephemeral "planetscale_branch_password" "admin" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  role         = "admin"
  ttl          = 900
}

locals {
  mysql_endpoint = "${ephemeral.planetscale_branch_password.admin.access_host_url}:3306"
  mysql_username = ephemeral.planetscale_branch_password.admin.username
  mysql_password = ephemeral.planetscale_branch_password.admin.plain_text
}
