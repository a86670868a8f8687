// Package redistest runs a real Redis for tests: Debian's redis-server,
// started on a free loopback port in a temporary folder with no
// persistence, and stopped when the test ends.
//
// Where redis-server is not installed the test is skipped with a loud
// message, unless the CI environment variable is set: then its absence
// fails the test, so CI always runs what needs Redis (.ci/run installs it).
package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long redis-server may take to accept connections.
const startTimeout = 10 * time.Second

// Server is a redis-server a test started.
type Server struct {
	// Addr is where it listens, 127.0.0.1:PORT.
	Addr string

	bin, dir string
	args     []string
	conf     string // a configuration file given first (Sentinel needs one it can rewrite); "" for none
	ready    string // what the server writes once it accepts connections

	mu   sync.Mutex
	cmd  *exec.Cmd
	out  *logBuffer
	done chan struct{} // closed when the process has exited
}

// URL is the server's redis:// URL, database 0.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Binary returns the path of redis-server, or skips tb (fails it when CI
// is set) when it is not installed.
func Binary(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatal("redis-server is not installed, and CI must run the tests against a real Redis (apt-get install redis-server)")
		}
		tb.Skip("SKIPPING: redis-server is not installed, so the Redis store is not tested against a real Redis (apt-get install redis-server)")
	}
	return bin
}

// Start starts a redis-server for tb on a free loopback port, with extra
// configuration args (such as "--maxmemory", "1mb"), and stops it when tb
// ends. It returns once the server accepts connections.
func Start(tb testing.TB, args ...string) *Server {
	tb.Helper()
	return launch(tb, &Server{bin: Binary(tb), dir: tb.TempDir(), args: args, ready: "Ready to accept connections"})
}

// launch starts s on a free port and stops it when tb ends.
func launch(tb testing.TB, s *Server) *Server {
	tb.Helper()
	var err error
	for range 3 { // a free port may be taken between finding and binding it
		if err = s.start(""); err == nil {
			break
		}
	}
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("redistest: stopping redis-server: %v", err)
		}
	})
	return s
}

// start runs redis-server on addr ("" for a free port) and waits until it
// says it is ready, it exits, or startTimeout passes.
func (s *Server) start(addr string) error {
	if addr == "" {
		var err error
		if addr, err = freePort(); err != nil {
			return err
		}
	}
	_, port, _ := net.SplitHostPort(addr)
	var argv []string
	if s.conf != "" {
		argv = append(argv, s.conf)
	}
	argv = append(argv,
		"--bind", "127.0.0.1", "--port", port, "--dir", s.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no",
		"--logfile", "", "--loglevel", "notice",
		"--enable-debug-command", "local", // DEBUG SLEEP: a slow Redis in fault tests
	)
	argv = append(argv, s.args...)
	cmd := exec.Command(s.bin, argv...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting redis-server: %w", err)
	}
	out := &logBuffer{}
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			out.add(sc.Bytes())
			if !signalled && bytes.Contains(sc.Bytes(), []byte(s.ready)) {
				close(ready)
				signalled = true
			}
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case <-ready:
	case <-done:
		return fmt.Errorf("redis-server exited before accepting connections:\n%s", out)
	case <-timer.C:
		cmd.Process.Kill()
		<-done
		return fmt.Errorf("redis-server did not accept connections within %s:\n%s", startTimeout, out)
	}
	s.mu.Lock()
	s.Addr, s.cmd, s.out, s.done = addr, cmd, out, done
	s.mu.Unlock()
	return nil
}

// Stop stops the server (SIGTERM, then SIGKILL after a few seconds) and
// waits until it has exited; stopping a stopped server does nothing.
func (s *Server) Stop() error {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-t.C:
		cmd.Process.Kill()
		<-done
		return errors.New("redis-server ignored SIGTERM for 5s and was killed")
	}
}

// Restart stops the server and starts it again on the same address, with
// nothing kept (there is no persistence): what a crashed Redis comes back as.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	if err := s.Stop(); err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	if err := s.start(s.Addr); err != nil {
		tb.Fatalf("redistest: restarting on %s: %v", s.Addr, err)
	}
}

// Log is what the server wrote since it last started.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == nil {
		return ""
	}
	return s.out.String()
}

// freePort returns a loopback address no one listens on now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return "127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// logBuffer keeps the server's output for error messages.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *logBuffer) add(line []byte) {
	b.mu.Lock()
	b.lines = append(b.lines, string(line))
	if len(b.lines) > 200 {
		b.lines = b.lines[len(b.lines)-200:]
	}
	b.mu.Unlock()
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}
