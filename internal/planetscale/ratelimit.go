package planetscale

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultRequestsPerMinute is PlanetScale's documented limit per token.
const DefaultRequestsPerMinute = 600

// defaultBurst lets a few requests go at once before pacing starts; it is
// kept small because requests delayed on the way can reach the API bunched.
const defaultBurst = 5

// limitedTransport paces every attempt (retries included) through one token
// bucket shared by all requests of the client, so Terraform's parallel
// operations stay under the API's limit instead of spending it on 429s.
//
// When the API answers 429 anyway (another pipeline shares the token), the
// rate is halved for every request of the process, at most once a second,
// and the bucket is emptied so requests already queued wait too. Each
// success then gives back 5% of the configured rate until it is reached.
type limitedTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter

	mu         sync.Mutex
	configured rate.Limit
	minimum    rate.Limit
	lastCut    time.Time
}

// headroom is the share of the limit the client uses: pacing exactly at the
// limit would meet it with any delay between here and the API's own clock.
const headroom = 0.9

func newLimitedTransport(next http.RoundTripper, perMinute, burst int) *limitedTransport {
	limit := rate.Limit(float64(perMinute) / 60 * headroom)
	return &limitedTransport{
		next:       next,
		limiter:    rate.NewLimiter(limit, burst),
		configured: limit,
		minimum:    limit / 16,
	}
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// Wait ends at once when the request's context is cancelled, or the
	// caller of a detached request (a create) stops: nothing was sent.
	waitCtx := req.Context()
	if stop := stopOf(waitCtx); stop != nil {
		var cancel context.CancelFunc
		waitCtx, cancel = context.WithCancel(waitCtx)
		defer cancel()
		defer context.AfterFunc(stop, cancel)()
	}
	if err := t.limiter.Wait(waitCtx); err != nil {
		return nil, fmt.Errorf("%w: waiting for a turn under the rate limit: %w", ErrNotSent, err)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		t.slowDown()
	} else if resp.StatusCode < 300 {
		t.recover()
	}
	return resp, nil
}

func (t *limitedTransport) slowDown() {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if now.Sub(t.lastCut) < time.Second {
		return
	}
	t.lastCut = now
	t.limiter.SetLimitAt(now, max(t.limiter.Limit()/2, t.minimum))
	// Take what is left in the bucket, so queued requests slow down too.
	if n := int(t.limiter.TokensAt(now)); n > 0 {
		t.limiter.AllowN(now, n)
	}
}

func (t *limitedTransport) recover() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if current := t.limiter.Limit(); current < t.configured {
		t.limiter.SetLimit(min(current+t.configured/20, t.configured))
	}
}

// RequestsPerMinute is the client's current pace (90% of the configured
// limit, lower after the API answered 429); 0 when it does not limit itself.
func (c *Client) RequestsPerMinute() float64 {
	if c.limiter == nil {
		return 0
	}
	return float64(c.limiter.limiter.Limit()) * 60
}
