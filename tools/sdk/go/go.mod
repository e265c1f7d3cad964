// The example of the Go SDK (see README's Clients). Complete and tidy, and
// run with -mod=readonly: every version is pinned here, the same as in
// ChatAPI's go.mod (e2e's TestGoSDKIsPinned checks both).
module chatapi.example/flow

go 1.26.8

require (
	github.com/chatapi/chatapi/sdk/go v0.0.0
	github.com/coder/websocket v1.8.15
)

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/oapi-codegen/nullable v1.1.0 // indirect
	github.com/oapi-codegen/runtime v1.8.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

replace github.com/chatapi/chatapi/sdk/go => ../../../sdk/go
