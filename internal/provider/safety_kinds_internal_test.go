package provider

// Safety rules per kind, from the review of the "one value per credential
// kind" refactor (issue #24), as internal tests: Terraform's stop (Ctrl-C) on the paths of a role that
// only the shared code now holds (the ready-wait, the reset). Plans and
// states are built attribute by attribute, so that the tests compile
// against the models before the refactor as well as after it.

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// reviewRolePlan is a role create's plan (password_rotation_trigger "one"),
// built attribute by attribute.
func reviewRolePlan(t *testing.T, ctx context.Context, plan tfsdk.Plan) tfsdk.Plan {
	t.Helper()
	unknown := types.StringUnknown()
	for name, v := range map[string]attr.Value{
		"organization": types.StringValue("acme"), "database": types.StringValue("pg-db"), "branch": types.StringValue("main"),
		"name": types.StringValue("app"), "ttl": types.Int64Null(), "inherited_roles": types.SetNull(types.StringType),
		"with_replication": types.BoolValue(false), "require_where_on_delete": unknown, "require_where_on_update": unknown,
		"successor": types.StringNull(), "id": unknown, "username": unknown, "password": unknown, "connection_string": unknown,
		"access_host_url": unknown, "database_name": unknown, "created_at": unknown, "expires_at": unknown,
		"expired": types.BoolUnknown(), "renew_before": types.StringNull(), "password_rotation_trigger": types.StringValue("one"),
		"timeouts": nullTimeouts(),
	} {
		if diags := plan.SetAttribute(ctx, path.Root(name), v); diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
	}
	return plan
}

func reviewString(t *testing.T, ctx context.Context, s tfsdk.State, name string) types.String {
	t.Helper()
	var v types.String
	if diags := s.GetAttribute(ctx, path.Root(name), &v); diags.HasError() {
		t.Fatalf("%s: %v", name, diags)
	}
	return v
}

// waitFor polls until cond holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(what + " never happened")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// createReviewRole creates a role through Create and returns its state.
func createReviewRole(t *testing.T, ctx context.Context, r *postgresRoleResource) tfsdk.State {
	t.Helper()
	plan, state := schemaOf(ctx, r)
	plan = reviewRolePlan(t, ctx, plan)
	resp := &resource.CreateResponse{State: state}
	r.Create(ctx, resource.CreateRequest{Plan: plan, Config: tfsdk.Config(plan)}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.State
}

// A stop that arrives while a role's create answer is on its way, for a
// role the database does not serve yet: the create is finished, the wait
// for readiness ends on the stop, and the role is in state with the only
// copy of its password (tainted), never lost.
func TestSafetyRoleCreateStoppedBeforeReadyKeepsRoleAndPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mock, data := mockData(t)
	mock.SetRolesPendingGets(1000)
	release := make(chan struct{})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreateRole, HoldAnswer: release, Times: 1})

	r := &postgresRoleResource{data: data, pollInterval: time.Millisecond}
	plan, state := schemaOf(ctx, r)
	plan = reviewRolePlan(t, ctx, plan)
	resp := &resource.CreateResponse{State: state}
	stopCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Create(stopCtx, resource.CreateRequest{Plan: plan, Config: tfsdk.Config(plan)}, resp)
	}()
	waitFor(t, "the create reaching the mock", func() bool { return len(mock.Roles()) > 0 })
	stop()
	close(release)
	<-done

	if !resp.Diagnostics.HasError() {
		t.Fatal("a role that never became ready was reported created without error")
	}
	made := mock.Roles()
	if len(made) != 1 {
		t.Fatalf("the mock holds %d roles, want 1", len(made))
	}
	if resp.State.Raw.IsNull() {
		t.Fatalf("a live role (%s) is not in state: Terraform lost track of it (%v)", made[0].ID, resp.Diagnostics)
	}
	if id, pw := reviewString(t, ctx, resp.State, "id"), reviewString(t, ctx, resp.State, "password"); id.ValueString() != made[0].ID || pw.ValueString() != made[0].Password {
		t.Fatalf("state holds role %s, the mock made %s: the role must be in state with its password", id, made[0].ID)
	}
	if n := mock.RequestCount(mockapi.RouteDeleteRole); n != 0 {
		t.Fatalf("the role was deleted (%d DELETE)", n)
	}
}

// A stop that arrives while a role's reset answer is on its way: the reset
// is finished and its new password recorded in state (the old one no
// longer works), and nothing is sent after it.
func TestSafetyRoleResetStoppedAfterSendingRecordsNewPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mock, data := mockData(t)
	r := &postgresRoleResource{data: data, pollInterval: time.Millisecond}
	state := createReviewRole(t, ctx, r)
	old := reviewString(t, ctx, state, "password").ValueString()

	// The update's plan: a new trigger, so a new password.
	plan := tfsdk.Plan{Schema: state.Schema, Raw: state.Raw.Copy()}
	for name, v := range map[string]attr.Value{
		"password_rotation_trigger": types.StringValue("two"),
		"password":                  types.StringUnknown(), "connection_string": types.StringUnknown(),
	} {
		if diags := plan.SetAttribute(ctx, path.Root(name), v); diags.HasError() {
			t.Fatal(diags)
		}
	}
	release := make(chan struct{})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteResetRole, HoldAnswer: release, Times: 1})
	mock.ResetRequests()
	resp := &resource.UpdateResponse{State: tfsdk.State{Schema: state.Schema, Raw: plan.Raw.Copy()}}
	stopCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Update(stopCtx, resource.UpdateRequest{Plan: plan, State: state, Config: tfsdk.Config(plan)}, resp)
	}()
	waitFor(t, "the reset reaching the mock", func() bool { return mock.RequestCount(mockapi.RouteResetRole) > 0 })
	stop()
	close(release)
	<-done

	made := mock.Roles()
	if len(made) != 1 || made[0].Password == old {
		t.Fatalf("the mock holds %+v; want the one role with a new password", made)
	}
	if got := reviewString(t, ctx, resp.State, "password"); got.ValueString() != made[0].Password {
		t.Fatalf("state's password is not the reset's new one (%v): the only copy of the secret is lost", resp.Diagnostics)
	}
}

// A stop before a role's update sent anything sends nothing: no PATCH, no
// reset, no renewal.
func TestSafetyRoleUpdateStoppedBeforeSendingSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mock, data := mockData(t)
	r := &postgresRoleResource{data: data, pollInterval: time.Millisecond}
	state := createReviewRole(t, ctx, r)
	plan := tfsdk.Plan{Schema: state.Schema, Raw: state.Raw.Copy()}
	for name, v := range map[string]attr.Value{
		"name": types.StringValue("renamed"), "password_rotation_trigger": types.StringValue("two"),
		"password": types.StringUnknown(), "connection_string": types.StringUnknown(),
	} {
		if diags := plan.SetAttribute(ctx, path.Root(name), v); diags.HasError() {
			t.Fatal(diags)
		}
	}
	mock.ResetRequests()
	stopCtx, stop := context.WithCancel(ctx)
	stop()
	resp := &resource.UpdateResponse{State: tfsdk.State{Schema: state.Schema, Raw: plan.Raw.Copy()}}
	r.Update(stopCtx, resource.UpdateRequest{Plan: plan, State: state, Config: tfsdk.Config(plan)}, resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("a stopped update reported success")
	}
	for _, route := range []string{mockapi.RouteUpdateRole, mockapi.RouteResetRole, mockapi.RouteRenewRole} {
		if n := mock.RequestCount(route); n != 0 {
			t.Errorf("a stopped update sent %d %s request(s)", n, route)
		}
	}
}

// A stop before a role's delete was sent sends nothing, and the role is
// not reported deleted (Terraform would forget it).
func TestSafetyRoleDeleteStoppedBeforeSendingKeepsIt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mock, data := mockData(t)
	r := &postgresRoleResource{data: data, pollInterval: time.Millisecond}
	state := createReviewRole(t, ctx, r)
	mock.ResetRequests()
	stopCtx, stop := context.WithCancel(ctx)
	stop()
	resp := &resource.DeleteResponse{State: state}
	r.Delete(stopCtx, resource.DeleteRequest{State: state}, resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("a stopped delete reported success: Terraform forgets a role that still exists")
	}
	if n := mock.RequestCount(mockapi.RouteDeleteRole); n != 0 || len(mock.Roles()) != 1 {
		t.Fatalf("a stopped delete sent %d DELETE; the mock holds %d roles", n, len(mock.Roles()))
	}
}

// markedData is a provider whose API is the mock, with every 2xx GET answer
// about a credential (a GET or a list) given mark's fields: the marks the
// real API sets and the mock never does.
func markedData(t *testing.T, mark map[string]any) (*mockapi.Server, *providerData, *bool) {
	t.Helper()
	mock := mockapi.NewWithDefaultWorld()
	on := new(bool)
	srv := contract.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		mock.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if *on && r.Method == http.MethodGet && rec.Code/100 == 2 {
			var answer map[string]any
			if json.Unmarshal(body, &answer) == nil {
				items := []any{answer}
				if list, ok := answer["data"].([]any); ok {
					items = list
				}
				for _, item := range items {
					if m, ok := item.(map[string]any); ok && m["id"] != nil {
						maps.Copy(m, mark)
					}
				}
				body, _ = json.Marshal(answer)
			}
		}
		maps.Copy(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	client, err := planetscale.New(planetscale.Config{
		BaseURL: srv.URL + "/v1", ServiceTokenID: mockapi.DefaultServiceTokenID, ServiceToken: mockapi.DefaultServiceToken,
		Unpaced: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return mock, newProviderData(client, "service token from the test", mockapi.DefaultServiceToken), on
}

// reviewPasswordPlan is a password create's plan, built attribute by
// attribute.
func reviewPasswordPlan(t *testing.T, ctx context.Context, plan tfsdk.Plan) tfsdk.Plan {
	t.Helper()
	unknown := types.StringUnknown()
	for name, v := range map[string]attr.Value{
		"organization": types.StringValue("acme"), "database": types.StringValue("app-db"), "branch": types.StringValue("main"),
		"name": types.StringValue("app"), "role": types.StringValue("reader"), "ttl": types.Int64Null(), "cidrs": types.SetNull(types.StringType),
		"replica": types.BoolValue(false), "direct_vtgate": types.BoolValue(false),
		"id": unknown, "username": unknown, "plain_text": unknown, "connection_string": unknown,
		"access_host_url": unknown, "access_host_regional_url": unknown, "created_at": unknown, "expires_at": unknown,
		"expired": types.BoolUnknown(), "renewable": types.BoolUnknown(), "renew_before": types.StringNull(),
		"timeouts": nullTimeouts(),
	} {
		if diags := plan.SetAttribute(ctx, path.Root(name), v); diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
	}
	return plan
}

// readMarked creates a credential, then reads it (from the branch's list
// and by GET) while the API marks it with mark; it returns Read's answer.
func readMarked(t *testing.T, kind string, mark map[string]any) (*resource.ReadResponse, *mockapi.Server) {
	t.Helper()
	ctx := context.Background()
	mock, data, on := markedData(t, mark)
	var r resource.Resource
	var plan tfsdk.Plan
	var state tfsdk.State
	if kind == "role" {
		role := &postgresRoleResource{data: data, pollInterval: time.Millisecond}
		plan, state = schemaOf(ctx, role)
		plan, r = reviewRolePlan(t, ctx, plan), role
	} else {
		password := &branchPasswordResource{data: data}
		plan, state = schemaOf(ctx, password)
		plan, r = reviewPasswordPlan(t, ctx, plan), password
	}
	created := &resource.CreateResponse{State: state}
	r.Create(ctx, resource.CreateRequest{Plan: plan, Config: tfsdk.Config(plan)}, created)
	if created.Diagnostics.HasError() {
		t.Fatal(created.Diagnostics)
	}
	*on = true
	resp := &resource.ReadResponse{State: created.State}
	r.Read(ctx, resource.ReadRequest{State: created.State}, resp)
	return resp, mock
}

// A disabled role still exists and may be enabled again: Read keeps it in
// state, with its password.
func TestSafetyReadKeepsADisabledRole(t *testing.T) {
	t.Parallel()
	resp, mock := readMarked(t, "role", map[string]any{"disabled_at": "2026-01-01T00:00:00.000Z"})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if resp.State.Raw.IsNull() {
		t.Fatal("a disabled role was removed from state; it still exists")
	}
	if pw := reviewString(t, context.Background(), resp.State, "password"); pw.ValueString() != mock.Roles()[0].Password {
		t.Fatal("a disabled role's password was lost from state")
	}
}

// The API's own marks are proof that a credential is gone: a role marked
// deleted or dropped, a password marked deleted, leaves state.
func TestSafetyReadForgetsACredentialMarkedGone(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		kind string
		mark map[string]any
	}{
		"role deleted":     {"role", map[string]any{"deleted_at": "2026-01-01T00:00:00.000Z"}},
		"role dropped":     {"role", map[string]any{"dropped_at": "2026-01-01T00:00:00.000Z"}},
		"password deleted": {"password", map[string]any{"deleted_at": "2026-01-01T00:00:00.000Z"}},
	} {
		t.Run(name, func(t *testing.T) {
			resp, _ := readMarked(t, c.kind, c.mark)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			if !resp.State.Raw.IsNull() {
				t.Fatalf("a %s the API marks gone (%v) stayed in state", c.kind, c.mark)
			}
		})
	}
}

// Found by the review, older than the refactor: Read took a branch list
// this walk had already read as the branch answering, so a GET's 404 that
// came after the token lost sight of the database (an ambiguous 404)
// removed a live credential from state. Read now asks the branch again
// (notFoundIsGone); the provider harness has the fault too.
func TestSafetyReadTrustsNoEarlierListForAnAmbiguous404(t *testing.T) {
	ctx := context.Background()
	mock, data := mockData(t)
	r := &branchPasswordResource{data: data}
	plan, state := schemaOf(ctx, r)
	plan = reviewPasswordPlan(t, ctx, plan)
	created := &resource.CreateResponse{State: state}
	r.Create(ctx, resource.CreateRequest{Plan: plan, Config: tfsdk.Config(plan)}, created)
	if created.Diagnostics.HasError() {
		t.Fatal(created.Diagnostics)
	}
	// The branch's list answers (a page that lags behind, without the
	// password); then, before the GET, the token loses sight of the
	// database, so the GET answers 404 for a password that exists.
	mock.Inject(mockapi.Fault{Route: mockapi.RouteListPasswords, EmptyPage: true, Times: 1})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteGetPassword, Times: 1, Before: func() { mock.HideDatabase("acme", "app-db", true) }})
	resp := &resource.ReadResponse{State: created.State}
	r.Read(ctx, resource.ReadRequest{State: created.State}, resp)
	if live := len(mock.Passwords()); resp.State.Raw.IsNull() && live == 1 {
		t.Fatalf("a live password left state on a 404 while its database was hidden (requests %v)", mock.RequestCounts())
	}
}
