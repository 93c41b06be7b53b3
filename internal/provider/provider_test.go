package provider

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// configure runs the provider's Configure with the given attribute values;
// a missing key is null, and tftypes.UnknownValue makes it unknown.
func configure(t *testing.T, values map[string]any) *fwprovider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var schemaResp fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &schemaResp)
	attrs := map[string]tftypes.Value{}
	for name, attr := range schemaResp.Schema.Attributes {
		attrs[name] = tftypes.NewValue(attr.GetType().TerraformType(ctx), values[name])
	}
	cfg := tfsdk.Config{
		Schema: schemaResp.Schema,
		Raw:    tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), attrs),
	}
	resp := &fwprovider.ConfigureResponse{}
	p.Configure(ctx, fwprovider.ConfigureRequest{Config: cfg, TerraformVersion: "1.11.4"}, resp)
	return resp
}

func clearEnv(t *testing.T) {
	for _, env := range []string{envServiceTokenID, envServiceToken, envAccessToken, envServerURL, envMaxRetries, envMaxRequests} {
		t.Setenv(env, "")
	}
}

func TestConfigureErrors(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]any
		env    map[string]string
		attr   string // attribute the error is attached to; "" for none
		want   []string
	}{
		{
			name: "retries from the environment out of range",
			env:  map[string]string{envServiceTokenID: "id", envServiceToken: "tok", envMaxRetries: "99"},
			attr: "max_retries",
			want: []string{"Invalid PlanetScale Provider Setting", envMaxRetries, `"99"`, "a whole number from 0 to 50", "max_retries"},
		},
		{
			name: "request rate from the environment not a number",
			env:  map[string]string{envServiceTokenID: "id", envServiceToken: "tok", envMaxRequests: "fast"},
			attr: "max_requests_per_minute",
			want: []string{"Invalid PlanetScale Provider Setting", envMaxRequests, `"fast"`, "a whole number of at least 0", "max_requests_per_minute"},
		},
		{
			name: "no credentials",
			want: []string{"Missing PlanetScale Credentials", "service_token_id", "service_token", envServiceTokenID, envServiceToken, "access_token", envAccessToken},
		},
		{
			name:   "service token ID without token",
			values: map[string]any{"service_token_id": "id"},
			attr:   "service_token",
			want:   []string{"Incomplete PlanetScale Service Token", "provider attribute service_token_id", "service_token attribute", envServiceToken},
		},
		{
			name: "service token from env without ID",
			env:  map[string]string{envServiceToken: "tok"},
			attr: "service_token_id",
			want: []string{"environment variable " + envServiceToken, "service_token_id attribute", envServiceTokenID},
		},
		{
			name:   "service token and access token",
			values: map[string]any{"service_token_id": "id", "service_token": "tok"},
			env:    map[string]string{envAccessToken: "oauth"},
			attr:   "access_token",
			want:   []string{"Conflicting PlanetScale Credentials", "environment variable " + envAccessToken, "provider attribute service_token_id", envServiceTokenID, envServiceToken},
		},
		{
			name:   "server_url not a URL",
			values: map[string]any{"access_token": "a", "server_url": "api.planetscale.com"},
			attr:   "server_url",
			want:   []string{"Invalid PlanetScale Server URL", "provider attribute server_url", envServerURL, "not an absolute http(s) URL"},
		},
		{
			name:   "server_url with a bad escape",
			values: map[string]any{"access_token": "a", "server_url": "https://x/%zz"},
			attr:   "server_url",
			want:   []string{"not a URL"},
		},
		{
			name:   "server_url with credentials",
			values: map[string]any{"access_token": "a", "server_url": "https://user:hunter2@api.planetscale.com/v1"},
			attr:   "server_url",
			want:   []string{"Invalid PlanetScale Server URL", "holds credentials", "user:xxxxx@"},
		},
		{
			name:   "server_url with credentials and a bad escape",
			values: map[string]any{"access_token": "a", "server_url": "https://user:hunter2@x/%zz"},
			attr:   "server_url",
			want:   []string{"not a URL", "not shown"},
		},
		{
			name:   "server_url with a query",
			values: map[string]any{"access_token": "a", "server_url": "https://api.planetscale.com/v1?api_key=hunter2"},
			attr:   "server_url",
			want:   []string{"Invalid PlanetScale Server URL", "provider attribute server_url", "has a query", "remove it", `"https://api.planetscale.com/v1"`},
		},
		{
			name:   "server_url with an empty query",
			values: map[string]any{"access_token": "a"},
			env:    map[string]string{envServerURL: "https://api.planetscale.com/v1?"},
			attr:   "server_url",
			want:   []string{"environment variable " + envServerURL, "has a query", "remove it"},
		},
		{
			name:   "server_url with a fragment",
			values: map[string]any{"access_token": "a", "server_url": "http://127.0.0.1:8080/v1#hunter2"},
			attr:   "server_url",
			want:   []string{"Invalid PlanetScale Server URL", "has a fragment", "remove it"},
		},
		{
			name:   "server_url with an empty fragment",
			values: map[string]any{"access_token": "a", "server_url": "https://api.planetscale.com/v1#"},
			attr:   "server_url",
			want:   []string{"has a fragment", "remove it"},
		},
		{
			name:   "plain http to a remote host",
			values: map[string]any{"access_token": "a"},
			env:    map[string]string{envServerURL: "http://api.example.com/v1"},
			attr:   "server_url",
			want:   []string{"environment variable " + envServerURL, "clear text", `"api.example.com"`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resp := configure(t, tc.values)
			if !resp.Diagnostics.HasError() {
				t.Fatal("no error")
			}
			d := resp.Diagnostics.Errors()[0]
			text := d.Summary() + ": " + d.Detail()
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("error lacks %q:\n%s", w, text)
				}
			}
			if tc.attr != "" {
				withPath, ok := d.(interface{ Path() path.Path })
				if !ok || !withPath.Path().Equal(path.Root(tc.attr)) {
					t.Errorf("error not attached to attribute %s: %#v", tc.attr, d)
				}
			}
			if strings.Contains(text, "hunter2") {
				t.Errorf("error shows the password of server_url: %s", text)
			}
			for _, secret := range []string{"tok", "oauth"} {
				if strings.Contains(d.Detail(), `"`+secret+`"`) {
					t.Errorf("error shows a secret value: %s", d.Detail())
				}
			}
			if resp.ResourceData != nil {
				t.Error("a failed Configure handed resources a client")
			}
		})
	}
}

func TestConfigureAccepts(t *testing.T) {
	cases := []struct {
		name            string
		values          map[string]any
		env             map[string]string
		wantCredentials string
		wantPace        float64
	}{
		{
			name:            "service token attributes",
			values:          map[string]any{"service_token_id": "id", "service_token": "tok"},
			wantCredentials: "service token from provider attribute service_token_id and provider attribute service_token",
			wantPace:        600 * 0.9,
		},
		{
			name:            "service token from env",
			env:             map[string]string{envServiceTokenID: "id", envServiceToken: "tok", envMaxRequests: "120"},
			wantCredentials: "service token from environment variable " + envServiceTokenID + " and environment variable " + envServiceToken,
			wantPace:        120 * 0.9,
		},
		{
			name:            "configuration wins over env",
			values:          map[string]any{"access_token": "a", "server_url": "https://api.planetscale.com/v1", "max_requests_per_minute": 0},
			env:             map[string]string{envAccessToken: "b", envServerURL: "http://remote.example.com", envMaxRequests: "300"},
			wantCredentials: "OAuth access token from provider attribute access_token",
			wantPace:        0, // max_requests_per_minute = 0 turns pacing off
		},
		{
			name:            "http to loopback",
			values:          map[string]any{"access_token": "a", "server_url": "http://127.0.0.1:8080/v1"},
			wantCredentials: "OAuth access token from provider attribute access_token",
			wantPace:        600 * 0.9,
		},
		{
			name:            "http to localhost and IPv6 loopback",
			values:          map[string]any{"access_token": "a", "server_url": "http://[::1]:8080/v1"},
			wantCredentials: "OAuth access token from provider attribute access_token",
			wantPace:        600 * 0.9,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resp := configure(t, tc.values)
			if resp.Diagnostics.HasError() {
				t.Fatalf("unexpected error: %v", resp.Diagnostics)
			}
			data, ok := resp.ResourceData.(*providerData)
			if !ok || data.client == nil {
				t.Fatalf("ResourceData = %#v", resp.ResourceData)
			}
			if data.credentials != tc.wantCredentials {
				t.Errorf("credentials = %q, want %q", data.credentials, tc.wantCredentials)
			}
			if got := data.client.RequestsPerMinute(); got != tc.wantPace {
				t.Errorf("pace = %v requests a minute, want %v", got, tc.wantPace)
			}
		})
	}
}

func TestConfigureToleratesUnknown(t *testing.T) {
	clearEnv(t)
	resp := configure(t, map[string]any{"service_token_id": tftypes.UnknownValue, "service_token": "tok"})
	if resp.Diagnostics.HasError() {
		t.Fatalf("unknown value rejected at plan time: %v", resp.Diagnostics)
	}
	if resp.ResourceData != nil {
		t.Error("client built from unknown values")
	}
}

// While the provider waits to retry, the log says so at WARN, one line per
// wait, with the cause and when the next attempt goes, and without the
// token: a run against an unreachable API must not look like a hang.
func TestRetryWaitsAreLoggedAsWarnings(t *testing.T) {
	clearEnv(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String() + "/v1"
	l.Close()
	resp := configure(t, map[string]any{"service_token_id": "id", "service_token": "pscale_tkn_never_logged", "server_url": refused, "max_retries": 2})
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	data, ok := resp.ResourceData.(*providerData)
	if !ok {
		t.Fatalf("Configure handed resources %T, not *providerData", resp.ResourceData)
	}

	var logged bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logged)
	if _, err := data.client.ListPasswords(ctx, planetscale.Branch{Organization: "acme", Database: "app-db", Branch: "main"}, planetscale.ListOptions{}); err == nil {
		t.Fatal("no error from a refused connection")
	}
	entries, err := tflogtest.MultilineJSONDecode(&logged)
	if err != nil {
		t.Fatal(err)
	}
	var warnings []map[string]any
	for _, e := range entries {
		if e["@level"] == "warn" {
			warnings = append(warnings, e)
		}
	}
	if len(warnings) != 2 {
		t.Fatalf("%d WARN lines for 2 waits:\n%s", len(warnings), logged.String())
	}
	for i, w := range warnings {
		msg, _ := w["@message"].(string)
		next, _ := w["next_attempt_at"].(string)
		if _, err := time.Parse(time.RFC3339Nano, next); err != nil || !strings.Contains(msg, next) {
			t.Errorf("WARN line %d does not say when the next attempt goes: %v", i+1, w)
		}
		if cause, _ := w["cause"].(string); !strings.Contains(cause, "connection refused") || !strings.Contains(msg, "connection refused") {
			t.Errorf("WARN line %d does not give the cause: %v", i+1, w)
		}
	}
	if strings.Contains(logged.String(), "pscale_tkn_never_logged") {
		t.Errorf("the log holds the token:\n%s", logged.String())
	}
}
