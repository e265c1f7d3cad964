package contracts_test

import (
	"context"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	contracts "github.com/chatapi/chatapi"
)

// TestExamplesMatchSchemas checks every request and response example of
// openapi.yaml against its schema with kin-openapi, the validator the server
// runs (Redocly checks them with ajv): GET /rooms's example shows
// RoomSummary.last_message both as a message and as null.
func TestExamplesMatchSchemas(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(contracts.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid: %v", err)
	}
	type example struct {
		where  string
		schema *openapi3.SchemaRef
		value  any
	}
	var examples []example
	collect := func(where string, content openapi3.Content) {
		for mediaType, mt := range content {
			if mt == nil || mt.Schema == nil {
				continue
			}
			if mt.Example != nil {
				examples = append(examples, example{where + " " + mediaType, mt.Schema, mt.Example})
			}
			for name, ex := range mt.Examples {
				if ex != nil && ex.Value != nil {
					examples = append(examples, example{where + " " + mediaType + " " + name, mt.Schema, ex.Value.Value})
				}
			}
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				collect(where+" request", op.RequestBody.Value.Content)
			}
			for status, resp := range op.Responses.Map() {
				if resp.Value != nil {
					collect(where+" "+status, resp.Value.Content)
				}
			}
		}
	}
	sort.Slice(examples, func(i, j int) bool { return examples[i].where < examples[j].where })
	if len(examples) < 28 {
		t.Fatalf("found %d examples, want at least one per operation (28)", len(examples))
	}
	var sawNullableMessage bool
	for _, ex := range examples {
		t.Run(ex.where, func(t *testing.T) {
			if err := ex.schema.Value.VisitJSON(ex.value); err != nil {
				t.Errorf("example does not match its schema: %v", err)
			}
		})
		if ex.where == "GET /rooms 200 application/json" {
			sawNullableMessage = true
		}
	}
	if !sawNullableMessage {
		t.Error("no example for GET /rooms 200: the nullable last_message is unchecked")
	}
}

// TestNullableMessageAcceptsNull pins what the generators rely on:
// RoomSummary.last_message takes a Message or null.
func TestNullableMessageAcceptsNull(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(contracts.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	summary := doc.Components.Schemas["RoomSummary"].Value
	var lastMessage *openapi3.Schema
	for _, part := range summary.AllOf {
		if p, ok := part.Value.Properties["last_message"]; ok {
			lastMessage = p.Value
		}
	}
	if lastMessage == nil {
		t.Fatal("RoomSummary has no last_message")
	}
	for _, tc := range []struct {
		name  string
		value any
		ok    bool
	}{
		{"null", nil, true},
		{"a message", map[string]any{
			"message_id": "msg_0123456789abcdefghij", "room_id": "room_0123456789abcdefghij", "sender_id": "alice",
			"seq": 1, "content": "hi", "meta": map[string]any{}, "client_msg_id": nil,
			"created_at": "2026-11-24T10:00:00Z", "edited_at": nil, "deleted_at": nil,
		}, true},
		{"a string", "hello", false},
		{"an empty object", map[string]any{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := lastMessage.VisitJSON(tc.value)
			if (err == nil) != tc.ok {
				t.Errorf("VisitJSON(%v) = %v, want ok=%v", tc.value, err, tc.ok)
			}
		})
	}
}
