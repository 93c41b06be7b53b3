package provider

import (
	"context"
	"io"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tfsdklog"
	"github.com/hashicorp/terraform-plugin-log/tfsdklogtest"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
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
