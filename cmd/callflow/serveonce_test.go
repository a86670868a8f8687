package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// serveonce [-table] FILE ARGS... runs `callflow serve ARGS...` with its
// stdout and stderr both written to FILE, as a terminal shows both; waits
// until it answers /readyz (with -table, also until its table of the start
// is in FILE: "loaded …"), stops it with SIGINT and waits for it to exit
// 0. ARGS must make it log JSON and listen on 127.0.0.1:0: its
// "listening" line gives the address.
func cmdServeOnce(ts *testscript.TestScript, neg bool, args []string) {
	table := len(args) > 0 && args[0] == "-table"
	if table {
		args = args[1:]
	}
	if neg || len(args) < 1 {
		ts.Fatalf("usage: serveonce [-table] FILE ARGS...")
	}
	name := ts.MkAbs(args[0])
	out, err := os.Create(name)
	ts.Check(err)
	defer out.Close()
	bin, err := exec.LookPath("callflow")
	ts.Check(err)
	cmd := exec.Command(bin, append([]string{"serve"}, args[1:]...)...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Stdout, cmd.Stderr = out, out
	ts.Check(cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()

	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	addr := ""
	for ready := false; !ready; {
		select {
		case err := <-exited:
			ts.Fatalf("serve exited before it was ready: %v\n%s", err, ts.ReadFile(args[0]))
		case <-deadline:
			ts.Fatalf("serve was not ready within 20s:\n%s", ts.ReadFile(args[0]))
		case <-tick.C:
		}
		text := ts.ReadFile(args[0])
		if addr == "" {
			addr = listeningAddr(text)
		}
		ready = addr != "" && readyz(addr) && (!table || strings.Contains(text, "\nloaded "))
	}
	ts.Check(cmd.Process.Signal(syscall.SIGINT))
	select {
	case err := <-exited:
		if err != nil {
			ts.Fatalf("serve after SIGINT: %v\n%s", err, ts.ReadFile(args[0]))
		}
	case <-time.After(30 * time.Second):
		ts.Fatalf("serve did not stop within 30s of SIGINT")
	}
}

// listeningAddr is the address of serve's JSON "listening" log line in
// text, or "".
func listeningAddr(text string) string {
	for _, l := range strings.Split(text, "\n") {
		var m struct{ Msg, Addr string }
		if json.Unmarshal([]byte(l), &m) == nil && m.Msg == "listening" {
			return m.Addr
		}
	}
	return ""
}

// readyz says whether the server at addr answers /readyz with 200.
func readyz(addr string) bool {
	c := &http.Client{Timeout: time.Second}
	resp, err := c.Get("http://" + addr + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
