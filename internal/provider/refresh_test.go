package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// fakeBranch serves n credentials named id-0 … id-(n-1) in pages.
type fakeBranch struct {
	mu      sync.Mutex
	n       int
	fetches []int // pages asked for
	fail    bool
}

func (f *fakeBranch) fetch(_ context.Context, _ planetscale.Branch, page int) (*planetscale.Page[planetscale.Password], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetches = append(f.fetches, page)
	if f.fail {
		return nil, errors.New("boom")
	}
	out := &planetscale.Page[planetscale.Password]{CurrentPage: page, TotalCount: f.n, TotalPages: (f.n + planetscale.MaxPageSize - 1) / planetscale.MaxPageSize}
	for i := (page - 1) * planetscale.MaxPageSize; i < min(page*planetscale.MaxPageSize, f.n); i++ {
		out.Data = append(out.Data, planetscale.Password{ID: fmt.Sprint("id-", i)})
	}
	return out, nil
}

func newFake(n int) (*fakeBranch, *branchLists[planetscale.Password]) {
	f := &fakeBranch{n: n}
	return f, newBranchLists(f.fetch, func(p *planetscale.Password) string { return p.ID })
}

var someBranch = planetscale.Branch{Organization: "o", Database: "d", Branch: "b"}

func TestBranchListsOnePageServesAll(t *testing.T) {
	t.Parallel()
	f, lists := newFake(40)
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p, ok := lists.lookup(context.Background(), someBranch, fmt.Sprint("id-", i)); !ok || p.ID != fmt.Sprint("id-", i) {
				t.Errorf("id-%d not served from the list", i)
			}
		}()
	}
	wg.Wait()
	if len(f.fetches) != 1 {
		t.Errorf("fetched pages %v, want one", f.fetches)
	}
	if _, ok := lists.lookup(context.Background(), someBranch, "gone"); ok {
		t.Error("a credential not in the list was reported found")
	}
}

func TestBranchListsReadsMorePagesOnlyWhenTheyPay(t *testing.T) {
	t.Parallel()
	f, lists := newFake(250) // 3 pages
	ctx := context.Background()
	// Early reads of credentials beyond page 1 miss: the caller GETs them.
	for i := 0; i < 2; i++ {
		if _, ok := lists.lookup(ctx, someBranch, fmt.Sprint("id-", 200+i)); ok {
			t.Fatalf("read %d: found before the branch had enough reads to pay for more pages", i+1)
		}
	}
	if len(f.fetches) != 1 {
		t.Fatalf("fetched %v after 2 reads, want only page 1", f.fetches)
	}
	// The third read (one per page) pays for the rest.
	if _, ok := lists.lookup(ctx, someBranch, "id-249"); !ok {
		t.Fatal("id-249 not found after all pages were read")
	}
	if fmt.Sprint(f.fetches) != "[1 2 3]" {
		t.Errorf("fetched %v, want [1 2 3]", f.fetches)
	}
}

func TestBranchListsHugeBranchCostsOneList(t *testing.T) {
	t.Parallel()
	f, lists := newFake(5000) // 50 pages of credentials nobody manages here
	for i := 0; i < 3; i++ {
		lists.lookup(context.Background(), someBranch, fmt.Sprint("mine-", i))
	}
	if len(f.fetches) != 1 {
		t.Errorf("fetched %v for 3 reads, want page 1 only", f.fetches)
	}
}

func TestBranchListsFallBackOnError(t *testing.T) {
	t.Parallel()
	f, lists := newFake(10)
	f.fail = true
	for i := 0; i < 3; i++ {
		if _, ok := lists.lookup(context.Background(), someBranch, "id-1"); ok {
			t.Fatal("found despite a failing list")
		}
	}
	if len(f.fetches) != 1 {
		t.Errorf("retried the failing list %d times", len(f.fetches))
	}
}

func TestBranchListsForget(t *testing.T) {
	t.Parallel()
	f, lists := newFake(10)
	lists.lookup(context.Background(), someBranch, "id-1")
	lists.forget(someBranch)
	lists.lookup(context.Background(), someBranch, "id-1")
	if len(f.fetches) != 2 {
		t.Errorf("fetches = %v, want a new list after forget", f.fetches)
	}
	var none *branchLists[planetscale.Password]
	if _, ok := none.lookup(context.Background(), someBranch, "x"); ok {
		t.Error("a nil cache found something")
	}
}

func BenchmarkBranchListsLookup(b *testing.B) {
	_, lists := newFake(100)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		lists.lookup(ctx, someBranch, fmt.Sprint("id-", i%100))
	}
}

// BenchmarkBranchListsRefresh is the refresh of 200 credentials on a branch
// of 200 (two pages), ten at a time as Terraform reads them, from a cold
// cache. It reports the API requests one refresh costs: list pages plus
// the GETs of reads that came before the pages that hold them.
func BenchmarkBranchListsRefresh(b *testing.B) {
	ctx := context.Background()
	var requests int
	for b.Loop() {
		f, lists := newFake(200)
		ids := make(chan int)
		var wg sync.WaitGroup
		var gets atomic.Int64
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range ids {
					if _, ok := lists.lookup(ctx, someBranch, fmt.Sprint("id-", i)); !ok {
						gets.Add(1)
					}
				}
			}()
		}
		// Terraform's order is its graph's, not the API's: the page-2
		// credentials come first here.
		for i := range 200 {
			ids <- 199 - i
		}
		close(ids)
		wg.Wait()
		requests += len(f.fetches) + int(gets.Load())
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests/refresh")
}
