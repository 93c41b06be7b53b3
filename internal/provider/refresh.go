package provider

import (
	"context"
	"sync"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// listTTL bounds how long one list serves reads. A provider process lives
// for one Terraform walk; this only guards a walk that runs for long.
const listTTL = 2 * time.Minute

// branchLists serves Read from paginated lists of each branch's
// credentials, so refreshing many credentials on one branch costs a few list
// requests instead of one GET each. It belongs to one configured provider,
// and so to one Terraform walk: nothing is kept across runs.
//
// A credential missing from a list is not taken as gone: the caller
// confirms with a GET. Cost is bounded: the first page is fetched on the
// first read of a branch; the remaining pages only once the branch has seen
// as many reads as there are pages, so that each page costs no more than a
// GET it spares, and a branch holding thousands of credentials the
// configuration does not manage costs one list request on top of the GETs.
type branchLists[T any] struct {
	fetch func(ctx context.Context, b planetscale.Branch, page int) (*planetscale.Page[T], error)
	id    func(*T) string

	mu       sync.Mutex
	branches map[planetscale.Branch]*branchList[T]
}

// credentialLists is a kind's branchLists, as code that serves every kind
// at once uses them.
type credentialLists interface {
	forget(b planetscale.Branch)
	branchAnswers(ctx context.Context, b planetscale.Branch) error
}

type branchList[T any] struct {
	mu         sync.Mutex
	byID       map[string]T
	pagesRead  int
	totalPages int
	reads      int
	fetchedAt  time.Time
	failed     bool
}

func newBranchLists[T any](fetch func(context.Context, planetscale.Branch, int) (*planetscale.Page[T], error), id func(*T) string) *branchLists[T] {
	return &branchLists[T]{fetch: fetch, id: id, branches: map[planetscale.Branch]*branchList[T]{}}
}

// lookup returns the credential from the branch's list, or false when the
// list does not (yet) show it and the caller must GET it.
func (c *branchLists[T]) lookup(ctx context.Context, b planetscale.Branch, id string) (T, bool) {
	var zero T
	if c == nil {
		return zero, false
	}
	c.mu.Lock()
	l, ok := c.branches[b]
	if !ok {
		l = &branchList[T]{byID: map[string]T{}}
		c.branches[b] = l
	}
	c.mu.Unlock()

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pagesRead > 0 && time.Since(l.fetchedAt) > listTTL {
		l.byID, l.pagesRead, l.totalPages, l.failed = map[string]T{}, 0, 0, false
	}
	l.reads++
	if l.failed {
		return zero, false
	}
	if l.pagesRead == 0 && !c.readPage(ctx, b, l) {
		return zero, false
	}
	if item, ok := l.byID[id]; ok {
		return item, true
	}
	// Read the rest only when enough credentials on this branch are being
	// read to pay for the pages.
	if l.pagesRead < l.totalPages && l.reads >= l.totalPages {
		for l.pagesRead < l.totalPages && c.readPage(ctx, b, l) {
		}
		if item, ok := l.byID[id]; ok {
			return item, true
		}
	}
	return zero, false
}

func (c *branchLists[T]) readPage(ctx context.Context, b planetscale.Branch, l *branchList[T]) bool {
	page, err := c.fetch(ctx, b, l.pagesRead+1)
	if err != nil {
		// Reads fall back to GET, which reports the error if it persists.
		l.failed = true
		return false
	}
	if l.pagesRead == 0 {
		l.fetchedAt = time.Now()
	}
	l.pagesRead++
	l.totalPages = max(page.TotalPages, l.pagesRead)
	for i := range page.Data {
		l.byID[c.id(&page.Data[i])] = page.Data[i]
	}
	return len(page.Data) > 0
}

// forget drops a branch's list after this provider changed the branch.
func (c *branchLists[T]) forget(b planetscale.Branch) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.branches, b)
}

// branchAnswers reports whether the branch's list answers, which turns a
// credential's 404 into proof that it is gone: PlanetScale answers 404 also
// for a branch or database the token cannot see. A list this walk already
// read counts; otherwise one small page is asked for.
func (c *branchLists[T]) branchAnswers(ctx context.Context, b planetscale.Branch) error {
	c.mu.Lock()
	l, ok := c.branches[b]
	c.mu.Unlock()
	if ok {
		l.mu.Lock()
		seen := l.pagesRead > 0
		l.mu.Unlock()
		if seen {
			return nil
		}
	}
	_, err := c.fetch(ctx, b, 1)
	return err
}
