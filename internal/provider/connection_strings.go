package provider

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// Connection strings for the clients applications use, one builder per
// format, each escaping by its own client's rules and asking for TLS that
// verifies the server (PlanetScale accepts no other connections). The
// managed and ephemeral resources' connection_string attributes and the
// connection_string function's "url" format are the same builders.

// dbLogin is what a connection string carries.
type dbLogin struct {
	Username string
	Secret   string
	Host     string // access_host_url: a host name, optionally with ":port"
	Database string
}

// connectionFormat is one client's connection string.
type connectionFormat struct {
	name   string
	client string // who reads it, for docs and errors
	// withoutSecret is set for a format that leaves the secret out (PDO
	// takes it as a separate argument).
	withoutSecret bool
	build         func(dbLogin) (string, error)
}

// Ports the clients assume when a host names none.
const (
	mysqlPort    = "3306"
	postgresPort = "5432"
)

// systemCABundle is where Debian, Ubuntu and Alpine (and so most container
// images) keep the system's CA certificates; PyMySQL verifies the server
// only when it is given a CA file, and takes no "use the system's".
const systemCABundle = "/etc/ssl/certs/ca-certificates.crt"

var mysqlFormats = []connectionFormat{
	{name: "url", client: "a MySQL URL (the connection_string attribute; Prisma's sslaccept=strict)", build: func(l dbLogin) (string, error) {
		return mysqlURL(l.Username, l.Secret, l.Host, l.Database), nil
	}},
	{name: "go", client: "a go-sql-driver/mysql DSN", build: goMySQLDSN},
	{name: "jdbc", client: "a MySQL Connector/J JDBC URL", build: func(l dbLogin) (string, error) {
		return "jdbc:mysql://" + l.Host + "/" + percentEncode(l.Database) +
			"?sslMode=VERIFY_IDENTITY&user=" + percentEncode(l.Username) + "&password=" + percentEncode(l.Secret), nil
	}},
	{name: "prisma", client: "a Prisma MySQL URL", build: func(l dbLogin) (string, error) {
		return strictURL("mysql", l, l.Host, "sslaccept=strict"), nil
	}},
	{name: "rails", client: "a Rails DATABASE_URL for the trilogy adapter", build: func(l dbLogin) (string, error) {
		return strictURL("trilogy", l, l.Host, "ssl_mode=verify_identity"), nil
	}},
	{name: "sqlalchemy", client: "an SQLAlchemy URL for PyMySQL", build: func(l dbLogin) (string, error) {
		return strictURL("mysql+pymysql", l, l.Host, "ssl_ca="+percentEncode(systemCABundle)+"&ssl_check_hostname=true"), nil
	}},
	{name: "pdo", client: "a PHP PDO DSN (no user or password: PDO takes them as arguments)", withoutSecret: true, build: pdoMySQLDSN},
	{name: "node", client: "a mysql2 (Node.js) URI", build: func(l dbLogin) (string, error) {
		return strictURL("mysql", l, l.Host, "ssl="+percentEncode(`{"rejectUnauthorized":true}`)), nil
	}},
}

var postgresFormats = []connectionFormat{
	{name: "url", client: "a Postgres URL (the connection_string attribute)", build: pgxURL},
	{name: "keyword", client: "a libpq keyword/value string", build: libpqKeywords},
	{name: "jdbc", client: "a pgJDBC URL", build: func(l dbLogin) (string, error) {
		// pgJDBC's own factory looks for ~/.postgresql/root.crt; this one
		// uses Java's trust store. verify-full checks the host name.
		return "jdbc:postgresql://" + withDefaultPort(l.Host, postgresPort) + "/" + percentEncode(l.Database) +
			"?sslmode=verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory&user=" + percentEncode(l.Username) +
			"&password=" + percentEncode(l.Secret), nil
	}},
	{name: "prisma", client: "a Prisma PostgreSQL URL", build: func(l dbLogin) (string, error) {
		// Prisma's engine knows sslmode=disable|prefer|require and checks
		// the certificate and host with sslaccept=strict; node-postgres
		// (Prisma's pg adapter) treats require as verify-full.
		return strictURL("postgresql", l, withDefaultPort(l.Host, postgresPort), "sslmode=require&sslaccept=strict"), nil
	}},
	{name: "sqlalchemy", client: "an SQLAlchemy URL for psycopg 3", build: func(l dbLogin) (string, error) {
		return strictURL("postgresql+psycopg", l, withDefaultPort(l.Host, postgresPort), "sslmode=verify-full&sslrootcert=system"), nil
	}},
	// pgx reads the URL and verifies against the system's roots under
	// verify-full: the same string as url.
	{name: "go", client: "a pgx (Go) connection string", build: pgxURL},
}

// mysqlURL is a branch password's connection_string.
func mysqlURL(user, secret, host, database string) string {
	return connectionURL("mysql", user, secret, host, database, "sslaccept=strict")
}

// postgresURL is a Postgres role's connection_string.
func postgresURL(user, secret, host, database string) string {
	return connectionURL("postgresql", user, secret, withDefaultPort(host, postgresPort), database, "sslmode=verify-full")
}

func pgxURL(l dbLogin) (string, error) {
	// pgx strips every leading "/" from the path, so it would connect to
	// another database.
	if strings.HasPrefix(l.Database, "/") {
		return "", errors.New(`pgx cannot read a database name that starts with "/" from a URL; use the keyword format`)
	}
	return postgresURL(l.Username, l.Secret, l.Host, l.Database), nil
}

// goMySQLDSN is user:password@tcp(host)/database?tls=true. The DSN has no
// escaping for the user and password: the driver splits the user from the
// password at the first ":", and takes the last "@" before the last "/",
// so only a user with ":" cannot be written.
func goMySQLDSN(l dbLogin) (string, error) {
	if strings.Contains(l.Username, ":") {
		return "", errors.New(`a go-sql-driver/mysql DSN cannot carry a username with ":"`)
	}
	cfg := mysql.NewConfig()
	cfg.User = l.Username
	cfg.Passwd = l.Secret
	cfg.Net = "tcp"
	cfg.Addr = l.Host
	cfg.DBName = l.Database
	cfg.TLSConfig = "true" // the system's roots and the host's name
	return cfg.FormatDSN(), nil
}

// pdoMySQLDSN is mysql:host=...;port=...;dbname=...; PDO splits at ";"
// and reads ";;" as one ";" in a value (php-src bug #50323).
func pdoMySQLDSN(l dbLogin) (string, error) {
	host, port, _ := strings.Cut(l.Host, ":")
	dsn := "mysql:host=" + host
	if port != "" {
		dsn += ";port=" + port
	}
	return dsn + ";dbname=" + strings.ReplaceAll(l.Database, ";", ";;"), nil
}

// libpqKeywords is libpq's keyword/value form. Values from the credential
// are always single-quoted, with ' and \ escaped by a backslash, the one
// quoting libpq documents. sslrootcert=system (libpq 16 and later) makes
// verify-full use the system's CA certificates rather than
// ~/.postgresql/root.crt.
func libpqKeywords(l dbLogin) (string, error) {
	host, port, err := net.SplitHostPort(withDefaultPort(l.Host, postgresPort))
	if err != nil {
		return "", err
	}
	quote := func(s string) string {
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
	}
	return fmt.Sprintf("host=%s port=%s user=%s password=%s dbname=%s sslmode=verify-full sslrootcert=system",
		host, port, quote(l.Username), quote(l.Secret), quote(l.Database)), nil
}

// strictURL is scheme://user:secret@host/database?query with every byte of
// the user, secret and database percent-encoded but the unreserved ones,
// as Prisma, Rails, SQLAlchemy and mysql2 each document for special
// characters (Go's url.URL leaves some, such as "$" and "+", as they are).
func strictURL(scheme string, l dbLogin, host, query string) string {
	return scheme + "://" + percentEncode(l.Username) + ":" + percentEncode(l.Secret) + "@" + host +
		"/" + percentEncode(l.Database) + "?" + query
}

// percentEncode escapes every byte but RFC 3986's unreserved characters
// (letters, digits, "-", ".", "_", "~"), spaces as %20: what every URL
// decoder reads back, including those that take "+" for a space (Java's
// URLDecoder) and those that do not (Connector/J, libpq, Ruby, Python's
// unquote).
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// hostPattern is a host name or IPv4 address with an optional port, as
// PlanetScale's access_host_url is: nothing a format would need to escape.
var hostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$`)

// checkLogin refuses what no format can carry.
func checkLogin(l dbLogin) error {
	if !hostPattern.MatchString(l.Host) {
		return fmt.Errorf("the host %q is not a host name or IPv4 address with an optional :port", l.Host)
	}
	// Clients refuse a port no server can listen on (0, or past 65535).
	if _, port, found := strings.Cut(l.Host, ":"); found {
		if n, _ := strconv.Atoi(port); n < 1 || n > 65535 {
			return fmt.Errorf("the host %q names port %s; a port is 1 to 65535", l.Host, port)
		}
	}
	for _, field := range []struct{ name, value string }{{"username", l.Username}, {"secret", l.Secret}, {"database", l.Database}} {
		if strings.IndexByte(field.value, 0) >= 0 {
			return fmt.Errorf("the %s holds a NUL character, which database clients cannot pass", field.name)
		}
	}
	return nil
}

// formatNames lists a table's format names for messages.
func formatNames(formats []connectionFormat) string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = `"` + f.name + `"`
	}
	return strings.Join(names, ", ")
}

func findFormat(formats []connectionFormat, name string) (connectionFormat, bool) {
	for _, f := range formats {
		if f.name == name {
			return f, true
		}
	}
	return connectionFormat{}, false
}
