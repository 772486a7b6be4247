package config

import (
	"fmt"
	"strconv"
)

// Error is a problem in a configuration file, located at Path:Line:Col
// when the position is known.
type Error struct {
	Path string
	Pos  Position
	Msg  string
}

func (e *Error) Error() string {
	switch {
	case e.Path == "":
		return e.Msg
	case e.Pos.Line == 0:
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	case e.Pos.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Pos.Line, e.Msg)
	default:
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Pos.Line, e.Pos.Col, e.Msg)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// tomlType names the TOML type of a decoded value for error messages.
func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	default:
		return "a date or time"
	}
}
