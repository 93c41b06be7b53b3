package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// Moving from the official provider (registry.terraform.io/planetscale/planetscale)
// with a moved block. Terraform 1.8+ hands over the official resource's state
// as JSON; it is mapped here to ours, secret included, with no API call: the
// refresh that follows reads the credential as usual. Attributes the mapping
// does not know (a newer official version's) are ignored.

// officialProviders are the official provider's addresses on the Terraform
// and OpenTofu registries.
var officialProviders = []string{
	"registry.terraform.io/planetscale/planetscale",
	"registry.opentofu.org/planetscale/planetscale",
}

func fromOfficialProvider(req resource.MoveStateRequest, typeNames ...string) bool {
	address := strings.ToLower(req.SourceProviderAddress)
	for _, p := range officialProviders {
		if address == p {
			for _, t := range typeNames {
				if req.SourceTypeName == t {
					return req.SourceRawState != nil
				}
			}
		}
	}
	return false
}

// officialCredential is what the official provider's state holds beyond
// the API object it stores: where the credential lives, and the arguments.
// The rest of that state is the API's own password or role, read with the
// client's types and mapped with the resources' own recordAnswer,
// as an API answer would be.
type officialCredential struct {
	ID           string   `json:"id"`
	Organization string   `json:"organization"`
	Database     string   `json:"database"`
	Branch       string   `json:"branch"`
	TTL          *float64 `json:"ttl"`
	Successor    *string  `json:"successor"`
}

func (c officialCredential) location() credentialLocation {
	return credentialLocation{
		Organization: types.StringValue(c.Organization),
		Database:     types.StringValue(c.Database),
		Branch:       types.StringValue(c.Branch),
	}
}

// decodeOfficial reads the source state into cred and the API object api,
// and checks that it names a credential.
func decodeOfficial(req resource.MoveStateRequest, cred *officialCredential, api any, diags *diag.Diagnostics) bool {
	for _, out := range []any{cred, api} {
		if err := json.Unmarshal(req.SourceRawState.JSON, out); err != nil {
			diags.AddError("Unable to Move "+req.SourceTypeName,
				fmt.Sprintf("The state of the official provider's %s could not be read: %v. Import the credential instead (organization/database/branch/id).", req.SourceTypeName, err))
			return false
		}
	}
	var missing []string
	for name, v := range map[string]string{"id": cred.ID, "organization": cred.Organization, "database": cred.Database, "branch": cred.Branch} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		diags.AddError("Unable to Move "+req.SourceTypeName,
			fmt.Sprintf("The state of the official provider's %s lacks %s, which identify the credential. "+
				"Refresh it with the official provider first, or import the credential instead (organization/database/branch/id).",
				req.SourceTypeName, strings.Join(missing, ", ")))
		return false
	}
	return true
}

// wholeSeconds maps a TTL in seconds (a JSON number in the official state)
// to ours; zero and below mean none.
func wholeSeconds(v *float64) types.Int64 {
	if v == nil || *v < 1 {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*v))
}

func moveOfficialPassword(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if !fromOfficialProvider(req, "planetscale_vitess_branch_password") {
		return
	}
	var cred officialCredential
	var p planetscale.Password
	if !decodeOfficial(req, &cred, &p, &resp.Diagnostics) {
		return
	}
	m := onBranch(&branchPasswordModel{}, cred.location())
	resp.Diagnostics.Append(recordAnswer(ctx, m, &p, passwordSummary)...)
	// The argument ttl, else the API's ttl_seconds; 0 means none.
	if m.TTL = wholeSeconds(cred.TTL); m.TTL.IsNull() && p.TTLSeconds != nil && *p.TTLSeconds > 0 {
		m.TTL = types.Int64Value(*p.TTLSeconds)
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.TargetIdentity, m.Organization, m.Database, m.Branch, m.ID)...)
}

func moveOfficialRole(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if !fromOfficialProvider(req, "planetscale_postgres_branch_role", "planetscale_postgres_redacted_branch_role") {
		return
	}
	var cred officialCredential
	var ro planetscale.Role
	if !decodeOfficial(req, &cred, &ro, &resp.Diagnostics) {
		return
	}
	// The official state's ttl is the API's, refreshed: the time left, not
	// the TTL the role was created with. So ttl stays null, and the plan
	// adopts the configured one (see roleTTLModifier).
	m := onBranch(&postgresRoleModel{}, cred.location())
	m.Successor = types.StringPointerValue(cred.Successor)
	resp.Diagnostics.Append(recordAnswer(ctx, m, &ro, roleSummary)...)
	if ro.Password == nil {
		resp.Diagnostics.AddWarning("Postgres Role Moved Without A Password",
			fmt.Sprintf("The official provider's %s never stores a role's password, so the moved role %s has none in state "+
				"(password and connection_string are null); the role itself and whatever uses it keep working. To get a password into state, "+
				"set password_rotation_trigger to any value and apply: the API gives the role a new password in place, and the old one stops working. "+
				"Or replace the role (terraform apply -replace=...).", req.SourceTypeName, cred.ID))
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.TargetIdentity, m.Organization, m.Database, m.Branch, m.ID)...)
}
