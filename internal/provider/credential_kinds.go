package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// Each kind of credential (a branch password, a Postgres role) is one
// value, a credentialType that holds everything the kind differs in; its
// value is in the kind's own file (branch_password.go, postgres_role.go).
// The managed and ephemeral resources, data sources, list resources,
// actions and caches are written once against it; credentialTypes lists
// the kinds.

// credentialKind is what messages and schemas say about a kind.
type credentialKind struct {
	noun     string // "branch password"
	short    string // "password", where the kind is already clear
	engine   string // "Vitess (MySQL)"
	resource string // its managed resource, "planetscale_branch_password"
	secret   string // the attribute that holds its secret
	// secretNoun is what its secret is called ("secret"), and sql the
	// database its username logs in to ("MySQL").
	secretNoun, sql string
	// databaseAttr is the attribute that names the database a client
	// connects to, as the connection_string function reads it.
	databaseAttr string
}

// other names the managed resources of the other kinds, for a 404 that may
// mean a database of another engine.
func (k credentialKind) other() string {
	var others []string
	for _, t := range credentialTypes {
		if t.names() != k {
			others = append(others, t.names().resource)
		}
	}
	return strings.Join(others, " or ")
}

// credentialTypes are the kinds the provider knows, each with what it
// serves of the kind; a kind is added here, with one line.
var credentialTypes = []servedKind{
	{passwords, servesOf(passwordDataSources)},
	{roles, servesOf(roleDataSources, newReassignAction)}, // only roles have a reassign action
}

// servedKind is a kind and what the provider serves of it.
type servedKind struct {
	anyCredentialType
	kindServes
}

// kindServes are the constructors of what the provider serves of a kind;
// provider.go serves every kind's.
type kindServes struct {
	resource    func() resource.Resource
	rotating    func() resource.Resource
	ephemeral   func() ephemeral.EphemeralResource
	dataSources []func() datasource.DataSource
	list        func() list.ListResource
	actions     []func() action.Action
}

// servesOf is what the provider serves of the kind whose data sources are
// ds: what every kind has, and the kind's own actions.
func servesOf[T, M any](ds credentialMetadata[T, M], actions ...func() action.Action) kindServes {
	return kindServes{
		resource:    newCredentialResource[T],
		rotating:    newRotatingResource[T],
		ephemeral:   newCredentialEphemeral[T],
		dataSources: dataSourcesOf(ds),
		list:        listResourceOf(ds.kind),
		actions:     append([]func() action.Action{renewActionOf(ds.kind)}, actions...),
	}
}

// anyCredentialType is what code that serves every kind at once (the
// provider's caches, messages naming the other kinds) asks of a kind.
type anyCredentialType interface {
	names() credentialKind
	connectionFormats() []connectionFormat
	newLists(c *planetscale.Client) credentialLists
}

// credentialType is one kind of credential; T is the client's type for it.
type credentialType[T any] struct {
	credentialKind

	// The API's calls for the kind, as methods of the client.
	get    func(c *planetscale.Client, ctx context.Context, b planetscale.Branch, id string) (*T, error)
	list   func(c *planetscale.Client, ctx context.Context, b planetscale.Branch, opts planetscale.ListOptions) (*planetscale.Page[T], error)
	renew  func(c *planetscale.Client, ctx context.Context, b planetscale.Branch, id string) (*T, error)
	delete func(c *planetscale.Client, ctx context.Context, b planetscale.Branch, id, successor string) error
	// rename gives a credential another name, in place.
	rename func(c *planetscale.Client, ctx context.Context, b planetscale.Branch, id, name string) error
	// waitReady waits for a created credential the database does not serve
	// yet; nil for a kind that is ready once created.
	waitReady func(c *planetscale.Client, ctx context.Context, b planetscale.Branch, created *T, interval time.Duration) (*T, error)

	// about is what every credential of the kind shows.
	about func(*T) credentialSummary
	// gone is the one rule for a credential the API answers for but marks
	// as no longer existing; nil when it exists.
	gone func(*T) error
	// renewable is the one rule for whether the API renews a credential
	// that has a TTL and has not expired. renewableAttribute is the
	// managed resource's attribute that records it, or "" when the rule
	// holds for every credential of the kind.
	renewable          func(*T) bool
	renewableAttribute string

	// Its schemas, side by side in the kind's _schema.go: the managed
	// resource's (the timeouts block is added to it) and the ephemeral
	// resource's. Its data sources are described by its
	// credentialMetadata.
	resourceSchema  func() rschema.Schema
	ephemeralSchema func() eschema.Schema

	// Its models, empty: the managed resource's (see modelOn) and the
	// ephemeral resource's.
	newModel      func() resourceModel[T]
	newCredential func() credentialModel[T]

	// What only some kinds do; nil or "" for a kind that does not.
	// modifyPlan plans what the kind's own attributes change.
	modifyPlan func(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse)
	// deleteAdvice explains a delete the API refused that the kind knows
	// more about, of the credential object handed to successor: why
	// (cause, with the API's status) and what to change in the
	// configuration (fix); ok is false for any other failure.
	deleteAdvice func(object, successor string, err error) (cause, fix string, ok bool)
	// readyTimeout bounds waitReady.
	readyTimeout time.Duration
	// formats are the connection strings the connection_string function
	// builds for the kind.
	formats []connectionFormat
	// movers take over state from the official provider's resource.
	movers []resource.StateMover

	// Its rotating resource (rotating.go): its model, empty, and the
	// arguments of the managed resource it takes as its settings; a change
	// of one rotates. rotatingOwn are the rotating resource's attributes
	// only the kind has. tracksUse is whether the API tells when a
	// credential was last used (about's lastUsedAt).
	newRotating      func() rotatingModel[T]
	rotatingSettings []string
	rotatingOwn      func() map[string]rschema.Attribute
	tracksUse        bool
}

// credentialSummary is what every credential shows, whatever its kind.
type credentialSummary struct {
	id, name, username, accessHostURL, createdAt string
	expiresAt                                    *string
	expired                                      bool
	// secret is set only in the answers that carry it (a create, a reset).
	secret *string
	// ready is false for a credential the database does not serve yet.
	ready bool
	// lastUsedAt is when it was last used, for a kind that tracks it.
	lastUsedAt *string
}

func (k *credentialType[T]) names() credentialKind { return k.credentialKind }

func (k *credentialType[T]) connectionFormats() []connectionFormat { return k.formats }

func (k *credentialType[T]) newLists(c *planetscale.Client) credentialLists {
	return newBranchLists(
		func(ctx context.Context, b planetscale.Branch, page int) (*planetscale.Page[T], error) {
			return k.list(c, ctx, b, planetscale.ListOptions{Page: page, PerPage: planetscale.MaxPageSize})
		},
		func(item *T) string { return k.about(item).id },
	)
}

// each gives yield each credential of the branch that opts asks for, page
// by page, until yield returns false.
func (k *credentialType[T]) each(c *planetscale.Client, ctx context.Context, b planetscale.Branch, opts planetscale.ListOptions, yield func(*T) bool) error {
	return planetscale.Each(ctx, opts, func(ctx context.Context, o planetscale.ListOptions) (*planetscale.Page[T], error) {
		return k.list(c, ctx, b, o)
	}, yield)
}

// modelOn is an empty managed resource model of a credential on a branch,
// as a plan, an import, a move or a list result starts from.
func (k *credentialType[T]) modelOn(where credentialLocation) resourceModel[T] {
	return onBranch(k.newModel(), where)
}

// onBranch empties m's location and timeouts for a credential on where.
func onBranch[M interface {
	args() *credentialArguments
	state() *stateResults
}](m M, where credentialLocation,
) M {
	m.args().credentialLocation = where
	m.state().Timeouts = nullTimeouts()
	return m
}

// object names a credential of the kind in messages.
func (k *credentialType[T]) object(m credentialModel[T]) string {
	return objectName(k.noun, m.branch(), m.results().ID)
}

// kindOf is the kind whose client type is T. The resources are generic in
// T and find their kind here, so that a resource's zero value is whole.
func kindOf[T any]() *credentialType[T] {
	for _, kind := range credentialTypes {
		if k, ok := kind.anyCredentialType.(*credentialType[T]); ok {
			return k
		}
	}
	panic(fmt.Sprintf("no kind in credentialTypes has the client type %T", *new(T)))
}

// lists is the kind's cache of branch lists in a configured provider.
func (k *credentialType[T]) lists(d *providerData) *branchLists[T] {
	l, _ := d.lists[k.credentialKind].(*branchLists[T])
	return l
}

// matches reports whether a listed credential belongs in a result: not
// gone, and of exactly the name asked for, if any (the API's q matches
// part of a name, or of a role's username).
func (k *credentialType[T]) matches(item *T, name *string) bool {
	return k.gone(item) == nil && (name == nil || k.about(item).name == *name)
}

// renewableNow is nil for a credential the API can renew now, and otherwise
// says why not.
func (k *credentialType[T]) renewableNow(item *T) error {
	s := k.about(item)
	if err := k.gone(item); err != nil {
		return err
	}
	switch {
	case s.expiresAt == nil:
		return errNotRenewable{"it has no ttl, so it never expires and there is nothing to renew"}
	case isExpired(s.expired, s.expiresAt):
		return errNotRenewable{"it expired at " + *s.expiresAt + " and an expired " + k.short + " cannot be renewed; replace it (terraform apply -replace=ADDRESS)"}
	case !k.renewable(item):
		return errNotRenewable{"PlanetScale marks it as not renewable; replace it (terraform apply -replace=ADDRESS)"}
	}
	return nil
}

// deletedError is a credential the API still answers for but marks gone.
type deletedError struct{ what, at string }

func (e deletedError) Error() string { return fmt.Sprintf("it was %s at %s", e.what, e.at) }

// errNotRenewable is a credential the API cannot renew.
type errNotRenewable struct{ why string }

func (e errNotRenewable) Error() string { return e.why }

// credentialLocation is the branch a credential lives on: every model
// embeds it, and a data source or list reads it.
type credentialLocation struct {
	Organization types.String `tfsdk:"organization"`
	Database     types.String `tfsdk:"database"`
	Branch       types.String `tfsdk:"branch"`
}

func (l credentialLocation) branch() planetscale.Branch {
	return branchOf(l.Organization, l.Database, l.Branch)
}

// locationDescriptions describe organization, database and branch, in
// every schema that names a credential's branch.
func locationDescriptions(kind credentialKind) map[string]string {
	return map[string]string{
		"organization": "Name of the PlanetScale organization.",
		"database":     "Name of the " + kind.engine + " database.",
		"branch":       "Name of the database branch.",
	}
}
