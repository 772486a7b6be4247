package config_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazr-io/gazr/pkg/config"
)

// FuzzParse checks that Parse never panics, that every error it returns
// is a *config.Error naming the file at a position inside it, and that
// every key of a valid file is located where its name is written.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.toml")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	const path = "/p/.gazr.toml"
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		inFile := func(p config.Position) bool { return p.Line >= 1 && p.Line <= lines && p.Col >= 1 }
		cfg, err := config.Parse(path, data)
		if err == nil {
			if cfg == nil || cfg.Name == "" || cfg.Pos == nil {
				t.Fatalf("Parse = %+v, nil; want a config with a name and positions", cfg)
			}
			all := bytes.Split(data, []byte("\n"))
			for key, p := range cfg.Pos {
				if !inFile(p) || p.Col > len(all[p.Line-1]) {
					t.Fatalf("key %q at %+v, want a position in the file", key, p)
				}
				// A bare key holds no dot; a quoted one starts with a quote.
				at := string(all[p.Line-1][p.Col-1:])
				if last := key[strings.LastIndex(key, ".")+1:]; !strings.HasPrefix(at, last) && at[0] != '"' && at[0] != '\'' {
					t.Fatalf("key %q at %+v, where the text is %q", key, p, at)
				}
			}
			return
		}
		var ce *config.Error
		if !errors.As(err, &ce) {
			t.Fatalf("Parse error %v is %T, want *config.Error", err, err)
		}
		if !strings.HasPrefix(err.Error(), path+":") {
			t.Fatalf("Parse error %q does not start with %q", err, path+":")
		}
		if !inFile(ce.Pos) {
			t.Fatalf("Parse error %q at %+v, want a position in the file's %d lines", err, ce.Pos, lines)
		}
	})
}
