package provider

import (
	"encoding/json"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-sql-driver/mysql"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"
)

// A credential with every character that some format has to escape.
var (
	sampleMySQL    = dbLogin{Username: "pscale_u@x", Secret: `p@ss:w/o?r#d%20 'q"\ é`, Host: "aws.connect.psdb.cloud", Database: "app-db"}
	samplePostgres = dbLogin{Username: "pscale_u@x", Secret: `p@ss:w/o?r#d%20 'q"\ é`, Host: "aws-us-east-2.pg.psdb.cloud", Database: "postgres"}
)

// The exact strings for the sample; each format's parser or rules are
// checked in the tests below.
func TestConnectionStringsOfTheSample(t *testing.T) {
	t.Parallel()
	const pw = `p%40ss%3Aw%2Fo%3Fr%23d%2520%20%27q%22%5C%20%C3%A9`
	want := map[string]map[string]string{
		"mysql": {
			"url":        `mysql://pscale_u%40x:p%40ss%3Aw%2Fo%3Fr%23d%2520%20%27q%22%5C%20%C3%A9@aws.connect.psdb.cloud/app-db?sslaccept=strict`,
			"go":         `pscale_u@x:p@ss:w/o?r#d%20 'q"\ é@tcp(aws.connect.psdb.cloud)/app-db?tls=true`,
			"jdbc":       `jdbc:mysql://aws.connect.psdb.cloud/app-db?sslMode=VERIFY_IDENTITY&user=pscale_u%40x&password=` + pw,
			"prisma":     `mysql://pscale_u%40x:` + pw + `@aws.connect.psdb.cloud/app-db?sslaccept=strict`,
			"rails":      `trilogy://pscale_u%40x:` + pw + `@aws.connect.psdb.cloud/app-db?ssl_mode=verify_identity`,
			"sqlalchemy": `mysql+pymysql://pscale_u%40x:` + pw + `@aws.connect.psdb.cloud/app-db?ssl_ca=%2Fetc%2Fssl%2Fcerts%2Fca-certificates.crt&ssl_check_hostname=true`,
			"pdo":        `mysql:host=aws.connect.psdb.cloud;dbname=app-db`,
			"node":       `mysql://pscale_u%40x:` + pw + `@aws.connect.psdb.cloud/app-db?ssl=%7B%22rejectUnauthorized%22%3Atrue%7D`,
		},
		"postgres": {
			"url":        `postgresql://pscale_u%40x:p%40ss%3Aw%2Fo%3Fr%23d%2520%20%27q%22%5C%20%C3%A9@aws-us-east-2.pg.psdb.cloud:5432/postgres?sslmode=verify-full`,
			"keyword":    `host=aws-us-east-2.pg.psdb.cloud port=5432 user='pscale_u@x' password='p@ss:w/o?r#d%20 \'q"\\ é' dbname='postgres' sslmode=verify-full sslrootcert=system`,
			"jdbc":       `jdbc:postgresql://aws-us-east-2.pg.psdb.cloud:5432/postgres?sslmode=verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory&user=pscale_u%40x&password=` + pw,
			"prisma":     `postgresql://pscale_u%40x:` + pw + `@aws-us-east-2.pg.psdb.cloud:5432/postgres?sslmode=require&sslaccept=strict`,
			"sqlalchemy": `postgresql+psycopg://pscale_u%40x:` + pw + `@aws-us-east-2.pg.psdb.cloud:5432/postgres?sslmode=verify-full&sslrootcert=system`,
			"go":         `postgresql://pscale_u%40x:p%40ss%3Aw%2Fo%3Fr%23d%2520%20%27q%22%5C%20%C3%A9@aws-us-east-2.pg.psdb.cloud:5432/postgres?sslmode=verify-full`,
		},
	}
	got := map[string]map[string]string{"mysql": {}, "postgres": {}}
	for engine, formats := range map[string][]connectionFormat{"mysql": mysqlFormats, "postgres": postgresFormats} {
		sample := sampleMySQL
		if engine == "postgres" {
			sample = samplePostgres
		}
		for _, f := range formats {
			s, err := f.build(sample)
			if err != nil {
				t.Fatalf("%s %s: %v", engine, f.name, err)
			}
			got[engine][f.name] = s
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("connection strings (-want +got):\n%s", diff)
	}
}

// The function's documentation shows the sample's strings: these.
func TestConnectionStringDocsShowTheSample(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../templates/functions/connection_string.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		formats []connectionFormat
		sample  dbLogin
	}{{mysqlFormats, sampleMySQL}, {postgresFormats, samplePostgres}} {
		for _, f := range tc.formats {
			s, _ := f.build(tc.sample)
			if !strings.Contains(string(doc), "`"+s+"`") {
				t.Errorf("the documentation does not show the %s string %q", f.name, s)
			}
		}
	}
}

// The url format is the connection_string attribute, built by the same
// function; this pins that the attribute's builders are those formats.
func TestURLFormatIsTheConnectionStringAttribute(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		formats   []connectionFormat
		login     dbLogin
		attribute string
	}{
		{mysqlFormats, sampleMySQL, connectionURL("mysql", sampleMySQL.Username, sampleMySQL.Secret, sampleMySQL.Host, sampleMySQL.Database, "sslaccept=strict")},
		{postgresFormats, samplePostgres, connectionURL("postgresql", samplePostgres.Username, samplePostgres.Secret, samplePostgres.Host+":5432", samplePostgres.Database, "sslmode=verify-full")},
	} {
		f, _ := findFormat(tc.formats, "url")
		got, err := f.build(tc.login)
		if err != nil || got != tc.attribute {
			t.Errorf("url = %q, %v; want the attribute's %q", got, err, tc.attribute)
		}
	}
}

// parsedLogin is what a client reads back from a connection string.
type parsedLogin struct {
	dbLogin
	// verifies is true when the client will check the server's
	// certificate and host name.
	verifies bool
}

// parseGoMySQL reads a DSN the way go-sql-driver/mysql does.
func parseGoMySQL(dsn string) (parsedLogin, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return parsedLogin{}, err
	}
	host, _, _ := net.SplitHostPort(cfg.Addr)
	return parsedLogin{
		dbLogin:  dbLogin{Username: cfg.User, Secret: cfg.Passwd, Host: cfg.Addr, Database: cfg.DBName},
		verifies: cfg.TLS != nil && !cfg.TLS.InsecureSkipVerify && cfg.TLS.ServerName == host,
	}, nil
}

// parsePgx reads a URL or keyword/value string the way pgx does.
func parsePgx(s string) (parsedLogin, error) {
	cfg, err := pgconn.ParseConfig(s)
	if err != nil {
		return parsedLogin{}, err
	}
	tls := cfg.TLSConfig
	return parsedLogin{
		dbLogin:  dbLogin{Username: cfg.User, Secret: cfg.Password, Host: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), Database: cfg.Database},
		verifies: tls != nil && !tls.InsecureSkipVerify && tls.ServerName == cfg.Host && len(cfg.Fallbacks) == 0,
	}, nil
}

// parseURL reads a URL by RFC 3986 (Go's net/url), with the query the
// format's TLS settings are in.
func parseURL(s, prefix string) (parsedLogin, url.Values, error) {
	u, err := url.Parse(strings.TrimPrefix(s, prefix))
	if err != nil {
		return parsedLogin{}, nil, err
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return parsedLogin{}, nil, err
	}
	l := dbLogin{Host: u.Host, Database: strings.TrimPrefix(u.Path, "/")}
	if u.User != nil {
		l.Username = u.User.Username()
		l.Secret, _ = u.User.Password()
	} else {
		l.Username, l.Secret = q.Get("user"), q.Get("password")
	}
	return parsedLogin{dbLogin: l}, q, nil
}

// readBack parses a format's string with the parser its clients use where
// Go has one, and otherwise as the RFC 3986 URL it is; verifies reports
// the TLS settings the format's clients verify the server with.
func readBack(engine, format, s string) (parsedLogin, error) {
	switch engine + " " + format {
	case "mysql go":
		return parseGoMySQL(s)
	case "postgres url", "postgres go", "postgres keyword":
		return parsePgx(s)
	case "mysql pdo":
		return parsePDO(s), nil
	}
	prefix := ""
	if format == "jdbc" {
		prefix = "jdbc:"
	}
	p, q, err := parseURL(s, prefix)
	if err != nil {
		return p, err
	}
	want := map[string]url.Values{
		"mysql url":           {"sslaccept": {"strict"}},
		"mysql prisma":        {"sslaccept": {"strict"}},
		"mysql jdbc":          {"sslMode": {"VERIFY_IDENTITY"}},
		"mysql rails":         {"ssl_mode": {"verify_identity"}},
		"mysql sqlalchemy":    {"ssl_ca": {systemCABundle}, "ssl_check_hostname": {"true"}},
		"mysql node":          {"ssl": {`{"rejectUnauthorized":true}`}},
		"postgres jdbc":       {"sslmode": {"verify-full"}, "sslfactory": {"org.postgresql.ssl.DefaultJavaSSLFactory"}},
		"postgres prisma":     {"sslmode": {"require"}, "sslaccept": {"strict"}},
		"postgres sqlalchemy": {"sslmode": {"verify-full"}, "sslrootcert": {"system"}},
	}[engine+" "+format]
	p.verifies = want != nil
	for k, v := range want {
		if q.Get(k) != v[0] {
			p.verifies = false
		}
	}
	return p, nil
}

// parsePDO splits a PDO DSN as php_pdo_parse_data_source does: name=value
// pairs at ";", with ";;" one ";" in a value.
func parsePDO(dsn string) parsedLogin {
	rest := strings.TrimPrefix(dsn, "mysql:")
	values := map[string]string{}
	for rest != "" {
		name, after, _ := strings.Cut(rest, "=")
		var value strings.Builder
		i := 0
		for ; i < len(after); i++ {
			if after[i] == ';' {
				if i+1 < len(after) && after[i+1] == ';' {
					value.WriteByte(';')
					i++
					continue
				}
				break
			}
			value.WriteByte(after[i])
		}
		values[name] = value.String()
		rest = ""
		if i < len(after) {
			rest = after[i+1:]
		}
	}
	host := values["host"]
	if values["port"] != "" {
		host += ":" + values["port"]
	}
	return parsedLogin{dbLogin: dbLogin{Host: host, Database: values["dbname"]}}
}

// roundTrip builds every format for l and checks that its parser reads l
// back, with TLS that verifies; a format may refuse what it cannot carry.
func roundTrip(t *testing.T, l dbLogin) {
	t.Helper()
	for engine, formats := range map[string][]connectionFormat{"mysql": mysqlFormats, "postgres": postgresFormats} {
		for _, f := range formats {
			if err := checkLogin(l); err != nil {
				continue
			}
			s, err := f.build(l)
			if err != nil {
				continue
			}
			got, err := readBack(engine, f.name, s)
			if err != nil {
				t.Errorf("%s %s: %q does not parse: %v", engine, f.name, s, err)
				continue
			}
			want := l
			switch {
			case engine == "postgres" || f.name == "go":
				want.Host = withDefaultPort(l.Host, map[string]string{"mysql": mysqlPort, "postgres": postgresPort}[engine])
			}
			if f.withoutSecret {
				want.Username, want.Secret = "", ""
			}
			if got.dbLogin != want {
				t.Errorf("%s %s: %q reads back as %+v, want %+v", engine, f.name, s, got.dbLogin, want)
			}
			if !got.verifies && f.name != "pdo" {
				t.Errorf("%s %s: %q does not verify the server", engine, f.name, s)
			}
		}
	}
}

func TestConnectionStringsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, l := range []dbLogin{
		sampleMySQL,
		samplePostgres,
		{Username: "u", Secret: "+ +", Host: "127.0.0.1:3306", Database: "d b"},
		{Username: "user.branch", Secret: "a;b;;c", Host: "h", Database: "semi;colon"},
		{Username: `\'"`, Secret: `\`, Host: "host-1.example", Database: "é?#%/x"},
	} {
		roundTrip(t, l)
	}
}

func FuzzConnectionStrings(f *testing.F) {
	f.Add(sampleMySQL.Username, sampleMySQL.Secret, sampleMySQL.Host, sampleMySQL.Database)
	f.Add("pscale_u@x", `p@ss:w/o?r#d%20 'q"\ é`, "127.0.0.1:5432", "post gres")
	f.Add("a:b", "", "h:1", "/x")
	f.Add("u", `';\`, "host.example", "d;;b")
	f.Add("0", "0", "0:0", "0") // port 0: refused, as clients refuse it
	f.Fuzz(func(t *testing.T, username, secret, host, database string) {
		// Terraform strings are Unicode; clients read bytes.
		if !utf8.ValidString(username + secret + host + database) {
			t.Skip()
		}
		if username == "" || secret == "" || database == "" {
			t.Skip() // the function refuses empty values before building
		}
		roundTrip(t, dbLogin{Username: username, Secret: secret, Host: host, Database: database})
		// Most fuzzed hosts are refused; the rest once more on a real one.
		roundTrip(t, dbLogin{Username: username, Secret: secret, Host: "aws.connect.psdb.cloud:3306", Database: database})
	})
}

// Formats without a Go parser follow the escaping rules their clients
// document; each rule with its documented example.
func TestConnectionStringEscapingRules(t *testing.T) {
	t.Parallel()
	build := func(formats []connectionFormat, name string, l dbLogin) string {
		f, _ := findFormat(formats, name)
		s, err := f.build(l)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return s
	}
	login := func(secret string) dbLogin {
		return dbLogin{Username: "u", Secret: secret, Host: "h", Database: "d"}
	}
	for _, tc := range []struct {
		rule, format string
		formats      []connectionFormat
		login        dbLogin
		contains     string
	}{
		// Prisma, "Connection URLs": percent-encode special characters;
		// p@$$w0rd becomes p%40%24%24w0rd.
		{"Prisma: p@$$w0rd becomes p%40%24%24w0rd", "prisma", mysqlFormats, login("p@$$w0rd"), ":p%40%24%24w0rd@"},
		{"Prisma (Postgres): p@$$w0rd becomes p%40%24%24w0rd", "prisma", postgresFormats, login("p@$$w0rd"), ":p%40%24%24w0rd@"},
		// SQLAlchemy, "Database URLs": kx@jj5/g is written kx%40jj5%2Fg.
		{"SQLAlchemy: kx@jj5/g becomes kx%40jj5%2Fg", "sqlalchemy", mysqlFormats, login("kx@jj5/g"), ":kx%40jj5%2Fg@"},
		{"SQLAlchemy (psycopg): kx@jj5/g becomes kx%40jj5%2Fg", "sqlalchemy", postgresFormats, login("kx@jj5/g"), ":kx%40jj5%2Fg@"},
		// SQLAlchemy unquotes with urllib's unquote, not unquote_plus: a
		// space must be %20, never "+".
		{"SQLAlchemy: a space is %20", "sqlalchemy", mysqlFormats, login("a b"), ":a%20b@"},
		// Connector/J, "Connection URL Syntax": reserved characters
		// (/ : @ ( ) [ ] & # = ? and space) in any part are percent-encoded;
		// it does not decode "+" to a space, so a space is %20.
		{"Connector/J: reserved characters are percent-encoded", "jdbc", mysqlFormats, login("/:@()[]&#=? "), "password=%2F%3A%40%28%29%5B%5D%26%23%3D%3F%20"},
		// pgJDBC decodes with java.net.URLDecoder, which reads "+" as a
		// space: a "+" must be %2B.
		{"pgJDBC: + is %2B", "jdbc", postgresFormats, login("a+b c"), "password=a%2Bb%20c"},
		// Rails resolves DATABASE_URL with Ruby's RFC 3986 URI parser and
		// percent-decodes every part; characters it does not allow in
		// userinfo (quote, backslash, space) are percent-encoded.
		{`Rails: " \ and space are percent-encoded`, "rails", mysqlFormats, login(`"\ `), ":%22%5C%20@"},
		// mysql2 decodes the user and password with decodeURIComponent
		// and JSON-parses query values: ssl is the JSON object, encoded.
		{"mysql2: ! ' ( ) * are percent-encoded too", "node", mysqlFormats, login("!'()*"), ":%21%27%28%29%2A@"},
		// PDO splits the DSN at ";"; ";;" is one ";" in a value (php-src
		// bug #50323's test connects to `crazy;dbname` as crazy;;dbname).
		{"PDO: ; in a value is ;;", "pdo", mysqlFormats, dbLogin{Username: "u", Secret: "s", Host: "h", Database: "crazy;dbname"}, "dbname=crazy;;dbname"},
		// libpq, "Connection Strings": single quotes around a value, with
		// ' and \ escaped by a backslash.
		{`libpq: ' and \ are backslash-escaped in quotes`, "keyword", postgresFormats, login(`it's a \`), `password='it\'s a \\'`},
	} {
		if got := build(tc.formats, tc.format, tc.login); !strings.Contains(got, tc.contains) {
			t.Errorf("%s: %q does not contain %q", tc.rule, got, tc.contains)
		}
	}

	// mysql2's ssl option, decoded and parsed as JSON, asks for a verified
	// server.
	_, q, err := parseURL(build(mysqlFormats, "node", sampleMySQL), "")
	if err != nil {
		t.Fatal(err)
	}
	var ssl struct{ RejectUnauthorized bool }
	if err := json.Unmarshal([]byte(q.Get("ssl")), &ssl); err != nil || !ssl.RejectUnauthorized {
		t.Errorf("mysql2 ssl = %q (%v), want rejectUnauthorized true", q.Get("ssl"), err)
	}
	// PDO is given the user and password as arguments: the DSN has neither.
	if pdo := build(mysqlFormats, "pdo", sampleMySQL); strings.Contains(pdo, sampleMySQL.Secret) || strings.Contains(pdo, sampleMySQL.Username) {
		t.Errorf("the PDO DSN %q holds the credential", pdo)
	}
}

func TestConnectionStringsRefuseWhatTheyCannotCarry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		login dbLogin
		build func(dbLogin) (string, error)
	}{
		{"a go-sql-driver user with a colon", dbLogin{Username: "a:b", Secret: "s", Host: "h", Database: "d"}, goMySQLDSN},
		{"a pgx database that starts with a slash", dbLogin{Username: "u", Secret: "s", Host: "h", Database: "/d"}, pgxURL},
	} {
		if s, err := tc.build(tc.login); err == nil {
			t.Errorf("%s: built %q, want an error", tc.name, s)
		}
	}
	for _, l := range []dbLogin{
		{Username: "u", Secret: "s", Host: "h/x", Database: "d"},
		{Username: "u", Secret: "s", Host: "user@h", Database: "d"},
		{Username: "u", Secret: "s\x00", Host: "h", Database: "d"},
	} {
		if err := checkLogin(l); err == nil {
			t.Errorf("checkLogin(%+v) accepted it", l)
		}
	}
}
