package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The data sources of both kinds: one credential by ID
// (planetscale_branch_password, planetscale_postgres_role) and all of a
// branch's (planetscale_branch_passwords, planetscale_postgres_roles). What
// differs by kind, the metadata shown, is in each kind's
// *_data_sources.go.

var (
	_ datasource.DataSourceWithConfigure = (*credentialDataSource[planetscale.Password, passwordMetadata])(nil)
	_ datasource.DataSourceWithConfigure = (*credentialsDataSource[planetscale.Password, passwordMetadata])(nil)
)

// noSecretNote ends every data source's description.
const noSecretNote = "It exposes no secret: PlanetScale returns a credential's secret only in the answer that creates it " +
	"(or resets a role's password), never in a later read. Use the managed or ephemeral resource to get one."

// credentialListConfig is what a list of a branch's credentials is asked
// for: the branch and an optional exact name.
type credentialListConfig struct {
	credentialLocation
	Name types.String `tfsdk:"name"`
}

// nameFilter is the exact name asked for, or nil for all.
func (c credentialListConfig) nameFilter() *string {
	if c.Name.IsNull() {
		return nil
	}
	return c.Name.ValueStringPointer()
}

var locationValidators = []validator.String{pathSegment{}}

func locationAttributes(kind credentialKind) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for name, what := range locationDescriptions(kind) {
		attrs[name] = schema.StringAttribute{Required: true, Validators: locationValidators, MarkdownDescription: what}
	}
	return attrs
}

func nameFilterAttribute(kind credentialKind) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		MarkdownDescription: fmt.Sprintf("Only the %ss with exactly this name. Omit for all of them.", kind.noun),
	}
}

// credentialMetadataFields are what the data sources show of any kind.
type credentialMetadataFields struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	Username      types.String `tfsdk:"username"`
	TTL           types.Int64  `tfsdk:"ttl"`
	AccessHostURL types.String `tfsdk:"access_host_url"`
	CreatedAt     types.String `tfsdk:"created_at"`
	ExpiresAt     types.String `tfsdk:"expires_at"`
	Expired       types.Bool   `tfsdk:"expired"`
}

func newMetadataFields(m interface {
	args() *credentialArguments
	results() *credentialResults
	state() *stateResults
},
) credentialMetadataFields {
	args, results, state := m.args(), m.results(), m.state()
	return credentialMetadataFields{
		ID:            results.ID,
		Name:          args.Name,
		Username:      results.Username,
		TTL:           args.TTL,
		AccessHostURL: results.AccessHostURL,
		CreatedAt:     state.CreatedAt,
		ExpiresAt:     results.ExpiresAt,
		Expired:       state.Expired,
	}
}

// metadataAttributes are the attributes of credentialMetadataFields; the
// kind describes its username and ttl.
func metadataAttributes(kind credentialKind, username string, ttl schema.Attribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":              schema.StringAttribute{Computed: true, MarkdownDescription: "ID of the " + kind.short + " in PlanetScale."},
		"name":            schema.StringAttribute{Computed: true, MarkdownDescription: "Display name of the " + kind.short + "."},
		"username":        schema.StringAttribute{Computed: true, MarkdownDescription: username},
		"ttl":             ttl,
		"access_host_url": schema.StringAttribute{Computed: true, MarkdownDescription: "Host to connect to."},
		"created_at":      schema.StringAttribute{Computed: true, MarkdownDescription: "When it was created (RFC 3339)."},
		"expires_at":      schema.StringAttribute{Computed: true, MarkdownDescription: "When it expires (RFC 3339); null when it has no TTL."},
		"expired":         schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it has expired."},
	}
}

// credentialMetadata is how a kind's data sources show a credential: the
// attributes, and the mapping from the client's type T to the model M.
type credentialMetadata[T, M any] struct {
	kind       *credentialType[T]
	attributes func() map[string]schema.Attribute
	metadata   func(context.Context, *T) (M, diag.Diagnostics)
	// listAttribute is the list data source's attribute for the branch's
	// credentials.
	listAttribute string
}

// attributeTypes are the types of the attributes that show a credential.
func (c credentialMetadata[T, M]) attributeTypes() map[string]attr.Type {
	attrTypes := map[string]attr.Type{}
	for name, a := range c.attributes() {
		attrTypes[name] = a.GetType()
	}
	return attrTypes
}

// credentialDataSource reads one credential by ID.
type credentialDataSource[T, M any] struct {
	credentialMetadata[T, M]
	data *providerData
}

func (d *credentialDataSource[T, M]) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = d.kind.resource
}

func (d *credentialDataSource[T, M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	kind := d.kind.credentialKind
	attrs := d.attributes()
	for name, attr := range locationAttributes(kind) {
		attrs[name] = attr
	}
	attrs["id"] = schema.StringAttribute{
		Required:            true,
		Validators:          locationValidators,
		MarkdownDescription: fmt.Sprintf("ID of the %s in PlanetScale, such as `%s.app.id`.", kind.noun, kind.resource),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Reads one %s of a PlanetScale %s database branch by its ID. ", kind.noun, kind.engine) + noSecretNote,
		Attributes:          attrs,
	}
}

func (d *credentialDataSource[T, M]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *credentialDataSource[T, M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	where := configLocation(ctx, req.Config, &resp.Diagnostics)
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(d.data.maskSecrets(ctx), defaultReadTimeout)
	defer cancel()

	b := where.branch()
	item, err := d.kind.get(d.data.client, ctx, b, id.ValueString())
	if err == nil {
		err = d.kind.gone(item)
	}
	if err != nil {
		resp.Diagnostics.AddError("Error Reading "+titleCase(d.kind.noun),
			d.data.lookupError(ctx, d.kind.credentialKind, b, id.ValueString(), err))
		return
	}
	metadata, diags := d.metadata(ctx, item)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(setStateOf(ctx, &resp.State, map[string]tftypes.Value{}, &where, &metadata)...)
}

// credentialsDataSource lists a branch's credentials.
type credentialsDataSource[T, M any] struct {
	credentialMetadata[T, M]
	data *providerData
}

func (d *credentialsDataSource[T, M]) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = d.kind.resource + "s"
}

func (d *credentialsDataSource[T, M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	kind := d.kind.credentialKind
	attrs := locationAttributes(kind)
	attrs["name"] = nameFilterAttribute(kind)
	attrs["include_ephemeral"] = schema.BoolAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Whether to list ephemeral %[1]ss too: those the ephemeral resource opened for a run, named `%[2]s<random>`. "+
			"Defaults to `false`: each run opens new ones, so a list with them would differ on every run.", kind.noun, ephemeralPrefix),
	}
	attrs[d.listAttribute] = schema.ListNestedAttribute{
		Computed: true,
		MarkdownDescription: fmt.Sprintf("The branch's %ss, oldest first, without deleted (or dropped) ones and, unless `include_ephemeral` is `true`, "+
			"without ephemeral ones; empty when it has none (or none of that name).", kind.noun),
		NestedObject: schema.NestedAttributeObject{Attributes: d.attributes()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Lists the %ss of a PlanetScale %s database branch, optionally only those of one name. "+
			"Ephemeral %ss (named `%s<random>` by the ephemeral resource, and deleted at the end of the run that opened them) are left out unless `include_ephemeral` is `true`, "+
			"so that a list beside an ephemeral resource on the same branch plans no change from run to run. ", kind.noun, kind.engine, kind.noun, ephemeralPrefix) +
			noSecretNote,
		Attributes: attrs,
	}
}

func (d *credentialsDataSource[T, M]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *credentialsDataSource[T, M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireClient(d.data, &resp.Diagnostics) {
		return
	}
	config := credentialListConfig{credentialLocation: configLocation(ctx, req.Config, &resp.Diagnostics)}
	var options listOptions
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &config.Name)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("include_ephemeral"), &options.IncludeEphemeral)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(d.data.maskSecrets(ctx), defaultReadTimeout)
	defer cancel()

	items := []M{}
	name := config.nameFilter()
	err := d.kind.each(d.data.client, ctx, config.branch(), planetscale.ListOptions{Query: config.Name.ValueString()}, func(item *T) bool {
		if d.kind.matches(item, name) && (options.IncludeEphemeral.ValueBool() || !isEphemeralName(d.kind.about(item).name)) {
			metadata, diags := d.metadata(ctx, item)
			resp.Diagnostics.Append(diags...)
			items = append(items, metadata)
		}
		return true
	})
	if err != nil {
		resp.Diagnostics.AddError("Error Listing "+titleCase(d.kind.noun)+"s", d.data.listError(d.kind.credentialKind, config.branch(), err))
		return
	}
	list, diags := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: d.attributeTypes()}, items)
	resp.Diagnostics.Append(diags...)
	value, err := list.ToTerraformValue(ctx)
	if resp.Diagnostics.HasError() || err != nil {
		resp.Diagnostics.AddError("Value Conversion Error", fmt.Sprintf("Listing the %ss could not be converted: %v. This is a bug in the provider; please report it.", d.kind.noun, err))
		return
	}
	resp.Diagnostics.Append(setStateOf(ctx, &resp.State, map[string]tftypes.Value{d.listAttribute: value}, &config, &options)...)
}

// listOptions is what only the list data sources are asked, beside
// credentialListConfig.
type listOptions struct {
	IncludeEphemeral types.Bool `tfsdk:"include_ephemeral"`
}

// configLocation reads organization, database and branch from a
// configuration.
func configLocation(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) credentialLocation {
	var where credentialLocation
	diags.Append(config.GetAttribute(ctx, path.Root("organization"), &where.Organization)...)
	diags.Append(config.GetAttribute(ctx, path.Root("database"), &where.Database)...)
	diags.Append(config.GetAttribute(ctx, path.Root("branch"), &where.Branch)...)
	return where
}

// dataSourcesOf are the constructors of a kind's two data sources: one
// credential by ID, and a branch's credentials.
func dataSourcesOf[T, M any](meta credentialMetadata[T, M]) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		func() datasource.DataSource { return &credentialDataSource[T, M]{credentialMetadata: meta} },
		func() datasource.DataSource { return &credentialsDataSource[T, M]{credentialMetadata: meta} },
	}
}
