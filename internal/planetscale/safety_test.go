package planetscale_test

// The client's safety promises (see create.go): delete only what this
// operation provably made, finish what was sent, and never call a request
// that was not sent an unknown outcome.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// A same-named password made a moment earlier by someone else (a second
// workspace, count with a constant name) survives a lost create: only the
// lost create's own password is deleted.
func TestCreateNoOrphanSparesAnotherSameNamedCredential(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	theirs, err := c.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"})
	if err != nil {
		t.Fatal(err)
	}
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, CloseAfterCommit: true, Times: 1})

	ours, err := c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGiven)
	if err != nil {
		t.Fatal(err)
	}
	stored := mock.Passwords()
	if len(stored) != 2 || stored[0].ID != theirs.ID || stored[1].ID != ours.ID {
		t.Fatalf("mock holds %+v, want the other password (%s) and ours (%s)", stored, theirs.ID, ours.ID)
	}
	if n := mock.RequestCount(mockapi.RouteDeletePassword); n != 1 {
		t.Errorf("deleted %d passwords, want only the lost create's", n)
	}
}

// raceTransport makes a same-named password appear (a person in the
// console) just before the client's first create reaches the mock.
type raceTransport struct {
	next  http.RoundTripper
	other func()
	done  atomic.Bool
}

func (rt *raceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && (strings.HasSuffix(req.URL.Path, "/passwords") || strings.HasSuffix(req.URL.Path, "/roles")) && !rt.done.Swap(true) {
		rt.other()
	}
	return rt.next.RoundTrip(req)
}

// The issue-23 scenario: another actor makes a same-named credential just
// before ours is sent, and a gateway answers our create 503 without it
// reaching the API. A name and a time window would point at theirs; the
// mark does not: theirs survives, nothing is deleted, ours is made.
func TestCreateNeverDeletesAnotherActorsSameNamedCredential(t *testing.T) {
	t.Parallel()
	for _, fault := range []mockapi.Fault{
		{Status: http.StatusServiceUnavailable, Times: 1},            // before the API acted
		{Status: http.StatusBadGateway, AfterCommit: true, Times: 1}, // after it acted
		{CloseAfterCommit: true, Times: 1},                           // answer lost
		{Status: http.StatusGatewayTimeout, Times: 1, Every: 2},      // theirs passes, ours fails
	} {
		for _, kind := range []string{"password", "role"} {
			t.Run(fmt.Sprintf("%s/status=%d/after=%t/close=%t", kind, fault.Status, fault.AfterCommit, fault.CloseAfterCommit), func(t *testing.T) {
				t.Parallel()
				mock, url := newMock(t)
				direct := newClient(t, url)
				var theirs string
				race := &raceTransport{next: http.DefaultTransport, other: func() {
					if kind == "password" {
						p, err := direct.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"})
						if err == nil {
							theirs = p.ID
						}
					} else {
						ro, err := direct.CreateRole(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "app"})
						if err == nil {
							theirs = ro.ID
						}
					}
				}}
				c, _ := fastClient(t, url, func(cfg *planetscale.Config) { cfg.Transport = race })
				route, deleteRoute := mockapi.RouteCreatePassword, mockapi.RouteDeletePassword
				if kind == "role" {
					route, deleteRoute = mockapi.RouteCreateRole, mockapi.RouteDeleteRole
				}
				fault.Route = route
				// The race's create (theirs) reaches the mock first; the
				// fault is for ours.
				fault.Every = 2
				mock.Inject(fault)

				var ours string
				var err error
				if kind == "password" {
					var p *planetscale.Password
					p, err = c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGiven)
					if p != nil {
						ours = p.ID
					}
				} else {
					var ro *planetscale.Role
					ro, err = c.CreateRoleNoOrphan(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "app"}, planetscale.NameGiven)
					if ro != nil {
						ours = ro.ID
					}
				}
				// After a 503 nothing proves the API did not act: a
				// FollowUpError says what to look for if it did.
				var followUp *planetscale.FollowUpError
				if err != nil && !errors.As(err, &followUp) {
					t.Fatal(err)
				}
				if theirs == "" {
					t.Fatal("the other actor's create failed")
				}
				names := map[string]string{}
				if kind == "password" {
					for _, p := range mock.Passwords() {
						names[p.ID] = p.Name
					}
				} else {
					for _, ro := range mock.Roles() {
						names[ro.ID] = ro.Name
					}
				}
				if len(names) != 2 || names[theirs] != "app" || names[ours] != "app" {
					t.Fatalf("mock holds %v, want theirs (%s) and ours (%s), both named app", names, theirs, ours)
				}
				for _, req := range mock.Requests(deleteRoute) {
					if strings.HasSuffix(req.Path, "/"+theirs) {
						t.Errorf("the other actor's credential was deleted: %s", req.Path)
					}
				}
			})
		}
	}
}

// A generated name is unique by construction: no list before the create,
// so a create costs one request.
func TestCreateWithGeneratedNameSkipsTheSnapshot(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	if _, err := c.CreateRoleNoOrphan(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "terraform-0123456789abcdef"}, planetscale.NameGenerated); err != nil {
		t.Fatal(err)
	}
	if got := mock.RequestCounts(); got[mockapi.RouteListRoles] != 0 || got[mockapi.RouteCreateRole] != 1 {
		t.Errorf("requests = %v, want one create and no list", got)
	}
}

// A create cancelled before it is sent makes nothing and looks for nothing.
func TestCreateCancelledBeforeSendingMakesNothing(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.CreatePasswordNoOrphan(ctx, vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGenerated)
	if !errors.Is(err, planetscale.ErrNotSent) || planetscale.OutcomeUnknown(err) {
		t.Fatalf("err = %v, want ErrNotSent and a known outcome", err)
	}
	if n := len(mock.Requests("")); n != 0 {
		t.Errorf("the mock received %d requests, want none", n)
	}
}

// A create whose turn under the rate limit does not come before its deadline
// was never sent: no cleanup, and an error that says so.
func TestCreateThatTimedOutWaitingForItsTurnWasNotSent(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c := pacedClient(t, url, 1, 1, 0) // one request a minute
	if _, err := c.ListPasswords(context.Background(), vitess, planetscale.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.CreatePasswordNoOrphan(ctx, vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGenerated)
	if !errors.Is(err, planetscale.ErrNotSent) || planetscale.OutcomeUnknown(err) {
		t.Fatalf("err = %v, want ErrNotSent and a known outcome", err)
	}
	if got := mock.RequestCounts(); got[mockapi.RouteCreatePassword] != 0 || got[mockapi.RouteDeletePassword] != 0 || got[mockapi.RouteListPasswords] != 1 {
		t.Errorf("requests = %v, want only the first list", got)
	}
}

// Once a create is sent, cancelling the caller (Terraform's Ctrl-C) does not
// abandon it: the answer, with the secret, is returned.
func TestCreateFinishesAfterTheCallerIsCancelled(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	release := make(chan struct{})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreateRole, HoldAnswer: release, Times: 1})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	type result struct {
		role *planetscale.Role
		err  error
	}
	done := make(chan result, 1)
	go func() {
		ro, err := c.CreateRoleNoOrphan(ctx, postgres, planetscale.CreateRoleRequest{Name: "app"}, planetscale.NameGiven)
		done <- result{ro, err}
	}()
	waitFor(t, func() bool { return len(mock.Roles()) == 1 })
	cancel()
	close(release)

	got := <-done
	// The rename from the create's mark is not sent after the stop: the role
	// comes back with a FollowUpError, to be renamed on the next apply.
	var followUp *planetscale.FollowUpError
	if got.err != nil && !errors.As(got.err, &followUp) {
		t.Fatalf("create returned %v after the caller was cancelled, want the created role", got.err)
	}
	if n := mock.RequestCount(mockapi.RouteUpdateRole); n != 0 {
		t.Errorf("%d renames sent after the stop, want none", n)
	}
	stored := mock.Roles()
	if len(stored) != 1 || stored[0].ID != got.role.ID || stored[0].Password != *got.role.Password {
		t.Fatalf("returned %s, mock holds %+v: want the role the mock made, with its password", got.role.ID, stored)
	}
}

// A reset, once sent, is finished too: the old password no longer works
// and the answer holds the only copy of the new one.
func TestResetFinishesAfterTheCallerIsCancelled(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	ro, err := c.CreateRole(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "app"})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteResetRole, HoldAnswer: release, Times: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *planetscale.Role, 1)
	go func() {
		reset, err := c.ResetRole(ctx, postgres, ro.ID)
		if err != nil {
			t.Error(err)
		}
		done <- reset
	}()
	waitFor(t, func() bool { r, _ := mock.Role(ro.ID); return r.Password != *ro.Password })
	cancel()
	close(release)
	reset := <-done
	if stored, _ := mock.Role(ro.ID); reset == nil || *reset.Password != stored.Password {
		t.Fatal("the reset's new password was not returned")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 30s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Only the create and reset answers carry a role's password. Whatever another
// answer holds there (an empty string, say) must never reach the caller, or a
// refresh would blank the stored secret.
func TestRolePasswordOnlyFromMintingAnswers(t *testing.T) {
	t.Parallel()
	role := `{"id":"r1","name":"app","password":"","created_at":"2026-01-01T00:00:00Z"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/roles") {
			fmt.Fprintf(w, `{"type":"list","current_page":1,"data":[%s]}`, role)
			return
		}
		fmt.Fprint(w, role)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL+"/v1")
	ctx := context.Background()

	answers := map[string]func() (*planetscale.Role, error){
		"get": func() (*planetscale.Role, error) { return c.GetRole(ctx, postgres, "r1") },
		"update": func() (*planetscale.Role, error) {
			return c.UpdateRole(ctx, postgres, "r1", planetscale.UpdateRoleRequest{})
		},
		"renew": func() (*planetscale.Role, error) { return c.RenewRole(ctx, postgres, "r1") },
		"list": func() (*planetscale.Role, error) {
			page, err := c.ListRoles(ctx, postgres, planetscale.ListOptions{})
			if err != nil || len(page.Data) != 1 {
				return nil, fmt.Errorf("list: %w, %d roles", err, len(page.Data))
			}
			return &page.Data[0], nil
		},
	}
	for name, call := range answers {
		ro, err := call()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if ro.Password != nil {
			t.Errorf("%s answer passed on a password (%q); only create and reset may", name, *ro.Password)
		}
	}
	reset, err := c.ResetRole(ctx, postgres, "r1")
	if err != nil || reset.Password == nil {
		t.Errorf("reset: %v, password %v: the reset answer's password must be kept", err, reset)
	}
}

// The API never redirects. A redirect is refused, not followed: following an
// https→http one would send the Authorization header in clear text.
func TestRedirectsAreRefused(t *testing.T) {
	t.Parallel()
	var followed atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		followed.Add(1)
	}))
	t.Cleanup(elsewhere.Close)
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	c, _ := fastClient(t, srv.URL+"/v1")

	_, err := c.GetPassword(context.Background(), vitess, "p1")
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("err = %v, want a refused redirect", err)
	}
	if followed.Load() != 0 || asked.Load() != 1 {
		t.Errorf("asked %d times, followed %d times; want one request, not followed nor retried", asked.Load(), followed.Load())
	}
}

// A certificate that cannot be verified is not a passing fault: one attempt,
// and an error that says so.
func TestCertificateFailuresAreNotRetried(t *testing.T) {
	t.Parallel()
	var connections atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			connections.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	// The default transport, which does not trust the test server's CA.
	c, _ := fastClient(t, srv.URL+"/v1", func(cfg *planetscale.Config) { cfg.Transport = nil })

	_, err := c.GetPassword(context.Background(), vitess, "p1")
	if !planetscale.IsCertificateError(err) {
		t.Fatalf("err = %v, want a certificate error", err)
	}
	if n := connections.Load(); n != 1 {
		t.Errorf("%d connections, want 1: a certificate failure must not be retried", n)
	}
}

// A server URL with credentials in it is refused, and never quoted back.
func TestServerURLCredentialsAreNeverEchoed(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://user:hunter2@api.example.com/v1", "https://user:hunter2@exa mple.com/v1"} {
		_, err := planetscale.New(planetscale.Config{BaseURL: base, AccessToken: "t"})
		if err == nil {
			t.Errorf("%s: accepted", base)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error quotes the URL's password: %v", err)
		}
	}
}

// A create that runs out of time after it was sent reports that, not a
// second attempt "not sent": the first one may have acted, and its
// outcome is what the caller needs to hear. It is not sent again.
func TestCreateOutOfTimeAfterSendingIsNotSentAgain(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Latency: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.CreatePasswordNoOrphan(ctx, vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGenerated)
	if err == nil || errors.Is(err, planetscale.ErrNotSent) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the first attempt's deadline", err)
	}
	if n := mock.RequestCount(mockapi.RouteCreatePassword); n != 1 {
		t.Errorf("%d creates sent, want 1", n)
	}
}

// A configured name costs what it cost before the mark (two requests): the
// create under the mark and the rename, with no list; a generated name one.
func TestCreateRequestsPerName(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	p, err := c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGiven)
	if err != nil || p.Name != "app" {
		t.Fatalf("created %+v, %v; want a password named app", p, err)
	}
	ro, err := c.CreateRoleNoOrphan(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "app"}, planetscale.NameGiven)
	if err != nil || ro.Name != "app" {
		t.Fatalf("created %+v, %v; want a role named app", ro, err)
	}
	if got, want := mock.RequestCounts(), map[string]int{
		mockapi.RouteCreatePassword: 1, mockapi.RouteUpdatePassword: 1,
		mockapi.RouteCreateRole: 1, mockapi.RouteUpdateRole: 1,
	}; !maps.Equal(got, want) {
		t.Errorf("requests = %v, want %v", got, want)
	}
	if stored := mock.Passwords(); stored[0].Name != "app" || mock.Roles()[0].Name != "app" {
		t.Errorf("the API holds %q and %q, want both renamed to app", stored[0].Name, mock.Roles()[0].Name)
	}
	// The create itself was sent under a mark no one else uses.
	for _, route := range []string{mockapi.RouteCreatePassword, mockapi.RouteCreateRole} {
		if name, _ := mock.Requests(route)[0].Body["name"].(string); !strings.HasPrefix(name, "terraform-pending-") || len(name) < 30 {
			t.Errorf("%s sent under the name %q, want a random terraform-pending- mark", route, name)
		}
	}
}

// A rename that fails leaves the credential under its mark, returned with
// its secret and a FollowUpError that says so: nothing is lost.
func TestCreateKeepsTheCredentialWhenTheRenameFails(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteUpdatePassword, Status: http.StatusInternalServerError})
	p, err := c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGiven)
	var followUp *planetscale.FollowUpError
	if !errors.As(err, &followUp) || p == nil || p.PlainText == nil {
		t.Fatalf("got %+v, %v; want the password and a FollowUpError", p, err)
	}
	stored := mock.Passwords()
	if len(stored) != 1 || stored[0].ID != p.ID || stored[0].PlainText != *p.PlainText || stored[0].Name != p.Name || followUp.Name != p.Name {
		t.Fatalf("mock holds %+v; returned %s named %q (error says %q)", stored, p.ID, p.Name, followUp.Name)
	}
	if !strings.HasPrefix(p.Name, "terraform-pending-") || !strings.Contains(err.Error(), "renaming it") {
		t.Errorf("name %q, error %v: want the mark kept and the rename told", p.Name, err)
	}
	if n := mock.RequestCount(mockapi.RouteDeletePassword); n != 0 {
		t.Errorf("%d deletes, want none", n)
	}
}

// A lost answer whose credential the first look does not show (the list
// lags): the retried create succeeds, and then the earlier attempt's
// credential, which carries the same mark, is removed too.
func TestCreateRemovesAnEarlierAttemptsLateCredential(t *testing.T) {
	t.Parallel()
	for _, origin := range []planetscale.NameOrigin{planetscale.NameGiven, planetscale.NameGenerated} {
		t.Run(fmt.Sprint(origin), func(t *testing.T) {
			t.Parallel()
			mock, url := newMock(t)
			c, _ := fastClient(t, url)
			mock.Inject(mockapi.Fault{Route: mockapi.RouteCreateRole, CloseAfterCommit: true, Times: 1})
			mock.Inject(mockapi.Fault{Route: mockapi.RouteListRoles, EmptyPage: true, Times: 1})
			ro, err := c.CreateRoleNoOrphan(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "terraform-0123456789abcdef"}, origin)
			if err != nil {
				t.Fatal(err)
			}
			stored := mock.Roles()
			if len(stored) != 1 || stored[0].ID != ro.ID || stored[0].Password != *ro.Password {
				t.Fatalf("mock holds %+v, want only the role returned (%s)", stored, ro.ID)
			}
			if n := mock.RequestCount(mockapi.RouteCreateRole); n != 2 {
				t.Errorf("%d creates, want 2", n)
			}
		})
	}
}

// After a stop during the wait before a retry, nothing more is sent, for
// every kind of request: a create or reset on a detached context, and a
// renew or read on the caller's.
func TestStopDuringARetryWaitSendsNothingMore(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		route string
		// statuses the request is retried on: a create or reset only when
		// the API certainly did not act.
		statuses []int
		call     func(ctx context.Context, c *planetscale.Client, roleID, passwordID string) error
	}{
		{"create password", mockapi.RouteCreatePassword, []int{429}, func(ctx context.Context, c *planetscale.Client, _, _ string) error {
			_, err := c.CreatePasswordNoOrphan(ctx, vitess, planetscale.CreatePasswordRequest{Name: "terraform-0123456789abcdef"}, planetscale.NameGenerated)
			return err
		}},
		{"create role", mockapi.RouteCreateRole, []int{429}, func(ctx context.Context, c *planetscale.Client, _, _ string) error {
			_, err := c.CreateRoleNoOrphan(ctx, postgres, planetscale.CreateRoleRequest{Name: "app"}, planetscale.NameGiven)
			return err
		}},
		{"reset role", mockapi.RouteResetRole, []int{429}, func(ctx context.Context, c *planetscale.Client, roleID, _ string) error {
			_, err := c.ResetRole(ctx, postgres, roleID)
			return err
		}},
		{"renew password", mockapi.RouteRenewPassword, []int{429, 503}, func(ctx context.Context, c *planetscale.Client, _, passwordID string) error {
			_, err := c.RenewPassword(ctx, vitess, passwordID)
			return err
		}},
		{"read password", mockapi.RouteGetPassword, []int{429, 502}, func(ctx context.Context, c *planetscale.Client, _, passwordID string) error {
			_, err := c.GetPassword(ctx, vitess, passwordID)
			return err
		}},
	} {
		for _, status := range tc.statuses {
			t.Run(fmt.Sprintf("%s/%d", tc.name, status), func(t *testing.T) {
				t.Parallel()
				mock, url := newMock(t)
				direct := newClient(t, url)
				ro, err := direct.CreateRole(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "existing"})
				if err != nil {
					t.Fatal(err)
				}
				p, err := direct.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "existing", TTL: ptr(int64(3600))})
				if err != nil {
					t.Fatal(err)
				}
				before := mock.RequestCounts()
				mock.Inject(mockapi.Fault{Route: tc.route, Status: status, RetryAfter: "30"})
				ctx, stop := context.WithCancel(context.Background())
				defer stop()
				// Stop the moment the client decides to wait (Terraform's
				// Ctrl-C during the 30 s Retry-After).
				c, _ := fastClient(t, url, func(cfg *planetscale.Config) {
					cfg.RetryWaitMin, cfg.RetryWaitMax = 30*time.Second, 30*time.Second
					cfg.Log = func(_ context.Context, msg string, _ map[string]any) {
						if strings.Contains(msg, "will be retried") {
							stop()
						}
					}
				})
				start := time.Now()
				err = tc.call(ctx, c, ro.ID, p.ID)
				if err == nil {
					t.Fatal("no error after a stop")
				}
				if d := time.Since(start); d > 20*time.Second {
					t.Errorf("returned after %v: the stop must end the 30 s wait", d)
				}
				after := mock.RequestCounts()
				for route, n := range after {
					if sent, want := n-before[route], map[bool]int{true: 1}[route == tc.route]; sent != want {
						t.Errorf("%d requests to %s, want %d: the one answered %d and nothing after the stop", sent, route, want, status)
					}
				}
				if planetscale.OutcomeUnknown(err) && status == http.StatusTooManyRequests {
					t.Errorf("err = %v: a request retried only because the API did not act must not report an unknown outcome", err)
				}
			})
		}
	}
}

// Every attempt's outcome unknown: the create is sent MaxRetries+1 times,
// what each made is removed, and the error says so; nothing is left.
func TestCreateGivesUpAfterItsAttemptsAndLeavesNothing(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url) // MaxRetries 4
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreateRole, Status: http.StatusBadGateway, AfterCommit: true})
	_, err := c.CreateRoleNoOrphan(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "app"}, planetscale.NameGiven)
	if err == nil || !strings.Contains(err.Error(), "every attempt's outcome was unknown") {
		t.Fatalf("err = %v, want the give-up after every attempt", err)
	}
	if n := mock.RequestCount(mockapi.RouteCreateRole); n != 5 {
		t.Errorf("%d creates sent, want 5 (MaxRetries 4, and the first)", n)
	}
	if n := mock.RequestCount(mockapi.RouteDeleteRole); n != 5 {
		t.Errorf("%d deletes, want one for each attempt's role", n)
	}
	if left := mock.Roles(); len(left) != 0 {
		t.Errorf("the API holds %+v, want nothing left", left)
	}
}

// A stop that comes while a create's answer is lost: what it made is
// removed, and it is not sent again.
func TestCreateStoppedAfterAnUnknownOutcomeIsNotSentAgain(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Status: http.StatusBadGateway, AfterCommit: true, Before: stop})
	_, err := c.CreatePasswordNoOrphan(ctx, vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGiven)
	if err == nil || !strings.Contains(err.Error(), "not sent again") {
		t.Fatalf("err = %v, want the create's outcome and that it was not sent again", err)
	}
	if got := mock.RequestCounts(); got[mockapi.RouteCreatePassword] != 1 || got[mockapi.RouteDeletePassword] != 1 || got[mockapi.RouteUpdatePassword] != 0 {
		t.Errorf("requests = %v, want one create, the removal of what it made, and nothing else sent", got)
	}
	if left := mock.Passwords(); len(left) != 0 {
		t.Errorf("the API holds %+v, want nothing left", left)
	}
}

// A create whose answer is lost, and whose cleanup fails too, returns a
// *CreateError: the create's own error (the API's 503, for callers that
// ask for it) and a note that names what may be left, for the user.
func TestCreateNoOrphanNamesWhatItCouldNotRemove(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Status: 503, AfterCommit: true, Times: 1})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteDeletePassword, Status: 422, Times: 1})
	_, err := c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGiven)
	var createErr *planetscale.CreateError
	var apiErr *planetscale.APIError
	if !errors.As(err, &createErr) || !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("err = %v, want a *CreateError around the API's 503", err)
	}
	left := mock.Passwords()
	if len(left) != 1 || !strings.Contains(createErr.Note, fmt.Sprintf("Delete any password named %q", left[0].Name)) {
		t.Fatalf("note %q does not name the password left, %+v", createErr.Note, left)
	}
}
