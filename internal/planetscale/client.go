// Package planetscale is a small client for the PlanetScale API's branch
// password and Postgres role endpoints. It knows nothing of Terraform.
package planetscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
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
	// Transport replaces the default transport, for tests.
	Transport http.RoundTripper
}

// DefaultTimeout bounds a single HTTP exchange.
const DefaultTimeout = 60 * time.Second

// Client calls the PlanetScale API. It is safe for concurrent use: its fields
// are set once by New and never written again.
type Client struct {
	baseURL    *url.URL
	authHeader string
	userAgent  string
	httpClient *http.Client
}

// New builds a Client from cfg.
func New(cfg Config) (*Client, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("invalid PlanetScale API URL %q: want an absolute URL such as %s", base, DefaultBaseURL)
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
	return &Client{
		baseURL:    u,
		authHeader: auth,
		userAgent:  ua,
		httpClient: &http.Client{Timeout: timeout, Transport: transport},
	}, nil
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
	if opts.Page == 0 {
		opts.Page = 1
	}
	var all []T
	for {
		page, err := fetch(ctx, opts)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Data...)
		if page.NextPage == nil || *page.NextPage <= opts.Page {
			return all, nil
		}
		opts.Page = *page.NextPage
	}
}

// do sends one request and decodes a JSON answer into out (when out is not
// nil). Non-2xx answers become *APIError. Bodies are never logged or quoted
// whole: they can hold credentials.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	// path is already escaped segment by segment; parsing keeps it so.
	u, err := url.Parse(c.baseURL.String() + "/" + path)
	if err != nil {
		return fmt.Errorf("building %s %s request: %w", method, path, err)
	}
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}

	var body io.Reader
	if in != nil {
		buf, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding %s %s request: %w", method, path, err)
		}
		body = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return fmt.Errorf("building %s %s request: %w", method, path, err)
	}
	req.Header.Set("Authorization", c.authHeader)
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.httpClient.Do(req)
	if err != nil {
		return &TransportError{Method: method, Path: path, Err: err}
	}
	defer resp.Body.Close()

	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return &TransportError{Method: method, Path: path, Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newAPIError(method, path, resp, raw)
	}
	if out == nil || len(bytes.TrimSpace(raw)) == 0 {
		if out != nil {
			return &DecodeError{Method: method, Path: path, StatusCode: resp.StatusCode, Err: errors.New("empty response body")}
		}
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &DecodeError{Method: method, Path: path, StatusCode: resp.StatusCode, Err: err}
	}
	return nil
}
