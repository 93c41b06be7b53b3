package planetscale_test

// The fault harness, client level: seeded random schedules of operations on
// both kinds of credential, with faults injected (5xx before and after the
// API acted, lost answers, connection resets, 429s, lagging lists, a token
// that suddenly sees nothing, a stop before sending, during a retry wait and
// after sending) while another actor creates, renames and deletes
// credentials of the same names. After every step the invariants are
// checked against the mock itself:
//
//	(a) nothing the other actor made is deleted or renamed;
//	(b) the API holds only our credentials, the other actor's, and ones an
//	    error told the caller about by name; every secret we hold works;
//	(c) after a stop, no create, rename, renew or reset is sent;
//	(e) no secret or token appears in a log line or an error;
//	(z) every exchange with the mock keeps the API document (internal/contract).
//
// A failing schedule is shrunk to the fewest steps that still fail and
// printed with its seed. PLANETSCALE_HARNESS_SCHEDULES sets how many run
// (make soak raises it); PLANETSCALE_HARNESS_SEED runs one seed.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// harnessCount reads a schedule count from the environment.
func harnessCount(t *testing.T, env string, fallback int) int {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		return fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a count", env, v)
	}
	return n
}

func TestFaultHarnessClient(t *testing.T) {
	t.Parallel()
	seeds := []uint64{}
	if v := os.Getenv("PLANETSCALE_HARNESS_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("PLANETSCALE_HARNESS_SEED=%q: %v", v, err)
		}
		seeds = append(seeds, seed)
	} else {
		n := harnessCount(t, "PLANETSCALE_HARNESS_SCHEDULES", 300)
		if testing.Short() {
			n = min(n, 50)
		}
		base := uint64(time.Now().UnixNano())
		if v := os.Getenv("PLANETSCALE_HARNESS_BASE_SEED"); v != "" {
			base, _ = strconv.ParseUint(v, 10, 64)
		}
		for i := range n {
			seeds = append(seeds, base+uint64(i))
		}
	}
	found := 0
	for _, seed := range seeds {
		steps := newSchedule(seed)
		if problem := runSchedule(steps); problem != "" {
			found++
			minimal := shrink(steps)
			t.Errorf("schedule with seed %d breaks an invariant: %s\nminimal trace (PLANETSCALE_HARNESS_SEED=%d reruns it):\n%s\nfails with: %s",
				seed, problem, seed, traceOf(minimal), runSchedule(minimal))
			if found >= 3 {
				break
			}
		}
	}
	t.Logf("%d client schedules ran, %d broke an invariant", len(seeds), found)
}

// step is one operation, the fault its requests meet, and when (if at all)
// the caller stops.
type step struct {
	op     string // see apply
	kind   string // "password" or "role"
	named  bool   // a configured name (else a generated one)
	name   string // the configured name, or the other actor's
	pick   int    // which credential the operation is about
	fault  *mockapi.Fault
	faultN string // what the fault is, for the trace
	extra  *mockapi.Fault
	extraN string
	stop   string // "", "before", "wait", "sent"
}

func (s step) String() string {
	out := s.op + " " + s.kind
	if s.op == "create" && s.named {
		out += " named " + s.name
	} else if s.op == "create" {
		out += " with a generated name"
	}
	if strings.HasPrefix(s.op, "other") || s.op == "rename" {
		out += fmt.Sprintf(" #%d to %q", s.pick, s.name)
	} else if s.op != "create" && s.op != "list" && s.op != "see" && s.op != "unsee" {
		out += fmt.Sprintf(" #%d", s.pick)
	}
	if s.faultN != "" {
		out += "; fault: " + s.faultN
	}
	if s.extraN != "" {
		out += "; and fault: " + s.extraN
	}
	if s.stop != "" {
		out += "; stop: " + s.stop
	}
	return out
}

func traceOf(steps []step) string {
	var b strings.Builder
	for i, s := range steps {
		fmt.Fprintf(&b, "  %2d. %s\n", i+1, s)
	}
	return b.String()
}

var sharedNames = []string{"app", "app-2", "terraform-pending-0123456789abcdef01234567", "terraform-0123456789abcdef"}

func newSchedule(seed uint64) []step {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	steps := make([]step, 8+rng.IntN(10))
	for i := range steps {
		s := step{kind: []string{"password", "role"}[rng.IntN(2)], pick: rng.IntN(4), name: sharedNames[rng.IntN(len(sharedNames))]}
		switch r := rng.IntN(100); {
		case r < 30:
			s.op, s.named = "create", rng.IntN(3) > 0
		case r < 40:
			s.op = "rename"
		case r < 48:
			s.op = "renew"
		case r < 55:
			s.op, s.kind = "reset", "role"
		case r < 65:
			s.op = "delete"
		case r < 70:
			s.op = "list"
		case r < 78:
			s.op = "other-create"
		case r < 83:
			s.op = "other-rename"
		case r < 88:
			s.op = "other-delete"
		case r < 94:
			s.op = "unsee"
		default:
			s.op = "see"
		}
		if !strings.HasPrefix(s.op, "other") && s.op != "see" && s.op != "unsee" {
			addFault(rng, &s)
			// Faults come in pairs too: a lost create whose cleanup's
			// list lags, say.
			if s.fault != nil && rng.IntN(3) == 0 {
				first, firstN := s.fault, s.faultN
				addFault(rng, &s)
				if s.fault != nil && s.fault != first {
					s.extra, s.extraN = first, firstN
				} else {
					s.fault, s.faultN = first, firstN
				}
			}
		}
		steps[i] = s
	}
	return steps
}

// routesOf are the routes an operation's requests take, the first its own.
func routesOf(op, kind string) []string {
	p := kind == "password"
	pick := func(pw, ro string) string {
		if p {
			return pw
		}
		return ro
	}
	switch op {
	case "create":
		return []string{pick(mockapi.RouteCreatePassword, mockapi.RouteCreateRole), pick(mockapi.RouteListPasswords, mockapi.RouteListRoles),
			pick(mockapi.RouteUpdatePassword, mockapi.RouteUpdateRole), pick(mockapi.RouteDeletePassword, mockapi.RouteDeleteRole)}
	case "rename":
		return []string{pick(mockapi.RouteUpdatePassword, mockapi.RouteUpdateRole)}
	case "renew":
		return []string{pick(mockapi.RouteRenewPassword, mockapi.RouteRenewRole)}
	case "reset":
		return []string{mockapi.RouteResetRole}
	case "delete":
		return []string{pick(mockapi.RouteDeletePassword, mockapi.RouteDeleteRole)}
	default:
		return []string{pick(mockapi.RouteListPasswords, mockapi.RouteListRoles)}
	}
}

func addFault(rng *rand.Rand, s *step) {
	routes := routesOf(s.op, s.kind)
	route := routes[rng.IntN(len(routes))]
	// Faults meet our requests only: the other actor's go through.
	f := &mockapi.Fault{Route: route, Times: 1 + rng.IntN(2), Authorization: mockapi.DefaultServiceTokenID + ":" + mockapi.DefaultServiceToken}
	switch rng.IntN(13) {
	case 0:
		return // no fault
	case 11:
		f.Status, s.faultN = http.StatusUnprocessableEntity, "422 (the API refuses)"
	case 1:
		f.Status, s.faultN = []int{502, 503, 504}[rng.IntN(3)], "5xx before acting"
	case 2:
		f.Status, f.AfterCommit, s.faultN = []int{500, 502, 503}[rng.IntN(3)], true, "5xx after acting"
	case 3:
		f.CloseAfterCommit, s.faultN = true, "answer lost after acting"
	case 4:
		f.CloseBeforeHandling, s.faultN = true, "connection reset before acting"
	case 5:
		f.Status, f.RetryAfter, s.faultN = http.StatusTooManyRequests, "0", "429"
	case 6:
		f.EmptyPage, s.faultN = true, "list lags"
	case 7:
		s.faultN = "the other actor makes a same-named credential as the request arrives"
	case 8:
		s.faultN = "the token stops seeing the database as the request arrives"
	case 9:
		f.Status, f.RetryAfter, s.faultN = http.StatusTooManyRequests, "0", "429, then a stop during the retry wait"
		s.stop = "wait"
	case 10:
		s.faultN = "a stop as the request arrives"
		s.stop = "sent"
	case 12:
		f.NotTheAPI, s.faultN = true, "a page that is not the API's, quoting the request's Authorization"
	}
	s.faultN += " (" + route + ")"
	s.fault = f
	if s.stop == "" && rng.IntN(12) == 0 {
		s.stop = "before"
	}
}

// world is the model a schedule is checked against.
type world struct {
	mock     *mockapi.Server
	contract *contract.Validator
	client   *planetscale.Client
	direct   *planetscale.Client // the other actor, with its own token

	mu       sync.Mutex
	logs     []string
	errs     []string
	onLog    func(msg string)
	stopAt   int // index in the mock's request log at the stop; -1: none
	stopOp   string
	ours     []*owned
	theirs   map[string]string // ID → the name the other actor gave it
	secrets  []string
	hidden   bool
	problems []string
}

type owned struct {
	kind, id, name string
	secret         string
	secretKnown    bool
}

const otherTokenID, otherToken = "other-actor", "pscale_tkn_other-actor-secret"

func newWorld() (*world, func()) {
	mock := mockapi.NewWithDefaultWorld()
	mock.AddServiceToken(otherTokenID, otherToken)
	srv, err := contract.Start(mock)
	if err != nil {
		panic(err)
	}
	w := &world{mock: mock, contract: srv.Validator, theirs: map[string]string{}, stopAt: -1}
	w.client, err = planetscale.New(planetscale.Config{
		BaseURL: srv.URL + "/v1", ServiceTokenID: mockapi.DefaultServiceTokenID, ServiceToken: mockapi.DefaultServiceToken,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 4 * time.Millisecond, MaxRetries: 3, Unpaced: true,
		Log: func(_ context.Context, msg string, fields map[string]any) {
			w.mu.Lock()
			w.logs = append(w.logs, fmt.Sprint(msg, " ", fields))
			hook := w.onLog
			w.mu.Unlock()
			if hook != nil {
				hook(msg)
			}
		},
	})
	if err != nil {
		panic(err)
	}
	w.direct, err = planetscale.New(planetscale.Config{
		BaseURL: srv.URL + "/v1", ServiceTokenID: otherTokenID, ServiceToken: otherToken, NoRetries: true, Unpaced: true,
	})
	if err != nil {
		panic(err)
	}
	return w, func() {
		srv.Close()
		if err := srv.WriteCoverage("TestFaultHarnessClient"); err != nil {
			panic(err)
		}
	}
}

var (
	vitessBranch   = planetscale.Branch{Organization: "acme", Database: "app-db", Branch: "main"}
	postgresBranch = planetscale.Branch{Organization: "acme", Database: "pg-db", Branch: "main"}
)

func branchOf(kind string) planetscale.Branch {
	if kind == "password" {
		return vitessBranch
	}
	return postgresBranch
}

// runSchedule runs steps in a fresh world; it returns the first broken
// invariant, or "".
func runSchedule(steps []step) string {
	w, stop := newWorld()
	defer stop()
	for i, s := range steps {
		w.apply(s)
		if problem := w.check(); problem != "" {
			return fmt.Sprintf("after step %d (%s): %s", i+1, s, problem)
		}
	}
	// The end of a run: the token sees again, faults are over, and every
	// credential we hold is deleted; what is left is only the other actor's
	// and what errors named.
	w.mock.ClearFaults()
	w.see(true)
	for _, o := range slices.Clone(w.ours) {
		// A 404 with the branch visible is gone: an earlier delete acted
		// before its answer was lost.
		if err := w.remove(context.Background(), o); err != nil && !planetscale.IsNotFound(err) {
			return fmt.Sprintf("at the end: deleting %s %s failed with the API healthy: %v", o.kind, o.id, err)
		}
		w.forget(o.id)
	}
	if problem := w.check(); problem != "" {
		return "at the end: " + problem
	}
	return ""
}

func (w *world) see(visible bool) {
	w.hidden = !visible
	w.mock.HideDatabase("acme", "app-db", !visible)
	w.mock.HideDatabase("acme", "pg-db", !visible)
}

func (w *world) forget(id string) {
	w.ours = slices.DeleteFunc(w.ours, func(o *owned) bool { return o.id == id })
}

func (w *world) pickOurs(s step) *owned {
	var of []*owned
	for _, o := range w.ours {
		if s.kind == "" || o.kind == s.kind {
			of = append(of, o)
		}
	}
	if len(of) == 0 {
		return nil
	}
	return of[s.pick%len(of)]
}

func (w *world) pickTheirs(s step) (string, bool) {
	var ids []string
	for id := range w.theirs {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return "", false
	}
	slices.Sort(ids)
	return ids[s.pick%len(ids)], true
}

// otherCreate is the other actor making a credential of a name.
func (w *world) otherCreate(kind, name string) {
	ctx := context.Background()
	if kind == "password" {
		if p, err := w.direct.CreatePassword(ctx, vitessBranch, planetscale.CreatePasswordRequest{Name: name, TTL: ptr(int64(3600))}); err == nil {
			w.mu.Lock()
			w.theirs[p.ID] = name
			w.mu.Unlock()
		}
		return
	}
	if ro, err := w.direct.CreateRole(ctx, postgresBranch, planetscale.CreateRoleRequest{Name: name}); err == nil {
		w.mu.Lock()
		w.theirs[ro.ID] = name
		w.mu.Unlock()
	}
}

func (w *world) remove(ctx context.Context, o *owned) error {
	if o.kind == "password" {
		return w.client.DeletePassword(ctx, vitessBranch, o.id)
	}
	return w.client.DeleteRole(ctx, postgresBranch, o.id, "")
}

func (w *world) apply(s step) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopNow := func() {
		w.mu.Lock()
		if w.stopAt < 0 {
			w.stopAt, w.stopOp = len(w.mock.Requests("")), s.op
		}
		w.mu.Unlock()
		cancel()
	}
	w.mu.Lock()
	w.stopAt, w.onLog = -1, nil
	w.mu.Unlock()
	if s.extra != nil {
		w.mock.Inject(*s.extra)
	}
	if s.fault != nil {
		f := *s.fault
		switch {
		case strings.HasPrefix(s.faultN, "the other actor"):
			f.Before = func() { w.otherCreate(s.kind, s.name) }
		case strings.HasPrefix(s.faultN, "the token stops"):
			f.Before = func() { w.see(false) }
		case s.stop == "sent":
			f.Before = stopNow
		}
		w.mock.Inject(f)
	}
	if s.stop == "wait" {
		w.mu.Lock()
		w.onLog = func(msg string) {
			if strings.Contains(msg, "will be retried") {
				stopNow()
			}
		}
		w.mu.Unlock()
	}
	if s.stop == "before" {
		stopNow()
	}
	defer w.mock.ClearFaults()
	if (s.fault != nil && s.fault.NotTheAPI) || (s.extra != nil && s.extra.NotTheAPI) {
		// Such a page breaks the API document on purpose: (z) is about the
		// API's answers.
		defer w.contract.Excuse(func(v contract.Violation) bool { return v.Side == "response" && v.Status == http.StatusNotFound })
	}

	b := branchOf(s.kind)
	switch s.op {
	case "create":
		w.create(ctx, s)
	case "rename":
		if o := w.pickOurs(s); o != nil {
			var err error
			if o.kind == "password" {
				_, err = w.client.UpdatePassword(ctx, b, o.id, planetscale.UpdatePasswordRequest{Name: &s.name})
			} else {
				_, err = w.client.UpdateRole(ctx, b, o.id, planetscale.UpdateRoleRequest{Name: &s.name})
			}
			w.record(err)
			if err == nil {
				o.name = s.name
			}
		}
	case "renew":
		if o := w.pickOurs(s); o != nil {
			var err error
			if o.kind == "password" {
				_, err = w.client.RenewPassword(ctx, b, o.id)
			} else {
				_, err = w.client.RenewRole(ctx, b, o.id)
			}
			w.record(err)
		}
	case "reset":
		if o := w.pickOurs(s); o != nil {
			ro, err := w.client.ResetRole(ctx, b, o.id)
			w.record(err)
			switch {
			case err == nil:
				o.secret, o.secretKnown = *ro.Password, true
				w.secrets = append(w.secrets, o.secret)
			case planetscale.OutcomeUnknown(err):
				o.secretKnown = false // the error said the reset may have acted
			}
		}
	case "delete":
		if o := w.pickOurs(s); o != nil {
			err := w.remove(ctx, o)
			w.record(err)
			if err == nil {
				w.forget(o.id)
			}
		}
	case "list":
		var err error
		if s.kind == "password" {
			_, err = w.client.ListAllPasswords(ctx, b, planetscale.ListOptions{})
		} else {
			_, err = w.client.ListAllRoles(ctx, b, planetscale.ListOptions{})
		}
		w.record(err)
	case "other-create":
		w.otherCreate(s.kind, s.name)
	case "other-rename":
		if id, ok := w.pickTheirs(s); ok {
			var err error
			if _, isPassword := w.mock.Password(id); isPassword {
				_, err = w.direct.UpdatePassword(context.Background(), vitessBranch, id, planetscale.UpdatePasswordRequest{Name: &s.name})
			} else {
				_, err = w.direct.UpdateRole(context.Background(), postgresBranch, id, planetscale.UpdateRoleRequest{Name: &s.name})
			}
			if err == nil {
				w.theirs[id] = s.name
			}
		}
	case "other-delete":
		if id, ok := w.pickTheirs(s); ok {
			var err error
			if _, isPassword := w.mock.Password(id); isPassword {
				err = w.direct.DeletePassword(context.Background(), vitessBranch, id)
			} else {
				err = w.direct.DeleteRole(context.Background(), postgresBranch, id, "")
			}
			if err == nil {
				delete(w.theirs, id)
			}
		}
	case "unsee":
		w.see(false)
	case "see":
		w.see(true)
	}
	w.checkStop()
}

func (w *world) create(ctx context.Context, s step) {
	name := s.name
	origin := planetscale.NameGiven
	if !s.named {
		name, origin = fmt.Sprintf("terraform-%016x", rand.Uint64()), planetscale.NameGenerated
	}
	b := branchOf(s.kind)
	var o *owned
	var err error
	if s.kind == "password" {
		var p *planetscale.Password
		p, err = w.client.CreatePasswordNoOrphan(ctx, b, planetscale.CreatePasswordRequest{Name: name, TTL: ptr(int64(3600))}, origin)
		if p != nil {
			o = &owned{kind: s.kind, id: p.ID, name: p.Name, secret: *p.PlainText, secretKnown: true}
		}
	} else {
		var ro *planetscale.Role
		ro, err = w.client.CreateRoleNoOrphan(ctx, b, planetscale.CreateRoleRequest{Name: name}, origin)
		if ro != nil {
			o = &owned{kind: s.kind, id: ro.ID, name: ro.Name, secret: *ro.Password, secretKnown: true}
		}
	}
	w.record(err)
	var followUp *planetscale.FollowUpError
	switch {
	case err == nil && o == nil:
		w.problems = append(w.problems, "a create returned neither a credential nor an error")
	case err != nil && o != nil && !errors.As(err, &followUp):
		w.problems = append(w.problems, fmt.Sprintf("a create returned a credential with an error that is not a FollowUpError: %v", err))
	case err != nil && o == nil && errors.As(err, &followUp):
		w.problems = append(w.problems, "a FollowUpError came without its credential")
	}
	if o != nil {
		w.ours = append(w.ours, o)
		w.secrets = append(w.secrets, o.secret)
		if err == nil && o.name != name {
			w.problems = append(w.problems, fmt.Sprintf("created %s named %q, want %q", o.id, o.name, name))
		}
	}
}

func (w *world) record(err error) {
	if err != nil {
		w.errs = append(w.errs, err.Error())
	}
}

// checkStop: after a stop, nothing that creates or changes was sent; a
// read or delete was not sent again either, but for the removal of what a
// create with an unknown outcome made.
func (w *world) checkStop() {
	w.mu.Lock()
	at, op := w.stopAt, w.stopOp
	w.mu.Unlock()
	if at < 0 {
		return
	}
	reqs := w.mock.Requests("")
	for _, r := range reqs[min(at, len(reqs)):] {
		cleanup := op == "create" && (strings.HasPrefix(r.Route, "list_") || strings.HasPrefix(r.Route, "delete_"))
		if !cleanup && r.Authorization != otherTokenID+":"+otherToken {
			w.problems = append(w.problems, fmt.Sprintf("after a stop, %s %s was sent", r.Method, r.Path))
		}
	}
}

// reported says whether an error told the caller about a credential by its
// ID or name (a create's mark).
func (w *world) reported(id, name string) bool {
	for _, e := range w.errs {
		if strings.Contains(e, id) || strings.Contains(e, strconv.Quote(name)) {
			return true
		}
	}
	return false
}

func (w *world) check() string {
	if len(w.problems) > 0 {
		return strings.Join(w.problems, "; ")
	}
	// (z) every request the client sent and every answer the mock gave
	// (faults included) keeps the API document.
	if v := w.contract.Violations(); len(v) > 0 {
		return fmt.Sprintf("(z) the API document rejects an exchange: %s", v[0])
	}
	type held struct{ kind, name, secret string }
	at := map[string]held{}
	for _, p := range w.mock.Passwords() {
		at[p.ID] = held{"password", p.Name, p.PlainText}
		w.secrets = append(w.secrets, p.PlainText)
	}
	for _, ro := range w.mock.Roles() {
		at[ro.ID] = held{"role", ro.Name, ro.Password}
		w.secrets = append(w.secrets, ro.Password)
	}
	// (a) the other actor's credentials are as it left them.
	for id, name := range w.theirs {
		h, ok := at[id]
		if !ok {
			return fmt.Sprintf("(a) the other actor's %s was deleted", id)
		}
		if h.name != name {
			return fmt.Sprintf("(a) the other actor's %s was renamed from %q to %q", id, name, h.name)
		}
	}
	// (b) nothing else is at the API but ours and what an error named; the
	// secrets we hold are the API's.
	ours := map[string]*owned{}
	for _, o := range w.ours {
		ours[o.id] = o
	}
	for id, h := range at {
		if _, theirs := w.theirs[id]; theirs {
			continue
		}
		o, isOurs := ours[id]
		if !isOurs && !w.reported(id, h.name) {
			return fmt.Sprintf("(b) the %s %s named %q is at the API, and no error told the caller about it: an orphan", h.kind, id, h.name)
		}
		if isOurs && o.secretKnown && o.secret != h.secret {
			return fmt.Sprintf("(b) the secret held for %s %s is not the API's", h.kind, id)
		}
	}
	// (e) no secret, no token in a log line or an error.
	w.mu.Lock()
	text := strings.Join(w.logs, "\n") + strings.Join(w.errs, "\n")
	w.mu.Unlock()
	for _, secret := range append(slices.Clone(w.secrets), mockapi.DefaultServiceToken, otherToken) {
		if secret != "" && strings.Contains(text, secret) {
			return "(e) a secret or token appears in a log line or an error"
		}
	}
	return ""
}

// shrink removes steps, one at a time, while the schedule still fails.
func shrink(steps []step) []step {
	for i := 0; i < len(steps); {
		fewer := slices.Delete(slices.Clone(steps), i, i+1)
		if runSchedule(fewer) != "" {
			steps = fewer
			continue
		}
		i++
	}
	return steps
}
