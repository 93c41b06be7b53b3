package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestIsCIDR(t *testing.T) {
	t.Parallel()
	valid := []string{"10.0.0.0/8", "192.0.2.7", "0.0.0.0/0", "2001:db8::/32", "::1", "2001:db8::1/128"}
	invalid := []string{"", "10.0.0.0/33", "10.0.0", "not-an-ip", "2001:db8::/129", "fe80::1%eth0", "10.0.0.0/8 ", "1.2.3.4/-1"}
	for _, s := range valid {
		if !isCIDR(s) {
			t.Errorf("isCIDR(%q) = false", s)
		}
	}
	for _, s := range invalid {
		if isCIDR(s) {
			t.Errorf("isCIDR(%q) = true", s)
		}
	}
}

func TestCheckPathSegment(t *testing.T) {
	t.Parallel()
	for s, wantErr := range map[string]bool{
		"acme": false, "app-db": false, "": true, "  ": true, "a/b": true,
		".": true, "..": true, "...": false, ".hidden": false, "a..b": false,
	} {
		if err := checkPathSegment(s); (err != nil) != wantErr {
			t.Errorf("checkPathSegment(%q) = %v", s, err)
		}
	}
}

func FuzzIsCIDR(f *testing.F) {
	for _, seed := range []string{"10.0.0.0/8", "::1", "2001:db8::/32", "300.1.1.1", "1.2.3.4/"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = isCIDR(s) // must not panic
	})
}

// A CIDR the API would store differently (host bits set, upper-case or long
// IPv6) would differ from state on every refresh and replace the password
// each time: it is refused at plan time with the spelling to use.
func TestCIDRMustBeCanonical(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"10.0.0.5/8":            "10.0.0.0/8",
		"192.168.1.77/24":       "192.168.1.0/24",
		"2001:DB8::/32":         "2001:db8::/32",
		"2001:0db8:0000::1/128": "2001:db8::1/128",
		"2001:db8::ffff:1/64":   "2001:db8::/64",
		"FE80::1":               "fe80::1",
		"10.0.0.0/8":            "",
		"203.0.113.7":           "",
		"203.0.113.7/32":        "",
		"2001:db8::/32":         "",
	}
	for value, want := range cases {
		req := validator.StringRequest{Path: path.Root("cidrs").AtSetValue(types.StringValue(value)), ConfigValue: types.StringValue(value)}
		var resp validator.StringResponse
		cidr{}.ValidateString(context.Background(), req, &resp)
		switch {
		case want == "" && resp.Diagnostics.HasError():
			t.Errorf("%q refused: %v", value, resp.Diagnostics)
		case want != "" && !resp.Diagnostics.HasError():
			t.Errorf("%q accepted; want it refused in favour of %q", value, want)
		case want != "" && !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), `"`+want+`"`):
			t.Errorf("%q: the error does not propose %q: %s", value, want, resp.Diagnostics.Errors()[0].Detail())
		}
	}
}

// An action's import_id is refused at plan time when one of its parts is
// "." or "..", as the four attributes are.
func TestActionImportIDRefusesDotSegments(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]string{
		"acme/../main/abc":  `database is ".."`,
		"acme/pg-db/./abc":  `branch is "."`,
		"acme/pg-db/main/.": `id is "."`,
		"acme/pg-db/main/a": "",
	} {
		var diags diag.Diagnostics
		credentialTarget{ImportID: types.StringValue(id)}.validate(roleKind, &diags)
		switch {
		case want == "" && diags.HasError():
			t.Errorf("%q refused: %v", id, diags)
		case want != "" && !diags.HasError():
			t.Errorf("%q accepted", id)
		case want != "" && !strings.Contains(diags.Errors()[0].Detail(), want):
			t.Errorf("%q: %s; want it to say %s", id, diags.Errors()[0].Detail(), want)
		}
	}
}
