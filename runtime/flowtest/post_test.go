package flowtest_test

import "testing"

const surveyFlow = `flow survey
target 8x8
number "+6563004000"
voice "en-US-ZiraRUS"
otherwise -> main
handler main {
  post "https://crm.example.com/calls" {
    json   {caller: caller}
    header "Authorization" "Bearer ${secret("CRM_TOKEN")}"
  }
  post "https://crm.example.com/calls/${session}/started" {
    json {at: "start"}
  }
  capture score {
    prompt "From 1 to 5?"
    digits 1
    tries  1
  }
  post "https://crm.example.com/surveys" {
    json {caller: caller, score: int(score), tags: ["survey", "ivr"]}
  }
  say "Thank you."
  hangup
}
`

// expect post matches the posts the latest webhook ran, in order, by URL
// and by the fields their body holds; a failure lists what was posted.
func TestExpectPost(t *testing.T) {
	fsys := files(
		"survey.flow", surveyFlow,
		"survey_test.flow", `flow survey

test "posts in order" {
  call 8x8 from "+6591234567" to "+6563004000"
  expect post "https://crm.example.com/calls" {caller: "+6591234567"}
  expect post
  expect capture score
  press "4"
  expect post "https://crm.example.com/surveys" {score: 4, tags: ["survey", "ivr"]}
  expect say "Thank you."
}

test "fields alone" {
  call 8x8 from "+6591234567" to "+6563004000"
  press "5"
  expect post {score: 5}
}

test "out of order" {
  call 8x8 from "+6591234567" to "+6563004000"
  expect post
  expect post
  expect post "https://crm.example.com/calls"
}

test "a wrong field" {
  call 8x8 from "+6591234567" to "+6563004000"
  expect post "https://crm.example.com/calls" {caller: "+6500000000"}
}

test "no post beyond those matched" {
  call 8x8 from "+6591234567" to "+6563004000"
  expect post "https://crm.example.com/calls"
  expect post
  expect no post
  press "2"
  expect post {score: 2}
  expect no post
}

test "a post where none was expected" {
  call 8x8 from "+6591234567" to "+6563004000"
  expect post "https://crm.example.com/calls"
  expect no post
}

test "posts of the webhook before are not this one's" {
  call 8x8 from "+6591234567" to "+6563004000"
  press "3"
  expect post "https://crm.example.com/calls"
}
`,
	)
	checkOutcomes(t, run(t, fsys), []outcome{
		{"posts in order", ""},
		{"fields alone", ""},
		{"out of order", `expected post "https://crm.example.com/calls", got no post after the one matched last`},
		{"a wrong field", `expected post "https://crm.example.com/calls" {caller: "+6500000000"}, got post "https://crm.example.com/calls" {"caller":"+6591234567"}, post "https://crm.example.com/calls/`},
		{"no post beyond those matched", ""},
		{"a post where none was expected", `expected no post, got post "https://crm.example.com/calls/`},
		{"posts of the webhook before are not this one's", `expected post "https://crm.example.com/calls", got post "https://crm.example.com/surveys" {"caller":"+6591234567","score":3,"tags":["survey","ivr"]}`},
	})
}
