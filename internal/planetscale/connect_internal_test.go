package planetscale

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordedRetries is a client whose waits before a retry are recorded
// instead of slept, with what it told the Warn hook about each.
type recordedRetries struct {
	mu      sync.Mutex
	waits   []time.Duration
	warned  []map[string]any
	message []string
}

func recordingClient(t *testing.T, baseURL string, maxRetries int) (*Client, *recordedRetries) {
	t.Helper()
	rec := &recordedRetries{}
	c, err := New(Config{
		BaseURL: baseURL, ServiceTokenID: "id", ServiceToken: "pscale_tkn_secret",
		MaxRetries: maxRetries, NoRetries: maxRetries == 0, Unpaced: true,
		Warn: func(_ context.Context, msg string, fields map[string]any) {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			rec.message = append(rec.message, msg)
			rec.warned = append(rec.warned, fields)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.wait = func(ctx context.Context, d time.Duration) error {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.waits = append(rec.waits, d)
		return ctx.Err()
	}
	return c, rec
}

// refusedURL is the URL of a port nothing listens on any more.
func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/v1"
}

// A connection that cannot be made is no busy API: it is retried
// ConnectRetries times within a few seconds, not on the 5xx schedule (which
// waited over a minute before the first error), and the error says how
// many attempts it took over how long. A create is retried too: nothing
// was sent.
func TestConnectionFailuresAreRetriedBriefly(t *testing.T) {
	t.Parallel()
	// The connect schedule's bounds, attempt by attempt (full jitter in
	// the upper half of each).
	schedule := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}
	cases := []struct {
		name, url string
		call      func(context.Context, *Client) error
	}{
		{"refused read", refusedURL(t), func(ctx context.Context, c *Client) error {
			_, err := c.ListPasswords(ctx, Branch{"acme", "app-db", "main"}, ListOptions{})
			return err
		}},
		{"refused create", refusedURL(t), func(ctx context.Context, c *Client) error {
			_, err := c.CreateRole(ctx, Branch{"acme", "pg-db", "main"}, CreateRoleRequest{})
			return err
		}},
		// .invalid never resolves (RFC 2606).
		{"unknown host", "http://api.planetscale.invalid/v1", func(ctx context.Context, c *Client) error {
			_, err := c.GetPassword(ctx, Branch{"acme", "app-db", "main"}, "pw1")
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, rec := recordingClient(t, tc.url, DefaultMaxRetries)
			err := tc.call(context.Background(), c)

			if len(rec.waits) != ConnectRetries {
				t.Fatalf("waited %d times (%v), want %d", len(rec.waits), rec.waits, ConnectRetries)
			}
			var total time.Duration
			for i, d := range rec.waits {
				if d < schedule[i]/2 || d > schedule[i] {
					t.Errorf("wait %d is %v, want %v to %v", i+1, d, schedule[i]/2, schedule[i])
				}
				total += d
			}
			if total > 4*time.Second {
				t.Errorf("waited %v in all, want a few seconds at most", total)
			}
			var transportErr *TransportError
			if !errors.As(err, &transportErr) || !CouldNotConnect(err) {
				t.Fatalf("err = %v, want a connection that could not be made", err)
			}
			if transportErr.Attempts != ConnectRetries+1 || transportErr.Elapsed <= 0 {
				t.Errorf("error counts %d attempts over %v, want %d over some time", transportErr.Attempts, transportErr.Elapsed, ConnectRetries+1)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("after %d attempts over ", ConnectRetries+1)) {
				t.Errorf("error does not say how many attempts over how long: %v", err)
			}
		})
	}
}

// max_retries bounds the connect schedule too; 0 sends once.
func TestConnectionFailuresHonourMaxRetries(t *testing.T) {
	t.Parallel()
	for _, maxRetries := range []int{0, 2} {
		t.Run(fmt.Sprint(maxRetries), func(t *testing.T) {
			t.Parallel()
			c, rec := recordingClient(t, refusedURL(t), maxRetries)
			_, err := c.ListRoles(context.Background(), Branch{"acme", "pg-db", "main"}, ListOptions{})
			var transportErr *TransportError
			if len(rec.waits) != maxRetries || !errors.As(err, &transportErr) || transportErr.Attempts != maxRetries+1 {
				t.Errorf("%d waits, err %v; want %d waits and %d attempts", len(rec.waits), err, maxRetries, maxRetries+1)
			}
		})
	}
}

// A busy API keeps the long schedule: the short one is for connections
// that cannot be made.
func TestUnavailableAPIKeepsTheLongSchedule(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"code":"service_unavailable","message":"Service Unavailable"}`))
	}))
	t.Cleanup(srv.Close)
	c, rec := recordingClient(t, srv.URL+"/v1", DefaultMaxRetries)
	_, err := c.ListPasswords(context.Background(), Branch{"acme", "app-db", "main"}, ListOptions{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable || apiErr.Attempts != DefaultMaxRetries+1 {
		t.Fatalf("err = %v (%+v), want the 503 after %d attempts", err, apiErr, DefaultMaxRetries+1)
	}
	var total time.Duration
	for _, d := range rec.waits {
		total += d
	}
	if len(rec.waits) != DefaultMaxRetries || total < 30*time.Second {
		t.Errorf("%d waits, %v in all; want %d on the 5xx schedule", len(rec.waits), total, DefaultMaxRetries)
	}
}

// Each wait before a retry is told to the Warn hook: the cause, the wait
// and when the next attempt goes; never the token.
func TestEachRetryWaitIsWarned(t *testing.T) {
	t.Parallel()
	c, rec := recordingClient(t, refusedURL(t), 2)
	before := time.Now().Truncate(time.Millisecond)
	_, _ = c.ListPasswords(context.Background(), Branch{"acme", "app-db", "main"}, ListOptions{})
	if len(rec.warned) != 2 {
		t.Fatalf("%d warnings for 2 waits: %v", len(rec.warned), rec.message)
	}
	for i, fields := range rec.warned {
		next, err := time.Parse(time.RFC3339Nano, fmt.Sprint(fields["next_attempt_at"]))
		if err != nil || next.Before(before) || next.After(time.Now().Add(time.Second)) {
			t.Errorf("warning %d: next_attempt_at %v (%v), want the time of the next attempt", i+1, fields["next_attempt_at"], err)
		}
		cause := fmt.Sprint(fields["cause"])
		if !strings.Contains(cause, "connection refused") || fields["attempt"] != i+1 || fields["wait_ms"] != rec.waits[i].Milliseconds() {
			t.Errorf("warning %d: fields %v, want the refused connection, attempt %d and its wait %v", i+1, fields, i+1, rec.waits[i])
		}
		msg := rec.message[i]
		for _, want := range []string{"connection refused", fmt.Sprintf("(attempt %d)", i+2), fmt.Sprint(fields["next_attempt_at"])} {
			if !strings.Contains(msg, want) {
				t.Errorf("warning %d %q lacks %q", i+1, msg, want)
			}
		}
		if strings.Contains(msg+fmt.Sprint(fields), "pscale_tkn_secret") {
			t.Errorf("warning %d holds the token: %s %v", i+1, msg, fields)
		}
	}
}
