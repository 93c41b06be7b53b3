package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

// The list resources of `terraform query` (Terraform 1.14+): list
// "planetscale_branch_password" and list "planetscale_postgres_role" find a
// branch's credentials, with their identities and, when asked, the
// resource objects that -generate-config-out writes as configuration. No
// secret: the API has none to give after a create.

var (
	_ list.ListResourceWithConfigure = (*credentialListResource[planetscale.Password])(nil)
	_ list.ListResourceWithConfigure = (*credentialListResource[planetscale.Role])(nil)
)

// credentialListResource lists one kind of credential; T is the client's
// type for it.
type credentialListResource[T any] struct {
	data *providerData
	kind *credentialType[T]
}

// listResourceOf is the constructor of a kind's list resource.
func listResourceOf[T any](kind *credentialType[T]) func() list.ListResource {
	return func() list.ListResource { return &credentialListResource[T]{kind: kind} }
}

func (l *credentialListResource[T]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = l.kind.resource
}

func (l *credentialListResource[T]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := map[string]schema.Attribute{}
	for name, what := range locationDescriptions(l.kind.credentialKind) {
		attrs[name] = schema.StringAttribute{Required: true, Validators: locationValidators, MarkdownDescription: what}
	}
	filter := nameFilterAttribute(l.kind.credentialKind)
	attrs["name"] = schema.StringAttribute{Optional: true, Validators: filter.Validators, MarkdownDescription: filter.MarkdownDescription}
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Finds the %ss on a branch, for `terraform query` (Terraform 1.14+): each result carries the %s's identity, "+
			"and with `include_resource = true` its attributes, so that `terraform query -generate-config-out=FILE` writes the configuration "+
			"and import blocks that adopt them. ", l.kind.noun, l.kind.noun) + noSecretNote,
		Attributes: attrs,
	}
}

func (l *credentialListResource[T]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *credentialListResource[T]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	if !requireClient(l.data, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var config credentialListConfig
	if diags.Append(req.Config.Get(ctx, &config)...); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		ctx, cancel := context.WithTimeout(l.data.maskSecrets(ctx), defaultReadTimeout)
		defer cancel()
		b, name := config.branch(), config.nameFilter()
		var pushed int64
		err := l.kind.each(l.data.client, ctx, b, planetscale.ListOptions{Query: config.Name.ValueString()}, func(item *T) bool {
			if !l.kind.matches(item, name) {
				return true
			}
			about := l.kind.about(item)
			result := req.NewListResult(ctx)
			result.DisplayName = fmt.Sprintf("%s (%s)", about.name, about.username)
			result.Diagnostics.Append(result.Identity.Set(ctx, credentialIdentity{
				Organization: config.Organization, Database: config.Database, Branch: config.Branch, ID: types.StringValue(about.id),
			})...)
			if req.IncludeResource {
				// The managed resource's state, as an import would record it.
				object := l.kind.modelOn(config.credentialLocation)
				result.Diagnostics.Append(recordAnswer(ctx, object, item, l.kind.about)...)
				result.Diagnostics.Append(result.Resource.Set(ctx, object)...)
			}
			pushed++
			// Stop reading pages once Terraform has all it asked for.
			return push(result) && (req.Limit <= 0 || pushed < req.Limit)
		})
		if err != nil {
			var diags diag.Diagnostics
			diags.AddError(fmt.Sprintf("Error Listing %ss", titleCase(l.kind.noun)), l.data.listError(l.kind.credentialKind, b, err))
			push(list.ListResult{Diagnostics: diags})
		}
	}
}
