package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// Resource identity and import, by identity or by the
// "organization/database/branch/id" string, for both managed resources,
// and by "organization/database/branch/current_id[/previous_id]" for the
// rotating ones.

// credentialIdentity is a credential's resource identity (Terraform 1.12+,
// OpenTofu 1.12): what names it at the API, for import blocks with
// identity = { ... } and for terraform query.
type credentialIdentity struct {
	Organization types.String `tfsdk:"organization"`
	Database     types.String `tfsdk:"database"`
	Branch       types.String `tfsdk:"branch"`
	ID           types.String `tfsdk:"id"`
}

func credentialIdentitySchema(kind credentialKind) identityschema.Schema {
	descriptions := locationDescriptions(kind)
	// The identity's database has said no engine since identities came;
	// saying it now would change the published schema.
	descriptions["database"] = "Name of the database."
	descriptions["id"] = "ID of the " + kind.noun + " in PlanetScale."
	attrs := map[string]identityschema.Attribute{}
	for name, what := range descriptions {
		attrs[name] = identityschema.StringAttribute{Description: what, RequiredForImport: true}
	}
	return identityschema.Schema{Attributes: attrs}
}

// setIdentity records a credential's identity; identity is nil when the
// Terraform running the provider predates identities.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, org, db, branch, id types.String) diag.Diagnostics {
	if identity == nil || id.IsNull() || id.IsUnknown() {
		return nil
	}
	value, diags := modelValue(ctx, identity.Schema.Type().TerraformType(ctx), credentialIdentity{Organization: org, Database: db, Branch: branch, ID: id})
	if diags.HasError() {
		return diags
	}
	return identity.Set(ctx, value)
}

// setModelIdentity records the identity of the credential a model holds.
func setModelIdentity[T any](ctx context.Context, identity *tfsdk.ResourceIdentity, m credentialModel[T]) diag.Diagnostics {
	where := m.args().credentialLocation
	return setIdentity(ctx, identity, where.Organization, where.Database, where.Branch, m.results().ID)
}

// removeFromState drops a credential that is gone. The framework wants an
// identity after every Read, a removal included, and a Terraform before 1.12
// never stored one to carry over: the last known one is given.
func removeFromState[T any](ctx context.Context, resp *resource.ReadResponse, m credentialModel[T]) {
	resp.Diagnostics.Append(setModelIdentity(ctx, resp.Identity, m)...)
	resp.State.RemoveResource(ctx)
}

// parseImportID splits "organization/database/branch/id".
func parseImportID(id string) (org, db, branch, objectID string, err error) {
	parts, err := splitImportID(id, []string{"organization", "database", "branch", "id"}, nil)
	if err != nil {
		return "", "", "", "", err
	}
	return parts[0], parts[1], parts[2], parts[3], nil
}

// splitImportID splits an import ID into the parts named required, then
// as many of those named optional as it has.
func splitImportID(id string, required, optional []string) ([]string, error) {
	parts := strings.Split(id, "/")
	if len(parts) < len(required) || len(parts) > len(required)+len(optional) {
		return nil, fmt.Errorf("got %q, which has %d part(s)", id, len(parts))
	}
	for i, name := range append(required, optional...)[:len(parts)] {
		if strings.TrimSpace(parts[i]) == "" {
			return nil, fmt.Errorf("got %q, whose %s is empty", id, name)
		}
		if isDotSegment(parts[i]) {
			return nil, fmt.Errorf("got %q, whose %s is %q, which is not a name: a URL path resolves \".\" and \"..\" away, "+
				"so the request would reach another object; give the %s as PlanetScale shows it", id, name, parts[i], name)
		}
	}
	return parts, nil
}

// importByID is the ImportState shared by both resources: by the
// "organization/database/branch/id" string, or by an import block's
// identity (Terraform 1.12+).
func importByID(ctx context.Context, kind credentialKind, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var ident credentialIdentity
	if req.ID == "" && req.Identity != nil {
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
		if resp.Diagnostics.HasError() {
			return
		}
	} else {
		org, db, branch, id, err := parseImportID(req.ID)
		if err != nil {
			resp.Diagnostics.AddError("Invalid Import ID",
				fmt.Sprintf("Import a %s with an ID of the form organization/database/branch/id, such as acme/app-db/main/a1b2c3d4: %v.", kind.noun, err))
			return
		}
		ident = credentialIdentity{Organization: types.StringValue(org), Database: types.StringValue(db), Branch: types.StringValue(branch), ID: types.StringValue(id)}
	}
	for attr, v := range map[string]types.String{"organization": ident.Organization, "database": ident.Database, "branch": ident.Branch, "id": ident.ID} {
		if err := checkPathSegment(v.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Invalid Import Identity", fmt.Sprintf("The %s of the %s to import %s.", attr, kind.noun, err))
			continue
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, ident.Organization, ident.Database, ident.Branch, ident.ID)...)
	resp.Diagnostics.Append(markImporting(ctx, resp.Private)...)
}

// importingKey marks, in private state, a credential ImportState has just
// recorded. The Read that follows is the import's: state held nothing
// before it, so a 404 there means a wrong name or ID, which is an error,
// not a credential to keep in state or to drop from it. Terraform hands
// ImportState's private state to that Read; the Read clears the mark.
const importingKey = "importing"

func markImporting(ctx context.Context, private privateStore) diag.Diagnostics {
	return private.SetKey(ctx, importingKey, []byte("true"))
}

// importRead tells the Read that follows ImportState from a refresh.
type importRead bool

func readingImport(ctx context.Context, private privateStore) importRead {
	b, diags := private.GetKey(ctx, importingKey)
	return importRead(!diags.HasError() && len(b) > 0)
}

// op is the operation a failed read names (see newAPICall).
func (i importRead) op() string {
	if i {
		return "import"
	}
	return "read"
}

func (i importRead) errorSummary(noun string) string {
	if i {
		return "Error Importing " + titleCase(noun)
	}
	return "Error Reading " + titleCase(noun)
}

// gone reports a credential to import that is not on its branch, which
// answers; part names the part of the import ID that gave its ID.
func (i importRead) gone(diags *diag.Diagnostics, kind credentialKind, b planetscale.Branch, part string, id types.String) {
	diags.AddError("Cannot Import "+titleCase(kind.noun),
		fmt.Sprintf("%s: PlanetScale has no %s with ID %q on this branch (the %s answered 404 Not Found, or is marked deleted; the branch answers). "+
			"Nothing was imported. Check the %s in the import ID; the %ss data source lists the branch's %ss.",
			objectName(kind.noun, b, id), kind.noun, id.ValueString(), kind.noun, part, kind.resource, kind.noun))
}

// done clears the mark once the import's read succeeded, and warns, with
// secretNote, that the secrets are null.
func (i importRead) done(ctx context.Context, private privateStore, diags *diag.Diagnostics, summary, secretNote string) {
	if !i {
		return
	}
	diags.Append(private.SetKey(ctx, importingKey, nil)...)
	diags.AddWarning(summary, "PlanetScale returns a credential's secret only when it is created, so "+secretNote)
}

// rotatingIdentity names the credentials a rotating resource holds.
type rotatingIdentity struct {
	credentialLocation
	CurrentID  types.String `tfsdk:"current_id"`
	PreviousID types.String `tfsdk:"previous_id"`
}

func (r *rotatingResource[T]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	kind := kindOf[T]()
	attrs := map[string]identityschema.Attribute{
		"current_id":  identityschema.StringAttribute{Description: "ID of the current " + kind.noun + ".", RequiredForImport: true},
		"previous_id": identityschema.StringAttribute{Description: "ID of the previous " + kind.noun + ", if any.", OptionalForImport: true},
	}
	for name, what := range locationDescriptions(kind.credentialKind) {
		attrs[name] = identityschema.StringAttribute{Description: what, RequiredForImport: true}
	}
	resp.IdentitySchema = identityschema.Schema{Attributes: attrs}
}

// setIdentity names the current and previous credentials of m, or, for
// those gone outside Terraform, of before (the framework wants an identity
// after every read): the first two of them that exist.
func (r *rotatingResource[T]) setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m rotatingModel[T], before ...*credentialSlot) diag.Diagnostics {
	kind, where := kindOf[T](), m.rotation().credentialLocation
	var ids []types.String
	for _, s := range append([]*credentialSlot{kind.slotOf(m.rotated().Current), kind.slotOf(m.rotated().Previous)}, before...) {
		if s != nil && !s.ID.IsUnknown() && len(ids) < 2 {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 || identity == nil {
		return nil
	}
	ident := rotatingIdentity{credentialLocation: where, CurrentID: ids[0], PreviousID: types.StringNull()}
	if len(ids) == 2 {
		ident.PreviousID = ids[1]
	}
	return identity.Set(ctx, ident)
}

func (r *rotatingResource[T]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	kind := kindOf[T]()
	var ident rotatingIdentity
	if req.ID == "" && req.Identity != nil {
		resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
	} else {
		parts, err := splitImportID(req.ID, []string{"organization", "database", "branch", "current_id"}, []string{"previous_id"})
		if err != nil {
			resp.Diagnostics.AddError("Invalid Import ID",
				fmt.Sprintf("Import a %s with an ID of the form organization/database/branch/current_id or organization/database/branch/current_id/previous_id, "+
					"such as acme/app-db/main/a1b2c3d4: %v.", kind.rotatingType(), err))
			return
		}
		ident = rotatingIdentity{
			credentialLocation: credentialLocation{Organization: types.StringValue(parts[0]), Database: types.StringValue(parts[1]), Branch: types.StringValue(parts[2])},
			CurrentID:          types.StringValue(parts[3]), PreviousID: types.StringNull(),
		}
		if len(parts) == 5 {
			ident.PreviousID = types.StringValue(parts[4])
		}
	}
	if ident.PreviousID.Equal(ident.CurrentID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("The previous_id of the %s to import is its current_id, %s: the previous credential is retired (deleted) once overlap has passed, "+
				"so it cannot be the current one. Give the ID of the credential that was current before it, or leave previous_id out.", kind.rotatingType(), ident.CurrentID.ValueString()))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	for attr, v := range map[string]types.String{"organization": ident.Organization, "database": ident.Database, "branch": ident.Branch, "current_id": ident.CurrentID, "previous_id": ident.PreviousID} {
		if err := checkPathSegment(v.ValueString()); err != nil && (attr != "previous_id" || !v.IsNull()) {
			resp.Diagnostics.AddError("Invalid Import Identity", fmt.Sprintf("The %s of the %s to import %s.", attr, kind.rotatingType(), err))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	idOnly := func(id types.String) *credentialSlot {
		if id.IsNull() {
			return nil
		}
		s := &credentialSlot{}
		for _, f := range s.fields(kind.credentialKind) {
			*f = types.StringNull()
		}
		s.ID = id
		return s
	}
	for attr, v := range map[string]attr.Value{
		"organization": ident.Organization, "database": ident.Database, "branch": ident.Branch,
		"current": kind.slotValue(idOnly(ident.CurrentID)), "previous": kind.slotValue(idOnly(ident.PreviousID)), "generation": types.Int64Value(1),
		"id": ident.CurrentID,
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	resp.Diagnostics.Append(resp.Identity.Set(ctx, ident)...)
	resp.Diagnostics.Append(markImporting(ctx, resp.Private)...)
}
