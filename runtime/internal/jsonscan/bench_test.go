package jsonscan

import "testing"

// body is an 8x8 ACTION_COMPLETED webhook, the input the scanner is for.
var body = []byte(`{"namespace":"VOICE","eventType":"CALL_ACTION","description":"Action request of a call","payload":{"eventId":"call-000001-e1","callId":"631265eb-0dc1-4e61-96e3-2fd2757735a3","sessionId":"call-000001","callStatus":"ACTION_COMPLETED","callDirection":"INBOUND","callType":"PSTN","source":"+6591234567","destination":"+6512345678","sourceFormat":"MSISDN","destinationFormat":"MSISDN","callDuration":0,"eventData":{"dtmf":"7"},"timestamp":"2026-11-21T02:23:42.943Z","clientActionId":"AQAGB3N1cHBvcnQQM2Y5YTFjMGQ3ZTJiNGE1OARtZW51YTV9b0gc5EtYzQL9v5zh2w"}}`)

// BenchmarkScan walks the webhook and its payload, taking every value.
func BenchmarkScan(b *testing.B) {
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		s := NewScanner(body)
		s.Enter()
		n := 0
		for name, ok := s.Next(); ok; name, ok = s.Next() {
			if string(name) == `"payload"` && s.Enter() {
				for _, ok := s.Next(); ok; _, ok = s.Next() {
					n += len(s.Value())
				}
				continue
			}
			n += len(s.Value())
		}
		if n == 0 {
			b.Fatal("nothing read")
		}
	}
}
