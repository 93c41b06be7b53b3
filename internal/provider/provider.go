package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// Environment variables read when the matching attribute is not set.
const (
	envServiceTokenID = "PLANETSCALE_SERVICE_TOKEN_ID"
	envServiceToken   = "PLANETSCALE_SERVICE_TOKEN"
	envAccessToken    = "PLANETSCALE_ACCESS_TOKEN"
	envServerURL      = "PLANETSCALE_SERVER_URL"
	envMaxRetries     = "PLANETSCALE_MAX_RETRIES"
	envMaxRequests    = "PLANETSCALE_MAX_REQUESTS_PER_MINUTE"
)

var (
	_ provider.Provider                       = (*planetscaleProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*planetscaleProvider)(nil)
	_ provider.ProviderWithListResources      = (*planetscaleProvider)(nil)
	_ provider.ProviderWithActions            = (*planetscaleProvider)(nil)
	_ provider.ProviderWithFunctions          = (*planetscaleProvider)(nil)
)

type planetscaleProvider struct {
	version string
	// now is the provider's clock; nil is the API's (see Configure).
	now func() time.Time
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return NewWithClock(version, nil)
}

// NewWithClock is New with another clock, so that acceptance tests can move
// the provider's time along with the mock API's instead of waiting.
func NewWithClock(version string, now func() time.Time) func() provider.Provider {
	return func() provider.Provider {
		return &planetscaleProvider{version: version, now: now}
	}
}

type providerModel struct {
	ServiceTokenID types.String `tfsdk:"service_token_id"`
	ServiceToken   types.String `tfsdk:"service_token"`
	AccessToken    types.String `tfsdk:"access_token"`
	ServerURL      types.String `tfsdk:"server_url"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	MaxRequests    types.Int64  `tfsdk:"max_requests_per_minute"`
}

func (p *planetscaleProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "planetscale"
	resp.Version = p.version
}

func (p *planetscaleProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages PlanetScale database credentials: Vitess/MySQL branch passwords and Postgres roles. " +
			"Authenticate with a service token (`service_token_id` and `service_token`) or an OAuth access token (`access_token`), not both.",
		Attributes: map[string]schema.Attribute{
			"service_token_id": schema.StringAttribute{
				MarkdownDescription: "ID of the PlanetScale service token. Set together with `service_token`. Falls back to the `" + envServiceTokenID + "` environment variable.",
				Optional:            true,
			},
			"service_token": schema.StringAttribute{
				MarkdownDescription: "PlanetScale service token. Set together with `service_token_id`. Falls back to the `" + envServiceToken + "` environment variable.",
				Optional:            true,
				Sensitive:           true,
			},
			"access_token": schema.StringAttribute{
				MarkdownDescription: "PlanetScale OAuth access token, sent as `Authorization: Bearer <token>`. Use instead of a service token. Falls back to the `" + envAccessToken + "` environment variable.",
				Optional:            true,
				Sensitive:           true,
			},
			"server_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the PlanetScale API. Defaults to `" + planetscale.DefaultBaseURL + "`; falls back to the `" + envServerURL + "` environment variable. " +
					"It ends in `/v1`, the prefix of every API path. " +
					"Must be `https://`, except for a loopback host (such as the mock API on `http://127.0.0.1:<port>/v1`), and without a query (`?...`) or fragment (`#...`).",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How often a request is retried when the API answers 429 (rate limited; `Retry-After` is honoured) or 502/503/504, "+
					"or an answer is lost, with exponential backoff and jitter. A connection that cannot be made (refused, a host name that does not resolve) "+
					"is retried at most %d times within a few seconds. A create is retried only when the API certainly did not act; "+
					"see the provider documentation. Each wait is logged at WARN. `0` disables retries. Defaults to `%d`; falls back to the `%s` environment variable.",
					planetscale.ConnectRetries, planetscale.DefaultMaxRetries, envMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 50)},
			},
			"max_requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Paces this provider's API requests, retries included, to stay under PlanetScale's rate limit "+
					"(%d requests a minute per token) instead of spending it on 429s. All resources of one provider configuration share the pace; "+
					"it keeps 10%% headroom, slows down for every request when the API answers 429 anyway, and recovers gradually. "+
					"`0` turns pacing off. Defaults to `%d`; falls back to the `%s` environment variable.",
					planetscale.DefaultRequestsPerMinute, planetscale.DefaultRequestsPerMinute, envMaxRequests),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
		},
	}
}

// setting is one provider setting resolved from configuration or environment.
type setting struct {
	attr, env string
	value     string
	fromEnv   bool
}

func (s setting) source() string {
	if s.fromEnv {
		return "environment variable " + s.env
	}
	return "provider attribute " + s.attr
}

func resolve(attr, env string, v types.String) setting {
	if !v.IsNull() && v.ValueString() != "" {
		return setting{attr: attr, env: env, value: v.ValueString()}
	}
	if e := os.Getenv(env); e != "" {
		return setting{attr: attr, env: env, value: e, fromEnv: true}
	}
	return setting{attr: attr, env: env}
}

func (p *planetscaleProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Values that depend on other resources are unknown during plan.
	// Resources then receive no client; they are configured again at apply.
	if cfg.ServiceTokenID.IsUnknown() || cfg.ServiceToken.IsUnknown() || cfg.AccessToken.IsUnknown() || cfg.ServerURL.IsUnknown() || cfg.MaxRetries.IsUnknown() || cfg.MaxRequests.IsUnknown() {
		return
	}

	tokenID := resolve("service_token_id", envServiceTokenID, cfg.ServiceTokenID)
	token := resolve("service_token", envServiceToken, cfg.ServiceToken)
	access := resolve("access_token", envAccessToken, cfg.AccessToken)
	server := resolve("server_url", envServerURL, cfg.ServerURL)

	hasService := tokenID.value != "" || token.value != ""
	switch {
	case hasService && access.value != "":
		resp.Diagnostics.AddAttributeError(path.Root("access_token"), "Conflicting PlanetScale Credentials",
			fmt.Sprintf("Both a service token (%s, %s) and an access token (%s) are set. "+
				"Use one: unset access_token and %s, or unset service_token_id/service_token and %s/%s.",
				tokenID.source(), token.source(), access.source(), envAccessToken, envServiceTokenID, envServiceToken))
	case tokenID.value != "" && token.value == "":
		resp.Diagnostics.AddAttributeError(path.Root("service_token"), "Incomplete PlanetScale Service Token",
			fmt.Sprintf("The service token ID is set (%s) but the token is not. Set the service_token attribute or the %s environment variable.",
				tokenID.source(), envServiceToken))
	case token.value != "" && tokenID.value == "":
		resp.Diagnostics.AddAttributeError(path.Root("service_token_id"), "Incomplete PlanetScale Service Token",
			fmt.Sprintf("The service token is set (%s) but its ID is not. Set the service_token_id attribute or the %s environment variable.",
				token.source(), envServiceTokenID))
	case !hasService && access.value == "":
		resp.Diagnostics.AddError("Missing PlanetScale Credentials",
			fmt.Sprintf("No credentials were found. Set service_token_id and service_token (or the %s and %s environment variables) "+
				"to use a service token, or access_token (or %s) to use an OAuth access token.",
				envServiceTokenID, envServiceToken, envAccessToken))
	}

	baseURL := planetscale.DefaultBaseURL
	if server.value != "" {
		if err := checkServerURL(server.value); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("server_url"), "Invalid PlanetScale Server URL",
				fmt.Sprintf("The %s is %s: %v. Set server_url or %s to an https:// URL such as %s.",
					server.source(), redactedURL(server.value), err, envServerURL, planetscale.DefaultBaseURL))
		}
		baseURL = server.value
	}
	maxRetries := resolveInt("max_retries", envMaxRetries, cfg.MaxRetries, planetscale.DefaultMaxRetries, 0, 50, &resp.Diagnostics)
	perMinute := resolveInt("max_requests_per_minute", envMaxRequests, cfg.MaxRequests, planetscale.DefaultRequestsPerMinute, 0, math.MaxInt, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	credentials := fmt.Sprintf("service token from %s and %s", tokenID.source(), token.source())
	if access.value != "" {
		credentials = "OAuth access token from " + access.source()
	}
	client, err := planetscale.New(planetscale.Config{
		BaseURL:           baseURL,
		ServiceTokenID:    tokenID.value,
		ServiceToken:      token.value,
		AccessToken:       access.value,
		UserAgent:         fmt.Sprintf("terraform-provider-planetscale/%s (+https://www.terraform.io) Terraform/%s", p.version, req.TerraformVersion),
		MaxRetries:        maxRetries,
		NoRetries:         maxRetries == 0,
		RequestsPerMinute: perMinute,
		Unpaced:           perMinute == 0,
		Log: func(ctx context.Context, msg string, fields map[string]any) {
			tflog.Debug(ctx, msg, fields)
		},
		// A wait before a retry is the one thing a silent run would
		// otherwise hide: an unreachable API looks like a hang.
		Warn: func(ctx context.Context, msg string, fields map[string]any) {
			tflog.Warn(ctx, msg, fields)
		},
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create PlanetScale API Client", err.Error())
		return
	}
	data := newProviderData(client, credentials, token.value, access.value)
	data.oauth = access.value != ""
	data.now = p.now
	if data.now == nil {
		// The API's clock, from the Date of its answers: time-based
		// decisions (renew_before, rotations) compare the API's timestamps
		// with it, so a run against the mock follows the mock's clock.
		data.now = client.Now
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

// resolveInt is a whole-number setting from its attribute (whose range the
// schema checks), else from its environment variable, which must be a whole
// number from least to most, else def.
func resolveInt(attr, env string, v types.Int64, def, least, most int, diags *diag.Diagnostics) int {
	if !v.IsNull() {
		return int(v.ValueInt64())
	}
	raw := os.Getenv(env)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < least || n > most {
		want := fmt.Sprintf("a whole number from %d to %d", least, most)
		if most == math.MaxInt {
			want = fmt.Sprintf("a whole number of at least %d", least)
		}
		diags.AddAttributeError(path.Root(attr), "Invalid PlanetScale Provider Setting",
			fmt.Sprintf("The environment variable %s is %q; set it to %s (0 turns it off), or set %s in the provider block.", env, raw, want, attr))
		return def
	}
	return n
}

// checkServerURL accepts absolute https URLs, and http only to loopback
// hosts: credentials must not travel in clear text.
func checkServerURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the whole URL, credentials and all.
		return errors.New("not a URL")
	}
	if u.User != nil {
		return errors.New("it holds credentials (user:password@), which would be sent to the server and shown in messages; remove them and authenticate with service_token_id and service_token, or access_token")
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("not an absolute http(s) URL")
	}
	// Each request's path is added to the URL: a query or fragment would
	// swallow it. Neither is quoted; a query may hold a key.
	if u.RawQuery != "" || u.ForceQuery {
		return errors.New("it has a query (\"?...\"), which would end up in front of every request's path; remove it")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return errors.New("it has a fragment (\"#...\"), which would swallow every request's path; remove it")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("plain http:// to the non-loopback host %q would send credentials in clear text", u.Hostname())
	}
	return nil
}

// redactedURL quotes a server URL for a message, without any user:password.
func redactedURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
		return strconv.Quote(u.Redacted())
	}
	if strings.Contains(raw, "@") {
		return "a URL with what may be credentials (not shown)"
	}
	return strconv.Quote(raw)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Each kind's resource, ephemeral resource, actions, list resource and
// data sources come from its entry in credentialTypes.

func (p *planetscaleProvider) Resources(_ context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, kind := range credentialTypes {
		out = append(out, kind.resource, kind.rotating)
	}
	return out
}

func (p *planetscaleProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	var out []func() ephemeral.EphemeralResource
	for _, kind := range credentialTypes {
		out = append(out, kind.ephemeral)
	}
	return out
}

func (p *planetscaleProvider) Actions(_ context.Context) []func() action.Action {
	var out []func() action.Action
	for _, kind := range credentialTypes {
		out = append(out, kind.actions...)
	}
	return out
}

func (p *planetscaleProvider) ListResources(_ context.Context) []func() list.ListResource {
	var out []func() list.ListResource
	for _, kind := range credentialTypes {
		out = append(out, kind.list)
	}
	return out
}

func (p *planetscaleProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		NewConnectionStringFunction,
	}
}

func (p *planetscaleProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	var out []func() datasource.DataSource
	for _, kind := range credentialTypes {
		out = append(out, kind.dataSources...)
	}
	return out
}
