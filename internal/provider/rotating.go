package provider

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The rotating resource of every kind (planetscale_rotating_branch_password,
// planetscale_rotating_postgres_role): two credentials of the kind, the
// current one and, for a while after each rotation, the previous one, so
// that applications that have not yet reloaded their secret keep working.
// It is written once against the kind value: each credential it holds is
// made, read and deleted by the kind's own calls and rules (mint, read,
// remove), and mapped by the kind's own mapping (apply). What the kind adds
// is its settings (rotatingModel), in the kind's file.

// rotatingResource is the rotating resource of the kind whose client type
// is T.
type rotatingResource[T any] struct {
	data         *providerData
	pollInterval time.Duration
}

func newRotatingResource[T any]() resource.Resource {
	return &rotatingResource[T]{pollInterval: defaultPollInterval}
}

// rotatingType is the resource's type name: planetscale_rotating_ and the
// kind's resource's.
func (k *credentialType[T]) rotatingType() string {
	return "planetscale_rotating_" + k.resource[len("planetscale_"):]
}

func (r *rotatingResource[T]) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = kindOf[T]().rotatingType()
	// Each rotation changes which credentials the resource holds, and its
	// identity names them.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *rotatingResource[T]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = kindOf[T]().rotatingSchema()
}

func (r *rotatingResource[T]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *rotatingResource[T]) model() rotatingModel[T] {
	m := kindOf[T]().newRotating()
	m.rotation().credentialLocation = credentialLocation{}
	return m
}

// rotationState is where an operation records what the resource holds.
type rotationState struct {
	state    *tfsdk.State
	identity *tfsdk.ResourceIdentity
	diags    *diag.Diagnostics
}

// set records m, and the identity of what it holds.
func (r *rotatingResource[T]) set(ctx context.Context, to rotationState, m rotatingModel[T]) {
	to.diags.Append(setState(ctx, to.state, m)...)
	to.diags.Append(r.setIdentity(ctx, to.identity, m)...)
}

// ValidateConfig refuses a rotation that cannot keep its promise: none
// asked for, a previous credential deleted before its overlap ends, or a
// ttl that expires the current credential before the next rotation and
// its overlap are over.
func (r *rotatingResource[T]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	m := r.model()
	resp.Diagnostics.Append(getModel(ctx, req.Config.Raw, req.Config.Schema, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a := m.rotation()
	if a.RotateEvery.IsNull() && a.RotationTrigger.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("rotate_every"), "No Rotation Asked For",
			"Set rotate_every (rotate when the current credential is this old, such as \"720h\"), rotation_trigger (rotate whenever its value changes), or both.")
		return
	}
	every, everyKnown := knownDuration(a.RotateEvery)
	overlap, overlapKnown := knownDuration(a.Overlap)
	if a.Overlap.IsNull() {
		overlap, overlapKnown = defaultOverlap, true
	}
	if everyKnown && overlapKnown && overlap > every {
		resp.Diagnostics.AddAttributeError(path.Root("overlap"), "Overlap Longer Than rotate_every",
			fmt.Sprintf("overlap (%s) is longer than rotate_every (%s): each rotation deletes the previous credential, so it would stop working before its overlap ends. "+
				"Shorten overlap or lengthen rotate_every.", overlap, every))
	}
	if everyKnown && overlapKnown && !a.TTL.IsNull() && !a.TTL.IsUnknown() && time.Duration(a.TTL.ValueInt64())*time.Second <= every+overlap {
		resp.Diagnostics.AddAttributeError(path.Root("ttl"), "ttl Too Short For The Rotation",
			fmt.Sprintf("ttl (%d seconds, %s) must be longer than rotate_every plus overlap (%s): a credential must still work when it is the previous one. "+
				"Raise ttl above %d, or shorten rotate_every or overlap.",
				a.TTL.ValueInt64(), time.Duration(a.TTL.ValueInt64())*time.Second, every+overlap, int64((every+overlap)/time.Second)))
	}
}

// defaultOverlap is overlap when the configuration leaves it out.
const defaultOverlap = 24 * time.Hour

// knownDuration is a duration attribute's value; ok is false when it is
// null, unknown or not a duration (its validator says so).
func knownDuration(s types.String) (time.Duration, bool) {
	if s.IsNull() || s.IsUnknown() {
		return 0, false
	}
	d, err := time.ParseDuration(s.ValueString())
	return d, err == nil
}

// rotationReason says why the plan rotates, or "" when it does not;
// unknown is true when a value not known until apply may rotate.
func rotationReason[T any](kind *credentialType[T], plan, state rotatingModel[T], checked time.Time, read bool) (reason string, unknown bool) {
	pa, sa := plan.rotation(), state.rotation()
	current := kind.slotOf(state.rotated().Current)
	rotates, settingsUnknown := plan.rotatesFrom(state)
	// A TTL state does not know (an imported role's) is adopted, as the
	// managed role's is.
	ttlUnknownToState := sa.TTL.IsNull() && current != nil && !current.ExpiresAt.IsNull()
	ttlChanged := !pa.TTL.Equal(sa.TTL) && !ttlUnknownToState
	switch {
	case current == nil:
		return "the current " + kind.short + " no longer exists", false
	case settingsUnknown || pa.TTL.IsUnknown() || pa.RotationTrigger.IsUnknown() || pa.RotateEvery.IsUnknown():
		return "", true
	case rotates || ttlChanged:
		return "a setting only a new " + kind.short + " can carry changed", false
	case !sa.RotationTrigger.IsNull() && !pa.RotationTrigger.IsNull() && !pa.RotationTrigger.Equal(sa.RotationTrigger):
		return "rotation_trigger changed", false
	}
	if !read {
		return "", false
	}
	if expires, err := time.Parse(time.RFC3339, current.ExpiresAt.ValueString()); err == nil && !checked.Before(expires) {
		return "the current " + kind.short + " expired at " + current.ExpiresAt.ValueString(), false
	}
	every, ok := knownDuration(pa.RotateEvery)
	created, err := time.Parse(time.RFC3339, current.CreatedAt.ValueString())
	if ok && err == nil && checked.Sub(created) >= every {
		return fmt.Sprintf("the current %s was created at %s, at least rotate_every (%s) before it was last read", kind.short, current.CreatedAt.ValueString(), pa.RotateEvery.ValueString()), false
	}
	return "", false
}

// ModifyPlan decides, against when state was last read from the API (see
// checkedAtKey; never the clock, so a saved plan applied later does what
// it planned), whether apply rotates (a new current credential, the
// current one kept as previous, an older previous deleted), retires the
// previous credential, or neither.
func (r *rotatingResource[T]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	kind := kindOf[T]()
	plan := r.model()
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pr := plan.rotated()
	if req.State.Raw.IsNull() {
		pr.Current, pr.Previous = kind.unknownSlot(), kind.slotValue(nil)
		pr.RetiringIDs, pr.RotatedAt, pr.Generation = types.SetNull(types.StringType), types.StringUnknown(), types.Int64Value(1)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	state := r.model()
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema, state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sr := state.rotated()
	*pr = *sr
	// Earlier credentials whose delete failed are deleted again.
	pr.RetiringIDs = types.SetNull(types.StringType)
	checked, read := checkedAt(ctx, req.Private)
	object := kind.rotatingType() + " on " + plan.rotation().branch().String()

	reason, unknown := rotationReason(kind, plan, state, checked, read)
	switch {
	case unknown:
		// previous may turn out null (retired): only a wholly unknown
		// object can.
		pr.Current, pr.Previous = kind.unknownSlot(), types.ObjectUnknown(kind.slotTypes())
		pr.RotatedAt, pr.Generation = types.StringUnknown(), types.Int64Unknown()
	case reason != "":
		if sr.Current.IsNull() {
			pr.Previous = sr.Previous
		} else {
			pr.Previous = sr.Current
		}
		pr.Current, pr.RotatedAt = kind.unknownSlot(), types.StringUnknown()
		pr.Generation = types.Int64Unknown() // the names it looks past are not known yet
		if !plan.rotation().NamePrefix.IsUnknown() {
			pr.Generation = types.Int64Value(nextGeneration(kind, plan.rotation().NamePrefix, sr))
		}
		resp.Diagnostics.AddWarning(titleCase(kind.noun)+" Will Rotate",
			fmt.Sprintf("%s rotates because %s: apply creates a new current %s, keeps the current one as previous for overlap, and deletes the older previous one, if any.",
				object, reason, kind.short))
		warnOverlapCutShort(kind, plan, state, checked, read, object, &resp.Diagnostics)
	default:
		pr.Previous = r.planRetirement(kind, plan, state, checked, read, object, &resp.Diagnostics)
		pr.Current = planName(kind, plan, sr)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// planRetirement is the previous credential as the plan leaves it: null
// (apply deletes it) once overlap has passed since rotated_at and, for a
// kind that tracks use with retire_after_idle set, it has been unused that
// long; otherwise as it is.
func (r *rotatingResource[T]) planRetirement(kind *credentialType[T], plan, state rotatingModel[T], checked time.Time, read bool, object string, diags *diag.Diagnostics) types.Object {
	kept := state.rotated().Previous
	previous := kind.slotOf(kept)
	if previous == nil {
		return kept
	}
	if plan.rotation().Overlap.IsUnknown() || plan.retireAfterIdle().IsUnknown() {
		return types.ObjectUnknown(kind.slotTypes()) // may turn out null
	}
	overlap, _ := knownDuration(plan.rotation().Overlap)
	rotated, err := time.Parse(time.RFC3339, state.rotated().RotatedAt.ValueString())
	if !read || err != nil || checked.Before(rotated.Add(overlap)) {
		return kept
	}
	if idle, ok := knownDuration(plan.retireAfterIdle()); ok && !previous.LastUsedAt.IsNull() {
		used, err := time.Parse(time.RFC3339, previous.LastUsedAt.ValueString())
		if err == nil && checked.Sub(used) < idle {
			diags.AddWarning(fmt.Sprintf("Previous %s Kept While In Use", titleCase(kind.short)),
				fmt.Sprintf("%s: the previous %s %s was last used at %s, less than retire_after_idle (%s) before it was last read, so it is kept. "+
					"It is retired at the first plan once it has been unused that long.",
					object, kind.short, previous.ID.ValueString(), previous.LastUsedAt.ValueString(), plan.retireAfterIdle().ValueString()))
			return kept
		}
	}
	diags.AddWarning(fmt.Sprintf("Previous %s Will Be Retired", titleCase(kind.short)),
		fmt.Sprintf("%s: overlap (%s) has passed since the rotation at %s, so apply deletes the previous %s %s.",
			object, plan.rotation().Overlap.ValueString(), state.rotated().RotatedAt.ValueString(), kind.short, previous.ID.ValueString()))
	return kind.slotValue(nil)
}

// warnOverlapCutShort warns, when the plan rotates, that apply deletes the
// previous credential before its overlap is over: a second rotation (a
// rotation_trigger changed again, say) within overlap of the last one.
// Like planRetirement, it judges as of the last read from the API.
func warnOverlapCutShort[T any](kind *credentialType[T], plan, state rotatingModel[T], checked time.Time, read bool, object string, diags *diag.Diagnostics) {
	previous, sr := kind.slotOf(state.rotated().Previous), state.rotated()
	overlap, known := knownDuration(plan.rotation().Overlap)
	rotated, err := time.Parse(time.RFC3339, sr.RotatedAt.ValueString())
	if previous == nil || kind.slotOf(sr.Current) == nil || !known || !read || err != nil || !checked.Before(rotated.Add(overlap)) {
		return
	}
	diags.AddWarning(fmt.Sprintf("Previous %s Deleted Before Its Overlap Ends", titleCase(kind.short)),
		fmt.Sprintf("%s: the previous %s %s is still within its overlap (%s from the rotation at %s, until %s), but this rotation deletes it: "+
			"a resource keeps one previous %s, and the current one takes its place. Applications still using %s lose access when apply runs. "+
			"To keep the overlap, apply this change after %s.",
			object, kind.short, previous.ID.ValueString(), plan.rotation().Overlap.ValueString(), sr.RotatedAt.ValueString(),
			rotated.Add(overlap).UTC().Format(time.RFC3339), kind.short, previous.ID.ValueString(), rotated.Add(overlap).UTC().Format(time.RFC3339)))
}

// planName is the current credential as the plan leaves it: renamed in
// place to its generation's name when it still has the temporary name of
// its create (the rename after it failed).
func planName[T any](kind *credentialType[T], plan rotatingModel[T], sr *rotationResults) types.Object {
	current := kind.slotOf(sr.Current)
	if current == nil || plan.rotation().NamePrefix.IsNull() || !planetscale.IsPendingName(current.Name.ValueString()) {
		return sr.Current
	}
	// Unknown while name_prefix is: apply's final plan knows it.
	current.Name = generationName(plan.rotation().NamePrefix, sr.Generation.ValueInt64())
	return kind.slotValue(current)
}

// generationName is the name of a generation's credential: name_prefix and
// the generation, or unknown (a generated name) without a prefix.
func generationName(prefix types.String, generation int64) types.String {
	if prefix.IsNull() || prefix.IsUnknown() {
		return types.StringUnknown()
	}
	return types.StringValue(prefix.ValueString() + strconv.FormatInt(generation, 10))
}

// nextGeneration is the generation a rotation makes: one past the
// resource's, and past each generation the names of the credentials it
// holds show (prefix, then a number), so that the new credential is not
// named as one of them: after an import, generation is 1 whatever the
// imported credentials are called (app-2, app-1).
func nextGeneration[T any](kind *credentialType[T], prefix types.String, sr *rotationResults) int64 {
	next := sr.Generation.ValueInt64() + 1
	for _, s := range []*credentialSlot{kind.slotOf(sr.Current), kind.slotOf(sr.Previous)} {
		if s == nil || prefix.IsNull() || prefix.IsUnknown() {
			continue
		}
		number, ok := strings.CutPrefix(s.Name.ValueString(), prefix.ValueString())
		if n, err := strconv.ParseInt(number, 10, 64); ok && err == nil && n >= next && n < math.MaxInt64 {
			next = n + 1
		}
	}
	return next
}

// rotate mints the next current credential for plan, and records it the
// moment it arrives, with the old current as previous and every older
// credential among retiring_ids until it is deleted. It returns the new
// current's ID, or "" when nothing was created.
func (r *rotatingResource[T]) rotate(ctx context.Context, plan, state rotatingModel[T], to rotationState) (context.Context, string) {
	kind := kindOf[T]()
	pr, sr := plan.rotated(), state.rotated()
	retiring := setStrings(sr.RetiringIDs)
	previous := sr.Current
	if previous.IsNull() {
		previous = sr.Previous
	} else if old := kind.slotOf(sr.Previous); old != nil {
		retiring = append(retiring, old.ID.ValueString())
	}
	generation := nextGeneration(kind, plan.rotation().NamePrefix, sr)
	c := credentialFor(plan, types.StringNull())
	c.args().Name = generationName(plan.rotation().NamePrefix, generation)
	create, diags := c.createRequest(ctx)
	to.diags.Append(diags...)
	if to.diags.HasError() {
		return ctx, ""
	}
	newID := ""
	ctx, err := kind.mint(ctx, r.data, create, c, r.pollInterval, to.diags, func(ctx context.Context, item *T) {
		current, diags := kind.slotFrom(ctx, c, item)
		to.diags.Append(diags...)
		current.Name = types.StringValue(create.name) // see createCall
		newID = current.ID.ValueString()
		plan.adopt(c) // what the configuration left to the API
		plan.rotation().TTL = c.args().TTL
		pr.Current, pr.Previous, pr.RetiringIDs = kind.slotValue(current), previous, stringSetOf(retiring)
		pr.RotatedAt, pr.Generation = current.CreatedAt, types.Int64Value(generation)
		if pr.ID.IsUnknown() { // the resource's first credential: see its id
			pr.ID = current.ID
		}
		r.set(ctx, to, plan)
	})
	switch {
	case err != nil && newID == "":
		summary, kept := "Error Rotating "+titleCase(kind.noun), stillWorking(kind, sr)
		if generation == 1 {
			summary = "Error Creating " + titleCase(kind.noun)
		}
		to.diags.AddError(summary, newAPICall("create", kind.object(c), c.branch(), 0, r.data, kind.credentialKind).detail(err)+kept)
		return ctx, ""
	case err != nil:
		to.diags.AddError(titleCase(kind.noun)+" Not Ready",
			fmt.Sprintf("The new current %s %s was created and is saved in state, but did not become ready: %s", kind.short, newID,
				newAPICall("create", kind.object(c), c.branch(), 0, r.data, kind.credentialKind).detail(err)))
		return ctx, ""
	}
	return ctx, newID
}

// stillWorking says which credentials a rotation that created nothing
// leaves as they were: those state holds, if any.
func stillWorking[T any](kind *credentialType[T], sr *rotationResults) string {
	current, previous := kind.slotOf(sr.Current), kind.slotOf(sr.Previous)
	switch {
	case current != nil && previous != nil:
		return fmt.Sprintf("\n\nThe current %[1]s %[2]s and the previous %[1]s %[3]s are as they were and still work.", kind.short, current.ID.ValueString(), previous.ID.ValueString())
	case current != nil:
		return fmt.Sprintf("\n\nThe current %s %s is as it was and still works.", kind.short, current.ID.ValueString())
	case previous != nil:
		return fmt.Sprintf("\n\nThe previous %s %s is as it was; there is no current one until a create succeeds.", kind.short, previous.ID.ValueString())
	}
	return ""
}

// retirement is how one operation deletes the credentials a rotating
// resource no longer keeps: who takes over what they own, and what its
// error says of one it could not delete, which stays in state.
type retirement struct {
	successor string
	// configured is set when successor is the configuration's (at
	// destroy), not the current credential's ID: the kind's advice on a
	// refused successor then applies.
	configured bool
	// held is what state holds, to name the slot that keeps a credential
	// that could not be deleted.
	current, previous *credentialSlot
	// again says what deletes it once the cause is fixed.
	again string
}

// slot names where state keeps the credential id, and its username when
// state has it.
func (rt retirement) slot(id string) (slot, username string) {
	for _, s := range []struct {
		name string
		held *credentialSlot
	}{{"current", rt.current}, {"previous", rt.previous}} {
		if s.held != nil && s.held.ID.ValueString() == id {
			return s.name, s.held.Username.ValueString()
		}
	}
	return "retiring_ids", ""
}

// retire deletes each of ids; it returns those it could not delete, which
// stay in state.
func (r *rotatingResource[T]) retire(ctx context.Context, b planetscale.Branch, ids []string, rt retirement, diags *diag.Diagnostics) []string {
	kind := kindOf[T]()
	var left []string
	for _, id := range ids {
		err := kind.remove(ctx, r.data, b, id, rt.successor)
		if err == nil {
			tflog.Debug(ctx, "retired "+kind.noun, map[string]any{"id": id})
			continue
		}
		left = append(left, id)
		slot, username := rt.slot(id)
		call := newAPICall("delete", objectName(kind.noun, b, types.StringValue(id)), b, 0, r.data, kind.credentialKind)
		what := fmt.Sprintf("%s %s %s", slot, kind.short, id)
		if username != "" {
			what += " (username " + username + ")"
		}
		detail := call.detail(err) + fmt.Sprintf("\n\nThe %s is kept in state as %s; %s.", what, slot, rt.again)
		if rt.configured {
			detail = kind.failedDelete(call, rt.successor, what, "in state as "+slot, err, detail)
		}
		summary := "Error Retiring " + titleCase(kind.noun)
		if rt.configured {
			summary = "Error Deleting " + titleCase(kind.noun) // the destroy's own
		}
		diags.AddError(summary, detail)
	}
	return left
}

// heirReady reports whether heir, the current credential, can take over
// what the credentials ids own: for a kind whose credentials become ready
// after their create, only once the API reports it ready. Otherwise ids
// are kept, and the error says so.
func (r *rotatingResource[T]) heirReady(ctx context.Context, b planetscale.Branch, heir string, ids []string, diags *diag.Diagnostics) bool {
	kind := kindOf[T]()
	if kind.waitReady == nil || heir == "" || len(ids) == 0 {
		return true
	}
	item, err := kind.get(r.data.client, ctx, b, heir)
	if err == nil {
		_, err = kind.waitReady(r.data.client, ctx, b, item, r.pollInterval)
	}
	if err != nil {
		diags.AddError("Error Retiring "+titleCase(kind.noun),
			fmt.Sprintf("The current %s %s, which takes over what %s own, is not ready: %s\n\nThey are kept in state; the next apply tries again.",
				kind.short, heir, strings.Join(ids, ", "), newAPICall("read", objectName(kind.noun, b, types.StringValue(heir)), b, kind.readyTimeout, r.data, kind.credentialKind).detail(err)))
		return false
	}
	return true
}

func (r *rotatingResource[T]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !requireClient(r.data, &resp.Diagnostics) {
		return
	}
	plan := r.model()
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx), defaultCreateTimeout)
	defer cancel()
	none := r.model()
	none.rotated().Current, none.rotated().Previous = kindOf[T]().slotValue(nil), kindOf[T]().slotValue(nil)
	if _, id := r.rotate(ctx, plan, none, rotationState{&resp.State, resp.Identity, &resp.Diagnostics}); id != "" {
		resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	}
}

// held is what a rotating resource's state holds, as an operation
// starts from it.
type held[T any] struct {
	state             rotatingModel[T]
	current, previous *credentialSlot
	b                 planetscale.Branch
}

// load reads state for an operation, and gives a context bounded by
// timeout whose logs mask the secrets state holds; ok is false when the
// provider is not configured or state cannot be read.
func (r *rotatingResource[T]) load(ctx context.Context, state tfsdk.State, timeout time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc, held[T], bool) {
	h := held[T]{state: r.model()}
	if !requireClient(r.data, diags) {
		return ctx, func() {}, h, false
	}
	diags.Append(getModel(ctx, state.Raw, state.Schema, h.state)...)
	kind := kindOf[T]()
	h.current, h.previous, h.b = kind.slotOf(h.state.rotated().Current), kind.slotOf(h.state.rotated().Previous), h.state.rotation().branch()
	ctx, cancel := context.WithTimeout(r.data.maskSecrets(ctx, slotSecrets(h.current, h.previous)...), timeout)
	return ctx, cancel, h, !diags.HasError()
}

func (r *rotatingResource[T]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, cancel, h, ok := r.load(ctx, req.State, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	kind, state, b, current, previous := kindOf[T](), h.state, h.b, h.current, h.previous
	sr, before := state.rotated(), []*credentialSlot{current, previous}

	// refresh reads a slot's credential; nil when it is gone.
	imported := readingImport(ctx, req.Private)
	refresh := func(s *credentialSlot, adopt bool) (*credentialSlot, bool) {
		if s == nil {
			return nil, true
		}
		item, gone, err := kind.read(ctx, r.data, b, s.ID.ValueString())
		if err != nil {
			resp.Diagnostics.AddError(imported.errorSummary(kind.noun), newAPICall(imported.op(), objectName(kind.noun, b, s.ID), b, 0, r.data, kind.credentialKind).detail(err))
			return s, false
		}
		if gone && bool(imported) {
			part := "previous_id"
			if adopt { // the current credential
				part = "current_id"
			}
			imported.gone(&resp.Diagnostics, kind.credentialKind, b, part, s.ID)
			return s, false
		}
		if gone {
			return nil, true
		}
		c := credentialFor(state, s.Secret)
		fresh, diags := kind.slotFrom(ctx, c, item)
		resp.Diagnostics.Append(diags...)
		if adopt {
			state.adopt(c)
			state.rotation().TTL = c.args().TTL
			sr.RotatedAt = fresh.CreatedAt
		}
		return fresh, true
	}
	current, ok = refresh(current, true)
	if !ok {
		return
	}
	previous, ok = refresh(previous, false)
	if !ok {
		return
	}
	var retiring []string
	for _, id := range setStrings(sr.RetiringIDs) {
		if _, gone, err := kind.read(ctx, r.data, b, id); err != nil || !gone {
			if err != nil {
				resp.Diagnostics.AddError("Error Reading "+titleCase(kind.noun), newAPICall("read", objectName(kind.noun, b, types.StringValue(id)), b, 0, r.data, kind.credentialKind).detail(err))
				return
			}
			retiring = append(retiring, id)
		}
	}
	sr.Current, sr.Previous, sr.RetiringIDs = kind.slotValue(current), kind.slotValue(previous), stringSetOf(retiring)
	if sr.ID.IsNull() && current != nil {
		// State from before the resource had an id gets one, without
		// a change in any plan.
		sr.ID = current.ID
	}
	resp.Diagnostics.Append(recordCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, state)...)
	resp.Diagnostics.Append(r.setIdentity(ctx, resp.Identity, state, before...)...)
	imported.done(ctx, resp.Private, &resp.Diagnostics, titleCase(kind.noun)+" Secrets Not Imported",
		fmt.Sprintf("current.%[1]s and previous.%[1]s are null after import. "+
			"The next rotation gives the resource a current %[2]s with its secret in state; to rotate now, change rotation_trigger and apply.", kind.secret, kind.short))
}

func (r *rotatingResource[T]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, cancel, h, ok := r.load(ctx, req.State, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	plan := r.model()
	if resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema, plan)...); !ok || resp.Diagnostics.HasError() {
		return
	}
	state, current, previous, b := h.state, h.current, h.previous, h.b
	pr, sr := plan.rotated(), state.rotated()

	to := rotationState{&resp.State, resp.Identity, &resp.Diagnostics}
	if planned := kindOf[T]().slotOf(pr.Current); planned == nil || planned.ID.IsUnknown() {
		// checked_at stays the plan's refresh's, as it does below: the
		// previous credential's last use was read then, not now.
		ctx, currentID := r.rotate(ctx, plan, state, to)
		if currentID == "" {
			return
		}
		pr.RetiringIDs = stringSetOf(r.retire(ctx, b, setStrings(pr.RetiringIDs), retirement{successor: currentID, again: nextApply}, &resp.Diagnostics))
		r.set(ctx, to, plan)
		return
	}

	kind := kindOf[T]()
	if planned := kind.slotOf(pr.Current); current != nil && planned != nil && !planned.Name.Equal(current.Name) {
		if err := kind.rename(r.data.client, ctx, b, current.ID.ValueString(), planned.Name.ValueString()); err != nil {
			resp.Diagnostics.AddError("Error Updating "+titleCase(kind.noun), newAPICall("update", objectName(kind.noun, b, current.ID), b, 0, r.data, kind.credentialKind).detail(err))
			return
		}
	}
	if patch := plan.patch(state); patch != nil {
		for _, s := range []*credentialSlot{current, previous} {
			if s == nil {
				continue
			}
			if err := patch(ctx, r.data.client, b, s.ID.ValueString()); err != nil {
				resp.Diagnostics.AddError("Error Updating "+titleCase(kind.noun), newAPICall("update", objectName(kind.noun, b, s.ID), b, 0, r.data, kind.credentialKind).detail(err))
				return
			}
		}
	}
	retiring := setStrings(sr.RetiringIDs)
	retirePrevious := pr.Previous.IsNull() && previous != nil
	if retirePrevious {
		retiring = append(retiring, previous.ID.ValueString())
	}
	heir := "" // the current one takes what the older ones own
	if current != nil {
		heir = current.ID.ValueString()
	}
	left := retiring
	if r.heirReady(ctx, b, heir, retiring, &resp.Diagnostics) {
		left = r.retire(ctx, b, retiring, retirement{successor: heir, previous: previous, again: nextApply}, &resp.Diagnostics)
	}
	if retirePrevious && slices.Contains(left, previous.ID.ValueString()) {
		pr.Previous = sr.Previous
		left = slices.DeleteFunc(left, func(id string) bool { return id == previous.ID.ValueString() })
	}
	pr.RetiringIDs = stringSetOf(left)
	r.set(ctx, to, plan)
}

func (r *rotatingResource[T]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, cancel, h, ok := r.load(ctx, req.State, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	state, current, previous, b := h.state, h.current, h.previous, h.b
	sr := state.rotated()
	// The older credentials hand what they own to the current one, and the
	// current one to successor.
	older := setStrings(sr.RetiringIDs)
	if previous != nil {
		older = append(older, previous.ID.ValueString())
	}
	// Nothing deletes what is left but another destroy.
	rt := retirement{current: current, previous: previous, again: "run terraform destroy again once the cause is fixed"}
	toSuccessor := rt
	toSuccessor.successor, toSuccessor.configured = state.successor(), true
	if current == nil {
		r.retire(ctx, b, older, toSuccessor, &resp.Diagnostics)
		return
	}
	if !r.heirReady(ctx, b, current.ID.ValueString(), older, &resp.Diagnostics) {
		return
	}
	rt.successor = current.ID.ValueString()
	if left := r.retire(ctx, b, older, rt, &resp.Diagnostics); len(left) > 0 {
		return
	}
	r.retire(ctx, b, []string{current.ID.ValueString()}, toSuccessor, &resp.Diagnostics)
}

// nextApply is what deletes a credential an apply could not retire.
const nextApply = "the next apply deletes it again"
