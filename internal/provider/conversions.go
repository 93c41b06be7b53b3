package provider

import (
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// Conversions between the API's values and Terraform's, and the names
// and URLs built from them.

func branchOf(org, db, branch types.String) planetscale.Branch {
	return planetscale.Branch{Organization: org.ValueString(), Database: db.ValueString(), Branch: branch.ValueString()}
}

// objectName names a credential in messages: "branch password
// acme/app-db/main/abc", or "... on acme/app-db/main" before it has an ID.
func objectName(kind string, b planetscale.Branch, id types.String) string {
	if id.IsNull() || id.IsUnknown() {
		return kind + " on " + b.String()
	}
	return kind + " " + b.String() + "/" + id.ValueString()
}

func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// stringOrNull maps "" to null, for API fields that may be absent.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func stringPtrValue(s *string) types.String {
	if s == nil {
		return types.StringNull()
	}
	return types.StringValue(*s)
}

// isExpired trusts the API's flag and also checks expires_at against the
// clock, so a credential that expired since the API last computed the flag
// is still replaced.
func isExpired(flag bool, expiresAt *string) bool {
	if flag || expiresAt == nil {
		return flag
	}
	t, err := time.Parse(time.RFC3339, *expiresAt)
	return err == nil && !time.Now().Before(t)
}

// connectionURL builds a URL that MySQL and Postgres clients accept;
// credentials are escaped, so any secret survives the round trip.
func connectionURL(scheme, user, secret, host, database, query string) string {
	u := url.URL{
		Scheme:   scheme,
		User:     url.UserPassword(user, secret),
		Host:     host,
		Path:     "/" + database,
		RawQuery: query,
	}
	return u.String()
}

// withDefaultPort adds Postgres's port to a host that names none.
func withDefaultPort(host, port string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	return net.JoinHostPort(host, port)
}
