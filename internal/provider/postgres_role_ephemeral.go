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

func (e *postgresRoleEphemeral) Metadata(_ context.Context, _ ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = roleKind.resource
}

func (e *postgresRoleEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attrs := ephemeralBranchAttributes(roleKind)
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
			MarkdownDescription: "Display name of the role. When omitted, the provider generates one (`terraform-<random>`). A configured name is given in a rename right after the create, which is sent under a temporary name (`terraform-pending-<random>`).",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"ttl": schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("Time to live in seconds, from 1 to 9223372036 (about 292 years). Defaults to `%d` (one hour). Terraform renews the role halfway through while it still uses it.", defaultEphemeralTTL),
			Optional:            true,
			Computed:            true,
			Validators:          []validator.Int64{int64validator.AtLeast(1), ttlNotTooLong{}},
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
	// The model is the managed resource's credential without what only
	// state keeps; the mapping is the same.
	var m roleCredential
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.TTL.IsNull() {
		m.TTL = types.Int64Value(defaultEphemeralTTL)
	}
	if m.Name.IsNull() {
		m.Name = types.StringUnknown()
	}
	body, diags := m.createRequest(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = e.data.maskSecrets(ctx)
	created, err := e.data.client.CreateRoleNoOrphan(ctx, m.branch(), body, nameOrigin(m.Name))
	if err = keepAfterFollowUp(&resp.Diagnostics, roleKind, m.object(), ephemeralKept, err); err != nil {
		resp.Diagnostics.AddError("Error Creating Ephemeral Postgres Role",
			newAPICall("create", m.object(), m.branch(), 0, e.data, roleKind).detail(err))
		return
	}
	// Terraform holds a configured name to its value even when the rename
	// from the temporary one failed; the credential is deleted by its ID.
	created.Name = body.Name
	ctx = e.data.maskSecrets(ctx, *created.Password)
	open := openCredential{Organization: m.Organization.ValueString(), Database: m.Database.ValueString(), Branch: m.Branch.ValueString(),
		ID: created.ID, TTL: m.TTL.ValueInt64(), Successor: m.Successor.ValueString()}
	// Terraform never calls Close after a failed Open: delete it here.
	defer deleteAfterFailedOpen(ctx, e.data, &resp.Diagnostics, open, roleKind, e.remove)
	resp.Diagnostics.Append(saveOpen(ctx, resp.Private, open)...)
	resp.Diagnostics.Append(m.apply(ctx, created)...)
	if !created.Ready {
		ready, err := e.data.client.WaitRoleReady(ctx, m.branch(), created.ID, e.pollInterval)
		if err != nil {
			resp.Diagnostics.AddError("Ephemeral Postgres Role Not Ready",
				newAPICall("create", m.object(), m.branch(), planetscale.RoleReadyTimeout, e.data, roleKind).detail(err))
			return
		}
		ready.Name = created.Name // the configured name, as above
		resp.Diagnostics.Append(m.apply(ctx, ready)...)
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	resp.RenewAt = renewAt(open.TTL)
	tflog.Debug(ctx, "opened ephemeral Postgres role", map[string]any{"id": created.ID, "branch": m.branch().String()})
}

func (e *postgresRoleEphemeral) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	onOpenCredential(ctx, e.data, req.Private, &resp.Diagnostics, roleKind, "renew", "Error Renewing Ephemeral Postgres Role",
		func(ctx context.Context, open openCredential) error {
			_, err := roles.renew(ctx, e.data.client, open.branch(), open.ID)
			if err == nil {
				resp.RenewAt = renewAt(open.TTL)
			}
			return err
		})
}

// Close deletes the role, handing objects a run created to successor; if
// the role still owns objects without one, the error says to set it.
func (e *postgresRoleEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	onOpenCredential(ctx, e.data, req.Private, &resp.Diagnostics, roleKind, "delete",
		"Error Deleting Ephemeral Postgres Role (if it still owns objects, set successor)",
		e.remove)
}

func (e *postgresRoleEphemeral) remove(ctx context.Context, open openCredential) error {
	err := roles.delete(ctx, e.data.client, open.branch(), open.ID, open.Successor)
	return e.data.deleteDone(ctx, roleKind, open.branch(), err)
}
