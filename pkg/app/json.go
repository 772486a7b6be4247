package app

import (
	"encoding/json"
	"io"

	"github.com/urfave/cli/v3"
)

// JSONFormatVersion is the format_version of every --json output: 1 until
// a major version of gazr changes a shape (docs/json.md). Within it,
// fields are added, never renamed or removed.
const JSONFormatVersion = 1

// jsonFlag is the --json flag of the commands that print a result.
func jsonFlag() cli.Flag {
	return &cli.BoolFlag{Name: "json", Usage: "print the result as one JSON object on stdout (shape: docs/json.md)"}
}

// printJSON writes v to w as indented JSON, one value ending in a newline.
// HTML is not escaped: commands keep their "&&" and "<".
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
