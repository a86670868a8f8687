package redistest

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// command sends one inline command to addr and returns the reply's lines.
func command(t *testing.T, addr, cmd string, lines int) []string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte(cmd + "\r\n")); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	var out []string
	for range lines {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.TrimRight(line, "\r\n"))
	}
	return out
}

// The server answers on loopback without persistence, comes back on the
// same address empty after Restart, and is gone after Stop.
func TestStartRestartStop(t *testing.T) {
	s := Start(t)
	if !strings.HasPrefix(s.Addr, "127.0.0.1:") {
		t.Fatalf("Addr %s, want loopback", s.Addr)
	}
	if got := command(t, s.Addr, "PING", 1); got[0] != "+PONG" {
		t.Fatalf("PING: %q", got)
	}
	if got := command(t, s.Addr, "CONFIG GET save", 5); got[4] != "" {
		t.Fatalf("save is %q, want none", got[4])
	}
	if got := command(t, s.Addr, "CONFIG GET appendonly", 5); got[4] != "no" {
		t.Fatalf("appendonly is %q", got[4])
	}
	command(t, s.Addr, "SET k v", 1)
	addr := s.Addr
	s.Restart(t)
	if s.Addr != addr {
		t.Fatalf("restarted on %s, not %s", s.Addr, addr)
	}
	if got := command(t, s.Addr, "EXISTS k", 1); got[0] != ":0" {
		t.Fatalf("after a restart the key is still there: %q", got)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Fatal("still listening after Stop")
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("a second Stop: %v", err)
	}
}
