// Command floor-same-schema serves planetscale's provider schema and its
// two resources' schemas (the same attributes, validators, plan modifiers
// and timeouts block, taken from the provider itself) with CRUD that calls
// no API: create and update copy the plan to state, read and delete do
// nothing. The benchmark runs it beside the real provider so that the
// difference is what the provider's own code costs: HTTP, retries, pacing,
// mapping, caching, ModifyPlan (BENCHMARKS.md).
package main

import (
	"context"
	"log"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	planetscale "github.com/credsmith/terraform-provider-planetscale/internal/provider"
)

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{planetscale: planetscale.New("floor")()} }, providerserver.ServeOpts{
		Address:         "registry.terraform.io/credsmith/planetscale",
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// floorProvider has the real provider's name and configuration schema, and
// configures nothing.
type floorProvider struct {
	planetscale provider.Provider
}

func (p floorProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	p.planetscale.Metadata(ctx, req, resp)
}

func (p floorProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	p.planetscale.Schema(ctx, req, resp)
}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p floorProvider) Resources(ctx context.Context) []func() resource.Resource {
	var floors []func() resource.Resource
	for _, newReal := range p.planetscale.Resources(ctx) {
		floors = append(floors, func() resource.Resource { return schemaOnly{planetscale: newReal()} })
	}
	return floors
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// schemaOnly is one of the real resources with its name and schema and
// nothing else.
type schemaOnly struct {
	planetscale resource.Resource
}

func (r schemaOnly) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.planetscale.Metadata(ctx, req, resp)
}

func (r schemaOnly) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.planetscale.Schema(ctx, req, resp)
}

func (schemaOnly) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = known(req.Plan.Raw)
}

func (schemaOnly) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (schemaOnly) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = known(req.Plan.Raw)
}

func (schemaOnly) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// known replaces what the plan left for the provider to compute with a
// zero value, as an API's answer would: Terraform refuses unknown values in
// state after apply.
func known(plan tftypes.Value) tftypes.Value {
	v, err := tftypes.Transform(plan, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		switch t := v.Type(); {
		case t.Is(tftypes.String):
			return tftypes.NewValue(t, ""), nil
		case t.Is(tftypes.Number):
			return tftypes.NewValue(t, big.NewFloat(0)), nil
		case t.Is(tftypes.Bool):
			return tftypes.NewValue(t, false), nil
		default:
			return tftypes.NewValue(t, nil), nil
		}
	})
	if err != nil {
		panic(err) // the callback returns no error
	}
	return v
}
