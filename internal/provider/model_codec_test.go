package provider

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/credsmith/terraform-provider-planetscale/internal/planetscale"
)

type codecCase struct {
	name     string
	resource resource.Resource
	newModel func() any
}

var codecCases = []codecCase{
	{"branch password", newCredentialResource[planetscale.Password](), func() any { return &branchPasswordModel{} }},
	{"postgres role", newCredentialResource[planetscale.Role](), func() any { return &postgresRoleModel{} }},
}

// sampleValue is a value of type t with nulls, unknowns and known values
// mixed as plans and states hold them.
func sampleValue(t tftypes.Type, rnd *rand.Rand, top bool) tftypes.Value {
	if !top {
		switch rnd.IntN(4) {
		case 0:
			return tftypes.NewValue(t, nil)
		case 1:
			return tftypes.NewValue(t, tftypes.UnknownValue)
		}
	}
	switch {
	case t.Is(tftypes.String):
		return tftypes.NewValue(t, fmt.Sprintf("s-%d", rnd.IntN(1000)))
	case t.Is(tftypes.Number):
		return tftypes.NewValue(t, big.NewFloat(float64(rnd.IntN(100000))))
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(t, rnd.IntN(2) == 0)
	case t.Is(tftypes.Set{}):
		elem := t.(tftypes.Set).ElementType //nolint:forcetypeassert // checked by Is
		var elems []tftypes.Value
		for i := range rnd.IntN(4) {
			elems = append(elems, tftypes.NewValue(elem, fmt.Sprintf("e-%d", i)))
		}
		return tftypes.NewValue(t, elems)
	case t.Is(tftypes.Object{}):
		attrs := map[string]tftypes.Value{}
		for name, at := range t.(tftypes.Object).AttributeTypes { //nolint:forcetypeassert // checked by Is
			attrs[name] = sampleValue(at, rnd, false)
		}
		return tftypes.NewValue(t, attrs)
	}
	panic("sampleValue: no sample for " + t.String())
}

// The cached conversion must give exactly what the framework's reflection
// gives, both ways, for every mix of null, unknown and known values.
func TestModelCodecAgreesWithTheFramework(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range codecCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			schema := resourceSchema(t, tc.resource).Schema
			objectType := schema.Type().TerraformType(ctx)
			for seed := range 200 {
				raw := sampleValue(objectType, rand.New(rand.NewPCG(uint64(seed), 1)), true)

				want, got := tc.newModel(), tc.newModel()
				if diags := (tfsdk.State{Raw: raw, Schema: schema}).Get(ctx, want); diags.HasError() {
					t.Fatalf("seed %d: framework Get: %v", seed, diags)
				}
				if diags := getModel(ctx, raw, schema, got); diags.HasError() {
					t.Fatalf("seed %d: getModel: %v", seed, diags)
				}
				if !reflect.DeepEqual(want, got) {
					t.Fatalf("seed %d: getModel gave\n%+v\nthe framework\n%+v", seed, got, want)
				}

				framework := tfsdk.State{Raw: tftypes.NewValue(objectType, nil), Schema: schema}
				ours := framework
				if diags := framework.Set(ctx, want); diags.HasError() {
					t.Fatalf("seed %d: framework Set: %v", seed, diags)
				}
				if diags := setState(ctx, &ours, got); diags.HasError() {
					t.Fatalf("seed %d: setState: %v", seed, diags)
				}
				if !ours.Raw.Equal(framework.Raw) || !ours.Raw.Equal(raw) {
					t.Fatalf("seed %d: setState wrote\n%s\nthe framework\n%s\nread from\n%s", seed, ours.Raw, framework.Raw, raw)
				}
			}
		})
	}
}

// A model that does not match the schema is an error, not a panic or a
// silently dropped attribute.
func TestModelCodecRefusesAModelThatDoesNotMatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	schema := resourceSchema(t, newCredentialResource[planetscale.Password]()).Schema
	raw := sampleValue(schema.Type().TerraformType(ctx), rand.New(rand.NewPCG(1, 1)), true)

	var missing struct {
		ID types.String `tfsdk:"id"`
	}
	if diags := getModel(ctx, raw, schema, &missing); !diags.HasError() || !strings.Contains(diags[0].Detail(), "fields for") {
		t.Errorf("a model with one field read a whole password: %v", diags)
	}

	// The outer field shadows the embedded one of the same tag.
	var bad struct {
		branchPasswordModel
		Expired types.String `tfsdk:"expired"` // a bool in the schema
	}
	if diags := getModel(ctx, raw, schema, &bad); !diags.HasError() {
		t.Error("a string field took a bool attribute")
	}
}

func BenchmarkModelGet(b *testing.B) {
	ctx := context.Background()
	schema := resourceSchema(b, newCredentialResource[planetscale.Password]()).Schema
	raw := sampleValue(schema.Type().TerraformType(ctx), rand.New(rand.NewPCG(7, 1)), true)
	b.Run("framework", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m branchPasswordModel
			_ = tfsdk.State{Raw: raw, Schema: schema}.Get(ctx, &m)
		}
	})
	b.Run("getModel", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m branchPasswordModel
			_ = getModel(ctx, raw, schema, &m)
		}
	})
}

func BenchmarkStateSet(b *testing.B) {
	ctx := context.Background()
	schema := resourceSchema(b, newCredentialResource[planetscale.Password]()).Schema
	raw := sampleValue(schema.Type().TerraformType(ctx), rand.New(rand.NewPCG(7, 1)), true)
	var m branchPasswordModel
	_ = getModel(ctx, raw, schema, &m)
	b.Run("framework", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			state := tfsdk.State{Schema: schema}
			_ = state.Set(ctx, &m)
		}
	})
	b.Run("setState", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			state := tfsdk.State{Schema: schema}
			_ = setState(ctx, &state, &m)
		}
	})
}

func TestSetIdentityAgreesWithTheFramework(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	schema := credentialIdentitySchema(passwordKind)
	null := tftypes.NewValue(schema.Type().TerraformType(ctx), nil)
	framework := tfsdk.ResourceIdentity{Schema: schema, Raw: null}
	ours := tfsdk.ResourceIdentity{Schema: schema, Raw: null}
	org, db, branch, id := types.StringValue("acme"), types.StringValue("app-db"), types.StringValue("main"), types.StringValue("pw-1")
	if diags := framework.Set(ctx, credentialIdentity{Organization: org, Database: db, Branch: branch, ID: id}); diags.HasError() {
		t.Fatal(diags)
	}
	if diags := setIdentity(ctx, &ours, org, db, branch, id); diags.HasError() {
		t.Fatal(diags)
	}
	if !ours.Raw.Equal(framework.Raw) {
		t.Errorf("setIdentity wrote %s, the framework %s", ours.Raw, framework.Raw)
	}
}
