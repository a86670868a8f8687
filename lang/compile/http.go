package compile

import (
	"net/http"
	"time"

	"github.com/callflow/callflow/lang/ast"
	"github.com/callflow/callflow/lang/ir"
)

// defaultHTTPTimeout is a lookup's or post's timeout when none is written.
const defaultHTTPTimeout = time.Second

func (l *lowerer) headers(hs []*ast.Header) []ir.Header {
	out := make([]ir.Header, 0, len(hs))
	for _, h := range hs {
		name, _ := l.info.Values[h.Name].(string)
		out = append(out, ir.Header{Name: http.CanonicalHeaderKey(name), Value: l.expr(h.Value)})
	}
	return out
}

func (l *lowerer) post(pos ir.Pos, s *ast.Post) *ir.Post {
	p := &ir.Post{Pos: pos, URL: l.expr(s.URL), JSON: l.expr(s.JSON), Headers: l.headers(s.Headers),
		Timeout: defaultHTTPTimeout, Else: l.expr(s.Else)}
	if s.Timeout != nil {
		p.Timeout = time.Duration(s.Timeout.Millis) * time.Millisecond
	}
	if s.Into != nil {
		p.Into = s.Into.Name
	}
	return p
}
