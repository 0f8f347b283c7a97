// Package static holds the CSS, scripts and icons of the control center, embedded into the binary.
package static

import "embed"

// Files is the embedded static tree, served under /static/.
//
//go:embed app.css paywall.css favicon.svg js vendor
var Files embed.FS
