package provider

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// officialAttributes returns the attributes of the official provider's
// resource of that type in the state file it wrote, for a test to vary.
func officialAttributes(t *testing.T, typeName string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("testdata/official-provider/state-v1.8.0.json")
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Resources {
		if r.Type == typeName {
			return r.Instances[0].Attributes
		}
	}
	t.Fatalf("no %s in the official state file", typeName)
	return nil
}

// move runs a resource's state movers as the framework does for a moved
// block from address's typeName with these attributes.
func move(t *testing.T, r resource.ResourceWithMoveState, address, typeName string, attributes map[string]any) (*resource.MoveStateResponse, tfsdk.State) {
	t.Helper()
	ctx := context.Background()
	raw, err := json.Marshal(attributes)
	if err != nil {
		t.Fatal(err)
	}
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	null := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	req := resource.MoveStateRequest{SourceProviderAddress: address, SourceTypeName: typeName, SourceRawState: &tfprotov6.RawState{JSON: raw}}
	for _, mover := range r.MoveState(ctx) {
		resp := &resource.MoveStateResponse{TargetState: null}
		mover.StateMover(ctx, req, resp)
		if resp.Diagnostics.HasError() || !resp.TargetState.Raw.Equal(null.Raw) {
			return resp, resp.TargetState
		}
	}
	return nil, null
}

const officialAddress = "registry.terraform.io/planetscale/planetscale"

func TestMoveOfficialPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := officialAttributes(t, "planetscale_vitess_branch_password")
	resp, state := move(t, &branchPasswordResource{}, officialAddress, "planetscale_vitess_branch_password", src)
	if resp == nil || resp.Diagnostics.HasError() {
		t.Fatalf("not moved: %v", resp)
	}
	var m branchPasswordModel
	if d := state.Get(ctx, &m); d.HasError() {
		t.Fatal(d)
	}
	plainText, _ := src["plain_text"].(string)
	want := map[string]string{
		"id": "e9d54c459fd3", "organization": "acme", "database": "vdb", "branch": "main", "name": "app", "role": "readwriter",
		"plain_text": plainText, "username": "u15ba34e0ab3f", "access_host_url": "aws.connect.psdb.cloud",
		"access_host_regional_url": "aws-us-east-1.connect.psdb.cloud", "created_at": "2026-11-25T13:27:32Z", "expires_at": "2026-11-26T13:27:32Z",
		"connection_string": "mysql://u15ba34e0ab3f:" + plainText + "@aws.connect.psdb.cloud/vdb?sslaccept=strict",
	}
	got := map[string]types.String{
		"id": m.ID, "organization": m.Organization, "database": m.Database, "branch": m.Branch, "name": m.Name, "role": m.Role,
		"plain_text": m.PlainText, "username": m.Username, "access_host_url": m.AccessHostURL, "access_host_regional_url": m.AccessHostRegionalURL,
		"created_at": m.CreatedAt, "expires_at": m.ExpiresAt, "connection_string": m.ConnectionString,
	}
	for attr, w := range want {
		if got[attr].ValueString() != w {
			t.Errorf("%s = %q, want %q", attr, got[attr].ValueString(), w)
		}
	}
	var cidrs []string
	m.CIDRs.ElementsAs(ctx, &cidrs, false)
	if m.TTL.ValueInt64() != 86400 || len(cidrs) != 1 || cidrs[0] != "203.0.113.0/24" || m.Replica.ValueBool() || m.DirectVtgate.ValueBool() || !m.Renewable.ValueBool() {
		t.Errorf("ttl %v, cidrs %v, replica %v, direct_vtgate %v, renewable %v", m.TTL, cidrs, m.Replica, m.DirectVtgate, m.Renewable)
	}
	if !m.RenewBefore.IsNull() || !m.Timeouts.IsNull() {
		t.Errorf("renew_before %v, timeouts %v: want both unset", m.RenewBefore, m.Timeouts)
	}
}

// Variations of the official password state: no TTL, ttl_seconds only, no
// CIDRs, expired, attributes from a newer version, OpenTofu's registry.
func TestMoveOfficialPasswordShapes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	cases := []struct {
		name    string
		address string
		change  func(map[string]any)
		check   func(branchPasswordModel) string
	}{
		{"no ttl", officialAddress, func(a map[string]any) { a["ttl"], a["ttl_seconds"], a["expires_at"] = nil, nil, nil }, func(m branchPasswordModel) string {
			if !m.TTL.IsNull() || !m.ExpiresAt.IsNull() {
				return "want ttl and expires_at null"
			}
			return ""
		}},
		{"ttl zero", officialAddress, func(a map[string]any) { a["ttl"], a["ttl_seconds"] = 0, 0 }, func(m branchPasswordModel) string {
			if !m.TTL.IsNull() {
				return "want ttl null"
			}
			return ""
		}},
		{"ttl_seconds only", officialAddress, func(a map[string]any) { delete(a, "ttl"); a["ttl_seconds"] = 3600 }, func(m branchPasswordModel) string {
			if m.TTL.ValueInt64() != 3600 {
				return "want ttl 3600"
			}
			return ""
		}},
		{"no cidrs", officialAddress, func(a map[string]any) { a["cidrs"] = []string{} }, func(m branchPasswordModel) string {
			if !m.CIDRs.IsNull() {
				return "want cidrs null"
			}
			return ""
		}},
		{"expired", officialAddress, func(a map[string]any) { a["expires_at"], a["expired"] = past, false }, func(m branchPasswordModel) string {
			if !m.Expired.ValueBool() {
				return "want expired true (its expiry has passed)"
			}
			return ""
		}},
		{"newer version", officialAddress, func(a map[string]any) { a["future_setting"] = map[string]any{"x": 1} }, func(m branchPasswordModel) string {
			if m.ID.ValueString() != "e9d54c459fd3" {
				return "not moved"
			}
			return ""
		}},
		{"OpenTofu registry", "registry.opentofu.org/planetscale/planetscale", func(map[string]any) {}, func(m branchPasswordModel) string {
			if m.PlainText.IsNull() {
				return "secret not carried"
			}
			return ""
		}},
	}
	for _, tc := range cases {
		src := officialAttributes(t, "planetscale_vitess_branch_password")
		tc.change(src)
		resp, state := move(t, &branchPasswordResource{}, tc.address, "planetscale_vitess_branch_password", src)
		if resp == nil || resp.Diagnostics.HasError() {
			t.Errorf("%s: not moved: %v", tc.name, resp)
			continue
		}
		var m branchPasswordModel
		if d := state.Get(ctx, &m); d.HasError() {
			t.Fatal(d)
		}
		if problem := tc.check(m); problem != "" {
			t.Errorf("%s: %s", tc.name, problem)
		}
	}
}

func TestMoveOfficialRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, typeName := range []string{"planetscale_postgres_branch_role", "planetscale_postgres_redacted_branch_role"} {
		src := officialAttributes(t, typeName)
		src["successor"] = "heir"
		src["query_safety_settings"] = map[string]any{"require_where_on_delete": "on", "require_where_on_update": "warn"}
		resp, state := move(t, &postgresRoleResource{}, officialAddress, typeName, src)
		if resp == nil || resp.Diagnostics.HasError() {
			t.Fatalf("%s: not moved: %v", typeName, resp)
		}
		var m postgresRoleModel
		if d := state.Get(ctx, &m); d.HasError() {
			t.Fatal(d)
		}
		var inherited []string
		m.InheritedRoles.ElementsAs(ctx, &inherited, false)
		if m.ID.ValueString() != src["id"] || m.Name.ValueString() != src["name"] || m.Database.ValueString() != "pdb" ||
			m.Username.ValueString() != src["username"] || m.DatabaseName.ValueString() != "postgres" || m.AccessHostURL.ValueString() != "aws-us-east-1.pg.psdb.cloud" ||
			len(inherited) != 1 || inherited[0] != "pg_read_all_data" || m.Successor.ValueString() != "heir" ||
			m.RequireWhereOnDelete.ValueString() != "on" || m.RequireWhereOnUpdate.ValueString() != "warn" || !m.TTL.IsNull() || !m.ExpiresAt.IsNull() {
			t.Errorf("%s: moved to %+v", typeName, m)
		}
		password, hasPassword := src["password"].(string)
		username, _ := src["username"].(string)
		switch {
		case hasPassword && m.Password.ValueString() != password:
			t.Errorf("%s: password not carried", typeName)
		case hasPassword && m.ConnectionString.ValueString() != "postgresql://"+username+":"+password+"@aws-us-east-1.pg.psdb.cloud:5432/postgres?sslmode=verify-full":
			t.Errorf("%s: connection_string = %q", typeName, m.ConnectionString.ValueString())
		case !hasPassword && (!m.Password.IsNull() || !m.ConnectionString.IsNull()):
			t.Errorf("%s: the redacted role got a password", typeName)
		case !hasPassword && (resp.Diagnostics.WarningsCount() != 1 || !strings.Contains(resp.Diagnostics.Warnings()[0].Detail(), "password_rotation_trigger")):
			t.Errorf("%s: no warning saying how to get a password: %v", typeName, resp.Diagnostics)
		}
	}
}

// A role with a TTL: neither the official state's ttl (the API's, that is
// the time left at its last refresh) nor expires_at - created_at (wrong
// after any renewal) is the TTL the role was created with. ttl stays null,
// for the plan to adopt the configured one without replacing the role.
func TestMoveOfficialRoleTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := officialAttributes(t, "planetscale_postgres_branch_role")
	src["ttl"], src["expires_at"] = 0, "2026-11-25T14:27:32Z" // an hour after created_at
	_, state := move(t, &postgresRoleResource{}, officialAddress, "planetscale_postgres_branch_role", src)
	var m postgresRoleModel
	if d := state.Get(ctx, &m); d.HasError() || !m.TTL.IsNull() || m.ExpiresAt.ValueString() != "2026-11-25T14:27:32Z" {
		t.Errorf("ttl = %v, expires_at = %v (%v), want ttl null and the expiry kept", m.TTL, m.ExpiresAt, d)
	}
	src["ttl"] = 7200
	_, state = move(t, &postgresRoleResource{}, officialAddress, "planetscale_postgres_branch_role", src)
	if d := state.Get(ctx, &m); d.HasError() || !m.TTL.IsNull() {
		t.Errorf("ttl = %v (%v), want null: the official ttl is the time left", m.TTL, d)
	}
}

// Another provider's resource, or another type, is not ours to move; a state
// that lacks its ID is a clear error.
func TestMoveOfficialRefusals(t *testing.T) {
	t.Parallel()
	src := officialAttributes(t, "planetscale_vitess_branch_password")
	if resp, _ := move(t, &branchPasswordResource{}, "registry.terraform.io/someone/planetscale", "planetscale_vitess_branch_password", src); resp != nil {
		t.Errorf("moved from another provider: %v", resp.Diagnostics)
	}
	if resp, _ := move(t, &branchPasswordResource{}, officialAddress, "planetscale_postgres_branch_role", src); resp != nil {
		t.Errorf("a password moved from a role type: %v", resp.Diagnostics)
	}
	delete(src, "id")
	resp, _ := move(t, &branchPasswordResource{}, officialAddress, "planetscale_vitess_branch_password", src)
	if resp == nil || !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "lacks id") {
		t.Errorf("a state without an ID: %v, want an error naming id", resp)
	}
}
