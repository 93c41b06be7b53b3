package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// passwordConfig is a planetscale_branch_password configuration with only
// ttl and renew_before set.
func passwordConfig(t *testing.T, ttl int64, renewBefore string) tfsdk.Config {
	return passwordConfigOf(t, types.Int64Value(ttl), renewBefore)
}

// passwordConfigOf is passwordConfig with any ttl value, null included.
func passwordConfigOf(t *testing.T, ttl types.Int64, renewBefore string) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var resp resource.SchemaResponse
	(&branchPasswordResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
	state := tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
	diags := state.SetAttribute(ctx, path.Root("ttl"), ttl)
	diags.Append(state.SetAttribute(ctx, path.Root("renew_before"), types.StringValue(renewBefore))...)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return tfsdk.Config{Schema: resp.Schema, Raw: state.Raw}
}

// renew_before may be at most half of ttl: after a renewal the credential
// then stays outside its window for at least as long as it was inside, so
// the plan right after a renewal never renews again.
func TestValidateRenewBefore(t *testing.T) {
	t.Parallel()
	cases := []struct {
		ttl         int64
		renewBefore string
		refused     string // part of the error, or "" when accepted
	}{
		{3600, "30m", ""},
		{3600, "1s", ""},
		{7200, "1h", ""},
		{3600, "30m1s", "must be at most half of ttl"},
		{3600, "59m", "must be at most half of ttl"},
		{3600, "59m59s", "must be at most half of ttl"},
		{3600, "1h", "Not Shorter Than ttl"},
		{3600, "2h", "Not Shorter Than ttl"},
		{longestTTL, "1281023h", ""},
		{longestTTL, "2562047h", "must be at most half of ttl"},
		// Out of ttl's range: the ttl validator says so; this one must
		// not report an overflowed, negative lifetime.
		{10000000000, "1h", ""},
		{10000000000, "2562047h", ""},
	}
	for _, tc := range cases {
		var diags diag.Diagnostics
		validateRenewBefore(context.Background(), passwordConfig(t, tc.ttl, tc.renewBefore), &diags)
		switch {
		case tc.refused == "" && diags.HasError():
			t.Errorf("ttl %d, renew_before %q refused: %v", tc.ttl, tc.renewBefore, diags)
		case tc.refused != "" && !diags.HasError():
			t.Errorf("ttl %d, renew_before %q accepted; want it refused", tc.ttl, tc.renewBefore)
		case tc.refused != "" && !strings.Contains(diags.Errors()[0].Summary()+" "+diags.Errors()[0].Detail(), tc.refused):
			t.Errorf("ttl %d, renew_before %q: the error does not say %q: %s: %s", tc.ttl, tc.renewBefore, tc.refused,
				diags.Errors()[0].Summary(), diags.Errors()[0].Detail())
		case diags.HasError() && strings.Contains(diags.Errors()[0].Detail(), "(-"):
			t.Errorf("ttl %d, renew_before %q: a negative duration in %s", tc.ttl, tc.renewBefore, diags.Errors()[0].Detail())
		}
	}
}

// renew_before without ttl renews nothing (a credential without ttl never
// expires): warned about at plan time, saying what to do.
func TestRenewBeforeWithoutTTL(t *testing.T) {
	t.Parallel()
	for _, ttl := range []types.Int64{types.Int64Null(), types.Int64Unknown(), types.Int64Value(7200)} {
		var diags diag.Diagnostics
		validateRenewBefore(context.Background(), passwordConfigOf(t, ttl, "1h"), &diags)
		if diags.HasError() {
			t.Fatalf("ttl %s: %v", ttl, diags)
		}
		warned := len(diags.Warnings()) == 1 && diags.Warnings()[0].Summary() == "renew_before Without ttl" &&
			strings.Contains(diags.Warnings()[0].Detail(), "Set ttl, in seconds (such as 2592000 for 30 days)")
		if want := ttl.IsNull(); warned != want {
			t.Errorf("ttl %s: warned %v, want %v: %v", ttl, warned, want, diags)
		}
	}
}

// longestTTL is the longest ttl accepted: the most whole seconds a
// time.Duration holds, about 292 years.
const longestTTL = 9223372036

type int64Validated interface{ Int64Validators() []validator.Int64 }

// The ttl of every resource and ephemeral resource is refused outside 1 to
// longestTTL seconds, with a message that gives the range and says what
// omitting ttl gives: a ttl of 0 does not mean "never expires".
func TestTTLRange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	attrs := map[string]int64Validated{}
	omitted := map[string]string{
		"password": "Omit ttl for a password that never expires.", "role": "Omit ttl for a role that never expires.",
		"rotating password": "Omit ttl for a password that never expires.", "rotating role": "Omit ttl for a role that never expires.",
		"ephemeral password": "Omit ttl for the default of 3600 seconds (one hour).", "ephemeral role": "Omit ttl for the default of 3600 seconds (one hour).",
	}
	for name, r := range map[string]resource.Resource{
		"password": newCredentialResource[planetscale.Password](), "role": newCredentialResource[planetscale.Role](),
		"rotating password": newRotatingResource[planetscale.Password](), "rotating role": newRotatingResource[planetscale.Role](),
	} {
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		attr, ok := resp.Schema.Attributes["ttl"].(int64Validated)
		if !ok {
			t.Fatalf("%s: ttl is not an int64 attribute with validators", name)
		}
		attrs[name] = attr
	}
	for name, e := range map[string]ephemeral.EphemeralResource{"ephemeral password": newCredentialEphemeral[planetscale.Password](), "ephemeral role": newCredentialEphemeral[planetscale.Role]()} {
		var resp ephemeral.SchemaResponse
		e.Schema(ctx, ephemeral.SchemaRequest{}, &resp)
		attr, ok := resp.Schema.Attributes["ttl"].(int64Validated)
		if !ok {
			t.Fatalf("%s: ttl is not an int64 attribute with validators", name)
		}
		attrs[name] = attr
	}
	for name, attr := range attrs {
		for ttl, want := range map[int64]string{
			1: "", 3600: "", longestTTL: "",
			0:              `ttl is 0; it must be from 1 to 9223372036 seconds: 0 does not mean "never expires".`,
			-5:             `ttl is -5; it must be from 1 to 9223372036 seconds`,
			longestTTL + 1: "ttl is 9223372037 seconds; it must be from 1 to 9223372036 seconds",
			10000000000:    "ttl is 10000000000 seconds; it must be from 1 to 9223372036 seconds",
		} {
			var diags diag.Diagnostics
			for _, v := range attr.Int64Validators() {
				var resp validator.Int64Response
				v.ValidateInt64(ctx, validator.Int64Request{Path: path.Root("ttl"), ConfigValue: types.Int64Value(ttl)}, &resp)
				diags.Append(resp.Diagnostics...)
			}
			switch {
			case want == "" && diags.HasError():
				t.Errorf("%s: ttl %d refused: %v", name, ttl, diags)
			case want != "" && !diags.HasError():
				t.Errorf("%s: ttl %d accepted", name, ttl)
			case want != "" && !strings.Contains(diags.Errors()[0].Detail(), want):
				t.Errorf("%s: ttl %d: %q does not say %q", name, ttl, diags.Errors()[0].Detail(), want)
			case want != "" && !strings.HasSuffix(diags.Errors()[0].Detail(), omitted[name]):
				t.Errorf("%s: ttl %d: %q does not end with what omitting ttl gives, %q", name, ttl, diags.Errors()[0].Detail(), omitted[name])
			}
		}
	}
}

// An ephemeral credential is renewed halfway through its life, however
// long: the time does not overflow into the past.
func TestRenewAt(t *testing.T) {
	t.Parallel()
	for ttl, want := range map[int64]time.Duration{
		3600:        30 * time.Minute,
		1:           500 * time.Millisecond,
		longestTTL:  time.Duration(longestTTL/2) * time.Second,
		10000000000: time.Duration(longestTTL/2) * time.Second,
	} {
		before := time.Now()
		got := renewAt(ttl)
		if d := got.Sub(before); d < want-time.Second || d > want+time.Second {
			t.Errorf("renewAt(%d) is %s from now, want about %s", ttl, d, want)
		}
	}
}
