package fingerprint

import (
	"strings"
	"testing"
)

// A prescan is the walk Check uses, taken when it started; one of other
// sources is ignored and Check walks itself.
func TestCheckPrescan(t *testing.T) {
	root := t.TempDir()
	store := &Store{Dir: t.TempDir()}
	write(t, root, "a.go", "package a\n")
	age(t, root, "a.go")
	in := Inputs{Root: root, Sources: []string{"*.go"}, Settings: map[string]string{"image": "x"}}
	v, err := store.Check("test", in)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Record("test", in, v); err != nil {
		t.Fatal(err)
	}

	in.Prescan = StartPrescan(root, in.Sources)
	in.Prescan.listing(in) // the walk is done before b.go exists
	write(t, root, "b.go", "package b\n")
	if v, err = store.Check("test", in); err != nil || !v.Skip {
		t.Fatalf("with the prescan from before b.go: skip = %v (%q), err %v; want the prescan's listing used", v.Skip, v.Reason, err)
	}

	in.Prescan = StartPrescan(root, []string{"**/*.go"})
	if v, err = store.Check("test", in); err != nil || v.Skip || !strings.Contains(v.Reason, "b.go is new") {
		t.Fatalf("with a prescan of other sources: skip = %v (%q), err %v; want b.go seen by Check's own walk", v.Skip, v.Reason, err)
	}
}
