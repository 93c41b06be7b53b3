package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// A stop (Ctrl-C) while the successor check's list
// waits to be retried (a 503) sends nothing more: no second list page, no
// create.
func TestSuccessorListStoppedDuringRetryWaitCreatesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mock, data := mockData(t)
	heir, err := data.client.CreateRole(ctx, planetscale.Branch{Organization: "acme", Database: "pg-db", Branch: "main"}, planetscale.CreateRoleRequest{Name: "heir"})
	if err != nil {
		t.Fatal(err)
	}
	mock.ResetRequests()
	stopCtx, stop := context.WithCancel(ctx)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteListRoles, Status: 503, Before: stop})

	r := &postgresRoleResource{data: data, pollInterval: time.Millisecond}
	plan, state := schemaOf(ctx, r)
	plan = reviewRolePlan(t, ctx, plan)
	if diags := plan.SetAttribute(ctx, path.Root("successor"), types.StringValue(heir.Username)); diags.HasError() {
		t.Fatal(diags)
	}
	resp := &resource.CreateResponse{State: state}
	r.Create(stopCtx, resource.CreateRequest{Plan: plan, Config: tfsdk.Config(plan)}, resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("a create stopped during its successor check reported no error")
	}
	if n := mock.RequestCount(mockapi.RouteListRoles); n != 1 {
		t.Errorf("%d role lists sent, want 1: a stop during the retry wait sends nothing more", n)
	}
	if n := mock.RequestCount(mockapi.RouteCreateRole); n != 0 {
		t.Errorf("%d role creates sent after the stop", n)
	}
	if !resp.State.Raw.IsNull() {
		t.Errorf("state recorded for a create that was never sent")
	}
}
