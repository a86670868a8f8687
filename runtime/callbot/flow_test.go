package callbot

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/lang/exprs"
	"github.com/callflow/callflow/lang/phone"
	"github.com/callflow/callflow/runtime/platform"
)

// The campaign flows/exam_results.flow builds from the exam_result.json
// sample, by hand: contact national(caller), email "${data.email}", code
// data.student_id, vars {"tên thí sinh": data.name, "Toán": string(data.math)},
// dedupe session. It is examCampaign, whose rendering is golden.
func TestExamResultsFlow(t *testing.T) {
	ev, err := New().Decode(sample(t, "exam_result.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	national, err := phone.National(ev.Caller)
	if err != nil {
		t.Fatal(err)
	}
	c := examCampaign
	c.Dedupe = ev.Session
	c.Contacts = []platform.Contact{{
		Phone: national,
		Email: exprs.Text(ev.Data["email"]),
		Code:  ev.Data["student_id"].(string),
		Vars:  map[string]any{"tên thí sinh": ev.Data["name"], "Toán": exprs.Text(ev.Data["math"])},
	}}
	if diff := cmp.Diff(examCampaign, c); diff != "" {
		t.Errorf("(-examCampaign +from the sample):\n%s", diff)
	}
}
