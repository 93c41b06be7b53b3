package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// State written before the rotating resources had an id (rotatingCalls'
// plans leave it null, as a provider before it did) gets one from its next
// refresh, the current credential's ID, and a plan against that state
// changes nothing: no phantom diff after an upgrade.
func TestRotatingBranchPassword_stateWithoutIDGetsOneOnRefresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, _, second := rotatedOnMock(t)
	if before, _, _ := h.model(ctx, second); !before.ID.IsNull() {
		t.Fatalf("the state to refresh already has id %s", before.ID)
	}
	resp := &resource.ReadResponse{State: second}
	h.r.Read(ctx, resource.ReadRequest{State: second}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	read, current, _ := h.model(ctx, resp.State)
	if current == nil || read.ID.IsNull() || !read.ID.Equal(current.ID) {
		t.Fatalf("after refresh id is %s, want the current password's ID (%+v)", read.ID, current)
	}
	if plan := h.plan(ctx, resp.State, "v2"); !plan.Raw.Equal(resp.State.Raw) {
		t.Errorf("the plan against the refreshed state changes it:\nplan  %s\nstate %s", plan.Raw, resp.State.Raw)
	}
}
