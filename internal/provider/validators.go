package provider

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Validators of the resources' attributes and configuration.

// pathSegment checks organization, database and branch names and IDs: they
// become URL path segments and parts of the import ID, so they cannot be
// empty, hold a "/", or be "." or "..", which a URL path resolves to the
// segment itself or its parent, so that a request would reach another object.
type pathSegment struct{}

var _ validator.String = pathSegment{}

func (pathSegment) Description(context.Context) string {
	return "must be a non-empty name without \"/\", other than \".\" and \"..\""
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
	case isDotSegment(s):
		return fmt.Errorf("is %q, which is not a name: a URL path resolves \".\" and \"..\" away, so the request would reach another object", s)
	}
	return nil
}

// isDotSegment reports "." and "..", which URL paths resolve away.
func isDotSegment(s string) bool { return s == "." || s == ".." }

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

// durationString checks a positive Go duration such as "72h" or "90m".
type durationString struct{}

// maxTTL is the longest ttl accepted, in seconds: the most whole seconds a
// time.Duration holds (about 292 years). The API document sets no upper
// bound; beyond this, expiry and renewal times cannot be computed.
const maxTTL = math.MaxInt64 / int64(time.Second)

// ttlSeconds checks a ttl: whole seconds from 1 to maxTTL. omitted says
// what leaving ttl out gives, which is what a ttl of 0 is often meant to
// ask for.
type ttlSeconds struct{ omitted string }

var _ validator.Int64 = ttlSeconds{}

// ttlOrNever is the ttl of a credential that never expires without one.
func ttlOrNever(short string) ttlSeconds {
	return ttlSeconds{omitted: fmt.Sprintf("Omit ttl for a %s that never expires.", short)}
}

// ttlUnits says, in every ttl's description, what Terraform's own error
// for a duration string ("a number is required") does not: the unit.
const ttlUnits = "Time to live in whole seconds, a number such as `2592000` (30 days), not a duration string such as `\"720h\"`"

func (ttlSeconds) Description(context.Context) string {
	return fmt.Sprintf("must be a number of seconds from 1 to %d (about 292 years)", maxTTL)
}

func (v ttlSeconds) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v ttlSeconds) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	switch ttl := req.ConfigValue.ValueInt64(); {
	case ttl < 1:
		resp.Diagnostics.AddAttributeError(req.Path, "ttl Too Short",
			fmt.Sprintf("%s is %d; it must be from 1 to %d seconds: %d does not mean \"never expires\". %s", req.Path, ttl, maxTTL, ttl, v.omitted))
	case ttl > maxTTL:
		resp.Diagnostics.AddAttributeError(req.Path, "ttl Too Long",
			fmt.Sprintf("%s is %d seconds; it must be from 1 to %d seconds (about 292 years): the provider cannot compute expiry and renewal times "+
				"beyond that. %s", req.Path, ttl, maxTTL, v.omitted))
	}
}

// validateRenewBefore refuses a renew_before longer than half of ttl. A
// renewal moves the expiry to ttl from then, so the credential stays
// outside its window for ttl - renew_before: at least as long as it was
// inside, and never so short that the plan right after an apply renews it
// again. At ttl or longer it would be due right after every apply.
func validateRenewBefore(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var ttl types.Int64
	var renewBefore types.String
	diags.Append(config.GetAttribute(ctx, path.Root("ttl"), &ttl)...)
	diags.Append(config.GetAttribute(ctx, path.Root("renew_before"), &renewBefore)...)
	if renewBefore.IsNull() || renewBefore.IsUnknown() || ttl.IsUnknown() {
		return
	}
	if ttl.IsNull() {
		// A role imported with an expiry it keeps is still renewed, so
		// this warns rather than refuses.
		diags.AddAttributeWarning(path.Root("renew_before"), "renew_before Without ttl",
			fmt.Sprintf("renew_before is %q but ttl is not set: a credential created without ttl never expires, so there is nothing to renew. "+
				"Set ttl, in seconds (such as 2592000 for 30 days), for a credential that expires and is renewed within renew_before of its expiry, "+
				"or remove renew_before.", renewBefore.ValueString()))
		return
	}
	if ttl.ValueInt64() < 1 || ttl.ValueInt64() > maxTTL {
		return // ttl's validators report it
	}
	window, err := time.ParseDuration(renewBefore.ValueString())
	if err != nil {
		return // durationString reports it
	}
	life := time.Duration(ttl.ValueInt64()) * time.Second
	summary, consequence := "renew_before Not Shorter Than ttl",
		"As it is, the credential would be due for renewal right after every apply, so every plan would renew it again."
	switch {
	case window <= life/2:
		return
	case window < life:
		summary, consequence = "renew_before Longer Than Half Of ttl",
			fmt.Sprintf("As it is, a renewed credential would be due again %s after its renewal, so a plan soon after an apply would renew it again.", life-window)
	}
	diags.AddAttributeError(path.Root("renew_before"), summary,
		fmt.Sprintf("renew_before is %q but ttl is %d seconds (%s): renew_before must be at most half of ttl (%s). %s "+
			"Set renew_before to at most half of ttl, such as %q (a third of it), or raise ttl.",
			renewBefore.ValueString(), ttl.ValueInt64(), life, life/2, consequence, (life/3).Round(time.Second).String()))
}

func (durationString) Description(context.Context) string {
	return `must be a positive duration such as "72h", "90m" or "1h30m"`
}

func (v durationString) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationString) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%s is %q; it %s (units: s, m, h).", req.Path, req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
