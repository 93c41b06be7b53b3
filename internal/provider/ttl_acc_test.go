// Plan-time validation of ttl and renew_before through Terraform; the
// validators' unit tests are in ttl_test.go.
package provider_test

import (
	"regexp"
	"testing"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccRenewBefore_validation(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config:      renewingPassword(mock, "3 days"),
			PlanOnly:    true,
			ExpectError: errorLike(`renew_before is "3 days"; it must be a positive duration such as "72h"`),
		},
		{
			Config:      renewingPassword(mock, "-1h"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Invalid Duration`),
		},
	}))
}

// renew_before just below ttl would renew the credential again on the plan
// right after a renewal: refused, saying the rule.
func TestAccRenewBefore_tooCloseToTTL(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config:      renewingPassword(mock, "59m59s"),
			PlanOnly:    true,
			ExpectError: errorLike(`renew_before is "59m59s" but ttl is 3600 seconds \(1h0m0s\): renew_before must be at most half of ttl`),
		},
		{
			Config:      renewingPassword(mock, "30m1s"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`renew_before Longer Than Half Of ttl`),
		},
	}))
}

// A ttl longer than the provider can count is refused with its range, not
// with a negative duration.
func TestAccTTL_outOfRange(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config: passwordConfig(mock, `
  ttl          = 10000000000
  renew_before = "1h"
`),
			PlanOnly:    true,
			ExpectError: errorLike(`ttl is 10000000000 seconds; it must be from 1 to 9223372036 seconds`),
		},
		{
			Config:      roleConfig(mock, "ttl = 10000000000"),
			PlanOnly:    true,
			ExpectError: errorLike(`ttl is 10000000000 seconds; it must be from 1 to 9223372036 seconds`),
		},
	}))
}

// renew_before at least as long as ttl would renew (or replace) the
// credential on every apply: refused at plan time, saying what to change.
func TestAccSafety_renewBeforeNotShorterThanTTL(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config:      renewingPassword(mock, "2h"),
			PlanOnly:    true,
			ExpectError: errorLike(`renew_before is "2h" but ttl is 3600 seconds \(1h0m0s\).*such as "20m0s"`),
		},
		{
			Config:      renewingPassword(mock, "1h"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`renew_before Not Shorter Than ttl`),
		},
		{
			Config: roleConfig(mock, `
  ttl          = 8
  renew_before = "1h"
`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`renew_before Not Shorter Than ttl`),
		},
		{
			// At most half of ttl: accepted, and the plan after apply is
			// empty. (59m was accepted before; a renewed password would be
			// due again a minute later, see TestAccRenewBefore_tooCloseToTTL.)
			Config: renewingPassword(mock, "30m"),
		},
	}))
}

// A ttl of 0 is refused with what omitting ttl gives, for each resource
// with a ttl; a duration string is refused by Terraform itself ("a number is
// required") before the provider sees it, and the attribute's description
// gives the unit.
func TestAccTTL_zeroAndDurationString(t *testing.T) {
	mock := acctest.NewMock(t)
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		planFails(passwordConfig(mock, "ttl = 0"),
			errorLike(`ttl is 0; it must be from 1 to 9223372036 seconds: 0 does not mean "never expires". Omit ttl for a password that never expires.`)),
		planFails(roleConfig(mock, "ttl = 0"), errorLike(`Omit ttl for a role that never expires.`)),
		planFails(rotatingPassword(mock, "  rotation_trigger = \"v1\"\n  ttl = 0"), errorLike(`Omit ttl for a password that never expires.`)),
		planFails(passwordConfig(mock, `ttl = "800h"`), errorLike(`Inappropriate value for attribute "ttl": a number is required`)),
	}))
}
