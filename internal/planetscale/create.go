package planetscale

// Safety: the create path.
//
// A create mints a secret that exists only in its answer, so this file keeps
// three promises, for every caller:
//
//   - Once a create has been sent, it is finished and its answer returned, even
//     when the caller is cancelled (Terraform's Ctrl-C): the request runs on a
//     context that only the operation's own deadline ends. A stop that comes
//     before anything was sent, or while a retry waits, sends nothing more
//     and reports ErrNotSent.
//   - When a create's outcome is unknown (a 5xx, a dropped connection, an
//     unreadable answer), the credential it may have made is deleted only if
//     it carries this operation's mark: a name nobody else uses. Every create
//     is sent under such a name: a generated name is one already; a name the
//     configuration chose is not (anyone may use it at any moment), so the
//     create is sent under a random mark and renamed in place once its
//     answer is in hand. A name and a time window would not be proof.
//   - A request that never left the client is not an unknown outcome: nothing
//     is looked for, nothing is deleted.
//
// Renaming after the create is safe for both kinds because the name is a
// label: the API document lets PATCH change it for passwords ("display
// name") and roles alike, and the username is the API's own (a password's
// random username; a role's pscale_api_<random>, as the official provider's
// state shows for a role named "app"), so nothing durable keeps the mark.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// cleanupTimeout bounds the look for, and removal of, what a create with an
// unknown outcome made; it runs even when the operation's deadline has passed
// or Terraform was interrupted, since the credential's secret is already lost.
const cleanupTimeout = time.Minute

// NameOrigin says where a create's name came from.
type NameOrigin int

const (
	// NameGiven is a name the configuration chose: other credentials on the
	// branch may carry it too, now or at any later moment.
	NameGiven NameOrigin = iota
	// NameGenerated is a random name made for this create alone: no other
	// credential carries it, so it is the create's mark.
	NameGenerated
)

// markPrefix starts the temporary name a create with a given name is sent
// under; a credential that keeps it (its rename failed) shows in the console
// as what it is.
const markPrefix = "terraform-pending-"

// IsPendingName reports a temporary name of the create path: the
// credential has kept it because the rename after its create failed.
func IsPendingName(name string) bool { return strings.HasPrefix(name, markPrefix) }

// newMark returns a name no other credential has: 96 random bits.
func newMark() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail
	return markPrefix + hex.EncodeToString(b)
}

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

// FollowUpError is a create that succeeded, followed by a step that did not:
// renaming the credential from its mark to its name, or removing what an
// earlier attempt of the same create left. The credential is returned with
// it and is the caller's to keep; Name is the name it has now.
type FollowUpError struct {
	Kind, ID, Name string
	Problems       []string
}

func (e *FollowUpError) Error() string {
	return fmt.Sprintf("the %s %s was created, but %s", e.Kind, e.ID, strings.Join(e.Problems, "; and "))
}

// CreateError is a create that failed, with what the create path did, or
// could not do, about what the create may have made: the API's answer alone
// does not say that a credential may be left whose name only this error
// gives. Err is the create's own error.
type CreateError struct {
	Err  error
	Note string
}

func (e *CreateError) Error() string { return e.Err.Error() + "; " + e.Note }

func (e *CreateError) Unwrap() error { return e.Err }

// credentialRef is what the orphan search needs of a listed credential.
type credentialRef struct {
	ID, Name string
	// Gone is set when the API reports the credential deleted or dropped.
	Gone bool
}

// createOps is what the create path needs of one kind of credential.
type createOps struct {
	kind   string
	create func(ctx context.Context, name string) (id string, err error)
	list   func(ctx context.Context, query string) ([]credentialRef, error)
	rename func(ctx context.Context, id, name string) error
	remove func(ctx context.Context, id string) error
}

// CreatePasswordNoOrphan creates a password and finishes the create once it
// is sent; after a lost answer it removes the password that create made
// (see the top of this file) and creates again. req.Name must be set. With a
// *FollowUpError the password is returned too.
func (c *Client) CreatePasswordNoOrphan(ctx context.Context, b Branch, req CreatePasswordRequest, origin NameOrigin) (*Password, error) {
	var created *Password
	id, err := c.createNoOrphan(ctx, b, req.Name, origin, createOps{
		kind: "password",
		create: func(ctx context.Context, name string) (string, error) {
			body := req
			body.Name = name
			p, err := c.CreatePassword(ctx, b, body)
			if err != nil {
				return "", err
			}
			created = p
			return p.ID, nil
		},
		list: func(ctx context.Context, query string) ([]credentialRef, error) {
			all, err := c.ListAllPasswords(ctx, b, ListOptions{Query: query})
			refs := make([]credentialRef, 0, len(all))
			for _, p := range all {
				refs = append(refs, credentialRef{ID: p.ID, Name: p.Name, Gone: p.DeletedAt != nil})
			}
			return refs, err
		},
		rename: func(ctx context.Context, id, name string) error {
			_, err := c.UpdatePassword(ctx, b, id, UpdatePasswordRequest{Name: &name})
			if err == nil {
				created.Name = name
			}
			return err
		},
		remove: func(ctx context.Context, id string) error { return c.DeletePassword(ctx, b, id) },
	})
	if id == "" {
		return nil, err
	}
	return created, err
}

// CreateRoleNoOrphan is CreatePasswordNoOrphan for Postgres roles.
func (c *Client) CreateRoleNoOrphan(ctx context.Context, b Branch, req CreateRoleRequest, origin NameOrigin) (*Role, error) {
	var created *Role
	id, err := c.createNoOrphan(ctx, b, req.Name, origin, createOps{
		kind: "role",
		create: func(ctx context.Context, name string) (string, error) {
			body := req
			body.Name = name
			ro, err := c.CreateRole(ctx, b, body)
			if err != nil {
				return "", err
			}
			created = ro
			return ro.ID, nil
		},
		list: func(ctx context.Context, query string) ([]credentialRef, error) {
			all, err := c.ListAllRoles(ctx, b, ListOptions{Query: query})
			refs := make([]credentialRef, 0, len(all))
			for _, ro := range all {
				refs = append(refs, credentialRef{ID: ro.ID, Name: ro.Name, Gone: ro.DeletedAt != nil || ro.DroppedAt != nil})
			}
			return refs, err
		},
		rename: func(ctx context.Context, id, name string) error {
			_, err := c.UpdateRole(ctx, b, id, UpdateRoleRequest{Name: &name})
			if err == nil {
				created.Name = name
			}
			return err
		},
		// A role made by a lost create owns nothing yet: no successor needed.
		remove: func(ctx context.Context, id string) error { return c.DeleteRole(ctx, b, id, "") },
	})
	if id == "" {
		return nil, err
	}
	return created, err
}

// createNoOrphan sends ops.create under the create's mark until it succeeds,
// fails for certain, or runs out of attempts or time; after every attempt
// whose outcome is unknown it removes what carries the mark. It returns the
// ID of what it created, with a *FollowUpError when a step after the create
// failed.
func (c *Client) createNoOrphan(ctx context.Context, b Branch, name string, origin NameOrigin, ops createOps) (string, error) {
	if name == "" {
		return "", fmt.Errorf("creating a %s on %s: a name is required to find it again if the answer is lost", ops.kind, b)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("creating a %s on %s: %w: %w", ops.kind, b, ErrNotSent, err)
	}
	mark := name
	if origin == NameGiven {
		mark = newMark()
	}
	cleanupContext := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	}

	sendCtx, cancel := detach(ctx)
	defer cancel()
	var id string
	var createErr error
	// unseen: an attempt's outcome was unknown and nothing carrying the
	// mark was found; the list may only have lagged behind it.
	unseen := false
	attempt := 1
	for ; ; attempt++ {
		id, createErr = ops.create(sendCtx, mark)
		if createErr == nil || !OutcomeUnknown(createErr) {
			break
		}
		cleanupCtx, cancelCleanup := cleanupContext()
		removed, err := c.removeMarked(cleanupCtx, ops, mark, "")
		cancelCleanup()
		unseen = unseen || (err == nil && len(removed) == 0)
		if err != nil {
			return "", &CreateError{createErr, fmt.Sprintf("the create may have made a %s named %q (a name only this create uses) whose secret is lost, and removing it failed: %v. "+
				"Delete any %s named %q on %s in the PlanetScale console, then apply again", ops.kind, mark, err, ops.kind, mark, b)}
		}
		c.logf(ctx, "PlanetScale create had an unknown outcome; removed what it made", map[string]any{
			"kind": ops.kind, "branch": b.String(), "removed": len(removed), "attempt": attempt,
		})
		if attempt > c.maxRetries {
			return "", &CreateError{createErr, "every attempt's outcome was unknown, and what they made was removed"}
		}
		if stopped(sendCtx) != nil {
			// Out of time, or stopped: what this attempt made was removed,
			// and another attempt would be a create nobody waits for.
			return "", &CreateError{createErr, "what it made was removed, and it was not sent again"}
		}
	}

	var problems []string
	except := ""
	if id != "" {
		except = " other than " + id
	}
	if attempt > 1 {
		// An earlier attempt's credential may show up only now.
		cleanupCtx, cancelCleanup := cleanupContext()
		removed, err := c.removeMarked(cleanupCtx, ops, mark, id)
		cancelCleanup()
		if err != nil {
			problems = append(problems, fmt.Sprintf("removing what an earlier attempt may have made (a %s named %q whose secret is lost) failed: %v; "+
				"delete any %s of that name on %s%s in the PlanetScale console", ops.kind, mark, err, ops.kind, b, except))
		} else if unseen && len(removed) == 0 {
			// Nothing proves that attempt made nothing: say what to look for.
			problems = append(problems, fmt.Sprintf("an earlier attempt's outcome was unknown and no %s named %q was found afterwards; "+
				"if one appears on %s%s, it is that attempt's, whose secret is lost: delete it in the PlanetScale console",
				ops.kind, mark, b, except))
		}
	}
	if createErr != nil {
		if len(problems) > 0 {
			return "", &CreateError{createErr, strings.Join(problems, "; and ")}
		}
		return "", createErr
	}
	current := mark
	if origin == NameGiven {
		if err := ops.rename(ctx, id, name); err != nil {
			problems = append(problems, fmt.Sprintf("renaming it from %q to %q failed: %v", mark, name, err))
		} else {
			current = name
		}
	}
	if len(problems) > 0 {
		return id, &FollowUpError{Kind: ops.kind, ID: id, Name: current, Problems: problems}
	}
	return id, nil
}

// removeMarked deletes every credential named mark that the API does not
// already report gone, but keep; it returns the IDs it deleted.
func (c *Client) removeMarked(ctx context.Context, ops createOps, mark, keep string) ([]string, error) {
	refs, err := ops.list(ctx, mark)
	if err != nil {
		return nil, fmt.Errorf("listing the %ss named %q: %w", ops.kind, mark, err)
	}
	var removed []string
	for _, r := range refs {
		if r.Name != mark || r.ID == keep || r.Gone {
			continue
		}
		if err := ops.remove(ctx, r.ID); err != nil {
			return removed, fmt.Errorf("deleting the %s %s: %w", ops.kind, r.ID, err)
		}
		removed = append(removed, r.ID)
	}
	return removed, nil
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
