package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The managed resource of every kind (planetscale_branch_password,
// planetscale_postgres_role), written once against its kind value. What a
// kind does differently is in its kind file: its update, and the hooks its
// credentialType sets.

var (
	_ resource.ResourceWithConfigure      = (*credentialResource[planetscale.Password])(nil)
	_ resource.ResourceWithImportState    = (*credentialResource[planetscale.Password])(nil)
	_ resource.ResourceWithModifyPlan     = (*credentialResource[planetscale.Password])(nil)
	_ resource.ResourceWithValidateConfig = (*credentialResource[planetscale.Password])(nil)
	_ resource.ResourceWithIdentity       = (*credentialResource[planetscale.Password])(nil)
	_ resource.ResourceWithMoveState      = (*credentialResource[planetscale.Password])(nil)
)

// credentialResource is the managed resource of the kind whose client type
// is T (see kindOf).
type credentialResource[T any] struct {
	data *providerData
	// pollInterval is the first wait between readiness checks of a kind
	// that has them; tests shorten it.
	pollInterval time.Duration
}

type (
	branchPasswordResource = credentialResource[planetscale.Password]
	postgresRoleResource   = credentialResource[planetscale.Role]
)

// defaultPollInterval is the first wait between readiness checks.
const defaultPollInterval = 500 * time.Millisecond

func newCredentialResource[T any]() resource.Resource {
	return &credentialResource[T]{pollInterval: defaultPollInterval}
}

// updateCall makes the API calls an update needs. keep records an answer
// that carries a new secret the moment it arrives, so that a failure after
// it leaves state true to the API; it returns the context to go on with.
type updateCall[T any] func(ctx context.Context, c *planetscale.Client, keep func(context.Context, *T) context.Context) (*T, error)

func (r *credentialResource[T]) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = kindOf[T]().resource
}

func (r *credentialResource[T]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = kindOf[T]().resourceSchema()
	resp.Schema.Blocks = map[string]schema.Block{"timeouts": timeoutsBlock(ctx)}
}

func (r *credentialResource[T]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = credentialIdentitySchema(kindOf[T]().credentialKind)
}

func (r *credentialResource[T]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateRenewBefore(ctx, req.Config, &resp.Diagnostics)
}

func (r *credentialResource[T]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *credentialResource[T]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, kindOf[T]().credentialKind, req, resp)
}

func (r *credentialResource[T]) MoveState(context.Context) []resource.StateMover {
	return kindOf[T]().movers
}

// call describes an operation on this credential for error messages.
func (r *credentialResource[T]) call(op string, m resourceModel[T], timeout time.Duration) apiCall {
	kind := kindOf[T]()
	return newAPICall(op, kind.object(m), m.branch(), timeout, r.data, kind.credentialKind)
}

func (r *credentialResource[T]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	kind := kindOf[T]()
	plan := kind.modelOn(credentialLocation{})
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema, plan)...)
	timeout, diags := plan.state().Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	create, diags := plan.createRequest(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx), timeout)
	defer cancel()

	created := false
	ctx, err := kind.mint(ctx, r.data, create, plan, r.pollInterval, &resp.Diagnostics, func(ctx context.Context, item *T) {
		created = true
		resp.Diagnostics.Append(recordAnswer(ctx, plan, item, kind.about)...)
		plan.args().Name = types.StringValue(create.name) // see createCall
	})
	switch {
	case err != nil && !created:
		resp.Diagnostics.AddError("Error Creating "+titleCase(kind.noun), r.call("create", plan, timeout).detail(err))
		return
	case err != nil:
		// Keep the credential (and its secret) in state so Terraform
		// taints it instead of losing track of a live credential.
		resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
		resp.Diagnostics.Append(setModelIdentity(ctx, resp.Identity, plan)...)
		resp.Diagnostics.AddError(titleCase(kind.noun)+" Not Ready",
			fmt.Sprintf("%s was created but did not become ready: %s It is saved in state as tainted; the next apply replaces it.",
				kind.object(plan), r.call("create", plan, timeout).detail(err)))
		return
	}
	resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
	resp.Diagnostics.Append(setModelIdentity(ctx, resp.Identity, plan)...)
}

func (r *credentialResource[T]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	kind := kindOf[T]()
	state := kind.modelOn(credentialLocation{})
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema, state)...)
	timeout, diags := state.state().Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx, state.secret().ValueString()), timeout)
	defer cancel()

	imported := readingImport(ctx, req.Private)
	item, gone, err := kind.read(ctx, r.data, state.branch(), state.results().ID.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddError(imported.errorSummary(kind.noun), r.call(imported.op(), state, timeout).detail(err))
		return
	case gone && bool(imported):
		imported.gone(&resp.Diagnostics, kind.credentialKind, state.branch(), "id", state.results().ID)
		return
	case gone:
		removeFromState(ctx, resp, state)
		return
	}
	resp.Diagnostics.Append(recordAnswer(ctx, state, item, kind.about)...)
	resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, state)...)
	resp.Diagnostics.Append(setModelIdentity(ctx, resp.Identity, state)...)
	imported.done(ctx, resp.Private, &resp.Diagnostics, titleCase(kind.noun)+" Secret Not Imported",
		fmt.Sprintf("%s and connection_string are null after import of %s. To get a secret into state, replace the resource (terraform apply -replace=...).",
			kind.secret, kind.object(state)))
}

func (r *credentialResource[T]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	kind := kindOf[T]()
	plan, state := kind.modelOn(credentialLocation{}), kind.modelOn(credentialLocation{})
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema, plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema, state)...)
	timeout, diags := plan.state().Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	update := plan.update(state)
	if update == nil {
		resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
		resp.Diagnostics.Append(setModelIdentity(ctx, resp.Identity, plan)...)
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx, state.secret().ValueString()), timeout)
	defer cancel()

	r.data.forgetLists(kind.credentialKind, state.branch())
	*plan.secret() = *state.secret()
	keep := func(ctx context.Context, item *T) context.Context {
		ctx = r.data.maskSecrets(ctx, stringPtrValue(kind.about(item).secret).ValueString())
		resp.Diagnostics.Append(recordAnswer(ctx, plan, item, kind.about)...)
		resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
		resp.Diagnostics.Append(setModelIdentity(ctx, resp.Identity, plan)...)
		return ctx
	}
	updated, err := update(ctx, r.data.client, keep)
	if err != nil {
		resp.Diagnostics.AddError("Error Updating "+titleCase(kind.noun), r.call("update", state, timeout).detail(err))
		return
	}
	ctx = r.data.maskSecrets(ctx, stringPtrValue(kind.about(updated).secret).ValueString())
	resp.Diagnostics.Append(recordAnswer(ctx, plan, updated, kind.about)...)
	resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
	resp.Diagnostics.Append(setModelIdentity(ctx, resp.Identity, plan)...)
}

func (r *credentialResource[T]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	kind := kindOf[T]()
	state := kind.modelOn(credentialLocation{})
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema, state)...)
	timeout, diags := state.state().Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx, state.secret().ValueString()), timeout)
	defer cancel()

	err := kind.remove(ctx, r.data, state.branch(), state.results().ID.ValueString(), state.successor())
	if err == nil {
		return
	}
	// Terraform keeps the prior state after a failed Delete: the
	// credential and its secret stay.
	call := r.call("delete", state, timeout)
	what := fmt.Sprintf("%s %s (username %s)", kind.short, state.results().ID.ValueString(), state.results().Username.ValueString())
	resp.Diagnostics.AddError("Error Deleting "+titleCase(kind.noun),
		kind.failedDelete(call, state.successor(), what, "in state", err, call.detail(err)))
}

// ModifyPlan replaces an expired credential, renews (or replaces) one that
// expires within renew_before, warns of a name used twice on a branch, and
// plans what the kind's own attributes change.
func (r *credentialResource[T]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	kind := kindOf[T]()
	if r.data != nil {
		r.data.names.warnIfDeclaredBefore(ctx, req, resp, kind.credentialKind)
	}
	planExpiry(ctx, req, resp, kind.credentialKind, kind.renewableAttribute)
	if kind.modifyPlan != nil {
		kind.modifyPlan(ctx, req, resp)
	}
}

// mint sends the create of a credential of the kind under every rule of
// the create path: the client's create finishes once sent and leaves no
// orphan, a failed step after it (a rename) keeps the credential, and a
// kind that becomes ready later is waited for. keep receives each answer
// (the create's, then the ready one's) the moment it arrives, so that a
// failure after the create leaves the new credential and its secret in
// state. The context returned masks the new secret in logs.
func (k *credentialType[T]) mint(ctx context.Context, d *providerData, create createCall[T], c credentialModel[T], poll time.Duration,
	diags *diag.Diagnostics, keep func(context.Context, *T),
) (context.Context, error) {
	d.forgetLists(k.credentialKind, c.branch())
	created, err := create.send(ctx, d.client)
	if err = keepAfterFollowUp(diags, k.credentialKind, k.object(c), renamedNextPlan, err); err != nil {
		return ctx, err
	}
	about := k.about(created)
	ctx = d.maskSecrets(ctx, stringPtrValue(about.secret).ValueString())
	fields := map[string]any{"id": about.id, "branch": c.branch().String()}
	if k.waitReady != nil {
		fields["ready"] = about.ready
	}
	tflog.Debug(ctx, "created "+k.noun, fields)
	keep(ctx, created)
	if k.waitReady == nil {
		return ctx, nil
	}
	ready, err := k.waitReady(d.client, ctx, c.branch(), created, poll)
	if err != nil {
		return ctx, err
	}
	keep(ctx, ready)
	return ctx, nil
}

// read reads a credential of the kind: from its branch's list when the
// list was read this run (many credentials on one branch are refreshed
// from one list), else by GET. gone is true only on proof that it no
// longer exists: a 404 while its branch answers, or the API's own mark
// (the kind's gone); an ambiguous 404 is an error.
func (k *credentialType[T]) read(ctx context.Context, d *providerData, b planetscale.Branch, id string) (item *T, gone bool, err error) {
	if listed, ok := k.lists(d).lookup(ctx, b, id); ok {
		item = &listed
	} else {
		item, err = k.get(d.client, ctx, b, id)
	}
	if planetscale.IsNotFound(err) {
		if err = d.notFoundIsGone(ctx, k.credentialKind, b, err); err == nil {
			tflog.Warn(ctx, k.noun+" no longer exists; removing it from state", map[string]any{"id": id})
			return nil, true, nil
		}
	}
	if err != nil {
		return nil, false, err
	}
	if why := k.gone(item); why != nil {
		tflog.Warn(ctx, k.noun+" is gone; removing it from state", map[string]any{"id": id, "gone": why.Error()})
		return nil, true, nil
	}
	return item, false, nil
}

// remove deletes a credential of the kind, handing what it owns to
// successor (a kind without successors ignores it). It is done only on
// proof that the credential is gone: the delete's success, or a 404 while
// its branch answers; a 404 for a branch the token cannot see is an error,
// as in read.
func (k *credentialType[T]) remove(ctx context.Context, d *providerData, b planetscale.Branch, id, successor string) error {
	d.forgetLists(k.credentialKind, b)
	return d.notFoundIsGone(ctx, k.credentialKind, b, k.delete(d.client, ctx, b, id, successor))
}
