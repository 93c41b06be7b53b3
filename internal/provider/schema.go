package provider

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Schema pieces both managed resources use; the ephemeral ones have theirs
// in ephemeral.go.

// Default operation timeouts; each can be raised in a timeouts block. A
// create allows for rate-limit waits, retries and a role becoming ready.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

func timeoutsBlock(ctx context.Context) schema.Block {
	block := timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})
	b, ok := block.(schema.SingleNestedBlock)
	if !ok {
		return block // a newer timeouts module; its own description serves
	}
	b.MarkdownDescription = fmt.Sprintf("How long each operation may take, retries and waits included, as a duration such as `\"30s\"` or `\"15m\"`. "+
		"Defaults: create %s, read %s, update %s, delete %s.", defaultCreateTimeout, defaultReadTimeout, defaultUpdateTimeout, defaultDeleteTimeout)
	return b
}

// branchAttributes are organization, database and branch, shared by both
// resources: required, validated, and replacing the credential when changed.
func branchAttributes(kind credentialKind) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for name, what := range locationDescriptions(kind) {
		attrs[name] = schema.StringAttribute{
			MarkdownDescription: what + " Changing it replaces the credential.",
			Required:            true,
			Validators:          []validator.String{pathSegment{}},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	return attrs
}

// computedString is a computed attribute that keeps its state value across
// updates, so an in-place change does not show it as "(known after apply)".
func computedString(description string, sensitive bool) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Computed:            true,
		Sensitive:           sensitive,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func computedBool(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: description,
		Computed:            true,
		PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}
}

// nullTimeouts is an absent timeouts block.
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}

// withAttributes adds a kind's own attributes to those every kind has, and
// returns them all.
func withAttributes[A any](common, own map[string]A) map[string]A {
	maps.Copy(common, own)
	return common
}

// credentialAttributes are the managed resource's attributes every kind
// has; secret and connectionString describe the kind's secret attribute
// and the URL built from it.
func credentialAttributes(kind credentialKind, secret, connectionString string) map[string]schema.Attribute {
	return withAttributes(branchAttributes(kind), map[string]schema.Attribute{
		"id": computedString("ID of the "+kind.short+" in PlanetScale.", false),
		"name": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Display name of the %[1]s; it should be unique on the branch. When omitted, the provider generates one (`terraform-<random>`) and keeps it. "+
				"A configured name is given in a rename right after the create, which is sent under a temporary name (`terraform-pending-<random>`) that nothing else carries: "+
				"a create whose answer is lost is then never confused with another %[1]s of the same name. Changing it renames the %[1]s in place; the %[2]s stays the same.",
				kind.short, kind.secretNoun),
			Optional:      true,
			Computed:      true,
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"username":          computedString(kind.sql+" username of the "+kind.short+".", false),
		kind.secret:         computedString(secret, true),
		"connection_string": computedString(connectionString, true),
		"access_host_url":   computedString("Host to connect to.", false),
		"created_at":        computedString("When the "+kind.short+" was created (RFC 3339).", false),
		"expires_at":        computedString("When the "+kind.short+" expires (RFC 3339); null when it has no `ttl`.", false),
		"expired":           computedBool("Whether the " + kind.short + " has expired. An expired " + kind.short + " is planned for replacement."),
		"renew_before":      renewBeforeAttribute(kind.short),
	})
}
