package provider

import (
	"context"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// credentialKind describes one kind of credential for schemas and messages.
type credentialKind struct {
	noun     string // "branch password"
	engine   string // "Vitess (MySQL)"
	resource string // its managed resource, "planetscale_branch_password"
	other    string // the other kind's resource, for a 404 on the wrong engine
	secret   string // the attribute that holds its secret
}

var (
	passwordKind = credentialKind{
		noun:     "branch password",
		engine:   "Vitess (MySQL)",
		resource: "planetscale_branch_password",
		other:    "planetscale_postgres_role",
		secret:   "plain_text",
	}
	roleKind = credentialKind{
		noun:     "Postgres role",
		engine:   "Postgres",
		resource: "planetscale_postgres_role",
		other:    "planetscale_branch_password",
		secret:   "password",
	}
)

// credentialAPI is how the data sources and list resources read one kind
// of credential; T is the client's type for it.
type credentialAPI[T any] struct {
	kind credentialKind
	get  func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) (*T, error)
	// each reads a branch's credentials until yield returns false.
	each func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, opts planetscale.ListOptions, yield func(*T) bool) error
	// about gives a credential's ID, name and username, and a deletedError
	// when the API marks it gone.
	about func(*T) (id, name, username string, gone error)
}

var passwordAPI = credentialAPI[planetscale.Password]{
	kind: passwordKind,
	get: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) (*planetscale.Password, error) {
		return c.GetPassword(ctx, b, id)
	},
	each: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, opts planetscale.ListOptions, yield func(*planetscale.Password) bool) error {
		return c.EachPassword(ctx, b, opts, yield)
	},
	about: func(p *planetscale.Password) (string, string, string, error) {
		var gone error
		if p.DeletedAt != nil {
			gone = deletedError{"deleted", *p.DeletedAt}
		}
		return p.ID, p.Name, p.Username, gone
	},
}

var roleAPI = credentialAPI[planetscale.Role]{
	kind: roleKind,
	get: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, id string) (*planetscale.Role, error) {
		return c.GetRole(ctx, b, id)
	},
	each: func(ctx context.Context, c *planetscale.Client, b planetscale.Branch, opts planetscale.ListOptions, yield func(*planetscale.Role) bool) error {
		return c.EachRole(ctx, b, opts, yield)
	},
	about: func(ro *planetscale.Role) (string, string, string, error) {
		return ro.ID, ro.Name, ro.Username, roleGoneError(ro)
	},
}

// roleGoneError is non-nil for a role the API answers for but that no
// longer exists as a database role.
func roleGoneError(ro *planetscale.Role) error {
	switch {
	case ro.DeletedAt != nil:
		return deletedError{"deleted", *ro.DeletedAt}
	case ro.DroppedAt != nil:
		return deletedError{"dropped", *ro.DroppedAt}
	}
	return nil
}

// matches reports whether a listed credential belongs in a result: not
// gone, and of exactly the name asked for, if any (the API's q matches
// part of a name, or of a role's username).
func (a credentialAPI[T]) matches(item *T, name *string) bool {
	_, itemName, _, gone := a.about(item)
	return gone == nil && (name == nil || itemName == *name)
}
