package runtime

import (
	lplatform "github.com/callflow/callflow/lang/platform"
	"github.com/callflow/callflow/runtime/callback"
	"github.com/callflow/callflow/runtime/callbot"
	"github.com/callflow/callflow/runtime/eightbyeight"
	"github.com/callflow/callflow/runtime/jambonz"
	"github.com/callflow/callflow/runtime/platform"
	"github.com/callflow/callflow/runtime/tencent"
	"github.com/callflow/callflow/runtime/twilio"
	"github.com/callflow/callflow/runtime/vonage"
)

// registry is every platform the runtime speaks, in the order the server,
// the CLI and their help list them. Adding a platform adds its line here
// (and its package, its row in lang/platform and its test data).
var registry = []*platform.Declaration{
	&tencent.Declaration,
	&eightbyeight.Declaration,
	&callback.Declaration,
	&callbot.Declaration,
	&jambonz.Declaration,
	&twilio.Declaration,
	&vonage.Declaration,
}

// Platforms returns the declaration of every platform the runtime speaks,
// in a stable order. The slice is shared: do not modify it.
func Platforms() []*platform.Declaration { return registry }

// PlatformNames lists the names of Platforms.
func PlatformNames() []string {
	out := make([]string, len(registry))
	for i, d := range registry {
		out[i] = d.Name()
	}
	return out
}

// LookupPlatform returns the declaration of the platform named name.
func LookupPlatform(name string) (*platform.Declaration, bool) {
	for _, d := range registry {
		if d.Name() == name {
			return d, true
		}
	}
	return nil, false
}

// endAction is the action the end of a handler adds on a platform whose
// facts say end; nil adds nothing.
func endAction(end lplatform.End) platform.Action {
	switch end {
	case lplatform.EndHangup:
		return platform.Hangup{}
	case lplatform.EndKeepBound:
		return platform.KeepBound{}
	}
	return nil
}
