package provider

import (
	"context"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// BenchmarkApplyPassword maps one API answer into the resource model, the
// work every Create and Read does per credential.
func BenchmarkApplyPassword(b *testing.B) {
	ctx := context.Background()
	pt, exp := "pscale_pw_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", "2026-12-01T00:00:00Z"
	ttl := int64(3600)
	p := &planetscale.Password{
		ID: "abc123", Name: "app", Role: "reader", CIDRs: []string{"10.0.0.0/8", "192.0.2.0/24"},
		CreatedAt: "2026-11-01T00:00:00Z", ExpiresAt: &exp, TTLSeconds: &ttl, AccessHostURL: "aws.connect.psdb.cloud",
		Username: "u0123456789", PlainText: &pt, Renewable: true,
	}
	b.ReportAllocs()
	for b.Loop() {
		m := newBranchPasswordModel(location("app-db", "main"))
		if diags := applyPassword(ctx, &m, p); diags.HasError() {
			b.Fatal(diags)
		}
	}
}
