package flowtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/callflow/callflow/lang/ast"
)

// expectPost matches `expect post ["URL"] [{FIELDS}]` against the posts the
// latest webhook ran, after any an earlier expect post matched: one sent
// to exactly URL whose JSON body holds FIELDS (as expect json {…} holds a
// reply: fields it does not name are not compared).
func (t *tester) expectPost(s *ast.Expect) *Failure {
	fail := failAt(s.At)
	urlX, fieldsX := s.PostParts()
	want, desc := "", "post"
	if urlX != nil {
		u, err := t.env.text(urlX)
		if err != nil {
			return fail("expect post: %v", err)
		}
		want, desc = u, "post "+strconv.Quote(u)
	}
	var fields any
	if fieldsX != nil {
		v, err := t.env.eval(fieldsX)
		if err == nil {
			fields, err = asJSON(v)
		}
		if err != nil {
			return fail("expect post: the fields: %v", err)
		}
		desc += " " + fieldsX.Text
	}
	why := ""
	for i := t.postsMatched; i < len(t.posts); i++ {
		p := t.posts[i]
		if urlX != nil && p.URL != want {
			continue
		}
		if fields != nil {
			var body any
			if err := json.Unmarshal(p.Body, &body); err != nil {
				return fail("expect post: the body sent is not JSON: %v", err)
			}
			if d := jsonDiff("", fields, body, true); d != "" {
				why = strings.Replace(d, "the reply", "the body", 1)
				continue
			}
		}
		t.postsMatched = i + 1
		return nil
	}
	msg := "expected " + desc + ", got " + t.describePosts()
	if why != "" {
		msg += " (" + why + ")"
	}
	return fail("%s", msg)
}

// expectNoPost checks `expect no post`: the latest webhook ran no post
// beyond those an expect post matched.
func (t *tester) expectNoPost(s *ast.Expect) *Failure {
	if len(t.posts) > t.postsMatched {
		return failAt(s.At)("expected no post, got %s", t.describePosts())
	}
	return nil
}

// describePosts lists the posts of the latest webhook not yet matched, or
// says there are none.
func (t *tester) describePosts() string {
	left := t.posts[t.postsMatched:]
	if len(left) == 0 {
		if t.postsMatched > 0 {
			return "no post after the one matched last"
		}
		return "no post"
	}
	var parts []string
	for _, p := range left {
		parts = append(parts, fmt.Sprintf("post %q %s", p.URL, p.Body))
	}
	return strings.Join(parts, ", ")
}
