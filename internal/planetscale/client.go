// Package planetscale is a small client for the PlanetScale API's branch
// password and Postgres role endpoints. It knows nothing of Terraform.
package planetscale

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultBaseURL is the public PlanetScale API.
const DefaultBaseURL = "https://api.planetscale.com/v1"

// maxResponseBytes caps what is read of any response: a credential object is
// a few kilobytes, and a proxy's error page must not fill memory.
const maxResponseBytes = 4 << 20

// Config holds what a Client needs. Exactly one of the service token pair or
// AccessToken is expected; New reports anything else.
type Config struct {
	BaseURL        string
	ServiceTokenID string
	ServiceToken   string
	AccessToken    string
	UserAgent      string
	// Timeout bounds one HTTP exchange; zero means DefaultTimeout.
	Timeout time.Duration
	// MaxRetries bounds how often one request is sent again; zero means
	// DefaultMaxRetries. NoRetries sends each request once.
	MaxRetries int
	NoRetries  bool
	// RetryWaitMin and RetryWaitMax bound the wait between attempts; zero
	// means the defaults (tests shorten them).
	RetryWaitMin, RetryWaitMax time.Duration
	// RequestsPerMinute paces the client's requests (retries included)
	// below the API's rate limit; zero means DefaultRequestsPerMinute.
	// Unpaced sends them as fast as they come. Burst is how many may go at
	// once (zero: the default of 5).
	RequestsPerMinute int
	Unpaced           bool
	Burst             int
	// Transport replaces the default transport, for tests.
	Transport http.RoundTripper
	// Log receives one line per attempt, retry and answer: method, path,
	// status, attempt and timing, never a header or a body. Nil logs nothing.
	Log func(ctx context.Context, msg string, fields map[string]any)
	// Warn receives one line per wait before a retry: why the attempt
	// failed (never a header or a body), how long the wait is and when the
	// next attempt goes. Nil logs nothing.
	Warn func(ctx context.Context, msg string, fields map[string]any)
}

// DefaultTimeout bounds a single HTTP exchange.
const DefaultTimeout = 60 * time.Second

// Client calls the PlanetScale API. It is safe for concurrent use: its fields
// are set once by New and never written again, but for clockOffset, which is
// atomic.
type Client struct {
	baseURL    *url.URL
	authHeader string
	// token is the secret part of authHeader, withheld from every body
	// quoted in an error: a server that is not the API may echo it.
	token      string
	userAgent  string
	http       *http.Client
	limiter    *limitedTransport
	maxRetries int
	// waitMin and waitMax bound the backoff between attempts.
	waitMin, waitMax time.Duration
	// connectRetries, connectWaitMin and connectWaitMax are the short
	// schedule of a connection that could not be made (see ConnectRetries).
	connectRetries                 int
	connectWaitMin, connectWaitMax time.Duration
	// wait sleeps before a retry, ending early at a stop (waitToRetry;
	// tests record the schedule instead of sleeping it).
	wait      func(ctx context.Context, d time.Duration) error
	log, warn func(ctx context.Context, msg string, fields map[string]any)
	// clockOffset is how far the API's clock ran ahead of this machine's at
	// the last answer, in nanoseconds (see Now).
	clockOffset atomic.Int64
}

// Now is the time on the API's clock as last seen: this machine's time plus
// how far the last answer's Date header was ahead of the local time it
// arrived at (behind, when negative). Decisions that compare the API's
// timestamps with the present (a credential's age, how long since its last
// use) take it, so they follow the API's clock rather than a skewed local
// one, and a mock whose clock was moved forward. Before any answer, and
// after one without a Date header it can read, the offset is zero. Date has
// whole seconds, so Now may run up to a second (plus the answer's travel
// time) behind the API.
func (c *Client) Now() time.Time {
	return time.Now().Add(time.Duration(c.clockOffset.Load()))
}

// observeClock keeps the offset between resp's Date and arrived.
func (c *Client) observeClock(resp *http.Response, arrived time.Time) {
	var offset time.Duration
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		offset = date.Sub(arrived)
	}
	c.clockOffset.Store(int64(offset))
}

// New builds a Client from cfg.
func New(cfg Config) (*Client, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	// The URL is never quoted back: it could hold user:password@.
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("invalid PlanetScale API URL: want an absolute URL such as %s", DefaultBaseURL)
	}
	if u.User != nil {
		return nil, errors.New("invalid PlanetScale API URL: it holds credentials (user:password@); remove them and authenticate with a token")
	}
	// Request paths are appended to the URL, which a query or a fragment
	// would swallow.
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(base, "#") {
		return nil, errors.New("invalid PlanetScale API URL: it has a query (?...) or a fragment (#...); remove it")
	}

	var auth string
	switch {
	case cfg.AccessToken != "" && (cfg.ServiceTokenID != "" || cfg.ServiceToken != ""):
		return nil, errors.New("both a service token and an access token are set; use one")
	case cfg.AccessToken != "":
		auth = "Bearer " + cfg.AccessToken
	case cfg.ServiceTokenID != "" && cfg.ServiceToken != "":
		// Service tokens are sent as "<id>:<token>", without a scheme.
		auth = cfg.ServiceTokenID + ":" + cfg.ServiceToken
	default:
		return nil, errors.New("no credentials: set a service token ID and token, or an access token")
	}

	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	transport := cfg.Transport
	if transport == nil {
		transport = newTransport()
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = "terraform-provider-planetscale"
	}
	if cfg.MaxRetries < 0 || cfg.RequestsPerMinute < 0 || cfg.Burst < 0 {
		return nil, errors.New("MaxRetries, RequestsPerMinute and Burst must not be negative (NoRetries and Unpaced turn retries and pacing off)")
	}
	maxRetries := cmp.Or(cfg.MaxRetries, DefaultMaxRetries)
	if cfg.NoRetries {
		maxRetries = 0
	}
	c := &Client{
		baseURL:    u,
		authHeader: auth,
		token:      cmp.Or(cfg.AccessToken, cfg.ServiceToken),
		userAgent:  ua,
		maxRetries: maxRetries,
		log:        cfg.Log,
		warn:       cfg.Warn,

		connectRetries: min(maxRetries, ConnectRetries),
		wait:           waitToRetry,
	}
	if !cfg.Unpaced {
		c.limiter = newLimitedTransport(transport, cmp.Or(cfg.RequestsPerMinute, DefaultRequestsPerMinute), cmp.Or(cfg.Burst, defaultBurst))
		transport = c.limiter
	}
	c.waitMin, c.waitMax = cmp.Or(cfg.RetryWaitMin, defaultWaitMin), cmp.Or(cfg.RetryWaitMax, defaultWaitMax)
	// Never longer than the general schedule, which tests shorten.
	c.connectWaitMin, c.connectWaitMax = min(defaultConnectWait, c.waitMin), min(maxConnectWait, c.waitMax)
	c.http = &http.Client{
		Timeout:   timeout,
		Transport: transport,
		// The API never redirects; following one could carry the
		// Authorization header to another host or over plain http.
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			return fmt.Errorf("%w to %s://%s%s", errRedirect, req.URL.Scheme, req.URL.Host, req.URL.Path)
		},
	}
	return c, nil
}

func (c *Client) logf(ctx context.Context, msg string, fields map[string]any) {
	if c.log != nil {
		c.log(ctx, msg, fields)
	}
}

// newTransport is a keep-alive transport sized for Terraform's default
// parallelism of 10 concurrent operations (Go's default keeps only 2 idle
// connections per host).
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          32,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// Branch names the branch a credential lives on.
type Branch struct {
	Organization string
	Database     string
	Branch       string
}

// String is the "organization/database/branch" form used in messages.
func (b Branch) String() string {
	return b.Organization + "/" + b.Database + "/" + b.Branch
}

func (b Branch) path(collection string, rest ...string) string {
	segments := []string{
		"organizations", url.PathEscape(b.Organization),
		"databases", url.PathEscape(b.Database),
		"branches", url.PathEscape(b.Branch),
		collection,
	}
	for _, s := range rest {
		segments = append(segments, url.PathEscape(s))
	}
	return strings.Join(segments, "/")
}

// MaxPageSize is the largest page the list endpoints serve; every list
// this client reads in full asks for pages of this size.
const MaxPageSize = 100

// ListOptions selects one page of a list endpoint.
type ListOptions struct {
	Page    int
	PerPage int
	// Query filters by name (the API's "q" parameter).
	Query string
}

func (o ListOptions) values() url.Values {
	v := url.Values{}
	if o.Page > 0 {
		v.Set("page", fmt.Sprint(o.Page))
	}
	if o.PerPage > 0 {
		v.Set("per_page", fmt.Sprint(o.PerPage))
	}
	if o.Query != "" {
		v.Set("q", o.Query)
	}
	return v
}

// Page is the API's list envelope.
type Page[T any] struct {
	Type        string `json:"type"`
	CurrentPage int    `json:"current_page"`
	PerPage     int    `json:"per_page"`
	NextPage    *int   `json:"next_page"`
	PrevPage    *int   `json:"prev_page"`
	TotalCount  int    `json:"total_count"`
	TotalPages  int    `json:"total_pages"`
	Data        []T    `json:"data"`
}

// listAll follows next_page until the last page.
func listAll[T any](ctx context.Context, opts ListOptions, fetch func(context.Context, ListOptions) (*Page[T], error)) ([]T, error) {
	var all []T
	err := Each(ctx, opts, fetch, func(item *T) bool {
		all = append(all, *item)
		return true
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

// Each gives yield each item of each page in turn, in pages of
// MaxPageSize unless opts asks for another size, until the last page or
// until yield returns false; no page is fetched after that.
func Each[T any](ctx context.Context, opts ListOptions, fetch func(context.Context, ListOptions) (*Page[T], error), yield func(*T) bool) error {
	if opts.Page == 0 {
		opts.Page = 1
	}
	if opts.PerPage == 0 {
		opts.PerPage = MaxPageSize
	}
	for {
		page, err := fetch(ctx, opts)
		if err != nil {
			return err
		}
		for i := range page.Data {
			if !yield(&page.Data[i]) {
				return nil
			}
		}
		if page.NextPage == nil || *page.NextPage <= opts.Page {
			return nil
		}
		opts.Page = *page.NextPage
	}
}

// do sends one request (retried as mode allows) and decodes a JSON answer
// into out when out is not nil. Non-2xx answers become *APIError. Bodies
// are never logged, and quoted only in short, redacted excerpts: they can
// hold credentials.
//
// Every attempt is preceded by a check for a stop, and every wait between
// attempts ends at a stop: once the caller stops, nothing more is sent,
// whether the request runs on its context or detached from it.
func (c *Client) do(ctx context.Context, mode retryMode, method, path string, query url.Values, in, out any) error {
	// path is already escaped segment by segment; parsing keeps it so.
	u, err := url.Parse(c.baseURL.String() + "/" + path)
	if err != nil {
		return fmt.Errorf("building %s %s request: %w", method, path, err)
	}
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	var body []byte
	if in != nil {
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encoding %s %s request: %w", method, path, err)
		}
	}

	start := time.Now()
	// connectFailures counts the attempts that could not connect, which
	// have a short schedule of their own.
	connectFailures := 0
	for attempt := 1; ; attempt++ {
		if err := stopped(ctx); err != nil {
			return &TransportError{Method: method, Path: path, Err: fmt.Errorf("%w: %w", ErrNotSent, err)}
		}
		resp, raw, err := c.send(ctx, method, u, body, attempt)
		retry, reason := retryDecision(mode, resp, err)
		var result error
		if err != nil {
			result = &TransportError{Method: method, Path: path, Err: err, Attempts: attempt, Elapsed: time.Since(start)}
		} else {
			result = c.answer(method, path, resp, raw, out)
			var apiErr *APIError
			if errors.As(result, &apiErr) {
				apiErr.Attempts, apiErr.Elapsed = attempt, time.Since(start)
			}
		}
		var wait time.Duration
		if err != nil && notSent(err) {
			connectFailures++
			if connectFailures > c.connectRetries {
				retry = false
			}
			wait = backoff(c.connectWaitMin, c.connectWaitMax, connectFailures-1, nil)
		} else {
			wait = backoff(c.waitMin, c.waitMax, attempt-1-connectFailures, resp)
		}
		if !retry || attempt > c.maxRetries {
			return result
		}
		c.logf(ctx, "PlanetScale API request will be retried", map[string]any{
			"method": method, "path": u.Path, "attempt": attempt, "reason": reason,
		})
		if c.warn != nil {
			next := time.Now().Add(wait).UTC().Format("2006-01-02T15:04:05.000Z07:00")
			c.warn(ctx, fmt.Sprintf("PlanetScale API %s %s failed: %s; retrying in %s, at %s (attempt %d)",
				method, u.Path, reason, wait.Round(time.Millisecond), next, attempt+1), map[string]any{
				"method": method, "path": u.Path, "attempt": attempt, "cause": reason,
				"wait_ms": wait.Milliseconds(), "next_attempt_at": next,
			})
		}
		if err := c.wait(ctx, wait); err != nil {
			if mode == retryIfNotActed {
				// Retried only because the API certainly did not act.
				return &TransportError{Method: method, Path: path, Err: fmt.Errorf("%w: stopped while waiting to retry (%s): %w", ErrNotSent, reason, err)}
			}
			return fmt.Errorf("stopped while waiting to retry (%s): %w", reason, errors.Join(result, err))
		}
	}
}

// send makes one attempt and reads its whole answer; a body that breaks
// off is a failed attempt like a refused connection.
func (c *Client) send(ctx context.Context, method string, u *url.URL, body []byte, attempt int) (*http.Response, []byte, error) {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reader)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", c.authHeader)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.logf(ctx, "PlanetScale API request", map[string]any{"method": method, "path": u.Path, "attempt": attempt})
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil && resp != nil {
		resp.Body.Close() // a refused redirect's answer
	}
	if err == nil {
		c.observeClock(resp, time.Now())
		var raw []byte
		raw, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
		resp.Body.Close()
		if err == nil {
			c.logf(ctx, "PlanetScale API response", map[string]any{
				"method": method, "path": u.Path, "status": resp.StatusCode, "duration_ms": time.Since(start).Milliseconds(),
			})
			return resp, raw, nil
		}
	}
	c.logf(ctx, "PlanetScale API request failed", map[string]any{
		"method": method, "path": u.Path, "error": err.Error(), "duration_ms": time.Since(start).Milliseconds(),
	})
	return nil, nil, err
}

// answer turns an answer into out or an error, telling an answer that is
// not the API's from the API's own errors.
func (c *Client) answer(method, path string, resp *http.Response, raw []byte, out any) error {
	// Bodies are quoted in errors' excerpts; the API's never hold the token.
	if c.token != "" {
		raw = bytes.ReplaceAll(raw, []byte(c.token), []byte("[redacted]"))
	}
	if notAPI := notTheAPI(c.baseURL, method, path, resp, raw); notAPI != nil {
		return notAPI
	}
	return decodeResponse(method, path, resp, raw, out)
}

// decodeResponse turns an answer into out or an error. It never panics,
// whatever the body holds.
func decodeResponse(method, path string, resp *http.Response, raw []byte, out any) error {
	if len(raw) > maxResponseBytes {
		return &DecodeError{Method: method, Path: path, StatusCode: resp.StatusCode, Err: fmt.Errorf("response larger than %d bytes", maxResponseBytes)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newAPIError(method, path, resp, raw)
	}
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return &DecodeError{Method: method, Path: path, StatusCode: resp.StatusCode, Err: errors.New("empty response body")}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &DecodeError{Method: method, Path: path, StatusCode: resp.StatusCode, Err: err, Excerpt: excerpt(raw)}
	}
	return nil
}
