resource "planetscale_branch_password" "app" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  role         = "readwriter"
}

resource "planetscale_postgres_role" "app" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  inherited_roles = ["pg_read_all_data", "pg_write_all_data"]
}

locals {
  password = planetscale_branch_password.app
  role     = planetscale_postgres_role.app
}

# Vitess (MySQL): one output per format. The strings are sensitive
# because the credential is.
output "mysql_url" { # the connection_string attribute
  value     = provider::planetscale::connection_string(local.password, "url")
  sensitive = true
}

output "mysql_go" { # go-sql-driver/mysql: sql.Open("mysql", dsn)
  value     = provider::planetscale::connection_string(local.password, "go")
  sensitive = true
}

output "mysql_jdbc" { # MySQL Connector/J, spring.datasource.url
  value     = provider::planetscale::connection_string(local.password, "jdbc")
  sensitive = true
}

output "mysql_prisma" { # Prisma's DATABASE_URL
  value     = provider::planetscale::connection_string(local.password, "prisma")
  sensitive = true
}

output "mysql_rails" { # Rails DATABASE_URL, trilogy adapter
  value     = provider::planetscale::connection_string(local.password, "rails")
  sensitive = true
}

output "mysql_sqlalchemy" { # create_engine(url), PyMySQL
  value     = provider::planetscale::connection_string(local.password, "sqlalchemy")
  sensitive = true
}

output "mysql_pdo" { # new PDO($dsn, $username, $password, $options)
  value     = provider::planetscale::connection_string(local.password, "pdo")
  sensitive = true
}

output "mysql_node" { # mysql2.createConnection(uri)
  value     = provider::planetscale::connection_string(local.password, "node")
  sensitive = true
}

# Postgres
output "postgres_url" { # the connection_string attribute
  value     = provider::planetscale::connection_string(local.role, "url")
  sensitive = true
}

output "postgres_keyword" { # psql "$(terraform output -raw postgres_keyword)"
  value     = provider::planetscale::connection_string(local.role, "keyword")
  sensitive = true
}

output "postgres_jdbc" { # pgJDBC
  value     = provider::planetscale::connection_string(local.role, "jdbc")
  sensitive = true
}

output "postgres_prisma" { # Prisma's DATABASE_URL
  value     = provider::planetscale::connection_string(local.role, "prisma")
  sensitive = true
}

output "postgres_sqlalchemy" { # create_engine(url), psycopg 3
  value     = provider::planetscale::connection_string(local.role, "sqlalchemy")
  sensitive = true
}

output "postgres_go" { # pgx.Connect(ctx, connString)
  value     = provider::planetscale::connection_string(local.role, "go")
  sensitive = true
}

# An ephemeral credential gives an ephemeral string: it can configure a
# provider or feed a write-only argument, and is never stored.
ephemeral "planetscale_branch_password" "migrator" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  role         = "admin"
  ttl          = 900
}

locals {
  migrator_dsn = provider::planetscale::connection_string(ephemeral.planetscale_branch_password.migrator, "go")
}
