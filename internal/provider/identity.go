package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// credentialIdentity is a credential's resource identity (Terraform 1.12+,
// OpenTofu 1.12): what names it at the API, for import blocks with
// identity = { ... } and for terraform query.
type credentialIdentity struct {
	Organization types.String `tfsdk:"organization"`
	Database     types.String `tfsdk:"database"`
	Branch       types.String `tfsdk:"branch"`
	ID           types.String `tfsdk:"id"`
}

func credentialIdentitySchema(kind string) identityschema.Schema {
	attr := func(what string) identityschema.StringAttribute {
		return identityschema.StringAttribute{Description: what, RequiredForImport: true}
	}
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"organization": attr("Name of the PlanetScale organization."),
			"database":     attr("Name of the database."),
			"branch":       attr("Name of the database branch."),
			"id":           attr("ID of the " + kind + " in PlanetScale."),
		},
	}
}

// setIdentity records a credential's identity; identity is nil when the
// Terraform running the provider predates identities.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, org, db, branch, id types.String) diag.Diagnostics {
	if identity == nil || id.IsNull() || id.IsUnknown() {
		return nil
	}
	return identity.Set(ctx, credentialIdentity{Organization: org, Database: db, Branch: branch, ID: id})
}

// removeFromState drops a credential that is gone. The framework wants an
// identity after every Read, a removal included, and a Terraform before 1.12
// never stored one to carry over: the last known one is given.
func removeFromState(ctx context.Context, resp *resource.ReadResponse, org, db, branch, id types.String) {
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, org, db, branch, id)...)
	resp.State.RemoveResource(ctx)
}
