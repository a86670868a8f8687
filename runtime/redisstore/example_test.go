package redisstore_test

import (
	"context"
	"log"
	"os"

	"github.com/callflow/callflow/runtime"
	"github.com/callflow/callflow/runtime/dispatch"
	"github.com/callflow/callflow/runtime/redisstore"
)

// An engine whose calls live in Redis, shared by every replica that opens
// the same URL with the same prefix and signs resume tokens with the same
// secret: WithStore gives it the sessions, the answers to deliveries and
// (being a runtime.CallStore) two round trips per webhook; WithBundleStore
// lets a call resume on a replica that never loaded its flow version; the dispatch
// client keeps the outcomes of triggers there, so each is sent once.
func Example() {
	ctx := context.Background()
	store, err := redisstore.Open(ctx, "redis://redis.internal:6379/0",
		redisstore.WithPrefix("callflow"),
		redisstore.WithPassword(os.Getenv("REDIS_PASSWORD")))
	if err != nil {
		log.Fatal(err) // the URL in it has no password
	}
	defer store.Close()

	eng, err := runtime.New(
		runtime.WithStore(store),
		runtime.WithBundleStore(store.Bundles()),
		runtime.WithSecret([]byte(os.Getenv("CALLFLOW_SECRET"))),
	)
	if err != nil {
		log.Fatal(err)
	}
	trigger := dispatch.New(
		dispatch.WithCallback("https://api.example.com", dispatch.Bearer(os.Getenv("CALLBACK_TOKEN"))),
		dispatch.WithOutcomeStore(store.Outcomes()),
	)
	_, _ = eng, trigger
}
