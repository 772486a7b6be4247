package fingerprint

import "slices"

// Prescan is a walk of a verb's sources started ahead of Check, so that
// it overlaps what else Check's caller must wait for (the engine's
// answers about the step's image and caches): on a skipped verb those
// round trips and the walk are most of the time, and neither needs the
// other.
type Prescan struct {
	root    string
	sources []string
	done    chan struct{}
	l       listing
	err     error
}

// StartPrescan starts walking root for the files matching sources and
// returns at once. Pass it to Check as Inputs.Prescan. Its result is as
// old as its start: start it only when nothing may change the sources
// before Check (no step runs in between).
func StartPrescan(root string, sources []string) *Prescan {
	p := &Prescan{root: root, sources: slices.Clone(sources), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.l, p.err = scan(root, p.sources)
	}()
	return p
}

// listing waits for the walk; ok is false when it was of other files
// than in's (Check then walks itself).
func (p *Prescan) listing(in Inputs) (l listing, ok bool, err error) {
	if p == nil || p.root != in.Root || !slices.Equal(p.sources, in.Sources) {
		return listing{}, false, nil
	}
	<-p.done
	return p.l, true, p.err
}
