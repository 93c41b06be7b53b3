package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// What Configure hands every resource, data source, list resource and
// action: the client, what to mask in logs, and the per-walk caches.

// providerData is what resources receive from Configure.
type providerData struct {
	client *planetscale.Client
	// credentials names where the credentials came from (attributes or
	// environment variables), never their values, for auth error messages.
	credentials string
	// oauth is set for an OAuth access token, whose rights are scopes
	// rather than a service token's accesses.
	oauth bool
	// tokens are masked in every log line.
	tokens []string
	// lists serve refreshes from branch lists, one cache per kind.
	lists map[credentialKind]credentialLists
	// names finds credential names declared twice on a branch.
	names *declaredNames
	// now is the provider's clock.
	now func() time.Time
}

func newProviderData(client *planetscale.Client, credentials string, tokens ...string) *providerData {
	d := &providerData{
		client:      client,
		credentials: credentials,
		tokens:      tokens,
		lists:       map[credentialKind]credentialLists{},
		names:       &declaredNames{count: map[declaredName]int{}},
		now:         time.Now,
	}
	for _, kind := range credentialTypes {
		d.lists[kind.names()] = kind.newLists(client)
	}
	return d
}

// forgetLists drops the kind's cached list of the branch, so the next
// question about it asks the API.
func (d *providerData) forgetLists(kind credentialKind, b planetscale.Branch) {
	d.lists[kind].forget(b)
}

// forgetAllLists drops every kind's cached list of the branch.
func (d *providerData) forgetAllLists(b planetscale.Branch) {
	for _, l := range d.lists {
		l.forget(b)
	}
}

// branchAnswers reports whether a kind's list answers on the branch.
func (d *providerData) branchAnswers(ctx context.Context, kind credentialKind, b planetscale.Branch) error {
	return d.lists[kind].branchAnswers(ctx, b)
}

// clock is the provider's time; before Configure (a plan with unknown
// provider values) it is the machine's.
func (d *providerData) clock() time.Time {
	if d == nil || d.now == nil {
		return time.Now()
	}
	return d.now()
}

// secretFieldKeys are log field names whose values are always masked.
var secretFieldKeys = []string{"plain_text", "password", "connection_string", "service_token", "access_token", "authorization", "Authorization"}

// maskSecrets returns a context whose log lines hide every secret field, the
// provider's tokens and the given secret values. tflog masks belong to a
// context, so every CRUD method calls this on its own.
func (d *providerData) maskSecrets(ctx context.Context, secrets ...string) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	var values []string
	for _, s := range append(secrets, d.tokens...) {
		if s != "" {
			values = append(values, s)
		}
	}
	if len(values) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, values...)
		ctx = tflog.MaskMessageStrings(ctx, values...)
	}
	return ctx
}

// providerDataFrom is the Configure of every resource, ephemeral resource
// and data source: ProviderData is nil until the provider is configured
// (a plan with unknown provider values); they are configured again later.
func providerDataFrom(configured any, diags *diag.Diagnostics) *providerData {
	if configured == nil {
		return nil
	}
	data, ok := configured.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", configured))
		return nil
	}
	return data
}

// requireClient reports an error when a CRUD method runs before the provider
// was configured, which happens only if its configuration stayed unknown.
func requireClient(data *providerData, diags *diag.Diagnostics) bool {
	if data == nil {
		diags.AddError("Provider Not Configured",
			"The planetscale provider has no credentials yet: its configuration depends on values not known until apply. "+
				"Set the provider's credentials from values known at plan time, or apply the resources they depend on first with -target.")
		return false
	}
	return true
}
