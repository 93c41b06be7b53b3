// Command official-provider is a test stand-in for the official PlanetScale
// provider (registry.terraform.io/planetscale/planetscale v1.8.0), whose
// binary cannot be had here. Terraform plans a moved block from that
// provider's resources only when the provider is installed, to read their
// state with its schemas; this stand-in serves exactly those schemas (from
// schema.json, that provider's own output) and does nothing else. The move
// itself is our provider's work.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

//go:embed schema.json
var schemaJSON []byte

type jsonAttribute struct {
	Type       json.RawMessage `json:"type"`
	NestedType *struct {
		Attributes map[string]jsonAttribute `json:"attributes"`
	} `json:"nested_type"`
	Required  bool `json:"required"`
	Optional  bool `json:"optional"`
	Computed  bool `json:"computed"`
	Sensitive bool `json:"sensitive"`
}

type jsonSchema struct {
	ResourceSchemas map[string]struct {
		Version int64 `json:"version"`
		Block   struct {
			Attributes map[string]jsonAttribute `json:"attributes"`
		} `json:"block"`
	} `json:"resource_schemas"`
}

// ctyType reads the JSON form of a type: "string", ["set", "string"], ...
func ctyType(raw json.RawMessage) (tftypes.Type, error) {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		switch name {
		case "string":
			return tftypes.String, nil
		case "number":
			return tftypes.Number, nil
		case "bool":
			return tftypes.Bool, nil
		}
		return nil, fmt.Errorf("type %q", name)
	}
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return nil, fmt.Errorf("type %s", raw)
	}
	var kind string
	_ = json.Unmarshal(pair[0], &kind)
	elem, err := ctyType(pair[1])
	if err != nil {
		return nil, err
	}
	switch kind {
	case "list":
		return tftypes.List{ElementType: elem}, nil
	case "set":
		return tftypes.Set{ElementType: elem}, nil
	}
	return nil, fmt.Errorf("type %s", raw)
}

func attributes(in map[string]jsonAttribute) ([]*tfprotov6.SchemaAttribute, error) {
	var out []*tfprotov6.SchemaAttribute
	for name, a := range in {
		attr := &tfprotov6.SchemaAttribute{Name: name, Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive}
		if a.NestedType != nil {
			nested, err := attributes(a.NestedType.Attributes)
			if err != nil {
				return nil, err
			}
			attr.NestedType = &tfprotov6.SchemaObject{Nesting: tfprotov6.SchemaObjectNestingModeSingle, Attributes: nested}
		} else {
			t, err := ctyType(a.Type)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			attr.Type = t
		}
		out = append(out, attr)
	}
	return out, nil
}

// standIn answers what Terraform asks of a provider whose resources are
// only in state. Anything else reaches the nil embedded server and fails
// loudly.
type standIn struct {
	tfprotov6.ProviderServer
	schemas map[string]*tfprotov6.Schema
}

func (s *standIn) GetMetadata(context.Context, *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	resp := &tfprotov6.GetMetadataResponse{ServerCapabilities: &tfprotov6.ServerCapabilities{GetProviderSchemaOptional: false}}
	for name := range s.schemas {
		resp.Resources = append(resp.Resources, tfprotov6.ResourceMetadata{TypeName: name})
	}
	return resp, nil
}

func (s *standIn) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return &tfprotov6.GetProviderSchemaResponse{
		Provider:          &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{}},
		ResourceSchemas:   s.schemas,
		DataSourceSchemas: map[string]*tfprotov6.Schema{},
	}, nil
}

func (s *standIn) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{}}, nil
}

func (s *standIn) ValidateProviderConfig(_ context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return &tfprotov6.ValidateProviderConfigResponse{PreparedConfig: req.Config}, nil
}

func (s *standIn) ConfigureProvider(context.Context, *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (s *standIn) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

// UpgradeResourceState returns the state as it is: version 0 is current.
func (s *standIn) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	schema, ok := s.schemas[req.TypeName]
	if !ok {
		return nil, fmt.Errorf("unknown resource type %s", req.TypeName)
	}
	typ := schema.ValueType()
	value, err := req.RawState.UnmarshalWithOpts(typ, tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		return nil, err
	}
	upgraded, err := tfprotov6.NewDynamicValue(typ, value)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &upgraded}, nil
}

func main() {
	var doc jsonSchema
	if err := json.Unmarshal(schemaJSON, &doc); err != nil {
		log.Fatal(err)
	}
	server := &standIn{schemas: map[string]*tfprotov6.Schema{}}
	for name, r := range doc.ResourceSchemas {
		attrs, err := attributes(r.Block.Attributes)
		if err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		server.schemas[name] = &tfprotov6.Schema{Version: r.Version, Block: &tfprotov6.SchemaBlock{Attributes: attrs}}
	}
	if err := tf6server.Serve("registry.terraform.io/planetscale/planetscale", func() tfprotov6.ProviderServer { return server }); err != nil {
		log.Fatal(err)
	}
}
