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
  # The host as the API returns it, with a port when it is not MySQL's
  # 3306: the MySQL provider's endpoint takes it as it is.
  mysql_endpoint = ephemeral.planetscale_branch_password.admin.access_host_url
  mysql_username = ephemeral.planetscale_branch_password.admin.username
  mysql_password = ephemeral.planetscale_branch_password.admin.plain_text
  # Or one string, for go-sql-driver/mysql.
  mysql_dsn = provider::planetscale::connection_string(ephemeral.planetscale_branch_password.admin, "go")
}
