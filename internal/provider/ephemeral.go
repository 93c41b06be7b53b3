package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The ephemeral resource of every kind (ephemeral planetscale_branch_password
// and planetscale_postgres_role), written once against its kind value, and
// what it keeps between Open, Renew and Close.

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*credentialEphemeral[planetscale.Password])(nil)
	_ ephemeral.EphemeralResourceWithRenew     = (*credentialEphemeral[planetscale.Password])(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*credentialEphemeral[planetscale.Password])(nil)
)

// credentialEphemeral is the ephemeral resource of the kind whose client
// type is T (see kindOf).
type credentialEphemeral[T any] struct {
	data         *providerData
	pollInterval time.Duration
}

func newCredentialEphemeral[T any]() ephemeral.EphemeralResource {
	return &credentialEphemeral[T]{pollInterval: defaultPollInterval}
}

func (e *credentialEphemeral[T]) Metadata(_ context.Context, _ ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = kindOf[T]().resource
}

func (e *credentialEphemeral[T]) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = kindOf[T]().ephemeralSchema()
}

func (e *credentialEphemeral[T]) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// Open creates the credential. Once it exists, whatever fails after deletes
// it again: Terraform never calls Close after a failed Open. What Renew and
// Close need is saved first, then the answer is mapped (after the kind's
// ready-wait), so the result is only set for a credential that is whole.
func (e *credentialEphemeral[T]) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	if !requireClient(e.data, &resp.Diagnostics) {
		return
	}
	kind := kindOf[T]()
	// The model is the managed resource's credential without what only
	// state keeps; the mapping is the same.
	m := kind.newCredential()
	resp.Diagnostics.Append(req.Config.Get(ctx, m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	args := m.args()
	if args.TTL.IsNull() {
		args.TTL = types.Int64Value(defaultEphemeralTTL)
	}
	if args.Name.IsNull() {
		args.Name, args.ephemeral = types.StringUnknown(), true
	}
	create, diags := m.createRequest(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = e.data.maskSecrets(ctx)
	created, err := create.send(ctx, e.data.client)
	if err = keepAfterFollowUp(&resp.Diagnostics, kind.credentialKind, kind.object(m), ephemeralKept, err); err != nil {
		resp.Diagnostics.AddError("Error Creating Ephemeral "+titleCase(kind.noun),
			newAPICall("create", kind.object(m), m.branch(), 0, e.data, kind.credentialKind).detail(err))
		return
	}
	about := kind.about(created)
	ctx = e.data.maskSecrets(ctx, stringPtrValue(about.secret).ValueString())
	open := openCredential{Organization: args.Organization.ValueString(), Database: args.Database.ValueString(), Branch: args.Branch.ValueString(),
		ID: about.id, TTL: args.TTL.ValueInt64(), Successor: m.successor(), Name: about.name, Username: about.username}
	defer deleteAfterFailedOpen(ctx, e.data, &resp.Diagnostics, open, kind.credentialKind, e.remove)
	resp.Diagnostics.Append(saveOpen(ctx, resp.Private, open)...)
	apply := func(item *T) {
		resp.Diagnostics.Append(m.apply(ctx, item)...)
		args.Name = types.StringValue(create.name) // see createCall
	}
	apply(created)
	if kind.waitReady != nil {
		ready, err := kind.waitReady(e.data.client, ctx, m.branch(), created, e.pollInterval)
		if err != nil {
			resp.Diagnostics.AddError("Ephemeral "+titleCase(kind.noun)+" Not Ready",
				newAPICall("create", kind.object(m), m.branch(), kind.readyTimeout, e.data, kind.credentialKind).detail(err))
			return
		}
		apply(ready)
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, m)...)
	resp.RenewAt = renewAt(open.TTL)
	tflog.Debug(ctx, "opened ephemeral "+kind.noun, map[string]any{"id": about.id, "branch": m.branch().String()})
}

func (e *credentialEphemeral[T]) Renew(ctx context.Context, req ephemeral.RenewRequest, resp *ephemeral.RenewResponse) {
	kind := kindOf[T]()
	onOpenCredential(ctx, e.data, req.Private, &resp.Diagnostics, kind.credentialKind, "renew", "Error Renewing Ephemeral "+titleCase(kind.noun), nil,
		func(ctx context.Context, open openCredential) error {
			_, err := kind.renew(e.data.client, ctx, open.branch(), open.ID)
			if err == nil {
				resp.RenewAt = renewAt(open.TTL)
			}
			return err
		})
}

func (e *credentialEphemeral[T]) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	kind := kindOf[T]()
	onOpenCredential(ctx, e.data, req.Private, &resp.Diagnostics, kind.credentialKind, "delete",
		"Error Deleting Ephemeral "+titleCase(kind.noun), leftBehind[T], e.remove)
}

// leftBehind explains a failed Close: the credential is left at the API
// (or may be, after a 404), which one, how to delete it, and what to
// change so that later runs' credentials can be deleted.
func leftBehind[T any](open openCredential, call apiCall, err error) string {
	kind := kindOf[T]()
	detail, fix := call.detail(err), ""
	if kind.deleteAdvice != nil {
		if cause, f, ok := kind.deleteAdvice(call.object, open.Successor, err); ok {
			detail, fix = cause, f
		}
	}
	left := "is left at PlanetScale"
	if planetscale.IsNotFound(err) {
		left = "may be left at PlanetScale (the 404 does not tell)"
	}
	detail += fmt.Sprintf("\n\nThe %s %q (ID %s, username %s) %s: Terraform keeps no state of an ephemeral resource, so nothing will delete it later. "+
		"Delete it yourself: in the PlanetScale console (database %s, branch %s), or through the PlanetScale API's delete with its ID.",
		kind.short, open.Name, open.ID, open.Username, left, open.Database, open.Branch)
	if fix != "" {
		detail += "\n\n" + fix + ", in the configuration and when you delete this one: the configuration's is used for the " + kind.short + " of every run."
	}
	return detail
}

// remove deletes what Open made; a 404 counts as deleted only when the
// branch answers.
func (e *credentialEphemeral[T]) remove(ctx context.Context, open openCredential) error {
	return kindOf[T]().remove(ctx, e.data, open.branch(), open.ID, open.Successor)
}

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
	// Name and Username say which credential a failed Close left.
	Name     string `json:"name,omitempty"`
	Username string `json:"username,omitempty"`
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
//
// explain, when not nil, explains a failure instead of the call's detail.
func onOpenCredential(ctx context.Context, data *providerData, store privateStore, diags *diag.Diagnostics,
	kind credentialKind, op, summary string, explain func(openCredential, apiCall, error) string, call func(context.Context, openCredential) error,
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
		failed := newAPICall(op, open.object(kind.noun), open.branch(), 0, data, kind)
		if explain == nil {
			diags.AddError(summary, failed.detail(err))
		} else {
			diags.AddError(summary, explain(open, failed, err))
		}
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

// ephemeralCredentialAttributes are the ephemeral resource's attributes
// every kind has; secret and connectionString describe the kind's secret
// attribute and the URL built from it.
func ephemeralCredentialAttributes(kind credentialKind, secret, connectionString string) map[string]schema.Attribute {
	return withAttributes(ephemeralBranchAttributes(kind), map[string]schema.Attribute{
		"name": schema.StringAttribute{
			MarkdownDescription: "Display name of the " + kind.short + ". When omitted, the provider generates one (`terraform-ephemeral-<random>`), " +
				"which tells it apart in the console from the credentials Terraform manages, and which the list data sources leave out. " +
				"A configured name is given in a rename right after the create, which is sent under a temporary name (`terraform-pending-<random>`).",
			Optional:   true,
			Computed:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"ttl": schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf(ttlUnits+", from 1 to 9223372036 (about 292 years). Defaults to `%d` (one hour). "+
				"Terraform renews the %s halfway through while it still uses it.", defaultEphemeralTTL, kind.short),
			Optional:   true,
			Computed:   true,
			Validators: []validator.Int64{ttlSeconds{omitted: fmt.Sprintf("Omit ttl for the default of %d seconds (one hour).", defaultEphemeralTTL)}},
		},
		"id":                ephemeralComputed("ID of the "+kind.short+" in PlanetScale.", false),
		"username":          ephemeralComputed(kind.sql+" username.", false),
		kind.secret:         ephemeralComputed(secret, true),
		"connection_string": ephemeralComputed(connectionString, true),
		"access_host_url":   ephemeralComputed("Host to connect to.", false),
		"expires_at":        ephemeralComputed("When the "+kind.short+" expires (RFC 3339), unless renewed.", false),
	})
}
