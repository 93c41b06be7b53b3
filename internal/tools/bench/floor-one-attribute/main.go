// Command floor-one-attribute is the smallest plugin-framework provider: one
// resource, floor_value, with one required attribute, whose create copies
// the plan to state and whose other operations do nothing. The benchmark
// runs it beside planetscale to measure what Terraform and the framework
// cost a provider that does no work of its own (BENCHMARKS.md).
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{} }, providerserver.ServeOpts{
		Address:         "registry.terraform.io/credsmith/floor",
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}

type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "floor"
}

func (floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return valueResource{} }}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type valueResource struct{}

func (valueResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_value"
}

func (valueResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"value": schema.StringAttribute{Required: true},
	}}
}

func (valueResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (valueResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (valueResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

func (valueResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
