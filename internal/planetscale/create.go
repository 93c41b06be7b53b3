package planetscale

// Safety: the create path.
//
// A create mints a secret that exists only in its answer, so this file keeps
// three promises, for every caller:
//
//   - Once a create has been sent, it is finished and its answer returned, even
//     when the caller is cancelled (Terraform's Ctrl-C): the request runs on a
//     context that only the operation's own deadline ends. A cancel that comes
//     before anything was sent stops cleanly, with ErrNotSent.
//   - When a create's outcome is unknown (a 5xx, a dropped connection, an
//     unreadable answer), the credential it may have made is deleted only if it
//     is provably this operation's: a same-named credential that was not there
//     before the create was sent, created within this attempt's time window.
//     One such credential is deleted and the create sent again; more than one
//     and nothing is deleted: the error lists them.
//   - A request that never left the client is not an unknown outcome: nothing
//     is looked for, nothing is deleted.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// clockSkew is how far the API's clock may be from this machine's when a
// credential's created_at is compared with when an attempt was sent.
const clockSkew = 2 * time.Minute

// cleanupTimeout bounds the look for, and removal of, what a create with an
// unknown outcome made; it runs even when the operation's deadline has passed
// or Terraform was interrupted, since the credential's secret is already lost.
const cleanupTimeout = time.Minute

// NameOrigin says where a create's name came from.
type NameOrigin int

const (
	// NameGiven is a name the configuration chose: other credentials on the
	// branch may carry it too.
	NameGiven NameOrigin = iota
	// NameGenerated is a random name made for this create alone: no other
	// credential carries it, so no snapshot is needed to tell ours apart.
	NameGenerated
)

// OutcomeUnknown reports an error after which a create may or may not have
// taken effect: the request may have reached the API, but its answer (and
// with it the only copy of the secret) was lost.
func OutcomeUnknown(err error) bool {
	if errors.Is(err, ErrNotSent) || errors.Is(err, errRedirect) {
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

// AmbiguousOrphansError is a create with an unknown outcome after which more
// than one credential could be the one it made. None is deleted.
type AmbiguousOrphansError struct {
	Kind   string
	Branch Branch
	Name   string
	IDs    []string
	Err    error
}

func (e *AmbiguousOrphansError) Error() string {
	return fmt.Sprintf("%v; afterwards %d %ss named %q appeared on %s (%s), and any of them may be the one this create made with its secret lost. "+
		"None was deleted, since some may belong to someone else. Check them in the PlanetScale console, delete the ones nobody uses, "+
		"give each credential a name unique on its branch, and apply again",
		e.Err, len(e.IDs), e.Kind, e.Name, e.Branch, strings.Join(e.IDs, ", "))
}

func (e *AmbiguousOrphansError) Unwrap() error { return e.Err }

// credentialRef is what the orphan search needs of a listed credential.
type credentialRef struct {
	ID, Name, CreatedAt string
}

// CreatePasswordNoOrphan creates a password and finishes the create once it
// is sent; after a lost answer it removes the password that create made
// (see the top of this file) and creates again. req.Name must be set.
func (c *Client) CreatePasswordNoOrphan(ctx context.Context, b Branch, req CreatePasswordRequest, origin NameOrigin) (*Password, error) {
	var created *Password
	err := c.createNoOrphan(ctx, "password", b, req.Name, origin,
		func(ctx context.Context) (err error) {
			created, err = c.CreatePassword(ctx, b, req)
			return err
		},
		func(ctx context.Context) ([]credentialRef, error) {
			all, err := c.ListAllPasswords(ctx, b, ListOptions{Query: req.Name, PerPage: 100})
			refs := make([]credentialRef, 0, len(all))
			for _, p := range all {
				refs = append(refs, credentialRef{ID: p.ID, Name: p.Name, CreatedAt: p.CreatedAt})
			}
			return refs, err
		},
		func(ctx context.Context, id string) error { return c.DeletePassword(ctx, b, id) },
	)
	return created, err
}

// CreateRoleNoOrphan is CreatePasswordNoOrphan for Postgres roles.
func (c *Client) CreateRoleNoOrphan(ctx context.Context, b Branch, req CreateRoleRequest, origin NameOrigin) (*Role, error) {
	var created *Role
	err := c.createNoOrphan(ctx, "role", b, req.Name, origin,
		func(ctx context.Context) (err error) {
			created, err = c.CreateRole(ctx, b, req)
			return err
		},
		func(ctx context.Context) ([]credentialRef, error) {
			all, err := c.ListAllRoles(ctx, b, ListOptions{Query: req.Name, PerPage: 100})
			refs := make([]credentialRef, 0, len(all))
			for _, ro := range all {
				refs = append(refs, credentialRef{ID: ro.ID, Name: ro.Name, CreatedAt: ro.CreatedAt})
			}
			return refs, err
		},
		// A role made by a lost create owns nothing yet: no successor needed.
		func(ctx context.Context, id string) error { return c.DeleteRole(ctx, b, id, "") },
	)
	return created, err
}

func (c *Client) createNoOrphan(ctx context.Context, kind string, b Branch, name string, origin NameOrigin,
	create func(context.Context) error, list func(context.Context) ([]credentialRef, error), remove func(context.Context, string) error,
) error {
	if name == "" {
		return fmt.Errorf("creating a %s on %s: a name is required to find it again if the answer is lost", kind, b)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("creating a %s on %s: %w: %w", kind, b, ErrNotSent, err)
	}
	existing := map[string]bool{}
	if origin == NameGiven {
		refs, err := list(ctx)
		if err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("%w: %w", ErrNotSent, err) // the create itself was never sent
			}
			return fmt.Errorf("listing the %ss named %q on %s before creating one, to tell it apart from them if the answer is lost: %w", kind, name, b, err)
		}
		for _, r := range refs {
			existing[r.ID] = true
		}
	}

	sendCtx, cancel := detach(ctx)
	defer cancel()
	for attempt := 1; ; attempt++ {
		sent := time.Now()
		createErr := create(sendCtx)
		if createErr == nil || !OutcomeUnknown(createErr) {
			return createErr
		}

		cleanupCtx, cancelCleanup := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		orphans, err := c.findOrphan(cleanupCtx, kind, b, name, existing, sent, createErr, list)
		if err == nil && len(orphans) == 1 {
			if delErr := remove(cleanupCtx, orphans[0]); delErr != nil && !IsNotFound(delErr) {
				err = fmt.Errorf("%w; deleting the %s %s it may have made failed: %v", createErr, kind, orphans[0], delErr) //nolint:errorlint // the outcome is the create's; the failed delete is only told
			}
		}
		cancelCleanup()
		if err != nil {
			return err
		}
		c.logf(ctx, "PlanetScale create had an unknown outcome; removed what it made", map[string]any{
			"kind": kind, "branch": b.String(), "name": name, "removed": len(orphans), "attempt": attempt,
		})
		switch {
		case attempt > c.maxRetries:
			return fmt.Errorf("%w; every attempt's outcome was unknown, and what they made was removed", createErr)
		case sendCtx.Err() != nil || ctx.Err() != nil:
			// Out of time, or stopped: what this attempt made was removed,
			// and another attempt would be a create nobody waits for.
			return fmt.Errorf("%w; what it made was removed, and it was not sent again", createErr)
		}
	}
}

// findOrphan returns the credential an attempt sent at sent may have made:
// with the exact name, absent from the snapshot taken before the first
// attempt, created within the attempt's window. More than one is an
// AmbiguousOrphansError; createErr is the attempt's own error.
func (c *Client) findOrphan(ctx context.Context, kind string, b Branch, name string, existing map[string]bool, sent time.Time,
	createErr error, list func(context.Context) ([]credentialRef, error),
) ([]string, error) {
	refs, err := list(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w; the create may have made a %s named %q whose secret is lost, and looking for it failed: %v", createErr, kind, name, err) //nolint:errorlint // as above
	}
	from, to := sent.Add(-clockSkew), time.Now().Add(clockSkew)
	var ids []string
	for _, r := range refs {
		if r.Name == name && !existing[r.ID] && createdWithin(r.CreatedAt, from, to) {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) > 1 {
		return nil, &AmbiguousOrphansError{Kind: kind, Branch: b, Name: name, IDs: ids, Err: createErr}
	}
	return ids, nil
}

// createdWithin reports a created_at inside [from, to]. A time that cannot be
// read proves nothing: that credential is left be.
func createdWithin(createdAt string, from, to time.Time) bool {
	t, err := time.Parse(time.RFC3339, createdAt)
	return err == nil && !t.Before(from) && !t.After(to)
}

// detach returns a context for a request that mints a secret: Terraform's
// stop (a cancel of ctx) no longer aborts it once it is sent, ctx's deadline
// still bounds it, and waits before sending still end on ctx's cancel.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	sendCtx := context.WithValue(context.WithoutCancel(ctx), stopKey{}, ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(sendCtx, deadline)
	}
	return context.WithCancel(sendCtx)
}

type stopKey struct{}

// stopOf returns the caller's context of a detached request, or nil.
func stopOf(ctx context.Context) context.Context {
	stop, _ := ctx.Value(stopKey{}).(context.Context)
	return stop
}
