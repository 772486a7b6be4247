package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// runHelper runs the helper on stdin and returns its exit code, stdout
// and stderr.
func runHelper(t *testing.T, args []string, stdin string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr, testSettings())
	return code, stdout.String(), stderr.String()
}

func TestProtocolFlag(t *testing.T) {
	code, out, _ := runHelper(t, []string{"--protocol"}, "")
	if code != 0 || out != "1\n" {
		t.Errorf("--protocol: exit %d, %q", code, out)
	}
}

// TestUnusableInput: exit 2 and one line on stderr, nothing on stdout.
func TestUnusableInput(t *testing.T) {
	testEnv(t)
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"not JSON", "describe please", nil, "not protocol JSON"},
		{"other version", `{"version":2,"op":"describe"}`, nil, "request of protocol version 2, this gazr-aws speaks 1"},
		{"no version", `{"op":"describe"}`, nil, "request of protocol version 0"},
		{"an argument", "", []string{"describe"}, `unexpected argument "describe"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runHelper(t, tt.args, tt.stdin)
			if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, one line with %q", code, out, errOut, tt.want)
			}
		})
	}
	t.Setenv("GAZR_AWS_TIMEOUT", "soon")
	if code, _, errOut := runHelper(t, nil, `{"version":1}`); code != 2 || !strings.Contains(errOut, `GAZR_AWS_TIMEOUT="soon"`) {
		t.Errorf("a bad GAZR_AWS_TIMEOUT: exit %d, %q", code, errOut)
	}
}

// response runs req through the helper's command line: exit 0 and the
// response.
func response(t *testing.T, req Request) Response {
	t.Helper()
	data, _ := json.Marshal(req)
	code, out, errOut := runHelper(t, nil, string(data))
	var resp Response
	if err := json.Unmarshal([]byte(out), &resp); code != 0 || err != nil || resp.Version != Version {
		t.Fatalf("exit %d, stdout %q (%v), stderr %q", code, out, err, errOut)
	}
	return resp
}

func TestConfigErrors(t *testing.T) {
	testEnv(t)
	target := Target{Region: testRegion, EndpointURL: "http://127.0.0.1:9", Managers: Selector{ASG: "m"}, Workers: Selector{ASG: "w"}}

	resp := response(t, Request{Version: Version, Op: "resize", Target: target})
	if e := resp.Error; e == nil || e.Code != CodeInvalid || !strings.Contains(e.Message, `unknown operation "resize"; known: describe, ensure-repository`) {
		t.Errorf("unknown op: %+v", e)
	}

	noRegion := target
	noRegion.Region = ""
	resp = response(t, Request{Version: Version, Op: OpDescribe, Target: noRegion})
	if e := resp.Error; e == nil || e.Code != CodeUnknownRegion || !strings.Contains(e.Message, "no AWS region") {
		t.Errorf("no region: %+v", e)
	}

	missing := target
	missing.Profile = "staging"
	resp = response(t, Request{Version: Version, Op: OpDescribe, Target: missing})
	if e := resp.Error; e == nil || e.Code != CodeNoCredentials || !strings.Contains(e.Message, `AWS profile "staging" is in neither`) {
		t.Errorf("a missing profile: %+v", e)
	}

	os.Unsetenv("AWS_ACCESS_KEY_ID")
	os.Unsetenv("AWS_SECRET_ACCESS_KEY")
	resp = response(t, Request{Version: Version, Op: OpDescribe, Target: target})
	e := resp.Error
	if e == nil || e.Code != CodeNoCredentials {
		t.Fatalf("no credentials: %+v", e)
	}
	for _, s := range []string{"AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", `profile "default"`, os.Getenv("AWS_SHARED_CREDENTIALS_FILE"),
		os.Getenv("AWS_CONFIG_FILE"), "SSO", "container role", "instance role", "web identity token"} {
		if !strings.Contains(e.Message, s) {
			t.Errorf("no-credentials message does not name %q: %s", s, e.Message)
		}
	}

	// Keys in the shared credentials file of the profile asked for.
	creds := "[staging]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n"
	if err := os.WriteFile(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	resp = response(t, Request{Version: Version, Op: OpDescribe, Target: missing})
	if e := resp.Error; e == nil || e.Code != CodeUnreachable {
		t.Errorf("with the profile's keys, the call goes out (to a closed port): %+v", e)
	}
}

func TestCallTimeout(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"", defaultTimeout, false},
		{"90s", 90 * time.Second, false},
		{"2m", 2 * time.Minute, false},
		{"45", 45 * time.Second, false},
		{"0", 0, true},
		{"-1s", 0, true},
		{"soon", 0, true},
	}
	for _, tt := range tests {
		got, err := callTimeout(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("callTimeout(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
