package load

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The called numbers of the flows the load runs use.
const (
	ReceptionNumber = "+8675566668888" // flows/reception.flow
	HelloNumber     = "+10000000001"   // hello.flow: tencent, answers agent <gen>
	KubeNumber      = "+10000000003"   // kube.flow (in the ..data volume): tencent, agent <gen>
	IVRNumber       = "+6500000001"    // ivr.flow: 8x8, three captures, every text "v<gen> …"
	KubeIVRNumber   = "+6500000002"    // kubeivr.flow (in the ..data volume): the same
	P5Number        = "+10000000005"   // p5.flow: tencent, agent <gen>

	// BoundIVR is the IVR the tencent webhooks of the load are bound to:
	// the safe fallback (no flow takes the call) keeps it.
	BoundIVR = 7
	// Caller is the tencent caller of P3: mainland, not in vips.csv, not a
	// VIP in the CRM, so reception.flow reads its table and its lookup.
	Caller = "+8613166668888"
	// CRMVIP is the one caller the local CRM calls a VIP.
	CRMVIP     = "+14155550100"
	CRMVIPName = "Wang Wei"
	// Caller8x8 is the caller of the 8x8 calls.
	Caller8x8 = "+6591234567"
)

// crmURL is the shipped reception flow's CRM, which the load runs replace
// with a loopback server.
const crmURL = "https://crm.example.com"

// tencentFlow answers number on tencent with agent gen, the version marker
// of the reload measures.
func tencentFlow(name, number string, gen int) string {
	return fmt.Sprintf("flow %s\n\ntarget tencent\nnumber %q\n\notherwise -> main\n\nhandler main {\n  agent %d\n}\n", name, number, gen)
}

// ivrFlow is an 8x8 flow of four webhooks per call (CALL_RECEIVED and three
// ACTION_COMPLETED, as P7): every text it speaks starts with "v<gen> ", so
// each answer tells which version of the flow made it.
func ivrFlow(name, number string, gen int) string {
	return fmt.Sprintf(`flow %[1]s

target 8x8
number %[2]q
voice "en-US-ZiraRUS"

otherwise -> menu

handler menu {
  say "v%[3]d welcome"
  capture a {
    prompt "v%[3]d first digit"
    digits 1
    timeout 10s
    tries 2
  }
  capture b {
    prompt "v%[3]d second digit after ${a}"
    digits 1
    timeout 10s
    tries 2
  }
  capture c {
    prompt "v%[3]d third digit after ${a}${b}"
    digits 1
    timeout 10s
    tries 2
  }
  say "v%[3]d you pressed ${a}${b}${c}"
  hangup
}
`, name, number, gen)
}

// invalidFlow breaks src: a syntax error on odd n, a checker error (an
// unknown name) on even n. Each is distinct, so every invalid edit changes
// the file.
func invalidFlow(src string, n int) string {
	if n%2 == 1 {
		return strings.Replace(src, "handler", fmt.Sprintf("# broken %d\nhandlr", n), 1)
	}
	return strings.Replace(src, "otherwise ->", fmt.Sprintf("# broken %d\nwhen no_such_name_%d == 1 -> main\notherwise ->", n, n), 1)
}

// receptionFlow is flows/reception.flow (read from flowsDir) with its CRM
// lookup pointed at crm, a loopback URL.
func receptionFlow(flowsDir, crm string) (reception, vips []byte, err error) {
	src, err := os.ReadFile(filepath.Join(flowsDir, "reception.flow"))
	if err != nil {
		return nil, nil, err
	}
	if n := strings.Count(string(src), crmURL); n != 1 {
		return nil, nil, fmt.Errorf("%s: want one %s lookup URL to point at the local CRM, found %d", filepath.Join(flowsDir, "reception.flow"), crmURL, n)
	}
	if err := CheckLoopbackURL(crm); err != nil {
		return nil, nil, err
	}
	reception = []byte(strings.Replace(string(src), crmURL, crm, 1))
	vips, err = os.ReadFile(filepath.Join(flowsDir, "vips.csv"))
	if err != nil {
		return nil, nil, err
	}
	return reception, vips, nil
}

// writeFile writes name, making its folder.
func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

// renameSave saves name as editors do: a temporary file beside it, renamed
// over it.
func renameSave(name string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(name), "."+filepath.Base(name)+".swp")
	if err := writeFile(tmp, data); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// inPlace rewrites name in place (truncate, then write), as a plain
// os.WriteFile or a slow editor does; it must exist unless create.
func inPlace(name string, data []byte, create bool) error {
	flag := os.O_WRONLY | os.O_TRUNC
	if create {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(name, flag, 0o644)
	if err != nil {
		return err
	}
	// Two writes: the reloader may see (and reject) the half-written file.
	_, err1 := f.Write(data[:len(data)/2])
	_, err2 := f.Write(data[len(data)/2:])
	return errors.Join(err1, err2, f.Close())
}
