// Package contract judges requests and answers by the PlanetScale API
// document, with kin-openapi's validator. Tests serve the mock API through
// Serve, so every request a client sends it and every answer it gives is
// checked against the document's operation; the mock's own binary checks and
// logs the same way.
//
// The document is copied into this package (see README.md for where it came
// from). Where it is known to be wrong or silent, exceptions.go says so, each
// exception with its reason; they are the only way around the validator.
package contract

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

//go:embed openapi-passwords-roles.yaml
var documentYAML []byte

// Document is the API document with the exceptions applied.
func Document() (*openapi3.T, error) {
	return load(exceptions)
}

func load(with []Exception) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(documentYAML)
	if err != nil {
		return nil, fmt.Errorf("loading the API document: %w", err)
	}
	// The document names the production host; the mock and test servers
	// serve the same paths under /v1 on whatever host they listen on.
	doc.Servers = openapi3.Servers{{URL: "/v1"}}
	for _, e := range with {
		if e.amend != nil {
			e.amend(doc)
		}
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the API document (with its exceptions) is not valid OpenAPI: %w", err)
	}
	return doc, nil
}

// Violation is one way an exchange broke the document.
type Violation struct {
	Operation string // the document's operation ID, or "" when no operation matches
	Method    string
	Path      string
	Status    int    // the answer's status; 0 when there was none
	Side      string // "request" or "response"
	Field     string // what broke it: "body /data/0/name", "header Authorization", "status"
	Rule      string // the rule it broke: "required", "enum", "type", "status", ...
	Message   string
}

func (v Violation) String() string {
	op := v.Operation
	if op == "" {
		op = "(no operation)"
	}
	return fmt.Sprintf("%s %s %s: %s %s breaks %q: %s (answered %d)", op, v.Method, v.Path, v.Side, v.Field, v.Rule, v.Message, v.Status)
}

// Validator checks exchanges against the document and keeps what it found:
// the violations, and how often each operation was answered with each status.
type Validator struct {
	router     routers.Router
	exceptions []Exception

	mu         sync.Mutex
	violations []Violation
	coverage   Coverage
	report     func(Violation)
}

// Report calls f with each violation as the validator finds it, for a
// server that logs them (the mock's own binary) rather than fails a test.
func (v *Validator) Report(f func(Violation)) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.report = f
}

// New returns a validator for the document with its exceptions.
func New() (*Validator, error) {
	router, err := documentRouter()
	if err != nil {
		return nil, err
	}
	return &Validator{router: router, exceptions: exceptions, coverage: Coverage{}}, nil
}

// documentRouter is loaded once: every test server shares it, and it is
// only read.
var documentRouter = sync.OnceValues(func() (routers.Router, error) { return newRouter(exceptions) })

func newRouter(with []Exception) (routers.Router, error) {
	doc, err := load(with)
	if err != nil {
		return nil, err
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing the API document: %w", err)
	}
	return router, nil
}

// newValidator is a validator with only the given exceptions, for tests
// that show what each exception is for.
func newValidator(with []Exception) (*Validator, error) {
	router, err := newRouter(with)
	if err != nil {
		return nil, err
	}
	return &Validator{router: router, exceptions: with, coverage: Coverage{}}, nil
}

// Handler checks each request before next serves it and each answer next
// gives. It changes nothing in either: the mock behaves as it would without it.
func (v *Validator) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		_ = r.Body.Close()

		route, params, findErr := v.router.FindRoute(checkedCopy(r, body))
		ex := exchange{method: r.Method, path: r.URL.Path, found: findErr == nil}
		var requestErr error
		if ex.found {
			ex.operation = route.Operation.OperationID
			ex.input = &openapi3filter.RequestValidationInput{
				Request:    checkedCopy(r, body),
				PathParams: params,
				Route:      route,
				Options:    options(),
			}
			requestErr = openapi3filter.ValidateRequest(r.Context(), ex.input)
		}

		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)

		ex.status = rec.status
		var found []Violation
		switch {
		case findErr != nil:
			found = append(found, ex.violation("request", "path", "operation", "no operation in the document has this method and path"))
		default:
			found = append(found, ex.flatten("request", requestErr)...)
			// A handler that stops because its client went away answers
			// nothing; net/http would answer 200 to a client still there.
			clientGone := rec.status == 0 && r.Context().Err() != nil
			if !rec.hijacked && !clientGone {
				if rec.status == 0 {
					ex.status = http.StatusOK
				}
				found = append(found, ex.flatten("response", v.validateResponse(r.Context(), ex, rec))...)
			}
		}
		v.record(ex, found)
	})
}

func options() *openapi3filter.Options {
	return &openapi3filter.Options{
		IncludeResponseStatus:             true,
		MultiError:                        true,
		RejectWhenRequestBodyNotSpecified: true,
		SkipSettingDefaults:               true,
		AuthenticationFunc:                authenticate,
	}
}

// checkedCopy is r with its own reader over body, for the validator to read.
func checkedCopy(r *http.Request, body []byte) *http.Request {
	c := r.Clone(r.Context())
	c.Body = io.NopCloser(bytes.NewReader(body))
	c.ContentLength = int64(len(body))
	return c
}

func (v *Validator) validateResponse(ctx context.Context, ex exchange, rec *recorder) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: ex.input,
		Status:                 ex.status,
		Header:                 rec.header,
		Options:                options(),
	}
	in.SetBodyBytes(rec.body.Bytes())
	return openapi3filter.ValidateResponse(ctx, in)
}

func (v *Validator) record(ex exchange, found []Violation) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !ex.found {
		v.coverage.add(ex.method+" "+ex.path, ex.status)
	} else {
		v.coverage.add(ex.operation, ex.status)
	}
	for _, violation := range found {
		if excused(v.exceptions, ex, violation) {
			continue
		}
		v.violations = append(v.violations, violation)
		if v.report != nil {
			v.report(violation)
		}
	}
}

// Violations returns what the validator found so far, oldest first.
func (v *Validator) Violations() []Violation {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]Violation(nil), v.violations...)
}

// Excuse removes and returns the violations that match: for a caller that
// made the mock break the document on purpose (a fault that answers as
// something other than the API).
func (v *Validator) Excuse(match func(Violation) bool) []Violation {
	return v.take(match)
}

// take removes and returns the violations that match.
func (v *Validator) take(match func(Violation) bool) []Violation {
	v.mu.Lock()
	defer v.mu.Unlock()
	var taken, kept []Violation
	for _, violation := range v.violations {
		if match(violation) {
			taken = append(taken, violation)
		} else {
			kept = append(kept, violation)
		}
	}
	v.violations = kept
	return taken
}

// Coverage returns how often each operation was answered with each status.
func (v *Validator) Coverage() Coverage {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := Coverage{}
	out.merge(v.coverage)
	return out
}

// exchange is one request and its answer, as the validator saw them.
type exchange struct {
	method, path string
	found        bool
	operation    string
	input        *openapi3filter.RequestValidationInput
	status       int
}

func (ex exchange) violation(side, field, rule, message string) Violation {
	return Violation{Operation: ex.operation, Method: ex.method, Path: ex.path, Status: ex.status, Side: side, Field: field, Rule: rule, Message: message}
}

// flatten turns kin-openapi's error tree into violations, each naming the
// field and the rule.
func (ex exchange) flatten(side string, err error) []Violation {
	if err == nil {
		return nil
	}
	var multi openapi3.MultiError
	if errors.As(err, &multi) && !isSchemaError(err) {
		var out []Violation
		for _, e := range multi {
			out = append(out, ex.flatten(side, e)...)
		}
		return out
	}
	var requestErr *openapi3filter.RequestError
	var responseErr *openapi3filter.ResponseError
	var securityErr *openapi3filter.SecurityRequirementsError
	switch {
	case errors.As(err, &securityErr):
		var out []Violation
		for _, e := range securityErr.Errors {
			out = append(out, ex.violation(side, "header Authorization", "security", e.Error()))
		}
		if len(out) == 0 {
			out = append(out, ex.violation(side, "header Authorization", "security", securityErr.Error()))
		}
		return out
	case errors.As(err, &requestErr):
		field := "body"
		if p := requestErr.Parameter; p != nil {
			field = p.In + " " + p.Name
		}
		return ex.schemaViolations(side, field, requestErr.Err, requestErr.Reason)
	case errors.As(err, &responseErr):
		field := "body"
		if responseErr.Reason == "status is not supported" {
			return []Violation{ex.violation(side, "status", "status", fmt.Sprintf("the document gives %s no %d answer", ex.operation, ex.status))}
		}
		if strings.HasPrefix(responseErr.Reason, "response header") {
			field = "header"
		}
		return ex.schemaViolations(side, field, responseErr.Err, responseErr.Reason)
	default:
		return []Violation{ex.violation(side, "", "", err.Error())}
	}
}

func isSchemaError(err error) bool {
	var schemaErr *openapi3.SchemaError
	return errors.As(err, &schemaErr)
}

func (ex exchange) schemaViolations(side, field string, err error, reason string) []Violation {
	if err == nil {
		return []Violation{ex.violation(side, field, "", reason)}
	}
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		var out []Violation
		for _, e := range multi {
			out = append(out, ex.schemaViolations(side, field, e, reason)...)
		}
		return out
	}
	var schemaErr *openapi3.SchemaError
	if errors.As(err, &schemaErr) {
		pointer := "/" + strings.Join(schemaErr.JSONPointer(), "/")
		return []Violation{ex.violation(side, field+" "+pointer, schemaErr.SchemaField, schemaErr.Reason)}
	}
	message := err.Error()
	if reason != "" && !strings.Contains(message, reason) {
		message = reason + ": " + message
	}
	return []Violation{ex.violation(side, field, "", message)}
}

// recorder passes an answer through and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	status   int
	header   http.Header
	body     bytes.Buffer
	hijacked bool
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
		r.header = r.ResponseWriter.Header().Clone()
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// Hijack hands over the connection: the mock drops connections to model a
// lost answer, and then there is no answer to check.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	r.hijacked = true
	return hj.Hijack()
}

// Coverage counts answers by operation and status.
type Coverage map[string]map[int]int

func (c Coverage) add(operation string, status int) {
	if c[operation] == nil {
		c[operation] = map[int]int{}
	}
	c[operation][status]++
}

func (c Coverage) merge(other Coverage) {
	for op, statuses := range other {
		for status, n := range statuses {
			if c[op] == nil {
				c[op] = map[int]int{}
			}
			c[op][status] += n
		}
	}
}

// Operations are the document's password and role operation IDs, in the
// document's order.
func Operations() ([]string, error) {
	doc, err := Document()
	if err != nil {
		return nil, err
	}
	var ops []string
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			ops = append(ops, op.OperationID)
		}
	}
	sort.Strings(ops)
	return ops, nil
}
