package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// A Postgres role as the managed and the ephemeral resource hold it: what
// the configuration sets, what the API answers, and the one mapping from
// the API's role to both.

// roleArguments are what a configuration sets on a Postgres role.
type roleArguments struct {
	credentialLocation
	Name                 types.String `tfsdk:"name"`
	TTL                  types.Int64  `tfsdk:"ttl"`
	InheritedRoles       types.Set    `tfsdk:"inherited_roles"`
	WithReplication      types.Bool   `tfsdk:"with_replication"`
	RequireWhereOnDelete types.String `tfsdk:"require_where_on_delete"`
	RequireWhereOnUpdate types.String `tfsdk:"require_where_on_update"`
	Successor            types.String `tfsdk:"successor"`
}

// roleResults are what the API answers about a Postgres role that both
// resources show.
type roleResults struct {
	ID               types.String `tfsdk:"id"`
	Username         types.String `tfsdk:"username"`
	Password         types.String `tfsdk:"password"`
	ConnectionString types.String `tfsdk:"connection_string"`
	AccessHostURL    types.String `tfsdk:"access_host_url"`
	DatabaseName     types.String `tfsdk:"database_name"`
	ExpiresAt        types.String `tfsdk:"expires_at"`
}

// roleCredential is a Postgres role as both resources hold it; it is the
// whole model of the ephemeral resource.
type roleCredential struct {
	roleArguments
	roleResults
}

// postgresRoleModel is the managed resource's model: the credential and
// what only state keeps.
type postgresRoleModel struct {
	roleCredential
	CreatedAt       types.String   `tfsdk:"created_at"`
	Expired         types.Bool     `tfsdk:"expired"`
	RenewBefore     types.String   `tfsdk:"renew_before"`
	RotationTrigger types.String   `tfsdk:"password_rotation_trigger"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// newPostgresRoleModel is an empty model of a role on a branch, as an
// import, a move or a list result starts from.
func newPostgresRoleModel(where credentialLocation) postgresRoleModel {
	m := postgresRoleModel{Timeouts: nullTimeouts()}
	m.credentialLocation = where
	return m
}

func (c *roleCredential) object() string { return objectName(roleKind.noun, c.branch(), c.ID) }

// createRequest maps the planned credential to the API's create body.
func (c *roleCredential) createRequest(ctx context.Context) (planetscale.CreateRoleRequest, diag.Diagnostics) {
	req := planetscale.CreateRoleRequest{
		Name:            c.Name.ValueString(),
		TTL:             c.TTL.ValueInt64Pointer(),
		WithReplication: c.WithReplication.ValueBoolPointer(),
	}
	if c.Name.IsUnknown() {
		req.Name = generatedName()
	}
	if !c.RequireWhereOnDelete.IsUnknown() {
		req.RequireWhereOnDelete = c.RequireWhereOnDelete.ValueString()
	}
	if !c.RequireWhereOnUpdate.IsUnknown() {
		req.RequireWhereOnUpdate = c.RequireWhereOnUpdate.ValueString()
	}
	var diags diag.Diagnostics
	if !c.InheritedRoles.IsNull() && !c.InheritedRoles.IsUnknown() {
		diags = c.InheritedRoles.ElementsAs(ctx, &req.InheritedRoles, false)
		sort.Strings(req.InheritedRoles)
	}
	return req, diags
}

// apply copies an API role into the credential. The password is taken
// only when the API sent it (create, reset); otherwise the state's is
// kept. The TTL is never taken from the API: its ttl is the time left, not
// the TTL asked for, and expires_at - created_at stops being the TTL at the
// first renewal. A role whose TTL state does not know (imported, say) keeps
// a null ttl until the configuration's is adopted (see roleTTLModifier).
func (c *roleCredential) apply(ctx context.Context, ro *planetscale.Role) diag.Diagnostics {
	c.ID = types.StringValue(ro.ID)
	c.Name = types.StringValue(ro.Name)
	c.WithReplication = types.BoolValue(ro.WithReplication)
	c.RequireWhereOnDelete = types.StringValue(ro.QuerySafetySettings.RequireWhereOnDelete)
	c.RequireWhereOnUpdate = types.StringValue(ro.QuerySafetySettings.RequireWhereOnUpdate)
	c.Username = types.StringValue(ro.Username)
	c.AccessHostURL = types.StringValue(ro.AccessHostURL)
	c.DatabaseName = types.StringValue(ro.DatabaseName)
	c.ExpiresAt = stringPtrValue(ro.ExpiresAt)
	if ro.Password != nil {
		c.Password = types.StringValue(*ro.Password)
	}
	if c.Password.IsUnknown() {
		c.Password = types.StringNull()
	}
	c.ConnectionString = types.StringNull()
	if !c.Password.IsNull() {
		c.ConnectionString = types.StringValue(postgresURL(ro.Username, c.Password.ValueString(), ro.AccessHostURL, ro.DatabaseName))
	}

	var diags diag.Diagnostics
	c.InheritedRoles = types.SetNull(types.StringType)
	if len(ro.InheritedRoles) > 0 {
		c.InheritedRoles, diags = types.SetValueFrom(ctx, types.StringType, ro.InheritedRoles)
	}
	return diags
}

// applyRole copies an API role into the managed resource's model.
func applyRole(ctx context.Context, m *postgresRoleModel, ro *planetscale.Role) diag.Diagnostics {
	diags := m.apply(ctx, ro)
	m.CreatedAt = types.StringValue(ro.CreatedAt)
	m.Expired = types.BoolValue(isExpired(ro.Expired, ro.ExpiresAt))
	return diags
}
