package lsp

// What each step, option and built-in name means, in a sentence, for hover
// and completion. docs/language.md is the full reference; these are the
// lines an editor shows beside the code.

var stepMeaning = map[string]string{
	"say":      "`say TEXT [voice V] [speed N] [repeat N] [language L]` — speaks TEXT to the caller.",
	"play":     "`play URL [repeat N]` — plays the audio file at URL.",
	"capture":  "`capture VAR { prompt … }` — prompts the caller and collects keys into VAR (a string); the call waits here.",
	"makeCall": "`makeCall [sip|user|queue] TARGET [from NUMBER] [record] [timeout D] [limit D] [{ on busy {…} … }]` — connects the caller to TARGET; ends the handler unless outcome blocks follow.",
	"pause":    "`pause D` — silence on the line for D.",
	"record":   "`record VAR { max D  silence D  end \"#\"  beep }` — records the caller; VAR holds the recording's URL; the call waits here.",
	"agent":    "`agent ID` — hands the call to the AI agent ID; ends the handler.",
	"ivr":      "`ivr ID` — hands the call to the IVR ID; ends the handler.",
	"set":      "`set VAR = EXPR` — stores a session variable.",
	"hangup":   "`hangup` — ends the call.",
	"goto":     "`goto HANDLER` — continues in another handler; ends this one.",
	"do":       "`do HANDLER` — runs another handler as a subroutine, then comes back after this step when it returns.",
	"post":     "`post URL { json …  into VAR  else … }` — sends JSON to URL, keeping the answer in VAR if asked.",
	"return":   "`return` — ends a handler run with `do` and goes back to the step after the `do`.",
	"if":       "`if COND { … } else if COND { … } else { … }` — runs the first block whose condition holds.",
	"switch":   "`switch EXPR { case V { … } else { … } }` — runs the case equal to the value.",
	"callback": "`callback { leg A to … from …  leg B to … from … }` — rings leg A, then bridges leg B.",
	"campaign": "`campaign NAME { script …  contact … }` — starts an outbound callbot campaign.",
}

var optionMeaning = map[string]map[string]string{
	"capture": {
		"prompt":        "What the caller hears. Required.",
		"digits":        "How many keys: `N` or `MIN..MAX`. Default `1..25`.",
		"end":           "A key that finishes entry, such as `\"#\"`. Default none.",
		"timeout":       "Time for the whole entry. Default `10s`.",
		"digit_timeout": "Time allowed between keys; less than `timeout`. Default `5s`.",
		"tries":         "Attempts in all, the first included. Default `1`.",
		"accept":        "Valid entries; any other is a failed try. Default: any entry.",
		"success":       "Said after a valid entry. Default none.",
		"failure":       "Said after a failed try. Default none.",
		"noinput":       "Said when a try ends with no key pressed. Default: `failure`.",
		"nomatch":       "Said when a try's entry is not accepted. Default: `failure`.",
		"voice":         "TTS voice of the prompt and messages. Default: the file's `voice`.",
		"speed":         "TTS speed. Default: the file's `speed`.",
		"bargein":       "A flag: a key pressed during the prompt interrupts it.",
	},
	"record": {
		"max":     "The longest recording. Default: the platform's.",
		"silence": "This much silence ends the recording.",
		"end":     "A key that ends the recording, such as `\"#\"`.",
		"beep":    "A flag: a beep before recording starts.",
	},
	"campaign": {
		"script":     "The bot script id. Required.",
		"cid":        "The caller ID to call from.",
		"voice":      "The bot's voice.",
		"speed":      "The bot's speaking speed.",
		"retry":      "`retry N every D` — retries per contact and the wait between them.",
		"batch":      "`batch N every D` — calls per batch and the wait between batches.",
		"at":         "When to send: a time, or an RFC 3339 string. Default: now.",
		"dedupe":     "An idempotency key; `dedupe session` uses the trigger id.",
		"auto_pause": "A flag, written alone.",
		"contact":    "`contact PHONE { email …  code …  vars … }` — one contact; may repeat.",
		"contacts":   "A list of maps with `phone`, `email`, `code`, `vars`; may repeat.",
	},
	"post": {
		"json":    "The body, sent as JSON: a map. Default: an empty object.",
		"header":  "`header NAME VALUE` — an HTTP header; may repeat; the one place a secret may stand.",
		"timeout": "How long the post may take, within the platform's answer budget.",
		"into":    "A variable that keeps the answer (needs `else`).",
		"else":    "The value kept when the post fails or times out.",
	},
	"lookup": {
		"header":  "`header NAME VALUE` — an HTTP header; may repeat; the one place a secret may stand.",
		"timeout": "How long the lookup may take, within the platform's answer budget.",
		"cache":   "How long an answer is kept across calls, by URL (`cache 5m`); failures are never kept.",
		"else":    "The value used when the lookup fails, times out or answers bad JSON. Required.",
	},
	"contact": {
		"email": "The contact's e-mail address (text).",
		"code":  "The contact's code (any value).",
		"vars":  "Variables the bot script reads (a map).",
	},
}

var builtinMeaning = map[string]string{
	"caller":   "The caller's number (string).",
	"callee":   "The number called (string).",
	"session":  "The call's id on its platform (string).",
	"platform": "The platform of the webhook: tencent, 8x8, callback or callbot (string).",
	"now":      "The time the webhook arrived (time).",
	"event":    "The platform's webhook fields (map).",
	"data":     "The data posted to a trigger (map).",
}

var functionSignature = map[string]string{
	"open":     "open(hours, time) bool — whether the hours are open at the time",
	"pattern":  "pattern(number, pattern) bool — whether a number matches a pattern such as \"+65 9XXX XXXX\"",
	"e164":     "e164(number, region) string — the number in E.164 form, read as dialled in region",
	"national": "national(number) string — the number in its national form",
	"region":   "region(number) string — the ISO country of the number",
}
