package callbot

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/callflow/callflow/runtime/platform"
)

func TestDecodeSamples(t *testing.T) {
	tests := []struct {
		file         string
		id, from, to string
		data         map[string]any
	}{
		{"exam_result.json", "exam-2026-hk1-hs0042", "+84988888888", "842499950291", map[string]any{
			"name": "Trần Văn A", "email": "tran.van.a@thpt-chuvanan.edu.vn", "student_id": "HS-0042",
			"class": "12A1", "math": 9.5, "literature": 8.0, "english": 7.25,
		}},
		{"exam_pending.json", "exam-2026-hk1-hs0117", "+84912345678", "842499950291", map[string]any{
			"name": "Nguyễn Thị Bích Ngọc", "email": "bich.ngoc@thpt-chuvanan.edu.vn", "student_id": "HS-0117",
			"class": "12A3", "math": nil, "note": "Điểm Toán đang được phúc khảo & sẽ công bố sau <thứ Hai>",
		}},
		{"appointment.json", "crm-batch-42", "0988888888", "", map[string]any{
			"full_name": "Trần Văn A", "gender1": "Anh", "appointment": "2026-11-24T09:30:00+07:00",
			"clinic": "Phòng khám Đa khoa Hòa Bình", "contact_code": "CRM-1",
		}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			body := sample(t, tt.file)
			ev, err := New().Decode(body, nil)
			if err != nil {
				t.Fatal(err)
			}
			if reply, err := New().Render(ev, nil); err != nil || reply.Status != http.StatusNoContent {
				t.Errorf("Render of no actions = %+v, %v, want 204", reply, err)
			}
			want := &platform.Event{
				Kind: platform.Trigger, Platform: "callbot",
				Session: tt.id, Delivery: tt.id, Caller: tt.from, Callee: tt.to, Data: tt.data,
			}
			if err := json.Unmarshal(body, &want.Raw); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, ev); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
	for _, f := range samples(t) {
		if !seen[f] {
			t.Errorf("sample %s has no decode test", f)
		}
	}
}

// A trigger id over platform.MaxID bytes is refused, naming the field.
func TestDecodeLongID(t *testing.T) {
	body := `{"id":"` + strings.Repeat("x", 60_000) + `","from":"+6591234567","to":"+6561112222"}`
	ev, err := New().Decode([]byte(body), nil)
	var de *platform.DecodeError
	if ev != nil || !errors.As(err, &de) || de.Field != "id" || len(err.Error()) > 200 {
		t.Errorf("Decode = %v, %.300v; want a short DecodeError for id", ev, err)
	}
}
