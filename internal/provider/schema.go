package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
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
