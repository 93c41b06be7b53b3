package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The parts of a model every kind has, and what the resource code written
// once (resource.go, ephemeral.go) asks of a kind's model. Each kind's
// model (in its own file) embeds these parts and adds its own attributes.

// credentialArguments are what a configuration sets on any credential.
type credentialArguments struct {
	credentialLocation
	Name types.String `tfsdk:"name"`
	TTL  types.Int64  `tfsdk:"ttl"`
	// ephemeral marks an ephemeral resource's credential, whose generated
	// name says so (see ephemeralPrefix).
	ephemeral bool
}

// credentialResults are what the API answers about any credential that
// both resources show; the secret's attribute is the kind's own.
type credentialResults struct {
	ID               types.String `tfsdk:"id"`
	Username         types.String `tfsdk:"username"`
	ConnectionString types.String `tfsdk:"connection_string"`
	AccessHostURL    types.String `tfsdk:"access_host_url"`
	ExpiresAt        types.String `tfsdk:"expires_at"`
}

// stateResults are what only the managed resource's state keeps, for any
// kind.
type stateResults struct {
	CreatedAt   types.String   `tfsdk:"created_at"`
	Expired     types.Bool     `tfsdk:"expired"`
	RenewBefore types.String   `tfsdk:"renew_before"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

// credentialModel is a kind's credential as both its resources hold it,
// and the whole model of its ephemeral resource.
type credentialModel[T any] interface {
	branch() planetscale.Branch
	args() *credentialArguments
	results() *credentialResults
	secret() *types.String
	// successor takes over what the credential owns when it is deleted.
	successor() string
	// databaseName is the database a client of the credential connects to.
	databaseName() string
	// createRequest maps the planned credential to the API's create call.
	createRequest(ctx context.Context) (createCall[T], diag.Diagnostics)
	// apply copies the API's answer into the credential.
	apply(ctx context.Context, item *T) diag.Diagnostics
}

// createCall is what a create sends: the API call, and the name it gives
// the credential. The model takes that name even when the rename from the
// temporary name failed, as Terraform requires; the next refresh of a
// managed credential reads the real one, and its plan renames it again.
type createCall[T any] struct {
	name string
	send func(ctx context.Context, c *planetscale.Client) (*T, error)
}

// createName is the name a create sends: the configured one, or a
// generated one (the create's mark, see generatedName) when the
// configuration leaves it unknown.
func (a *credentialArguments) createName() string {
	switch {
	case a.Name.IsUnknown() && a.ephemeral:
		return generatedName(ephemeralPrefix)
	case a.Name.IsUnknown():
		return generatedName(generatedPrefix)
	}
	return a.Name.ValueString()
}

// newCreateCall sends body, which names the credential name, with the
// client's create for the kind (one that finishes once sent and leaves no
// orphan).
func newCreateCall[B, T any](a *credentialArguments, name string, body B,
	send func(*planetscale.Client, context.Context, planetscale.Branch, B, planetscale.NameOrigin) (*T, error),
) createCall[T] {
	b, origin := a.branch(), nameOrigin(a.Name)
	return createCall[T]{name: name, send: func(ctx context.Context, c *planetscale.Client) (*T, error) {
		return send(c, ctx, b, body, origin)
	}}
}

// resourceModel is a kind's managed resource model: the credential and what
// only state keeps.
type resourceModel[T any] interface {
	credentialModel[T]
	state() *stateResults
	// recordOwn copies into the model what only the kind's state keeps
	// of the API's answer (see recordAnswer).
	recordOwn(item *T)
	// update is what an update from prior to this plan asks of the API;
	// nil when only state changes.
	update(prior resourceModel[T]) updateCall[T]
}

func (a *credentialArguments) args() *credentialArguments { return a }
func (r *credentialResults) results() *credentialResults  { return r }
func (s *stateResults) state() *stateResults              { return s }

// take copies into a credential what every kind's answer holds: the
// secret only when the answer has it (a create, a reset), otherwise the
// state's is kept, and the connection string built from it by url.
func take(m interface {
	args() *credentialArguments
	results() *credentialResults
	secret() *types.String
}, s credentialSummary, url func(secret string) string,
) {
	args, results, secret := m.args(), m.results(), m.secret()
	args.Name = types.StringValue(s.name)
	results.ID = types.StringValue(s.id)
	results.Username = types.StringValue(s.username)
	results.AccessHostURL = types.StringValue(s.accessHostURL)
	results.ExpiresAt = stringPtrValue(s.expiresAt)
	if s.secret != nil {
		*secret = types.StringValue(*s.secret)
	}
	if secret.IsUnknown() {
		*secret = types.StringNull()
	}
	results.ConnectionString = types.StringNull()
	if !secret.IsNull() {
		results.ConnectionString = types.StringValue(url(secret.ValueString()))
	}
}

// recordAnswer copies the API's answer into a managed resource model: what
// both resources show, what state keeps of any kind, and what it keeps of
// the kind's own. about is the kind's.
func recordAnswer[T any](ctx context.Context, m resourceModel[T], item *T, about func(*T) credentialSummary) diag.Diagnostics {
	diags := m.apply(ctx, item)
	m.state().recordState(about(item))
	m.recordOwn(item)
	return diags
}

// recordState copies what only state keeps from any kind's answer.
func (s *stateResults) recordState(a credentialSummary) {
	s.CreatedAt = types.StringValue(a.createdAt)
	s.Expired = types.BoolValue(isExpired(a.expired, a.expiresAt))
}

// stringSet is a set of strings, null when there are none.
func stringSet(ctx context.Context, values []string) (types.Set, diag.Diagnostics) {
	if len(values) == 0 {
		return types.SetNull(types.StringType), nil
	}
	return types.SetValueFrom(ctx, types.StringType, values)
}

// sortedStrings reads a set of strings into a sorted slice; null and
// unknown sets are none.
func sortedStrings(ctx context.Context, set types.Set) ([]string, diag.Diagnostics) {
	if set.IsNull() || set.IsUnknown() {
		return nil, nil
	}
	var values []string
	diags := set.ElementsAs(ctx, &values, false)
	slices.Sort(values)
	return values, diags
}
