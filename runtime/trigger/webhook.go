package trigger

import (
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/callflow/callflow/runtime/platform"
)

type trigger struct {
	ID   string         `json:"id"`
	From string         `json:"from"`
	To   string         `json:"to"`
	Data map[string]any `json:"data"`
}

// Webhook builds the trigger for c: id is c.Session, else c.Delivery, else
// a new random UUID; from is c.Caller, to is c.Callee, and data is c.Data
// (an empty object when nil; its keys come out sorted). c.At, c.Bound and
// c.Resume have no place in it and are ignored. A trigger has no capture,
// so a c with Digits or NoInput is an error, as is data JSON cannot encode.
func Webhook(platformName string, c platform.Call) ([]byte, error) {
	if c.Digits != nil || c.NoInput {
		return nil, errors.New(platformName + ": a trigger has no capture input")
	}
	id := c.Session
	if id == "" {
		id = c.Delivery
	}
	if id == "" {
		id = newUUID()
	}
	data := c.Data
	if data == nil {
		data = map[string]any{}
	}
	b, err := platform.Marshal(trigger{ID: id, From: c.Caller, To: c.Callee, Data: data})
	if err != nil {
		return nil, fmt.Errorf("%s: data: %w", platformName, err)
	}
	return b, nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var u [16]byte
	rand.Read(u[:]) // never fails (crypto/rand panics instead)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
