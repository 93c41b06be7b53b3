package planetscale_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// logLines collects what the client logs.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) log(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprint(msg, " ", fields))
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func fastClient(t *testing.T, url string, mutate ...func(*planetscale.Config)) (*planetscale.Client, *logLines) {
	t.Helper()
	logs := &logLines{}
	cfg := planetscale.Config{
		BaseURL:        url,
		ServiceTokenID: mockapi.DefaultServiceTokenID,
		ServiceToken:   mockapi.DefaultServiceToken,
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   10 * time.Millisecond,
		MaxRetries:     4,
		Log:            logs.log,
		// Pacing has tests of its own; here it would only add waiting.
		Unpaced: true,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := planetscale.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, logs
}

func TestRetriesRateLimitHonouringRetryAfter(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteListPasswords, Status: 429, RetryAfter: "1", Times: 1})
	c, logs := fastClient(t, url)
	start := time.Now()
	if _, err := c.ListPasswords(context.Background(), vitess, planetscale.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %v, want the 1s Retry-After", d)
	}
	if n := mock.RequestCount(mockapi.RouteListPasswords); n != 2 {
		t.Errorf("mock saw %d requests, want 2", n)
	}
	for _, want := range []string{"attempt:2", "rate limited (429)", "status:200", "method:GET", "duration_ms:"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestRetriesGatewayErrorsOnReads(t *testing.T) {
	t.Parallel()
	for _, status := range []int{502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			mock, url := newMock(t)
			c, _ := fastClient(t, url)
			p, err := c.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{})
			if err != nil {
				t.Fatal(err)
			}
			for _, route := range []string{mockapi.RouteGetPassword, mockapi.RouteUpdatePassword, mockapi.RouteDeletePassword} {
				mock.Inject(mockapi.Fault{Route: route, Status: status, Times: 2})
			}
			if _, err := c.GetPassword(context.Background(), vitess, p.ID); err != nil {
				t.Errorf("get: %v", err)
			}
			if _, err := c.UpdatePassword(context.Background(), vitess, p.ID, planetscale.UpdatePasswordRequest{Name: ptr("x")}); err != nil {
				t.Errorf("update: %v", err)
			}
			if err := c.DeletePassword(context.Background(), vitess, p.ID); err != nil {
				t.Errorf("delete: %v", err)
			}
			if n := mock.RequestCount(mockapi.RouteGetPassword); n != 3 {
				t.Errorf("GET sent %d times, want 3", n)
			}
		})
	}
}

func TestCreateIsNotRetriedWhenTheAPIMayHaveActed(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Status: 503, Times: 1})
	c, _ := fastClient(t, url)
	_, err := c.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{})
	var apiErr *planetscale.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("err = %v, want the 503", err)
	}
	if !planetscale.OutcomeUnknown(err) {
		t.Error("a 503 on create is not reported as an unknown outcome")
	}
	if n := mock.RequestCount(mockapi.RouteCreatePassword); n != 1 {
		t.Errorf("create sent %d times, want 1", n)
	}
}

func TestCreateIsRetriedOnRateLimit(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreateRole, Status: 429, RetryAfter: "0", Times: 2})
	c, _ := fastClient(t, url)
	if _, err := c.CreateRole(context.Background(), postgres, planetscale.CreateRoleRequest{}); err != nil {
		t.Fatal(err)
	}
	if n := mock.RequestCount(mockapi.RouteCreateRole); n != 3 {
		t.Errorf("create sent %d times, want 3", n)
	}
	if n := len(mock.Roles()); n != 1 {
		t.Errorf("mock holds %d roles, want 1", n)
	}
}

// refuseFirstDials fails the first n connections as a refused dial would.
type refuseFirstDials struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (r *refuseFirstDials) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.n.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return r.next.RoundTrip(req)
}

func TestCreateIsRetriedWhenNeverSent(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	transport := &refuseFirstDials{next: http.DefaultTransport}
	transport.n.Store(2)
	c, _ := fastClient(t, url, func(cfg *planetscale.Config) { cfg.Transport = transport })
	if _, err := c.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{}); err != nil {
		t.Fatalf("create after refused connections: %v", err)
	}
	if n := len(mock.Passwords()); n != 1 {
		t.Errorf("mock holds %d passwords, want 1", n)
	}
}

func TestRetriesGiveUpWithTheAPIsAnswer(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteListRoles, Status: 503})
	c, _ := fastClient(t, url, func(cfg *planetscale.Config) { cfg.MaxRetries = 2 })
	_, err := c.ListRoles(context.Background(), postgres, planetscale.ListOptions{})
	var apiErr *planetscale.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Message != "Service Unavailable" {
		t.Fatalf("err = %#v", err)
	}
	if n := mock.RequestCount(mockapi.RouteListRoles); n != 3 {
		t.Errorf("sent %d times, want 1 + 2 retries", n)
	}
}

func TestNoRetriesWhenDisabled(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteListRoles, Status: 503})
	c, _ := fastClient(t, url, func(cfg *planetscale.Config) { cfg.NoRetries = true })
	if _, err := c.ListRoles(context.Background(), postgres, planetscale.ListOptions{}); err == nil {
		t.Fatal("no error")
	}
	if n := mock.RequestCount(mockapi.RouteListRoles); n != 1 {
		t.Errorf("sent %d times, want 1", n)
	}
}

func TestCancelStopsRetriesPromptly(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	mock.Inject(mockapi.Fault{Status: 429, RetryAfter: "30"})
	c, _ := fastClient(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListPasswords(ctx, vitess, planetscale.ListOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v; cancellation must stop the 30s wait", d)
	}
}

func TestCreateNoOrphanAfterLostAnswer(t *testing.T) {
	t.Parallel()
	for _, fault := range []mockapi.Fault{
		{Route: mockapi.RouteCreatePassword, CloseAfterCommit: true, Times: 1},
		{Route: mockapi.RouteCreatePassword, Status: 503, Times: 1},
	} {
		t.Run(fmt.Sprintf("close=%t status=%d", fault.CloseAfterCommit, fault.Status), func(t *testing.T) {
			t.Parallel()
			mock, url := newMock(t)
			c, logs := fastClient(t, url)
			// Another password on the branch is left alone.
			if _, err := c.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app"}); err != nil {
				t.Fatal(err)
			}
			mock.Inject(fault)

			old := mock.Passwords()[0]
			created, err := c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "app-2"}, planetscale.NameGiven)
			// After a 503 nothing proves the API did not act: a
			// FollowUpError says what to look for if it did.
			var followUp *planetscale.FollowUpError
			if err != nil && (!errors.As(err, &followUp) || fault.Status != 503) {
				t.Fatal(err)
			}
			stored := mock.Passwords()
			if len(stored) != 2 || stored[0].ID != old.ID || stored[1].ID != created.ID {
				t.Fatalf("mock holds %+v, want the old password and the one returned (%s)", stored, created.ID)
			}
			if *created.PlainText != stored[1].PlainText {
				t.Error("returned plaintext is not the stored password's")
			}
			if !strings.Contains(logs.String(), "unknown outcome") {
				t.Errorf("recovery not logged:\n%s", logs)
			}
		})
	}
}

func TestCreateNoOrphanLeavesOlderSameNamedCredentials(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	c, _ := fastClient(t, url)
	// A same-named role made an hour ago is not the lost create's orphan.
	mock.Advance(-time.Hour)
	if _, err := c.CreateRole(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "app"}); err != nil {
		t.Fatal(err)
	}
	mock.Advance(time.Hour)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreateRole, CloseAfterCommit: true, Times: 1})
	created, err := c.CreateRoleNoOrphan(context.Background(), postgres, planetscale.CreateRoleRequest{Name: "app"}, planetscale.NameGiven)
	if err != nil {
		t.Fatal(err)
	}
	roles := mock.Roles()
	if len(roles) != 2 || roles[1].ID != created.ID {
		t.Fatalf("mock holds %+v, want the older role and the new one", roles)
	}
	if n := mock.RequestCount(mockapi.RouteDeleteRole); n != 1 {
		t.Errorf("deleted %d roles, want only the orphan", n)
	}
}

func TestCreateNoOrphanNeedsAName(t *testing.T) {
	t.Parallel()
	_, url := newMock(t)
	c, _ := fastClient(t, url)
	if _, err := c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{}, planetscale.NameGiven); err == nil {
		t.Fatal("no error without a name")
	}
}

func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	mock.Inject(mockapi.Fault{Status: 429, RetryAfter: "0", Every: 2})
	c, logs := fastClient(t, url)
	p, err := c.CreatePasswordNoOrphan(context.Background(), vitess, planetscale.CreatePasswordRequest{Name: "x"}, planetscale.NameGiven)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := c.CreateRole(context.Background(), postgres, planetscale.CreateRoleRequest{})
	if err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	for _, secret := range []string{*p.PlainText, *ro.Password, mockapi.DefaultServiceToken} {
		if strings.Contains(out, secret) {
			t.Errorf("a secret is in the log:\n%s", out)
		}
	}
	if !strings.Contains(out, "status:201") || !strings.Contains(out, "attempt:") {
		t.Errorf("log lacks status or attempt:\n%s", out)
	}
}
