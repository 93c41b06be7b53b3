package planetscale

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Role is a Postgres role as the API returns it. Password is set only in the
// answers to CreateRole and ResetRole: whatever another answer holds there is
// dropped, so a read can never replace a stored secret.
type Role struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	AccessHostURL string  `json:"access_host_url"`
	Username      string  `json:"username"`
	BaseUsername  string  `json:"base_username"`
	Password      *string `json:"password"`
	DatabaseName  string  `json:"database_name"`
	CreatedAt     string  `json:"created_at"`
	UpdatedAt     string  `json:"updated_at"`
	DeletedAt     *string `json:"deleted_at"`
	ExpiresAt     *string `json:"expires_at"`
	DroppedAt     *string `json:"dropped_at"`
	DisabledAt    *string `json:"disabled_at"`
	DropFailed    *string `json:"drop_failed"`
	Ready         bool    `json:"ready"`
	Expired       bool    `json:"expired"`
	Default       bool    `json:"default"`
	// TTL is the number of seconds left before the role expires, not the
	// TTL it was created with.
	TTL                 *int64              `json:"ttl"`
	InheritedRoles      []string            `json:"inherited_roles"`
	WithReplication     bool                `json:"with_replication"`
	QuerySafetySettings QuerySafetySettings `json:"query_safety_settings"`
}

// QuerySafetySettings are the strings "off", "warn" or "on".
type QuerySafetySettings struct {
	RequireWhereOnDelete string `json:"require_where_on_delete"`
	RequireWhereOnUpdate string `json:"require_where_on_update"`
}

// CreateRoleRequest is the create body; unset fields are omitted.
type CreateRoleRequest struct {
	Name                 string   `json:"name,omitempty"`
	TTL                  *int64   `json:"ttl,omitempty"`
	InheritedRoles       []string `json:"inherited_roles,omitempty"`
	WithReplication      *bool    `json:"with_replication,omitempty"`
	RequireWhereOnDelete string   `json:"require_where_on_delete,omitempty"`
	RequireWhereOnUpdate string   `json:"require_where_on_update,omitempty"`
}

// UpdateRoleRequest is the PATCH body; unset fields are left as they are.
type UpdateRoleRequest struct {
	Name                 *string `json:"name,omitempty"`
	RequireWhereOnDelete *string `json:"require_where_on_delete,omitempty"`
	RequireWhereOnUpdate *string `json:"require_where_on_update,omitempty"`
}

// CreateRole creates a role. The API answers 200 with the role, password
// included; the role may not be ready yet.
func (c *Client) CreateRole(ctx context.Context, b Branch, req CreateRoleRequest) (*Role, error) {
	var out Role
	if err := c.do(ctx, retryIfNotActed, http.MethodPost, b.path("roles"), nil, req, &out); err != nil {
		return nil, err
	}
	if out.ID == "" || out.Password == nil {
		return nil, incomplete(http.MethodPost, b.path("roles"), "id and password")
	}
	return &out, nil
}

// GetRole reads one role.
func (c *Client) GetRole(ctx context.Context, b Branch, id string) (*Role, error) {
	var out Role
	if err := c.do(ctx, retryTransient, http.MethodGet, b.path("roles", id), nil, nil, &out); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, incomplete(http.MethodGet, b.path("roles", id), "id")
	}
	out.Password = nil
	return &out, nil
}

// ListRoles reads one page of a branch's roles.
func (c *Client) ListRoles(ctx context.Context, b Branch, opts ListOptions) (*Page[Role], error) {
	var out Page[Role]
	if err := c.do(ctx, retryTransient, http.MethodGet, b.path("roles"), opts.values(), nil, &out); err != nil {
		return nil, err
	}
	for i := range out.Data {
		out.Data[i].Password = nil
	}
	return &out, nil
}

// ListAllRoles reads every page of a branch's roles.
func (c *Client) ListAllRoles(ctx context.Context, b Branch, opts ListOptions) ([]Role, error) {
	return listAll(ctx, opts, func(ctx context.Context, o ListOptions) (*Page[Role], error) {
		return c.ListRoles(ctx, b, o)
	})
}

// EachRole gives yield a branch's roles one by one, reading pages only as
// far as yield asks (it returns false to stop).
func (c *Client) EachRole(ctx context.Context, b Branch, opts ListOptions, yield func(*Role) bool) error {
	return Each(ctx, opts, func(ctx context.Context, o ListOptions) (*Page[Role], error) {
		return c.ListRoles(ctx, b, o)
	}, yield)
}

// UpdateRole changes a role's name or query-safety settings.
func (c *Client) UpdateRole(ctx context.Context, b Branch, id string, req UpdateRoleRequest) (*Role, error) {
	var out Role
	if err := c.do(ctx, retryTransient, http.MethodPatch, b.path("roles", id), nil, req, &out); err != nil {
		return nil, err
	}
	out.Password = nil
	return &out, nil
}

// DeleteRole drops a role. A non-empty successor (a role ID or username)
// takes over the objects the role owns; without one, the API answers 422
// when the role still owns objects.
func (c *Client) DeleteRole(ctx context.Context, b Branch, id, successor string) error {
	var query url.Values
	if successor != "" {
		query = url.Values{"successor": {successor}}
	}
	return c.do(ctx, retryTransient, http.MethodDelete, b.path("roles", id), query, nil, nil)
}

// ReassignRole hands the objects a role owns to successor (a role ID or
// username on the same branch); the role itself stays. The API answers 204.
func (c *Client) ReassignRole(ctx context.Context, b Branch, id, successor string) error {
	body := struct {
		Successor string `json:"successor"`
	}{successor}
	return c.do(ctx, retryTransient, http.MethodPost, b.path("roles", id, "reassign"), nil, body, nil)
}

// RenewRole extends a role's expiry.
func (c *Client) RenewRole(ctx context.Context, b Branch, id string) (*Role, error) {
	var out Role
	if err := c.do(ctx, retryTransient, http.MethodPost, b.path("roles", id, "renew"), nil, nil, &out); err != nil {
		return nil, err
	}
	out.Password = nil
	return &out, nil
}

// RoleReadyTimeout bounds how long WaitRoleReady waits.
const RoleReadyTimeout = 2 * time.Minute

// WaitRoleReady polls a new role until the API reports it ready, first
// after interval and then at a growing interval (at most 10 seconds),
// bounded by RoleReadyTimeout and ctx.
func (c *Client) WaitRoleReady(ctx context.Context, b Branch, id string, interval time.Duration) (*Role, error) {
	ctx, cancel := context.WithTimeout(ctx, RoleReadyTimeout)
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(interval):
		}
		ro, err := c.GetRole(ctx, b, id)
		if err != nil {
			return nil, err
		}
		if ro.Ready {
			return ro, nil
		}
		interval = min(interval*2, 10*time.Second)
	}
}

// ResetRole gives a role a new password, returned in the answer. Once sent,
// the reset is finished even if ctx is cancelled (see create.go): the old
// password stops working, and the answer holds the only copy of the new one.
func (c *Client) ResetRole(ctx context.Context, b Branch, id string) (*Role, error) {
	ctx, cancel := detach(ctx)
	defer cancel()
	var out Role
	if err := c.do(ctx, retryIfNotActed, http.MethodPost, b.path("roles", id, "reset"), nil, nil, &out); err != nil {
		return nil, err
	}
	if out.Password == nil {
		return nil, incomplete(http.MethodPost, b.path("roles", id, "reset"), "password")
	}
	return &out, nil
}
