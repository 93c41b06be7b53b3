// Package localdb starts throwaway PostgreSQL and MariaDB servers on
// loopback ports in temporary directories, so the mock API can back the
// credentials it mints with real database users, and tests can log in with
// them. Nothing is left running: Stop ends the server and removes its files.
//
// Each server keeps every file it makes in its own directory: data,
// temporary files (never the shared /tmp, where two bootstraps at once
// delete each other's temporary tables), socket, pid file and logs. So two
// packages, two suites or two checkouts can start servers at the same time.
package localdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	_ "github.com/go-sql-driver/mysql" // the "mysql" database/sql driver
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// Server is a running database server.
type Server struct {
	// Addr is the server's "127.0.0.1:port".
	Addr string
	// Admin is a superuser connection.
	Admin *sql.DB
	// AdminDSN opens another superuser connection.
	AdminDSN string

	dir string
	// tmpDir, socket and pidFile are the server's own, inside dir.
	tmpDir, socket, pidFile string
	cmd                     *exec.Cmd
	done                    chan struct{}
}

// newServer makes a server's directory and its temporary directory.
func newServer(prefix string) (*Server, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, tmpDir: filepath.Join(dir, "tmp")}
	if err := os.Mkdir(s.tmpDir, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// env is the environment of the server's programs: TMPDIR is the server's
// own temporary directory, for anything that takes it from there.
func (s *Server) env() []string {
	return append(os.Environ(), "TMPDIR="+s.tmpDir)
}

// ErrUnavailable means the server's programs are not installed here.
var ErrUnavailable = errors.New("not installed")

// Stop ends the server and removes its directory.
func (s *Server) Stop() {
	if s == nil {
		return
	}
	if s.Admin != nil {
		s.Admin.Close()
	}
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	}
	os.RemoveAll(s.dir)
}

// PostgresBin finds the newest installed PostgreSQL server programs.
func PostgresBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("PostgreSQL server (initdb): %w", ErrUnavailable)
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// StartPostgres initialises a cluster and starts it on a free loopback
// port. initdb refuses to run as root, so as root the server runs as the
// unprivileged user "nobody".
func StartPostgres(ctx context.Context) (*Server, error) {
	bin, err := PostgresBin()
	if err != nil {
		return nil, err
	}
	s, err := newServer("planetscale-pg-")
	if err != nil {
		return nil, err
	}
	dir := s.dir
	fail := func(err error) (*Server, error) {
		s.Stop()
		return nil, err
	}
	password := randomHex(16)
	if err := os.WriteFile(filepath.Join(dir, "pwfile"), []byte(password+"\n"), 0o600); err != nil {
		return fail(err)
	}
	var asUser []string
	if os.Geteuid() == 0 {
		nobody, err := user.Lookup("nobody")
		if err != nil {
			return fail(fmt.Errorf("running PostgreSQL as root needs the user nobody: %w", err))
		}
		uid, _ := strconv.Atoi(nobody.Uid)
		gid, _ := strconv.Atoi(nobody.Gid)
		for _, p := range []string{dir, s.tmpDir, filepath.Join(dir, "pwfile")} {
			if err := os.Chown(p, uid, gid); err != nil {
				return fail(err)
			}
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return fail(err)
		}
		asUser = []string{"runuser", "-u", "nobody", "--"}
	}
	run := func(args ...string) *exec.Cmd {
		all := append(append([]string{}, asUser...), args...)
		cmd := exec.CommandContext(ctx, all[0], all[1:]...)
		cmd.Env = s.env()
		return cmd
	}
	data := filepath.Join(dir, "data")
	if out, err := run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-E", "UTF8",
		"--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile="+filepath.Join(dir, "pwfile")).CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb: %w\n%s", err, out))
	}
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	// The socket goes in the server's directory (not /var/run/postgresql
	// or /tmp), and the pid file stays postmaster.pid in its data.
	s.socket = filepath.Join(dir, ".s.PGSQL."+strconv.Itoa(port))
	s.pidFile = filepath.Join(data, "postmaster.pid")
	// Not bound to ctx: the server outlives this call, and Stop ends it.
	args := append(append([]string{}, asUser...), filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-c", "unix_socket_directories="+dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200")
	s.cmd = exec.Command(args[0], args[1:]...)
	s.cmd.Env = s.env()
	if err := s.start(filepath.Join(dir, "server.log")); err != nil {
		return fail(err)
	}
	s.AdminDSN = fmt.Sprintf("postgres://postgres:%s@%s/postgres?sslmode=disable", password, s.Addr)
	if s.Admin, err = waitOpen(ctx, "pgx", s.AdminDSN, s.done); err != nil {
		return fail(fmt.Errorf("PostgreSQL did not start: %w\n%s", err, readLog(filepath.Join(dir, "server.log"))))
	}
	return s, nil
}

// StartMariaDB initialises a data directory and starts MariaDB on a free
// loopback port, resolving no host names, so accounts are matched by IP
// address and CIDR.
func StartMariaDB(ctx context.Context) (*Server, error) {
	mariadbd, err := exec.LookPath("mariadbd")
	if err != nil {
		if _, statErr := os.Stat("/usr/sbin/mariadbd"); statErr != nil {
			return nil, fmt.Errorf("MariaDB server (mariadbd, Debian package mariadb-server): %w", ErrUnavailable)
		}
		mariadbd = "/usr/sbin/mariadbd"
	}
	installDB, err := exec.LookPath("mariadb-install-db")
	if err != nil {
		return nil, fmt.Errorf("MariaDB server (mariadb-install-db): %w", ErrUnavailable)
	}
	s, err := newServer("planetscale-mariadb-")
	if err != nil {
		return nil, err
	}
	dir := s.dir
	fail := func(err error) (*Server, error) {
		s.Stop()
		return nil, err
	}
	current, err := user.Current()
	if err != nil {
		return fail(err)
	}
	data := filepath.Join(dir, "data")
	// The bootstrap makes and deletes temporary tables: in a shared /tmp,
	// two bootstraps at once delete each other's.
	install := exec.CommandContext(ctx, installDB, "--no-defaults", "--datadir="+data, "--tmpdir="+s.tmpDir, "--user="+current.Username,
		"--auth-root-authentication-method=normal", "--skip-test-db")
	install.Env = s.env()
	if out, err := install.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("mariadb-install-db: %w\n%s", err, out))
	}
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s.socket = filepath.Join(dir, "mariadb.sock")
	s.pidFile = filepath.Join(dir, "mariadb.pid")
	s.cmd = exec.Command(mariadbd, "--no-defaults", "--datadir="+data, "--tmpdir="+s.tmpDir, "--port="+strconv.Itoa(port),
		"--bind-address=127.0.0.1", "--socket="+s.socket, "--skip-name-resolve", "--user="+current.Username,
		"--pid-file="+s.pidFile, "--log-error="+filepath.Join(dir, "server.log"),
		"--innodb-flush-log-at-trx-commit=0", "--skip-log-bin")
	s.cmd.Env = s.env()
	if err := s.start(filepath.Join(dir, "stdout.log")); err != nil {
		return fail(err)
	}
	s.AdminDSN = fmt.Sprintf("root@unix(%s)/?multiStatements=false", s.socket)
	if s.Admin, err = waitOpen(ctx, "mysql", s.AdminDSN, s.done); err != nil {
		return fail(fmt.Errorf("MariaDB did not start: %w\n%s", err, readLog(filepath.Join(dir, "server.log"))))
	}
	return s, nil
}

func (s *Server) start(logPath string) error {
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		logFile.Close()
		return err
	}
	s.done = make(chan struct{})
	go func() {
		_ = s.cmd.Wait()
		logFile.Close()
		close(s.done)
	}()
	return nil
}

// waitOpen retries until the server accepts connections, it exits, or 30
// seconds pass.
func waitOpen(ctx context.Context, driver, dsn string, exited <-chan struct{}) (*sql.DB, error) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err = db.PingContext(pingCtx)
		cancel()
		if err == nil {
			return db, nil
		}
		select {
		case <-exited:
			db.Close()
			return nil, fmt.Errorf("the server exited: %w", err)
		case <-ctx.Done():
			db.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			db.Close()
			return nil, err
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("listening on 127.0.0.1 gave a %T address", l.Addr())
	}
	return addr.Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func readLog(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
