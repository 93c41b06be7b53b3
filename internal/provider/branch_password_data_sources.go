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

var (
	_ datasource.DataSourceWithConfigure = (*branchPasswordDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*branchPasswordsDataSource)(nil)
)

var passwordKind = credentialKind{
	noun:     "branch password",
	engine:   "Vitess (MySQL)",
	resource: "planetscale_branch_password",
	other:    "planetscale_postgres_role",
}

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

// branchPasswordDataSource is planetscale_branch_password.
type branchPasswordDataSource struct {
	data *providerData
}

// NewBranchPasswordDataSource is the planetscale_branch_password data source constructor.
func NewBranchPasswordDataSource() datasource.DataSource {
	return &branchPasswordDataSource{}
}

type branchPasswordDataModel struct {
	credentialLocation
	passwordMetadata
}

func (d *branchPasswordDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_branch_password"
}

func (d *branchPasswordDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := passwordMetadataAttributes()
	for name, attr := range locationAttributes(passwordKind) {
		attrs[name] = attr
	}
	attrs["id"] = schema.StringAttribute{
		Required:            true,
		Validators:          locationValidators,
		MarkdownDescription: "ID of the password in PlanetScale, such as `planetscale_branch_password.app.id`.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one password of a PlanetScale Vitess (MySQL) database branch by its ID. " + noSecretNote,
		Attributes:          attrs,
	}
}

func (d *branchPasswordDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *branchPasswordDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	var m branchPasswordDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(d.data.maskSecrets(ctx), defaultReadTimeout)
	defer cancel()

	b, id := m.branch(), m.ID.ValueString()
	p, err := d.data.client.GetPassword(ctx, b, id)
	if err == nil && p.DeletedAt != nil {
		err = deletedError{"deleted", *p.DeletedAt}
	}
	if err != nil {
		resp.Diagnostics.AddError("Error Reading Branch Password",
			d.data.lookupError(ctx, passwordKind, b, id, err, d.data.branchAnswers(passwordKind)))
		return
	}
	metadata, diags := newPasswordMetadata(ctx, p)
	resp.Diagnostics.Append(diags...)
	m.passwordMetadata = metadata
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// branchPasswordsDataSource is planetscale_branch_passwords.
type branchPasswordsDataSource struct {
	data *providerData
}

// NewBranchPasswordsDataSource is the planetscale_branch_passwords data source constructor.
func NewBranchPasswordsDataSource() datasource.DataSource {
	return &branchPasswordsDataSource{}
}

type branchPasswordsDataModel struct {
	credentialLocation
	Name      types.String       `tfsdk:"name"`
	Passwords []passwordMetadata `tfsdk:"passwords"`
}

func (d *branchPasswordsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_branch_passwords"
}

func (d *branchPasswordsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := locationAttributes(passwordKind)
	attrs["name"] = nameFilterAttribute(passwordKind)
	attrs["passwords"] = schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The branch's passwords, oldest first; empty when it has none (or none of that name).",
		NestedObject:        schema.NestedAttributeObject{Attributes: passwordMetadataAttributes()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the passwords of a PlanetScale Vitess (MySQL) database branch, optionally only those of one name. " + noSecretNote,
		Attributes:          attrs,
	}
}

func (d *branchPasswordsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *branchPasswordsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	var m branchPasswordsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(d.data.maskSecrets(ctx), defaultReadTimeout)
	defer cancel()

	// The API's q matches part of a name; the exact match is made here.
	name := m.Name.ValueString()
	all, err := d.data.client.ListAllPasswords(ctx, m.branch(), planetscale.ListOptions{Query: name})
	if err != nil {
		resp.Diagnostics.AddError("Error Listing Branch Passwords", d.data.listError(passwordKind, m.branch(), err))
		return
	}
	m.Passwords = []passwordMetadata{}
	for i := range all {
		p := &all[i]
		if p.DeletedAt != nil || (!m.Name.IsNull() && p.Name != name) {
			continue
		}
		metadata, diags := newPasswordMetadata(ctx, p)
		resp.Diagnostics.Append(diags...)
		m.Passwords = append(m.Passwords, metadata)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
