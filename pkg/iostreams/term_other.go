//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package iostreams

import "errors"

// A step's TTY without raw mode still works; keys are sent line by line.
func makeRaw(int) (func(), error) { return nil, errors.New("raw terminal mode is not supported here") }

func size(int) (int, int, bool) { return 0, 0, false }

func onResize(<-chan struct{}, func()) {}
