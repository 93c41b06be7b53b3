package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// generatedName names a credential the configuration leaves unnamed,
// prefix and random hex; the name is random, so it is also the create's
// mark: a create whose answer is lost finds what it made by it, and nothing
// else carries it.
func generatedName(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail
	return prefix + hex.EncodeToString(b)
}

const (
	// generatedPrefix starts the names generated for managed credentials.
	generatedPrefix = "terraform-"
	// ephemeralPrefix starts the names generated for ephemeral credentials,
	// which live for one run: people tell them apart in the console, and the
	// list data sources leave them out, so that a list beside an ephemeral
	// resource on the same branch reads the same on every run. A managed
	// credential's generated name (generatedPrefix and hex) never starts so.
	ephemeralPrefix = "terraform-ephemeral-"
)

// isEphemeralName reports a name generated for an ephemeral credential.
func isEphemeralName(name string) bool { return strings.HasPrefix(name, ephemeralPrefix) }

// nameOrigin says whether a create sends a name generatedName makes up (the
// configuration left it unknown) or one the configuration chose.
func nameOrigin(name types.String) planetscale.NameOrigin {
	if name.IsUnknown() {
		return planetscale.NameGenerated
	}
	return planetscale.NameGiven
}

// declaredNames counts, over one plan, the credential names configurations
// set on each branch. Two credentials of one name on a branch cannot be told
// apart by people in the console; the second declaration gets a warning. A provider
// configuration serves one Terraform walk, in which each resource instance
// is planned once, so one count per planned instance is exact.
type declaredNames struct {
	mu    sync.Mutex
	count map[declaredName]int
}

type declaredName struct {
	kind   string
	branch planetscale.Branch
	name   string
}

// warnIfDeclaredBefore records the name the configuration gives a credential
// that is being planned (not destroyed) and warns when another resource of
// this plan gave the same one on the same branch.
func (d *declaredNames) warnIfDeclaredBefore(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, kind credentialKind) {
	if d == nil || req.Plan.Raw.IsNull() {
		return
	}
	var name, org, db, branch types.String
	for attr, target := range map[string]*types.String{"name": &name, "organization": &org, "database": &db, "branch": &branch} {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(attr), target)...)
		if target.IsNull() || target.IsUnknown() {
			return // a generated name is unique; an unknown one is checked at apply
		}
	}
	b := branchOf(org, db, branch)
	key := declaredName{kind: kind.noun, branch: b, name: name.ValueString()}
	d.mu.Lock()
	d.count[key]++
	seen := d.count[key]
	d.mu.Unlock()
	if seen < 2 {
		return
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("name"), "Credential Name Used Twice On A Branch",
		fmt.Sprintf("Another %s in this configuration also names its %s %q on %s. PlanetScale accepts that, but nobody can tell the two apart "+
			"in the console or in an application's logs. Give each %s a name unique on its branch, or leave name unset to have one generated.",
			kind.resource, kind.noun, name.ValueString(), b, kind.noun))
}
