package localdb

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func start(t *testing.T, what string, f func(context.Context) (*Server, error)) *Server {
	t.Helper()
	s, err := f(context.Background())
	if errors.Is(err, ErrUnavailable) && os.Getenv("PLANETSCALE_E2E") != "require" {
		t.Skipf("%v; make e2e-deps installs it (CI sets PLANETSCALE_E2E=require to fail instead)", err)
	}
	if err != nil {
		t.Fatalf("starting %s: %v", what, err)
	}
	return s
}

func TestPostgresStartsAndStops(t *testing.T) {
	t.Parallel()
	s := start(t, "PostgreSQL", StartPostgres)
	var one int
	if err := s.Admin.QueryRow("select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("query: %v", err)
	}
	dir := s.dir
	s.Stop()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s left behind", dir)
	}
}

func TestMariaDBStartsAndStops(t *testing.T) {
	t.Parallel()
	s := start(t, "MariaDB", StartMariaDB)
	var version string
	if err := s.Admin.QueryRow("select version()").Scan(&version); err != nil {
		t.Fatalf("query: %v", err)
	}
	s.Stop()
	select {
	case <-s.done:
	default:
		t.Error("server still running after Stop")
	}
}

// Servers started at once, as two packages, two suites or two checkouts on
// one machine start them, each keep their temporary files, socket and pid
// file in their own directory, never in a shared one such as /tmp, and all
// of them work.
func TestServersStartedAtOnceKeepToTheirOwnFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	starts := []struct {
		what  string
		start func(context.Context) (*Server, error)
	}{
		{"MariaDB", StartMariaDB}, {"MariaDB", StartMariaDB},
		{"PostgreSQL", StartPostgres}, {"PostgreSQL", StartPostgres},
	}
	servers := make([]*Server, len(starts))
	errs := make([]error, len(starts))
	var wg sync.WaitGroup
	for i, st := range starts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			servers[i], errs[i] = st.start(ctx)
		}()
	}
	wg.Wait()
	for _, s := range servers {
		t.Cleanup(s.Stop) // Stop of a nil *Server does nothing
	}
	for i, err := range errs {
		if errors.Is(err, ErrUnavailable) && os.Getenv("PLANETSCALE_E2E") != "require" {
			t.Skipf("%v; make e2e-deps installs it (CI sets PLANETSCALE_E2E=require to fail instead)", err)
		}
		if err != nil {
			t.Fatalf("starting %s #%d alongside the others: %v", starts[i].what, i, err)
		}
	}

	owner := map[string]int{} // each path a server reports, and which server
	own := func(i int, what, path string) {
		t.Helper()
		if rel, err := filepath.Rel(servers[i].dir, path); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			t.Errorf("%s #%d: its %s %s is outside its directory %s", starts[i].what, i, what, path, servers[i].dir)
		}
		if j, seen := owner[path]; seen {
			t.Errorf("%s #%d and %s #%d share the %s %s", starts[j].what, j, starts[i].what, i, what, path)
		}
		owner[path] = i
	}
	for i, s := range servers {
		conn, err := s.Admin.Conn(ctx)
		if err != nil {
			t.Fatalf("%s #%d: %v", starts[i].what, i, err)
		}
		defer conn.Close()
		if starts[i].what == "MariaDB" {
			var tmpdir, socket, pidFile string
			if err := conn.QueryRowContext(ctx, "select @@tmpdir, @@socket, @@pid_file").Scan(&tmpdir, &socket, &pidFile); err != nil {
				t.Fatalf("MariaDB #%d: %v", i, err)
			}
			own(i, "temporary directory", tmpdir)
			own(i, "socket", socket)
			own(i, "pid file", pidFile)
			// A temporary Aria table is a file in the temporary directory.
			for _, stmt := range []string{"create database scratch", "create temporary table scratch.t (a int) engine=Aria", "insert into scratch.t values (1)"} {
				if _, err := conn.ExecContext(ctx, stmt); err != nil {
					t.Fatalf("MariaDB #%d: %s: %v", i, stmt, err)
				}
			}
			if files, _ := filepath.Glob(filepath.Join(tmpdir, "#sql*")); len(files) == 0 {
				t.Errorf("MariaDB #%d: a temporary table made no file in its temporary directory %s", i, tmpdir)
			}
			continue
		}
		var socketDir, data string
		if err := conn.QueryRowContext(ctx, "select current_setting('unix_socket_directories'), current_setting('data_directory')").Scan(&socketDir, &data); err != nil {
			t.Fatalf("PostgreSQL #%d: %v", i, err)
		}
		_, port, _ := net.SplitHostPort(s.Addr)
		own(i, "socket", filepath.Join(socketDir, ".s.PGSQL."+port))
		own(i, "pid file", filepath.Join(data, "postmaster.pid"))
		if _, err := os.Stat(filepath.Join(socketDir, ".s.PGSQL."+port)); err != nil {
			t.Errorf("PostgreSQL #%d: %v", i, err)
		}
		if _, err := conn.ExecContext(ctx, "create temporary table t as select 1 as a"); err != nil {
			t.Errorf("PostgreSQL #%d: %v", i, err)
		}
	}
}
