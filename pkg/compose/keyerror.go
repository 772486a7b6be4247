package compose

import "github.com/compose-spec/compose-go/v2/types"

// KeyError is a setting of project p that gazr cannot honour (a key it
// does not support, a value it cannot use): an *Error saying msg, at the
// line and column that set key ("services.web.network_mode") in the last of p's
// files that does (a later file overrides an earlier), or naming the main
// file when no line does.
func KeyError(p *types.Project, key, msg string) *Error {
	files := p.ComposeFiles
	for i := len(files) - 1; i >= 0; i-- {
		if line, col := posOf(files[i], key); line > 0 {
			return &Error{Path: files[i], Line: line, Col: col, Msg: msg}
		}
	}
	if len(files) > 0 {
		return &Error{Path: files[0], Msg: msg}
	}
	return &Error{Msg: msg}
}
