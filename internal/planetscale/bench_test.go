package planetscale_test

import (
	"context"
	"testing"

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
