// The Go SDK of ChatAPI: the REST client generated from openapi.yaml (package
// chatapi) and the realtime client (package realtime). Every version is
// pinned here and built with -mod=readonly; they are the versions ChatAPI's own
// go.mod pins (e2e's TestGoSDKIsPinned checks both).
module github.com/chatapi/chatapi/sdk/go

go 1.26.8

require (
	github.com/coder/websocket v1.8.15
	github.com/oapi-codegen/nullable v1.1.0
	github.com/oapi-codegen/runtime v1.8.0
	go.yaml.in/yaml/v3 v3.0.5
)

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
)
