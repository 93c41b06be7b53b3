package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// A rotating resource's first create that sends nothing, stopped
// (Ctrl-C) or out of time, says so: it is a create, not a rotation; no
// current or previous credential exists to "still work"; and the resource
// has no timeouts block to raise.
func TestRotatingResource_firstCreateNotSentSaysWhatHappened(t *testing.T) {
	t.Parallel()
	stopped, stop := context.WithCancel(context.Background())
	stop()
	late, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"stopped", stopped, "was stopped (Terraform was interrupted) before it was sent"},
		{"timed out", late, "ran out first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, data := mockData(t)
			h := newRotatingCalls(t, data)
			_, null := schemaOf(context.Background(), h.r)
			plan := h.plan(context.Background(), null, "v1")
			resp := &resource.CreateResponse{State: null}
			h.r.Create(tc.ctx, resource.CreateRequest{Plan: plan, Config: tfsdk.Config(plan)}, resp)
			if n := mock.RequestCount(mockapi.RouteCreatePassword); n != 0 {
				t.Fatalf("%d creates sent", n)
			}
			if len(resp.Diagnostics.Errors()) != 1 {
				t.Fatalf("diagnostics = %v, want one error", resp.Diagnostics)
			}
			d := resp.Diagnostics.Errors()[0]
			if d.Summary() != "Error Creating Branch Password" {
				t.Errorf("summary = %q, want Error Creating Branch Password", d.Summary())
			}
			detail := d.Detail()
			if !strings.Contains(detail, tc.want) || !strings.Contains(detail, "Nothing was created") {
				t.Errorf("detail = %q, want %q and that nothing was created", detail, tc.want)
			}
			for _, wrong := range []string{"still work", "timeouts {", "previous"} {
				if strings.Contains(detail, wrong) {
					t.Errorf("detail says %q: %s", wrong, detail)
				}
			}
		})
	}
}
