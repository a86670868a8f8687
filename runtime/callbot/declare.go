package callbot

import (
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/trigger"
)

// Declaration is the callbot platform, for the runtime's registry. A trigger
// names its flow in the route: it has no called number to route by.
var Declaration = platform.Declaration{
	Facts:        lplatform.MustLookup(Name),
	Adapter:      New(),
	Routes:       []platform.Route{{Path: "/hooks/callbot/{flow}"}},
	Recognize:    trigger.Recognize,
	Secrets:      trigger.Secrets,
	Authenticate: trigger.Authenticate,
}
