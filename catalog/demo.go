package catalog

import _ "embed" // for Demo

// Demo is a realistic catalog file for the demo app "Calm Sky" (slug calm-sky): four platforms,
// their products, three paywalls (one with a hero image) that offer products on every platform,
// and three campaigns. Platform keys are fixed so that demo SDK URLs stay stable;
// `nami serve --demo` applies it.
//
//go:embed demo.json
var Demo []byte
