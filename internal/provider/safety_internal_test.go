package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// These tests call the resources' methods directly, as the framework does,
// where Terraform cannot be steered precisely enough: a stop that arrives
// while an answer is on its way, and the warnings of a plan.

func schemaOf(ctx context.Context, r resource.Resource) (tfsdk.Plan, tfsdk.State) {
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	null := tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)
	return tfsdk.Plan{Schema: resp.Schema, Raw: null}, tfsdk.State{Schema: resp.Schema, Raw: null}
}

// plannedPassword is a create's plan: configured values known, computed
// ones unknown.
func plannedPassword(branch, name string) branchPasswordModel {
	unknown := types.StringUnknown()
	return branchPasswordModel{
		passwordCredential: passwordCredential{
			passwordArguments: passwordArguments{
				credentialArguments: credentialArguments{credentialLocation: location("app-db", branch), Name: types.StringValue(name), TTL: types.Int64Null()},
				passwordSettings: passwordSettings{
					Role: types.StringValue("reader"), CIDRs: types.SetNull(types.StringType),
					Replica: types.BoolValue(false), DirectVtgate: types.BoolValue(false),
				},
			},
			passwordResults: passwordResults{
				credentialResults: credentialResults{ID: unknown, Username: unknown, ConnectionString: unknown, AccessHostURL: unknown, ExpiresAt: unknown},
				PlainText:         unknown,
			},
		},
		stateResults:          stateResults{CreatedAt: unknown, Expired: types.BoolUnknown(), RenewBefore: types.StringNull(), Timeouts: nullTimeouts()},
		AccessHostRegionalURL: unknown, Renewable: types.BoolUnknown(),
	}
}

// Terraform's stop (one Ctrl-C) cancels the context of a Create whose POST
// already reached the API. The create is finished anyway, and the credential
// the API made is in state with its secret.
func TestCreateRecordsTheCredentialWhenStoppedAfterSending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mock, data := mockData(t)
	release := make(chan struct{})
	mock.Inject(mockapi.Fault{Route: mockapi.RouteCreatePassword, HoldAnswer: release, Times: 1})

	r := &branchPasswordResource{data: data}
	plan, state := schemaOf(ctx, r)
	model := plannedPassword("main", "app")
	if diags := plan.Set(ctx, &model); diags.HasError() {
		t.Fatal(diags)
	}
	req := resource.CreateRequest{Plan: plan, Config: tfsdk.Config(plan)}
	resp := &resource.CreateResponse{State: state}

	stopCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Create(stopCtx, req, resp)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for len(mock.Passwords()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the create never reached the mock")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop() // the stop arrives while the answer is held back
	close(release)
	<-done

	if resp.Diagnostics.HasError() {
		t.Fatalf("Create reported %v; the created password must be recorded", resp.Diagnostics)
	}
	var got branchPasswordModel
	if diags := resp.State.Get(ctx, &got); diags.HasError() {
		t.Fatal(diags)
	}
	made := mock.Passwords()
	if len(made) != 1 || got.ID.ValueString() != made[0].ID || got.PlainText.ValueString() != made[0].PlainText {
		t.Fatalf("state holds %s, the mock made %+v: every credential the API made must be in state with its secret", got.ID, made)
	}
}

// A stop that arrives before anything was sent makes nothing.
func TestCreateStoppedBeforeSendingMakesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mock, data := mockData(t)
	r := &postgresRoleResource{data: data, pollInterval: time.Millisecond}
	plan, state := schemaOf(ctx, r)
	unknown := types.StringUnknown()
	model := postgresRoleModel{
		roleCredential: roleCredential{
			roleArguments: roleArguments{
				credentialArguments: credentialArguments{credentialLocation: location("pg-db", "main"), Name: types.StringValue("app"), TTL: types.Int64Null()},
				roleSettings: roleSettings{
					InheritedRoles: types.SetNull(types.StringType), WithReplication: types.BoolValue(false),
					RequireWhereOnDelete: unknown, RequireWhereOnUpdate: unknown,
				},
				Successor: types.StringNull(),
			},
			roleResults: roleResults{
				credentialResults: credentialResults{ID: unknown, Username: unknown, ConnectionString: unknown, AccessHostURL: unknown, ExpiresAt: unknown},
				Password:          unknown, DatabaseName: unknown,
			},
		},
		stateResults:    stateResults{CreatedAt: unknown, Expired: types.BoolUnknown(), RenewBefore: types.StringNull(), Timeouts: nullTimeouts()},
		RotationTrigger: types.StringNull(),
	}
	if diags := plan.Set(ctx, &model); diags.HasError() {
		t.Fatal(diags)
	}
	stopped, stop := context.WithCancel(ctx)
	stop()
	resp := &resource.CreateResponse{State: state}
	r.Create(stopped, resource.CreateRequest{Plan: plan, Config: tfsdk.Config(plan)}, resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "Nothing was created") {
		t.Fatalf("diagnostics = %v, want an error saying nothing was created", resp.Diagnostics)
	}
	if n := mock.RequestCount(mockapi.RouteCreateRole); n != 0 {
		t.Errorf("%d creates sent after the stop", n)
	}
}

// Two resources of one plan that give the same name on the same branch:
// the second gets a warning on its name. Other branches, other kinds and
// generated names do not.
func TestNameUsedTwiceOnABranchWarns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, data := mockData(t)
	r := &branchPasswordResource{data: data}
	plan, state := schemaOf(ctx, r)
	modifyPlan := func(m branchPasswordModel, configuredName bool) int {
		t.Helper()
		p := plan
		if diags := p.Set(ctx, &m); diags.HasError() {
			t.Fatal(diags)
		}
		config := tfsdk.Config(p)
		if !configuredName {
			c := tfsdk.Plan{Schema: p.Schema, Raw: p.Raw}
			m.Name = types.StringNull()
			if diags := c.Set(ctx, &m); diags.HasError() {
				t.Fatal(diags)
			}
			config.Raw = c.Raw
		}
		resp := &resource.ModifyPlanResponse{Plan: p}
		r.ModifyPlan(ctx, resource.ModifyPlanRequest{Config: config, Plan: p, State: state}, resp)
		if resp.Diagnostics.HasError() {
			t.Fatal(resp.Diagnostics)
		}
		return resp.Diagnostics.WarningsCount()
	}
	if n := modifyPlan(plannedPassword("main", "app"), true); n != 0 {
		t.Errorf("first declaration: %d warnings", n)
	}
	if n := modifyPlan(plannedPassword("dev", "app"), true); n != 0 {
		t.Errorf("same name on another branch: %d warnings", n)
	}
	if n := modifyPlan(plannedPassword("main", "terraform-0011223344556677"), false); n != 0 {
		t.Errorf("a generated name: %d warnings", n)
	}
	if n := modifyPlan(plannedPassword("main", "app"), true); n != 1 {
		t.Errorf("second declaration on the same branch: %d warnings, want 1", n)
	}
}
