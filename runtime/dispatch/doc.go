// Package dispatch sends the request a callback or callbot flow rendered to
// the real platform: DataTechLabs' two-leg callback API (reference
// platforms.md §2) or OMICall's callBot API (§4). The server uses it when
// dispatch is configured; `callflow run` never sends anything.
//
// The input is the envelope the adapter's Render put in its 200 reply,
// {"method":…,"path":…,"query":{…},"body":{…}} (see [ParseEnvelope]); a 204
// reply means the flow declined and there is nothing to dispatch. The output
// is a [Result] that marshals as {"request":{…},"response":{…}}.
//
// Guarantees:
//
//   - Once per trigger. A trigger's platform, flow and id are claimed in
//     an [OutcomeStore] before anything is sent (in memory by default; give
//     every replica one shared store and this holds across them). A later
//     Dispatch of the same three sends nothing and returns the first one's
//     Result and error, with Result.Replayed set; a concurrent one waits
//     for the first and does the same. An accepted dispatch is kept for
//     [OutcomeTTL] (24 h); a failed one (refused, or no answer after every
//     retry) for [FailedOutcomeTTL] (1 minute), after which the trigger may
//     be sent again. A dispatch where nothing can have reached the
//     platform's endpoint (no connection could be made, the OMICall token
//     could not be fetched, ctx ended first) is not kept: its claim is
//     released and a copy tries again at once. A claim whose replica died
//     mid-dispatch expires after the dispatch's deadline and a margin.
//   - Retries. Network failures and HTTP 5xx and 429 answers are retried
//     with exponential backoff and jitter ([WithRetry]), honouring a
//     Retry-After in seconds. Other 4xx answers and OMICall's status_code
//     other than 9999 are final. A retry resends the body byte for byte: a
//     callbot body's ext_session_id lets OMICall drop a session that a lost
//     answer made us send twice. DataTechLabs documents no such key, so a
//     callback whose answer was lost on the network and was then retried may
//     ring twice; WithRetry(1, 0) turns retries off.
//   - OMICall's token is fetched once (GET {base}/api/auth?apiKey=KEY) and
//     shared; it is fetched again 5 minutes before it expires (the earliest
//     of 24 h, an expires_in field in the answer and the JWT exp claim) and
//     when OMICall answers 401, in which case the request is sent once more.
//   - Context. Every wait (a request, the backoff, a token fetch, a
//     concurrent duplicate) ends when ctx does, and Dispatch returns an error
//     that matches ctx.Err() with errors.Is.
//   - Secrets. Credentials, the API key and the token go into request
//     headers (and the key into the token request's query) and nowhere else:
//     not into logs, errors or Results.
//
// A Client is safe for concurrent use.
package dispatch
