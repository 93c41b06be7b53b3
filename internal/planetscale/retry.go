package planetscale

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
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

// A connection that cannot be made (refused, a host name that does not
// resolve) is no busy API: a server that is down or a wrong URL stays so
// for longer than any backoff is worth waiting. It is retried a few times
// within a few seconds (at most 0.25+0.5+1+2 s of waiting), to ride out a
// restart or a network blip, and then reported; the 5xx schedule above
// would wait over a minute per request first. MaxRetries bounds these
// retries too.
const (
	ConnectRetries     = 4
	defaultConnectWait = 250 * time.Millisecond
	maxConnectWait     = 2 * time.Second
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

// retryDecision says whether an attempt's result may be sent again, and why.
// It is the one place that knows which answers prove the API did not act.
func retryDecision(mode retryMode, resp *http.Response, err error) (retry bool, reason string) {
	if err != nil {
		if errors.Is(err, ErrNotSent) || errors.Is(err, errRedirect) || IsCertificateError(err) {
			// Nothing to gain from sending it again: the caller gave up, or
			// the server is not the API (a redirect, a certificate that fails).
			return false, ""
		}
		if notSent(err) {
			return true, "connection failed before the request was sent: " + cause(err)
		}
		return mode == retryTransient, "no answer: " + cause(err)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return true, "rate limited (429)"
	}
	if resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusGatewayTimeout {
		return mode == retryTransient, "API unavailable (" + strconv.Itoa(resp.StatusCode) + ")"
	}
	return false, ""
}

// stopped returns why a request must not be sent (again): its context
// ended, or, for a detached request, its caller stopped.
func stopped(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if stop := stopOf(ctx); stop != nil {
		return stop.Err()
	}
	return nil
}

// waitToRetry sleeps d, or less when ctx ends or the caller of a detached
// request stops: a stop during the wait must not be followed by a send.
func waitToRetry(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	var stopDone <-chan struct{}
	if stop := stopOf(ctx); stop != nil {
		stopDone = stop.Done()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-stopDone:
		return stopOf(ctx).Err()
	case <-timer.C:
		return nil
	}
}

// cause is what went wrong with an attempt, without the request's URL
// (which the log line names apart).
func cause(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return err.Error()
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
