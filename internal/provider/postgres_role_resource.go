package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
	_ resource.ResourceWithConfigure      = (*postgresRoleResource)(nil)
	_ resource.ResourceWithImportState    = (*postgresRoleResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*postgresRoleResource)(nil)
	_ resource.ResourceWithValidateConfig = (*postgresRoleResource)(nil)
	_ resource.ResourceWithIdentity       = (*postgresRoleResource)(nil)
)

// inheritableRoles are the API document's values plus pscale_managed, which
// older versions of the document list.
var inheritableRoles = []string{
	"pg_checkpoint", "pg_create_subscription", "pg_maintain", "pg_monitor",
	"pg_read_all_data", "pg_read_all_settings", "pg_read_all_stats",
	"pg_signal_backend", "pg_stat_scan_tables", "pg_use_reserved_connections",
	"pg_write_all_data", "postgres", "pscale_managed",
}

var querySafetyValues = []string{"off", "warn", "on"}

type postgresRoleResource struct {
	data *providerData
	// pollInterval is the first wait between readiness checks; tests shorten it.
	pollInterval time.Duration
}

// NewPostgresRoleResource is the planetscale_postgres_role constructor.
func NewPostgresRoleResource() resource.Resource {
	return &postgresRoleResource{pollInterval: 500 * time.Millisecond}
}

func (r *postgresRoleResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = roleKind.resource
}

func querySafetyAttribute(statement string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Whether %s statements without a `WHERE` clause are allowed: `off` (allowed), `warn` or `on` (refused). "+
			"When omitted, the current setting (PlanetScale's default is `off`) is kept. Updated in place.", statement),
		Optional:      true,
		Computed:      true,
		Validators:    []validator.String{stringvalidator.OneOf(querySafetyValues...)},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func (r *postgresRoleResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := branchAttributes(roleKind)
	for name, attr := range map[string]schema.Attribute{
		"id": computedString("ID of the role in PlanetScale.", false),
		"name": schema.StringAttribute{
			MarkdownDescription: "Display name of the role; it should be unique on the branch. When omitted, the provider generates one (`terraform-<random>`) and keeps it. Changing it renames the role in place; the password stays the same.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"ttl": schema.Int64Attribute{
			MarkdownDescription: "Time to live in seconds, counted from creation. Omit for a role that never expires. Changing it replaces the role. An expired role is replaced on the next apply.",
			Optional:            true,
			Validators:          []validator.Int64{int64validator.AtLeast(1), ttlNotTooLong{}},
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"inherited_roles": schema.SetAttribute{
			MarkdownDescription: "Postgres roles the credentials inherit, such as `pg_read_all_data` or `pg_write_all_data`. One of: `" +
				strings.Join(inheritableRoles, "`, `") + "`. Changing it replaces the role; order does not matter.",
			ElementType: types.StringType,
			Optional:    true,
			Validators: []validator.Set{
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.OneOf(inheritableRoles...)),
			},
			PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
		},
		"with_replication": schema.BoolAttribute{
			MarkdownDescription: "Whether the role has the Postgres `REPLICATION` attribute. Defaults to `false`. Changing it replaces the role.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(false),
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"require_where_on_delete": querySafetyAttribute("`DELETE`"),
		"require_where_on_update": querySafetyAttribute("`UPDATE`"),
		"successor": schema.StringAttribute{
			MarkdownDescription: "Role (ID, or username with or without the branch suffix) that takes ownership of this role's objects when this role is destroyed. " +
				"Without it, destroying a role that still owns objects fails. Changing it only changes state; no API call is made until destroy.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"username": computedString("Postgres username of the role.", false),
		"password": computedString("The role's password. PlanetScale returns it only when the role is created, so it is null after `terraform import`. Read it with `terraform output -raw`.", true),
		"connection_string": computedString("A Postgres URL, `postgresql://<username>:<password>@<access_host_url>:5432/<database_name>?sslmode=verify-full`, "+
			"for `psql` or a `DATABASE_URL`. Null when `password` is (after import).", true),
		"access_host_url": computedString("Host to connect to.", false),
		"database_name":   computedString("Name of the Postgres database to connect to.", false),
		"created_at":      computedString("When the role was created (RFC 3339).", false),
		"expires_at":      computedString("When the role expires (RFC 3339); null when it has no `ttl`.", false),
		"expired":         computedBool("Whether the role has expired. An expired role is planned for replacement."),
		"renew_before":    renewBeforeAttribute("role"),
		"password_rotation_trigger": schema.StringAttribute{
			MarkdownDescription: "Any string; when it changes to a new value, apply gives the role a new password through the API's reset endpoint, " +
				"in place: the role, its grants and its objects stay. Tie it to a time-based resource (such as `time_rotating`) to rotate on a schedule. " +
				"Setting it on create, or removing it, rotates nothing. When its value is not known until apply (a `time_rotating` being replaced, say), " +
				"the plan shows `password` and `connection_string` as known after apply: apply resets the password only if the value turns out new.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
	} {
		attrs[name] = attr
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Credentials (a Postgres role) for a PlanetScale Postgres database branch. " +
			"The secret (`password`) is returned by the API only when the role is created and is stored in state as a sensitive value.",
		Attributes: attrs,
		Blocks:     map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

func (r *postgresRoleResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = credentialIdentitySchema(roleKind)
}

func (r *postgresRoleResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateRenewBefore(ctx, req.Config, &resp.Diagnostics)
}

func (r *postgresRoleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// roleUpdateRequest holds only what changed between state and plan; ok is
// false when nothing the API stores changed (a new successor, say).
func roleUpdateRequest(plan, state *postgresRoleModel) (req planetscale.UpdateRoleRequest, ok bool) {
	changed := func(p, s types.String) *string {
		if p.IsUnknown() || p.Equal(s) {
			return nil
		}
		ok = true
		return p.ValueStringPointer()
	}
	req.Name = changed(plan.Name, state.Name)
	req.RequireWhereOnDelete = changed(plan.RequireWhereOnDelete, state.RequireWhereOnDelete)
	req.RequireWhereOnUpdate = changed(plan.RequireWhereOnUpdate, state.RequireWhereOnUpdate)
	return req, ok
}

// roleGone reports a role that the API still answers for but that no longer
// exists as a database role. A disabled role (disabled_at) is not gone: it
// still exists and may be enabled again, so it stays in state with its
// password.
func roleGone(ro *planetscale.Role) bool {
	return ro.DroppedAt != nil || ro.DeletedAt != nil
}

// call describes an operation on this credential for error messages.
func (r *postgresRoleResource) call(op string, m *postgresRoleModel, timeout time.Duration) apiCall {
	return newAPICall(op, m.object(), m.branch(), timeout, r.data, roleKind)
}

func (r *postgresRoleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan postgresRoleModel
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

	r.data.roleLists.forget(plan.branch())
	created, err := r.data.client.CreateRoleNoOrphan(ctx, plan.branch(), body, nameOrigin(plan.Name))
	if err != nil {
		resp.Diagnostics.AddError("Error Creating Postgres Role", r.call("create", &plan, timeout).detail(err))
		return
	}
	ctx = r.data.maskSecrets(ctx, *created.Password)
	tflog.Debug(ctx, "created Postgres role", map[string]any{"id": created.ID, "branch": plan.branch().String(), "ready": created.Ready})
	resp.Diagnostics.Append(applyRole(ctx, &plan, created)...)

	if !created.Ready {
		ready, err := r.data.client.WaitRoleReady(ctx, plan.branch(), created.ID, r.pollInterval)
		if err != nil {
			// Keep the role (and its password) in state so Terraform taints
			// it instead of losing track of a live credential.
			resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
			resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.Organization, plan.Database, plan.Branch, plan.ID)...)
			resp.Diagnostics.AddError("Postgres Role Not Ready",
				fmt.Sprintf("%s was created but did not become ready: %s It is saved in state as tainted; the next apply replaces it.",
					plan.object(), r.call("create", &plan, timeout).detail(err)))
			return
		}
		resp.Diagnostics.Append(applyRole(ctx, &plan, ready)...)
	}
	resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.Organization, plan.Database, plan.Branch, plan.ID)...)
}

func (r *postgresRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var state postgresRoleModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema, &state)...)
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx, state.Password.ValueString()), timeout)
	defer cancel()

	// Many roles on one branch are refreshed from its list; one the list
	// does not show is confirmed with a GET before it is dropped.
	var ro *planetscale.Role
	var err error
	if listed, ok := r.data.roleLists.lookup(ctx, state.branch(), state.ID.ValueString()); ok {
		ro = &listed
	} else {
		ro, err = r.data.client.GetRole(ctx, state.branch(), state.ID.ValueString())
	}
	// Removed from state only on proof that it is gone: a 404 while its
	// branch answers, or the API's own deleted_at or dropped_at.
	if planetscale.IsNotFound(err) {
		if err = r.data.roleLists.branchAnswers(ctx, state.branch()); err == nil {
			tflog.Warn(ctx, "Postgres role no longer exists; removing it from state", map[string]any{"id": state.ID.ValueString()})
			removeFromState(ctx, resp, state.Organization, state.Database, state.Branch, state.ID)
			return
		}
	}
	if err == nil && roleGone(ro) {
		tflog.Warn(ctx, "Postgres role was deleted or dropped; removing it from state", map[string]any{"id": state.ID.ValueString()})
		removeFromState(ctx, resp, state.Organization, state.Database, state.Branch, state.ID)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error Reading Postgres Role", r.call("read", &state, timeout).detail(err))
		return
	}
	resp.Diagnostics.Append(applyRole(ctx, &state, ro)...)
	resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &state)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.Organization, state.Database, state.Branch, state.ID)...)
}

func (r *postgresRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var plan, state postgresRoleModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema, &state)...)
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, patch := roleUpdateRequest(&plan, &state)
	reset := rotates(plan.RotationTrigger, state.RotationTrigger)
	renew := plan.ExpiresAt.IsUnknown()
	if !patch && !reset && !renew {
		// Only successor, renew_before or timeouts changed: state only.
		resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.Organization, plan.Database, plan.Branch, plan.ID)...)
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx, state.Password.ValueString()), timeout)
	defer cancel()

	r.data.roleLists.forget(state.branch())
	plan.Password, plan.TTL = state.Password, state.TTL
	var updated *planetscale.Role
	var err error
	if patch {
		updated, err = r.data.client.UpdateRole(ctx, state.branch(), state.ID.ValueString(), body)
	}
	if err == nil && reset {
		// The reset answer carries the new password; applyRole stores it.
		updated, err = r.data.client.ResetRole(ctx, state.branch(), state.ID.ValueString())
		if err == nil {
			// The old password no longer works: record the new one now, so
			// that a failure below leaves state true to the API.
			ctx = r.data.maskSecrets(ctx, *updated.Password)
			resp.Diagnostics.Append(applyRole(ctx, &plan, updated)...)
			resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
			resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.Organization, plan.Database, plan.Branch, plan.ID)...)
		}
	}
	if err == nil && renew {
		var renewed *planetscale.Role
		renewed, err = r.data.client.RenewRole(ctx, state.branch(), state.ID.ValueString())
		if err == nil {
			if updated != nil {
				renewed.Password = updated.Password // a reset's new password, if any
			}
			updated = renewed
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Error Updating Postgres Role", r.call("update", &state, timeout).detail(err))
		return
	}
	resp.Diagnostics.Append(applyRole(ctx, &plan, updated)...)
	resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, &plan)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.Organization, plan.Database, plan.Branch, plan.ID)...)
}

func (r *postgresRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	var state postgresRoleModel
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema, &state)...)
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx, state.Password.ValueString()), timeout)
	defer cancel()

	r.data.roleLists.forget(state.branch())
	err := r.data.client.DeleteRole(ctx, state.branch(), state.ID.ValueString(), state.Successor.ValueString())
	var apiErr *planetscale.APIError
	switch {
	case err == nil || planetscale.IsNotFound(err):
		return
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnprocessableEntity && state.Successor.IsNull():
		resp.Diagnostics.AddError("Error Deleting Postgres Role", apiStatus(state.object(), apiErr)+
			fmt.Sprintf("\n\nThe role %s still owns database objects. Set successor to the ID or username of the role that should take them over "+
				"and apply, then destroy again; or reassign the objects first (REASSIGN OWNED BY, or the planetscale_postgres_role_reassign action on Terraform 1.14 and later).", state.Username.ValueString()))
	default:
		resp.Diagnostics.AddError("Error Deleting Postgres Role", r.call("delete", &state, timeout).detail(err))
	}
}

func (r *postgresRoleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, roleKind, req, resp)
}

// ModifyPlan replaces an expired role, renews (or replaces) one that expires
// within renew_before, and plans a new password when
// password_rotation_trigger changes or is not known until apply.
func (r *postgresRoleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data != nil {
		r.data.names.warnIfDeclaredBefore(ctx, req, resp, roleKind)
	}
	planExpiry(ctx, req, resp, roleKind, func() bool {
		// The API renews any role created with a TTL.
		var ttl types.Int64
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("ttl"), &ttl)...)
		return !ttl.IsNull()
	})
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var planned, prior types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("password_rotation_trigger"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("password_rotation_trigger"), &prior)...)
	// A trigger unknown until apply may turn out to be a new value: the
	// password and what is built from it may change too.
	if planned.IsUnknown() || rotates(planned, prior) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("password"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("connection_string"), types.StringUnknown())...)
	}
}

// rotates reports a trigger change that asks for a new password: a new,
// known, non-null value. Removing the trigger rotates nothing.
func rotates(planned, prior types.String) bool {
	return !planned.IsNull() && !planned.IsUnknown() && !planned.Equal(prior)
}
