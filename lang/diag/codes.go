package diag

import (
	"strings"

	"github.com/callflow/callflow/lang/platform"
)

// Code is a stable identifier for a kind of diagnostic. Codes never change
// meaning once released: CI configurations, SARIF rule ids and editor
// integrations key on them. docs/language.md lists every code.
type Code string

// Input and syntax.
const (
	Syntax          Code = "syntax"           // the parser expected one thing and found another
	EmptyFile       Code = "empty-file"       // nothing but whitespace and comments
	BadEncoding     Code = "bad-encoding"     // not UTF-8, or binary
	FileTooLarge    Code = "file-too-large"   // over the 1 MiB limit
	TooDeep         Code = "too-deep"         // nesting deeper than 64
	BadVersion      Code = "bad-version"      // a language version this compiler does not know
	ReservedWord    Code = "reserved-word"    // a keyword used as a name
	UnknownOption   Code = "unknown-option"   // an option word a capture or campaign block does not have
	MissingOption   Code = "missing-option"   // a required option is absent
	DuplicateOption Code = "duplicate-option" // an option given twice
	BadTestFile     Code = "bad-test-file"    // a NAME_test.flow that is not only tests of NAME
	TooManyErrors   Code = "too-many-errors"  // the error limit cut the list
)

// Names and references.
const (
	DuplicateName   Code = "duplicate-name"   // two declarations share a name
	DuplicateNumber Code = "duplicate-number" // two flows claim one number for one platform
	UnknownHandler  Code = "unknown-handler"  // a rule, goto or do names no handler
	UnknownName     Code = "unknown-name"     // an expression names no variable, const, table, lookup or hours
	UnknownFunction Code = "unknown-function" // an expression calls a function that does not exist
	UnknownPlatform Code = "unknown-platform" // target or call names no platform
	OtherwiseTwice  Code = "otherwise-twice"  // more than one otherwise rule
	UnknownOutcome  Code = "unknown-outcome"  // an on block names an outcome the step does not have
)

// Steps in the wrong place.
const (
	OnOutsideCapture Code = "on-outside-capture" // an on block that no capture holds
	ReturnValue      Code = "return-value"       // return with a value: subroutines return none
)

// Types and expressions.
const (
	TypeMismatch Code = "type-mismatch"  // a value of the wrong type
	BadExpr      Code = "bad-expression" // an expression expr-lang cannot parse or that exceeds its limits
	BadConst     Code = "bad-const"      // a const that cannot be evaluated at compile time
	MemoryLimit  Code = "memory-limit"   // a value built at compile time over the memory limits
)

// Platforms.
const (
	Unsupported   Code = "unsupported-step" // a step a target platform cannot express
	PlatformLimit Code = "platform-limit"   // a value outside a platform's limits
	NoPlatform    Code = "no-platform"      // without target, no platform can run every step
	AgentAndIVR   Code = "agent-and-ivr"    // agent and ivr on one path
)

// Declarations.
const (
	BadHours    Code = "bad-hours"    // hours spec, time zone or date that does not parse
	BadTable    Code = "bad-table"    // missing or malformed table file
	BadLookup   Code = "bad-lookup"   // lookup URL or timeout out of bounds
	GotoCycle   Code = "goto-cycle"   // handlers that goto each other without a capture
	DoCycle     Code = "do-cycle"     // handlers that do (or goto) each other without a capture
	BadDuration Code = "bad-duration" // a duration or count out of range
)

// Warnings.
const (
	UnreachableHandler Code = "unreachable-handler" // nothing reaches this handler
	UnreachableRule    Code = "unreachable-rule"    // a rule that can never match
	UnreachableStep    Code = "unreachable-step"    // steps after a step that ends the handler
	NoHangup           Code = "no-hangup"           // an 8x8 handler that can end without hangup
	NotE164            Code = "not-e164"            // a number literal that is not E.164
	MissingTries       Code = "missing-tries"       // a capture without tries
	NeverMatches       Code = "never-matches"       // an accept value no entry can equal
	CaseType           Code = "case-type"           // a case value of another type than the switch value
	UnusedValue        Code = "unused-value"        // a message value for a try the capture never makes
)

// Suppressions (all warnings: a comment never decides whether a flow loads).
const (
	BadSuppression    Code = "bad-suppression"    // a `# callflow:` comment that is not a valid suppression
	MissingReason     Code = "missing-reason"     // a suppression without a reason
	UnknownCode       Code = "unknown-code"       // a suppression naming a code callflow does not have
	UnusedSuppression Code = "unused-suppression" // a suppression that silences nothing
)

// HTTP: lookups with headers and secrets, and post (language.md §8.3, §8.4).
const (
	SecretName    Code = "secret-name"    // secret() or env() whose name is not a string literal
	SecretPlace   Code = "secret-place"   // secret() outside a header value
	MissingSecret Code = "missing-secret" // a secret the server could not read when it loaded the flow
	BadHeader     Code = "bad-header"     // a header name that is not an HTTP token, or one callflow sets itself
	BadPost       Code = "bad-post"       // a post URL or timeout out of bounds, or into without else
)

// Rule describes a code for documentation and SARIF.
type Rule struct {
	Code     Code
	Severity Severity
	Summary  string // one line
	Help     string // what to do, in sentences
}

// Rules lists every code in a stable order.
var Rules = []Rule{
	{Syntax, Error, "The source does not follow the .flow grammar", "Fix the token at the position shown; the message says what the parser expected."},
	{EmptyFile, Error, "The file holds no flow", "Start the file with `flow NAME`."},
	{BadEncoding, Error, "The file is not UTF-8 text", "Save the file as UTF-8; .flow files are text, never binary."},
	{FileTooLarge, Error, "The file is larger than 1 MiB", "Split the flow into several files."},
	{TooDeep, Error, "Blocks or brackets are nested deeper than 64", "Flatten the nesting with goto and separate handlers."},
	{BadVersion, Error, "The language version is not supported", "Write `flow NAME` for version 1, or upgrade callflow."},
	{ReservedWord, Error, "A keyword is used as a name", "Choose another name; keywords are reserved."},
	{UnknownOption, Error, "The block has no such option", "Use one of the options the block lists in docs/language.md."},
	{MissingOption, Error, "A required option is missing", "Add the option the message names."},
	{DuplicateOption, Error, "An option is given twice", "Keep one of them."},
	{BadTestFile, Error, "A test file holds more than tests of its flow", "Start NAME_test.flow with `flow NAME` and put only test blocks in it."},
	{TooManyErrors, Error, "Too many errors", "Fix the errors shown, or raise --max-errors."},
	{DuplicateName, Error, "A name is declared twice", "Rename or remove one of the declarations."},
	{DuplicateNumber, Error, "Two flows claim the same number for one platform", "Give each number to one flow per platform."},
	{UnknownHandler, Error, "No handler has this name", "Declare the handler or fix the name."},
	{UnknownName, Error, "No variable, const, table, lookup or hours has this name", "Declare it, set it, or fix the name."},
	{UnknownFunction, Error, "No function has this name", "Use a function docs/language.md lists."},
	{UnknownPlatform, Error, "No platform has this name", "Use " + platformList() + "."},
	{OtherwiseTwice, Error, "More than one otherwise rule", "Keep a single otherwise, as the last rule."},
	{TypeMismatch, Error, "A value has the wrong type", "Change the expression so it yields the type the message names."},
	{BadExpr, Error, "The expression is not valid", "Fix the expression at the position shown."},
	{BadConst, Error, "The const cannot be computed when the flow compiles", "Build consts only from literals and other consts."},
	{Unsupported, Error, "A target platform cannot express this step", "Remove the step, or drop the platform from target."},
	{PlatformLimit, Error, "A value is outside the platform's limits", "Bring the value inside the range the message gives."},
	{NoPlatform, Error, "No platform can run every step of the flow", "Declare target and keep to the steps that platform supports."},
	{AgentAndIVR, Error, "agent and ivr on one path", "A call goes to an AI agent or an IVR, not both: split the paths."},
	{BadHours, Error, "The hours declaration does not parse", "Write hours like \"Mon-Fri 09:00-18:00\" with an IANA time zone and YYYY-MM-DD dates."},
	{BadTable, Error, "The table file is missing or malformed", "Put a CSV with a header row, or a JSON object of objects, beside the flow."},
	{BadLookup, Error, "The lookup is not valid", "Use an http(s) URL and a timeout within the platform's answer budget."},
	{GotoCycle, Error, "Handlers goto each other without waiting for the caller", "Break the cycle, or put a capture on it."},
	{BadDuration, Error, "A duration or count is out of range", "Use a positive value within the range the message gives."},
	{UnreachableHandler, Warning, "Nothing reaches this handler", "Add a rule or goto that leads to it, or delete it."},
	{UnreachableRule, Warning, "This rule can never match", "Move it before otherwise, or remove the duplicate condition."},
	{UnreachableStep, Warning, "These steps never run", "Remove them, or move them before the step that ends the handler."},
	{NoHangup, Warning, "An 8x8 handler can end without hangup", "End every path with hangup, makeCall, goto or capture; 8x8 hangs up anyway."},
	{NotE164, Warning, "The number is not in E.164 form", "Write numbers as + and the country code, like \"+6512345678\"."},
	{MissingTries, Warning, "The capture has no tries", "Say how many attempts the caller gets, such as `tries 3`."},
	// Codes added after the first release go last, so the SARIF ruleIndex
	// of every earlier code stays what it was.
	{NeverMatches, Warning, "No entry can equal this accept value", "Accept only keys 0-9, * and #, as many as digits allows, without the end key."},
	{CaseType, Warning, "The case value has another type than the switch value", "Write case values of the switch value's type, such as \"1\" for a string."},
	{MemoryLimit, Error, "The expression builds a value over the memory limits", "Build smaller values: a string is at most 1,000,000 bytes, a list 1,000,000 elements, and a flow's compile-time values 16 MiB in all."},
	{BadSuppression, Warning, "The comment is not a valid suppression", "Write `# callflow:ignore CODE reason` before or at the end of the line, or `# callflow:ignore-file CODE reason` before the first declaration, naming warning codes only."},
	{MissingReason, Warning, "The suppression gives no reason", "Say after the codes why the finding is acceptable; a suppression without a reason silences nothing."},
	{UnknownCode, Warning, "The suppression names no code callflow has", "Name a code listed in docs/language.md section 9."},
	{UnusedSuppression, Warning, "The suppression silences nothing", "Remove the suppression, or the codes in it that no longer occur."},
	{UnknownOutcome, Error, "The on block names an outcome the step does not have", "A capture has `on noinput { … }` and `on nomatch { … }`; a makeCall has `on busy`, `on noanswer`, `on failed` and `on completed`."},
	{OnOutsideCapture, Error, "An on block outside a capture", "Move the block inside the braces of the capture whose outcome it handles."},
	{ReturnValue, Error, "return takes no value", "Write `return` alone and pass results in variables set before it."},
	{DoCycle, Error, "Handlers do each other without waiting for the caller", "Break the cycle, or put a capture on it; at run time a call may nest at most 16 do frames."},
	{UnusedValue, Warning, "A message value is never said: the capture makes fewer tries", "Remove the extra values, or raise tries."},
	{SecretName, Error, "A secret or env name is not a string literal", "Write the name in quotes, such as secret(\"CRM_TOKEN\"): the server reads it when it loads the flow."},
	{SecretPlace, Error, "secret() is used outside a header value", "Use secrets only in `header` values of a lookup or post, which callflow never logs or traces."},
	{MissingSecret, Error, "A secret could not be read when the flow loaded", "Set the environment variable NAME, or NAME_FILE to a file that holds the value, and load the flow again."},
	{BadHeader, Error, "The header is not valid", "Use a header name made of letters, digits and - (an HTTP token), other than the ones callflow sets itself."},
	{BadPost, Error, "The post is not valid", "Use an http(s) URL, a timeout within the platform's answer budget, and give else whenever into is given."},
}

// RuleFor returns the rule of a code.
func RuleFor(c Code) (Rule, bool) {
	for _, r := range Rules {
		if r.Code == c {
			return r, true
		}
	}
	return Rule{}, false
}

// platformList names every platform lang/platform declares, as "a, b or c".
func platformList() string {
	names := platform.Names()
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
