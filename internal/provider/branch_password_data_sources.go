package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The data sources planetscale_branch_password (one, by ID) and
// planetscale_branch_passwords (all on a branch). They read metadata only:
// the API gives a password's secret in the answer to its create and never
// again.

// passwordMetadata is what the API tells about a password after its create.
type passwordMetadata struct {
	ID                    types.String `tfsdk:"id"`
	Name                  types.String `tfsdk:"name"`
	Role                  types.String `tfsdk:"role"`
	Username              types.String `tfsdk:"username"`
	CIDRs                 types.Set    `tfsdk:"cidrs"`
	TTL                   types.Int64  `tfsdk:"ttl"`
	Replica               types.Bool   `tfsdk:"replica"`
	DirectVtgate          types.Bool   `tfsdk:"direct_vtgate"`
	AccessHostURL         types.String `tfsdk:"access_host_url"`
	AccessHostRegionalURL types.String `tfsdk:"access_host_regional_url"`
	CreatedAt             types.String `tfsdk:"created_at"`
	ExpiresAt             types.String `tfsdk:"expires_at"`
	LastUsedAt            types.String `tfsdk:"last_used_at"`
	Expired               types.Bool   `tfsdk:"expired"`
	Renewable             types.Bool   `tfsdk:"renewable"`
}

func passwordMetadataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                       schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the password in PlanetScale."},
		"name":                     schema.StringAttribute{Computed: true, MarkdownDescription: "Display name of the password."},
		"role":                     schema.StringAttribute{Computed: true, MarkdownDescription: "Database role: `reader`, `writer`, `readwriter` or `admin`."},
		"username":                 schema.StringAttribute{Computed: true, MarkdownDescription: "MySQL username of the password."},
		"cidrs":                    schema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Addresses and ranges allowed to use the password; null when any address may."},
		"ttl":                      schema.Int64Attribute{Computed: true, MarkdownDescription: "Time to live in seconds it was created with; null when it never expires."},
		"replica":                  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it connects to a read replica."},
		"direct_vtgate":            schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it connects directly to a VTGate."},
		"access_host_url":          schema.StringAttribute{Computed: true, MarkdownDescription: "Host to connect to."},
		"access_host_regional_url": schema.StringAttribute{Computed: true, MarkdownDescription: "Regional host to connect to; null when the API gives none."},
		"created_at":               schema.StringAttribute{Computed: true, MarkdownDescription: "When it was created (RFC 3339)."},
		"expires_at":               schema.StringAttribute{Computed: true, MarkdownDescription: "When it expires (RFC 3339); null when it has no TTL."},
		"last_used_at":             schema.StringAttribute{Computed: true, MarkdownDescription: "When it was last used to connect (RFC 3339); null when never."},
		"expired":                  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it has expired."},
		"renewable":                schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it can be renewed."},
	}
}

func newPasswordMetadata(ctx context.Context, p *planetscale.Password) (passwordMetadata, diag.Diagnostics) {
	m := passwordMetadata{
		ID:                    types.StringValue(p.ID),
		Name:                  types.StringValue(p.Name),
		Role:                  types.StringValue(p.Role),
		Username:              types.StringValue(p.Username),
		CIDRs:                 types.SetNull(types.StringType),
		TTL:                   types.Int64PointerValue(p.TTLSeconds),
		Replica:               types.BoolValue(p.Replica),
		DirectVtgate:          types.BoolValue(p.DirectVtgate),
		AccessHostURL:         types.StringValue(p.AccessHostURL),
		AccessHostRegionalURL: stringOrNull(p.AccessHostRegionalURL),
		CreatedAt:             types.StringValue(p.CreatedAt),
		ExpiresAt:             stringPtrValue(p.ExpiresAt),
		LastUsedAt:            stringPtrValue(p.LastUsedAt),
		Expired:               types.BoolValue(isExpired(p.Expired, p.ExpiresAt)),
		Renewable:             types.BoolValue(p.Renewable),
	}
	var diags diag.Diagnostics
	if len(p.CIDRs) > 0 {
		m.CIDRs, diags = types.SetValueFrom(ctx, types.StringType, p.CIDRs)
	}
	return m, diags
}

type branchPasswordDataModel struct {
	credentialLocation
	passwordMetadata
}

type branchPasswordsDataModel struct {
	credentialListConfig
	Items []passwordMetadata `tfsdk:"passwords"`
}

// passwordDataSources are how the kind's data sources show it.
var passwordDataSources = credentialMetadata[planetscale.Password, passwordMetadata]{
	kind:       passwords,
	attributes: passwordMetadataAttributes,
	metadata:   newPasswordMetadata,
	one:        func(where credentialLocation, m passwordMetadata) any { return &branchPasswordDataModel{where, m} },
	all: func(config credentialListConfig, items []passwordMetadata) any {
		return &branchPasswordsDataModel{config, items}
	},
	listAttribute: "passwords",
}

// NewBranchPasswordDataSource is the planetscale_branch_password data source constructor.
func NewBranchPasswordDataSource() datasource.DataSource {
	return &credentialDataSource[planetscale.Password, passwordMetadata]{credentialMetadata: passwordDataSources}
}

// NewBranchPasswordsDataSource is the planetscale_branch_passwords data source constructor.
func NewBranchPasswordsDataSource() datasource.DataSource {
	return &credentialsDataSource[planetscale.Password, passwordMetadata]{credentialMetadata: passwordDataSources}
}
