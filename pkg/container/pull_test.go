package container

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestPullProgress: a line per completed layer, and one when the period
// passes, summing the layers' bytes.
func TestPullProgress(t *testing.T) {
	var out bytes.Buffer
	t0 := time.Unix(0, 0)
	p := &pullProgress{ref: "golang:1.26", out: &out, layers: map[string]*layer{}, last: t0, every: 2 * time.Second}
	msgs := []struct {
		m  pullMessage
		at time.Duration
	}{
		{pullMessage{Status: "Pulling from library/golang", ID: "1.26"}, 0},
		{pullMessage{Status: "Pulling fs layer", ID: "a"}, 0},
		{pullMessage{Status: "Pulling fs layer", ID: "b"}, 0},
		{pullMessage{Status: "Already exists", ID: "c"}, 0},
		{dl("a", 1e6, 4e6), time.Second},
		{dl("b", 5e6, 10e6), 3 * time.Second},
		{pullMessage{Status: "Download complete", ID: "a"}, 3500 * time.Millisecond},
		{pullMessage{Status: "Pull complete", ID: "a"}, 3600 * time.Millisecond},
		{pullMessage{Status: "Pull complete", ID: "a"}, 3700 * time.Millisecond},
	}
	for _, m := range msgs {
		p.handle(&m.m, t0.Add(m.at))
	}
	want := []string{
		"pull golang:1.26: 1/3 layers, 0.0/0.0 MB",
		"pull golang:1.26: 1/3 layers, 6.0/14.0 MB",
		"pull golang:1.26: 2/3 layers, 9.0/14.0 MB",
	}
	if got := strings.Split(strings.TrimSpace(out.String()), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("progress =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func dl(id string, cur, total int64) pullMessage {
	m := pullMessage{Status: "Downloading", ID: id}
	m.ProgressDetail.Current, m.ProgressDetail.Total = cur, total
	return m
}

func TestPullProgressSilent(t *testing.T) {
	p := &pullProgress{ref: "x", layers: map[string]*layer{}, every: 0}
	p.handle(&pullMessage{Status: "Pull complete", ID: "a"}, time.Now())
	if len(p.layers) != 0 {
		t.Error("a silent pull tracks layers")
	}
}
