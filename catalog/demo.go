package catalog

import _ "embed" // for Demo

// Demo is a realistic catalog file for the demo app "Calm Sky" (slug calm-sky), with fixed
// platform keys so that demo SDK URLs stay stable; `nami serve --demo` applies it.
//
//go:embed demo.json
var Demo []byte
