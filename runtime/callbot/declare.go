package callbot

import (
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/trigger"
)

// Declaration is the callbot platform, for the runtime's registry.
var Declaration = trigger.Declare(lplatform.MustLookup(Name), New())
