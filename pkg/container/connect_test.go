package container

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConnectNoAnswer: an endpoint that accepts connections and never
// answers is an *EngineError after PingTimeout, not a hang.
func TestConnectNoAnswer(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "mute.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	t.Setenv("DOCKER_HOST", "unix://"+sock)
	old := PingTimeout
	PingTimeout = 200 * time.Millisecond
	defer func() { PingTimeout = old }()
	start := time.Now()
	_, err = Connect(context.Background())
	var ee *EngineError
	if !errors.As(err, &ee) || !strings.Contains(ee.Err.Error(), "no answer within 200ms") {
		t.Fatalf("Connect = %v, want an EngineError saying no answer came", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Connect took %s", took)
	}
	if !strings.Contains(err.Error(), "check that DOCKER_HOST points at a running engine") {
		t.Errorf("message = %q", err)
	}
}
