// Package trigger reads and builds the trigger webhook that the callback and
// callbot adapters share: {"id":"…","from":"…","to":"…","data":{…}}, posted
// by a web form, a CRM or an exam system to ask for a call. The adapters
// differ only in what they render; decoding, test webhooks and the JSON
// helpers live here once.
package trigger
