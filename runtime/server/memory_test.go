package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callflow/callflow/runtime/reload"
)

// A memory bomb saved into the flows folder puts that flow in error with a
// memory-limit diagnostic; the server keeps its last good version and keeps
// answering (before issue 10 the reload died with "out of memory").
func TestReloadOfAMemoryBomb(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "hello.flow"), tencentFlow("hello", hello, 1))
	s := newStack(t, dir)
	bomb := strings.Replace(tencentFlow("hello", hello, 2), "otherwise", "const a = repeat(\"x\", 900000)\nconst b = repeat(a, 999999)\n\notherwise", 1)
	writeFile(t, filepath.Join(dir, "hello.flow"), bomb)
	s.until("hello.flow in error", func() bool { return s.flow("hello.flow").Status == reload.StatusError })
	st := s.flow("hello.flow")
	if len(st.Diagnostics) != 1 || st.Diagnostics[0].Code != "memory-limit" || st.Diagnostics[0].Line != 7 || !st.Serving {
		t.Errorf("status %+v, want the last good version serving and one memory-limit diagnostic at line 7", st)
	}
	if got := s.tencent(hello); got != 1 {
		t.Errorf("calls reach agent %d, want 1 (the last good version)", got)
	}
}

// The hostile trigger of issue 10 over HTTP: the safe fallback, a log line
// naming the .flow position and the memory code, and the server answers on.
func TestHostileTriggerOverHTTP(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bomb.flow"), `flow bomb
target callback
otherwise -> main
handler main {
  set big = repeat(string(data.s), int(data.n))
  callback {
    leg A to caller from "+6561112222"
    leg B to "+6561112222" from caller
  }
}
`)
	s := newStack(t, dir)
	data, _ := json.Marshal(map[string]any{"s": strings.Repeat("x", 60000), "n": 999999})
	body := fmt.Sprintf(`{"id":"hostile-1","from":"+6591234567","to":"+6561112222","data":%s}`, data)
	status, out, err := post(s.url+"/hooks/callback/bomb", "application/json", body, nil)
	if err != nil || status < 400 {
		t.Fatalf("%d %s %v, want the fallback", status, out, err)
	}
	if !strings.Contains(s.logs.String(), `bomb.flow:5:13: runtime error[memory]: repeat(string(data.s), int(data.n)): repeat would build 59999940000 bytes`) {
		t.Errorf("no log line naming bomb.flow:5:13 and the memory error:\n%s", s.logs)
	}
	status, out, err = post(s.url+"/hooks/callback/bomb", "application/json", strings.Replace(strings.Replace(body, "hostile-1", "small-1", 1), "999999", "2", 1), nil)
	if err != nil || status != http.StatusOK {
		t.Errorf("a small trigger after the bomb: %d %s %v, want 200", status, out, err)
	}
}
