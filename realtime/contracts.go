package realtime

import (
	"bytes"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"

	contracts "github.com/chatapi/chatapi"
)

// The contracts are registered under these URLs so that asyncapi.yaml's
// `$ref: ./openapi.yaml#/…` resolves to the other document without any I/O.
const (
	openAPIURL  = "https://contracts.chatapi.invalid/openapi.yaml"
	asyncAPIURL = "https://contracts.chatapi.invalid/asyncapi.yaml"
)

// newContractCompiler loads both contracts into a schema compiler. OpenAPI
// 3.0's `nullable: true` is not JSON Schema, so it is rewritten into a type
// list that admits null; otherwise the validator would refuse the nulls the
// contract allows. assertFormat makes `format` (date-time…) an assertion.
func newContractCompiler(assertFormat bool) (*jsonschema.Compiler, error) {
	c := jsonschema.NewCompiler()
	if assertFormat {
		c.AssertFormat()
	}
	for _, doc := range []struct {
		url  string
		yaml []byte
	}{{openAPIURL, contracts.OpenAPI}, {asyncAPIURL, contracts.AsyncAPI}} {
		js, err := yaml.YAMLToJSON(doc.yaml)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", doc.url, err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", doc.url, err)
		}
		if err := c.AddResource(doc.url, rewriteNullable(v)); err != nil {
			return nil, fmt.Errorf("add %s: %w", doc.url, err)
		}
	}
	return c, nil
}

// compileMessage compiles the payload schema of asyncapi.yaml's message name
// (the component key, e.g. "sendMessage").
func compileMessage(c *jsonschema.Compiler, name string) (*jsonschema.Schema, error) {
	s, err := c.Compile(asyncAPIURL + "#/components/messages/" + name + "/payload")
	if err != nil {
		return nil, fmt.Errorf("compile message %s: %w", name, err)
	}
	return s, nil
}

// rewriteNullable turns every `nullable: true` schema of a decoded document
// into one that also accepts null, in place, and returns v.
func rewriteNullable(v any) any {
	switch n := v.(type) {
	case []any:
		for i := range n {
			n[i] = rewriteNullable(n[i])
		}
	case map[string]any:
		for k := range n {
			n[k] = rewriteNullable(n[k])
		}
		nullable, ok := n["nullable"].(bool)
		if !ok {
			return n
		}
		delete(n, "nullable")
		if !nullable {
			return n
		}
		switch t := n["type"].(type) {
		case string:
			n["type"] = []any{t, "null"}
		case nil:
			return map[string]any{"anyOf": []any{n, map[string]any{"type": "null"}}}
		}
		if enum, ok := n["enum"].([]any); ok {
			n["enum"] = append(enum, nil)
		}
	}
	return v
}
