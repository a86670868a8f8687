package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/callflow/callflow/runtime/dispatch"
)

// Outcomes keeps the outcomes of dispatched triggers in the store's Redis
// (dispatch.OutcomeStore), so a trigger is sent once across every replica:
// PREFIX:{platform:TRIGGER}:d/FLOW, in the same slot as the trigger's answer.
// It holds "p TOKEN" while claimed, then "o JSON".
type Outcomes struct{ s *Store }

var _ dispatch.OutcomeStore = Outcomes{}

// Outcomes is the dispatch outcome store on s's connection and prefix.
func (s *Store) Outcomes() Outcomes { return Outcomes{s} }

// outcomeKey is the Redis key of dispatch.Key(platform, flow, trigger
// id): PREFIX:{platform:TRIGGER}:d/FLOW (the flow as Key escapes it), in
// the trigger's slot. A key Key did not make is tagged whole.
func (o Outcomes) outcomeKey(key string) string {
	p, rest, ok := strings.Cut(key, ":")
	if !ok {
		return o.s.tagged("", key, ":d")
	}
	flow, id, ok := strings.Cut(rest, ":")
	if !ok {
		return o.s.tagged("", key, ":d")
	}
	return o.s.tagged(p, id, ":d/"+flow)
}

// Claim claims key for ttl, or returns the outcome stored under it,
// polling while another claim is pending; see dispatch.OutcomeStore.
func (o Outcomes) Claim(ctx context.Context, key string, ttl time.Duration) (dispatch.Claim, error) {
	token, held, _, err := o.s.claimKey(ctx, o.outcomeKey(key), ttl, "")
	if err != nil {
		return dispatch.Claim{}, claimError(ctx, err)
	}
	if held == nil {
		return dispatch.Claim{Key: key, Token: token}, nil
	}
	js, ok := strings.CutPrefix(string(held), "o ")
	var out dispatch.Outcome
	if !ok {
		return dispatch.Claim{}, errors.New("redisstore: claim outcome: the value under the key is not an outcome")
	}
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		return dispatch.Claim{}, fmt.Errorf("redisstore: claim outcome: the value under the key is not an outcome: %w", err)
	}
	return dispatch.Claim{Key: key, Settled: true, Outcome: out}, nil
}

// Fill stores out as c's outcome for ttl, while the key holds c's claim.
func (o Outcomes) Fill(ctx context.Context, c dispatch.Claim, out dispatch.Outcome, ttl time.Duration) error {
	js, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("redisstore: encoding an outcome: %w", err)
	}
	err = fillScript.Run(ctx, o.s.rdb, []string{o.outcomeKey(c.Key)}, marker(c.Token), append([]byte("o "), js...), millis(ttl)).Err()
	return storeError(ctx, "fill outcome", err)
}

// Release drops c's claim, while the key holds it.
func (o Outcomes) Release(ctx context.Context, c dispatch.Claim) error {
	err := releaseScript.Run(ctx, o.s.rdb, []string{o.outcomeKey(c.Key)}, marker(c.Token)).Err()
	return storeError(ctx, "release outcome", err)
}
