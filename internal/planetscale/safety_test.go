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
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/passwords") && !rt.done.Swap(true) {
		rt.other()
	}
	return rt.next.RoundTrip(req)
}

// When more than one new same-named credential could be the lost create's,
// nothing is deleted and the error lists them.
func TestCreateNoOrphanRefusesToChooseBetweenCandidates(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	direct := newClient(t, url)
	var theirs *planetscale.Password
	race := &raceTransport{next: http.DefaultTransport, other: func() {
		var err error
		if theirs, err = direct.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"}); err != nil {
			t.Error(err)
		}
	}}
	c, _ := fastClient(t, url, func(cfg *planetscale.Config) { cfg.Transport = race })
	// The second create is ours (the first is theirs): its answer is lost.
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, CloseAfterCommit: true, Every: 2, Times: 1})

	_, err := c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"}, planetscale.NameGiven)
	var ambiguous *planetscale.AmbiguousOrphansError
	if !errors.As(err, &ambiguous) {
		t.Fatalf("err = %v, want an AmbiguousOrphansError", err)
	}
	stored := mock.Passwords()
	if len(stored) != 2 {
		t.Fatalf("mock holds %d passwords, want both candidates kept", len(stored))
	}
	for _, p := range stored {
		if !strings.Contains(err.Error(), p.ID) {
			t.Errorf("error does not list candidate %s: %v", p.ID, err)
		}
	}
	if !strings.Contains(err.Error(), theirs.ID) || mock.RequestCount(mockapi.RouteDeletePassword) != 0 {
		t.Errorf("a candidate was deleted, or the other one is not named: %v", err)
	}
	if mock.RequestCount(mockapi.RouteCreatePassword) != 2 { // theirs and ours, never a retry
		t.Errorf("creates sent: %d, want no retry after an ambiguous outcome", mock.RequestCount(mockapi.RouteCreatePassword))
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
	if got.err != nil {
		t.Fatalf("create returned %v after the caller was cancelled, want the created role", got.err)
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
