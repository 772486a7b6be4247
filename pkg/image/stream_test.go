package image

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// These tests feed recorded shapes of the engine's progress streams to the
// parsers; the engine tests exercise the same code against a real engine.

func TestReadBuild(t *testing.T) {
	var many strings.Builder
	for i := 1; i <= 15; i++ {
		fmt.Fprintf(&many, `{"stream":"line %d\n"}`, i)
	}
	tests := []struct {
		name       string
		stream     string
		wantID     string
		wantBuilt  string
		wantOut    string
		wantErr    string
		wantOutput []string // BuildError.Output
	}{
		{name: "aux ID", stream: `{"stream":"Step 1/1 : FROM x\n"}{"stream":" ---\u003e c7b3c1885929\n"}` +
			`{"aux":{"ID":"sha256:abc"}}{"stream":"Successfully built c7b3c1885929\n"}`,
			wantID: "sha256:abc", wantBuilt: "c7b3c1885929", wantOut: "Step 1/1 : FROM x\n ---> c7b3c1885929\nSuccessfully built c7b3c1885929\n"},
		{name: "no aux", stream: `{"stream":"Successfully built 0123456789ab\n"}{"stream":"Successfully tagged a/b:1\n"}`,
			wantBuilt: "0123456789ab", wantOut: "Successfully built 0123456789ab\nSuccessfully tagged a/b:1\n"},
		{name: "status without id is shown", stream: `{"status":"Status: Downloaded newer image"}{"status":"Downloading","id":"l1"}`,
			wantOut: "Status: Downloaded newer image\n"},
		{name: "error keeps the last 10 lines", stream: many.String() +
			`{"stream":" ---\u003e 0123456789ab\n"}{"stream":"Removing intermediate container 0123456789ab\n"}{"stream":"partial"}` +
			`{"errorDetail":{"code":1,"message":"The command '/bin/sh -c false' returned a non-zero code: 1"},"error":"ignored"}`,
			wantErr:    "build a/b:1: The command '/bin/sh -c false' returned a non-zero code: 1\nlast output lines:\n  line 7\n",
			wantOutput: []string{"line 7", "line 8", "line 9", "line 10", "line 11", "line 12", "line 13", "line 14", "line 15", "partial"}},
		{name: "error field only", stream: `{"error":"dockerfile parse error line 1: unknown instruction: FROMM"}`,
			wantErr: "build a/b:1: dockerfile parse error line 1: unknown instruction: FROMM"},
		{name: "truncated stream", stream: `{"stream":"Step 1/1`, wantErr: "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			id, built, err := readBuild(context.Background(), strings.NewReader(tt.stream), &out, "a/b:1")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				var be *BuildError
				if tt.wantOutput != nil && (!errors.As(err, &be) || !slices.Equal(be.Output, tt.wantOutput)) {
					t.Errorf("BuildError.Output = %q, want %q", be.Output, tt.wantOutput)
				}
				return
			}
			if err != nil || id != tt.wantID || built != tt.wantBuilt || out.String() != tt.wantOut {
				t.Errorf("readBuild() = %q, %q, %v, output %q; want %q, %q, output %q",
					id, built, err, out.String(), tt.wantID, tt.wantBuilt, tt.wantOut)
			}
		})
	}
}

func TestPushProgress(t *testing.T) {
	const digest = "sha256:1f2be6b0c2d0e3c93960d2b55a8238f633147709b4487fd81221340055bc350b"
	tests := []struct {
		name, stream, wantDigest, wantOut, wantErr string
	}{
		{name: "aux digest", stream: `{"status":"The push refers to repository [r:5000/a/b]"}` +
			`{"status":"Preparing","id":"l1"}{"status":"Preparing","id":"l2"}{"status":"Waiting","id":"l2"}` +
			`{"status":"Pushing","id":"l1","progressDetail":{"current":1,"total":9}}{"status":"Pushing","id":"l1","progressDetail":{"current":9,"total":9}}` +
			`{"status":"Pushed","id":"l1"}{"status":"Layer already exists","id":"l2"}` +
			`{"status":"1: digest: ` + digest + ` size: 739"}{"progressDetail":{},"aux":{"Tag":"1","Digest":"` + digest + `","Size":739}}`,
			wantDigest: digest, wantOut: "l1: Pushing\nl1: Pushed\nl2: Layer already exists\n"},
		{name: "digest from the status line", stream: `{"status":"1: digest: ` + digest + ` size: 739"}`, wantDigest: digest},
		{name: "engine cannot reach the registry", stream: `{"status":"The push refers to repository [r:5000/a/b]"}` +
			`{"errorDetail":{"message":"Get \"http://r:5000/v2/\": dial tcp: lookup r: no such host"},"error":"x"}`,
			wantErr: `lookup r: no such host (the engine connects to the registry`},
		{name: "unauthorized", stream: `{"errorDetail":{"message":"unauthorized: authentication required"}}`,
			wantErr: "unauthorized: authentication required (log in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			p := pushProgress{w: &out, layers: map[string]string{}}
			err := decodeStream(context.Background(), strings.NewReader(tt.stream), p.handle)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || p.digest != tt.wantDigest || out.String() != tt.wantOut {
				t.Errorf("digest %q, err %v, output %q; want %q, output %q", p.digest, err, out.String(), tt.wantDigest, tt.wantOut)
			}
		})
	}
}

func TestPushSummary(t *testing.T) {
	p := pushProgress{digest: "sha256:x", layers: map[string]string{
		"a": "Pushed", "b": "Layer already exists", "c": "Mounted from other/repo", "d": "Pushed"}}
	if got, want := p.summary(), "pushed 2 layer(s), 2 already in the registry, digest sha256:x"; got != want {
		t.Errorf("summary() = %q, want %q", got, want)
	}
}
