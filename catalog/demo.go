package catalog

import (
	"bytes"
	"context"
	_ "embed" // for Demo
	"fmt"
	"nami/store"
)

// Demo is a realistic catalog file for the demo app "Calm Sky" (slug calm-sky): four platforms,
// their products, three paywalls (one with a hero image) that offer products on every platform,
// and three campaigns. Platform keys are fixed so that demo SDK URLs stay stable;
// `nami serve --demo` applies it.
//
//go:embed demo.json
var Demo []byte

// ApplyDemo makes the demo app's drafts match Demo, through the same code as `nami apply`.
func ApplyDemo(ctx context.Context, s *store.Store, actor string) (Result, error) {
	f, err := Parse(bytes.NewReader(Demo))
	if err != nil {
		return Result{}, fmt.Errorf("demo catalog: %w", err)
	}
	res, err := Apply(ctx, s, f, actor)
	if err != nil {
		return Result{}, fmt.Errorf("demo catalog: %w", err)
	}
	return res, nil
}
