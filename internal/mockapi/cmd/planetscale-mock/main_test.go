package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/contract"
	"github.com/credsmith/terraform-provider-planetscale/internal/mockapi"
)

// The test controls are served beside the validator, the API behind it: a
// control is no violation, an exchange the document rejects still is.
func TestRoutesServeControlsBesideTheContract(t *testing.T) {
	t.Parallel()
	mock := mockapi.NewWithDefaultWorld()
	check, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	h := routes(mock, check)
	serve := func(method, path, auth, body string) int {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}

	before := mock.Now()
	if got := serve(http.MethodPost, "/_mock/advance", "", `{"duration":"25h"}`); got != http.StatusNoContent {
		t.Fatalf("POST /_mock/advance = %d, want 204", got)
	}
	if moved := mock.Now().Sub(before); moved < 25*time.Hour {
		t.Errorf("the mock's clock moved %s, want 25h", moved)
	}
	if v := check.Violations(); len(v) != 0 {
		t.Errorf("a test control reached the validator: %v", v)
	}

	auth := mockapi.DefaultServiceTokenID + ":" + mockapi.DefaultServiceToken
	if got := serve(http.MethodGet, "/v1/organizations/acme/databases/app-db/branches/main/passwords", auth, ""); got != http.StatusOK {
		t.Errorf("list passwords = %d, want 200", got)
	}
	if got := serve(http.MethodGet, "/v1/organizations/acme/databases/app-db/branches/main/passwords", "", ""); got != http.StatusUnauthorized {
		t.Errorf("list passwords without Authorization = %d, want 401", got)
	}
	v := check.Violations()
	if len(v) == 0 {
		t.Error("the request without Authorization passed the validator, want it reported")
	}
	for _, one := range v {
		if one.Field != "header Authorization" {
			t.Errorf("violation %s, want only those of the request without Authorization", one)
		}
	}
}
