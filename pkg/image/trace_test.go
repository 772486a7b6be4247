package image

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// statusMsg builds a StatusResponse as BuildKit sends it.
type statusMsg []byte

func (m statusMsg) vertex(digest, name string, cached, started, completed bool, errMsg string) statusMsg {
	var v []byte
	v = appendBytesField(v, 1, []byte(digest))
	v = appendBytesField(v, 3, []byte(name))
	if cached {
		v = appendVarintField(v, 4, 1)
	}
	ts := appendVarintField(nil, 1, 1700000000)
	if started {
		v = appendBytesField(v, 5, ts)
	}
	if completed {
		v = appendBytesField(v, 6, ts)
	}
	v = appendBytesField(v, 7, []byte(errMsg))
	return appendBytesField(m, 1, v)
}

func (m statusMsg) log(digest, text string) statusMsg {
	var l []byte
	l = appendBytesField(l, 1, []byte(digest))
	l = appendVarintField(l, 3, 1)
	l = appendBytesField(l, 4, []byte(text))
	return appendBytesField(m, 3, l)
}

// transfer adds a VertexStatus (a pull's progress), which is not printed.
func (m statusMsg) transfer(digest string) statusMsg {
	var s []byte
	s = appendBytesField(s, 1, []byte("layer"))
	s = appendBytesField(s, 2, []byte(digest))
	s = appendVarintField(s, 4, 10)
	return appendBytesField(m, 2, s)
}

// traceLine is a JSON stream message carrying m.
func (m statusMsg) traceLine() string {
	aux, _ := json.Marshal([]byte(m))
	return `{"id":"moby.buildkit.trace","aux":` + string(aux) + "}\n"
}

func TestReadBuildKit(t *testing.T) {
	stream := statusMsg(nil).vertex("sha256:a", "[internal] load build definition from Dockerfile", false, true, false, "").traceLine() +
		statusMsg(nil).vertex("sha256:a", "[internal] load build definition from Dockerfile", false, true, true, "").traceLine() +
		statusMsg(nil).vertex("sha256:b", "[1/2] FROM gazr-test/busybox:1", true, false, true, "").traceLine() +
		statusMsg(nil).vertex("sha256:c", "[2/2] RUN make", false, true, false, "").transfer("sha256:c").traceLine() +
		statusMsg(nil).log("sha256:c", "compiling\nlinking").traceLine() +
		statusMsg(nil).log("sha256:c", " done\n").traceLine() +
		`{"id":"moby.image.id","aux":{"ID":"sha256:0123"}}` + "\n"
	var out bytes.Buffer
	id, err := readBuildKit(t.Context(), strings.NewReader(stream), &out, "img")
	if err != nil {
		t.Fatal(err)
	}
	if id != "sha256:0123" {
		t.Errorf("id %q", id)
	}
	want := "#1 [internal] load build definition from Dockerfile\n#1 DONE \n" +
		"#2 [1/2] FROM gazr-test/busybox:1\n#2 CACHED\n" +
		"#3 [2/2] RUN make\n#3 compiling\n#3 linking done\n"
	// The time a step took depends on the clock: compare without it.
	got := strings.ReplaceAll(out.String(), "DONE "+doneIn(timestamp(appendVarintField(nil, 1, 1700000000))), "DONE ")
	if got != want {
		t.Errorf("progress:\n%s\nwant:\n%s", got, want)
	}
}

func TestReadBuildKitFailure(t *testing.T) {
	stream := statusMsg(nil).vertex("sha256:c", "[2/2] RUN echo about to fail && false", false, true, false, "").traceLine() +
		statusMsg(nil).log("sha256:c", "about to fail\n").traceLine() +
		statusMsg(nil).vertex("sha256:c", "", false, true, true, "exit code: 1").traceLine() +
		`{"errorDetail":{"message":"executor failed running [/bin/sh -c echo about to fail && false]: exit code: 1"},"error":"executor failed"}` + "\n"
	var out bytes.Buffer
	_, err := readBuildKit(t.Context(), strings.NewReader(stream), &out, "img")
	be, ok := err.(*BuildError)
	if !ok {
		t.Fatalf("err %v (%T), want a *BuildError", err, err)
	}
	if be.Step != "RUN echo about to fail && false" || len(be.Output) != 1 || be.Output[0] != "about to fail" {
		t.Errorf("BuildError %+v", be)
	}
	if !strings.Contains(out.String(), "#1 ERROR: exit code: 1\n") {
		t.Errorf("progress:\n%s", out.String())
	}
}

func TestReadBuildKitBadTrace(t *testing.T) {
	stream := `{"id":"moby.buildkit.trace","aux":"` + "AAE=" + `"}` + "\n" + // field 0: malformed
		`{"id":"moby.image.id","aux":{"ID":"sha256:1"}}` + "\n"
	var out bytes.Buffer
	id, err := readBuildKit(t.Context(), strings.NewReader(stream), &out, "img")
	if err != nil || id != "sha256:1" {
		t.Fatalf("id %q, err %v: unreadable progress must not fail the build", id, err)
	}
	if !strings.Contains(out.String(), "warning: BuildKit progress") {
		t.Errorf("progress %q, want a warning", out.String())
	}
}

func TestBuildErrorMessage(t *testing.T) {
	e := &BuildError{Image: "demo/api:1", Message: "exit code: 2", Step: "RUN make", Dockerfile: "Dockerfile", Line: 3, Output: []string{"make: *** [all] Error 2"}}
	want := "build demo/api:1: Dockerfile:3: RUN make: exit code: 2\nlast output lines:\n  make: *** [all] Error 2"
	if e.Error() != want {
		t.Errorf("Error():\n%s\nwant:\n%s", e.Error(), want)
	}
}
