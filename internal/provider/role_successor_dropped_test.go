package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
)

// A successor that names a role the API reports dropped
// (dropped_at set, still listed) is no role to hand objects to: PostgreSQL
// has no such role any more, so the delete's REASSIGN cannot go to it. The
// check before the create must not count it as found; its own message
// already leaves dropped roles out of "Roles on the branch".
func TestAccPostgresRole_successorDroppedRefusedBeforeCreate(t *testing.T) {
	mock := acctest.NewMock(t)
	heir := createRoleOutOfBand(t, mock)
	if !mock.DropRole(heir.ID) {
		t.Fatalf("could not drop the heir %s", heir.ID)
	}
	mock.ResetRequests()
	resource.ParallelTest(t, accTestCase(t, onlyRoleLeft(mock, heir.ID), []resource.TestStep{{
		Config:      roleBlock(`successor = "` + heir.Username + `"`).config(mock),
		ExpectError: errorLike(`successor "` + regexp.QuoteMeta(heir.Username) + `" is not a role on this branch, so nothing was created`),
	}}))
}
