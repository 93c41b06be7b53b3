package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

var (
	_ resource.ResourceWithConfigure      = (*branchPasswordResource)(nil)
	_ resource.ResourceWithImportState    = (*branchPasswordResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*branchPasswordResource)(nil)
	_ resource.ResourceWithValidateConfig = (*branchPasswordResource)(nil)
	_ resource.ResourceWithIdentity       = (*branchPasswordResource)(nil)
)

var passwordRoles = []string{"reader", "writer", "admin", "readwriter"}

type branchPasswordResource struct {
	data *providerData
}

// NewBranchPasswordResource is the planetscale_branch_password constructor.
func NewBranchPasswordResource() resource.Resource {
	return &branchPasswordResource{}
}

func (r *branchPasswordResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = passwordKind.resource
}

func (r *branchPasswordResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := branchAttributes(passwordKind)
	for name, attr := range map[string]schema.Attribute{
		"id": computedString("ID of the password in PlanetScale.", false),
		"name": schema.StringAttribute{
			MarkdownDescription: "Display name of the password; it should be unique on the branch. When omitted, the provider generates one (`terraform-<random>`) and keeps it. A configured name is given in a rename right after the create, which is sent under a temporary name (`terraform-pending-<random>`) that nothing else carries: a create whose answer is lost is then never confused with another password of the same name. Changing it renames the password in place; the secret stays the same.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"role": schema.StringAttribute{
			MarkdownDescription: "Database role of the password: `reader`, `writer`, `readwriter` or `admin`. When omitted, the API's default (`admin`) is recorded. Changing it replaces the password.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.OneOf(passwordRoles...)},
			PlanModifiers: []planmodifier.String{
				stringplanmodifier.UseStateForUnknown(),
				stringplanmodifier.RequiresReplace(),
			},
		},
		"ttl": schema.Int64Attribute{
			MarkdownDescription: "Time to live in seconds, from 1 to 9223372036 (about 292 years); the password stops working that long after it is created (or last renewed). Omit for a password that never expires. " +
				"Changing it replaces the password. An expired password is replaced on the next apply.",
			Optional:      true,
			Validators:    []validator.Int64{int64validator.AtLeast(1), ttlNotTooLong{}},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"cidrs": schema.SetAttribute{
			MarkdownDescription: "IP addresses or CIDR ranges (IPv4 or IPv6) allowed to use the password, written as the API stores them: a range's address with its host bits cleared (`10.0.0.0/8`, not `10.0.0.5/8`), IPv6 in lower case and shortest form. Omit to allow any address. Changing it replaces the password; order does not matter.",
			ElementType:         types.StringType,
			Optional:            true,
			Validators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(cidr{}),
			},
			PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
		},
		"replica": schema.BoolAttribute{
			MarkdownDescription: "Whether the password connects to a read replica. Defaults to `false`. Changing it replaces the password.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"direct_vtgate": schema.BoolAttribute{
			MarkdownDescription: "Whether the password connects directly to a VTGate, bypassing load balancers. Defaults to `false`. Changing it replaces the password.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"username":   computedString("MySQL username of the password.", false),
		"plain_text": computedString("The password itself. PlanetScale returns it only when the password is created, so it is null after `terraform import`. Read it with `terraform output -raw`.", true),
		"connection_string": computedString("A MySQL URL, `mysql://<username>:<plain_text>@<access_host_url>/<database>?sslaccept=strict`, "+
			"for a MySQL client or a `DATABASE_URL`. Null when `plain_text` is (after import).", true),
		"access_host_url":          computedString("Host to connect to.", false),
		"access_host_regional_url": computedString("Regional host to connect to.", false),
		"created_at":               computedString("When the password was created (RFC 3339).", false),
		"expires_at":               computedString("When the password expires (RFC 3339); null when it has no `ttl`.", false),
		"expired":                  computedBool("Whether the password has expired. An expired password is planned for replacement."),
		"renew_before":             renewBeforeAttribute("password"),
		"renewable":                computedBool("Whether the password can be renewed (it has a `ttl` and has not expired)."),
	} {
		attrs[name] = attr
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A password for a PlanetScale Vitess (MySQL) database branch. " +
			"The secret (`plain_text`) is returned by the API only when the password is created and is stored in state as a sensitive value.",
		Attributes: attrs,
		Blocks:     map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

func (r *branchPasswordResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = credentialIdentitySchema(passwordKind)
}

func (r *branchPasswordResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateRenewBefore(ctx, req.Config, &resp.Diagnostics)
}

func (r *branchPasswordResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// call describes an operation on this credential for error messages.
func (r *branchPasswordResource) call(op string, m *branchPasswordModel, timeout time.Duration) apiCall {
	return newAPICall(op, m.object(), m.branch(), timeout, r.data, passwordKind)
}

func (r *branchPasswordResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan branchPasswordModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema, &plan)...)
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	body, diags := plan.createRequest(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx), timeout)
	defer cancel()

	r.data.forgetLists(passwordKind, plan.branch())
	created, err := r.data.client.CreatePasswordNoOrphan(ctx, plan.branch(), body, nameOrigin(plan.Name))
	if err = keepAfterFollowUp(&resp.Diagnostics, passwordKind, plan.object(), renamedNextPlan, err); err != nil {
		resp.Diagnostics.AddError("Error Creating Branch Password", r.call("create", &plan, timeout).detail(err))
		return
	}
	// State takes the planned name even when the rename failed, as
	// Terraform requires; the next refresh reads the real one, and the plan
	// renames it again.
	created.Name = body.Name
	ctx = r.data.maskSecrets(ctx, *created.PlainText)
	tflog.Debug(ctx, "created branch password", map[string]any{"id": created.ID, "branch": plan.branch().String()})
	resp.Diagnostics.Append(applyPassword(ctx, &plan, created)...)
	resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.Organization, plan.Database, plan.Branch, plan.ID)...)
}

func (r *branchPasswordResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var state branchPasswordModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema, &state)...)
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx, state.PlainText.ValueString()), timeout)
	defer cancel()

	// Many passwords on one branch are refreshed from its list; one the
	// list does not show is confirmed with a GET before it is dropped.
	var p *planetscale.Password
	var err error
	if listed, ok := passwords.lists(r.data).lookup(ctx, state.branch(), state.ID.ValueString()); ok {
		p = &listed
	} else {
		p, err = passwords.get(ctx, r.data.client, state.branch(), state.ID.ValueString())
	}
	// Removed from state only on proof that it is gone: a 404 while its
	// branch answers, or the API's own deleted_at.
	if planetscale.IsNotFound(err) {
		err = r.data.branchAnswers(ctx, passwordKind, state.branch())
		if err == nil {
			tflog.Warn(ctx, "branch password no longer exists; removing it from state", map[string]any{"id": state.ID.ValueString()})
			removeFromState(ctx, resp, state.Organization, state.Database, state.Branch, state.ID)
			return
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Error Reading Branch Password", r.call("read", &state, timeout).detail(err))
		return
	}
	if passwords.gone(p) != nil {
		tflog.Warn(ctx, "branch password was deleted; removing it from state", map[string]any{"id": state.ID.ValueString()})
		removeFromState(ctx, resp, state.Organization, state.Database, state.Branch, state.ID)
		return
	}
	resp.Diagnostics.Append(applyPassword(ctx, &state, p)...)
	resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.Organization, state.Database, state.Branch, state.ID)...)
}

func (r *branchPasswordResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan, state branchPasswordModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema, &state)...)
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Everything but the name forces replacement, so an update renames
	// the password, renews it (planExpiry left expires_at unknown), or only
	// records a new renew_before or timeouts.
	rename, renew := !plan.Name.Equal(state.Name), plan.ExpiresAt.IsUnknown()
	if !rename && !renew {
		resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.Organization, plan.Database, plan.Branch, plan.ID)...)
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx, state.PlainText.ValueString()), timeout)
	defer cancel()

	r.data.forgetLists(passwordKind, state.branch())
	var updated *planetscale.Password
	var err error
	if rename {
		updated, err = r.data.client.UpdatePassword(ctx, state.branch(), state.ID.ValueString(),
			planetscale.UpdatePasswordRequest{Name: plan.Name.ValueStringPointer()})
	}
	if err == nil && renew {
		updated, err = passwords.renew(ctx, r.data.client, state.branch(), state.ID.ValueString())
	}
	if err != nil {
		resp.Diagnostics.AddError("Error Updating Branch Password", r.call("update", &state, timeout).detail(err))
		return
	}
	plan.PlainText = state.PlainText
	resp.Diagnostics.Append(applyPassword(ctx, &plan, updated)...)
	resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.Organization, plan.Database, plan.Branch, plan.ID)...)
}

func (r *branchPasswordResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var state branchPasswordModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema, &state)...)
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx, state.PlainText.ValueString()), timeout)
	defer cancel()

	r.data.forgetLists(passwordKind, state.branch())
	err := passwords.delete(ctx, r.data.client, state.branch(), state.ID.ValueString(), "")
	// Done (and forgotten by Terraform) only on proof that it is gone: a 404
	// while its branch answers. A 404 for a branch the token cannot see
	// keeps it in state, as in Read.
	if err = r.data.deleteDone(ctx, passwordKind, state.branch(), err); err != nil {
		resp.Diagnostics.AddError("Error Deleting Branch Password", r.call("delete", &state, timeout).detail(err))
	}
}

func (r *branchPasswordResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, passwordKind, req, resp)
}

// ModifyPlan replaces an expired password, and renews (or replaces) one
// that expires within renew_before.
func (r *branchPasswordResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data != nil {
		r.data.names.warnIfDeclaredBefore(ctx, req, resp, passwordKind)
	}
	planExpiry(ctx, req, resp, passwordKind, passwords.renewableAttribute)
}
