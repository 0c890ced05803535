/**
 * Tutor's tracking.log lines: the prefix Python's logging writes before each event,
 * and how a reader finds the JSON part of a line that may or may not carry it.
 *
 * Tutor writes the `tracking` logger through a `WatchedFileHandler` with edx-platform's
 * `standard` formatter (overhangio/tutor `tutor/templates/apps/openedx/settings/partials/common_all.py`;
 * openedx-platform `openedx/core/lib/logsettings.py`):
 * `%(asctime)s %(levelname)s %(process)d [%(name)s] [user %(userid)s] [ip %(remoteip)s] %(filename)s:%(lineno)d - %(message)s`.
 * @packageDocumentation
 */

/** The `standard` format string of edx-platform's logging settings, which Tutor's tracking.log handler uses. */
export const TUTOR_TRACKING_FORMAT =
  '%(asctime)s %(levelname)s %(process)d [%(name)s] [user %(userid)s] [ip %(remoteip)s] %(filename)s:%(lineno)d - %(message)s';

/**
 * `%(filename)s:%(lineno)d` of Open edX's lines: the call `self.log(event_str)` in
 * event-tracking's `eventtracking/backends/logger.py` (line 41 of its current release),
 * which is where Python's logging finds the caller of every tracking line.
 */
export const TUTOR_CALL_SITE = 'logger.py:41';

/** `[user N]`: a user id made of these characters only (no brace, space or newline can reach the prefix). */
const SAFE_USER_ID = /^[A-Za-z0-9._@+-]{1,64}$/;
/** `[ip X]`: an IPv4 or IPv6 address (with a zone), nothing else. */
const SAFE_IP = /^[0-9A-Fa-f.:]{2,45}(?:%[A-Za-z0-9._-]{1,32})?$/;
/** What the prefix of a line must hold before its JSON part, as the Vector pipeline of Open edX Aspects requires. */
const TRACKING_TAG = ' [tracking] ';

let cachedSecond = Number.NaN;
let cachedSecondText = '';

/**
 * The prefix Tutor's LMS writes before the JSON of an event, for `event` logged at
 * `nowMs` (ms since the epoch) by process `pid`: `2024-05-01 07:27:01,123 INFO 4242
 * [tracking] [user 42] [ip 11.22.33.44] logger.py:41 - `.
 *
 * - `asctime` is Python's default (`%Y-%m-%d %H:%M:%S,mmm`) in UTC, the time zone of
 *   Tutor's containers; the milliseconds are truncated, as Python does.
 * - The level is always `INFO`: event-tracking logs every event at INFO.
 * - `[user N]` is `context.user_id` (Open edX writes the request user's `pk`), `None`
 *   when there is none, when it is 0 or `''` (Python tests `user.pk` for truth), or when
 *   it is not a plain id (letters, digits, `._@+-`).
 * - `[ip X]` is the event's `ip` (after the legacy shim; `context.ip` before), `None`
 *   when there is none or when it is not an IP address. Open edX writes the request's
 *   `REMOTE_ADDR`, which behind a proxy is the proxy's address.
 */
export function tutorLinePrefix(event: Readonly<Record<string, unknown>>, nowMs: number, pid: number): string {
  const context = event.context;
  const contextFields = typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : undefined;
  const ip = event.ip ?? contextFields?.ip;
  return `${asctime(nowMs)} INFO ${pid} [tracking] [user ${userIdText(contextFields?.user_id)}] [ip ${
    typeof ip === 'string' && SAFE_IP.test(ip) ? ip : 'None'
  }] ${TUTOR_CALL_SITE} - `;
}

function userIdText(id: unknown): string {
  if (typeof id === 'number') return Number.isSafeInteger(id) && id !== 0 ? String(id) : 'None';
  return typeof id === 'string' && SAFE_USER_ID.test(id) ? id : 'None';
}

/** Python's `%(asctime)s` with the default format, in UTC: `2024-05-01 07:27:01,123`. */
function asctime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedSecondText = new Date(second * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }
  return `${cachedSecondText},${String(ms - second * 1000).padStart(3, '0')}`;
}

/**
 * Where the JSON part of a tracking.log line starts: 0 for a plain line (one JSON
 * document, maybe after blanks), the index of its `{` for a line with a logging
 * prefix, -1 for a line that holds no event.
 *
 * The prefix of a Tutor line holds no brace (asctime, level, pid, logger name, ids,
 * file and line number), so the JSON part starts at the first `{` of the line. A
 * prefix is accepted when it is what Open edX Aspects' Vector filter takes (`^.*
 * \[tracking\] [^{}]* (\{.*\})$`): it holds ` [tracking] `, no `}`, and ends with a
 * space. Unlike that regular expression, whose greedy `.*` takes the last `
 * [tracking] ` of the line, this is not misled by ` [tracking] ... {` inside the
 * event's own strings.
 */
export function trackingLineJsonStart(line: string): number {
  const brace = line.indexOf('{');
  if (brace <= 0) return brace;
  if (line.charCodeAt(0) <= 0x20 && line.slice(0, brace).trim() === '') return 0;
  const tag = line.indexOf(TRACKING_TAG);
  if (tag < 0 || tag + TRACKING_TAG.length > brace - 1 || line.charCodeAt(brace - 1) !== 0x20) return -1;
  const close = line.indexOf('}');
  return close >= 0 && close < brace ? -1 : brace;
}
