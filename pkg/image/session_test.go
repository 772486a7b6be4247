package image

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// pipeHijacker gives the session one end of a pipe and keeps the other,
// on which the test plays the engine: an HTTP/2 gRPC client.
type pipeHijacker struct {
	meta   map[string][]string
	engine net.Conn
}

func (h *pipeHijacker) DialHijack(_ context.Context, url, proto string, meta map[string][]string) (net.Conn, error) {
	if url != "/session" || proto != "h2c" {
		return nil, io.ErrUnexpectedEOF
	}
	h.meta = meta
	gazr, engine := net.Pipe()
	h.engine = engine
	return gazr, nil
}

// call makes a gRPC call on the session as the engine does and returns the
// answer's message and its grpc-status.
func (h *pipeHijacker) call(t *testing.T, client *http.Client, method string, req []byte) ([]byte, string) {
	t.Helper()
	frame := binary.BigEndian.AppendUint32([]byte{0}, uint32(len(req)))
	r, _ := http.NewRequest("POST", "http://session"+method, bytes.NewReader(append(frame, req...)))
	r.Header.Set("Content-Type", "application/grpc")
	r.Header.Set("Te", "trailers")
	resp, err := client.Do(r)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/grpc" {
		t.Errorf("%s: content type %q", method, ct)
	}
	if len(body) >= 5 {
		body = body[5:]
	}
	return body, resp.Trailer.Get("Grpc-Status")
}

func TestSession(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "token.txt")
	os.WriteFile(secretFile, []byte("s3cret"), 0o600)
	t.Setenv("GAZR_TEST_NPM_TOKEN", "from-env")
	home := t.TempDir()
	t.Setenv("DOCKER_CONFIG", home)
	os.WriteFile(filepath.Join(home, "config.json"), []byte(`{"auths":{"registry.example:5000":{"auth":"`+
		base64.StdEncoding.EncodeToString([]byte("ci:pa55"))+`"}}}`), 0o600)

	h := &pipeHijacker{}
	s, err := startSession(t.Context(), h, "/src/app", map[string]BuildSecret{
		"token": {File: secretFile}, "npm": {Env: "GAZR_TEST_NPM_TOKEN"}, "unset": {Env: "GAZR_TEST_UNSET"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if got := h.meta["X-Docker-Expose-Session-Uuid"]; len(got) != 1 || got[0] != s.id {
		t.Errorf("session id header %v, want %s", got, s.id)
	}
	if got := h.meta["X-Docker-Expose-Session-Name"]; len(got) != 1 || got[0] != "app" {
		t.Errorf("session name header %v", got)
	}
	if !slices.Contains(h.meta["X-Docker-Expose-Session-Grpc-Method"], methodSecret) {
		t.Errorf("methods %v do not offer secrets", h.meta["X-Docker-Expose-Session-Grpc-Method"])
	}
	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	client := &http.Client{Transport: &http.Transport{
		Protocols:   &protocols,
		DialContext: func(context.Context, string, string) (net.Conn, error) { return h.engine, nil },
	}}

	if body, status := h.call(t, client, methodHealth, nil); status != "0" || !bytes.Equal(body, []byte{8, 1}) {
		t.Errorf("health: status %q, body %x, want SERVING", status, body)
	}
	secret := func(id string) ([]byte, string) {
		return h.call(t, client, methodSecret, appendBytesField(nil, 1, []byte(id)))
	}
	for id, want := range map[string]string{"token": "s3cret", "npm": "from-env"} {
		body, status := secret(id)
		if status != "0" || !bytes.Equal(body, appendBytesField(nil, 1, []byte(want))) {
			t.Errorf("secret %s: status %q, body %q", id, status, body)
		}
	}
	for _, id := range []string{"missing", "unset"} {
		if _, status := secret(id); status != "5" {
			t.Errorf("secret %s: status %q, want 5 (not found)", id, status)
		}
	}
	body, status := h.call(t, client, methodCredentials, appendBytesField(nil, 1, []byte("registry.example:5000")))
	want := appendBytesField(appendBytesField(nil, 1, []byte("ci")), 2, []byte("pa55"))
	if status != "0" || !bytes.Equal(body, want) {
		t.Errorf("credentials: status %q, body %q", status, body)
	}
	if _, status := h.call(t, client, "/moby.sshforward.v1.SSH/CheckAgent", nil); status != "12" {
		t.Errorf("ssh: status %q, want 12 (unimplemented)", status)
	}
}
