package degrade

import (
	"context"
	"time"

	"github.com/callflow/callflow/runtime/dispatch"
)

// Outcomes wraps the shared store of dispatch outcomes: a trigger the
// shared store cannot claim is claimed in this process's memory, so it is
// sent once by this replica (as one replica alone would), not once across
// all of them.
func (g *Guard) Outcomes(o dispatch.OutcomeStore) dispatch.OutcomeStore {
	return &outcomeStore{g: g, o: o}
}

type outcomeStore struct {
	g *Guard
	o dispatch.OutcomeStore
}

func (w *outcomeStore) Claim(ctx context.Context, key string, ttl time.Duration) (dispatch.Claim, error) {
	var c dispatch.Claim
	out, err := w.g.run(ctx, "outcome_claim", false, func(ctx context.Context) (err error) {
		c, err = w.o.Claim(ctx, key, ttl)
		return err
	})
	if out != unavailable {
		return c, err
	}
	if c, err = w.g.localOutcomes.Claim(ctx, key, ttl); err != nil {
		return c, err
	}
	c.Key = markLocal(c.Key)
	return c, nil
}

func (w *outcomeStore) Fill(ctx context.Context, c dispatch.Claim, o dispatch.Outcome, ttl time.Duration) error {
	if key, local := unmarkLocal(c.Key); local {
		c.Key = key
		return w.g.localOutcomes.Fill(ctx, c, o, ttl)
	}
	_, err := w.g.run(ctx, "outcome_fill", true, func(ctx context.Context) error { return w.o.Fill(ctx, c, o, ttl) })
	return err
}

func (w *outcomeStore) Release(ctx context.Context, c dispatch.Claim) error {
	if key, local := unmarkLocal(c.Key); local {
		c.Key = key
		return w.g.localOutcomes.Release(ctx, c)
	}
	_, err := w.g.run(ctx, "outcome_release", true, func(ctx context.Context) error { return w.o.Release(ctx, c) })
	return err
}
