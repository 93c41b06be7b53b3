package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// TestAccMoveFromOfficialProvider follows the migration guide as a user
// would: a directory with a state the official provider wrote (its shapes,
// from testdata/official-provider), the guide's configuration
// (examples/guides/moved-from-official) pasted in, and one apply. Both
// providers are installed through dev_overrides: ours built from this tree,
// the official one as the schema-only stand-in in testdata. The secrets move
// with the state, the API sees no write, and the next plan is empty.
func TestAccMoveFromOfficialProvider(t *testing.T) {
	tf, host := directTerraform(t, "1.8.0", "a moved block between resource types of two providers")

	mock := acctest.NewMock(t)
	api := newAPIClient(t, mock)
	ctx := context.Background()
	ttl := int64(86400)
	password, err := api.CreatePassword(ctx, vitessMain, planetscale.CreatePasswordRequest{Name: "app", Role: "readwriter", TTL: &ttl, CIDRs: []string{"203.0.113.0/24"}})
	if err != nil {
		t.Fatal(err)
	}
	role, err := api.CreateRole(ctx, postgresMain, planetscale.CreateRoleRequest{Name: "app", InheritedRoles: []string{"pg_read_all_data"}})
	if err != nil {
		t.Fatal(err)
	}
	redacted, err := api.CreateRole(ctx, postgresMain, planetscale.CreateRoleRequest{Name: "ops", InheritedRoles: []string{"pg_read_all_data"}})
	if err != nil {
		t.Fatal(err)
	}

	work := t.TempDir()
	guide, err := os.ReadFile("../../examples/guides/moved-from-official/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(work, "main.tf"), guide)
	writeFile(t, filepath.Join(work, "terraform.tfstate"), officialState(t, host, map[string]map[string]any{
		"planetscale_vitess_branch_password": {
			"id": password.ID, "organization": "acme", "database": "app-db", "branch": "main", "name": "app",
			"username": password.Username, "plain_text": *password.PlainText, "access_host_url": password.AccessHostURL,
			"created_at": password.CreatedAt, "expires_at": *password.ExpiresAt,
		},
		"planetscale_postgres_branch_role": {
			"id": role.ID, "organization": "acme", "database": "pg-db", "branch": "main", "name": "app",
			"username": role.Username, "password": *role.Password, "access_host_url": role.AccessHostURL, "created_at": role.CreatedAt,
		},
		"planetscale_postgres_redacted_branch_role": {
			"id": redacted.ID, "organization": "acme", "database": "pg-db", "branch": "main", "name": "ops",
			"username": redacted.Username, "access_host_url": redacted.AccessHostURL, "created_at": redacted.CreatedAt,
		},
	}))

	run := terraformIn(t, tf, work, devOverrides(t, host), mock)
	mock.ResetRequests()
	// What the guide says the plan shows.
	plan := run("plan", "-no-color")
	for _, want := range []string{
		"planetscale_vitess_branch_password.app has moved to planetscale_branch_password.app",
		"planetscale_postgres_redacted_branch_role.ops has moved to planetscale_postgres_role.ops",
		"0 to add, 0 to change, 0 to destroy",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan lacks %q:\n%s", want, plan)
		}
	}
	out := run("apply", "-auto-approve", "-no-color")
	if !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
		t.Errorf("the moved apply changed something:\n%s", out)
	}
	if !strings.Contains(out, "Postgres Role Moved Without A Password") {
		t.Errorf("the redacted role's move does not say how to get a password:\n%s", out)
	}
	for route, n := range mock.RequestCounts() {
		if !strings.HasPrefix(route, "get_") && !strings.HasPrefix(route, "list_") {
			t.Errorf("the moved apply sent %d %s request(s); a move makes no API write", n, route)
		}
	}

	secrets := map[string]any{}
	for addr, values := range shownResources(t, run("show", "-json")) {
		secrets[addr] = values["plain_text"]
		if strings.HasPrefix(addr, "planetscale_postgres_role.") {
			secrets[addr] = values["password"]
		}
	}
	want := map[string]any{
		"planetscale_branch_password.app": *password.PlainText,
		"planetscale_postgres_role.app":   *role.Password,
		"planetscale_postgres_role.ops":   nil,
	}
	if fmt.Sprint(secrets) != fmt.Sprint(want) {
		t.Errorf("state after the move holds (address: secret) %v, want %v", secrets, want)
	}

	// The next plan is empty: exit code 0 with -detailed-exitcode.
	run("plan", "-detailed-exitcode", "-no-color")

	// A configuration that differs from the credential plans a replacement
	// as usual.
	writeFile(t, filepath.Join(work, "main.tf"), []byte(strings.Replace(string(guide), `role         = "readwriter"`, `role         = "reader"`, 1)))
	if plan := run("plan", "-no-color"); !strings.Contains(plan, "planetscale_branch_password.app must be replaced") {
		t.Errorf("a different role after the move does not plan a replacement:\n%s", plan)
	}
}

// officialState is the official provider's state file from testdata with
// the given attributes set on each resource, naming the provider on host.
func officialState(t *testing.T, host string, set map[string]map[string]any) []byte {
	t.Helper()
	raw, err := os.ReadFile("testdata/official-provider/state-v1.8.0.json")
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	// The testdata file has this shape; a change to it fails the test.
	resources, _ := state["resources"].([]any)
	for _, r := range resources {
		res, _ := r.(map[string]any)
		res["provider"] = fmt.Sprintf(`provider["%s/planetscale/planetscale"]`, host)
		instances, _ := res["instances"].([]any)
		instance, _ := instances[0].(map[string]any)
		attrs, _ := instance["attributes"].(map[string]any)
		typeName, _ := res["type"].(string)
		for k, v := range set[typeName] {
			attrs[k] = v
		}
	}
	out, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}
