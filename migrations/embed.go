// Package migrations holds the numbered SQL files that build the database, embedded into the binary.
package migrations

import "embed"

// Files holds every NNN_name.sql migration; they are applied in name order, each once.
//
//go:embed *.sql
var Files embed.FS
