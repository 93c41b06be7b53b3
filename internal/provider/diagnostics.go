package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// Error messages: each names the credential, the API's status and
// message, and says what to do.

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
		c.notFound = unseenBranch(b, data)
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
	switch {
	case errors.Is(err, planetscale.ErrNotSent):
		return fmt.Sprintf("%s: the %s was stopped before it was sent (%v).\n\n"+
			"Nothing was created or changed at PlanetScale. Apply again; if it timed out waiting for its turn under the rate limit, "+
			"raise the limit with timeouts { %s = \"...\" } or lower -parallelism.", c.object, c.op, err, c.op)
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

// keepAfterFollowUp reports a create that succeeded but for a step after it
// (a rename from its temporary name, or removing what an earlier attempt
// left; see planetscale.FollowUpError) as a warning: the credential exists,
// its secret is in hand, and it is kept. Any other error is returned as is.
func keepAfterFollowUp(diags *diag.Diagnostics, kind credentialKind, object string, err error) error {
	var followUp *planetscale.FollowUpError
	if !errors.As(err, &followUp) {
		return err
	}
	diags.AddWarning("Credential Created, A Step After It Failed",
		fmt.Sprintf("%s: %v.\n\nThe %s works, and it is kept with its secret. "+
			"If it still has its temporary name (terraform-pending-...), the next plan renames it in place.", object, err, kind.noun))
	return nil
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

// deletedError is a credential the API still answers for but marks gone.
type deletedError struct{ what, at string }

// lookupError explains why one credential could not be read by ID. A 404
// is told apart: a credential that is not on a branch that answers, or a
// branch that does not answer at all (missing, or invisible to the token).
func (d *providerData) lookupError(ctx context.Context, kind credentialKind, b planetscale.Branch, id string, err error) string {
	object := kind.noun + " " + b.String() + "/" + id
	var deleted deletedError
	switch {
	case errors.As(err, &deleted):
		return fmt.Sprintf("%s: %v, so there is nothing to read. Use the ID of a %s that exists; "+
			"the %ss data source lists those on the branch.", object, err, kind.noun, kind.resource)
	case planetscale.IsNotFound(err):
		if branchErr := d.branchAnswers(ctx, kind, b); branchErr != nil {
			return d.listError(kind, b, branchErr)
		}
		return fmt.Sprintf("%s: PlanetScale has no %s with ID %q on this branch (the credential answered 404 Not Found; the branch answers). "+
			"Check the ID; the %ss data source lists the branch's %ss.", object, kind.noun, id, kind.resource, kind.noun)
	}
	return apiCall{op: "read", object: object, data: d, access: "read_branch", timeout: defaultReadTimeout}.detail(err)
}

// branchAnswers reports whether a kind's list answers on the branch.
func (d *providerData) branchAnswers(ctx context.Context, kind credentialKind, b planetscale.Branch) error {
	if kind == roleKind {
		return d.roleLists.branchAnswers(ctx, b)
	}
	return d.passwordLists.branchAnswers(ctx, b)
}

// listError explains why a branch's credentials could not be listed.
func (d *providerData) listError(kind credentialKind, b planetscale.Branch, err error) string {
	notFound := fmt.Sprintf("Either there is no branch %q in database %q of organization %q, or %q is not a %s database "+
		"(%s's data sources read the other kind), or the %s cannot see it. Check the three names and the token's access.",
		b.Branch, b.Database, b.Organization, b.Database, kind.engine, kind.other, d.credentials)
	return apiCall{op: "read", object: kind.noun + "s on " + b.String(), data: d, access: "read_branch",
		timeout: defaultReadTimeout, notFound: notFound}.detail(err)
}

// actionError explains a failed action: the credential, the API's status
// and message, and what to do.
func (d *providerData) actionError(ctx context.Context, op string, kind credentialKind, b planetscale.Branch, id string, err error) string {
	object := kind.noun + " " + b.String() + "/" + id
	var notRenewable errNotRenewable
	var deleted deletedError
	var apiErr *planetscale.APIError
	switch {
	case errors.As(err, &notRenewable):
		return fmt.Sprintf("%s cannot be renewed: %v.", object, err)
	case planetscale.IsNotFound(err), errors.As(err, &deleted):
		return d.lookupError(ctx, kind, b, id, err)
	case op == "reassign" && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnprocessableEntity:
		return apiStatus(object, apiErr) + "\n\nCheck successor: it must be the ID or username of another role on the same branch."
	}
	return apiCall{op: op, object: object, data: d, access: "connect_branch", timeout: defaultUpdateTimeout}.detail(err)
}
