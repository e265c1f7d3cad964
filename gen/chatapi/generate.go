// Package chatapi holds the types, the strict Echo server interface and the
// embedded OpenAPI document generated from openapi.yaml. DO NOT EDIT.
package chatapi

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi.yaml
