package tencent

import (
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/callflow/callflow/runtime/platform"
)

type webhook struct {
	Event       string      `json:"Event"`
	SessionId   string      `json:"SessionId"`
	SdkAppId    int64       `json:"SdkAppId"`
	CallInBound callInBound `json:"CallInBound"`
}

type callInBound struct {
	AIAgentId int64  `json:"AIAgentId"`
	IvrId     int64  `json:"IvrId"`
	Caller    string `json:"Caller"`
	Callee    string `json:"Callee"`
}

// Webhook builds the CallInBound webhook Tencent would send for c, in the
// documented shape: SessionId is c.Session, or a new random UUID when empty;
// SdkAppId is SampleSdkAppID; AIAgentId and IvrId are c.Bound (0 when
// unbound). c.Delivery, c.At, c.Data and c.Resume have no place in it and are
// ignored. Tencent has no capture, so a c with Digits or NoInput is an error.
func (*Adapter) Webhook(c platform.Call) ([]byte, error) {
	if c.Digits != nil || c.NoInput {
		return nil, errors.New("tencent: no capture input: the platform sends one webhook per call")
	}
	if c.Bound.AgentID < 0 || c.Bound.IVRID < 0 {
		return nil, fmt.Errorf("tencent: negative bound id (agent %d, ivr %d)", c.Bound.AgentID, c.Bound.IVRID)
	}
	session := c.Session
	if session == "" {
		session = newUUID()
	}
	return marshal(webhook{
		Event:     "CallInBound",
		SessionId: session,
		SdkAppId:  SampleSdkAppID,
		CallInBound: callInBound{
			AIAgentId: c.Bound.AgentID,
			IvrId:     c.Bound.IVRID,
			Caller:    c.Caller,
			Callee:    c.Callee,
		},
	})
}

// newUUID returns a random (version 4) UUID such as Tencent's SessionIds.
func newUUID() string {
	var u [16]byte
	rand.Read(u[:]) // never fails (crypto/rand panics instead)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
