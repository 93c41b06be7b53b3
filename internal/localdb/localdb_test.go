package localdb

import (
	"context"
	"errors"
	"os"
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
