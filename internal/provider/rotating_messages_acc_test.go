// What the terraform CLI prints about the rotating resources, from the
// built provider: the progress lines' [id=...], and the plan's warning
// when a rotation deletes a previous credential still within its overlap.
package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/credsmith/terraform-provider-planetscale/internal/acctest"
)

// A rotation within overlap of the last one (rotation_trigger changed
// twice in a day) deletes the previous password before its overlap ends:
// the plan warns, judged by the API's clock as of the refresh; once the
// overlap is over, the same rotation does not warn. Progress lines name the
// resource by its id, the first password's, through the rotations.
func TestAccRotatingBranchPassword_rotationWithinOverlapWarns(t *testing.T) {
	mock := acctest.NewMock(t)
	tf := newBuiltProvider(t, mock, "plan output of the built provider")
	configure := func(trigger string) {
		tf.configure(passwordBlock(fmt.Sprintf(`
  name_prefix      = "app-"
  rotation_trigger = %q
  overlap          = "24h"
`, trigger)).rotating().String())
	}
	const warning = "Previous Password Deleted Before Its Overlap Ends"
	previous := previousAfterARotation(t, tf, func(_, trigger string) { configure(trigger) })
	// previousAfterARotation applied v1 and v2: app-1 is previous, rotated
	// an instant ago.
	configure("v3")
	out := tf.terraform("plan", "-no-color")
	for _, want := range []string{warning, "the previous password " + previous + " is still within its overlap (24h", "apply this change after"} {
		if !errorLike(regexp.QuoteMeta(want)).MatchString(out) {
			t.Fatalf("the plan of a second rotation within overlap lacks %q:\n%s", want, out)
		}
	}
	mock.Advance(25 * time.Hour)
	out = tf.terraform("plan", "-no-color")
	if strings.Contains(out, warning) || !strings.Contains(out, "Branch Password Will Rotate") {
		t.Fatalf("the plan of a rotation after overlap warns of a cut overlap, or does not rotate:\n%s", out)
	}
	out = tf.apply()
	if want := "Modifying... [id=" + previous + "]"; !strings.Contains(out, want) {
		t.Fatalf("the apply's progress lines lack %q (the first password's ID):\n%s", want, out)
	}
}
