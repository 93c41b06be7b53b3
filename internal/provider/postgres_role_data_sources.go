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
		"ttl": schema.Int64Attribute{
			Computed: true,
			MarkdownDescription: "Always null. The API does not tell the TTL a role was created with: its `ttl` is the time left, " +
				"and `expires_at` minus `created_at` stops being the TTL at the first renewal. Use `expires_at`.",
			DeprecationMessage: "The API does not tell a role's TTL, so ttl is always null; use expires_at. It will be removed in a later major version.",
		},
		"access_host_url": schema.StringAttribute{Computed: true, MarkdownDescription: "Host to connect to."},
		"database_name":   schema.StringAttribute{Computed: true, MarkdownDescription: "Postgres database to connect to."},
		"created_at":      schema.StringAttribute{Computed: true, MarkdownDescription: "When it was created (RFC 3339)."},
		"expires_at":      schema.StringAttribute{Computed: true, MarkdownDescription: "When it expires (RFC 3339); null when it has no TTL."},
		"expired":         schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it has expired."},
		"disabled_at":     schema.StringAttribute{Computed: true, MarkdownDescription: "When it was disabled (RFC 3339); null when it is enabled."},
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
		TTL:                  types.Int64Null(),
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

type postgresRoleDataModel struct {
	credentialLocation
	roleMetadata
}

type postgresRolesDataModel struct {
	credentialListConfig
	Items []roleMetadata `tfsdk:"roles"`
}

// roleDataSources are how the kind's data sources show it.
var roleDataSources = credentialMetadata[planetscale.Role, roleMetadata]{
	kind:       roles,
	attributes: roleMetadataAttributes,
	metadata:   newRoleMetadata,
	one:        func(where credentialLocation, m roleMetadata) any { return &postgresRoleDataModel{where, m} },
	all: func(config credentialListConfig, items []roleMetadata) any {
		return &postgresRolesDataModel{config, items}
	},
	listAttribute: "roles",
}

// NewPostgresRoleDataSource is the planetscale_postgres_role data source constructor.
func NewPostgresRoleDataSource() datasource.DataSource {
	return &credentialDataSource[planetscale.Role, roleMetadata]{credentialMetadata: roleDataSources}
}

// NewPostgresRolesDataSource is the planetscale_postgres_roles data source constructor.
func NewPostgresRolesDataSource() datasource.DataSource {
	return &credentialsDataSource[planetscale.Role, roleMetadata]{credentialMetadata: roleDataSources}
}
