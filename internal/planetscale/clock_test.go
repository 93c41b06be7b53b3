package planetscale_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// aheadBy bounds how far c.Now() runs ahead of this machine's clock: reading
// the two clocks one after the other, it is between lo and hi.
func aheadBy(c *planetscale.Client) (lo, hi time.Duration) {
	before := time.Now()
	now := c.Now()
	after := time.Now()
	return now.Sub(after), now.Sub(before)
}

// Now follows the Date header of the last answer, whatever its status, and
// falls back to this machine's clock when the header is missing or cannot be
// read.
func TestClientNowFollowsTheAPIsDate(t *testing.T) {
	t.Parallel()
	type answer struct {
		status int
		// date makes the Date header from the server's time; nil sends none.
		date func(time.Time) string
	}
	var next atomic.Pointer[answer]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := next.Load()
		if a.date == nil {
			w.Header()["Date"] = nil // net/http would add one
		} else {
			w.Header().Set("Date", a.date(time.Now()))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		if a.status == http.StatusOK {
			_, _ = w.Write([]byte(`{"id":"p"}`))
		} else {
			_, _ = w.Write([]byte(`{"code":"not_found","message":"Not Found"}`))
		}
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL+"/v1")

	if lo, hi := aheadBy(c); lo > 0 || hi < 0 {
		t.Fatalf("before any answer, Now is %s to %s ahead, want this machine's time", lo, hi)
	}

	shifted := func(by time.Duration) func(time.Time) string {
		return func(now time.Time) string { return now.Add(by).UTC().Format(http.TimeFormat) }
	}
	steps := []struct {
		name  string
		sent  answer
		ahead time.Duration
	}{
		{"an hour ahead", answer{http.StatusOK, shifted(time.Hour)}, time.Hour},
		{"no Date", answer{http.StatusOK, nil}, 0},
		{"an hour ahead, on an error answer", answer{http.StatusNotFound, shifted(time.Hour)}, time.Hour},
		{"a Date that is no time", answer{http.StatusOK, func(time.Time) string { return "yesterday" }}, 0},
		{"two days behind", answer{http.StatusOK, shifted(-48 * time.Hour)}, -48 * time.Hour},
	}
	for _, step := range steps {
		next.Store(&step.sent)
		sent := time.Now()
		_, err := c.GetPassword(context.Background(), vitess, "p")
		took := time.Since(sent)
		var apiErr *planetscale.APIError
		switch {
		case step.sent.status == http.StatusOK && err != nil:
			t.Fatalf("%s: %v", step.name, err)
		case step.sent.status != http.StatusOK && !errors.As(err, &apiErr):
			t.Fatalf("%s: err = %v, want the API's %d", step.name, err, step.sent.status)
		}
		// Date has whole seconds, and the answer takes a moment to arrive:
		// Now may run behind the API's clock by up to a second plus that.
		want := step.ahead
		slack := took
		if step.sent.date != nil {
			slack += time.Second
		}
		lo, hi := aheadBy(c)
		if lo > want || hi < want-slack {
			t.Errorf("%s: Now is %s to %s ahead of this machine, want %s (less at most %s)", step.name, lo, hi, want, slack)
		}
	}
}

// Now may be read while answers come in on other goroutines (run with -race).
func TestClientNowConcurrently(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		_, _ = w.Write([]byte(`{"id":"p"}`))
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL+"/v1")
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 10 {
				if _, err := c.GetPassword(context.Background(), vitess, "p"); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 10 {
				_ = c.Now()
			}
		}()
	}
	wg.Wait()
	if lo, hi := aheadBy(c); lo > time.Hour || hi < 59*time.Minute {
		t.Errorf("after concurrent answers an hour ahead, Now is %s to %s ahead, want about an hour", lo, hi)
	}
}
