package mockapi

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Databases backs the mock's credentials with real servers: a Postgres role
// becomes a login role, a branch password a MariaDB user, and their
// connection details point at these servers. Either may be nil.
type Databases struct {
	// Postgres is a superuser connection; PostgresAddr is "host:port" for
	// clients.
	Postgres     *sql.DB
	PostgresAddr string
	// MySQL is a root connection to a MySQL-compatible server (MariaDB);
	// MySQLAddr is "host:port" for clients.
	MySQL     *sql.DB
	MySQLAddr string
}

// UseDatabases switches the mock to database-backed mode. Each Vitess
// database of the world gets a database of the same name on the MySQL
// server.
func (s *Server) UseDatabases(d Databases) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dbs = &d
	if d.MySQL == nil {
		return nil
	}
	for _, db := range s.databases {
		if db.kind == Vitess {
			if _, err := d.MySQL.Exec("CREATE DATABASE IF NOT EXISTS " + myIdent(db.name)); err != nil {
				return fmt.Errorf("creating database %s: %w", db.name, err)
			}
		}
	}
	return nil
}

// errBackend marks a failure of the database behind the mock.
var errBackend = errors.New("database backend")

func backendErr(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", errBackend, what, err)
}

func dbContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// --- Postgres ---

func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
}

func (ro *role) loginName() string { return ro.username + "." + ro.branchID }

// pgCreateRole creates the login role, and grants it the inherited roles
// that exist on this server (older PostgreSQL versions lack some of the
// predefined roles the API offers, and pscale_managed is PlanetScale's own;
// those are skipped).
func (s *Server) pgCreateRole(ro *role) error {
	if s.dbs == nil || s.dbs.Postgres == nil {
		return nil
	}
	ctx, cancel := dbContext()
	defer cancel()
	stmt := "CREATE ROLE " + pgIdent(ro.loginName()) + " LOGIN PASSWORD " + sqlString(ro.password)
	if ro.expiresAt != nil {
		stmt += " VALID UNTIL " + s.validUntil(*ro.expiresAt)
	}
	if ro.withReplication {
		stmt += " REPLICATION"
	}
	if _, err := s.dbs.Postgres.ExecContext(ctx, stmt); err != nil {
		return backendErr("creating the role", err)
	}
	for _, inherited := range ro.inheritedRoles {
		var exists bool
		if err := s.dbs.Postgres.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", inherited).Scan(&exists); err != nil {
			return backendErr("looking up "+inherited, err)
		}
		if !exists {
			continue
		}
		if _, err := s.dbs.Postgres.ExecContext(ctx, "GRANT "+pgIdent(inherited)+" TO "+pgIdent(ro.loginName())); err != nil {
			return backendErr("granting "+inherited, err)
		}
	}
	return nil
}

// validUntil is an expiry on the mock's clock as a Postgres timestamp on
// the server's real one: the mock's clock runs ahead by what Advance added,
// so a role the mock calls expired is refused by Postgres too.
func (s *Server) validUntil(expiresAt time.Time) string {
	return sqlString(expiresAt.Add(-s.offset()).Format(time.RFC3339Nano))
}

// pgSyncExpiry gives the database role the expiry the mock holds.
func (s *Server) pgSyncExpiry(ro *role) error {
	if ro.expiresAt == nil {
		return s.pgAlterRole(ro, "VALID UNTIL 'infinity'")
	}
	return s.pgAlterRole(ro, "VALID UNTIL "+s.validUntil(*ro.expiresAt))
}

func (s *Server) pgAlterRole(ro *role, clause string) error {
	if s.dbs == nil || s.dbs.Postgres == nil {
		return nil
	}
	ctx, cancel := dbContext()
	defer cancel()
	if _, err := s.dbs.Postgres.ExecContext(ctx, "ALTER ROLE "+pgIdent(ro.loginName())+" "+clause); err != nil {
		return backendErr("altering the role", err)
	}
	return nil
}

// pgReassignOwned gives successor the objects ro owns in PostgreSQL, when
// the mock is backed by one.
func (s *Server) pgReassignOwned(ro, successor *role) error {
	if s.dbs == nil || s.dbs.Postgres == nil {
		return nil
	}
	ctx, cancel := dbContext()
	defer cancel()
	conn, err := s.dbs.Postgres.Conn(ctx)
	if err != nil {
		return backendErr("connecting", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "REASSIGN OWNED BY "+pgIdent(ro.loginName())+" TO "+pgIdent(successor.loginName())); err != nil {
		return backendErr("reassigning owned objects", err)
	}
	return nil
}

// pgDropRole drops the role, handing what it owns to successor first. It
// reports ownsObjects when the role still owns objects and there is no
// successor.
func (s *Server) pgDropRole(ro *role, successor *role) (ownsObjects bool, err error) {
	if s.dbs == nil || s.dbs.Postgres == nil {
		return ro.ownsObjects && successor == nil, nil
	}
	ctx, cancel := dbContext()
	defer cancel()
	conn, err := s.dbs.Postgres.Conn(ctx)
	if err != nil {
		return false, backendErr("connecting", err)
	}
	defer conn.Close()
	name := pgIdent(ro.loginName())
	if successor != nil {
		if _, err := conn.ExecContext(ctx, "REASSIGN OWNED BY "+name+" TO "+pgIdent(successor.loginName())); err != nil {
			return false, backendErr("reassigning owned objects", err)
		}
		if _, err := conn.ExecContext(ctx, "DROP OWNED BY "+name); err != nil {
			return false, backendErr("dropping privileges", err)
		}
	}
	if _, err := conn.ExecContext(ctx, "DROP ROLE "+name); err != nil {
		// 2BP01: dependent_objects_still_exist.
		if strings.Contains(err.Error(), "2BP01") {
			return true, nil
		}
		return false, backendErr("dropping the role", err)
	}
	return false, nil
}

// --- MySQL ---

func myIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// mysqlPrivileges are what each password role may do on its database.
var mysqlPrivileges = map[string]string{
	"reader":     "SELECT",
	"writer":     "INSERT, UPDATE, DELETE",
	"readwriter": "SELECT, INSERT, UPDATE, DELETE",
	"admin":      "ALL PRIVILEGES",
}

// mysqlHosts turns CIDRs into MariaDB account hosts: an address as is, an
// IPv4 range as address/netmask. MariaDB cannot express an IPv6 range, so
// such an entry admits nobody.
func mysqlHosts(cidrs []string) []string {
	if len(cidrs) == 0 {
		return []string{"%"}
	}
	var hosts []string
	for _, c := range cidrs {
		if addr, err := netip.ParseAddr(c); err == nil {
			hosts = append(hosts, addr.String())
			continue
		}
		prefix, err := netip.ParsePrefix(c)
		if err != nil || !prefix.Addr().Is4() {
			continue
		}
		bits := prefix.Bits()
		m := uint32(0xffffffff) << (32 - bits)
		if bits == 0 {
			m = 0
		}
		netmask := fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&0xff, m>>8&0xff, m&0xff)
		hosts = append(hosts, prefix.Masked().Addr().String()+"/"+netmask)
	}
	return hosts
}

func (s *Server) mysqlCreateUser(p *password, database string) error {
	if s.dbs == nil || s.dbs.MySQL == nil {
		return nil
	}
	ctx, cancel := dbContext()
	defer cancel()
	p.mysqlHosts = mysqlHosts(p.cidrs)
	for _, host := range p.mysqlHosts {
		account := sqlString(p.username) + "@" + sqlString(host)
		if _, err := s.dbs.MySQL.ExecContext(ctx, "CREATE USER "+account+" IDENTIFIED BY "+sqlString(p.plainText)); err != nil {
			return backendErr("creating the user", err)
		}
		if _, err := s.dbs.MySQL.ExecContext(ctx, "GRANT "+mysqlPrivileges[p.role]+" ON "+myIdent(database)+".* TO "+account); err != nil {
			return backendErr("granting privileges", err)
		}
	}
	return nil
}

func (s *Server) mysqlDropUser(p *password) error {
	if s.dbs == nil || s.dbs.MySQL == nil {
		return nil
	}
	ctx, cancel := dbContext()
	defer cancel()
	for _, host := range p.mysqlHosts {
		if _, err := s.dbs.MySQL.ExecContext(ctx, "DROP USER IF EXISTS "+sqlString(p.username)+"@"+sqlString(host)); err != nil {
			return backendErr("dropping the user", err)
		}
	}
	return nil
}
