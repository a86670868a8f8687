package load

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"time"
)

// The load program has no testing.TB, so it starts its own redis-server
// and builds its own callflow binary; tests use runtime/redisstore/redistest
// and the test binary itself.

// RedisServer is a redis-server the load program started on a free port of
// 127.0.0.1, with no persistence, in a folder of its own.
type RedisServer struct {
	Addr string
	bin  string
	dir  string
	proc *Process
}

// URL is its redis:// URL, database 0.
func (r *RedisServer) URL() string { return "redis://" + r.Addr + "/0" }

var redisReady = regexp.MustCompile(`Ready to accept connections`)

// StartRedis starts redis-server, found on $PATH (Debian: apt-get install
// redis-server), with dir as its working folder.
func StartRedis(ctx context.Context, dir string) (*RedisServer, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("load: redis-server is not installed (apt-get install redis-server); the replica figures need a real Redis")
	}
	ln, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	r := &RedisServer{Addr: addr, bin: bin, dir: dir}
	return r, r.Start(ctx)
}

// Start starts the server (again) on its address, empty.
func (r *RedisServer) Start(ctx context.Context) error {
	_, port, _ := net.SplitHostPort(r.Addr)
	p, err := StartProcess("redis-server", r.bin, []string{"--bind", "127.0.0.1", "--port", port, "--dir", filepath.Clean(r.dir),
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""}, nil)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := p.WaitLine(wctx, redisReady, 0); err != nil {
		p.Kill()
		return err
	}
	r.proc = p
	return nil
}

// Stop stops it (SIGTERM) and waits until it has exited.
func (r *RedisServer) Stop() error {
	if r.proc == nil {
		return nil
	}
	err := r.proc.Stop(5 * time.Second)
	r.proc = nil
	return err
}

// redisControl adapts a RedisServer to RedisControl.
type redisControl struct {
	ctx context.Context
	r   *RedisServer
}

func (c redisControl) Stop() error  { return c.r.Stop() }
func (c redisControl) Start() error { return c.r.Start(c.ctx) }

// Control is r as the RedisControl of RunRedisOutage.
func (r *RedisServer) Control(ctx context.Context) RedisControl { return redisControl{ctx, r} }

// BuildCallflow builds the callflow binary into dir and returns its path.
// It runs the go command, from within the module.
func BuildCallflow(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "callflow")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/callflow/callflow/cmd/callflow").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("load: go build ./cmd/callflow: %v\n%s", err, out)
	}
	return bin, nil
}
