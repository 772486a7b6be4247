package scaffold

import (
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkNew measures `gazr new` without the process start: catalog
// load, render and write of each template.
func BenchmarkNew(b *testing.B) {
	c, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	for _, tmpl := range c.Templates {
		b.Run(tmpl.Name, func(b *testing.B) {
			root := b.TempDir()
			i := 0
			for b.Loop() {
				i++
				if _, err := c.New(Options{Template: tmpl.Name, Dir: filepath.Join(root, "p"+strconv.Itoa(i))}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
