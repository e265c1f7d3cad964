// The go.mod of the generated Go SDK (dist/sdk/go): generate.sh copies it and
// sdk.go.sum there as go.mod and go.sum, so the SDK builds with -mod=readonly
// and nothing is resolved at generation or test time. The versions are the
// ones ChatAPI's own go.mod pins (e2e's TestGoSDKIsPinned checks both).
// A bump is a deliberate commit: see generate.sh.
module chatapi.example/sdk

go 1.26.8

require (
	github.com/oapi-codegen/nullable v1.1.0
	github.com/oapi-codegen/runtime v1.8.0
	go.yaml.in/yaml/v3 v3.0.5
)

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
)
