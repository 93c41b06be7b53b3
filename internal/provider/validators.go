package provider

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// pathSegment checks organization, database and branch names: they become
// URL path segments and parts of the import ID, so they cannot be empty or
// hold a "/".
type pathSegment struct{}

var _ validator.String = pathSegment{}

func (pathSegment) Description(context.Context) string {
	return "must be a non-empty name without \"/\""
}

func (v pathSegment) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (pathSegment) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkPathSegment(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Name",
			fmt.Sprintf("%s %s. Use the name as PlanetScale shows it, such as \"acme\" or \"main\".", req.Path, err))
	}
}

func checkPathSegment(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("must not be empty")
	case strings.Contains(s, "/"):
		return fmt.Errorf("is %q, which contains \"/\"; give one name, not a path", s)
	}
	return nil
}

// cidr checks that a value is an IP address or a CIDR range, IPv4 or IPv6.
type cidr struct{}

var _ validator.String = cidr{}

func (cidr) Description(context.Context) string {
	return "must be an IP address or CIDR range, such as 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32"
}

func (v cidr) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v cidr) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if !isCIDR(value) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CIDR",
			fmt.Sprintf("%q in %s is not valid: each entry %s.", value, req.Path.ParentPath(), v.Description(ctx)))
		return
	}
	// The API stores a range in its canonical form; another spelling
	// would differ from state on every refresh and replace the credential.
	if canonical := canonicalCIDR(value); canonical != value {
		resp.Diagnostics.AddAttributeError(req.Path, "CIDR Not In Canonical Form",
			fmt.Sprintf("%q in %s is not written the way the API stores it: write %q instead "+
				"(a range's address with its host bits cleared, IPv6 in lower case and shortest form).", value, req.Path.ParentPath(), canonical))
	}
}

// canonicalCIDR is the one spelling of an address or range: host bits
// cleared, IPv6 lower-case and compressed. It assumes isCIDR(s).
func canonicalCIDR(s string) string {
	if prefix, err := netip.ParsePrefix(s); err == nil {
		return prefix.Masked().String()
	}
	if addr, err := netip.ParseAddr(s); err == nil {
		return addr.String()
	}
	return s
}

func isCIDR(s string) bool {
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil && !strings.Contains(s, "%") // zones mean nothing to the API
}

// parseImportID splits "organization/database/branch/id".
func parseImportID(id string) (org, db, branch, objectID string, err error) {
	parts := strings.Split(id, "/")
	if len(parts) != 4 {
		return "", "", "", "", fmt.Errorf("got %q, which has %d part(s)", id, len(parts))
	}
	for i, name := range []string{"organization", "database", "branch", "id"} {
		if strings.TrimSpace(parts[i]) == "" {
			return "", "", "", "", fmt.Errorf("got %q, whose %s is empty", id, name)
		}
	}
	return parts[0], parts[1], parts[2], parts[3], nil
}

// importByID is the ImportState shared by both resources: by the
// "organization/database/branch/id" string, or by an import block's
// identity (Terraform 1.12+).
func importByID(ctx context.Context, kind, secretAttr string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var ident credentialIdentity
	if req.ID == "" && req.Identity != nil {
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
	} else {
		org, db, branch, id, err := parseImportID(req.ID)
		if err != nil {
			resp.Diagnostics.AddError("Invalid Import ID",
				fmt.Sprintf("Import a %s with an ID of the form organization/database/branch/id, such as acme/app-db/main/a1b2c3d4: %v.", kind, err))
			return
		}
		ident = credentialIdentity{Organization: types.StringValue(org), Database: types.StringValue(db), Branch: types.StringValue(branch), ID: types.StringValue(id)}
	}
	for attr, v := range map[string]types.String{"organization": ident.Organization, "database": ident.Database, "branch": ident.Branch, "id": ident.ID} {
		if err := checkPathSegment(v.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Invalid Import Identity", fmt.Sprintf("The %s of the %s to import %s.", attr, kind, err))
			continue
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, ident.Organization, ident.Database, ident.Branch, ident.ID)...)
	resp.Diagnostics.AddWarning(fmt.Sprintf("%s Secret Not Imported", titleCase(kind)),
		fmt.Sprintf("PlanetScale returns a credential's secret only when it is created, so %s and connection_string are null after import of %s. "+
			"To get a secret into state, replace the resource (terraform apply -replace=...).", secretAttr,
			ident.Organization.ValueString()+"/"+ident.Database.ValueString()+"/"+ident.Branch.ValueString()+"/"+ident.ID.ValueString()))
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
