// Package handwritten is the baseline of speed figure P1 (quality.md): the
// decision of flows/reception.flow written by hand in Go, the way a
// developer would answer Tencent's CallInBound webhook without callflow. It
// decodes the same JSON into a struct, makes the same decision with if/else
// (the same table membership check, the same office hours check, the same
// lookup value) and encodes the same answer. runtime's BenchmarkP1 times it
// against the engine in the same run and checks that both answer with the
// same bytes.
package handwritten

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/callflow/callflow/lang/hours"
)

// Customer is the CRM record the reception flow's `customer` lookup reads.
type Customer struct {
	VIP  bool   `json:"vip"`
	Name string `json:"name"`
}

// Reception is flows/reception.flow by hand. It is safe for concurrent use
// once built.
type Reception struct {
	VIPs   map[string]string // caller → name, from vips.csv
	Office *hours.Schedule
	// Lookup fetches the caller's CRM record; the benchmark answers it from
	// memory, as the engine's lookup is stubbed.
	Lookup func(caller string) Customer
}

// NewReception builds the reception decision from the vips table (CSV with a
// header row: number,name) and a lookup.
func NewReception(vipsCSV []byte, lookup func(caller string) Customer) (*Reception, error) {
	rows, err := csv.NewReader(bytes.NewReader(vipsCSV)).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errors.New("vips: no header row")
	}
	vips := make(map[string]string, len(rows)-1)
	for _, r := range rows[1:] {
		if len(r) >= 2 {
			vips[r[0]] = r[1]
		}
	}
	office, err := hours.Parse("Mon-Fri 09:00-18:00", "Asia/Shanghai", []string{"2026-10-01..2026-10-07"})
	if err != nil {
		return nil, err
	}
	return &Reception{VIPs: vips, Office: office, Lookup: lookup}, nil
}

type webhook struct {
	Event       string `json:"Event"`
	SessionId   string `json:"SessionId"`
	CallInBound struct {
		AIAgentId int64  `json:"AIAgentId"`
		IvrId     int64  `json:"IvrId"`
		Caller    string `json:"Caller"`
		Callee    string `json:"Callee"`
	} `json:"CallInBound"`
}

type answer struct {
	CallInBound inbound `json:"CallInBound"`
}

type inbound struct {
	OverrideAIAgentId int64      `json:"OverrideAIAgentId,omitempty"`
	OverrideIvrId     int64      `json:"OverrideIvrId,omitempty"`
	Variables         []variable `json:"Variables,omitempty"`
}

type variable struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Answer decodes one CallInBound webhook, decides the route at now and
// encodes Tencent's answer:
//
//	when caller in vips or customer.vip             -> agent 388, name
//	when caller startsWith "+861" and open(office)  -> ivr 12, language
//	when not open(office)                           -> hang up
//	otherwise                                       -> keep the bound route
func (r *Reception) Answer(body []byte, now time.Time) ([]byte, error) {
	var w webhook
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}
	if w.Event != "CallInBound" {
		return nil, fmt.Errorf("unsupported event %q", w.Event)
	}
	if w.SessionId == "" {
		return nil, errors.New("SessionId: must not be empty")
	}
	caller := w.CallInBound.Caller
	var in inbound
	name, inVIPs := r.VIPs[caller]
	customer := r.Lookup(caller)
	switch {
	case inVIPs || customer.VIP:
		if !inVIPs {
			name = customer.Name
		}
		in.OverrideAIAgentId = 388
		in.Variables = []variable{{Key: "name", Value: name}}
	case strings.HasPrefix(caller, "+861") && r.Office.Open(now):
		in.OverrideIvrId = 12
		in.Variables = []variable{{Key: "language", Value: "zh-CN"}}
	case !r.Office.Open(now):
		// an empty CallInBound hangs up
	case w.CallInBound.AIAgentId > 0:
		in.OverrideAIAgentId = w.CallInBound.AIAgentId
	case w.CallInBound.IvrId > 0:
		in.OverrideIvrId = w.CallInBound.IvrId
	}
	return json.Marshal(answer{in})
}
