package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// defaultEphemeralTTL is the lifetime of an ephemeral credential when the
// configuration sets none: long enough for a plan or apply, short enough
// that a leaked one soon stops working.
const defaultEphemeralTTL = 3600

// privateKey is where an open ephemeral credential remembers what it made,
// for Renew and Close. It holds no secret.
const privateKey = "credential"

type openCredential struct {
	Organization string `json:"organization"`
	Database     string `json:"database"`
	Branch       string `json:"branch"`
	ID           string `json:"id"`
	TTL          int64  `json:"ttl"`
	Successor    string `json:"successor,omitempty"`
}

func (o openCredential) branch() planetscale.Branch {
	return planetscale.Branch{Organization: o.Organization, Database: o.Database, Branch: o.Branch}
}

func (o openCredential) object(kind string) string {
	return objectName(kind, o.branch(), types.StringValue(o.ID))
}

// privateStore is what OpenResponse, RenewRequest and CloseRequest share.
type privateStore interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func saveOpen(ctx context.Context, store privateStore, o openCredential) diag.Diagnostics {
	b, err := json.Marshal(o)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Error Saving Ephemeral Credential", err.Error())
		return diags
	}
	return store.SetKey(ctx, privateKey, b)
}

func loadOpen(ctx context.Context, store privateStore) (openCredential, diag.Diagnostics) {
	var o openCredential
	b, diags := store.GetKey(ctx, privateKey)
	if diags.HasError() || len(b) == 0 {
		return o, diags
	}
	if err := json.Unmarshal(b, &o); err != nil {
		diags.AddError("Error Reading Ephemeral Credential", fmt.Sprintf("The provider's private data is unreadable: %v. This is a bug in the provider; please report it.", err))
	}
	return o, diags
}

// renewAt asks Terraform to renew halfway through the credential's life, so
// a long apply never uses an expired one. The ttl is capped at maxTTL, so
// the time cannot overflow into the past.
func renewAt(ttl int64) time.Time {
	return time.Now().Add(time.Duration(min(max(ttl, 0), maxTTL)) * time.Second / 2)
}

// onOpenCredential runs call on the credential an ephemeral resource opened,
// for Renew and Close: it loads what Open remembered and reports a failure
// as summary, naming the credential, the API status and message.
func onOpenCredential(ctx context.Context, data *providerData, store privateStore, diags *diag.Diagnostics,
	kind credentialKind, op, summary string, call func(context.Context, openCredential) error,
) {
	if !requireClient(data, diags) {
		return
	}
	open, loadDiags := loadOpen(ctx, store)
	diags.Append(loadDiags...)
	if diags.HasError() || open.ID == "" {
		return
	}
	ctx = data.maskSecrets(ctx)
	if err := call(ctx, open); err != nil {
		diags.AddError(summary, newAPICall(op, open.object(kind.noun), open.branch(), 0, data, kind).detail(err))
		return
	}
	tflog.Debug(ctx, "ephemeral credential "+op+"d", map[string]any{"kind": kind.noun, "id": open.ID})
}

// openCleanupTimeout bounds the delete of a credential whose Open failed.
const openCleanupTimeout = time.Minute

// deleteAfterFailedOpen deletes what an Open made before it failed, when
// diags holds an error: Terraform calls Close only after an Open that
// succeeded, so nothing else ever would. The outcome joins the diagnostics.
func deleteAfterFailedOpen(ctx context.Context, data *providerData, diags *diag.Diagnostics, open openCredential, kind credentialKind,
	remove func(context.Context, openCredential) error,
) {
	if !diags.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), openCleanupTimeout)
	defer cancel()
	object := open.object(kind.noun)
	// remove counts a 404 as deleted only when the branch answers.
	if err := remove(ctx, open); err != nil {
		diags.AddError(fmt.Sprintf("Ephemeral %s Left Behind", titleCase(kind.noun)),
			fmt.Sprintf("%s was created, then opening it failed (see the other error), and deleting it failed too: %s\n\n"+
				"Delete it in the PlanetScale console.", object, newAPICall("delete", object, open.branch(), openCleanupTimeout, data, kind).detail(err)))
		return
	}
	diags.AddWarning(fmt.Sprintf("Ephemeral %s Deleted After Failed Open", titleCase(kind.noun)),
		fmt.Sprintf("%s was created, then opening it failed (see the error); it has been deleted, so nothing is left behind.", object))
}

// ephemeralBranchAttributes are organization, database and branch for an
// ephemeral credential.
func ephemeralBranchAttributes(kind credentialKind) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for name, what := range locationDescriptions(kind) {
		attrs[name] = schema.StringAttribute{MarkdownDescription: what, Required: true, Validators: []validator.String{pathSegment{}}}
	}
	return attrs
}

func ephemeralComputed(description string, sensitive bool) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true, Sensitive: sensitive}
}
