package runtime

import "time"

// Clocks of the memory stores, for the conformance suite (storetest),
// which runs from package runtime_test.

func SetStoreClock(m *MemoryStore, now func() time.Time)     { m.now = now }
func SetAnswersClock(a *MemoryAnswers, now func() time.Time) { a.now = now }
func SetBundlesClock(b *MemoryBundles, now func() time.Time) { b.now = now }

// AcceptOnly is the header map lookups share, for a test that it stays as
// it was made.
func AcceptOnly() map[string][]string { return acceptOnly }

// DecodeFlat is decodeFlat, for a test that counts its allocations.
func DecodeFlat(b []byte) (map[string]any, bool) { return decodeFlat(b) }
