// Package testplatform is a platform that exists only in tests: declared
// in one value, it can express every step of language.md §8.6 (pause,
// record, makeCall targets and outcomes, audio prompts), so the engine and
// `callflow test` are tested on them before any real adapter renders them.
// Its webhooks are platform.Call values as JSON; its answers list the
// engine's neutral actions.
package testplatform

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
)

// Name is the platform's name in flows.
const Name = "waiter"

// Facts are the platform's capabilities: every step but those of the
// seed platforms' own kinds (agent, ivr, callback, campaign).
var Facts = &lplatform.Platform{
	Name: Name, Vendor: "a test platform", End: lplatform.EndHangup,
	Steps: []lplatform.Step{lplatform.Say, lplatform.Play, lplatform.Capture, lplatform.MakeCall, lplatform.Hangup,
		lplatform.Set, lplatform.Goto, lplatform.If, lplatform.Switch, lplatform.Do, lplatform.Return, lplatform.Post,
		lplatform.Pause, lplatform.Record, lplatform.DialOutcomeBlocks, lplatform.DialTimeout, lplatform.DialLimit,
		lplatform.DialSIP, lplatform.DialUser, lplatform.DialQueue, lplatform.PromptAudio, lplatform.BargeIn, lplatform.SayLanguage},
	Budget: 5 * time.Second, MaxBudget: 10 * time.Second,
}

// Declaration is the platform as the engine sees it.
var Declaration = platform.Declaration{Facts: Facts, Adapter: Adapter{}}

// Add declares the platform to the compiler for one test.
func Add(t testing.TB) {
	t.Helper()
	remove, ok := lplatform.Add(Facts)
	if !ok {
		t.Fatalf("platform %s is declared already", Name)
	}
	t.Cleanup(remove)
}

// Adapter decodes platform.Call JSON and renders the actions as text.
type Adapter struct{}

// Name is the platform's name.
func (Adapter) Name() string { return Name }

// Decode reads a platform.Call: with a resume token it answers the step
// the call waits at, with its digits, dial outcome or recording.
func (Adapter) Decode(body []byte, _ http.Header) (*platform.Event, error) {
	var c platform.Call
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, &platform.DecodeError{Msg: err.Error()}
	}
	ev := &platform.Event{Kind: platform.CallStarted, Platform: Name, Session: c.Session, Delivery: c.Delivery,
		Caller: c.Caller, Callee: c.Callee}
	if c.Resume != "" {
		ev.Kind, ev.Resume, ev.Digits = platform.Input, c.Resume, c.Digits
		ev.DialOutcome, ev.RecordingURL = c.DialOutcome, c.RecordingURL
	}
	return ev, nil
}

// Render writes the actions, and the resume token, as a JSON object.
func (Adapter) Render(_ *platform.Event, r *platform.Response) (platform.Reply, error) {
	b, err := json.Marshal(map[string]string{"actions": fmt.Sprint(r.Actions), "clientActionId": r.Resume})
	return platform.Reply{Status: http.StatusOK, Body: b}, err
}

// Fallback answers "fallback".
func (Adapter) Fallback(*platform.Event, platform.FallbackOptions) platform.Reply {
	return platform.Reply{Status: http.StatusOK, Body: []byte(`{"actions":"fallback"}`)}
}

// Webhook writes c as JSON.
func (Adapter) Webhook(c platform.Call) ([]byte, error) { return json.Marshal(c) }
