package provider_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// End-to-end tests: the mock API backs its credentials with local PostgreSQL
// and MariaDB servers, and each test logs in with what the provider put in
// state. They prove the credentials work, with the right privileges.

// attr reads an attribute of a resource in state.
func attr(s *terraform.State, addr, name string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	return rs.Primary.Attributes[name], nil
}

// The local servers have no TLS certificate, so each format's server
// verification is switched off here, and only here: everything else of
// the provider's string is used as it is. A setting that is not found
// exactly once is an error rather than a silent connection without it.
var localTLSOff = map[string]struct{ verify, off string }{
	"mysql url":        {"?sslaccept=strict", ""},
	"mysql go":         {"?tls=true", "?tls=false"},
	"postgres url":     {"?sslmode=verify-full", "?sslmode=disable"},
	"postgres go":      {"?sslmode=verify-full", "?sslmode=disable"},
	"postgres keyword": {" sslmode=verify-full sslrootcert=system", " sslmode=disable"},
}

func withoutTLS(format, s string) (string, error) {
	r, ok := localTLSOff[format]
	if !ok || strings.Count(s, r.verify) != 1 || !strings.HasSuffix(s, r.verify) {
		return "", fmt.Errorf("%s: the string does not end in its TLS settings %q", format, r.verify)
	}
	return strings.TrimSuffix(s, r.verify) + r.off, nil
}

// openPostgres connects with pgx to a role's url, go or keyword string.
func openPostgres(connectionString string) (*sql.DB, error) {
	return openPostgresFormat("postgres url", connectionString)
}

func openPostgresFormat(format, connectionString string) (*sql.DB, error) {
	local, err := withoutTLS(format, connectionString)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("pgx", local)
	if err != nil {
		return nil, err
	}
	return pinged(db)
}

// openMySQL connects with a password's connection_string (its url),
// read as a Go MySQL client reads a URL: net/url's parts into the
// driver's Config, sslaccept=strict as tls=true.
func openMySQL(connectionString string) (*sql.DB, error) {
	local, err := withoutTLS("mysql url", connectionString)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(local)
	if err != nil {
		return nil, err
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net, cfg.Addr, cfg.DBName = "tcp", u.Host, strings.TrimPrefix(u.Path, "/")
	if u.Query().Get("sslaccept") == "strict" {
		cfg.TLSConfig = "true"
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return pinged(sql.OpenDB(connector))
}

// openMySQLDSN connects with a password's go-sql-driver DSN.
func openMySQLDSN(dsn string) (*sql.DB, error) {
	local, err := withoutTLS("mysql go", dsn)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("mysql", local)
	if err != nil {
		return nil, err
	}
	return pinged(db)
}

func pinged(db *sql.DB) (*sql.DB, error) {
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// can runs stmt as a credential and reports whether it was allowed.
func can(db *sql.DB, stmt string) error {
	_, err := db.Exec(stmt)
	return err
}

func mustAllow(db *sql.DB, who, stmt string) error {
	if err := can(db, stmt); err != nil {
		return fmt.Errorf("%s should be allowed %q: %w", who, stmt, err)
	}
	return nil
}

func mustDeny(db *sql.DB, who, stmt string) error {
	err := can(db, stmt)
	if err == nil {
		return fmt.Errorf("%s was allowed %q", who, stmt)
	}
	if !strings.Contains(strings.ToLower(err.Error()), "denied") {
		return fmt.Errorf("%s: %q failed, but not for lack of privilege: %w", who, stmt, err)
	}
	return nil
}

func TestAccE2E_postgresRole(t *testing.T) {
	dbs := acctest.NewDatabaseMock(t)
	if _, err := dbs.Postgres.Admin.Exec(`CREATE TABLE e2e_items (id int); INSERT INTO e2e_items VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	config := func(name, trigger string) string {
		return dbs.Config(`
resource "planetscale_postgres_role" "test" {
  organization              = "acme"
  database                  = "pg-db"
  branch                    = "main"
  name                      = %q
  inherited_roles           = ["pg_read_all_data"]
  password_rotation_trigger = %s
}
`, name, trigger)
	}
	var before, lastURL string
	connect := func(s *terraform.State) (*sql.DB, error) {
		cs, err := attr(s, roleAddr, "connection_string")
		if err != nil {
			return nil, err
		}
		lastURL = cs
		return openPostgres(cs)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if db, err := openPostgres(lastURL); err == nil {
				db.Close()
				return fmt.Errorf("the role still logs in after destroy")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// pg_read_all_data reads every table and cannot write.
				Config: config("reporting", "null"),
				Check: func(s *terraform.State) error {
					db, err := connect(s)
					if err != nil {
						return fmt.Errorf("logging in with the role's connection_string: %w", err)
					}
					defer db.Close()
					before = lastURL
					var n int
					if err := db.QueryRow("SELECT count(*) FROM e2e_items").Scan(&n); err != nil || n != 1 {
						return fmt.Errorf("pg_read_all_data cannot read e2e_items: %w", err)
					}
					return mustDeny(db, "a pg_read_all_data role", "INSERT INTO e2e_items VALUES (2)")
				},
			},
			{
				// After a rename the same secret still logs in.
				Config: config("reporting-renamed", "null"),
				Check: func(s *terraform.State) error {
					db, err := connect(s)
					if err != nil {
						return fmt.Errorf("logging in after the rename: %w", err)
					}
					db.Close()
					if lastURL != before {
						return fmt.Errorf("the rename changed the connection string")
					}
					return nil
				},
			},
			{
				// After a rotation the old password fails and the new one works.
				Config: config("reporting-renamed", `"2026-12"`),
				Check: func(s *terraform.State) error {
					db, err := connect(s)
					if err != nil {
						return fmt.Errorf("logging in with the new password: %w", err)
					}
					db.Close()
					if old, err := openPostgres(before); err == nil {
						old.Close()
						return fmt.Errorf("the old password still logs in after rotation")
					}
					return nil
				},
			},
		},
	})
}

// A renewed role logs in past its original expiry. Time is the mock's: the
// test moves the role's expiry and the mock's clock, and the mock keeps
// Postgres's VALID UNTIL on that clock, so nothing waits on the wall clock
// and a slow machine changes nothing.
func TestAccE2E_postgresRenewal(t *testing.T) {
	dbs := acctest.NewDatabaseMock(t)
	config := func(renewBefore string) string {
		return dbs.Config(`
resource "planetscale_postgres_role" "test" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  ttl          = 3600
  %s
}
`, renewBefore)
	}
	// A role nobody renews: Postgres must refuse it past its expiry, or
	// the renewed role's login would prove nothing.
	ttl := int64(3600)
	control, err := newAPIClient(t, dbs.Mock).CreateRole(context.Background(), postgresMain, planetscale.CreateRoleRequest{Name: "control", TTL: &ttl})
	if err != nil {
		t.Fatal(err)
	}
	controlURL := fmt.Sprintf("postgresql://%s:%s@%s/postgres?sslmode=verify-full", control.Username, url.QueryEscape(*control.Password), control.AccessHostURL)

	var id string
	var originalExpiry time.Time
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(""),
				Check:  rememberID(roleAddr, &id),
			},
			{
				// Ten minutes left, inside renew_before: renewed in place.
				PreConfig: func() {
					for _, roleID := range []string{id, control.ID} {
						if !dbs.ExpireIn(roleID, 10*time.Minute) {
							t.Fatalf("role %s: expiry not moved", roleID)
						}
					}
					stored, _ := dbs.Role(id)
					originalExpiry = *stored.ExpiresAt
				},
				Config: config(`renew_before = "30m"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(roleAddr, plancheck.ResourceActionUpdate)},
				},
				Check: func(s *terraform.State) error {
					stored, _ := dbs.Role(id)
					if !stored.ExpiresAt.After(originalExpiry.Add(45 * time.Minute)) {
						return fmt.Errorf("expiry %s was not renewed (it was %s)", stored.ExpiresAt, originalExpiry)
					}
					// Fifteen minutes on: past the original expiry.
					dbs.Advance(15 * time.Minute)
					if db, err := openPostgres(controlURL); err == nil {
						db.Close()
						return fmt.Errorf("a role past its expiry still logs in: the check below would prove nothing")
					}
					cs, err := attr(s, roleAddr, "connection_string")
					if err != nil {
						return err
					}
					db, err := openPostgres(cs)
					if err != nil {
						return fmt.Errorf("the renewed role cannot log in past its original expiry: %w", err)
					}
					return db.Close()
				},
			},
		},
	})
}

func TestAccE2E_mysqlPrivileges(t *testing.T) {
	dbs := acctest.NewDatabaseMock(t)
	for _, stmt := range []string{"CREATE TABLE `app-db`.e2e_items (id int)", "INSERT INTO `app-db`.e2e_items VALUES (1)"} {
		if _, err := dbs.MySQL.Admin.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	config := func(readerName string) string {
		return dbs.Config(`
locals {
  roles = ["reader", "writer", "readwriter", "admin"]
}

resource "planetscale_branch_password" "role" {
  count        = length(local.roles)
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  role         = local.roles[count.index]
  name         = count.index == 0 ? %q : local.roles[count.index]
}

resource "planetscale_branch_password" "elsewhere" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  role         = "admin"
  cidrs        = ["10.0.0.0/8"]
}
`, readerName)
	}
	var readerURL string
	login := func(s *terraform.State, addr string) (*sql.DB, error) {
		cs, err := attr(s, addr, "connection_string")
		if err != nil {
			return nil, err
		}
		return openMySQL(cs)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if db, err := openMySQL(readerURL); err == nil {
				db.Close()
				return fmt.Errorf("the reader still logs in after destroy")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config("reader"),
				Check: func(s *terraform.State) error {
					checks := map[string]func(*sql.DB) error{
						"reader": func(db *sql.DB) error {
							return firstErr(mustAllow(db, "reader", "SELECT * FROM e2e_items"),
								mustDeny(db, "reader", "INSERT INTO e2e_items VALUES (2)"))
						},
						"writer": func(db *sql.DB) error {
							return firstErr(mustAllow(db, "writer", "INSERT INTO e2e_items VALUES (3)"),
								mustDeny(db, "writer", "SELECT * FROM e2e_items"),
								mustDeny(db, "writer", "CREATE TABLE w (id int)"))
						},
						"readwriter": func(db *sql.DB) error {
							return firstErr(mustAllow(db, "readwriter", "SELECT * FROM e2e_items"),
								mustAllow(db, "readwriter", "INSERT INTO e2e_items VALUES (4)"),
								mustAllow(db, "readwriter", "DELETE FROM e2e_items WHERE id = 4"),
								mustDeny(db, "readwriter", "CREATE TABLE rw (id int)"))
						},
						"admin": func(db *sql.DB) error {
							return firstErr(mustAllow(db, "admin", "CREATE TABLE a (id int)"),
								mustAllow(db, "admin", "DROP TABLE a"))
						},
					}
					for i, role := range []string{"reader", "writer", "readwriter", "admin"} {
						check := checks[role]
						db, err := login(s, fmt.Sprintf("planetscale_branch_password.role.%d", i))
						if err != nil {
							return fmt.Errorf("%s cannot log in: %w", role, err)
						}
						err = check(db)
						db.Close()
						if err != nil {
							return err
						}
					}
					if db, err := login(s, "planetscale_branch_password.elsewhere"); err == nil {
						db.Close()
						return fmt.Errorf("a password for 10.0.0.0/8 logged in from loopback")
					}
					readerURL, _ = attr(s, "planetscale_branch_password.role.0", "connection_string")
					return nil
				},
			},
			{
				// After a rename the same secret still logs in.
				Config: config("reporting"),
				Check: func(s *terraform.State) error {
					db, err := login(s, "planetscale_branch_password.role.0")
					if err != nil {
						return fmt.Errorf("the renamed reader cannot log in: %w", err)
					}
					return db.Close()
				},
			},
		},
	})
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// A role that owns tables cannot be dropped; with successor set, its objects
// are handed over and it is dropped.
func TestAccE2E_postgresSuccessor(t *testing.T) {
	dbs := acctest.NewDatabaseMock(t)
	heir := `
resource "planetscale_postgres_role" "heir" {
  organization = "acme"
  database     = "pg-db"
  branch       = "main"
  name         = "heir"
}
`
	owner := func(successor string) string {
		return fmt.Sprintf(`
resource "planetscale_postgres_role" "owner" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  name            = "owner"
  inherited_roles = ["postgres"]
  %s
}
`, successor)
	}
	tableOwner := func() (string, error) {
		var who string
		err := dbs.Postgres.Admin.QueryRow(`SELECT tableowner FROM pg_tables WHERE tablename = 'owned_items'`).Scan(&who)
		return who, err
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: dbs.Config("%s", heir+owner("")),
				Check: func(s *terraform.State) error {
					cs, err := attr(s, "planetscale_postgres_role.owner", "connection_string")
					if err != nil {
						return err
					}
					db, err := openPostgres(cs)
					if err != nil {
						return err
					}
					defer db.Close()
					return mustAllow(db, "the owner role", "CREATE TABLE owned_items (id int)")
				},
			},
			{
				Config:      dbs.Config("%s", heir+owner("")),
				Destroy:     true,
				ExpectError: errorLike(`Role is still referenced and cannot be dropped\..*Set successor`),
			},
			{
				Config: dbs.Config("%s", heir+owner(`successor = planetscale_postgres_role.heir.username`)),
			},
			{
				// Removing the owner drops it, handing its table to the heir.
				Config: dbs.Config("%s", heir),
				Check: func(s *terraform.State) error {
					heirName, err := attr(s, "planetscale_postgres_role.heir", "username")
					if err != nil {
						return err
					}
					who, err := tableOwner()
					if err != nil {
						return fmt.Errorf("the table did not survive the owner's removal: %w", err)
					}
					if who != heirName {
						return fmt.Errorf("owned_items belongs to %q, want the heir %q", who, heirName)
					}
					// Let the heir be dropped at the end of the test.
					_, err = dbs.Postgres.Admin.Exec(`DROP TABLE owned_items`)
					return err
				},
			},
		},
	})
}

// The connection_string function's strings log in: the go DSN and the url
// to MariaDB through go-sql-driver/mysql, and url, keyword and go to
// PostgreSQL through pgx.
func TestAccE2E_connectionStringFunction(t *testing.T) {
	dbs := acctest.NewDatabaseMock(t)
	// Besides the mock's credentials (whose secrets are letters and
	// digits), a user made here with every character a format escapes.
	const user, secret = "pscale_u@x", `p@ss:w/o?r#d%20 'q"\ é`
	for _, stmt := range []string{
		"CREATE USER 'pscale_u@x'@'%' IDENTIFIED BY 'p@ss:w/o?r#d%20 ''q\"\\\\ é'",
		"GRANT SELECT ON `app-db`.* TO 'pscale_u@x'@'%'",
	} {
		if _, err := dbs.MySQL.Admin.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dbs.Postgres.Admin.Exec(`CREATE ROLE "pscale_u@x" LOGIN PASSWORD 'p@ss:w/o?r#d%20 ''q"\ é'`); err != nil {
		t.Fatal(err)
	}
	special := func(secretAttr, databaseAttr, database, addr string) string {
		return fmt.Sprintf("{ username = %q, %s = %q, access_host_url = %q, %s = %q }", user, secretAttr, secret, addr, databaseAttr, database)
	}
	config := dbs.Config(`
locals {
  special_password = %s
  special_role     = %s
}

output "special" {
  value = {
    "mysql go"         = provider::planetscale::connection_string(local.special_password, "go")
    "mysql url"        = provider::planetscale::connection_string(local.special_password, "url")
    "postgres url"     = provider::planetscale::connection_string(local.special_role, "url")
    "postgres keyword" = provider::planetscale::connection_string(local.special_role, "keyword")
    "postgres go"      = provider::planetscale::connection_string(local.special_role, "go")
  }
}
`, special("plain_text", "database", "app-db", dbs.MySQL.Addr), special("password", "database_name", "postgres", dbs.Postgres.Addr)) + `
resource "planetscale_branch_password" "app" {
  organization = "acme"
  database     = "app-db"
  branch       = "main"
  role         = "reader"
}

resource "planetscale_postgres_role" "app" {
  organization    = "acme"
  database        = "pg-db"
  branch          = "main"
  inherited_roles = ["pg_read_all_data"]
}

output "strings" {
  value = {
    "mysql go"         = provider::planetscale::connection_string(planetscale_branch_password.app, "go")
    "mysql url"        = provider::planetscale::connection_string(planetscale_branch_password.app, "url")
    "postgres url"     = provider::planetscale::connection_string(planetscale_postgres_role.app, "url")
    "postgres keyword" = provider::planetscale::connection_string(planetscale_postgres_role.app, "keyword")
    "postgres go"      = provider::planetscale::connection_string(planetscale_postgres_role.app, "go")
  }
  sensitive = true
}
`
	open := map[string]func(string) (*sql.DB, error){
		"mysql go":  openMySQLDSN,
		"mysql url": openMySQL,
	}
	for _, f := range []string{"postgres url", "postgres keyword", "postgres go"} {
		open[f] = func(s string) (*sql.DB, error) { return openPostgresFormat(f, s) }
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   functionsVersion,
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				for format, login := range open {
					for _, output := range []string{"strings", "special"} {
						if err := loginAndQuery(s, output, format, login); err != nil {
							return err
						}
					}
				}
				return nil
			},
		}},
	})
}

func loginAndQuery(s *terraform.State, output, format string, login func(string) (*sql.DB, error)) error {
	cs, err := outputString(s, output, format)
	if err != nil {
		return err
	}
	db, err := login(cs)
	if err != nil {
		return fmt.Errorf("logging in with the %s string of %s: %w", format, output, err)
	}
	var one int
	err = db.QueryRow("SELECT 1").Scan(&one)
	db.Close()
	if err != nil {
		return fmt.Errorf("querying with the %s string of %s: %w", format, output, err)
	}
	return nil
}
