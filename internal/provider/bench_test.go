// The package's benchmarks: numbers, not pass/fail (make bench runs them
// among the Go benchmarks of the hot paths).
package provider

import (
	"context"
	"io"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tfsdklog"
	"github.com/hashicorp/terraform-plugin-log/tfsdklogtest"
)

// BenchmarkPlanCreate is one create plan of a branch password through the
// framework, as Terraform asks for it 400 times in the benchmark's apply,
// with the SDK's log output at TRACE (its default, which Terraform throws
// away unless TF_LOG is set) and off (what the provider's main sets then,
// see silenceDiscardedLogs). Real output goes to a pipe; here it goes to
// io.Discard, so the difference is smaller than in a terraform run.
func BenchmarkPlanCreate(b *testing.B) {
	ctx := context.Background()
	server := providerserver.NewProtocol6(New("bench")())()
	objectType := resourceSchema(b, newCredentialResource[planetscale.Password]()).Schema.Type().TerraformType(ctx)
	config := map[string]tftypes.Value{}
	for name, t := range objectType.(tftypes.Object).AttributeTypes { //nolint:forcetypeassert // a schema's type is an object
		config[name] = tftypes.NewValue(t, nil)
	}
	for name, value := range map[string]string{"organization": "acme", "database": "app-db", "branch": "main", "role": "reader"} {
		config[name] = tftypes.NewValue(tftypes.String, value)
	}
	dynamic := func(v tftypes.Value) *tfprotov6.DynamicValue {
		dv, err := tfprotov6.NewDynamicValue(objectType, v)
		if err != nil {
			b.Fatal(err)
		}
		return &dv
	}
	req := &tfprotov6.PlanResourceChangeRequest{
		TypeName:         passwordKind.resource,
		PriorState:       dynamic(tftypes.NewValue(objectType, nil)),
		ProposedNewState: dynamic(tftypes.NewValue(objectType, config)),
		Config:           dynamic(tftypes.NewValue(objectType, config)),
	}
	for _, tc := range []struct {
		name string
		ctx  context.Context
	}{
		{"sdk-logs-trace", tfsdklogtest.RootLogger(ctx, io.Discard)},
		{"sdk-logs-off", tfsdklog.NewRootSDKLogger(ctx, tfsdklog.WithLevel(hclog.Off))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := server.PlanResourceChange(tc.ctx, req)
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatal(err, resp.Diagnostics)
				}
			}
		})
	}
}

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
		m := onBranch(&branchPasswordModel{}, location("app-db", "main"))
		if diags := recordAnswer(ctx, m, p, passwordSummary); diags.HasError() {
			b.Fatal(diags)
		}
	}
}
