package load

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Process is a program the replica runs started (`callflow serve`,
// redis-server), whose output is kept line by line so that a run can wait
// for a line to appear instead of sleeping.
type Process struct {
	Name string

	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited and its output is read

	mu     sync.Mutex
	lines  []string      // the last keptLines lines
	base   int           // lines dropped before lines[0]
	sig    chan struct{} // closed and replaced at every new line, and at exit
	err    error         // what Wait returned
	killed bool          // Kill ended it
}

// StartProcess runs bin with args and env (nothing of this process's
// environment is passed on), keeping stdout and stderr as lines.
func StartProcess(name, bin string, args, env []string) (*Process, error) {
	p := &Process{Name: name, done: make(chan struct{}), sig: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	orphanProof(p.cmd)
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var wg sync.WaitGroup
	for _, r := range []io.Reader{stdout, stderr} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(r)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				p.add(sc.Text())
			}
			io.Copy(io.Discard, r)
		}()
	}
	go func() {
		wg.Wait()
		err := p.cmd.Wait()
		p.mu.Lock()
		p.err = err
		close(p.sig)
		p.sig = make(chan struct{})
		p.mu.Unlock()
		close(p.done)
	}()
	return p, nil
}

// keptLines bounds the output kept: a long load run logs a line per
// webhook.
const keptLines = 50000

func (p *Process) add(line string) {
	p.mu.Lock()
	if len(p.lines) == 2*keptLines {
		p.base += keptLines
		p.lines = append(p.lines[:0], p.lines[keptLines:]...)
	}
	p.lines = append(p.lines, line)
	close(p.sig)
	p.sig = make(chan struct{})
	p.mu.Unlock()
}

// Lines is how many lines the process wrote so far: a mark for WaitLine.
func (p *Process) Lines() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.base + len(p.lines)
}

// WaitLine waits until a line from the from-th on matches re and returns
// its submatches; it fails when ctx ends or the process exits first.
// Lines dropped from the kept output are not searched.
func (p *Process) WaitLine(ctx context.Context, re *regexp.Regexp, from int) ([]string, error) {
	for {
		p.mu.Lock()
		from = max(from, p.base)
		for ; from < p.base+len(p.lines); from++ {
			if m := re.FindStringSubmatch(p.lines[from-p.base]); m != nil {
				p.mu.Unlock()
				return m, nil
			}
		}
		sig := p.sig
		exited := p.exited()
		p.mu.Unlock()
		if exited {
			return nil, fmt.Errorf("%s exited (%v) before writing a line matching %s:\n%s", p.Name, p.err, re, p.Tail(30))
		}
		select {
		case <-sig:
		case <-ctx.Done():
			return nil, fmt.Errorf("%s wrote no line matching %s: %w:\n%s", p.Name, re, context.Cause(ctx), p.Tail(30))
		}
	}
}

// exited says whether the process has exited; p.mu is held.
func (p *Process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Tail is the last n lines.
func (p *Process) Tail(n int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines[max(0, len(p.lines)-n):], "\n")
}

// Kill sends SIGKILL and waits until the process is gone: a crash.
func (p *Process) Kill() {
	p.mu.Lock()
	p.killed = true
	p.mu.Unlock()
	p.cmd.Process.Signal(syscall.SIGKILL) // an error: it has exited already
	<-p.done
}

// Stop sends SIGTERM and waits for the exit, killing the process after
// grace. An exit status other than 0 is an error, also when the process
// had exited on its own (a crash), unless Kill ended it.
func (p *Process) Stop(grace time.Duration) error {
	select {
	case <-p.done:
	default:
		p.cmd.Process.Signal(syscall.SIGTERM)
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-p.done:
		case <-t.C:
			p.Kill()
			return fmt.Errorf("%s ignored SIGTERM for %s and was killed:\n%s", p.Name, grace, p.Tail(30))
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil && !p.killed {
		return fmt.Errorf("%s: %v:\n%s", p.Name, p.err, strings.Join(p.lines[max(0, len(p.lines)-30):], "\n"))
	}
	return nil
}
