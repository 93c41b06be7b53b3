package contract

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
)

// TB is the part of testing.TB that Serve needs.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Name() string
}

// Server is a test server whose every exchange the validator checks.
type Server struct {
	*httptest.Server
	Validator *Validator
}

// CoverageDirEnv names a directory; when set, each Server writes there, as it
// stops, how often each operation was answered with each status, for
// `make contract-coverage` to add up.
const CoverageDirEnv = "PLANETSCALE_CONTRACT_COVERAGE_DIR"

// Serve starts h (the mock API) behind the validator for one test. When the
// test ends it stops the server, then fails the test once per violation,
// naming the operation, the field and the rule.
//
// Serve and Start are the only ways tests start the mock (internal/repotest
// checks that no other code serves it), so no test can forget the contract.
func Serve(tb TB, h http.Handler) *Server {
	tb.Helper()
	s, err := Start(h)
	if err != nil {
		tb.Fatalf("contract: %v", err)
	}
	tb.Cleanup(func() {
		s.Close()
		for _, violation := range s.Validator.Violations() {
			tb.Errorf("the API document rejects this exchange: %s", violation)
		}
		if err := s.WriteCoverage(tb.Name()); err != nil {
			tb.Errorf("contract coverage: %v", err)
		}
	})
	return s
}

// Start is Serve for code that checks the violations itself, such as the
// fault harness, which counts them among its invariants. The caller closes
// the server, and calls WriteCoverage.
func Start(h http.Handler) (*Server, error) {
	v, err := New()
	if err != nil {
		return nil, err
	}
	return &Server{Server: httptest.NewServer(v.Handler(h)), Validator: v}, nil
}

// WriteCoverage writes the server's coverage to the directory CoverageDirEnv
// names, if it names one.
func (s *Server) WriteCoverage(test string) error {
	dir := os.Getenv(CoverageDirEnv)
	if dir == "" {
		return nil
	}
	return writeCoverage(dir, test, s.Validator.Coverage())
}

// ExpectViolation is for tests that send a wrong request on purpose: it
// fails the test unless the validator found a violation of operation's field
// (a prefix such as "body /role"), and takes those violations off the list.
func (s *Server) ExpectViolation(tb TB, operation, field string) {
	tb.Helper()
	taken := s.Validator.take(func(v Violation) bool {
		return v.Operation == operation && strings.HasPrefix(v.Field, field)
	})
	if len(taken) == 0 {
		tb.Errorf("expected the API document to reject %s's %s; it found %v", operation, field, s.Validator.Violations())
	}
}

func writeCoverage(dir, test string, c Coverage) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "coverage-*.json")
	if err != nil {
		return err
	}
	defer f.Close()
	type entry struct {
		Test     string                 `json:"test"`
		Coverage map[string]map[int]int `json:"coverage"`
	}
	if err := json.NewEncoder(f).Encode(entry{Test: test, Coverage: c}); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Base(f.Name()), err)
	}
	return nil
}

// ReadCoverage adds up what Servers wrote to dir.
func ReadCoverage(dir string) (Coverage, error) {
	files, err := filepath.Glob(filepath.Join(dir, "coverage-*.json"))
	if err != nil {
		return nil, err
	}
	total := Coverage{}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var e struct {
			Coverage Coverage `json:"coverage"`
		}
		if err := json.Unmarshal(data, &e); err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		total.merge(e.Coverage)
	}
	return total, nil
}
