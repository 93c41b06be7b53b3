package planetscale_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// pacedClient paces perMinute requests a minute; retries of 0 sends each
// request once.
func pacedClient(t *testing.T, url string, perMinute, burst, retries int) *planetscale.Client {
	t.Helper()
	c, err := planetscale.New(planetscale.Config{
		BaseURL: url, ServiceTokenID: mockapi.DefaultServiceTokenID, ServiceToken: mockapi.DefaultServiceToken,
		RequestsPerMinute: perMinute, Burst: burst, MaxRetries: retries, NoRetries: retries == 0,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Sixty concurrent operations against a mock that enforces the same limit:
// the client paces itself, so no request is refused and no one-second window
// holds more than the limit allows.
func TestPacingStaysUnderTheLimit(t *testing.T) {
	mock, url := newMock(t)
	// 20 a second. The client's burst is smaller than the API's, as its
	// default is: requests delayed on the way can arrive bunched together.
	const perMinute, burst = 1200, 3
	mock.SetRateLimit(perMinute, 10)
	c := pacedClient(t, url, perMinute, burst, 0) // no retries: a 429 fails the operation

	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.ListPasswords(context.Background(), vitess, planetscale.ListOptions{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("operation failed (a 429 means the client outran the limit): %v", err)
		}
	}
	reqs := mock.Requests("")
	for i, r := range reqs {
		if r.Status == 429 {
			t.Fatalf("request %d was answered 429", i)
		}
		inWindow := 0
		for _, other := range reqs {
			if !other.At.Before(r.At) && other.At.Sub(r.At) < time.Second {
				inWindow++
			}
		}
		if inWindow > perMinute/60+burst {
			t.Fatalf("%d requests in the second after request %d, limit %d + burst %d", inWindow, i, perMinute/60, burst)
		}
	}
}

// When the API answers 429 anyway (another pipeline shares the token), the
// whole client slows down, then recovers step by step, and the work is done.
func TestRateLimitedAnswersSlowTheWholeClient(t *testing.T) {
	t.Parallel()
	mock, url := newMock(t)
	mock.Inject(mockapi.Fault{Status: 429, RetryAfter: "0", Times: 1})
	c := pacedClient(t, url, 6000, 10, 5)
	const pace = 6000 * 0.9 // the client keeps 10% headroom
	if got := c.RequestsPerMinute(); got != pace {
		t.Fatalf("initial pace %v, want %v", got, pace)
	}
	if _, err := c.ListPasswords(context.Background(), vitess, planetscale.ListOptions{}); err != nil {
		t.Fatalf("the retried request failed: %v", err)
	}
	after := c.RequestsPerMinute()
	if after >= pace || after < pace/2 {
		t.Fatalf("pace after a 429 = %v, want halved and then one step recovered (between %v and %v)", after, pace/2, pace)
	}
	// The slower pace applies to every request: these ten queue behind it.
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.ListPasswords(context.Background(), vitess, planetscale.ListOptions{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("ten requests took %v right after a 429; the emptied bucket should pace them", d)
	}
	for i := 0; i < 40; i++ {
		if _, err := c.ListPasswords(context.Background(), vitess, planetscale.ListOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.RequestsPerMinute(); got != pace {
		t.Errorf("pace after 50 successes = %v, want recovered to %v", got, pace)
	}
}

func TestWaitingForATokenStopsOnCancel(t *testing.T) {
	t.Parallel()
	_, url := newMock(t)
	c := pacedClient(t, url, 1, 1, 0) // one request a minute
	if _, err := c.ListPasswords(context.Background(), vitess, planetscale.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListPasswords(ctx, vitess, planetscale.ListOptions{})
	if err == nil {
		t.Fatal("a second request within the minute did not wait")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %v; a cancelled wait must end at once", d)
	}
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "would exceed context deadline") {
		t.Errorf("err = %v, want the context's", err)
	}
}
