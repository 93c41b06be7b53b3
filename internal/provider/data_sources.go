package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// What the four data sources share: where a credential lives, the name
// filter of the lists, and their error messages.

// credentialKind describes one kind of credential for schemas and messages.
type credentialKind struct {
	noun     string // "branch password"
	engine   string // "Vitess (MySQL)"
	resource string // its managed resource, "planetscale_branch_password"
	other    string // the other kind's resource, for a 404 on the wrong engine
}

// noSecretNote ends every data source's description.
const noSecretNote = "It exposes no secret: PlanetScale returns a credential's secret only in the answer that creates it " +
	"(or resets a role's password), never in a later read. Use the managed or ephemeral resource to get one."

// credentialLocation is the branch a data source reads.
type credentialLocation struct {
	Organization types.String `tfsdk:"organization"`
	Database     types.String `tfsdk:"database"`
	Branch       types.String `tfsdk:"branch"`
}

func (l credentialLocation) branch() planetscale.Branch {
	return branchOf(l.Organization, l.Database, l.Branch)
}

var locationValidators = []validator.String{pathSegment{}}

func locationAttributes(kind credentialKind) map[string]schema.Attribute {
	attr := func(what string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, Validators: locationValidators, MarkdownDescription: what}
	}
	return map[string]schema.Attribute{
		"organization": attr("Name of the PlanetScale organization."),
		"database":     attr("Name of the " + kind.engine + " database."),
		"branch":       attr("Name of the database branch."),
	}
}

func nameFilterAttribute(kind credentialKind) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		MarkdownDescription: fmt.Sprintf("Only the %ss with exactly this name. Omit for all of them.", kind.noun),
	}
}

// deletedError is a credential the API still answers for but marks gone.
type deletedError struct{ what, at string }

func (e deletedError) Error() string { return fmt.Sprintf("it was %s at %s", e.what, e.at) }

// lookupError explains why one credential could not be read by ID. A 404
// is told apart: a credential that is not on a branch that answers, or a
// branch that does not answer at all (missing, or invisible to the token).
func (d *providerData) lookupError(ctx context.Context, kind credentialKind, b planetscale.Branch, id string, err error,
	branchAnswers func(context.Context, planetscale.Branch) error,
) string {
	object := kind.noun + " " + b.String() + "/" + id
	var deleted deletedError
	switch {
	case errors.As(err, &deleted):
		return fmt.Sprintf("%s: %v, so there is nothing to read. Use the ID of a %s that exists; "+
			"the %ss data source lists those on the branch.", object, err, kind.noun, kind.resource)
	case planetscale.IsNotFound(err):
		if branchErr := branchAnswers(ctx, b); branchErr != nil {
			return d.listError(kind, b, branchErr)
		}
		return fmt.Sprintf("%s: PlanetScale has no %s with ID %q on this branch (the credential answered 404 Not Found; the branch answers). "+
			"Check the ID; the %ss data source lists the branch's %ss.", object, kind.noun, id, kind.resource, kind.noun)
	}
	return apiCall{op: "read", object: object, data: d, access: "read_branch", timeout: defaultReadTimeout}.detail(err)
}

// branchAnswers is the check lookupError makes for a kind's branch.
func (d *providerData) branchAnswers(kind credentialKind) func(context.Context, planetscale.Branch) error {
	if kind == roleKind {
		return d.roleLists.branchAnswers
	}
	return d.passwordLists.branchAnswers
}

// listError explains why a branch's credentials could not be listed.
func (d *providerData) listError(kind credentialKind, b planetscale.Branch, err error) string {
	notFound := fmt.Sprintf("Either there is no branch %q in database %q of organization %q, or %q is not a %s database "+
		"(%s's data sources read the other kind), or the %s cannot see it. Check the three names and the token's access.",
		b.Branch, b.Database, b.Organization, b.Database, kind.engine, kind.other, d.credentials)
	return apiCall{op: "read", object: kind.noun + "s on " + b.String(), data: d, access: "read_branch",
		timeout: defaultReadTimeout, notFound: notFound}.detail(err)
}
