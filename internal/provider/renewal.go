package provider

import (
	"context"
	"fmt"
	"time"

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
			"Without `renew_before`, the %[1]s is replaced once it has expired. Must be shorter than `ttl`, or every plan would renew it again.", kind),
		Optional:   true,
		Validators: []validator.String{durationString{}},
	}
}

// planExpiry is the ModifyPlan both resources share. An expired credential
// is replaced. With renew_before set, one expiring inside that window is
// renewed in place (expires_at planned as unknown, so Update renews it) when
// it is renewable, and replaced otherwise; the plan says which and why.
func planExpiry(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, kind credentialKind, now time.Time, renewable func() bool) {
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

	if expired.ValueBool() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expired"), types.BoolUnknown())...)
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expired"))
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s Expired", titleCase(kind.noun)),
			fmt.Sprintf("The %s expired at %s and will be replaced: a new credential is created and the old one deleted.", object, expiresAt.ValueString()))
		return
	}
	if renewBefore.IsNull() || renewBefore.IsUnknown() || expiresAt.IsNull() {
		return
	}
	window, err1 := time.ParseDuration(renewBefore.ValueString())
	expires, err2 := time.Parse(time.RFC3339, expiresAt.ValueString())
	if err1 != nil || err2 != nil || expires.Sub(now) > window {
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
