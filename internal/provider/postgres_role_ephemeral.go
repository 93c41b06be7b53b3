package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*postgresRoleEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithRenew     = (*postgresRoleEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*postgresRoleEphemeral)(nil)
)

type postgresRoleEphemeral struct {
	data         *providerData
	pollInterval time.Duration
}

// NewPostgresRoleEphemeral is the ephemeral planetscale_postgres_role
// constructor.
func NewPostgresRoleEphemeral() ephemeral.EphemeralResource {
	return &postgresRoleEphemeral{pollInterval: 500 * time.Millisecond}
}

type postgresRoleEphemeralModel struct {
	Organization         types.String `tfsdk:"organization"`
	Database             types.String `tfsdk:"database"`
	Branch               types.String `tfsdk:"branch"`
	Name                 types.String `tfsdk:"name"`
	TTL                  types.Int64  `tfsdk:"ttl"`
	InheritedRoles       types.Set    `tfsdk:"inherited_roles"`
	WithReplication      types.Bool   `tfsdk:"with_replication"`
	RequireWhereOnDelete types.String `tfsdk:"require_where_on_delete"`
	RequireWhereOnUpdate types.String `tfsdk:"require_where_on_update"`
	Successor            types.String `tfsdk:"successor"`
	ID                   types.String `tfsdk:"id"`
	Username             types.String `tfsdk:"username"`
	Password             types.String `tfsdk:"password"`
	ConnectionString     types.String `tfsdk:"connection_string"`
	AccessHostURL        types.String `tfsdk:"access_host_url"`
	DatabaseName         types.String `tfsdk:"database_name"`
	ExpiresAt            types.String `tfsdk:"expires_at"`
}

func (e *postgresRoleEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_postgres_role"
}

func (e *postgresRoleEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attrs := ephemeralBranchAttributes("Postgres")
	querySafety := func(statement string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: "Whether " + statement + " statements need a `WHERE` clause: `off`, `warn` or `on`.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.OneOf(querySafetyValues...)},
		}
	}
	for name, attr := range map[string]schema.Attribute{
		"name": schema.StringAttribute{
			MarkdownDescription: "Display name of the role. When omitted, the provider generates one (`terraform-<random>`).",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"ttl": schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("Time to live in seconds. Defaults to `%d` (one hour). Terraform renews the role halfway through while it still uses it.", defaultEphemeralTTL),
			Optional:            true,
			Computed:            true,
			Validators:          []validator.Int64{int64validator.AtLeast(1)},
		},
		"inherited_roles": schema.SetAttribute{
			MarkdownDescription: "Postgres roles the credentials inherit. One of: `" + strings.Join(inheritableRoles, "`, `") + "`.",
			ElementType:         types.StringType,
			Optional:            true,
			Validators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.OneOf(inheritableRoles...)),
			},
		},
		"with_replication":        schema.BoolAttribute{MarkdownDescription: "Whether the role has the Postgres `REPLICATION` attribute.", Optional: true, Computed: true},
		"require_where_on_delete": querySafety("`DELETE`"),
		"require_where_on_update": querySafety("`UPDATE`"),
		"successor": schema.StringAttribute{
			MarkdownDescription: "Role (ID or username) that takes ownership of objects the role created (by a migration, say) when it is deleted at the end of the run.",
			Optional:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"id":                ephemeralComputed("ID of the role in PlanetScale.", false),
		"username":          ephemeralComputed("Postgres username.", false),
		"password":          ephemeralComputed("The role's password.", true),
		"connection_string": ephemeralComputed("A Postgres URL, `postgresql://<username>:<password>@<access_host_url>:5432/<database_name>?sslmode=verify-full`.", true),
		"access_host_url":   ephemeralComputed("Host to connect to.", false),
		"database_name":     ephemeralComputed("Name of the Postgres database to connect to.", false),
		"expires_at":        ephemeralComputed("When the role expires (RFC 3339), unless renewed.", false),
	} {
		attrs[name] = attr
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Short-lived Postgres role credentials for a PlanetScale Postgres database branch that never reach state or plan files. " +
			"Terraform creates the role when a run needs it, renews it while the run lasts, and deletes it when the run ends. " +
			"Terraform opens ephemeral resources during plan and again during apply, so one `terraform apply` creates two roles, each deleted after use.",
		Attributes: attrs,
	}
}

func (e *postgresRoleEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *postgresRoleEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if !requireClient(e.data, &resp.Diagnostics) {
		return
	}
	var cfg postgresRoleEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.TTL.IsNull() {
		cfg.TTL = types.Int64Value(defaultEphemeralTTL)
	}
	m := postgresRoleModel{
		Organization: cfg.Organization, Database: cfg.Database, Branch: cfg.Branch,
		Name: cfg.Name, TTL: cfg.TTL, InheritedRoles: cfg.InheritedRoles, WithReplication: cfg.WithReplication,
		RequireWhereOnDelete: cfg.RequireWhereOnDelete, RequireWhereOnUpdate: cfg.RequireWhereOnUpdate,
	}
	if m.Name.IsNull() {
		m.Name = types.StringUnknown()
	}
	body, diags := roleCreateRequest(ctx, &m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = e.data.maskSecrets(ctx)
	created, err := e.data.client.CreateRoleNoOrphan(ctx, m.branch(), body, nameOrigin(m.Name))
	if err != nil {
		resp.Diagnostics.AddError("Error Creating Ephemeral Postgres Role",
			newAPICall("create", m.object(), m.branch(), 0, e.data, "Postgres", "planetscale_branch_password").detail(err))
		return
	}
	ctx = e.data.maskSecrets(ctx, *created.Password)
	open := openCredential{Organization: m.Organization.ValueString(), Database: m.Database.ValueString(), Branch: m.Branch.ValueString(),
		ID: created.ID, TTL: cfg.TTL.ValueInt64(), Successor: cfg.Successor.ValueString()}
	// Terraform never calls Close after a failed Open: delete it here.
	defer deleteAfterFailedOpen(ctx, e.data, &resp.Diagnostics, open, "Postgres role", e.remove)
	resp.Diagnostics.Append(saveOpen(ctx, resp.Private, open)...)
	resp.Diagnostics.Append(applyRole(ctx, &m, created)...)
	if !created.Ready {
		ready, err := waitRoleReady(ctx, e.data.client, m.branch(), created.ID, e.pollInterval)
		if err != nil {
			resp.Diagnostics.AddError("Ephemeral Postgres Role Not Ready",
				newAPICall("create", m.object(), m.branch(), roleReadyTimeout, e.data, "Postgres", "planetscale_branch_password").detail(err))
			return
		}
		resp.Diagnostics.Append(applyRole(ctx, &m, ready)...)
	}

	cfg.ID, cfg.Name, cfg.TTL, cfg.WithReplication = m.ID, m.Name, m.TTL, m.WithReplication
	cfg.RequireWhereOnDelete, cfg.RequireWhereOnUpdate = m.RequireWhereOnDelete, m.RequireWhereOnUpdate
	cfg.Username, cfg.Password, cfg.ConnectionString = m.Username, m.Password, m.ConnectionString
	cfg.AccessHostURL, cfg.DatabaseName, cfg.ExpiresAt = m.AccessHostURL, m.DatabaseName, m.ExpiresAt
	resp.Diagnostics.Append(resp.Result.Set(ctx, &cfg)...)
	resp.RenewAt = renewAt(open.TTL)
	tflog.Debug(ctx, "opened ephemeral Postgres role", map[string]any{"id": created.ID, "branch": m.branch().String()})
}

func (e *postgresRoleEphemeral) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	onOpenCredential(ctx, e.data, req.Private, &resp.Diagnostics, "Postgres role", "update", "Error Renewing Ephemeral Postgres Role",
		func(ctx context.Context, open openCredential) error {
			_, err := e.data.client.RenewRole(ctx, open.branch(), open.ID)
			if err == nil {
				resp.RenewAt = renewAt(open.TTL)
			}
			return err
		})
}

// Close deletes the role, handing objects a run created to successor; if
// the role still owns objects without one, the error says to set it.
func (e *postgresRoleEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	onOpenCredential(ctx, e.data, req.Private, &resp.Diagnostics, "Postgres role", "delete",
		"Error Deleting Ephemeral Postgres Role (if it still owns objects, set successor)",
		e.remove)
}

func (e *postgresRoleEphemeral) remove(ctx context.Context, open openCredential) error {
	if err := e.data.client.DeleteRole(ctx, open.branch(), open.ID, open.Successor); !planetscale.IsNotFound(err) {
		return err
	}
	return nil
}
