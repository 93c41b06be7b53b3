package provider

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The rotating resource's schema, built from the kind's managed resource:
// the same arguments with the same validators and defaults, except that a
// change rotates (a new current credential, the old one kept as previous)
// instead of replacing the resource.

func (k *credentialType[T]) rotatingSchema() schema.Schema {
	base := k.resourceSchema().Attributes
	attrs := branchAttributes(k.credentialKind)
	for _, name := range []string{"organization", "database", "branch"} {
		a, _ := attrs[name].(schema.StringAttribute)
		a.MarkdownDescription = strings.Replace(a.MarkdownDescription, "Changing it replaces the credential.",
			"Changing it replaces the resource: both credentials are deleted, with no overlap, and a new one is created.", 1)
		attrs[name] = a
	}
	for _, name := range k.rotatingSettings {
		attrs[name] = rotatingArgument(base[name], k.short)
	}
	ttl, _ := base["ttl"].(schema.Int64Attribute)
	attrs["ttl"] = schema.Int64Attribute{
		MarkdownDescription: fmt.Sprintf(ttlUnits+", of each %[1]s, from its create. Omit for %[1]ss that never expire. "+
			"Must be longer than `rotate_every` plus `overlap`, so that a %[1]s still works while it is the previous one. Changing it rotates the %[1]s.", k.short),
		Optional:   true,
		Validators: ttl.Validators,
	}
	attrs["rotate_every"] = schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Rotate when the current %[1]s is at least this old, by the API's `created_at`, as a duration such as `\"720h\"`. "+
			"The age is judged as of the refresh that read the %[1]s, so a saved plan applied later does what it planned.", k.short),
		Optional:   true,
		Validators: []validator.String{durationString{}},
	}
	attrs["rotation_trigger"] = schema.StringAttribute{
		MarkdownDescription: "Any string; rotate whenever it changes to a new value (a `time_rotating` ID, a version number). " +
			"Setting it where state has none (after import) records it without rotating. " +
			"When it is not known until apply, the plan shows `current` and `previous` as known after apply: apply rotates only if the value turns out new. " +
			"At least one of `rotate_every` and `rotation_trigger` is required.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["overlap"] = schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("How long the previous %[1]s keeps working after a rotation, as a duration; defaults to `\"24h\"`. "+
			"The first plan after `rotated_at` plus `overlap` retires it (apply deletes it). Set it longer than the longest time an application takes to reload its secret. "+
			"Must be at most `rotate_every`: a rotation deletes the previous %[1]s, so a change of `rotation_trigger` within overlap of the last rotation cuts it short (the plan warns when it does).", k.short),
		Optional:   true,
		Computed:   true,
		Default:    stringdefault.StaticString("24h"),
		Validators: []validator.String{durationString{}},
	}
	attrs["name_prefix"] = schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Each generation's %[1]s is named the prefix followed by its `generation` (`app-1`, `app-2`, ...), so that both live on the branch under their own names. "+
			"Without it, each gets a generated name (`terraform-<random>`). Changing it names the next generation; it does not rotate.", k.short),
		Optional:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["current"] = k.slotAttribute(fmt.Sprintf("The current %[1]s: the one applications should use. Its `%[2]s` is null after import.", k.short, k.secret))
	attrs["previous"] = k.slotAttribute(fmt.Sprintf("The %[1]s that was current before the last rotation, kept working for `overlap`; null when there is none.", k.short))
	attrs["retiring_ids"] = schema.SetAttribute{
		MarkdownDescription: fmt.Sprintf("IDs of older %[1]ss whose delete failed; the next apply deletes them again. Null when there are none.", k.short),
		Computed:            true,
		ElementType:         types.StringType,
	}
	attrs["rotated_at"] = schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("When the current %s was created (RFC 3339), as the API reports it.", k.short),
		Computed:            true,
	}
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Identifies the resource, not a %[1]s: the ID of the first %[1]s it created (or of the current one when it was imported), "+
			"kept through every rotation, so that Terraform's progress lines name the resource the same way each time. "+
			"The %[1]s to connect with is `current`; `current.id` is its ID.", k.short),
		Computed:      true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["generation"] = schema.Int64Attribute{
		MarkdownDescription: "Grows by one with each rotation; the first credential is generation 1 (as is the current one after import). " +
			"A rotation also goes past the number in the name of the current and previous credentials (`name_prefix` followed by a number), " +
			"so that after an import of `app-2` the next one is `app-3`, not a second `app-2`.",
		Computed: true,
	}
	if k.rotatingOwn != nil {
		maps.Copy(attrs, k.rotatingOwn())
	}
	return schema.Schema{
		MarkdownDescription: fmt.Sprintf("Zero-downtime rotation of %[1]ss for a PlanetScale %[2]s database branch. "+
			"It always holds a current %[3]s and, for `overlap` after each rotation, the previous one, so applications that have not yet reloaded their secret keep working. "+
			"A rotation (by age, by trigger, or by a changed setting) is an in-place update: apply creates the new %[3]s, keeps the current one as `previous`, and only then deletes the older previous one. "+
			"The secrets (`current.%[4]s`, `previous.%[4]s`) are stored in state as sensitive values.", k.noun, k.engine, k.short, k.secret),
		Attributes: attrs,
	}
}

// slotAttribute is current or previous: one credential of the kind.
func (k *credentialType[T]) slotAttribute(description string) schema.SingleNestedAttribute {
	what := map[string]string{
		"id":                "ID of the " + k.short + " in PlanetScale.",
		"name":              "Display name of the " + k.short + ".",
		"username":          k.sql + " username of the " + k.short + ".",
		k.secret:            "The " + k.secretNoun + "; PlanetScale returns it only when the " + k.short + " is created.",
		"connection_string": "A URL for the " + k.short + ", as the managed resource's `connection_string`.",
		"access_host_url":   "Host to connect to.",
		k.databaseAttr:      "Name of the database to connect to.",
		"created_at":        "When the " + k.short + " was created (RFC 3339).",
		"expires_at":        "When the " + k.short + " expires (RFC 3339); null when it has no `ttl`.",
		"last_used_at":      "When a query last ran with the " + k.short + " (RFC 3339), as PlanetScale records it, as of the last refresh; null when never.",
	}
	attrs := map[string]schema.Attribute{}
	for _, name := range k.slotAttributes() {
		attrs[name] = schema.StringAttribute{
			MarkdownDescription: what[name],
			Computed:            true,
			Sensitive:           name == k.secret || name == "connection_string",
		}
	}
	return schema.SingleNestedAttribute{MarkdownDescription: description, Computed: true, Attributes: attrs}
}

// replaceModifiers are the managed resource's plan modifiers that replace
// a credential when its argument changes; the rotating resource rotates
// instead.
var replaceModifiers = []reflect.Type{
	reflect.TypeOf(stringplanmodifier.RequiresReplace()),
	reflect.TypeOf(setplanmodifier.RequiresReplace()),
	reflect.TypeOf(boolplanmodifier.RequiresReplace()),
	reflect.TypeOf(int64planmodifier.RequiresReplace()),
	reflect.TypeOf(roleTTLModifier{}),
}

// rotatingArgument is a managed resource's argument as the rotating
// resource takes it: the same attribute, of whatever type, without the
// replace modifiers, and saying that a change rotates. Every attribute
// type of the schema package has the two fields.
func rotatingArgument(a schema.Attribute, short string) schema.Attribute {
	v := reflect.New(reflect.TypeOf(a)).Elem()
	v.Set(reflect.ValueOf(a))
	description := v.FieldByName("MarkdownDescription")
	description.SetString(strings.ReplaceAll(description.String(), "Changing it replaces the "+short, "Changing it rotates the "+short))
	modifiers := v.FieldByName("PlanModifiers")
	kept := reflect.MakeSlice(modifiers.Type(), 0, modifiers.Len())
	for i := range modifiers.Len() {
		if m := modifiers.Index(i); !slices.Contains(replaceModifiers, m.Elem().Type()) {
			kept = reflect.Append(kept, m)
		}
	}
	modifiers.Set(kept)
	rotating, _ := v.Interface().(schema.Attribute) // a value of a's own type
	return rotating
}

// settingsChange compares a kind's settings in the plan with state's:
// rotates when a known one changed, unknown when one is not known yet.
func settingsChange(plan, prior []attr.Value) (rotates, unknown bool) {
	for i, v := range plan {
		switch {
		case v.IsUnknown():
			unknown = true
		case !v.Equal(prior[i]):
			rotates = true
		}
	}
	return rotates, unknown
}
