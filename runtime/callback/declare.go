package callback

import (
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/trigger"
)

// Declaration is the callback platform, for the runtime's registry.
var Declaration = trigger.Declare(lplatform.MustLookup(Name), New())
