package redisstore

import "github.com/redis/go-redis/v9"

// The store's Lua scripts. Each runs atomically and sets a key's TTL in
// the same command that writes it. They use only what Redis 7.0 has.
//
// Every read comes before the first write: Redis keeps what a script
// wrote before a command failed (a key of another type), so a script that
// fails must fail before it writes.
//
// A session is the string "REVISION JSON"; an answer is "p TOKEN" while
// claimed, then the reply (encodeReply). A replayed script (go-redis
// retries one whose reply was lost) is harmless: a CAS finds the revision
// it made and reports a conflict; a session write with its answer finds
// both written and reports them so; a fill or release finds its token
// gone.
var (
	// casScript: KEYS[1] the session; ARGV rev, JSON, TTL in ms.
	// Returns the new revision, or -1 for a conflict.
	casScript = redis.NewScript(luaRevision + `
local rev = revision(KEYS[1])
if rev ~= tonumber(ARGV[1]) then return -1 end
rev = rev + 1
redis.call('SET', KEYS[1], string.format('%d ', rev) .. ARGV[2], 'PX', ARGV[3])
return rev
`)

	// fillScript: KEYS[1] the answer; ARGV the claim's marker, the reply,
	// its TTL in ms. Returns 1 when filled, 0 when the claim is gone.
	fillScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`)

	// releaseScript: KEYS[1] the answer; ARGV the claim's marker.
	releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`)

	// saveFillScript: KEYS[1] the session, KEYS[2] the answer; ARGV rev,
	// JSON ("" deletes the session: at revision rev, or any when rev is 0),
	// session TTL in ms, the claim's marker, the reply, its TTL in ms.
	// Returns {new revision, 1 when filled}, or {-1, 0} for a conflict
	// (nothing written). A replay finds the answer holding this reply (only
	// this claim could fill it) and the session as the first run wrote it,
	// and returns what that run did, not a conflict.
	saveFillScript = redis.NewScript(luaRevision + `
local rev = revision(KEYS[1])
local held = redis.call('GET', KEYS[2])
local any = ARGV[2] == '' and ARGV[1] == '0'
if rev ~= tonumber(ARGV[1]) and not any then
  if held ~= ARGV[5] then return {-1, 0} end
  if ARGV[2] == '' and rev == 0 then return {0, 1} end
  if ARGV[2] ~= '' and redis.call('GET', KEYS[1]) == string.format('%d ', tonumber(ARGV[1]) + 1) .. ARGV[2] then
    return {rev, 1}
  end
  return {-1, 0}
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  rev = 0
else
  rev = rev + 1
  redis.call('SET', KEYS[1], string.format('%d ', rev) .. ARGV[2], 'PX', ARGV[3])
end
if held ~= ARGV[4] then return {rev, 0} end
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[6])
return {rev, 1}
`)

	scripts = []*redis.Script{casScript, fillScript, releaseScript, saveFillScript}
)

// luaRevision reads a session's revision: 0 when there is none, -1 when
// the value is not a session (it then never matches: the session is
// unusable until it expires or is deleted, and Get reports why).
const luaRevision = `
local function revision(key)
  local v = redis.call('GET', key)
  if not v then return 0 end
  local r = string.match(v, '^(%d+) ')
  if not r then return -1 end
  return tonumber(r)
end
`
