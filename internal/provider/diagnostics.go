package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// Default operation timeouts; each can be raised in a timeouts block. A
// create allows for rate-limit waits, retries and a role becoming ready.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

func timeoutsBlock(ctx context.Context) schema.Block {
	b := timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}).(schema.SingleNestedBlock)
	b.MarkdownDescription = fmt.Sprintf("How long each operation may take, retries and waits included, as a duration such as `\"30s\"` or `\"15m\"`. "+
		"Defaults: create %s, read %s, update %s, delete %s.", defaultCreateTimeout, defaultReadTimeout, defaultUpdateTimeout, defaultDeleteTimeout)
	return b
}

// secretFieldKeys are log field names whose values are always masked.
var secretFieldKeys = []string{"plain_text", "password", "connection_string", "service_token", "access_token", "authorization", "Authorization"}

func branchOf(org, db, branch types.String) planetscale.Branch {
	return planetscale.Branch{Organization: org.ValueString(), Database: db.ValueString(), Branch: branch.ValueString()}
}

// objectName names a credential in messages: "branch password
// acme/app-db/main/abc", or "... on acme/app-db/main" before it has an ID.
func objectName(kind string, b planetscale.Branch, id types.String) string {
	if id.IsNull() || id.IsUnknown() {
		return kind + " on " + b.String()
	}
	return kind + " " + b.String() + "/" + id.ValueString()
}

// apiCall describes one operation on one object, for error messages.
type apiCall struct {
	op      string // "create", "read", ...
	object  string // "branch password acme/app-db/main/abc"
	timeout time.Duration
	data    *providerData
	// access is the token access the operation needs, for 401/403.
	access string
	// notFound is what a 404 means for this call.
	notFound string
}

// newAPICall describes an operation on a credential of either kind: the
// access each operation needs and what a 404 means are the same for both,
// but for the engine named in a create's 404.
func newAPICall(op, object string, b planetscale.Branch, timeout time.Duration, data *providerData, kind credentialKind) apiCall {
	c := apiCall{op: op, object: object, timeout: timeout, data: data}
	switch op {
	case "create":
		c.access = "connect_branch (connect_production_branch for a production branch)"
		c.notFound = fmt.Sprintf("PlanetScale found no branch %q in database %q of organization %q, or %q is not a %s database "+
			"(use %s for the other kind). Check the three names and that the token can see the database.",
			b.Branch, b.Database, b.Organization, b.Database, kind.engine, kind.other)
	case "read":
		c.access = "read_branch"
		c.notFound = unseenBranch(b, data)
	case "update", "renew":
		c.access = "connect_branch"
		c.notFound = "The credential, its branch or its database was not found, or the token cannot see them. " +
			"Run terraform plan: a credential that is gone is then planned for creation."
	case "delete":
		c.access = "delete_branch_password (delete_production_branch_password for a production branch)"
	}
	return c
}

// unseenBranch explains a 404 from a credential's branch: PlanetScale gives
// it for a deleted branch or database and for one the token cannot see.
func unseenBranch(b planetscale.Branch, data *providerData) string {
	return fmt.Sprintf("PlanetScale answered 404 Not Found for the branch %s too: either the branch or its database was deleted, "+
		"or the %s cannot see it (a token of another organization, or one whose access was narrowed). "+
		"The credential is kept in state, with its secret, until the API shows it gone.\n\n"+
		"If the token is wrong, correct it and run the plan again. If the database or branch really was deleted, "+
		"forget the credential with a removed block (Terraform 1.7 or later) or terraform state rm <address>.", b, data.credentials)
}

// detail explains a failed call: the object, the HTTP status and the API's
// message, and what to do about it.
func (c apiCall) detail(err error) string {
	var apiErr *planetscale.APIError
	var transportErr *planetscale.TransportError
	var decodeErr *planetscale.DecodeError
	var ambiguous *planetscale.AmbiguousOrphansError
	switch {
	case errors.Is(err, planetscale.ErrNotSent):
		return fmt.Sprintf("%s: the %s was stopped before it was sent (%v).\n\n"+
			"Nothing was created or changed at PlanetScale. Apply again; if it timed out waiting for its turn under the rate limit, "+
			"raise the limit with timeouts { %s = \"...\" } or lower -parallelism.", c.object, c.op, err, c.op)
	case errors.As(err, &ambiguous):
		return fmt.Sprintf("%s: %v.", c.object, err)
	case planetscale.IsCertificateError(err):
		return fmt.Sprintf("%s: the server's TLS certificate could not be verified: %v\n\n"+
			"This is not retried. Check the provider's server_url, any proxy that intercepts TLS, and this machine's CA certificates.", c.object, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s: the %s did not finish within its %s timeout (last error: %v).\n\n"+
			"The PlanetScale API may be slow or rate limiting. Apply again, or raise the limit with timeouts { %s = \"...\" } in the resource.",
			c.object, c.op, c.timeout, err, c.op)
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("%s: the %s was cancelled.", c.object, c.op)
	case errors.As(err, &apiErr):
		detail := apiStatus(c.object, apiErr) + "\n\n"
		switch apiErr.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			return detail + fmt.Sprintf("The request used the %s. Check that the token is valid and has the %s access on this database.", c.data.credentials, c.access)
		case http.StatusNotFound:
			return detail + c.notFound
		case http.StatusUnprocessableEntity:
			return detail + "The API rejected the values sent. Correct them in the configuration and apply again."
		case http.StatusTooManyRequests:
			return detail + "The API's rate limit (600 requests per minute per token) was still reached after retrying. " +
				"Apply again later, lower -parallelism, or raise max_retries."
		default:
			if apiErr.StatusCode >= 500 {
				return detail + "The PlanetScale API failed, also when retried. Apply again later; if it persists, check https://www.planetscalestatus.com."
			}
			return detail
		}
	case errors.As(err, &transportErr):
		return fmt.Sprintf("%s: %v\n\nCheck the network and the provider's server_url.", c.object, err)
	case errors.As(err, &decodeErr):
		return fmt.Sprintf("%s: %v\n\nThe answer did not look like the PlanetScale API's; check the provider's server_url.", c.object, err)
	default:
		return fmt.Sprintf("%s: %v", c.object, err)
	}
}

// apiStatus is the first line of an API error: object, status, API message.
func apiStatus(object string, apiErr *planetscale.APIError) string {
	msg := apiErr.Message
	if msg == "" {
		msg = http.StatusText(apiErr.StatusCode)
	}
	line := fmt.Sprintf("%s: PlanetScale answered HTTP %d", object, apiErr.StatusCode)
	if apiErr.Code != "" {
		line += " (" + apiErr.Code + ")"
	}
	return line + ": " + msg
}

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
