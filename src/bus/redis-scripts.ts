import { createHash } from 'node:crypto';

/** A Lua script for Redis, with the SHA1 `EVALSHA` names it by. */
export interface RedisScript {
  readonly text: string;
  readonly sha: string;
}

function script(text: string): RedisScript {
  return { text, sha: createHash('sha1').update(text).digest('hex') };
}

/** Adds a batch as one entry per event, in one atomic script run: far cheaper for the client than a command each. */
export const PUBLISH = script("for i = 1, #ARGV, 2 do redis.call('XADD', KEYS[1], '*', 'id', ARGV[i], 'body', ARGV[i + 1]) end return #ARGV / 2");

/**
 * Runs a stream read that does not block (`XREADGROUP` without `BLOCK`, or `XAUTOCLAIM`:
 * ARGV[2] onwards) and leaves out of its reply every `body` longer than ARGV[1] bytes,
 * writing a `body_bytes` field with its length in its place: a body too large to
 * deliver never leaves the server. KEYS[1] is the stream the command reads.
 */
export const BOUNDED_READ = script(`
local limit = tonumber(ARGV[1])
local command = {}
for i = 2, #ARGV do command[#command + 1] = ARGV[i] end
local reply = redis.call(unpack(command))
local function bound(entries)
  if type(entries) ~= 'table' then return end
  for _, entry in ipairs(entries) do
    local fields = type(entry) == 'table' and entry[2]
    if type(fields) == 'table' then
      for i = 1, #fields - 1, 2 do
        if fields[i] == 'body' and string.len(fields[i + 1]) > limit then
          fields[i] = 'body_bytes'
          fields[i + 1] = tostring(string.len(fields[i + 1]))
        end
      end
    end
  end
end
if command[1] == 'XAUTOCLAIM' then
  bound(reply[2])
elseif type(reply) == 'table' then
  for _, stream in ipairs(reply) do bound(stream[2]) end
end
return reply`);

/**
 * Dead-letters an entry without the client sending its body back: copies the entry's
 * `body` (KEYS[1], entry ARGV[1]) into a new entry of the dead-letter stream KEYS[2]
 * with the fields ARGV[4] onwards, after `id` (ARGV[3]) and `body`; then acks the entry
 * for group ARGV[2]. One atomic run, as the MULTI of an ordinary dead letter.
 */
export const DEAD_LETTER_IN_PLACE = script(`
local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])[1]
local body = ''
if entry then
  local fields = entry[2]
  for i = 1, #fields - 1, 2 do if fields[i] == 'body' then body = fields[i + 1] end end
end
local add = {'XADD', KEYS[2], '*', 'id', ARGV[3], 'body', body}
for i = 4, #ARGV do add[#add + 1] = ARGV[i] end
redis.call(unpack(add))
return redis.call('XACK', KEYS[1], ARGV[2], ARGV[1])`);

/** Whether a Redis error says the server (or an ACL) refuses scripts. */
export function refusesScripts(errorText: string): boolean {
  return /unknown command|NOPERM|not allowed|disabled/i.test(errorText);
}

/**
 * Adds a batch in the Open edX format, one entry per event, trimmed as event-bus-redis
 * trims (`MAXLEN ~ ARGV[1]`, none when ARGV[1] is `0`): ARGV[2] is the number of fields
 * per entry, then each entry's field names and values in order (values may be binary).
 */
export const PUBLISH_FIELDS = script(`
local maxlen = ARGV[1]
local width = tonumber(ARGV[2])
local added = 0
for i = 3, #ARGV, width do
  local add = {'XADD', KEYS[1]}
  if maxlen ~= '0' then add[#add + 1] = 'MAXLEN'; add[#add + 1] = '~'; add[#add + 1] = maxlen end
  add[#add + 1] = '*'
  for j = i, i + width - 1 do add[#add + 1] = ARGV[j] end
  redis.call(unpack(add))
  added = added + 1
end
return added`);

/**
 * Dead-letters an entry as it is, every field copied server-side (binary ones
 * included), followed by the fields ARGV[3] onwards; then acks entry ARGV[1] of KEYS[1]
 * for group ARGV[2]. The dead-letter stream KEYS[2] thus holds entries its producer's
 * own consumers can read again.
 */
export const DEAD_LETTER_ENTRY = script(`
local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])[1]
local add = {'XADD', KEYS[2], '*'}
if entry then for _, value in ipairs(entry[2]) do add[#add + 1] = value end end
for i = 3, #ARGV do add[#add + 1] = ARGV[i] end
redis.call(unpack(add))
return redis.call('XACK', KEYS[1], ARGV[2], ARGV[1])`);
