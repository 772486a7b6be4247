package chaos

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNotAnsweringWhileAnEdgeHangs: an edge that accepts and never
// answers (a manager whose VM was hard-stopped) fails its requests only
// at ProbeTimeout: while they wait, the services are not answering.
func TestNotAnsweringWhileAnEdgeHangs(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer ok.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	p := NewProbe([]Target{{Host: "web.example.com", Path: "/"}}, []string{strings.TrimPrefix(ok.URL, "http://"), ln.Addr().String()}, 20)
	p.Start(PhaseDuring)
	time.Sleep(1500 * time.Millisecond)
	answering := p.Answering(AnswerWindow)
	ln.Close()
	mu.Lock()
	for _, c := range conns {
		c.Close()
	}
	mu.Unlock()
	p.Stop()
	if answering {
		t.Errorf("Answering(%s) = true while every request to one of the two edges hangs and will fail", AnswerWindow)
	}
}
