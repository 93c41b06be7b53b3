package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Moving from the official provider (registry.terraform.io/planetscale/planetscale)
// with a moved block. Terraform 1.8+ hands over the official resource's state
// as JSON; it is mapped here to ours, secret included, with no API call: the
// refresh that follows reads the credential as usual. Attributes the mapping
// does not know (a newer official version's) are ignored.

var (
	_ resource.ResourceWithMoveState = (*branchPasswordResource)(nil)
	_ resource.ResourceWithMoveState = (*postgresRoleResource)(nil)
)

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

// officialCredential is what identifies a credential in the official
// provider's state.
type officialCredential struct {
	ID           string `json:"id"`
	Organization string `json:"organization"`
	Database     string `json:"database"`
	Branch       string `json:"branch"`
	Name         string `json:"name"`
}

// officialPassword is what we read of a planetscale_vitess_branch_password.
type officialPassword struct {
	officialCredential
	Role                  string   `json:"role"`
	TTL                   *float64 `json:"ttl"`
	TTLSeconds            *float64 `json:"ttl_seconds"`
	CIDRs                 []string `json:"cidrs"`
	Replica               bool     `json:"replica"`
	DirectVtgate          bool     `json:"direct_vtgate"`
	Username              string   `json:"username"`
	PlainText             *string  `json:"plain_text"`
	AccessHostURL         string   `json:"access_host_url"`
	AccessHostRegionalURL string   `json:"access_host_regional_url"`
	CreatedAt             string   `json:"created_at"`
	ExpiresAt             *string  `json:"expires_at"`
	Expired               bool     `json:"expired"`
	Renewable             bool     `json:"renewable"`
}

// officialRole is what we read of a planetscale_postgres_branch_role or a
// planetscale_postgres_redacted_branch_role (which has no password).
type officialRole struct {
	officialCredential
	TTL                 *float64 `json:"ttl"`
	InheritedRoles      []string `json:"inherited_roles"`
	WithReplication     bool     `json:"with_replication"`
	Successor           *string  `json:"successor"`
	Username            string   `json:"username"`
	Password            *string  `json:"password"`
	AccessHostURL       string   `json:"access_host_url"`
	DatabaseName        string   `json:"database_name"`
	CreatedAt           string   `json:"created_at"`
	ExpiresAt           *string  `json:"expires_at"`
	Expired             bool     `json:"expired"`
	QuerySafetySettings struct {
		RequireWhereOnDelete string `json:"require_where_on_delete"`
		RequireWhereOnUpdate string `json:"require_where_on_update"`
	} `json:"query_safety_settings"`
}

// decodeOfficial reads the source state into out and checks that its
// credential part names a credential.
func decodeOfficial(req resource.MoveStateRequest, out any, credential *officialCredential, diags *diag.Diagnostics) bool {
	if err := json.Unmarshal(req.SourceRawState.JSON, out); err != nil {
		diags.AddError("Unable to Move "+req.SourceTypeName,
			fmt.Sprintf("The state of the official provider's %s could not be read: %v. Import the credential instead (organization/database/branch/id).", req.SourceTypeName, err))
		return false
	}
	var missing []string
	for name, v := range map[string]string{"id": credential.ID, "organization": credential.Organization, "database": credential.Database, "branch": credential.Branch} {
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

func stringSetOrNull(ctx context.Context, values []string, diags *diag.Diagnostics) types.Set {
	if len(values) == 0 {
		return types.SetNull(types.StringType)
	}
	set, d := types.SetValueFrom(ctx, types.StringType, values)
	diags.Append(d...)
	return set
}

func (r *branchPasswordResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveOfficialPassword}}
}

func moveOfficialPassword(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if !fromOfficialProvider(req, "planetscale_vitess_branch_password") {
		return
	}
	var src officialPassword
	if !decodeOfficial(req, &src, &src.officialCredential, &resp.Diagnostics) {
		return
	}
	m := branchPasswordModel{
		ID:                    types.StringValue(src.ID),
		Organization:          types.StringValue(src.Organization),
		Database:              types.StringValue(src.Database),
		Branch:                types.StringValue(src.Branch),
		Name:                  stringOrNull(src.Name),
		Role:                  stringOrNull(src.Role),
		TTL:                   wholeSeconds(src.TTL),
		CIDRs:                 stringSetOrNull(ctx, src.CIDRs, &resp.Diagnostics),
		Replica:               types.BoolValue(src.Replica),
		DirectVtgate:          types.BoolValue(src.DirectVtgate),
		Username:              types.StringValue(src.Username),
		PlainText:             types.StringPointerValue(src.PlainText),
		ConnectionString:      types.StringNull(),
		AccessHostURL:         types.StringValue(src.AccessHostURL),
		AccessHostRegionalURL: stringOrNull(src.AccessHostRegionalURL),
		CreatedAt:             types.StringValue(src.CreatedAt),
		ExpiresAt:             stringPtrValue(src.ExpiresAt),
		Expired:               types.BoolValue(isExpired(src.Expired, src.ExpiresAt)),
		Renewable:             types.BoolValue(src.Renewable),
		RenewBefore:           types.StringNull(),
		Timeouts:              timeoutsNull(),
	}
	if m.TTL.IsNull() {
		m.TTL = wholeSeconds(src.TTLSeconds)
	}
	if !m.PlainText.IsNull() {
		m.ConnectionString = types.StringValue(connectionURL("mysql", src.Username, *src.PlainText, src.AccessHostURL, src.Database, "sslaccept=strict"))
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.TargetIdentity, m.Organization, m.Database, m.Branch, m.ID)...)
}

func (r *postgresRoleResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveOfficialRole}}
}

func moveOfficialRole(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if !fromOfficialProvider(req, "planetscale_postgres_branch_role", "planetscale_postgres_redacted_branch_role") {
		return
	}
	var src officialRole
	if !decodeOfficial(req, &src, &src.officialCredential, &resp.Diagnostics) {
		return
	}
	m := postgresRoleModel{
		ID:                   types.StringValue(src.ID),
		Organization:         types.StringValue(src.Organization),
		Database:             types.StringValue(src.Database),
		Branch:               types.StringValue(src.Branch),
		Name:                 stringOrNull(src.Name),
		TTL:                  wholeSeconds(src.TTL),
		InheritedRoles:       stringSetOrNull(ctx, src.InheritedRoles, &resp.Diagnostics),
		WithReplication:      types.BoolValue(src.WithReplication),
		RequireWhereOnDelete: stringOrNull(src.QuerySafetySettings.RequireWhereOnDelete),
		RequireWhereOnUpdate: stringOrNull(src.QuerySafetySettings.RequireWhereOnUpdate),
		Successor:            types.StringPointerValue(src.Successor),
		Username:             types.StringValue(src.Username),
		Password:             types.StringPointerValue(src.Password),
		ConnectionString:     types.StringNull(),
		AccessHostURL:        types.StringValue(src.AccessHostURL),
		DatabaseName:         types.StringValue(src.DatabaseName),
		CreatedAt:            types.StringValue(src.CreatedAt),
		ExpiresAt:            stringPtrValue(src.ExpiresAt),
		Expired:              types.BoolValue(isExpired(src.Expired, src.ExpiresAt)),
		RenewBefore:          types.StringNull(),
		RotationTrigger:      types.StringNull(),
		Timeouts:             timeoutsNull(),
	}
	if m.TTL.IsNull() {
		m.TTL = types.Int64PointerValue(ttlFromTimes(src.CreatedAt, src.ExpiresAt))
	}
	if src.Password != nil {
		m.ConnectionString = types.StringValue(connectionURL("postgresql", src.Username, *src.Password,
			withDefaultPort(src.AccessHostURL, "5432"), src.DatabaseName, "sslmode=verify-full"))
	} else {
		resp.Diagnostics.AddWarning("Postgres Role Moved Without A Password",
			fmt.Sprintf("The official provider's %s never stores a role's password, so the moved role %s has none in state "+
				"(password and connection_string are null); the role itself and whatever uses it keep working. To get a password into state, "+
				"set password_rotation_trigger to any value and apply: the API gives the role a new password in place, and the old one stops working. "+
				"Or replace the role (terraform apply -replace=...).", req.SourceTypeName, src.ID))
	}
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.TargetIdentity, m.Organization, m.Database, m.Branch, m.ID)...)
}

// timeoutsNull is an unset timeouts block.
func timeoutsNull() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}
