package cli

import (
	"fmt"
	"strings"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
)

// budgets are the answer budgets serve gives the engine, by platform:
// --budget PLATFORM=D (and the older --tencent-budget D), each checked
// against the bound its platform declares in lang/platform. Platforms not
// named keep their default.
func (c *serveCmd) budgets() (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for _, arg := range c.Budget {
		name, value, ok := strings.Cut(arg, "=")
		if !ok {
			return nil, fmt.Errorf("--budget %q: write PLATFORM=DURATION, such as 8x8=5s", arg)
		}
		p, known := lplatform.Lookup(name)
		if !known || p.MaxBudget <= 0 {
			return nil, fmt.Errorf("--budget %s: %q has no configurable budget; the platforms that have one: %s", arg, name, budgetsHelp())
		}
		d, err := time.ParseDuration(value)
		if err != nil {
			return nil, fmt.Errorf("--budget %s: %q is not a duration, such as 2s or 500ms", arg, value)
		}
		if d <= 0 || d > p.MaxBudget {
			return nil, fmt.Errorf("--budget %s: the %s budget must be more than 0 and at most %s", arg, name, p.MaxBudget)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("--budget %s: %s's budget is given twice", arg, name)
		}
		out[name] = d
	}
	if c.TencentBudget != 0 { // kept for the scripts written before --budget
		if _, dup := out["tencent"]; dup {
			return nil, fmt.Errorf("--tencent-budget and --budget tencent=… both set tencent's budget; keep --budget")
		}
		p := lplatform.MustLookup("tencent")
		if c.TencentBudget < 0 || c.TencentBudget > p.MaxBudget {
			return nil, fmt.Errorf("--tencent-budget must be more than 0 and at most %s, not %s", p.MaxBudget, c.TencentBudget)
		}
		out["tencent"] = c.TencentBudget
	}
	return out, nil
}

// budgetsHelp lists the platforms whose budget can be configured, with
// their default and their bound: "tencent 3s (at most 4.5s), …".
func budgetsHelp() string {
	var parts []string
	for _, p := range lplatform.All() {
		if p.MaxBudget > 0 {
			parts = append(parts, fmt.Sprintf("%s %s (at most %s)", p.Name, p.Budget, p.MaxBudget))
		}
	}
	return strings.Join(parts, ", ")
}

// serveMaxBudget is the longest answer budget of any platform, with the
// budgets configured.
func serveMaxBudget(budgets map[string]time.Duration) time.Duration {
	var d time.Duration
	for _, p := range lplatform.All() {
		if b, ok := budgets[p.Name]; ok {
			d = max(d, b)
		} else {
			d = max(d, p.Budget)
		}
	}
	return d
}
