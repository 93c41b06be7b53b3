# A password that lives only as long as the Terraform run that uses it: it
# configures the MySQL provider and never reaches state or plan files.
ephemeral "planetscale_branch_password" "admin" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  role         = "admin"
  ttl          = 900
}

provider "mysql" {
  endpoint = "${ephemeral.planetscale_branch_password.admin.access_host_url}:3306"
  username = ephemeral.planetscale_branch_password.admin.username
  password = ephemeral.planetscale_branch_password.admin.plain_text
  tls      = true
}
