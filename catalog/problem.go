package catalog

import "strings"

// Problem is one thing wrong with a file, at a JSON path like "products[1].platform".
type Problem struct {
	Path    string // empty for the file as a whole
	Message string
}

// String returns "path: message", or the message alone when the problem has no path.
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Problems is an error listing every problem found in a file, in file order.
type Problems []Problem

// Error joins the problems one per line as "path: message".
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
