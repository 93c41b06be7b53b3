package planetscale_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// A server that is not the API (a debugging proxy, an
// echo service, a wrong server_url) may answer with a page that echoes the
// request, Authorization header included. The NotAPIError quotes the start
// of that body, and its message ends up in Terraform's diagnostics: the
// token must not be in it.
func TestNotAPIErrorNeverQuotesTheToken(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("no route for " + r.URL.Path + "; Authorization: " + r.Header.Get("Authorization")))
	}))
	t.Cleanup(srv.Close)
	c, _ := fastClient(t, srv.URL+"/v1")
	_, err := c.GetPassword(context.Background(), vitess, "pw1")
	var notAPI *planetscale.NotAPIError
	if !errors.As(err, &notAPI) {
		t.Fatalf("err = %v, want a NotAPIError", err)
	}
	if strings.Contains(err.Error(), mockapi.DefaultServiceToken) {
		t.Errorf("the error quotes the service token: %s", strings.ReplaceAll(err.Error(), mockapi.DefaultServiceToken, "<TOKEN>"))
	}
}
