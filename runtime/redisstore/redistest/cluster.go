package redistest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// StartCluster starts a Redis Cluster of one node holding every slot, for
// tb: Cluster's rules apply (a command or script whose keys are in two
// slots is refused with CROSSSLOT), so tests see what hash tags must
// hold. It returns once the cluster's state is ok; connect with
// redis+cluster://Addr.
func StartCluster(tb testing.TB, args ...string) *Server {
	tb.Helper()
	dir := tb.TempDir()
	s := Start(tb, append([]string{"--cluster-enabled", "yes",
		"--cluster-config-file", filepath.Join(dir, "nodes.conf")}, args...)...)
	if _, err := Do(s.Addr, "CLUSTER", "ADDSLOTSRANGE", "0", "16383"); err != nil {
		tb.Fatalf("redistest: assigning the slots: %v", err)
	}
	deadline := time.Now().Add(startTimeout)
	for {
		info, err := Do(s.Addr, "CLUSTER", "INFO")
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return s
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redistest: the cluster's state is not ok after %s: %q %v", startTimeout, info, err)
		}
		time.Sleep(10 * time.Millisecond) // polled, with the deadline above
	}
}

// Do sends one command to the Redis at addr and returns its reply as text
// (a simple or bulk string, or an integer), for test set-up without a
// client library. An error reply is an error.
func Do(addr string, args ...string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	switch {
	case line == "":
		return "", fmt.Errorf("empty reply")
	case line[0] == '-':
		return "", fmt.Errorf("%s", line[1:])
	case line[0] == '+' || line[0] == ':':
		return line[1:], nil
	case line[0] == '$':
		var n int
		if _, err := fmt.Sscanf(line[1:], "%d", &n); err != nil || n < 0 {
			return "", err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
	return "", fmt.Errorf("reply %q not understood", line)
}

// StartSentinel starts a Redis Sentinel for tb that monitors master under
// name (quorum 1), with more configuration lines (such as "sentinel
// auth-pass NAME PASSWORD"), and returns once it does; connect with
// redis+sentinel://Addr?master_name=NAME. It is redis-server in sentinel
// mode, so nothing more than redis-server is needed.
func StartSentinel(tb testing.TB, master *Server, name string, conf ...string) *Server {
	tb.Helper()
	s := &Server{bin: Binary(tb), dir: tb.TempDir(), ready: "+monitor master " + name}
	s.conf = filepath.Join(s.dir, "sentinel.conf")
	host, port, _ := net.SplitHostPort(master.Addr)
	text := fmt.Sprintf("sentinel monitor %s %s %s 1\n", name, host, port) + strings.Join(append(conf, ""), "\n")
	if err := os.WriteFile(s.conf, []byte(text), 0o600); err != nil {
		tb.Fatal(err)
	}
	s.args = []string{"--sentinel"}
	return launch(tb, s)
}
