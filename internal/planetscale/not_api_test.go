package planetscale_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// An answer that is not the API's (a base URL without /v1, a web page, a
// proxy's error) is told at the first answer, names the server, and is
// never the API's 404: nothing may read it as "gone". The API's own
// answers, 404s with its JSON body among them, stay the API's.
func TestAnswersThatAreNotTheAPIs(t *testing.T) {
	t.Parallel()
	// answering serves every path with one answer, counting requests.
	answering := func(status int, contentType, body string) (string, *atomic.Int32) {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			n.Add(1)
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		return srv.URL, &n
	}
	html, htmlCount := answering(http.StatusNotFound, "text/html", "<!DOCTYPE html><html><title>Page not found</title></html>")
	plain, plainCount := answering(http.StatusNotFound, "text/plain", "404 page not found\n")
	authProxy, authProxyCount := answering(http.StatusUnauthorized, "text/html", "<html>Sign in to the proxy</html>")
	apiShaped, apiShapedCount := answering(http.StatusNotFound, "application/json", `{"code":"not_found","message":"Not Found"}`)
	gateway, gatewayCount := answering(http.StatusBadGateway, "text/html", "<html>502 Bad Gateway</html>")

	cases := []struct {
		name, base string
		count      func() int32
		wantNotAPI bool
		missingV1  bool
		excerpt    string
		// sent is how often the request went: once, unless retried.
		sent int32
	}{
		// The API's (and the mock's) answer to a path it does not serve is
		// a JSON 404 like any other: under a base URL without /v1, only the
		// URL tells it apart.
		{"the API's 404 without /v1", apiShaped, apiShapedCount.Load, true, true, `"not_found"`, 1},
		{"the API's 404 without /v1, trailing slash", apiShaped + "/", apiShapedCount.Load, true, true, `"not_found"`, 1},
		{"an HTML 404 under /v1", html + "/v1", htmlCount.Load, true, false, "<!DOCTYPE html>", 1},
		{"a plain-text 404", plain + "/v1", plainCount.Load, true, false, "404 page not found", 1},
		{"an HTML 401", authProxy + "/v1", authProxyCount.Load, true, false, "Sign in to the proxy", 1},
		{"an HTML 404 without /v1", html, htmlCount.Load, true, true, "<!DOCTYPE html>", 1},
		{"the API's 404", apiShaped + "/v1", apiShapedCount.Load, false, false, "", 1},
		// A gateway's 5xx page is the API's trouble: it stays the API's
		// answer, retried as such.
		{"a gateway's 502 page", gateway + "/v1", gatewayCount.Load, false, false, "", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Not parallel: the servers count the requests of one case at
			// a time.
			c, _ := fastClient(t, tc.base, func(cfg *planetscale.Config) { cfg.MaxRetries = 2 })
			var before int32
			if tc.count != nil {
				before = tc.count()
			}
			_, err := c.GetPassword(context.Background(), vitess, "pw1")
			var notAPI *planetscale.NotAPIError
			if got := errors.As(err, &notAPI); got != tc.wantNotAPI {
				t.Fatalf("err = %v; not the API's answer: %t, want %t", err, got, tc.wantNotAPI)
			}
			if tc.count != nil {
				if n := tc.count() - before; n != tc.sent {
					t.Errorf("sent %d times, want %d", n, tc.sent)
				}
			}
			if !tc.wantNotAPI {
				var apiErr *planetscale.APIError
				if !errors.As(err, &apiErr) {
					t.Errorf("err = %v, want the API's answer", err)
				}
				return
			}
			if planetscale.IsNotFound(err) || planetscale.IsAuthError(err) {
				t.Errorf("an answer that is not the API's reads as the API's status: %v", err)
			}
			if notAPI.MissingV1 != tc.missingV1 || !strings.Contains(notAPI.Excerpt, tc.excerpt) {
				t.Errorf("missing /v1 %t, excerpt %q; want %t and %q", notAPI.MissingV1, notAPI.Excerpt, tc.missingV1, tc.excerpt)
			}
			server := strings.TrimSuffix(tc.base, "/")
			if notAPI.Server != server || !strings.Contains(err.Error(), "the server at "+server+" does not answer as the PlanetScale API") {
				t.Errorf("error does not name the server %s: %v", server, err)
			}
			if tc.missingV1 && !strings.Contains(err.Error(), "ends in /v1") {
				t.Errorf("error does not say the base URL ends in /v1: %v", err)
			}
		})
	}
}
