package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func renewBeforeAttribute(kind string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Renew the %[1]s in place when it expires within this long, as a duration such as `\"72h\"` or `\"30m\"`. "+
			"When a plan finds the %[1]s inside that window it shows an in-place update, and apply calls the API's renew endpoint: "+
			"`expires_at` moves forward, the secret stays the same. A %[1]s that cannot be renewed, or has already expired, is replaced instead. "+
			"Without `renew_before`, the %[1]s is replaced once it has expired. "+
			"Must be at most half of `ttl`: a renewal moves the expiry to `ttl` from then, so the %[1]s then stays outside the window at least as long as it was inside, "+
			"and the plan right after a renewal never renews it again. "+
			"Whether the %[1]s is inside the window is judged as of the refresh that read it, so a plan applied later (a saved plan applied after review) "+
			"does what it planned and the next plan renews; a plan with `-refresh=false` judges as of the last refresh or apply. "+
			"When `renew_before` is not known until apply, the plan shows `expires_at` as known after apply, and apply renews only if the %[1]s turns out to be inside the window.", kind),
		Optional:   true,
		Validators: []validator.String{durationString{}},
	}
}

// checkedAtKey is where a credential's private state keeps when the
// provider last read it from the API (refresh, create or update).
//
// Terraform plans a changed resource again during apply, from the same
// prior state and private state as the plan (the state the plan's refresh
// read, which a saved plan carries), and the second plan must agree with
// the first. Whether a credential is due for renewal is therefore decided
// against this time, never the clock: a plan applied later does what it
// planned, and the next plan, which refreshes, decides anew.
const checkedAtKey = "checked_at"

// recordCheckedAt records that the credential in state was read from the
// API at at. The framework always gives a private store; a unit test that
// calls Create directly may not.
func recordCheckedAt(ctx context.Context, private privateStore, at time.Time) diag.Diagnostics {
	if private == nil || reflect.ValueOf(private).IsNil() {
		return nil
	}
	b, err := json.Marshal(at.UTC().Format(time.RFC3339Nano))
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error Saving Private State", err.Error())
		return diags
	}
	return private.SetKey(ctx, checkedAtKey, b)
}

// checkedAt is when the credential in state was last read from the API;
// ok is false for state that no refresh by this provider version has
// touched (a plan with -refresh=false right after an upgrade).
func checkedAt(ctx context.Context, private privateStore) (at time.Time, ok bool) {
	if private == nil {
		return at, false
	}
	b, diags := private.GetKey(ctx, checkedAtKey)
	var s string
	if diags.HasError() || len(b) == 0 || json.Unmarshal(b, &s) != nil {
		return at, false
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	return at, err == nil
}

// planExpiry is the ModifyPlan both resources share. An expired credential
// is replaced. With renew_before set, one that expired within that window
// of when it was last read (see checkedAtKey) is renewed in place
// (expires_at planned as unknown, so Update renews it) when it is
// renewable, and replaced otherwise; the plan says which and why. Whether it
// is renewable is the kind's rule as state recorded it in
// renewableAttribute, or always when that is "".
func planExpiry(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, kind credentialKind, renewableAttribute string) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var id, expiresAt, renewBefore types.String
	var expired types.Bool
	for attr, target := range map[string]any{"id": &id, "expires_at": &expiresAt, "expired": &expired} {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attr), target)...)
	}
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("renew_before"), &renewBefore)...)
	if resp.Diagnostics.HasError() {
		return
	}
	object := kind.noun + " " + id.ValueString()
	renewable := func() bool {
		if renewableAttribute == "" {
			return true
		}
		var renewable types.Bool
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(renewableAttribute), &renewable)...)
		return renewable.ValueBool()
	}

	if expired.ValueBool() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expired"), types.BoolUnknown())...)
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expired"))
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s Expired", titleCase(kind.noun)),
			fmt.Sprintf("The %s expired at %s and will be replaced: a new credential is created and the old one deleted.", object, expiresAt.ValueString()))
		return
	}
	if renewBefore.IsNull() || expiresAt.IsNull() {
		return
	}
	expires, err := time.Parse(time.RFC3339, expiresAt.ValueString())
	if err != nil {
		return
	}
	if renewBefore.IsUnknown() {
		// Apply plans again with the value known and must not contradict
		// this plan: a renewal is left open, a replacement cannot be.
		if renewable() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expires_at"), types.StringUnknown())...)
			return
		}
		resp.Diagnostics.AddAttributeError(path.Root("renew_before"), "renew_before Unknown Until Apply",
			fmt.Sprintf("renew_before depends on a value not known until apply, but the %s cannot be renewed, so whether it is replaced "+
				"must be decided in the plan. Set renew_before from a value known at plan time, or apply what it depends on first with -target.", object))
		return
	}
	window, err := time.ParseDuration(renewBefore.ValueString())
	at, read := checkedAt(ctx, req.Private)
	if err != nil || !read || expires.Sub(at) > window {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expires_at"), types.StringUnknown())...)
	if renewable() {
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s Will Be Renewed", titleCase(kind.noun)),
			fmt.Sprintf("The %s expires at %s, within renew_before (%s): apply renews it in place; the secret stays the same.",
				object, expiresAt.ValueString(), renewBefore.ValueString()))
		return
	}
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expires_at"))
	resp.Diagnostics.AddWarning(fmt.Sprintf("%s Will Be Replaced", titleCase(kind.noun)),
		fmt.Sprintf("The %s expires at %s, within renew_before (%s), but the API says it cannot be renewed: it will be replaced.",
			object, expiresAt.ValueString(), renewBefore.ValueString()))
}
