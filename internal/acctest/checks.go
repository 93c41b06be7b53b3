package acctest

import (
	"fmt"
	"maps"
	"regexp"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Named checks on what the mock saw and holds, for a TestStep's Check.

// ExpectRequests checks how many requests each route received in all; a
// route of "" counts every request.
func (m *Mock) ExpectRequests(want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for route, n := range want {
			if got := m.RequestCount(route); got != n {
				name := route
				if name == "" {
					name = "any"
				}
				return fmt.Errorf("the mock saw %d %s request(s), want %d", got, name, n)
			}
		}
		return nil
	}
}

// ExpectLastBody checks the JSON body of the last request route received,
// compared with go-cmp; numbers decode as float64.
func (m *Mock) ExpectLastBody(route string, want map[string]any) resource.TestCheckFunc {
	return func(*terraform.State) error {
		requests := m.Requests(route)
		if len(requests) == 0 {
			return fmt.Errorf("the mock saw no %s request", route)
		}
		if diff := cmp.Diff(want, requests[len(requests)-1].Body); diff != "" {
			return fmt.Errorf("the last %s request's body differs (-want +got):\n%s", route, diff)
		}
		return nil
	}
}

// MarkedName stands, in a want body, for the temporary name a create with a
// configured name is sent under (terraform-pending-<random>).
const MarkedName = "terraform-pending-<random>"

var markedName = regexp.MustCompile(`^terraform-pending-[0-9a-f]{24}$`)

// ExpectLastCreateBody is ExpectLastBody for a create: a name sent under
// the create's mark matches MarkedName.
func (m *Mock) ExpectLastCreateBody(route string, want map[string]any) resource.TestCheckFunc {
	return func(*terraform.State) error {
		requests := m.Requests(route)
		if len(requests) == 0 {
			return fmt.Errorf("the mock saw no %s request", route)
		}
		got := maps.Clone(requests[len(requests)-1].Body)
		if name, ok := got["name"].(string); ok && markedName.MatchString(name) {
			got["name"] = MarkedName
		}
		if diff := cmp.Diff(want, got); diff != "" {
			return fmt.Errorf("the last %s request's body differs (-want +got):\n%s", route, diff)
		}
		return nil
	}
}

// ExpectMintedSecret checks that the secret in state at addr (a password's
// plain_text, a role's password) is the one the mock minted for that
// credential.
func (m *Mock) ExpectMintedSecret(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		id := rs.Primary.ID
		if stored, ok := m.Password(id); ok {
			return resource.TestCheckResourceAttr(addr, "plain_text", stored.PlainText)(s)
		}
		if stored, ok := m.Role(id); ok {
			return resource.TestCheckResourceAttr(addr, "password", stored.Password)(s)
		}
		return fmt.Errorf("%s: credential %s is not in the mock", addr, id)
	}
}
