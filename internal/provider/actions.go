package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The actions (Terraform 1.14+): renew a password or a role, and reassign a
// role's objects, as a step of a pipeline (terraform apply
// -invoke=action.TYPE.NAME) or after a resource changes (lifecycle
// action_trigger). There is deliberately no rotation action: an action
// cannot return the new secret, so applications would lose theirs.

var (
	_ action.ActionWithConfigure      = (*renewAction[planetscale.Password])(nil)
	_ action.ActionWithValidateConfig = (*renewAction[planetscale.Role])(nil)
	_ action.ActionWithConfigure      = (*reassignAction)(nil)
	_ action.ActionWithValidateConfig = (*reassignAction)(nil)
)

// credentialTarget names the credential an action works on: its identity's
// four attributes, or the import ID that joins them.
type credentialTarget struct {
	credentialIdentity
	ImportID types.String `tfsdk:"import_id"`
}

func targetAttributes(kind credentialKind) map[string]schema.Attribute {
	descriptions := locationDescriptions(kind)
	descriptions["id"] = "ID of the " + kind.noun + ", such as `" + kind.resource + ".app.id`."
	attrs := map[string]schema.Attribute{
		"import_id": schema.StringAttribute{
			Optional: true,
			Validators: []validator.String{stringvalidator.ConflictsWith(
				path.MatchRoot("organization"), path.MatchRoot("database"), path.MatchRoot("branch"), path.MatchRoot("id"))},
			MarkdownDescription: "The " + kind.noun + " as `organization/database/branch/id`, the form `terraform import` takes; instead of the four attributes.",
		},
	}
	for name, what := range descriptions {
		attrs[name] = schema.StringAttribute{
			Optional:            true,
			Validators:          []validator.String{pathSegment{}},
			MarkdownDescription: what + " Set `organization`, `database`, `branch` and `id` (the resource identity), or `import_id`.",
		}
	}
	return attrs
}

// validate reports, at plan time, a target that names no credential or
// names it half. Unknown values are checked when the action runs.
func (t credentialTarget) validate(kind credentialKind, diags *diag.Diagnostics) {
	if !t.ImportID.IsNull() {
		if !t.ImportID.IsUnknown() {
			if _, _, _, _, err := parseImportID(t.ImportID.ValueString()); err != nil {
				diags.AddAttributeError(path.Root("import_id"), "Invalid Import ID",
					fmt.Sprintf("import_id names a %s as organization/database/branch/id, such as acme/app-db/main/a1b2c3d4: %v.", kind.noun, err))
			}
		}
		return
	}
	var missing []string
	for name, v := range map[string]types.String{"organization": t.Organization, "database": t.Database, "branch": t.Branch, "id": t.ID} {
		if v.IsNull() {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		diags.AddError("Incomplete "+titleCase(kind.noun),
			fmt.Sprintf("Name the %s with all of organization, database, branch and id (missing: %s), or with import_id = \"organization/database/branch/id\".", kind.noun, strings.Join(missing, ", ")))
	}
}

// resolve is the branch and ID the target names; validate has run.
func (t credentialTarget) resolve() (planetscale.Branch, string) {
	if !t.ImportID.IsNull() {
		org, db, branch, id, _ := parseImportID(t.ImportID.ValueString())
		return planetscale.Branch{Organization: org, Database: db, Branch: branch}, id
	}
	return branchOf(t.Organization, t.Database, t.Branch), t.ID.ValueString()
}

// renewAction is planetscale_branch_password_renew and
// planetscale_postgres_role_renew.
type renewAction[T any] struct {
	data *providerData
	kind *credentialType[T]
}

// renewActionOf is the constructor of a kind's renew action,
// <resource>_renew.
func renewActionOf[T any](kind *credentialType[T]) func() action.Action {
	return func() action.Action { return &renewAction[T]{kind: kind} }
}

// renew checks that the credential can be renewed and renews it,
// returning its new expiry.
func (a *renewAction[T]) renew(ctx context.Context, b planetscale.Branch, id string) (expiresAt string, err error) {
	item, err := a.kind.get(a.data.client, ctx, b, id)
	if err != nil {
		return "", err
	}
	if err := a.kind.renewableNow(item); err != nil {
		return "", err
	}
	renewed, err := a.kind.renew(a.data.client, ctx, b, id)
	if err != nil {
		return "", err
	}
	return stringPtrValue(a.kind.about(renewed).expiresAt).ValueString(), nil
}

func (a *renewAction[T]) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = a.kind.resource + "_renew"
}

func (a *renewAction[T]) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Renews a %s now, extending its expiry by its TTL; its secret stays the same (Terraform 1.14+). "+
			"Run it with `terraform apply -invoke=action.%s_renew.NAME`, or from a resource's `lifecycle { action_trigger { ... } }`. "+
			"A %s without a TTL, or one that has expired, cannot be renewed: the action fails and says so. "+
			"After a renewal, the next refresh of the managed resource records the new `expires_at`.", a.kind.noun, a.kind.resource, a.kind.noun),
		Attributes: targetAttributes(a.kind.credentialKind),
	}
}

func (a *renewAction[T]) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *renewAction[T]) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var target credentialTarget
	if resp.Diagnostics.Append(req.Config.Get(ctx, &target)...); resp.Diagnostics.HasError() {
		return
	}
	target.validate(a.kind.credentialKind, &resp.Diagnostics)
}

func (a *renewAction[T]) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	if !requireClient(a.data, &resp.Diagnostics) {
		return
	}
	var target credentialTarget
	if resp.Diagnostics.Append(req.Config.Get(ctx, &target)...); resp.Diagnostics.HasError() {
		return
	}
	if target.validate(a.kind.credentialKind, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	b, id := target.resolve()
	object := a.kind.noun + " " + b.String() + "/" + id
	ctx, cancel := context.WithTimeout(a.data.maskSecrets(ctx), defaultUpdateTimeout)
	defer cancel()

	resp.SendProgress(action.InvokeProgressEvent{Message: "Renewing " + object})
	expiresAt, err := a.renew(ctx, b, id)
	if err != nil {
		resp.Diagnostics.AddError("Error Renewing "+titleCase(a.kind.noun), a.data.actionError(ctx, "renew", a.kind.credentialKind, b, id, err))
		return
	}
	// Lists read before the renewal show the old expiry.
	a.data.forgetAllLists(b)
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Renewed %s: it now expires at %s", object, expiresAt)})
}

// reassignAction is planetscale_postgres_role_reassign.
type reassignAction struct {
	data *providerData
}

// newReassignAction is the planetscale_postgres_role_reassign constructor.
func newReassignAction() action.Action {
	return &reassignAction{}
}

type reassignConfig struct {
	credentialTarget
	Successor types.String `tfsdk:"successor"`
}

func (a *reassignAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_postgres_role_reassign"
}

func (a *reassignAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := targetAttributes(roleKind)
	attrs["successor"] = schema.StringAttribute{
		Required:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		MarkdownDescription: "The role that takes over the objects: its ID or its username, on the same branch.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Hands every object a Postgres role owns (tables, sequences, schemas, ...) to another role on the same branch, " +
			"so that the role can later be destroyed without a `successor` (Terraform 1.14+). The role itself and its password stay. " +
			"Run it with `terraform apply -invoke=action.planetscale_postgres_role_reassign.NAME`, or from a resource's `lifecycle { action_trigger { ... } }`.",
		Attributes: attrs,
	}
}

func (a *reassignAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *reassignAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var config reassignConfig
	if resp.Diagnostics.Append(req.Config.Get(ctx, &config)...); resp.Diagnostics.HasError() {
		return
	}
	config.validate(roleKind, &resp.Diagnostics)
}

func (a *reassignAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	if !requireClient(a.data, &resp.Diagnostics) {
		return
	}
	var config reassignConfig
	if resp.Diagnostics.Append(req.Config.Get(ctx, &config)...); resp.Diagnostics.HasError() {
		return
	}
	if config.validate(roleKind, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	b, id := config.resolve()
	successor := config.Successor.ValueString()
	object := roleKind.noun + " " + b.String() + "/" + id
	ctx, cancel := context.WithTimeout(a.data.maskSecrets(ctx), defaultUpdateTimeout)
	defer cancel()

	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Reassigning the objects %s owns to %s", object, successor)})
	if err := a.data.client.ReassignRole(ctx, b, id, successor); err != nil {
		resp.Diagnostics.AddError("Error Reassigning Postgres Role Objects", a.data.actionError(ctx, "reassign", roleKind, b, id, err))
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Reassigned the objects %s owned to %s", object, successor)})
}
