package views

import "nami/static"

// Asset is the URL of an embedded static file under its content-hashed name, for example
// Asset("app.css") is /static/app.3f2a1c9b0d.css; browsers keep such a URL for a year.
func Asset(name string) string { return static.Path(name) }
