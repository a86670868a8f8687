package reload

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// secretFlow sends secret(name) in a lookup's header.
func secretFlow(agent int, name string) string {
	return strings.Replace(flowSrc("s", "+10000000009", agent), "\notherwise", `
lookup crm = get "https://crm.example.com/${caller}" {
  header "Authorization" "Bearer ${secret("`+name+`")}"
  else   {vip: false}
}

when crm.vip -> main
otherwise`, 1)
}

// A secret is read when the flow loads; one that is missing puts the
// flow in error at the secret() call, and the last good version keeps
// serving. The status /v1/flows lists never holds a secret's value.
func TestMissingSecretKeepsLastGood(t *testing.T) {
	t.Setenv("RELOAD_TEST_TOKEN", "tok-r3l0ad")
	dir := t.TempDir()
	file := filepath.Join(dir, "s.flow")
	write(t, file, secretFlow(1, "RELOAD_TEST_TOKEN"))
	h := start(t, dir)
	v1 := h.flow("s.flow").Version

	write(t, file, secretFlow(2, "RELOAD_TEST_MISSING"))
	h.until("s.flow in error", func() bool { return h.flow("s.flow").Status == StatusError })
	st := h.flow("s.flow")
	if !st.Serving || st.Version != v1 || h.eng.agentOf("s") != 1 {
		t.Errorf("after a missing secret: serving %v version %s agent %d; want the last good version, agent 1", st.Serving, st.Version, h.eng.agentOf("s"))
	}
	if len(st.Diagnostics) != 1 || st.Diagnostics[0].Code != "missing-secret" || st.Diagnostics[0].Line != 7 || st.Diagnostics[0].Col != 36 {
		t.Errorf("diagnostics %+v, want missing-secret at 7:36", st.Diagnostics)
	}
	listing, _ := json.Marshal(h.w.Status())
	if strings.Contains(string(listing), "tok-r3l0ad") {
		t.Errorf("the status holds the secret: %s", listing)
	}
}
