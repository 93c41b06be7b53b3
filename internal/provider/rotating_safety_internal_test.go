package provider

// The rotating resources against the safety rules, as internal tests: the
// paths Terraform cannot be steered through precisely enough (a stop that
// arrives while the rotation's create is on its way, a token that loses
// sight of the database between two reads of one refresh), and what the
// provider logs while it rotates. The resource's methods are called as the
// framework calls them; plans come from the resource's own ModifyPlan.

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// rotatingCalls calls a rotating password resource's methods on the mock,
// as the framework calls them.
type rotatingCalls struct {
	t *testing.T
	r *rotatingResource[planetscale.Password]
}

func newRotatingCalls(t *testing.T, data *providerData) rotatingCalls {
	return rotatingCalls{t: t, r: &rotatingResource[planetscale.Password]{data: data, pollInterval: time.Millisecond}}
}

// configured is the configuration rotation_trigger = trigger, name_prefix
// "app-", with the computed attributes as Terraform proposes them.
func (h rotatingCalls) configured(trigger string, results rotationResults) rotatingPasswordModel {
	return rotatingPasswordModel{
		rotationArguments: rotationArguments{
			credentialLocation: location("app-db", "main"),
			TTL:                types.Int64Null(), RotateEvery: types.StringNull(), RotationTrigger: types.StringValue(trigger),
			Overlap: types.StringValue("24h"), NamePrefix: types.StringValue("app-"),
		},
		passwordSettings: passwordSettings{
			Role: types.StringValue("reader"), CIDRs: types.SetNull(types.StringType),
			Replica: types.BoolValue(false), DirectVtgate: types.BoolValue(false),
		},
		RetireAfterIdle: types.StringNull(),
		rotationResults: results,
	}
}

// plan is what ModifyPlan makes of the configuration against state
// (null for a create).
func (h rotatingCalls) plan(ctx context.Context, state tfsdk.State, trigger string) tfsdk.Plan {
	h.t.Helper()
	kind := passwords
	unknownSlot := types.ObjectUnknown(kind.slotTypes())
	m := h.configured(trigger, rotationResults{
		Current: unknownSlot, Previous: unknownSlot, RetiringIDs: types.SetUnknown(types.StringType),
		RotatedAt: types.StringUnknown(), Generation: types.Int64Unknown(),
	})
	plan, _ := schemaOf(ctx, h.r)
	if diags := plan.Set(ctx, &m); diags.HasError() {
		h.t.Fatal(diags)
	}
	if state.Raw.IsNull() {
		state = tfsdk.State{Schema: plan.Schema, Raw: state.Raw}
	}
	resp := &resource.ModifyPlanResponse{Plan: plan}
	h.r.ModifyPlan(ctx, resource.ModifyPlanRequest{Config: tfsdk.Config(plan), Plan: plan, State: state}, resp)
	if resp.Diagnostics.HasError() {
		h.t.Fatal(resp.Diagnostics)
	}
	return resp.Plan
}

// create applies the first plan, for rotation_trigger "v1".
func (h rotatingCalls) create(ctx context.Context) tfsdk.State {
	h.t.Helper()
	_, null := schemaOf(ctx, h.r)
	plan := h.plan(ctx, null, "v1")
	resp := &resource.CreateResponse{State: null}
	h.r.Create(ctx, resource.CreateRequest{Plan: plan, Config: tfsdk.Config(plan)}, resp)
	if resp.Diagnostics.HasError() {
		h.t.Fatal(resp.Diagnostics)
	}
	return resp.State
}

// update applies the plan for trigger on ctx; it returns Update's answer.
func (h rotatingCalls) update(ctx, planCtx context.Context, state tfsdk.State, trigger string) *resource.UpdateResponse {
	h.t.Helper()
	plan := h.plan(planCtx, state, trigger)
	resp := &resource.UpdateResponse{State: tfsdk.State{Schema: state.Schema, Raw: state.Raw.Copy()}}
	h.r.Update(ctx, resource.UpdateRequest{Plan: plan, State: state, Config: tfsdk.Config(plan)}, resp)
	return resp
}

// rotated is the state after the create and one rotation, to trigger "v2".
func (h rotatingCalls) rotated(ctx context.Context) tfsdk.State {
	h.t.Helper()
	second := h.update(ctx, ctx, h.create(ctx), "v2")
	if second.Diagnostics.HasError() {
		h.t.Fatal(second.Diagnostics)
	}
	return second.State
}

// rotatedOnMock is a rotating password resource on a new mock after its
// create and one rotation, the mock, and the resource's state then.
func rotatedOnMock(t *testing.T) (rotatingCalls, *mockapi.Server, tfsdk.State) {
	t.Helper()
	mock, data := mockData(t)
	h := newRotatingCalls(t, data)
	return h, mock, h.rotated(context.Background())
}

func (h rotatingCalls) model(ctx context.Context, s tfsdk.State) (*rotatingPasswordModel, *credentialSlot, *credentialSlot) {
	h.t.Helper()
	m := &rotatingPasswordModel{}
	if diags := getModel(ctx, s.Raw, s.Schema, m); diags.HasError() {
		h.t.Fatal(diags)
	}
	return m, passwords.slotOf(m.Current), passwords.slotOf(m.Previous)
}

// A stop (Ctrl-C) that arrives while the rotation's create is on its way:
// the create is finished and recorded (the new current password, its
// secret, the old current as previous, the older previous among
// retiring_ids), and nothing is sent after it: no rename, no delete of the
// older previous.
func TestRotatingBranchPassword_stopDuringCreateRecordsAndSendsNothingMore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, mock, second := rotatedOnMock(t)
	_, c2, c1 := h.model(ctx, second)

	stopCtx, stop := context.WithCancel(ctx)
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, Times: 1, Before: stop})
	mock.ResetRequests()
	third := h.update(stopCtx, ctx, second, "v3")

	m, c3, previous := h.model(ctx, third.State)
	if c3 == nil || c3.ID.ValueString() == c2.ID.ValueString() {
		t.Fatalf("the password the stopped rotation created is not current in state (%v)", third.Diagnostics)
	}
	made, ok := mock.Password(c3.ID.ValueString())
	if !ok || made.PlainText != c3.Secret.ValueString() {
		t.Fatalf("state's current %s is not the password the API made with its secret", c3.ID)
	}
	if previous == nil || previous.ID.ValueString() != c2.ID.ValueString() {
		t.Fatalf("previous is %+v, want the old current %s", previous, c2.ID)
	}
	if ids := setStrings(m.RetiringIDs); len(ids) != 1 || ids[0] != c1.ID.ValueString() {
		t.Fatalf("retiring_ids = %v, want the older previous %s", ids, c1.ID)
	}
	for _, route := range []string{mockapi.RouteDeletePassword, mockapi.RouteUpdatePassword} {
		if n := mock.RequestCount(route); n != 0 {
			t.Errorf("after the stop, %d %s request(s) were sent", n, route)
		}
	}
	if _, ok := mock.Password(c1.ID.ValueString()); !ok {
		t.Error("the older previous was deleted after the stop")
	}
	if !third.Diagnostics.HasError() {
		t.Error("a rotation whose retirement was stopped reported success")
	}
}

// A stop before the rotation sent anything sends nothing at all, and state
// stays as it was.
func TestRotatingBranchPassword_stopBeforeSendingSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, mock, second := rotatedOnMock(t)
	mock.ResetRequests()
	stopped, stop := context.WithCancel(ctx)
	stop()
	third := h.update(stopped, ctx, second, "v3")
	if !third.Diagnostics.HasError() {
		t.Fatal("a stopped rotation reported success")
	}
	for route, n := range mock.RequestCounts() {
		if route != mockapi.RouteListPasswords && route != mockapi.RouteGetPassword {
			t.Errorf("after the stop, %d %s request(s) were sent", n, route)
		}
	}
	if !third.State.Raw.Equal(second.Raw) {
		t.Error("a rotation that sent nothing changed state")
	}
}

// One refresh, two reads: the branch's list answers (a page that lags
// behind, without either password), the current is read by GET, and then,
// before the previous is read, the token loses sight of the database: the
// previous's 404 is ambiguous, and it must stay in state.
func TestRotatingBranchPassword_readKeepsPreviousOnAmbiguousNotFoundAfterAList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, mock, second := rotatedOnMock(t)
	// A fresh provider, as the next run would start.
	h.r.data = mockDataFor(t, mock)
	gets := 0
	mock.Inject(mockapi.Fault{Route: mockapi.RouteListPasswords, EmptyPage: true, Times: 1})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteGetPassword, Times: 2, Before: func() {
		if gets++; gets == 2 {
			mock.HideDatabase("acme", "app-db", true)
		}
	}})
	resp := &resource.ReadResponse{State: second}
	h.r.Read(ctx, resource.ReadRequest{State: second}, resp)
	if gets != 2 {
		t.Fatalf("the refresh sent %d GETs, want 2 (requests %v)", gets, mock.RequestCounts())
	}
	_, current, previous := h.model(ctx, resp.State)
	if current == nil || previous == nil {
		t.Fatalf("a slot left state on an ambiguous 404: current %v, previous %v (%v)", current, previous, resp.Diagnostics)
	}
	if !resp.Diagnostics.HasError() {
		t.Error("a refresh that could not read the previous password reported success")
	}
}

// mockDataFor is mockData for an existing mock: a new provider (new
// caches), as a new run has.
func mockDataFor(t *testing.T, mock *mockapi.Server) *providerData {
	t.Helper()
	srv := contract.Serve(t, mock)
	client, err := planetscale.New(planetscale.Config{
		BaseURL: srv.URL + "/v1", ServiceTokenID: mockapi.DefaultServiceTokenID, ServiceToken: mockapi.DefaultServiceToken,
		Unpaced: true,
		Log:     func(ctx context.Context, msg string, fields map[string]any) { tflog.Debug(ctx, msg, fields) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return newProviderData(client, "service token from the test", mockapi.DefaultServiceToken)
}

// Everything the provider logs through a rotation's life (create,
// rotations, a retirement that fails and is retried, refreshes, destroy)
// holds none of the secrets the API minted.
func TestRotatingBranchPassword_logsNoSecret(t *testing.T) {
	t.Parallel()
	var logged bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logged)
	mock := mockapi.NewWithDefaultWorld()
	h := newRotatingCalls(t, mockDataFor(t, mock))
	secrets := map[string]bool{}
	minted := func() {
		for _, p := range mock.Passwords() {
			secrets[p.PlainText] = true
		}
	}
	second := h.rotated(ctx)
	minted() // the first two: the first rotation retires nothing
	mock.Inject(mockapi.Fault{Route: mockapi.RouteDeletePassword, Status: 422, Times: 1})
	third := h.update(ctx, ctx, second, "v3")
	minted()
	if !third.Diagnostics.HasError() {
		t.Fatal("the failed retirement was not reported")
	}
	read := &resource.ReadResponse{State: third.State}
	h.r.Read(ctx, resource.ReadRequest{State: third.State}, read)
	fourth := h.update(ctx, ctx, read.State, "v3")
	if fourth.Diagnostics.HasError() {
		t.Fatal(fourth.Diagnostics)
	}
	deleted := &resource.DeleteResponse{State: fourth.State}
	h.r.Delete(ctx, resource.DeleteRequest{State: fourth.State}, deleted)
	if deleted.Diagnostics.HasError() {
		t.Fatal(deleted.Diagnostics)
	}
	if len(secrets) != 3 || !strings.Contains(logged.String(), "retired branch password") {
		t.Fatalf("%d secrets minted, log:\n%s", len(secrets), logged.String())
	}
	for s := range secrets {
		if strings.Contains(logged.String(), s) {
			t.Errorf("a secret is in the provider's log")
		}
	}
	if strings.Contains(logged.String(), mockapi.DefaultServiceToken) {
		t.Error("the service token is in the provider's log")
	}
}
