// Package phone holds the phone-number functions that call-flow expressions
// can call. They run on every webhook, so they are pure, allocate little and
// are safe for concurrent use.
//
//   - Pattern and CompilePattern match a number against an Asterisk dialplan
//     pattern ("_NXXNXXXXXX", "_9.", "_+861XXXXXXXXXX"), so routing rules read
//     the way telephony engineers already write them. CompilePattern exists so
//     the compiler can reject a malformed pattern literal with an exact offset
//     instead of letting it silently never match at run time.
//   - E164 normalises whatever a caller, CRM or carrier sent ("0988 888 888",
//     "(415) 555-0100") into the one form providers accept: "+84988888888".
//   - National turns an E.164 number back into the digits a local subscriber
//     would dial ("0988888888"), the form OMICall's Vietnamese examples and
//     many local CRMs use.
//   - Region names the country of a number ("VN") for per-country routing.
//   - IsE164 is a cheap syntactic check, used by the lint that warns about
//     number literals that are not in E.164 form.
//
// E164, National and Region rely on github.com/nyaruka/phonenumbers (a port
// of Google's libphonenumber) because numbering plans change and are not
// worth re-deriving by hand; Pattern and IsE164 need no metadata and do not
// allocate.
package phone
