package planetscale

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// orphanWindow is how long before a create began a same-named credential may
// have been made and still count as that create's orphan. It allows for
// clock skew between this machine and the API.
const orphanWindow = 5 * time.Minute

// OutcomeUnknown reports an error after which a create may or may not have
// taken effect: the request may have reached the API, but its answer (and
// with it the only copy of the secret) was lost.
func OutcomeUnknown(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var transportErr *TransportError
	if errors.As(err, &transportErr) {
		return !notSent(transportErr.Err)
	}
	var decodeErr *DecodeError
	if errors.As(err, &decodeErr) {
		return true // 2xx: it was created, and its secret cannot be read
	}
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= http.StatusInternalServerError
}

// CreatePasswordNoOrphan creates a password, cleaning up after a create whose
// answer was lost: it deletes the passwords of that name the lost create may
// have made (their secrets are gone) and creates again. req.Name must be set
// and should be unique on the branch.
func (c *Client) CreatePasswordNoOrphan(ctx context.Context, b Branch, req CreatePasswordRequest) (*Password, error) {
	var created *Password
	err := c.createNoOrphan(ctx, "password", b, req.Name,
		func() (err error) {
			created, err = c.CreatePassword(ctx, b, req)
			return err
		},
		func(since time.Time) ([]string, error) {
			all, err := c.ListAllPasswords(ctx, b, ListOptions{Query: req.Name, PerPage: 100})
			var ids []string
			for _, p := range all {
				if p.Name == req.Name && createdSince(p.CreatedAt, since) {
					ids = append(ids, p.ID)
				}
			}
			return ids, err
		},
		func(id string) error { return c.DeletePassword(ctx, b, id) },
	)
	return created, err
}

// CreateRoleNoOrphan is CreatePasswordNoOrphan for Postgres roles.
func (c *Client) CreateRoleNoOrphan(ctx context.Context, b Branch, req CreateRoleRequest) (*Role, error) {
	var created *Role
	err := c.createNoOrphan(ctx, "role", b, req.Name,
		func() (err error) {
			created, err = c.CreateRole(ctx, b, req)
			return err
		},
		func(since time.Time) ([]string, error) {
			all, err := c.ListAllRoles(ctx, b, ListOptions{Query: req.Name, PerPage: 100})
			var ids []string
			for _, ro := range all {
				if ro.Name == req.Name && createdSince(ro.CreatedAt, since) {
					ids = append(ids, ro.ID)
				}
			}
			return ids, err
		},
		// A role made by a lost create owns nothing yet: no successor needed.
		func(id string) error { return c.DeleteRole(ctx, b, id, "") },
	)
	return created, err
}

func (c *Client) createNoOrphan(ctx context.Context, kind string, b Branch, name string,
	create func() error, findOrphans func(since time.Time) ([]string, error), remove func(id string) error,
) error {
	if name == "" {
		return fmt.Errorf("creating a %s on %s: a name is required to find it again if the answer is lost", kind, b)
	}
	since := time.Now().Add(-orphanWindow)
	for attempt := 1; ; attempt++ {
		err := create()
		if err == nil || !OutcomeUnknown(err) {
			return err
		}
		orphans, listErr := findOrphans(since)
		if listErr != nil {
			return fmt.Errorf("%w; the create may have made a %s named %q whose secret is lost, and looking for it failed: %v", err, kind, name, listErr)
		}
		for _, id := range orphans {
			if delErr := remove(id); delErr != nil && !IsNotFound(delErr) {
				return fmt.Errorf("%w; deleting the %s %s it left behind failed: %v", err, kind, id, delErr)
			}
		}
		c.logf(ctx, "PlanetScale create had an unknown outcome; removed what it left behind", map[string]any{
			"kind": kind, "branch": b.String(), "name": name, "removed": len(orphans), "attempt": attempt, "error": err.Error(),
		})
		if attempt > c.maxRetries {
			return err
		}
	}
}

func createdSince(createdAt string, since time.Time) bool {
	t, err := time.Parse(time.RFC3339, createdAt)
	// A time that cannot be read proves nothing: leave that credential be.
	return err == nil && !t.Before(since)
}
