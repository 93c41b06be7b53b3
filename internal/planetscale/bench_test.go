package planetscale_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// BenchmarkGetPassword is one read through the whole client: request,
// retry policy, keep-alive connection, decode, without the pacing (which
// would measure the rate limit). It reports numbers only.
func BenchmarkGetPassword(b *testing.B) {
	_, url := newMockB(b)
	c, err := planetscale.New(planetscale.Config{BaseURL: url, AccessToken: "pscale_oauth_mock-access-token", Unpaced: true})
	if err != nil {
		b.Fatal(err)
	}
	p, err := c.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetPassword(context.Background(), vitess, p.ID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListPasswordsPage(b *testing.B) {
	_, url := newMockB(b)
	c, err := planetscale.New(planetscale.Config{BaseURL: url, AccessToken: "pscale_oauth_mock-access-token", Unpaced: true})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if _, err := c.CreatePassword(context.Background(), vitess, planetscale.CreatePasswordRequest{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.ListPasswords(context.Background(), vitess, planetscale.ListOptions{PerPage: 100}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNamedCreatesAtTheRateLimit is 40 creates with configured names,
// ten at a time as Terraform runs them, against a mock that allows 30
// requests a minute (burst 5), with the client paced for that limit
// (max_requests_per_minute = 30). It reports the wall time and the 429s the
// API answered: the cost of a create's mark and rename (two requests, as
// the list before the create was). Run it with -benchtime=1x: one
// iteration takes minutes.
func BenchmarkNamedCreatesAtTheRateLimit(b *testing.B) {
	for b.Loop() {
		mock, url := newMockB(b)
		mock.SetRateLimit(30, 5)
		c, err := planetscale.New(planetscale.Config{BaseURL: url, AccessToken: "pscale_oauth_mock-access-token", RequestsPerMinute: 30})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		names := make(chan string)
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for name := range names {
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
					if _, err := c.CreatePasswordNoOrphan(ctx, vitess, planetscale.CreatePasswordRequest{Name: name}, planetscale.NameGiven); err != nil {
						b.Error(err)
					}
					cancel()
				}
			}()
		}
		for i := range 40 {
			names <- fmt.Sprintf("app-%d", i)
		}
		close(names)
		wg.Wait()
		limited := 0
		for _, r := range mock.Requests("") {
			if r.Status == http.StatusTooManyRequests {
				limited++
			}
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/40-creates")
		b.ReportMetric(float64(limited), "429s/40-creates")
		b.ReportMetric(float64(len(mock.Requests(""))), "requests/40-creates")
	}
}
