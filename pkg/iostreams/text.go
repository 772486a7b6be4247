package iostreams

import "strings"

// OneLine puts a multi-line text (a command, a script) on one line, each
// line break shown as " ⏎ ", for headers and tables.
func OneLine(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", " ⏎ ")
}

// Truncate shortens s to at most n runes, ending with "...". It counts
// runes, not bytes, so that a cut never splits a character (OneLine puts
// "⏎" in multi-line commands).
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}
