package main

import (
	"context"
	"errors"
)

func runConns(ctx context.Context, o options) (outcome, error) { return outcome{}, errors.New("todo") }
func runHistory(ctx context.Context, o options) (outcome, error) {
	return outcome{}, errors.New("todo")
}
func runSync(ctx context.Context, o options) (outcome, error) { return outcome{}, errors.New("todo") }
func runBaseline(ctx context.Context, o options) (outcome, error) {
	return outcome{}, errors.New("todo")
}
