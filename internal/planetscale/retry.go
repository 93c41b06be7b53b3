package planetscale

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Retry defaults. Terraform runs unattended: a busy API (429) or a gateway
// hiccup (502/503/504) should cost a wait, not a failed apply.
const (
	DefaultMaxRetries = 8
	defaultWaitMin    = 500 * time.Millisecond
	defaultWaitMax    = 30 * time.Second
	// maxRetryAfter caps a server's Retry-After, so a wrong header cannot
	// park an apply for hours.
	maxRetryAfter = 60 * time.Second
)

// retryMode says when a request may be sent again.
type retryMode int

const (
	// retryTransient: reads, updates, deletes and renewals, whose repetition
	// changes nothing more than the first attempt would have.
	retryTransient retryMode = iota
	// retryIfNotActed: creates and password resets. Sending one twice could
	// mint a second credential whose secret is lost, so they are retried only
	// when the API certainly did not act: a 429, or a connection that was
	// never made.
	retryIfNotActed
)

type retryModeKey struct{}

func withRetryMode(ctx context.Context, m retryMode) context.Context {
	return context.WithValue(ctx, retryModeKey{}, m)
}

func retryModeOf(ctx context.Context) retryMode {
	m, _ := ctx.Value(retryModeKey{}).(retryMode)
	return m
}

// checkRetry is the retryablehttp CheckRetry policy.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	mode := retryModeOf(ctx)
	retry, reason := false, ""
	switch {
	case err != nil && (errors.Is(err, ErrNotSent) || errors.Is(err, errRedirect) || IsCertificateError(err)):
		// Nothing to gain from sending it again: the caller gave up, or the
		// server is not the API (a redirect, a certificate that fails).
	case err != nil && notSent(err):
		retry, reason = true, "connection failed before the request was sent"
	case err != nil:
		retry, reason = mode == retryTransient, "no answer"
	case resp.StatusCode == http.StatusTooManyRequests:
		retry, reason = true, "rate limited (429)"
	case resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable, resp.StatusCode == http.StatusGatewayTimeout:
		retry, reason = mode == retryTransient, "API unavailable ("+strconv.Itoa(resp.StatusCode)+")"
	}
	if retry && mode == retryIfNotActed {
		// The last attempt certainly made nothing; after a stop, sending
		// another would be a new create nobody waits for.
		if stop := stopOf(ctx); stop != nil && stop.Err() != nil {
			return false, fmt.Errorf("%w: stopped before retrying (%s)", ErrNotSent, reason)
		}
	}
	if retry {
		fields := map[string]any{"reason": reason}
		if resp != nil && resp.Request != nil {
			fields["method"], fields["path"] = resp.Request.Method, resp.Request.URL.Path
		}
		c.logf(ctx, "PlanetScale API request will be retried", fields)
	}
	return retry, nil
}

// notSent reports a failure to connect: the request never reached the API.
func notSent(err error) bool {
	if errors.Is(err, ErrNotSent) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// backoff is exponential with jitter, except that a Retry-After header (in
// seconds or as an HTTP date) is honoured up to maxRetryAfter.
func backoff(waitMin, waitMax time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxRetryAfter)
		}
	}
	wait := waitMin << min(attempt, 20)
	if wait <= 0 || wait > waitMax {
		wait = waitMax
	}
	// Full jitter in the upper half, so parallel operations spread out.
	return wait/2 + rand.N(wait/2+1)
}

func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Anything past a day is capped later anyway; bounding it here
		// keeps the multiplication from overflowing.
		return time.Duration(min(secs, 86400)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
