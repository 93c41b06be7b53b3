package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// A branch password as the managed and the ephemeral resource hold it:
// what the configuration sets, what the API answers, and the one mapping
// from the API's password to both.

// passwordArguments are what a configuration sets on a branch password.
type passwordArguments struct {
	credentialLocation
	Name         types.String `tfsdk:"name"`
	Role         types.String `tfsdk:"role"`
	TTL          types.Int64  `tfsdk:"ttl"`
	CIDRs        types.Set    `tfsdk:"cidrs"`
	Replica      types.Bool   `tfsdk:"replica"`
	DirectVtgate types.Bool   `tfsdk:"direct_vtgate"`
}

// passwordResults are what the API answers about a branch password that
// both resources show.
type passwordResults struct {
	ID               types.String `tfsdk:"id"`
	Username         types.String `tfsdk:"username"`
	PlainText        types.String `tfsdk:"plain_text"`
	ConnectionString types.String `tfsdk:"connection_string"`
	AccessHostURL    types.String `tfsdk:"access_host_url"`
	ExpiresAt        types.String `tfsdk:"expires_at"`
}

// passwordCredential is a branch password as both resources hold it; it is
// the whole model of the ephemeral resource.
type passwordCredential struct {
	passwordArguments
	passwordResults
}

// branchPasswordModel is the managed resource's model: the credential and
// what only state keeps.
type branchPasswordModel struct {
	passwordCredential
	AccessHostRegionalURL types.String   `tfsdk:"access_host_regional_url"`
	CreatedAt             types.String   `tfsdk:"created_at"`
	Expired               types.Bool     `tfsdk:"expired"`
	Renewable             types.Bool     `tfsdk:"renewable"`
	RenewBefore           types.String   `tfsdk:"renew_before"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

// newBranchPasswordModel is an empty model of a password on a branch, as
// an import, a move or a list result starts from.
func newBranchPasswordModel(where credentialLocation) branchPasswordModel {
	m := branchPasswordModel{Timeouts: nullTimeouts()}
	m.credentialLocation = where
	return m
}

func (c *passwordCredential) object() string { return objectName(passwordKind.noun, c.branch(), c.ID) }

// createRequest maps the planned credential to the API's create body.
func (c *passwordCredential) createRequest(ctx context.Context) (planetscale.CreatePasswordRequest, diag.Diagnostics) {
	req := planetscale.CreatePasswordRequest{
		Name:         c.Name.ValueString(),
		Role:         c.Role.ValueString(),
		TTL:          c.TTL.ValueInt64Pointer(),
		Replica:      c.Replica.ValueBoolPointer(),
		DirectVtgate: c.DirectVtgate.ValueBoolPointer(),
	}
	if c.Name.IsUnknown() {
		req.Name = generatedName()
	}
	var diags diag.Diagnostics
	if !c.CIDRs.IsNull() && !c.CIDRs.IsUnknown() {
		diags = c.CIDRs.ElementsAs(ctx, &req.CIDRs, false)
		sort.Strings(req.CIDRs)
	}
	return req, diags
}

// apply copies an API password into the credential. The plaintext is
// taken only when the API sent it (create); otherwise the state's is kept.
func (c *passwordCredential) apply(ctx context.Context, p *planetscale.Password) diag.Diagnostics {
	c.ID = types.StringValue(p.ID)
	c.Name = types.StringValue(p.Name)
	c.Role = types.StringValue(p.Role)
	c.TTL = types.Int64PointerValue(p.TTLSeconds)
	c.Replica = types.BoolValue(p.Replica)
	c.DirectVtgate = types.BoolValue(p.DirectVtgate)
	c.Username = types.StringValue(p.Username)
	c.AccessHostURL = types.StringValue(p.AccessHostURL)
	c.ExpiresAt = stringPtrValue(p.ExpiresAt)
	if p.PlainText != nil {
		c.PlainText = types.StringValue(*p.PlainText)
	}
	if c.PlainText.IsUnknown() {
		c.PlainText = types.StringNull()
	}
	c.ConnectionString = types.StringNull()
	if !c.PlainText.IsNull() {
		c.ConnectionString = types.StringValue(mysqlURL(p.Username, c.PlainText.ValueString(), p.AccessHostURL, c.Database.ValueString()))
	}

	var diags diag.Diagnostics
	c.CIDRs = types.SetNull(types.StringType)
	if len(p.CIDRs) > 0 {
		c.CIDRs, diags = types.SetValueFrom(ctx, types.StringType, p.CIDRs)
	}
	return diags
}

// applyPassword copies an API password into the managed resource's model.
func applyPassword(ctx context.Context, m *branchPasswordModel, p *planetscale.Password) diag.Diagnostics {
	diags := m.apply(ctx, p)
	m.AccessHostRegionalURL = stringOrNull(p.AccessHostRegionalURL)
	m.CreatedAt = types.StringValue(p.CreatedAt)
	m.Expired = types.BoolValue(isExpired(p.Expired, p.ExpiresAt))
	m.Renewable = types.BoolValue(p.Renewable)
	return diags
}
