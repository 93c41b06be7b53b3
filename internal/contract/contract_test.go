package contract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

const (
	passwords     = "/v1/organizations/acme/databases/app-db/branches/main/passwords"
	roles         = "/v1/organizations/acme/databases/pg-db/branches/main/roles"
	serviceHeader = mockapi.DefaultServiceTokenID + ":" + mockapi.DefaultServiceToken
)

// recordingTB is a TB whose failures are kept, for tests of what Serve reports.
type recordingTB struct {
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (r *recordingTB) Helper()                        {}
func (r *recordingTB) Name() string                   { return "recording" }
func (r *recordingTB) Cleanup(f func())               { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Fatalf(format string, a ...any) { r.Errorf(format, a...) }
func (r *recordingTB) Errorf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}

// end runs the cleanups, as the end of a test does, and returns its failures.
func (r *recordingTB) end() []string {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	return r.errors
}

// post sends body with the default service token.
func post(t *testing.T, url string, body any) *http.Response {
	t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", serviceHeader)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp
}

func wantOneFailure(t *testing.T, failures []string, operation, field string) {
	t.Helper()
	if len(failures) != 1 {
		t.Fatalf("the test failed %d times, want once: %q", len(failures), failures)
	}
	if !strings.Contains(failures[0], operation+" ") || !strings.Contains(failures[0], field) {
		t.Errorf("failure %q does not name the operation %s and the field %q", failures[0], operation, field)
	}
}

// A test whose client sends a request field the document does not allow
// fails, and the failure names the operation and the field.
func TestWrongRequestFieldFailsTheTest(t *testing.T) {
	tb := &recordingTB{}
	srv := Serve(tb, mockapi.NewWithDefaultWorld())
	post(t, srv.URL+passwords, map[string]any{"role": "superuser"})
	wantOneFailure(t, tb.end(), "create_password", "request body /role")
}

// A mock that answers with a field the document does not allow fails the
// test, and the failure names the operation and the field.
func TestWrongResponseFieldFailsTheTest(t *testing.T) {
	mock := mockapi.NewWithDefaultWorld()
	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		held := httptest.NewRecorder()
		mock.ServeHTTP(held, r)
		var answer map[string]any
		_ = json.Unmarshal(held.Body.Bytes(), &answer)
		answer["replica"] = "yes" // a boolean in the document
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(held.Code)
		_ = json.NewEncoder(w).Encode(answer)
	})
	tb := &recordingTB{}
	srv := Serve(tb, broken)
	post(t, srv.URL+passwords, map[string]any{"name": "app"})
	wantOneFailure(t, tb.end(), "create_password", "response body /replica")
}

// A test that sends a wrong request on purpose says which, and passes.
func TestExpectViolation(t *testing.T) {
	tb := &recordingTB{}
	srv := Serve(tb, mockapi.NewWithDefaultWorld())
	post(t, srv.URL+passwords, map[string]any{"role": "superuser"})
	srv.ExpectViolation(tb, "create_password", "body /role")
	if failures := tb.end(); len(failures) > 0 {
		t.Errorf("failures = %q, want none", failures)
	}

	tb = &recordingTB{}
	srv = Serve(tb, mockapi.NewWithDefaultWorld())
	post(t, srv.URL+passwords, map[string]any{"role": "reader"})
	srv.ExpectViolation(tb, "create_password", "body /role")
	if failures := tb.end(); len(failures) != 1 || !strings.Contains(failures[0], "expected the API document to reject") {
		t.Errorf("failures = %q, want the one saying no violation was found", failures)
	}
}

// exchangeCase is one exchange that an exception is needed for: it passes
// with every exception, and fails without this one.
type exchangeCase struct {
	exception string
	method    string
	path      string
	auth      string
	body      any
	// answer, when set, answers instead of the mock.
	answer http.HandlerFunc
}

func errorAnswer(status int, header map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"code":"x","message":%q}`, http.StatusText(status))
	}
}

func TestEachExceptionIsNeeded(t *testing.T) {
	cases := []exchangeCase{
		{exception: "query-safety-values", method: http.MethodPost, path: roles, auth: serviceHeader,
			body: map[string]any{"require_where_on_delete": "off", "require_where_on_update": "on"}},
		{exception: "rate-limit", method: http.MethodGet, path: passwords, auth: serviceHeader,
			answer: errorAnswer(http.StatusTooManyRequests, map[string]string{"Retry-After": "1"})},
		{exception: "gateway-errors", method: http.MethodGet, path: roles, auth: serviceHeader,
			answer: errorAnswer(http.StatusServiceUnavailable, nil)},
		{exception: "unprocessable-422", method: http.MethodGet, path: passwords + "?per_page=0", auth: serviceHeader},
		{exception: "pscale-managed-role", method: http.MethodPost, path: roles, auth: serviceHeader,
			body: map[string]any{"inherited_roles": []string{"pscale_managed"}}},
		{exception: "service-token-authorization", method: http.MethodGet, path: passwords, auth: serviceHeader},
		{exception: "malformed-authorization-404", method: http.MethodGet, path: passwords, auth: mockapi.DefaultAccessToken},
	}
	covered := map[string]bool{"error-body": true} // it adds checks; TestErrorBodyIsChecked shows them
	for _, tc := range cases {
		covered[tc.exception] = true
		t.Run(tc.exception, func(t *testing.T) {
			with, err := New()
			if err != nil {
				t.Fatal(err)
			}
			if v := run(t, with, tc); len(v) > 0 {
				t.Fatalf("with every exception, the validator rejects the exchange: %v", v)
			}
			var others []Exception
			for _, e := range exceptions {
				if e.Name != tc.exception {
					others = append(others, e)
				}
			}
			without, err := newValidator(others)
			if err != nil {
				t.Fatal(err)
			}
			v := run(t, without, tc)
			if len(v) == 0 {
				t.Fatalf("without %s, the validator still accepts the exchange: the exception is not what lets it through", tc.exception)
			}
			t.Logf("without %s: %s", tc.exception, v[0])
		})
	}
	for _, e := range exceptions {
		if !covered[e.Name] {
			t.Errorf("exception %s has no exchange here that shows it is needed", e.Name)
		}
		if e.Reason == "" {
			t.Errorf("exception %s gives no reason", e.Name)
		}
	}
}

func run(t *testing.T, v *Validator, tc exchangeCase) []Violation {
	t.Helper()
	var h http.Handler = mockapi.NewWithDefaultWorld()
	if tc.answer != nil {
		h = tc.answer
	}
	var body []byte
	if tc.body != nil {
		body, _ = json.Marshal(tc.body)
	}
	req := httptest.NewRequest(tc.method, tc.path, bytes.NewReader(body))
	if tc.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", tc.auth)
	v.Handler(h).ServeHTTP(httptest.NewRecorder(), req)
	return v.Violations()
}

// The error-body exception makes the validator stricter: an error answer
// must be the API's {"code", "message"} object.
func TestErrorBodyIsChecked(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	html := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":"not found"}`))
	})
	got := run(t, v, exchangeCase{method: http.MethodGet, path: passwords + "/abc", auth: serviceHeader, answer: html})
	if !slices.ContainsFunc(got, func(v Violation) bool { return v.Operation == "get_password" && v.Rule == "required" }) {
		t.Errorf("violations = %v, want the missing code and message named", got)
	}
}

// An excuse is narrow: a malformed Authorization header answered with
// anything but 404 is still a violation.
func TestMalformedAuthorizationIsExcusedOnlyFor404(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	got := run(t, v, exchangeCase{method: http.MethodGet, path: passwords, auth: mockapi.DefaultAccessToken, answer: errorAnswer(http.StatusUnauthorized, nil)})
	if len(got) == 0 || got[0].Field != "header Authorization" {
		t.Errorf("violations = %v, want the malformed header named", got)
	}
}

// What the validator records for the coverage table.
func TestCoverageCountsAnswers(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	mock := mockapi.NewWithDefaultWorld()
	for _, status := range []int{0, 0, http.StatusServiceUnavailable} {
		h := http.Handler(mock)
		if status != 0 {
			h = errorAnswer(status, nil)
		}
		req := httptest.NewRequest(http.MethodGet, passwords, nil)
		req.Header.Set("Authorization", serviceHeader)
		v.Handler(h).ServeHTTP(httptest.NewRecorder(), req)
	}
	got := v.Coverage()["list_passwords"]
	if got[http.StatusOK] != 2 || got[http.StatusServiceUnavailable] != 1 {
		t.Errorf("coverage = %v, want 200 twice and 503 once", got)
	}
	dir := t.TempDir()
	if err := writeCoverage(dir, t.Name(), v.Coverage()); err != nil {
		t.Fatal(err)
	}
	if err := writeCoverage(dir, t.Name(), v.Coverage()); err != nil {
		t.Fatal(err)
	}
	total, err := ReadCoverage(dir)
	if err != nil {
		t.Fatal(err)
	}
	if total["list_passwords"][http.StatusOK] != 4 {
		t.Errorf("read back %v, want the two files added up", total)
	}
}

// The document's operations, as the coverage table lists them.
func TestOperations(t *testing.T) {
	ops, err := Operations()
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range mockapi.Routes() {
		if !slices.Contains(ops, route) {
			t.Errorf("the mock's route %s is not an operation of the document %v", route, ops)
		}
	}
	if len(ops) != 16 {
		t.Errorf("%d operations, want the document's 16: %v", len(ops), ops)
	}
}

// The document is the copy README.md names, unedited, and README.md lists
// every exception.
func TestREADMENamesTheDocumentAndTheExceptions(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(documentYAML)
	if !strings.Contains(string(readme), hex.EncodeToString(sum[:])) {
		t.Errorf("README.md does not name the document's SHA-256 %x: the copy was edited, or README.md not updated with a new copy", sum)
	}
	for _, e := range Exceptions() {
		if !strings.Contains(string(readme), "| `"+e.Name+"` |") {
			t.Errorf("README.md's table does not list the exception %s", e.Name)
		}
	}
}
