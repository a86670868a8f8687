package check

import (
	"fmt"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/diag"
	"github.com/callflow/callflow/lang/exprs"
)

// lookupCycles finds lookups whose URLs read each other (or one that reads
// itself): fetching one would first need the other, so no call could ever
// resolve them.
func (c *checker) lookupCycles() {
	var names []string
	decls := map[string]*ast.Lookup{}
	for _, d := range c.u.Main.Decls {
		if l, ok := d.(*ast.Lookup); ok && decls[l.Name.Name] == nil {
			names = append(names, l.Name.Name)
			decls[l.Name.Name] = l
		}
	}
	reads := func(name string) []string {
		cx := c.info.Exprs[decls[name].URL]
		if cx == nil {
			return nil
		}
		var out []string
		for _, r := range cx.Refs {
			if k, _ := c.info.Env.Kind(r); k == exprs.LookupName && decls[r] != nil {
				out = append(out, r)
			}
		}
		return out
	}
	for _, scc := range components(names, reads) {
		l := decls[scc[0]]
		msg := fmt.Sprintf("lookup %q reads itself in its URL", l.Name.Name)
		if len(scc) > 1 {
			msg = fmt.Sprintf("lookups %s read each other in their URLs", joinQuoted(scc))
		}
		c.report(diag.Errorf(diag.BadLookup, l.URL.At, "%s", msg).Do("Build the URL from the call, variables, consts or other lookups, never from the lookup itself."))
	}
}
