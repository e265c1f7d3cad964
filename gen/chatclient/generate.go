// Package chatclient is the Go client generated from openapi.yaml, used by
// our own tests. DO NOT EDIT.
package chatclient

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi.yaml
