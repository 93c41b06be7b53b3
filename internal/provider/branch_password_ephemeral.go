package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*branchPasswordEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithRenew     = (*branchPasswordEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*branchPasswordEphemeral)(nil)
)

type branchPasswordEphemeral struct {
	data *providerData
}

// NewBranchPasswordEphemeral is the ephemeral planetscale_branch_password
// constructor.
func NewBranchPasswordEphemeral() ephemeral.EphemeralResource {
	return &branchPasswordEphemeral{}
}

func (e *branchPasswordEphemeral) Metadata(_ context.Context, _ ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = passwordKind.resource
}

func (e *branchPasswordEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attrs := ephemeralBranchAttributes(passwordKind)
	for name, attr := range map[string]schema.Attribute{
		"name": schema.StringAttribute{
			MarkdownDescription: "Display name of the password. When omitted, the provider generates one (`terraform-<random>`). A configured name is given in a rename right after the create, which is sent under a temporary name (`terraform-pending-<random>`).",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"role": schema.StringAttribute{
			MarkdownDescription: "Database role: `reader`, `writer`, `readwriter` or `admin`. Defaults to the API's default (`admin`).",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.OneOf(passwordRoles...)},
		},
		"ttl": schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("Time to live in seconds, from 1 to 9223372036 (about 292 years). Defaults to `%d` (one hour). Terraform renews the password halfway through while it still uses it.", defaultEphemeralTTL),
			Optional:            true,
			Computed:            true,
			Validators:          []validator.Int64{int64validator.AtLeast(1), ttlNotTooLong{}},
		},
		"cidrs": schema.SetAttribute{
			MarkdownDescription: "IP addresses or CIDR ranges allowed to use the password. Omit to allow any address.",
			ElementType:         types.StringType,
			Optional:            true,
			Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(cidr{})},
		},
		"replica":           schema.BoolAttribute{MarkdownDescription: "Whether the password connects to a read replica.", Optional: true, Computed: true},
		"direct_vtgate":     schema.BoolAttribute{MarkdownDescription: "Whether the password connects directly to a VTGate.", Optional: true, Computed: true},
		"id":                ephemeralComputed("ID of the password in PlanetScale.", false),
		"username":          ephemeralComputed("MySQL username.", false),
		"plain_text":        ephemeralComputed("The password itself.", true),
		"connection_string": ephemeralComputed("A MySQL URL, `mysql://<username>:<plain_text>@<access_host_url>/<database>?sslaccept=strict`.", true),
		"access_host_url":   ephemeralComputed("Host to connect to.", false),
		"expires_at":        ephemeralComputed("When the password expires (RFC 3339), unless renewed.", false),
	} {
		attrs[name] = attr
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived password for a PlanetScale Vitess (MySQL) database branch that never reaches state or plan files. " +
			"Terraform creates it when a run needs it, renews it while the run lasts, and deletes it when the run ends. " +
			"Terraform opens ephemeral resources during plan and again during apply, so one `terraform apply` creates two passwords, each deleted after use.",
		Attributes: attrs,
	}
}

func (e *branchPasswordEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *branchPasswordEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if !requireClient(e.data, &resp.Diagnostics) {
		return
	}
	// The model is the managed resource's credential without what only
	// state keeps; the mapping is the same.
	var m passwordCredential
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
	created, err := e.data.client.CreatePasswordNoOrphan(ctx, m.branch(), body, nameOrigin(m.Name))
	if err = keepAfterFollowUp(&resp.Diagnostics, passwordKind, m.object(), ephemeralKept, err); err != nil {
		resp.Diagnostics.AddError("Error Creating Ephemeral Branch Password",
			newAPICall("create", m.object(), m.branch(), 0, e.data, passwordKind).detail(err))
		return
	}
	// Terraform holds a configured name to its value even when the rename
	// from the temporary one failed; the credential is deleted by its ID.
	created.Name = body.Name
	ctx = e.data.maskSecrets(ctx, *created.PlainText)
	open := openCredential{Organization: m.Organization.ValueString(), Database: m.Database.ValueString(), Branch: m.Branch.ValueString(), ID: created.ID, TTL: m.TTL.ValueInt64()}
	defer deleteAfterFailedOpen(ctx, e.data, &resp.Diagnostics, open, passwordKind, e.remove)
	resp.Diagnostics.Append(m.apply(ctx, created)...)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	resp.Diagnostics.Append(saveOpen(ctx, resp.Private, open)...)
	resp.RenewAt = renewAt(open.TTL)
	tflog.Debug(ctx, "opened ephemeral branch password", map[string]any{"id": created.ID, "branch": m.branch().String()})
}

func (e *branchPasswordEphemeral) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	onOpenCredential(ctx, e.data, req.Private, &resp.Diagnostics, passwordKind, "renew", "Error Renewing Ephemeral Branch Password",
		func(ctx context.Context, open openCredential) error {
			_, err := passwords.renew(ctx, e.data.client, open.branch(), open.ID)
			if err == nil {
				resp.RenewAt = renewAt(open.TTL)
			}
			return err
		})
}

func (e *branchPasswordEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	onOpenCredential(ctx, e.data, req.Private, &resp.Diagnostics, passwordKind, "delete", "Error Deleting Ephemeral Branch Password", e.remove)
}

func (e *branchPasswordEphemeral) remove(ctx context.Context, open openCredential) error {
	err := passwords.delete(ctx, e.data.client, open.branch(), open.ID, "")
	return e.data.deleteDone(ctx, passwordKind, open.branch(), err)
}
