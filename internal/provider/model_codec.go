package provider

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The managed resources read their plan and state into a model, and write
// it back, on every create, read, update and delete. The framework's
// State.Get and State.Set find the model's tfsdk tags by reflection on each
// call and compile a regular expression per field to check them; for 400
// resources that was a tenth of the provider's CPU in a refresh
// (BENCHMARKS.md). getModel and setState do the same conversion with the
// fields found once per model type.

// schemaType is what tfsdk.State.Schema and tfsdk.Plan.Schema offer.
type schemaType interface {
	Type() attr.Type
}

// modelFieldsByType caches, per model struct type, each tfsdk tag's field
// index (through embedded structs).
var modelFieldsByType sync.Map // reflect.Type → map[string][]int

func modelFields(t reflect.Type) map[string][]int {
	if fields, ok := modelFieldsByType.Load(t); ok {
		return fields.(map[string][]int) //nolint:forcetypeassert // only this function stores
	}
	fields := map[string][]int{}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			at := append(append([]int{}, index...), i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type, at)
				continue
			}
			if tag := f.Tag.Get("tfsdk"); tag != "" && tag != "-" {
				fields[tag] = at
			}
		}
	}
	walk(t, nil)
	modelFieldsByType.Store(t, fields)
	return fields
}

// getModel reads a plan's or state's object value into target, a pointer
// to a model struct whose tfsdk tags name every attribute and block.
func getModel(ctx context.Context, raw tftypes.Value, schema schemaType, target any) diag.Diagnostics {
	var diags diag.Diagnostics
	fail := func(format string, args ...any) diag.Diagnostics {
		diags.AddError("Value Conversion Error", "An unexpected error was encountered reading the plan or state into the provider's model. "+
			"This is always an error in the provider; please report it: "+fmt.Sprintf(format, args...))
		return diags
	}
	objectType, ok := schema.Type().(attr.TypeWithAttributeTypes)
	if !ok {
		return fail("schema type %T has no attributes", schema.Type())
	}
	attrTypes := objectType.AttributeTypes()
	var object map[string]tftypes.Value
	if err := raw.As(&object); err != nil {
		return fail("%v", err)
	}
	model := reflect.ValueOf(target).Elem()
	fields := modelFields(model.Type())
	if len(fields) != len(attrTypes) {
		return fail("%s has %d fields for %d attributes and blocks", model.Type(), len(fields), len(attrTypes))
	}
	for name, index := range fields {
		attrType, ok := attrTypes[name]
		if !ok {
			return fail("%s has a field %q the schema does not", model.Type(), name)
		}
		value, err := attrType.ValueFromTerraform(ctx, object[name])
		if err != nil {
			return fail("%s: %v", name, err)
		}
		field := model.FieldByIndex(index)
		v := reflect.ValueOf(value)
		if !v.Type().AssignableTo(field.Type()) {
			return fail("%s: %s is not assignable to %s", name, v.Type(), field.Type())
		}
		field.Set(v)
	}
	return diags
}

// setState writes a model, a pointer to a struct that getModel can read
// into, as the whole state.
func setState(ctx context.Context, state *tfsdk.State, model any) diag.Diagnostics {
	value, diags := modelValue(ctx, state.Schema.Type().TerraformType(ctx), model)
	if diags.HasError() {
		return diags
	}
	// State.Set checks the value's type against the schema once more.
	return state.Set(ctx, value)
}

// modelValue is the object value of type objectType that a model holds.
func modelValue(ctx context.Context, objectType tftypes.Type, model any) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	fail := func(format string, args ...any) (tftypes.Value, diag.Diagnostics) {
		diags.AddError("Value Conversion Error", "An unexpected error was encountered writing the provider's model to state. "+
			"This is always an error in the provider; please report it: "+fmt.Sprintf(format, args...))
		return tftypes.Value{}, diags
	}
	values := map[string]tftypes.Value{}
	if err := addModelValues(ctx, values, model); err != nil {
		return fail("%v", err)
	}
	if err := tftypes.ValidateValue(objectType, values); err != nil {
		return fail("%v", err)
	}
	return tftypes.NewValue(objectType, values), diags
}

// addModelValues adds the attribute values a model holds to values.
func addModelValues(ctx context.Context, values map[string]tftypes.Value, model any) error {
	m := reflect.Indirect(reflect.ValueOf(model))
	for name, index := range modelFields(m.Type()) {
		value, ok := m.FieldByIndex(index).Interface().(attr.Value)
		if !ok {
			return fmt.Errorf("%s: field is not an attr.Value", name)
		}
		v, err := value.ToTerraformValue(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		values[name] = v
	}
	return nil
}

// setStateOf writes as the whole state the models side by side (a data
// source's configuration and what it read), and the values of attributes
// no model holds.
func setStateOf(ctx context.Context, state *tfsdk.State, values map[string]tftypes.Value, models ...any) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, model := range models {
		if err := addModelValues(ctx, values, model); err != nil {
			diags.AddError("Value Conversion Error", "An unexpected error was encountered writing the provider's model to state. "+
				"This is always an error in the provider; please report it: "+err.Error())
			return diags
		}
	}
	objectType := state.Schema.Type().TerraformType(ctx)
	if err := tftypes.ValidateValue(objectType, values); err != nil {
		diags.AddError("Value Conversion Error", "An unexpected error was encountered writing the provider's model to state. "+
			"This is always an error in the provider; please report it: "+err.Error())
		return diags
	}
	return state.Set(ctx, tftypes.NewValue(objectType, values))
}
