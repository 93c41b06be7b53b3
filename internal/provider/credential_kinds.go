package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// Each kind of credential (a branch password, a Postgres role) is one
// value: a credentialType that holds everything the kind differs in. The
// data sources, list resources, actions and caches are written once
// against it; credentialTypes lists the kinds.

// credentialKind is what messages and schemas say about a kind.
type credentialKind struct {
	noun     string // "branch password"
	short    string // "password", where the kind is already clear
	engine   string // "Vitess (MySQL)"
	resource string // its managed resource, "planetscale_branch_password"
	secret   string // the attribute that holds its secret
}

var (
	passwordKind = credentialKind{
		noun:     "branch password",
		short:    "password",
		engine:   "Vitess (MySQL)",
		resource: "planetscale_branch_password",
		secret:   "plain_text",
	}
	roleKind = credentialKind{
		noun:     "Postgres role",
		short:    "role",
		engine:   "Postgres",
		resource: "planetscale_postgres_role",
		secret:   "password",
	}
)

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

// credentialTypes are the kinds the provider knows; a kind is added here.
var credentialTypes = []anyCredentialType{passwords, roles}

// anyCredentialType is what code that serves every kind at once (the
// provider's caches, messages naming the other kinds) asks of a kind.
type anyCredentialType interface {
	names() credentialKind
	newLists(c *planetscale.Client) credentialLists
}

// credentialType is one kind of credential; T is the client's type for it.
type credentialType[T any] struct {
	credentialKind

	// The API's calls for the kind.
	get    func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) (*T, error)
	list   func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, opts planetscale.ListOptions) (*planetscale.Page[T], error)
	each   func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, opts planetscale.ListOptions, yield func(*T) bool) error
	renew  func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) (*T, error)
	delete func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id, successor string) error
	// waitReady waits for a created credential the API does not yet serve;
	// nil for a kind that is ready once created.
	waitReady func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, created *T, interval time.Duration) (*T, error)

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

	// listed is the managed resource's state for a credential found on a
	// branch, as an import would record it.
	listed func(ctx context.Context, where credentialLocation, item *T) (any, diag.Diagnostics)
}

// credentialSummary is what every credential shows, whatever its kind.
type credentialSummary struct {
	id, name, username string
	expiresAt          *string
	expired            bool
}

func (k *credentialType[T]) names() credentialKind { return k.credentialKind }

func (k *credentialType[T]) newLists(c *planetscale.Client) credentialLists {
	return newBranchLists(
		func(ctx context.Context, b planetscale.Branch, page int) (*planetscale.Page[T], error) {
			return k.list(ctx, c, b, planetscale.ListOptions{Page: page, PerPage: planetscale.MaxPageSize})
		},
		func(item *T) string { return k.about(item).id },
	)
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

var passwords = &credentialType[planetscale.Password]{
	credentialKind: passwordKind,
	get: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) (*planetscale.Password, error) {
		return c.GetPassword(ctx, b, id)
	},
	list: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, opts planetscale.ListOptions) (*planetscale.Page[planetscale.Password], error) {
		return c.ListPasswords(ctx, b, opts)
	},
	each: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, opts planetscale.ListOptions, yield func(*planetscale.Password) bool) error {
		return c.EachPassword(ctx, b, opts, yield)
	},
	renew: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) (*planetscale.Password, error) {
		return c.RenewPassword(ctx, b, id)
	},
	// A password has no successor: nothing it owns outlives it.
	delete: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id, _ string) error {
		return c.DeletePassword(ctx, b, id)
	},
	about: func(p *planetscale.Password) credentialSummary {
		return credentialSummary{id: p.ID, name: p.Name, username: p.Username, expiresAt: p.ExpiresAt, expired: p.Expired}
	},
	gone: func(p *planetscale.Password) error {
		if p.DeletedAt != nil {
			return deletedError{"deleted", *p.DeletedAt}
		}
		return nil
	},
	renewable:          func(p *planetscale.Password) bool { return p.Renewable },
	renewableAttribute: "renewable",
	listed: func(ctx context.Context, where credentialLocation, p *planetscale.Password) (any, diag.Diagnostics) {
		m := newBranchPasswordModel(where)
		return &m, applyPassword(ctx, &m, p)
	},
}

var roles = &credentialType[planetscale.Role]{
	credentialKind: roleKind,
	get: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) (*planetscale.Role, error) {
		return c.GetRole(ctx, b, id)
	},
	list: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, opts planetscale.ListOptions) (*planetscale.Page[planetscale.Role], error) {
		return c.ListRoles(ctx, b, opts)
	},
	each: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, opts planetscale.ListOptions, yield func(*planetscale.Role) bool) error {
		return c.EachRole(ctx, b, opts, yield)
	},
	renew: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) (*planetscale.Role, error) {
		return c.RenewRole(ctx, b, id)
	},
	delete: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id, successor string) error {
		return c.DeleteRole(ctx, b, id, successor)
	},
	// The API creates a role before the database serves it.
	waitReady: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, created *planetscale.Role, interval time.Duration) (*planetscale.Role, error) {
		if created.Ready {
			return created, nil
		}
		return c.WaitRoleReady(ctx, b, created.ID, interval)
	},
	about: func(ro *planetscale.Role) credentialSummary {
		return credentialSummary{id: ro.ID, name: ro.Name, username: ro.Username, expiresAt: ro.ExpiresAt, expired: ro.Expired}
	},
	// A disabled role (disabled_at) is not gone: it still exists and may be
	// enabled again, so it stays in state with its password.
	gone: func(ro *planetscale.Role) error {
		switch {
		case ro.DeletedAt != nil:
			return deletedError{"deleted", *ro.DeletedAt}
		case ro.DroppedAt != nil:
			return deletedError{"dropped", *ro.DroppedAt}
		}
		return nil
	},
	// The API renews any role created with a TTL, and only such a role
	// expires: whether state knows its TTL does not matter.
	renewable: func(*planetscale.Role) bool { return true },
	listed: func(ctx context.Context, where credentialLocation, ro *planetscale.Role) (any, diag.Diagnostics) {
		m := newPostgresRoleModel(where)
		return &m, applyRole(ctx, &m, ro)
	},
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
