// Package contracts carries ChatAPI's two contracts, openapi.yaml (REST) and
// asyncapi.yaml (WebSocket events), into the binary, so that the server can
// serve them and validate against them.
package contracts

import _ "embed"

// OpenAPI is openapi.yaml as written.
//
//go:embed openapi.yaml
var OpenAPI []byte

// AsyncAPI is asyncapi.yaml as written.
//
//go:embed asyncapi.yaml
var AsyncAPI []byte
