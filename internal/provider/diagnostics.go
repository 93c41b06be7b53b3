package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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
	// notFound is what a 404 means for this call.
	notFound string
}

// newAPICall describes an operation on a credential of either kind: what a
// 404 means is the same for both, but for the engine named in a create's
// 404. The access a 401 or 403 names is the failed request's own (see
// tokenAccesses).
func newAPICall(op, object string, b planetscale.Branch, timeout time.Duration, data *providerData, kind credentialKind) apiCall {
	c := apiCall{op: op, object: object, timeout: timeout, data: data}
	switch op {
	case "create":
		c.notFound = fmt.Sprintf("PlanetScale found no branch %q in database %q of organization %q, or %q is not a %s database "+
			"(use %s for the other kind). Check the three names and that the token can see the database.",
			b.Branch, b.Database, b.Organization, b.Database, kind.engine, kind.other())
	case "read":
		c.notFound = unseenBranch(b, data)
	case "import":
		c.notFound = fmt.Sprintf("PlanetScale answered 404 Not Found for the branch %s too: there is no branch %q in database %q of organization %q, "+
			"%q is not a %s database (import it as %s), or the %s cannot see it. Nothing was imported. "+
			"Check the names in the import ID and the token's access.",
			b, b.Branch, b.Database, b.Organization, b.Database, kind.engine, kind.other(), data.credentials)
	case "update", "renew":
		c.notFound = "The credential, its branch or its database was not found, or the token cannot see them. " +
			"Run terraform plan: a credential that is gone is then planned for creation."
	case "delete":
		c.notFound = unseenBranch(b, data)
	}
	return c
}

// Service token accesses, as the API document's "Authorization" section of
// each operation lists them: a token needs at least one of them.
var (
	readAccesses = []string{"read_branch", "delete_branch", "create_branch",
		"connect_production_branch", "connect_production_read_only_branch", "connect_branch"}
	connectAccesses        = []string{"connect_production_branch", "connect_production_read_only_branch", "connect_branch"}
	createPasswordAccesses = []string{"create_production_branch_password", "create_production_read_only_branch_password", "create_branch_password"}
	deletePasswordAccesses = []string{"delete_production_branch_password", "delete_production_read_only_branch_password", "delete_branch_password"}
)

// tokenAccesses are the service token accesses of each operation the
// provider calls, by the API document's operation ID. The kinds differ:
// creating, renaming or renewing a role needs a create_*_password access
// where a password needs a connect_* one, and resetting a role or handing
// over its objects needs a delete_*_password access.
var tokenAccesses = map[string][]string{
	"list_passwords":  readAccesses,
	"get_password":    readAccesses,
	"create_password": connectAccesses,
	"update_password": connectAccesses,
	"renew_password":  connectAccesses,
	"delete_password": deletePasswordAccesses,

	"list_roles":            readAccesses,
	"get_role":              readAccesses,
	"create_role":           createPasswordAccesses,
	"update_role":           createPasswordAccesses,
	"renew_role":            createPasswordAccesses,
	"reset_role":            deletePasswordAccesses,
	"reassign_role_objects": deletePasswordAccesses,
	"delete_role":           deletePasswordAccesses,
}

// oauthScopes is what the API document lists for an OAuth token, the same
// for every one of these operations.
const oauthScopes = "one of the OAuth scopes manage_passwords, manage_production_branch_passwords, manage_read_only_passwords " +
	"or manage_production_read_only_passwords on the organization or the database (manage_passwords or manage_read_only_passwords on the branch)"

// tokenAdvice explains a 401: PlanetScale did not take the token at all,
// so what it may access is beside the point (that is a 403's question).
func (d *providerData) tokenAdvice(apiErr *planetscale.APIError) string {
	msg := "PlanetScale did not accept the token: it is wrong, expired or revoked. The request used the " + d.credentials + ". "
	if d.oauth {
		return msg + "An OAuth access token expires: get a new one from the OAuth application that issued it, " +
			"and check in the PlanetScale console that its authorization was not revoked."
	}
	return msg + "Check that the service token ID and the token there belong together (the ID is not the token's name) " +
		"and that the token still exists: `pscale service-token list --org " + organizationOf(apiErr) + "` lists the organization's service tokens, " +
		"as does the organization's Settings > Service tokens page in the PlanetScale console. A token is shown only when it is created: " +
		"if it was lost, create a new one and grant it the accesses listed in the provider documentation."
}

// accessAdvice explains a 403: the token was accepted, but lacks what the
// refused operation needs.
func (d *providerData) accessAdvice(apiErr *planetscale.APIError) string {
	check := "PlanetScale accepted the token but refused this request. The request used the " + d.credentials + ". Check that the token "
	op := apiErr.Operation()
	accesses, known := tokenAccesses[op]
	switch {
	case d.oauth:
		return check + "was granted " + oauthScopes + "."
	case known:
		return check + "has, on this database, one of the service token accesses the API lists for " + op + ": " + strings.Join(accesses, ", ") + ". " +
			"`pscale service-token show-access <service token ID> --org " + organizationOf(apiErr) + "` lists what it has."
	}
	return check + "has access to this database."
}

// organizationOf is the organization a request was made in, from its path
// (organizations/{organization}/...).
func organizationOf(apiErr *planetscale.APIError) string {
	parts := strings.Split(apiErr.Path, "/")
	if len(parts) > 1 && parts[0] == "organizations" {
		if org, err := url.PathUnescape(parts[1]); err == nil && org != "" {
			return org
		}
	}
	return "<organization>"
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

// limit names the operation's time limit; timeout is 0 for a resource
// without a timeouts block.
func (c apiCall) limit() string {
	if c.timeout == 0 {
		return "its time limit"
	}
	return fmt.Sprintf("its %s timeout", c.timeout)
}

// raise says how to give the operation more time, for a resource whose
// timeouts block sets it.
func (c apiCall) raise() string {
	if c.timeout == 0 {
		return ""
	}
	return fmt.Sprintf(", or raise the limit with timeouts { %s = \"...\" } in the resource", c.op)
}

// detail explains a failed call: the object, the HTTP status and the API's
// message, and what to do about it.
func (c apiCall) detail(err error) string {
	// What a failed create left is told after the failure itself: it may
	// name a credential the user has to delete.
	var createErr *planetscale.CreateError
	if errors.As(err, &createErr) && createErr.Note != "" {
		note := strings.ToUpper(createErr.Note[:1]) + createErr.Note[1:]
		if !strings.HasSuffix(note, ".") {
			note += "."
		}
		return c.detail(createErr.Err) + "\n\n" + note
	}
	var apiErr *planetscale.APIError
	var notAPI *planetscale.NotAPIError
	var transportErr *planetscale.TransportError
	var decodeErr *planetscale.DecodeError
	var successorErr *successorError
	switch {
	case errors.As(err, &successorErr):
		return successorErr.explain(c.object, c.data)
	case errors.Is(err, planetscale.ErrNotSent) && errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s: the %s was not sent: %s ran out first (a request waits for its turn under the rate limit, and between retries) (%v).\n\n"+
			"Nothing was created or changed at PlanetScale. Apply again%s, or lower -parallelism.", c.object, c.op, c.limit(), err, c.raise())
	case errors.Is(err, planetscale.ErrNotSent):
		return fmt.Sprintf("%s: the %s was stopped (Terraform was interrupted) before it was sent (%v).\n\n"+
			"Nothing was created or changed at PlanetScale. Apply again when you are ready.", c.object, c.op, err)
	case planetscale.IsCertificateError(err):
		return fmt.Sprintf("%s: the server's TLS certificate could not be verified: %v\n\n"+
			"This is not retried. Check the provider's server_url, any proxy that intercepts TLS, and this machine's CA certificates.", c.object, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("%s: the %s did not finish within %s (last error: %v).\n\n"+
			"The PlanetScale API may be slow or rate limiting. Apply again%s.",
			c.object, c.op, c.limit(), err, c.raise())
	case errors.Is(err, context.Canceled):
		return fmt.Sprintf("%s: the %s was cancelled.", c.object, c.op)
	case errors.As(err, &apiErr):
		detail := apiStatus(c.object, apiErr) + "\n\n"
		switch apiErr.StatusCode {
		case http.StatusUnauthorized:
			return detail + c.data.tokenAdvice(apiErr)
		case http.StatusForbidden:
			return detail + c.data.accessAdvice(apiErr)
		case http.StatusNotFound:
			return detail + c.notFound
		case http.StatusUnprocessableEntity:
			return detail + "The API rejected the values sent. Correct them in the configuration and apply again."
		case http.StatusTooManyRequests:
			return detail + fmt.Sprintf("The API's rate limit (600 requests per minute per token) was still reached after %s. "+
				"Apply again later, lower -parallelism, or raise %s.", attempts(apiErr.Attempts, apiErr.Elapsed), retriesSetting)
		default:
			if apiErr.StatusCode >= 500 {
				return detail + fmt.Sprintf("The PlanetScale API failed (%s). Apply again later; if it persists, check https://www.planetscalestatus.com. "+
					"%s sets how often a 502, 503 or 504 is retried (a create is not: the API may have acted).", attempts(apiErr.Attempts, apiErr.Elapsed), retriesSetting)
			}
			return detail
		}
	case errors.As(err, &notAPI):
		advice := "Check the provider's server_url (or " + envServerURL + "), and any proxy between this machine and the API."
		if notAPI.MissingV1 {
			advice = "A server_url usually ends in /v1, as " + planetscale.DefaultBaseURL + " does; check the provider's server_url (or " + envServerURL + ")."
		}
		return fmt.Sprintf("%s: the server at %s does not answer as the PlanetScale API (%s %s answered HTTP %d%s).\n\n%s",
			c.object, notAPI.Server, notAPI.Method, notAPI.Path, notAPI.StatusCode, bodyStart(notAPI.Excerpt), advice)
	case errors.As(err, &transportErr):
		advice := "The request was sent, but no answer came back (a connection reset, or the server took too long). Reads, updates and deletes are retried " +
			"with backoff; a create is not, since the API may have acted. " + retriesSetting + " sets how often a request is retried; 0 turns retries off."
		if planetscale.CouldNotConnect(err) {
			advice = fmt.Sprintf("No connection could be made: check the network and the provider's server_url (or %s). "+
				"A connection that cannot be made is retried up to %d times within a few seconds, then reported; %s bounds that too, and 0 turns retries off.",
				envServerURL, planetscale.ConnectRetries, retriesSetting)
		}
		return fmt.Sprintf("%s: %v\n\n%s", c.object, err, advice)
	case errors.As(err, &decodeErr):
		return fmt.Sprintf("%s: %v\n\nThe answer did not look like the PlanetScale API's; check the provider's server_url.", c.object, err)
	default:
		return fmt.Sprintf("%s: %v", c.object, err)
	}
}

// retriesSetting names the setting that bounds retries, for messages.
const retriesSetting = "max_retries (or the " + envMaxRetries + " environment variable)"

// attempts says how often a request was sent, over how long.
func attempts(n int, elapsed time.Duration) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts over %s", n, elapsed.Round(time.Millisecond))
}

// bodyStart quotes the start of a body, if there is one.
func bodyStart(excerpt string) string {
	if excerpt == "" {
		return ", with no body"
	}
	return ", body starting: " + excerpt
}

// failedDelete explains a failed delete, of what ("role abc (username
// u)") handed to successor and kept as keptAs ("in state"), that call
// names: when the kind knows why the API refused it, that it still exists
// and the steps that delete it; otherwise otherwise.
func (k *credentialType[T]) failedDelete(call apiCall, successor, what, keptAs string, err error, otherwise string) string {
	if k.deleteAdvice != nil {
		if cause, fix, ok := k.deleteAdvice(call.object, successor, err); ok {
			return fmt.Sprintf("%s\n\nThe %s was not deleted: it still exists at PlanetScale and is kept %s, with its %s. To delete it:\n"+
				"1. %s.\n2. Run terraform apply: the change is to state only.\n3. Run terraform destroy again (or the apply that deletes it).",
				cause, what, keptAs, k.secretNoun, fix)
		}
	}
	return otherwise
}

// keepAfterFollowUp reports a create that succeeded but for a step after it
// (a rename from its temporary name, or removing what an earlier attempt
// left; see planetscale.FollowUpError) as a warning: the credential exists,
// its secret is in hand, and it is kept. Any other error is returned as is.
// next says what becomes of a temporary name: the next plan renames a
// managed credential; an ephemeral one is deleted at the end of the run.
func keepAfterFollowUp(diags *diag.Diagnostics, kind credentialKind, object, next string, err error) error {
	var followUp *planetscale.FollowUpError
	if !errors.As(err, &followUp) {
		return err
	}
	diags.AddWarning("Credential Created, A Step After It Failed",
		fmt.Sprintf("%s: %v.\n\nThe %s works, and it is kept with its secret. %s", object, err, kind.noun, next))
	return nil
}

// Where a rename from the temporary name failed.
const (
	renamedNextPlan = "If it still has its temporary name (terraform-pending-...), the next plan renames it in place."
	ephemeralKept   = "It is deleted at the end of this run, as every ephemeral credential is, whatever its name at PlanetScale."
)

// notFoundIsGone applies the one rule for a 404 (Read's GET, Delete's and
// Close's DELETE): the credential counts as gone only when its branch's
// list answers now, since PlanetScale answers 404 also for a branch or
// database the token cannot see. A list read earlier in the run is no
// proof: the token may have lost sight of the database since.
func (d *providerData) notFoundIsGone(ctx context.Context, kind credentialKind, b planetscale.Branch, err error) error {
	if !planetscale.IsNotFound(err) {
		return err
	}
	d.forgetLists(kind, b)
	return d.branchAnswers(ctx, kind, b)
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
	return apiCall{op: "read", object: object, data: d, timeout: defaultReadTimeout}.detail(err)
}

// listError explains why a branch's credentials could not be listed.
func (d *providerData) listError(kind credentialKind, b planetscale.Branch, err error) string {
	notFound := fmt.Sprintf("Either there is no branch %q in database %q of organization %q, or %q is not a %s database "+
		"(%s's data sources read the other kind), or the %s cannot see it. Check the three names and the token's access.",
		b.Branch, b.Database, b.Organization, b.Database, kind.engine, kind.other(), d.credentials)
	return apiCall{op: "read", object: kind.noun + "s on " + b.String(), data: d,
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
	return apiCall{op: op, object: object, data: d, timeout: defaultUpdateTimeout}.detail(err)
}
