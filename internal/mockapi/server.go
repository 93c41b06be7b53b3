// Package mockapi is an in-memory stand-in for the PlanetScale API's branch
// password and Postgres role endpoints, written from the public API document.
// Acceptance tests run against it, and users can run it (see
// cmd/planetscale-mock) to try the provider without an account.
//
// It deliberately does not import the provider's API client: each is written
// from the document on its own, so a misreading in one shows up as a failure
// against the other.
package mockapi

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is a database's engine.
type Kind string

const (
	Vitess   Kind = "mysql"
	Postgres Kind = "postgresql"
)

// Credentials the mock accepts unless configured otherwise.
const (
	DefaultServiceTokenID = "mock-token-id"
	DefaultServiceToken   = "pscale_tkn_mock-service-token"
	DefaultAccessToken    = "pscale_oauth_mock-access-token"
)

// Server is the mock API. Its zero value is not usable; call New.
type Server struct {
	mu sync.Mutex

	serviceTokens map[string]string // token ID -> token
	accessTokens  map[string]bool

	databases map[string]*database // "org/db"
	passwords map[string]*password // by ID
	roles     map[string]*role     // by ID

	now func() time.Time
	// clockOff is what Advance added, in nanoseconds. It is read without
	// mu: an answer's Date header is written while a handler holds mu.
	clockOff atomic.Int64

	requests []*Request
	faults   []*Fault
	rng      *mathrand.Rand // for Fault.Probability; seeded so runs repeat

	seq int // creation order, so lists are stable

	// dbs, when set, backs credentials with real database servers.
	dbs *Databases

	// rateLimit, when set, limits requests per token like the real API.
	rateLimit *tokenLimits

	// rolesPendingGets makes new roles answer ready=false for this many GETs.
	rolesPendingGets int

	mux *http.ServeMux
}

type database struct {
	org, name string
	kind      Kind
	branches  map[string]string // branch name -> branch ID
	hidden    bool              // answered with 404, as to a token that cannot see it
}

// New returns a mock with no databases and the default credentials.
// Use AddDatabase or NewWithDefaultWorld to give it something to serve.
func New() *Server {
	s := &Server{
		serviceTokens: map[string]string{DefaultServiceTokenID: DefaultServiceToken},
		accessTokens:  map[string]bool{DefaultAccessToken: true},
		databases:     map[string]*database{},
		passwords:     map[string]*password{},
		roles:         map[string]*role{},
		now:           time.Now,
		rng:           mathrand.New(mathrand.NewPCG(1, 2)),
	}
	s.routes()
	return s
}

// NewWithDefaultWorld returns a mock holding organization "acme" with the
// Vitess database "app-db" and the Postgres database "pg-db", each with the
// branches "main" and "dev".
func NewWithDefaultWorld() *Server {
	s := New()
	s.AddDatabase("acme", "app-db", Vitess, "main", "dev")
	s.AddDatabase("acme", "pg-db", Postgres, "main", "dev")
	return s
}

// AddDatabase adds (or extends) a database with the given branches.
func (s *Server) AddDatabase(org, name string, kind Kind, branches ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := org + "/" + name
	db, ok := s.databases[key]
	if !ok {
		db = &database{org: org, name: name, kind: kind, branches: map[string]string{}}
		s.databases[key] = db
	}
	for _, b := range branches {
		if _, ok := db.branches[b]; !ok {
			db.branches[b] = randomString(12, lowerAlnum)
		}
	}
}

// SetServiceToken replaces the accepted service tokens with this one.
func (s *Server) SetServiceToken(id, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serviceTokens = map[string]string{id: token}
}

// AddServiceToken accepts one more service token: another actor, say,
// whose requests tests tell apart by their Authorization header.
func (s *Server) AddServiceToken(id, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serviceTokens[id] = token
}

// SetAccessToken replaces the accepted OAuth access tokens with this one.
func (s *Server) SetAccessToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessTokens = map[string]bool{token: true}
}

// Advance moves the mock's clock forward, so TTLs run out without waiting;
// database-backed roles expire in Postgres on the same clock. It panics when
// a database role cannot be changed, since the mock would then lie.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clockOff.Add(int64(d))
	for _, ro := range s.roles {
		if ro.expiresAt == nil {
			continue
		}
		if err := s.pgSyncExpiry(ro); err != nil {
			panic(fmt.Sprintf("mockapi: advancing the clock: %v", err))
		}
	}
}

// Now is the time on the mock's clock: the real time plus what Advance
// added.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clock()
}

func (s *Server) clock() time.Time {
	return s.now().Add(s.offset()).UTC()
}

func (s *Server) offset() time.Duration { return time.Duration(s.clockOff.Load()) }

func (s *Server) routes() {
	const branch = "/v1/organizations/{organization}/databases/{database}/branches/{branch}"
	handle := func(pattern, route string, h func(http.ResponseWriter, *http.Request, *database, string)) {
		method, path, _ := strings.Cut(pattern, " ")
		s.mux.HandleFunc(method+" "+branch+path, func(w http.ResponseWriter, r *http.Request) {
			s.serve(w, r, route, h)
		})
	}
	s.mux = http.NewServeMux()

	handle("GET /passwords", RouteListPasswords, s.listPasswords)
	handle("POST /passwords", RouteCreatePassword, s.createPassword)
	handle("GET /passwords/{id}", RouteGetPassword, s.getPassword)
	handle("PATCH /passwords/{id}", RouteUpdatePassword, s.updatePassword)
	handle("DELETE /passwords/{id}", RouteDeletePassword, s.deletePassword)
	handle("POST /passwords/{id}/renew", RouteRenewPassword, s.renewPassword)

	handle("GET /roles", RouteListRoles, s.listRoles)
	handle("POST /roles", RouteCreateRole, s.createRole)
	handle("GET /roles/{id}", RouteGetRole, s.getRole)
	handle("PATCH /roles/{id}", RouteUpdateRole, s.updateRole)
	handle("DELETE /roles/{id}", RouteDeleteRole, s.deleteRole)
	handle("POST /roles/{id}/renew", RouteRenewRole, s.renewRole)
	handle("POST /roles/{id}/reset", RouteResetRole, s.resetRole)
	handle("POST /roles/{id}/reassign", RouteReassignRole, s.reassignRole)

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "Not Found")
	})
}

// Route names, as the API document's operation IDs.
const (
	RouteListPasswords  = "list_passwords"
	RouteCreatePassword = "create_password"
	RouteGetPassword    = "get_password"
	RouteUpdatePassword = "update_password"
	RouteDeletePassword = "delete_password"
	RouteRenewPassword  = "renew_password"
	RouteListRoles      = "list_roles"
	RouteCreateRole     = "create_role"
	RouteGetRole        = "get_role"
	RouteUpdateRole     = "update_role"
	RouteDeleteRole     = "delete_role"
	RouteRenewRole      = "renew_role"
	RouteResetRole      = "reset_role"
	RouteReassignRole   = "reassign_role_objects"
)

// Routes are the operations the mock implements, by operation ID.
func Routes() []string {
	return []string{
		RouteListPasswords, RouteCreatePassword, RouteGetPassword, RouteUpdatePassword, RouteDeletePassword, RouteRenewPassword,
		RouteListRoles, RouteCreateRole, RouteGetRole, RouteUpdateRole, RouteDeleteRole, RouteRenewRole, RouteResetRole, RouteReassignRole,
	}
}

// ServeHTTP implements http.Handler. Every answer carries a Date header on
// the mock's clock, as the API's answers carry one on its own, so a client
// that follows the API's clock sees what Advance added.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(&datedWriter{ResponseWriter: w, clock: s.clock}, r)
}

// datedWriter sets the Date header when the answer starts, not when the
// request arrived: a fault's latency or a held answer passes on the clock
// too, and so may an Advance made meanwhile.
type datedWriter struct {
	http.ResponseWriter
	clock func() time.Time
	dated bool
}

func (d *datedWriter) date() {
	if !d.dated {
		d.dated = true
		d.Header().Set("Date", d.clock().Format(http.TimeFormat))
	}
}

func (d *datedWriter) WriteHeader(status int) {
	d.date()
	d.ResponseWriter.WriteHeader(status)
}

func (d *datedWriter) Write(b []byte) (int, error) {
	d.date()
	return d.ResponseWriter.Write(b)
}

func (d *datedWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := d.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	return hj.Hijack()
}

// serve runs what every route shares: request log, faults, auth, and finding
// the database and branch; the handler runs under the store's lock.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, route string, h func(http.ResponseWriter, *http.Request, *database, string)) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "Could not read the request body")
		return
	}
	rec := &statusRecorder{ResponseWriter: w}
	w = rec
	logged := s.record(r, route, body)
	defer s.setStatus(logged, rec)

	fault := s.takeFault(route, r.Header.Get("Authorization"))
	if fault != nil && fault.Before != nil {
		fault.Before()
	}
	if fault != nil && fault.Latency > 0 {
		select {
		case <-time.After(fault.Latency):
		case <-r.Context().Done():
			return
		}
	}
	if fault != nil && fault.CloseBeforeHandling {
		closeConnection(w)
		return
	}
	if fault != nil && fault.NotTheAPI {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = fmt.Fprintf(w, "no route for %s %s\nAuthorization: %s\n", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		return
	}
	if fault != nil && fault.Status != 0 && !fault.AfterCommit {
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		writeError(w, fault.Status, codeFor(fault.Status), http.StatusText(fault.Status))
		return
	}

	if header := r.Header.Get("Authorization"); header != "" && !wellFormedAuthorization(header) {
		// PlanetScale has been seen to answer a malformed header with 404,
		// which a client must not read as "the credential is gone".
		writeError(w, http.StatusNotFound, "not_found", "Not Found")
		return
	}
	if !s.authorized(r.Header.Get("Authorization")) {
		writeError(w, http.StatusUnauthorized, "unauthorized", "You must be authenticated to use this endpoint. Check your service token or access token.")
		return
	}
	if wait, limited := s.overLimit(r.Header.Get("Authorization")); limited {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		writeError(w, http.StatusTooManyRequests, "rate_limited", "API rate limit exceeded. Slow down and retry after the time in Retry-After.")
		return
	}

	s.mu.Lock()
	db, branchID, ok := s.findBranch(r)
	if !ok {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "not_found", "Not Found")
		return
	}
	r.Body = nopBody{strings.NewReader(string(body))}
	if fault != nil && fault.EmptyPage && r.Method == http.MethodGet && (route == RouteListPasswords || route == RouteListRoles) {
		s.mu.Unlock()
		writePage[struct{}](w, r, nil)
		return
	}
	if fault != nil && fault.Status != 0 && fault.AfterCommit {
		h(discardWriter{header: http.Header{}}, r, db, branchID)
		s.mu.Unlock()
		writeError(w, fault.Status, codeFor(fault.Status), http.StatusText(fault.Status))
		return
	}
	if fault != nil && fault.CloseAfterCommit {
		// Commit the change, then drop the connection before answering: the
		// client cannot know whether its request took effect.
		h(discardWriter{header: http.Header{}}, r, db, branchID)
		s.mu.Unlock()
		closeConnection(w)
		return
	}
	if fault != nil && fault.AnswerSecret != "" {
		held := httptest.NewRecorder()
		h(held, r, db, branchID)
		s.mu.Unlock()
		key := "plain_text"
		if strings.Contains(r.URL.Path, "/roles") {
			key = "password"
		}
		body := withSecret(held, key, fault.AnswerSecret)
		for k, v := range held.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(held.Code)
		_, _ = w.Write(body)
		return
	}
	if fault != nil && fault.HoldAnswer != nil {
		held := httptest.NewRecorder()
		h(held, r, db, branchID)
		s.mu.Unlock()
		<-fault.HoldAnswer
		for k, v := range held.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(held.Code)
		_, _ = w.Write(held.Body.Bytes())
		return
	}
	h(w, r, db, branchID)
	s.mu.Unlock()
}

// HideDatabase makes the mock answer 404 to every request about a database,
// as PlanetScale does for a token that cannot see it; hidden false shows it
// again. Its credentials are kept.
func (s *Server) HideDatabase(org, name string, hidden bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if db, ok := s.databases[org+"/"+name]; ok {
		db.hidden = hidden
	}
}

// wellFormedAuthorization reports a header of one of the two forms the API
// takes: "Bearer <token>" or "<service token id>:<service token>".
func wellFormedAuthorization(header string) bool {
	if token, ok := strings.CutPrefix(header, "Bearer "); ok {
		return token != "" && !strings.ContainsAny(token, " \t")
	}
	id, token, ok := strings.Cut(header, ":")
	return ok && id != "" && token != "" && !strings.ContainsAny(header, " \t")
}

func (s *Server) authorized(header string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token, ok := strings.CutPrefix(header, "Bearer "); ok {
		return s.accessTokens[token]
	}
	id, token, ok := strings.Cut(header, ":")
	if !ok {
		return false
	}
	want, known := s.serviceTokens[id]
	return known && want == token
}

func (s *Server) findBranch(r *http.Request) (*database, string, bool) {
	db, ok := s.databases[r.PathValue("organization")+"/"+r.PathValue("database")]
	if !ok || db.hidden {
		return nil, "", false
	}
	branchID, ok := db.branches[r.PathValue("branch")]
	if !ok {
		return nil, "", false
	}
	// Passwords exist only on Vitess databases, roles only on Postgres ones;
	// the API answers 404 for the other kind.
	isRoles := strings.Contains(r.URL.Path, "/roles")
	if (isRoles && db.kind != Postgres) || (!isRoles && db.kind != Vitess) {
		return nil, "", false
	}
	return db, branchID, true
}

// Request is one request the mock received, for tests to inspect.
type Request struct {
	Route  string
	Method string
	Path   string
	Query  url.Values
	// Body is the decoded JSON body, nil when there was none.
	Body map[string]any
	// Authorization is the header as sent.
	Authorization string
	UserAgent     string
	// Status is the HTTP status answered; 0 when the connection was dropped.
	Status int
	// At is when the request arrived.
	At time.Time
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	return hj.Hijack()
}

func (s *Server) setStatus(req *Request, rec *statusRecorder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req.Status = rec.status
}

func (s *Server) record(r *http.Request, route string, body []byte) *Request {
	req := Request{
		Route:         route,
		Method:        r.Method,
		Path:          r.URL.Path,
		Query:         r.URL.Query(),
		Authorization: r.Header.Get("Authorization"),
		UserAgent:     r.Header.Get("User-Agent"),
		At:            time.Now(),
	}
	if len(body) > 0 {
		_ = json.Unmarshal(body, &req.Body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, &req)
	return &req
}

// Requests returns the requests received on route, oldest first; an empty
// route returns all of them.
func (s *Server) Requests(route string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if route == "" || r.Route == route {
			out = append(out, *r)
		}
	}
	return out
}

// RequestCount is len(Requests(route)).
func (s *Server) RequestCount(route string) int {
	return len(s.Requests(route))
}

// RequestCounts returns the number of requests per route.
func (s *Server) RequestCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, r := range s.requests {
		out[r.Route]++
	}
	return out
}

// ResetRequests forgets the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"code": code, "message": message})
}

func codeFor(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusUnprocessableEntity:
		return "unprocessable"
	case http.StatusTooManyRequests:
		return "rate_limited"
	default:
		return strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
	}
}

func unprocessable(w http.ResponseWriter, format string, args ...any) {
	writeError(w, http.StatusUnprocessableEntity, "unprocessable", fmt.Sprintf(format, args...))
}

// decodeStrict decodes a JSON object body, rejecting fields the endpoint does
// not document, so a client that sends more than the API accepts is caught.
func decodeStrict(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		unprocessable(w, "Invalid request body: %v", err)
		return false
	}
	return true
}

// page applies page/per_page to n items and writes the API's list envelope.
func writePage[T any](w http.ResponseWriter, r *http.Request, items []T) {
	pageNum, perPage := 1, 25
	q := r.URL.Query()
	if v := q.Get("page"); v != "" {
		if _, err := fmt.Sscan(v, &pageNum); err != nil || pageNum < 1 {
			unprocessable(w, "page must be a positive integer")
			return
		}
	}
	if v := q.Get("per_page"); v != "" {
		if _, err := fmt.Sscan(v, &perPage); err != nil || perPage < 1 || perPage > 100 {
			unprocessable(w, "per_page must be between 1 and 100")
			return
		}
	}
	total := len(items)
	totalPages := (total + perPage - 1) / perPage
	start := min((pageNum-1)*perPage, total)
	end := min(start+perPage, total)

	pageURL := func(p int) *string {
		u := *r.URL
		v := u.Query()
		v.Set("page", fmt.Sprint(p))
		v.Set("per_page", fmt.Sprint(perPage))
		u.RawQuery = v.Encode()
		s := u.String()
		return &s
	}
	var next, prev *int
	var nextURL, prevURL *string
	if pageNum < totalPages {
		n := pageNum + 1
		next, nextURL = &n, pageURL(n)
	}
	if pageNum > 1 {
		p := pageNum - 1
		prev, prevURL = &p, pageURL(p)
	}
	data := items[start:end]
	if data == nil {
		data = []T{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"type":          "list",
		"current_page":  pageNum,
		"per_page":      perPage,
		"next_page":     next,
		"next_page_url": nextURL,
		"prev_page":     prev,
		"prev_page_url": prevURL,
		"total_count":   total,
		"total_pages":   totalPages,
		"data":          data,
	})
}

const (
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	mixedAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	size := big.NewInt(int64(len(alphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, size)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
