package provider_test

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
)

// End-to-end tests of the rotating resources: the mock's credentials are
// real MariaDB users and PostgreSQL roles, and each check logs in with the
// secrets the provider put in state. They prove what the rotation promises
// applications: during the overlap the old secret and the new one both
// work; after retirement only the new one does.

// loginSlot is a credential a rotating resource holds in one slot (current
// or previous), as state records it.
type loginSlot struct {
	slot, id, username, secret, connectionString string
}

// slotLogin reads a slot's credential from state, with its secret (the
// attribute secretAttr: plain_text or password).
func slotLogin(s *terraform.State, addr, slot, secretAttr string) (loginSlot, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return loginSlot{}, fmt.Errorf("%s not in state", addr)
	}
	a := rs.Primary.Attributes
	l := loginSlot{slot: slot, id: a[slot+".id"], username: a[slot+".username"], secret: a[slot+"."+secretAttr], connectionString: a[slot+".connection_string"]}
	if l.id == "" || l.username == "" || l.secret == "" || l.connectionString == "" {
		return loginSlot{}, fmt.Errorf("%s.%s is null or lacks its id, username, %s or connection_string", addr, slot, secretAttr)
	}
	return l, nil
}

// rotatedFrom reads both slots of the resource at addr after a rotation
// from first (secretAttr as for slotLogin): previous must be first as it
// was, current a credential of its own.
func rotatedFrom(s *terraform.State, addr, secretAttr string, first loginSlot) (current, previous loginSlot, err error) {
	if current, err = slotLogin(s, addr, "current", secretAttr); err != nil {
		return current, previous, err
	}
	if previous, err = slotLogin(s, addr, "previous", secretAttr); err != nil {
		return current, previous, err
	}
	if previous != (loginSlot{"previous", first.id, first.username, first.secret, first.connectionString}) {
		return current, previous, fmt.Errorf("previous is %s, not the first current one %s with its %s", previous.id, first.id, secretAttr)
	}
	if current.id == first.id || current.username == first.username || current.secret == first.secret {
		return current, previous, fmt.Errorf("the rotation kept the first credential %s as current", first.id)
	}
	return current, previous, nil
}

// stillCurrent reads the current slot of the resource at addr, which must
// still be the credential want with its secret.
func stillCurrent(s *terraform.State, addr, secretAttr string, want loginSlot) (loginSlot, error) {
	current, err := slotLogin(s, addr, "current", secretAttr)
	if err == nil && current != want {
		err = fmt.Errorf("current is %s, want %s with its %s", current.id, want.id, secretAttr)
	}
	return current, err
}

// openMySQLAs logs in to the app-db database as user with secret.
func openMySQLAs(addr, user, secret string) (*sql.DB, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd = user, secret
	cfg.Net, cfg.Addr, cfg.DBName = "tcp", addr, "app-db"
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return pinged(sql.OpenDB(connector))
}

// openPostgresAs logs in to the postgres database as user with secret.
func openPostgresAs(addr, user, secret string) (*sql.DB, error) {
	u := url.URL{Scheme: "postgresql", User: url.UserPassword(user, secret), Host: addr, Path: "/postgres", RawQuery: "sslmode=disable"}
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, err
	}
	return pinged(db)
}

// mysqlLogsIn logs in as the slot's credential twice, with its plain_text
// and with its connection_string, and runs a query.
func mysqlLogsIn(addr string, l loginSlot) error {
	for how, open := range map[string]func() (*sql.DB, error){
		"plain_text":        func() (*sql.DB, error) { return openMySQLAs(addr, l.username, l.secret) },
		"connection_string": func() (*sql.DB, error) { return openMySQL(l.connectionString) },
	} {
		db, err := open()
		if err != nil {
			return fmt.Errorf("the %s password %s cannot log in to MariaDB with its %s: %w", l.slot, l.id, how, err)
		}
		var one int
		err = db.QueryRow("SELECT 1").Scan(&one)
		db.Close()
		if err != nil {
			return fmt.Errorf("the %s password %s cannot query MariaDB: %w", l.slot, l.id, err)
		}
	}
	return nil
}

// mysqlRefuses fails unless MariaDB itself refuses the credential's login
// (1045, access denied): a login that fails for any other reason (a wrong
// address, a server down) proves nothing about the credential. who says
// which password it is.
func mysqlRefuses(addr, who string, l loginSlot) error {
	db, err := openMySQLAs(addr, l.username, l.secret)
	if err == nil {
		db.Close()
		return fmt.Errorf("%s %s still logs in to MariaDB", who, l.id)
	}
	var refused *mysql.MySQLError
	if !errors.As(err, &refused) || refused.Number != 1045 {
		return fmt.Errorf("%s %s: the login failed, but MariaDB did not refuse it: %w", who, l.id, err)
	}
	return nil
}

// postgresLogsIn logs in as the slot's role, with its password and with its
// connection_string, and returns the first session; the database's name for
// the session's role must be the slot's username.
func postgresLogsIn(addr string, l loginSlot) (*sql.DB, error) {
	viaString, err := openPostgres(l.connectionString)
	if err != nil {
		return nil, fmt.Errorf("the %s role %s cannot log in to PostgreSQL with its connection_string: %w", l.slot, l.id, err)
	}
	viaString.Close()
	db, err := openPostgresAs(addr, l.username, l.secret)
	if err != nil {
		return nil, fmt.Errorf("the %s role %s cannot log in to PostgreSQL with its password: %w", l.slot, l.id, err)
	}
	var who string
	if err := db.QueryRow("SELECT current_user").Scan(&who); err != nil {
		db.Close()
		return nil, fmt.Errorf("the %s role %s: asking PostgreSQL who it is: %w", l.slot, l.id, err)
	}
	if who != l.username {
		db.Close()
		return nil, fmt.Errorf("the %s role %s logs in as %q, want its username %q", l.slot, l.id, who, l.username)
	}
	return db, nil
}

// postgresRefuses fails unless PostgreSQL itself refuses the role's login
// (28P01, invalid password: what it answers for a dropped role too). who
// says which role it is.
func postgresRefuses(addr, who string, l loginSlot) error {
	db, err := openPostgresAs(addr, l.username, l.secret)
	if err == nil {
		db.Close()
		return fmt.Errorf("%s %s still logs in to PostgreSQL", who, l.id)
	}
	var refused *pgconn.PgError
	if !errors.As(err, &refused) || refused.Code != "28P01" {
		return fmt.Errorf("%s %s: the login failed, but PostgreSQL did not refuse it: %w", who, l.id, err)
	}
	return nil
}

// noRows fails unless the admin's count query counts none of what.
func noRows(admin *sql.DB, what, query string, args ...any) error {
	var n int
	if err := admin.QueryRow(query, args...).Scan(&n); err != nil {
		return fmt.Errorf("counting %s: %w", what, err)
	}
	if n != 0 {
		return fmt.Errorf("the database still holds %d of %s", n, what)
	}
	return nil
}

// A rotation by rotation_trigger keeps the old password working for the
// overlap, beside the new one; once the mock's clock passes the overlap,
// the next apply retires it and MariaDB refuses it.
func TestAccE2E_rotatingBranchPassword(t *testing.T) {
	dbs := acctest.NewDatabaseMock(t)
	config := func(trigger string) string {
		return rotatingPassword(dbs.Mock, fmt.Sprintf(`
  rotation_trigger = %q
  overlap          = "24h"
`, trigger))
	}
	addr := dbs.MySQL.Addr
	var first, second loginSlot
	both := func(s *terraform.State) error {
		current, previous, err := rotatedFrom(s, rotatingPasswordAddr, "plain_text", first)
		if err != nil {
			return err
		}
		second = current
		return firstErr(mysqlLogsIn(addr, current), mysqlLogsIn(addr, previous))
	}
	destroyed := func(s *terraform.State) error {
		return firstErr(mysqlRefuses(addr, "the destroyed current password", second), passwordsLeft(dbs.Mock)(s))
	}
	resource.Test(t, clockTestCase(t, dbs.Mock, destroyed, []resource.TestStep{
		{
			Config:            config("v1"),
			ConfigStateChecks: noPrevious(rotatingPasswordAddr),
			Check: func(s *terraform.State) (err error) {
				if first, err = slotLogin(s, rotatingPasswordAddr, "current", "plain_text"); err != nil {
					return err
				}
				return mysqlLogsIn(addr, first)
			},
		},
		{
			// A new trigger rotates: both passwords log in.
			Config:           config("v2"),
			ConfigPlanChecks: updatesInPlace(rotatingPasswordAddr),
			Check:            both,
		},
		{
			// An hour short of the overlap: nothing to do, both still work.
			PreConfig:        func() { dbs.Advance(23 * time.Hour) },
			Config:           config("v2"),
			ConfigPlanChecks: nothingPlanned,
			Check:            both,
		},
		{
			// Past the overlap: the previous password is retired, and
			// MariaDB no longer knows its user.
			PreConfig:         func() { dbs.Advance(2 * time.Hour) },
			Config:            config("v2"),
			ConfigPlanChecks:  updatesInPlace(rotatingPasswordAddr),
			ConfigStateChecks: noPrevious(rotatingPasswordAddr),
			Check: func(s *terraform.State) error {
				current, err := stillCurrent(s, rotatingPasswordAddr, "plain_text", second)
				if err != nil {
					return err
				}
				return firstErr(mysqlLogsIn(addr, current), mysqlRefuses(addr, "the retired previous password", first),
					noRows(dbs.MySQL.Admin, "the MariaDB accounts of the retired password's user", "SELECT count(*) FROM mysql.user WHERE User = ?", first.username))
			},
		},
	}))
}

// During the overlap both roles log in; a table the previous role creates
// is, after its retirement, owned by the current role (as PostgreSQL names
// it), which reads it and, as its owner, drops it.
func TestAccE2E_rotatingPostgresRole(t *testing.T) {
	dbs := acctest.NewDatabaseMock(t)
	// Inheriting postgres (the owner of the database, and so of its public
	// schema) lets a role create tables, but not read another role's.
	config := func(trigger string) string {
		return roleBlock(fmt.Sprintf(`
  inherited_roles  = ["postgres"]
  name_prefix      = "app-"
  rotation_trigger = %q
  overlap          = "24h"
`, trigger)).rotating().config(dbs.Mock)
	}
	addr := dbs.Postgres.Addr
	tableOwner := func() (string, error) {
		var who string
		err := dbs.Postgres.Admin.QueryRow(`SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'rotated_items'`).Scan(&who)
		return who, err
	}
	var first, second loginSlot
	destroyed := func(s *terraform.State) error {
		return firstErr(postgresRefuses(addr, "the destroyed current role", second), rolesLeft(dbs.Mock)(s))
	}
	resource.Test(t, clockTestCase(t, dbs.Mock, destroyed, []resource.TestStep{
		{
			Config: config("v1"),
			Check: func(s *terraform.State) (err error) {
				if first, err = slotLogin(s, rotatingRoleAddr, "current", "password"); err != nil {
					return err
				}
				db, err := postgresLogsIn(addr, first)
				if err != nil {
					return err
				}
				return db.Close()
			},
		},
		{
			// A new trigger rotates: both roles log in, and the
			// previous one creates a table the current one cannot read.
			Config:           config("v2"),
			ConfigPlanChecks: updatesInPlace(rotatingRoleAddr),
			Check: func(s *terraform.State) error {
				current, previous, err := rotatedFrom(s, rotatingRoleAddr, "password", first)
				if err != nil {
					return err
				}
				second = current
				old, err := postgresLogsIn(addr, previous)
				if err != nil {
					return err
				}
				defer old.Close()
				cur, err := postgresLogsIn(addr, current)
				if err != nil {
					return err
				}
				defer cur.Close()
				if err := firstErr(
					mustAllow(old, "the previous role", "CREATE TABLE rotated_items (id int)"),
					mustAllow(old, "the previous role", "INSERT INTO rotated_items VALUES (1)"),
					mustDeny(cur, "the current role, before it owns rotated_items", "SELECT * FROM rotated_items"),
				); err != nil {
					return err
				}
				who, err := tableOwner()
				if err != nil {
					return fmt.Errorf("finding rotated_items's owner: %w", err)
				}
				if who != previous.username {
					return fmt.Errorf("rotated_items belongs to %q, want the previous role %q", who, previous.username)
				}
				return nil
			},
		},
		{
			// Past the overlap: the previous role is dropped, its table
			// handed to the current role.
			PreConfig:         func() { dbs.Advance(25 * time.Hour) },
			Config:            config("v2"),
			ConfigPlanChecks:  updatesInPlace(rotatingRoleAddr),
			ConfigStateChecks: noPrevious(rotatingRoleAddr),
			Check: func(s *terraform.State) error {
				current, err := stillCurrent(s, rotatingRoleAddr, "password", second)
				if err != nil {
					return err
				}
				if err := firstErr(postgresRefuses(addr, "the retired previous role", first),
					noRows(dbs.Postgres.Admin, "the retired role", "SELECT count(*) FROM pg_roles WHERE rolname = $1", first.username)); err != nil {
					return err
				}
				who, err := tableOwner()
				if err != nil {
					return fmt.Errorf("rotated_items did not survive the previous role's retirement: %w", err)
				}
				// postgresLogsIn checked that the database calls the
				// current role's session by current.username.
				db, err := postgresLogsIn(addr, current)
				if err != nil {
					return err
				}
				defer db.Close()
				if who != current.username {
					return fmt.Errorf("rotated_items belongs to %q, want the current role %q", who, current.username)
				}
				var n int
				if err := db.QueryRow("SELECT count(*) FROM rotated_items").Scan(&n); err != nil {
					return fmt.Errorf("the current role cannot read rotated_items: %w", err)
				}
				if n != 1 {
					return fmt.Errorf("the current role reads %d rows of rotated_items, want the previous role's 1", n)
				}
				// Only its owner (or a superuser) may drop a table; and
				// so the current role, holding no objects, is dropped at
				// destroy.
				return mustAllow(db, "the current role, owning rotated_items", "DROP TABLE rotated_items")
			},
		},
	}))
}
