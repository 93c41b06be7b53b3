// What an import says when its ID names nothing: nothing is in state yet,
// so a wrong name or ID is one error that says what to check.
package provider_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
)

// An import ID with a name that is not PlanetScale's (a typo in the
// database) says to check the names; a refresh's "kept in state" advice
// does not fit an import, which has nothing in state.
func TestAccImport_wrongNames(t *testing.T) {
	mock := acctest.NewMock(t)
	importing := func(addr, id, want string) resource.TestStep {
		return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: id, ExpectError: errorLike(want)}
	}
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		{Config: mock.ProviderConfig() + bothKinds("") + passwordBlock(`  rotation_trigger = "v1"`).rotating().String()},
		importing(passwordAddr, "acme/app-dbx/main/abc",
			`Error Importing Branch Password.*there is no branch "main" in database "app-dbx" of organization "acme", "app-dbx" is not a Vitess \(MySQL\) database .*Nothing was imported. Check the names in the import ID`),
		importing(roleAddr, "acme/pg-db/mian/abc", `Error Importing Postgres Role.*there is no branch "mian" in database "pg-db".*Nothing was imported`),
		importing(rotatingPasswordAddr, "acme/app-db/mian/abc", `Error Importing Branch Password.*there is no branch "mian".*Nothing was imported`),
	}))
}

// An import ID whose credential is not on its branch (which answers) is
// one error naming the ID, not Terraform's "non-existent remote object"
// beside a warning about the secret; for a rotating pair it names the part
// of the ID.
func TestAccImport_missingCredential(t *testing.T) {
	mock := acctest.NewMock(t)
	var current string
	importing := func(addr, want string, id func(*terraform.State) (string, error)) resource.TestStep {
		return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateIdFunc: id, ExpectError: errorLike(want)}
	}
	fixed := func(id string) func(*terraform.State) (string, error) {
		return func(*terraform.State) (string, error) { return id, nil }
	}
	resource.ParallelTest(t, accTestCase(t, nil, []resource.TestStep{
		{
			Config: mock.ProviderConfig() + bothKinds("") + passwordBlock(`  rotation_trigger = "v1"`).rotating().String(),
			Check:  remember(rotatingPasswordAddr, "current", &current),
		},
		importing(passwordAddr, `Cannot Import Branch Password.*branch password acme/app-db/main/nosuch: PlanetScale has no branch password with ID "nosuch" on this branch.*Check the id in the import ID; the planetscale_branch_passwords data source`,
			fixed("acme/app-db/main/nosuch")),
		importing(roleAddr, `Cannot Import Postgres Role.*Check the id in the import ID`, fixed("acme/pg-db/main/nosuch")),
		importing(rotatingPasswordAddr, `Cannot Import Branch Password.*ID "nosuch".*Check the current_id in the import ID`, fixed("acme/app-db/main/nosuch")),
		importing(rotatingPasswordAddr, `Cannot Import Branch Password.*ID "gone".*Check the previous_id in the import ID`,
			func(*terraform.State) (string, error) { return "acme/app-db/main/" + current + "/gone", nil }),
	}))
}

// What terraform import prints, in full, for an ID not on its branch and
// for one that is: the failed import is our one error, with no warning
// about the secret beside it; the import that succeeds warns that the
// secret is not imported.
func TestAccImport_secretWarningOnlyAfterImport(t *testing.T) {
	mock := acctest.NewMock(t)
	tf, host := directTerraform(t, "1.5.0", "terraform import with the built provider")
	dir, rc := t.TempDir(), devOverrides(t, host)
	writeFile(t, filepath.Join(dir, "main.tf"), []byte(`terraform {
  required_providers {
    planetscale = {
      source = "credsmith/planetscale"
    }
  }
}
`+passwordBlock("").String()))
	importing := func(id string) (string, error) {
		out, err := terraformCommand(tf, dir, rc, mock, "import", "-no-color", passwordAddr, id).CombinedOutput()
		return string(out), err
	}
	out, err := importing("acme/app-db/main/nosuch")
	if err == nil || !strings.Contains(out, "Error: Cannot Import Branch Password") ||
		strings.Contains(out, "Secret Not Imported") || strings.Contains(out, "non-existent") {
		t.Fatalf("the import of an ID not on its branch (err %v) did not fail with our error alone:\n%s", err, out)
	}
	out, err = importing("acme/app-db/main/" + createPasswordOutOfBand(t, mock))
	if err != nil || !strings.Contains(out, "Warning: Branch Password Secret Not Imported") || !strings.Contains(out, "Import successful!") {
		t.Fatalf("the import of a password (err %v) did not succeed with the warning:\n%s", err, out)
	}
}
