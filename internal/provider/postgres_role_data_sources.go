package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The data sources planetscale_postgres_role (one, by ID) and
// planetscale_postgres_roles (all on a branch). They read metadata only:
// the API gives a role's password in the answers to its create and reset,
// never in a read.

var (
	_ datasource.DataSourceWithConfigure = (*postgresRoleDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*postgresRolesDataSource)(nil)
)

var roleKind = credentialKind{
	noun:     "Postgres role",
	engine:   "Postgres",
	resource: "planetscale_postgres_role",
	other:    "planetscale_branch_password",
}

// roleMetadata is what the API tells about a role after its create.
type roleMetadata struct {
	ID                   types.String `tfsdk:"id"`
	Name                 types.String `tfsdk:"name"`
	Username             types.String `tfsdk:"username"`
	InheritedRoles       types.Set    `tfsdk:"inherited_roles"`
	WithReplication      types.Bool   `tfsdk:"with_replication"`
	RequireWhereOnDelete types.String `tfsdk:"require_where_on_delete"`
	RequireWhereOnUpdate types.String `tfsdk:"require_where_on_update"`
	TTL                  types.Int64  `tfsdk:"ttl"`
	AccessHostURL        types.String `tfsdk:"access_host_url"`
	DatabaseName         types.String `tfsdk:"database_name"`
	CreatedAt            types.String `tfsdk:"created_at"`
	ExpiresAt            types.String `tfsdk:"expires_at"`
	Expired              types.Bool   `tfsdk:"expired"`
	DisabledAt           types.String `tfsdk:"disabled_at"`
}

func roleMetadataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                      schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the role in PlanetScale."},
		"name":                    schema.StringAttribute{Computed: true, MarkdownDescription: "Display name of the role."},
		"username":                schema.StringAttribute{Computed: true, MarkdownDescription: "Postgres user name of the role."},
		"inherited_roles":         schema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Postgres roles it inherits; null when none."},
		"with_replication":        schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it has the REPLICATION attribute."},
		"require_where_on_delete": schema.StringAttribute{Computed: true, MarkdownDescription: "Query safety for DELETE without WHERE: `off`, `warn` or `on`."},
		"require_where_on_update": schema.StringAttribute{Computed: true, MarkdownDescription: "Query safety for UPDATE without WHERE: `off`, `warn` or `on`."},
		"ttl":                     schema.Int64Attribute{Computed: true, MarkdownDescription: "Time to live in seconds it was created with (from its creation and expiry times); null when it never expires."},
		"access_host_url":         schema.StringAttribute{Computed: true, MarkdownDescription: "Host to connect to."},
		"database_name":           schema.StringAttribute{Computed: true, MarkdownDescription: "Postgres database to connect to."},
		"created_at":              schema.StringAttribute{Computed: true, MarkdownDescription: "When it was created (RFC 3339)."},
		"expires_at":              schema.StringAttribute{Computed: true, MarkdownDescription: "When it expires (RFC 3339); null when it has no TTL."},
		"expired":                 schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it has expired."},
		"disabled_at":             schema.StringAttribute{Computed: true, MarkdownDescription: "When it was disabled (RFC 3339); null when it is enabled."},
	}
}

func newRoleMetadata(ctx context.Context, ro *planetscale.Role) (roleMetadata, diag.Diagnostics) {
	m := roleMetadata{
		ID:                   types.StringValue(ro.ID),
		Name:                 types.StringValue(ro.Name),
		Username:             types.StringValue(ro.Username),
		InheritedRoles:       types.SetNull(types.StringType),
		WithReplication:      types.BoolValue(ro.WithReplication),
		RequireWhereOnDelete: types.StringValue(ro.QuerySafetySettings.RequireWhereOnDelete),
		RequireWhereOnUpdate: types.StringValue(ro.QuerySafetySettings.RequireWhereOnUpdate),
		TTL:                  types.Int64PointerValue(ttlFromTimes(ro.CreatedAt, ro.ExpiresAt)),
		AccessHostURL:        types.StringValue(ro.AccessHostURL),
		DatabaseName:         types.StringValue(ro.DatabaseName),
		CreatedAt:            types.StringValue(ro.CreatedAt),
		ExpiresAt:            stringPtrValue(ro.ExpiresAt),
		Expired:              types.BoolValue(isExpired(ro.Expired, ro.ExpiresAt)),
		DisabledAt:           stringPtrValue(ro.DisabledAt),
	}
	var diags diag.Diagnostics
	if len(ro.InheritedRoles) > 0 {
		m.InheritedRoles, diags = types.SetValueFrom(ctx, types.StringType, ro.InheritedRoles)
	}
	return m, diags
}

// roleGoneError is non-nil for a role the API answers for but that no
// longer exists as a database role.
func roleGoneError(ro *planetscale.Role) error {
	switch {
	case ro.DeletedAt != nil:
		return deletedError{"deleted", *ro.DeletedAt}
	case ro.DroppedAt != nil:
		return deletedError{"dropped", *ro.DroppedAt}
	}
	return nil
}

// postgresRoleDataSource is planetscale_postgres_role.
type postgresRoleDataSource struct {
	data *providerData
}

// NewPostgresRoleDataSource is the planetscale_postgres_role data source constructor.
func NewPostgresRoleDataSource() datasource.DataSource {
	return &postgresRoleDataSource{}
}

type postgresRoleDataModel struct {
	credentialLocation
	roleMetadata
}

func (d *postgresRoleDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_postgres_role"
}

func (d *postgresRoleDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := roleMetadataAttributes()
	for name, attr := range locationAttributes(roleKind) {
		attrs[name] = attr
	}
	attrs["id"] = schema.StringAttribute{
		Required:            true,
		Validators:          locationValidators,
		MarkdownDescription: "ID of the role in PlanetScale, such as `planetscale_postgres_role.app.id`.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one role of a PlanetScale Postgres database branch by its ID. " + noSecretNote,
		Attributes:          attrs,
	}
}

func (d *postgresRoleDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *postgresRoleDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	var m postgresRoleDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(d.data.maskSecrets(ctx), defaultReadTimeout)
	defer cancel()

	b, id := m.branch(), m.ID.ValueString()
	ro, err := d.data.client.GetRole(ctx, b, id)
	if err == nil {
		err = roleGoneError(ro)
	}
	if err != nil {
		resp.Diagnostics.AddError("Error Reading Postgres Role",
			d.data.lookupError(ctx, roleKind, b, id, err, d.data.branchAnswers(roleKind)))
		return
	}
	metadata, diags := newRoleMetadata(ctx, ro)
	resp.Diagnostics.Append(diags...)
	m.roleMetadata = metadata
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// postgresRolesDataSource is planetscale_postgres_roles.
type postgresRolesDataSource struct {
	data *providerData
}

// NewPostgresRolesDataSource is the planetscale_postgres_roles data source constructor.
func NewPostgresRolesDataSource() datasource.DataSource {
	return &postgresRolesDataSource{}
}

type postgresRolesDataModel struct {
	credentialLocation
	Name  types.String   `tfsdk:"name"`
	Roles []roleMetadata `tfsdk:"roles"`
}

func (d *postgresRolesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_postgres_roles"
}

func (d *postgresRolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := locationAttributes(roleKind)
	attrs["name"] = nameFilterAttribute(roleKind)
	attrs["roles"] = schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The branch's roles, oldest first, without dropped ones; empty when it has none (or none of that name).",
		NestedObject:        schema.NestedAttributeObject{Attributes: roleMetadataAttributes()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the roles of a PlanetScale Postgres database branch, optionally only those of one name. " + noSecretNote,
		Attributes:          attrs,
	}
}

func (d *postgresRolesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *postgresRolesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	var m postgresRolesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(d.data.maskSecrets(ctx), defaultReadTimeout)
	defer cancel()

	// The API's q matches part of a name or username; the exact match on
	// the name is made here.
	name := m.Name.ValueString()
	all, err := d.data.client.ListAllRoles(ctx, m.branch(), planetscale.ListOptions{Query: name})
	if err != nil {
		resp.Diagnostics.AddError("Error Listing Postgres Roles", d.data.listError(roleKind, m.branch(), err))
		return
	}
	m.Roles = []roleMetadata{}
	for i := range all {
		ro := &all[i]
		if roleGoneError(ro) != nil || (!m.Name.IsNull() && ro.Name != name) {
			continue
		}
		metadata, diags := newRoleMetadata(ctx, ro)
		resp.Diagnostics.Append(diags...)
		m.Roles = append(m.Roles, metadata)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
