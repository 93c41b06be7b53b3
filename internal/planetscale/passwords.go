package planetscale

import (
	"context"
	"net/http"
)

// Password is a Vitess/MySQL branch password as the API returns it.
// PlainText is set only in the answer to CreatePassword: whatever another
// answer holds there is dropped, so a read can never replace a stored
// secret.
type Password struct {
	ID                     string       `json:"id"`
	Name                   string       `json:"name"`
	Role                   string       `json:"role"`
	CIDRs                  []string     `json:"cidrs"`
	CreatedAt              string       `json:"created_at"`
	DeletedAt              *string      `json:"deleted_at"`
	ExpiresAt              *string      `json:"expires_at"`
	LastUsedAt             *string      `json:"last_used_at"`
	Expired                bool         `json:"expired"`
	DirectVtgate           bool         `json:"direct_vtgate"`
	DirectVtgateAddresses  []string     `json:"direct_vtgate_addresses"`
	TTLSeconds             *int64       `json:"ttl_seconds"`
	AccessHostURL          string       `json:"access_host_url"`
	AccessHostRegionalURL  string       `json:"access_host_regional_url"`
	AccessHostRegionalURLs []string     `json:"access_host_regional_urls"`
	Username               string       `json:"username"`
	PlainText              *string      `json:"plain_text"`
	Replica                bool         `json:"replica"`
	Renewable              bool         `json:"renewable"`
	DatabaseBranch         *BranchBrief `json:"database_branch"`
}

// BranchBrief is the branch summary embedded in a password.
type BranchBrief struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Production bool   `json:"production"`
}

// CreatePasswordRequest is the create body. Unset fields are omitted so the
// API applies its own defaults.
type CreatePasswordRequest struct {
	Name         string   `json:"name,omitempty"`
	Role         string   `json:"role,omitempty"`
	Replica      *bool    `json:"replica,omitempty"`
	TTL          *int64   `json:"ttl,omitempty"`
	CIDRs        []string `json:"cidrs,omitempty"`
	DirectVtgate *bool    `json:"direct_vtgate,omitempty"`
}

// UpdatePasswordRequest is the PATCH body: only name and cidrs can change.
type UpdatePasswordRequest struct {
	Name  *string   `json:"name,omitempty"`
	CIDRs *[]string `json:"cidrs,omitempty"`
}

// CreatePassword creates a password; the answer is the only one that carries
// its plaintext.
func (c *Client) CreatePassword(ctx context.Context, b Branch, req CreatePasswordRequest) (*Password, error) {
	var out Password
	if err := c.do(ctx, retryIfNotActed, http.MethodPost, b.path("passwords"), nil, req, &out); err != nil {
		return nil, err
	}
	if out.ID == "" || out.PlainText == nil {
		return nil, incomplete(http.MethodPost, b.path("passwords"), "id and plain_text")
	}
	return &out, nil
}

// GetPassword reads one password.
func (c *Client) GetPassword(ctx context.Context, b Branch, id string) (*Password, error) {
	var out Password
	if err := c.do(ctx, retryTransient, http.MethodGet, b.path("passwords", id), nil, nil, &out); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, incomplete(http.MethodGet, b.path("passwords", id), "id")
	}
	out.PlainText = nil
	return &out, nil
}

// ListPasswords reads one page of a branch's passwords.
func (c *Client) ListPasswords(ctx context.Context, b Branch, opts ListOptions) (*Page[Password], error) {
	var out Page[Password]
	if err := c.do(ctx, retryTransient, http.MethodGet, b.path("passwords"), opts.values(), nil, &out); err != nil {
		return nil, err
	}
	for i := range out.Data {
		out.Data[i].PlainText = nil
	}
	return &out, nil
}

// ListAllPasswords reads every page of a branch's passwords.
func (c *Client) ListAllPasswords(ctx context.Context, b Branch, opts ListOptions) ([]Password, error) {
	return listAll(ctx, opts, func(ctx context.Context, o ListOptions) (*Page[Password], error) {
		return c.ListPasswords(ctx, b, o)
	})
}

// EachPassword gives yield a branch's passwords one by one, reading pages
// only as far as yield asks (it returns false to stop).
func (c *Client) EachPassword(ctx context.Context, b Branch, opts ListOptions, yield func(*Password) bool) error {
	return Each(ctx, opts, func(ctx context.Context, o ListOptions) (*Page[Password], error) {
		return c.ListPasswords(ctx, b, o)
	}, yield)
}

// UpdatePassword changes a password's name or CIDRs.
func (c *Client) UpdatePassword(ctx context.Context, b Branch, id string, req UpdatePasswordRequest) (*Password, error) {
	var out Password
	if err := c.do(ctx, retryTransient, http.MethodPatch, b.path("passwords", id), nil, req, &out); err != nil {
		return nil, err
	}
	out.PlainText = nil
	return &out, nil
}

// DeletePassword deletes a password.
func (c *Client) DeletePassword(ctx context.Context, b Branch, id string) error {
	return c.do(ctx, retryTransient, http.MethodDelete, b.path("passwords", id), nil, nil, nil)
}

// RenewPassword extends a password's expiry by its TTL.
func (c *Client) RenewPassword(ctx context.Context, b Branch, id string) (*Password, error) {
	var out Password
	if err := c.do(ctx, retryTransient, http.MethodPost, b.path("passwords", id, "renew"), nil, nil, &out); err != nil {
		return nil, err
	}
	out.PlainText = nil
	return &out, nil
}
