package runtime

import (
	"context"
	"reflect"
	"strings"
	"time"

	"github.com/callflow/callflow/runtime/platform"
)

// CallStore is a store that keeps both the sessions of calls and the
// answers to their deliveries, and can do for one webhook, in one round
// trip each, what the engine would otherwise ask of it in four: claim the
// delivery and read the call's session; write the session and fill the
// answer. A store on the network (Redis) implements it so that an 8x8
// step costs two round trips, not four.
//
// The engine uses these methods when the store given to WithStore is also
// its AnswerStore (WithAnswerStore given the same store, or none) and
// implements CallStore; otherwise it calls the SessionStore and
// AnswerStore methods one by one. A store that wraps another (a circuit
// breaker, a fallback while the network store is gone) keeps the two
// round trips by implementing CallStore too and forwarding to it.
type CallStore interface {
	SessionStore
	AnswerStore
	// ClaimSession is Claim(answerKey, ttl) and, when the claim is the
	// caller's (not Answered), the session under sessionKey as Get would
	// return it, read in the same round trip. An error reading the session
	// (missing: ErrNotFound; undecodable) is in SessionRead.Err, not the
	// error, which is Claim's.
	ClaimSession(ctx context.Context, answerKey string, ttl time.Duration, sessionKey string) (Claim, SessionRead, error)
	// SaveAndFill writes the session as w says, then fills c with reply
	// for answerTTL, atomically: the answer is kept only when the session
	// was written (a conflict fills nothing), and is not kept, the session
	// still written, when c no longer holds its key (Fill's rule). It
	// returns the session's new revision, or ErrConflict.
	SaveAndFill(ctx context.Context, w SessionWrite, c Claim, reply platform.Reply, answerTTL time.Duration) (uint64, error)
}

// SessionRead is a session read with a claim (CallStore.ClaimSession): what
// SessionStore.Get would have returned.
type SessionRead struct {
	Session *Session
	Rev     uint64
	Err     error
}

// SessionWrite is what a webhook writes to its call's session with its
// answer (CallStore.SaveAndFill): Session stored under Key for TTL when
// the stored revision is Rev (0: none is stored), as CompareAndSet does;
// or, with Session nil, the session under Key deleted when its revision
// is still Rev (the call ended at a capture), or whatever its revision
// when Rev is 0 (the platform says the call ended).
type SessionWrite struct {
	Key     string
	Rev     uint64
	Session *Session
	TTL     time.Duration
}

// AnswerKey is the key under which an AnswerStore other than the default
// keeps the answer to a delivery: "platform|session" when the delivery's id
// is its session's (a tencent SessionId, a trigger id), else
// "platform|session|delivery" (an 8x8 eventId). A delivery to a flow named
// in the URL has "platform/flow" in place of the platform: the same id
// sent to another flow's route is another delivery, never answered with
// the first one's answer. The session and the flow are written with '%'
// and '|' escaped (%25, %7C), so SplitAnswerKey finds them whatever the
// ids hold, and a store can keep the answer next to its call's session
// (Redis: in the same Cluster slot).
func AnswerKey(platformName, flow, session, delivery string) string {
	p := platformName
	if flow != "" {
		p += "/" + escapeKeyPart(flow)
	}
	s := escapeKeyPart(session)
	if delivery == session {
		return p + "|" + s
	}
	return p + "|" + s + "|" + delivery
}

// SplitAnswerKey returns the platform, flow ("" when the delivery was
// routed by number), session and delivery ids AnswerKey joined; ok is
// false for a key it did not make.
func SplitAnswerKey(key string) (platformName, flow, session, delivery string, ok bool) {
	p, rest, ok := strings.Cut(key, "|")
	if !ok || p == "" {
		return "", "", "", "", false
	}
	platformName, f, hasFlow := strings.Cut(p, "/")
	if hasFlow {
		if flow, ok = unescapeKeyPart(f); !ok || flow == "" || platformName == "" {
			return "", "", "", "", false
		}
	}
	s, delivery, three := strings.Cut(rest, "|")
	if session, ok = unescapeKeyPart(s); !ok {
		return "", "", "", "", false
	}
	if !three {
		delivery = session
	}
	return platformName, flow, session, delivery, true
}

var keyEscaper = strings.NewReplacer("%", "%25", "|", "%7C")

func escapeKeyPart(s string) string {
	if !strings.ContainsAny(s, "%|") {
		return s
	}
	return keyEscaper.Replace(s)
}

func unescapeKeyPart(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		switch {
		case strings.HasPrefix(s[i:], "%25"):
			b.WriteByte('%')
		case strings.HasPrefix(s[i:], "%7C"):
			b.WriteByte('|')
		default:
			return "", false
		}
		i += 2
	}
	return b.String(), true
}

// callStore returns the engine's session store as a CallStore when it is
// one and is also the engine's answer store.
func callStore(s SessionStore, a AnswerStore) CallStore {
	cs, ok := s.(CallStore)
	if !ok || !sameStore(s, a) {
		return nil
	}
	return cs
}

// sameStore says whether two store values are the same store; values of a
// type that cannot be compared never are.
func sameStore(a, b any) bool {
	t := reflect.TypeOf(a)
	return t != nil && t == reflect.TypeOf(b) && t.Comparable() && a == b
}
