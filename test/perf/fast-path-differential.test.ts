// Differential test of the fast paths (src/core/fast-paths.ts). It proves that, with
// the fast paths on, tracking.log holds exactly the bytes the full pipeline writes
// with them off: for thousands of generated requests (users, headers, paths, queries,
// form bodies, and the events their handlers emit, with hostile text and odd values)
// sent over real HTTP to a real Express 5 app with trackMiddleware and edxDefaults'
// tracking.log, in both JSON styles. It also proves the fast path really ran
// (`fastPaths.taken`), stepped aside where it must (`fastPaths.declined`: legacy
// transformers, censored fields), and never ran while switched off.
//
// The requests come from a seeded PRNG; the seed is in every failure message and
// DIFF_SEED=<seed> replays it. DIFF_KEEP=1 keeps the log files (their directory is printed).
// `fastPaths.enabled` is switched per run and left true at the end.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import express from 'express';
import { createTracker, edxDefaults, EventTime, type Context, type JsonStyle, type Tracker } from '../../src';
import { fastPaths } from '../../src/core/fast-paths';
import { trackMiddleware, type ExpressRequest } from '../../src/express';
import { listen, SECRET_KEY, send } from '../http/helpers';
import { seededRandom } from '../support/seeded-random';

/** The seed of the first style's requests (the next style's is one more). */
const SEED = process.env.DIFF_SEED === undefined ? 20260131 : Number(process.env.DIFF_SEED);
/** Requests per JSON style. */
const REQUESTS_PER_STYLE = 1500;
const STYLES: readonly JsonStyle[] = ['compact', 'python'];
const KEEP_FILES = process.env.DIFF_KEEP === '1';

// ---------------------------------------------------------------------------------------
// The seeded PRNG.

/** The choices the generators make, all drawn from one seeded PRNG. */
class Random {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `count` draws of `make`. */
  times<T>(count: number, make: () => T): T[] {
    return Array.from({ length: count }, make);
  }
}

// ---------------------------------------------------------------------------------------
// What a generated request is.

/** The request's user: no auth layer at all, the anonymous visitor, or a signed-in user. */
type UserSpec = { kind: 'none' } | { kind: 'anonymous' } | { kind: 'user'; id: number | string; username: string };

/** One `tracker.emit(name, data)` of the route handler. */
interface EmitSpec {
  name: string;
  data: unknown;
  /** The fields of an 'edx.custom' context layer the emit runs in (`tracker.context`), if any. */
  context?: Context;
  /** Whether a fast path must hand it to the full pipeline: a legacy transformer's name, or a censored field in its data. */
  mustFallBack: boolean;
}

interface RequestSpec {
  method: 'GET' | 'POST';
  /** The path, as sent (percent-encoded). */
  path: string;
  /** The query string, with its `?`, or `''`. */
  query: string;
  headers: Record<string, string>;
  /** A form body (application/x-www-form-urlencoded), for a POST. */
  body?: string;
  user: UserSpec;
  /** Whether the path gets a page event (it is not in the LMS ignore list). */
  pageEvent: boolean;
  emits: EmitSpec[];
}

// ---------------------------------------------------------------------------------------
// Text and values.

/** Pieces of generated text: plain, non-ASCII, quotes, escapes, line breaks JSON leaves raw, a lone surrogate, `Z"` (which makes compact encoding look for plain dates). */
const TEXT_PIECES = [
  'abc', 'Demo', ' ', 'é', 'ü', 'ÿ', '中文', '😀', '"', '\\', '\u2028', '\u2029', '\u0085', '=', '{', '}', '[1]', '&', '/', '\n', '\t',
  '\u0001', '\u007f', '\ud800', "'", '%20', '+', 'Z', 'Z"', 'None', 'NaN',
];

/** Keys of generated objects; none is a sensitive name. Index-like keys come first in JavaScript's key order. */
const KEYS = [
  'id', 'course_id', 'value', 'count', 'é', '中文', 'a.b', 'x=y', '{', '', 'emoji😀', 'list', 'nested', 'u\u2028v', 'with space', '0', '10', '2',
  'quote"d', 'back\\slash', 'current_time', '__proto__',
];

/** Names the PasswordCensorProcessor censors. */
const SENSITIVE_KEYS = ['password', 'api_key', 'Authorization', 'apiKey', 'access_token', 'new_password1', 'client_secret', 'user[password]'];

function generateText(r: Random): string {
  return r.times(r.int(0, 4), () => r.pick(TEXT_PIECES)).join('');
}

function generateNumber(r: Random): number {
  return r.pick([
    () => r.int(-1000, 1000),
    () => r.int(0, 2 ** 31),
    () => 0.1,
    () => 1e21,
    () => -0,
    () => 1.5e-7,
    () => 1e16,
    () => 2 ** 53 + 2,
    () => -123.456,
    () => NaN,
    () => Infinity,
    () => -Infinity,
  ])();
}

function generateDate(r: Random): Date {
  const ms = Date.UTC(2025, r.int(0, 11), r.int(1, 28), r.int(0, 23), r.int(0, 59), r.int(0, 59), r.chance(0.5) ? 0 : r.int(1, 999));
  return r.pick([() => new Date(ms), () => new EventTime(ms, r.int(0, 999)), () => new Date(NaN)])();
}

/** A class whose instances go into event data (own fields, a prototype method). */
class Point {
  constructor(
    readonly x: number,
    readonly y: unknown,
  ) {}

  norm(): number {
    return Math.hypot(this.x, Number(this.y));
  }
}

/** A class with its own `toJSON` on the prototype. */
class Money {
  constructor(readonly cents: number) {}

  toJSON(): string {
    return `${(this.cents / 100).toFixed(2)} USD`;
  }
}

/**
 * An object with an own getter that counts its reads. The full pipeline reads it
 * once (when the branch copies the event); a fast path that reads it and then
 * declines makes the full pipeline write a second read.
 */
function readCounter(): { readonly reads: number } {
  let reads = 0;
  return {
    get reads() {
      return ++reads;
    },
  };
}

/**
 * Objects that are not plain: `toJSON` objects (one hiding a sensitive key from the
 * censor, which walks the object, not what `toJSON` gives), class instances, a Map, a
 * null-prototype object, a parsed `__proto__` key, a getter counting its reads.
 */
function generateOddObject(r: Random, depth: number): unknown {
  // Drawn now: a toJSON drawing when called would see another state of the PRNG in each run.
  const text = generateText(r);
  return r.pick([
    () => ({ toJSON: () => ({ converted: text, at: 1 }) }),
    () => ({ toJSON: () => text }),
    () => ({ toJSON: () => ({ password: text }) }),
    () => new Point(r.int(0, 9), generateValue(r, depth - 1)),
    () => new Money(r.int(0, 100000)),
    () => new Map([['a', 1]]),
    () => Object.assign(Object.create(null) as Record<string, unknown>, { bare: generateValue(r, depth - 1) }),
    () => JSON.parse('{"__proto__": {"polluted": true}, "after": 1}') as unknown,
    () => readCounter(),
  ])();
}

function generateObject(r: Random, depth: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = r.int(0, 5); i > 0; i--) {
    // Keyed by definition, not assignment: a '__proto__' key is data, as a parsed payload has it.
    Object.defineProperty(object, r.pick(KEYS), { value: generateValue(r, depth - 1), enumerable: true, writable: true, configurable: true });
  }
  return object;
}

function generateArray(r: Random, depth: number): unknown[] {
  const array = r.times(r.int(0, 4), () => generateValue(r, depth - 1));
  if (r.chance(0.2)) array[array.length + 2] = 'after holes';
  return array;
}

/** Any value inside event data, nested up to `depth` levels more. */
function generateValue(r: Random, depth: number): unknown {
  switch (r.int(0, depth > 0 ? 14 : 9)) {
    case 0:
    case 1:
    case 2:
      return generateText(r);
    case 3:
      return generateNumber(r);
    case 4:
      return r.chance(0.5);
    case 5:
      return null;
    case 6:
      return r.pick([undefined, () => 'a function', Symbol('s')]);
    case 7:
      return generateDate(r);
    case 8:
    case 9:
      return r.pick([{}, [], 'a=1&b={2}', '{"x": 1}', 'ok']);
    case 10:
      return generateOddObject(r, depth);
    case 11:
    case 12:
      return generateObject(r, depth);
    default:
      return generateArray(r, depth);
  }
}

// ---------------------------------------------------------------------------------------
// Emits.

const ORDINARY_NAMES = [
  'edx.course.enrollment.activated',
  'edx.course.enrollment.activated',
  'edx.course.enrollment.deactivated',
  'edx.grades.problem.submitted',
  'problem_check',
  'edx.forum.thread.created',
  'édx.événement',
  '事件.中文',
  'emoji.😀',
  'with"quote',
  'back\\slash',
  'line\u2028break',
  '',
];

/** Names a legacy transformer of PrefixedEventProcessor handles (`edx.video.` is a prefix). */
const TRANSFORMER_NAMES = [
  'edx.video.played',
  'edx.video.paused',
  'edx.video.seeked',
  'edx.video.position.changed',
  'edx.video.transcript.shown',
  'edx.video.closed_captions.shown',
  'edx.ui.lms.sequence.next_selected',
  'edx.ui.lms.sequence.previous_selected',
  'edx.ui.lms.sequence.tab_selected',
];

/** Data of an emit with an ordinary name: mostly an object, sometimes an array, a string, a number, a falsy value or one JSON leaves out. */
function generateData(r: Random): unknown {
  switch (r.int(0, 10)) {
    case 0:
      return generateText(r);
    case 1:
      return generateNumber(r);
    case 2:
      return r.pick([null, undefined, 0, '', false, [], {}]);
    case 3:
      return generateArray(r, 2);
    case 4:
      return r.pick([() => 'a function as data', Symbol('data')]);
    default:
      return generateObject(r, 3);
  }
}

/** Data a transformer expects (a video player's or the sequence navigation's), or now and then anything. */
function generateTransformerData(r: Random, name: string): unknown {
  if (r.chance(0.15)) return generateData(r);
  if (name.startsWith('edx.video.')) {
    return {
      module_id: r.pick(['i4x://edX/DemoX/video/intro', 'block-v1:edX+DemoX+Demo_2014+type@video+block@0b9e39477cf34507a7a48f74be381fdd']),
      current_time: r.pick([0, 12.5, 61]),
      ...(r.chance(0.5) ? { seek_type: r.pick(['slide', 'skip', 'other']), requested_skip_interval: r.pick([30, -30, 10]), type: 'onSkipSeek' } : {}),
      code: r.pick(['html5', 'mobile', 'é']),
    };
  }
  return { current_tab: r.pick([1, 2, 5, 'two']), tab_count: 5, id: 'block-v1:edX+DemoX+Demo_2014+type@sequential+block@basic_questions' };
}

/** `data` with a field the PasswordCensorProcessor censors, at the top or one level down. */
function withSensitiveField(r: Random, data: Record<string, unknown>): Record<string, unknown> {
  const field = { [r.pick(SENSITIVE_KEYS)]: r.pick(['hunter2', 'é中文😀', '', 12345]) };
  return r.chance(0.5) ? { ...data, ...field } : { ...data, nested: { keep: 1, ...field } };
}

/** Fields of an 'edx.custom' context layer: browser-like, page, overrides of request fields, the video transformer's. */
function generateCustomContext(r: Random): Context {
  return r.pick<Context>([
    { any: 'thing', page: '/x', event_source: 'browser' },
    { event_source: 'browser', page: 'https://lms.example.com/courses/%C3%A9t%C3%A9?x=1' },
    { any: 'thing' },
    { event_type: 'custom_type', extra: [1, 2, { deep: 'é' }] },
    { course_id: 'course-v1:Other+X+Y', org_id: 'Other' },
    { username: 'someone\u2028else', user_id: 99 },
    { open_in_browser_url: 'https://lms.example.com/courses/x/jump_to/y', application: { name: 'edx.mobileapp.iOS', version: '1.0.02' } },
    { agent: undefined, referer: undefined, extra: undefined },
    { '10': 'ten', '2': 'two', zero: -0, big: 1e21, nan: NaN, tiny: 1.5e-7 },
    { timestamp: '2020-01-01T00:00:00Z', event_type: 5 },
    { timestamp: 'é中文', event_source: null, page: undefined },
    { client_id: 'GA1.2.3.4', session: 'override', ip: '' },
  ]);
}

function generateEmit(r: Random): EmitSpec {
  const context = r.chance(0.15) ? generateCustomContext(r) : undefined;
  if (r.chance(0.2)) {
    const name = r.pick(TRANSFORMER_NAMES);
    return { name, data: generateTransformerData(r, name), context, mustFallBack: true };
  }
  const name = r.pick(ORDINARY_NAMES);
  if (r.chance(0.12)) return { name, data: withSensitiveField(r, generateObject(r, 2)), context, mustFallBack: true };
  return { name, data: generateData(r), context, mustFallBack: false };
}

// ---------------------------------------------------------------------------------------
// Requests.

const USERNAMES = ['alice', 'été', '中文名', 'emoji😀user', 'say "hi"', 'back\\slash', 'line\u2028sep', 'para\u2029sep', 'next\u0085line', '', "O'Brien", 'tab\tname'];

function generateUser(r: Random): UserSpec {
  const roll = r.int(0, 9);
  if (roll < 2) return { kind: 'none' };
  if (roll < 4) return { kind: 'anonymous' };
  const id = r.chance(0.7) ? r.int(1, 10_000_000) : r.pick(['42', 'u-7', '00123', 'é1']);
  return { kind: 'user', id, username: r.pick(USERNAMES) };
}

/** User-Agents: header values are latin1, so non-ASCII is latin1 or percent-encoded. */
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'edX/org.edx.mobile (2.1; OS 17.0; iPhone)',
  'caf\u00e9-bot/1.0 (\u00e9t\u00e9 \u00ff)',
  'UA%20with%C3%A9percent',
  'quote"and\\backslash',
  '',
];

const REFERER_BASES = [
  'http://lms.example.com/dashboard',
  'https://lms.example.com/courses/course-v1:edX+DemoX+Demo_2014/courseware/',
  'http://127.0.0.1:8000/login',
  'https://\u00e9xample.org/p\u00e4ge',
];
const REFERER_TAILS = ['', '', '', '?next=/courses/', '?page=2', '?password=hunter2', '?a=1&token=abc123&b=2', '?q=%C3%A9t%C3%A9+x', '#frag'];

const HOSTS = ['lms.example.com', 'lms.example.com:8000', '127.0.0.1', '[::1]:8080', 'localhost:18000'];

const FORWARDED = ['11.22.33.44', '10.0.0.1', '127.0.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', 'unknown', 'garbage', '192.168.1.5', ' 8.8.4.4 ', ''];

const COOKIES = ['csrftoken=abc', '_ga=GA1.2.123.456', 'sessionid=x; _ga=GA1.2.123.456; other=1', '_ga=GA1.2.1033501218.1368477899', '_ga=junk', 'a=b'];

const LANGUAGES = ['en-US,en;q=0.5', 'fr-FR,fr;q=0.9', 'zh-CN', '*', ''];

function generateHeaders(r: Random): Record<string, string> {
  const headers: Record<string, string> = { host: r.pick(HOSTS) };
  if (r.chance(0.8)) headers['user-agent'] = r.pick(AGENTS);
  if (r.chance(0.6)) headers.referer = r.pick(REFERER_BASES) + r.pick(REFERER_TAILS);
  if (r.chance(0.6)) headers['accept-language'] = r.pick(LANGUAGES);
  if (r.chance(0.4)) headers['x-forwarded-for'] = r.times(r.int(1, 4), () => r.pick(FORWARDED)).join(r.pick([', ', ',']));
  if (r.chance(0.1)) headers['x-real-ip'] = r.pick(['8.8.8.8', '10.1.1.1', 'junk']);
  if (r.chance(0.5)) headers.cookie = r.pick(COOKIES);
  if (r.chance(0.15)) headers['x-edx-ga-client-id'] = r.pick(['123.456', 'abc', '']);
  if (r.chance(0.6)) headers['x-session'] = r.pick(['665924b49a93e22b46ee9365abf28c2a', 'session-é', `s${r.int(0, 50)}`]);
  return headers;
}

/** Paths that get a page event: course URLs (new and old style), percent-encoded and non-ASCII, trailing slashes, broken escapes. */
const PAGE_PATHS = [
  '/courses/course-v1:edX+DemoX+Demo_2014/courseware/',
  '/courses/course-v1:edX+DemoX+Demo_2014/courseware/intro/video_1',
  '/courses/course-v1:edX+DemoX+Demo_2014/progress',
  '/courses/course-v1:edX+DemoX+Demo_2014',
  '/courses/edX/DemoX/2014/courseware/week_1/',
  '/courses/edX/DemoX/2014/info',
  '/courses/course-v1:%C3%A9cole+Caf%C3%A9+2024/about',
  '/courses/course-v1:edX+DemoX+Demo_2014/courseware/%E4%B8%AD%E6%96%87/%F0%9F%98%80',
  '/dashboard',
  '/dashboard/',
  '/',
  '/account/settings',
  '/u/%22quoted%22/x%5Cy',
  '/bad%zz/percent',
  '/half%E9',
  '/line%E2%80%A8break',
];

/** Paths in the LMS ignore list: no page event. */
const IGNORED_PATHS = ['/event', '/event/', '/login', '/login/', '/heartbeat'];

/** Parts of a query string; about one in four is censored (by trackMiddleware or by the PasswordCensorProcessor). */
const QUERY_PARTS: readonly ((r: Random) => string)[] = [
  () => 'a=1',
  () => 'a=2',
  () => 'page=2',
  () => 'sort=asc',
  () => 'q=intro+video',
  () => 'utm_source=newsletter',
  () => 'next=%2Fdashboard%3Fx%3D1',
  () => 'x=1+2',
  () => 'y=%20z',
  () => 'password=hunter2',
  () => 'new_password1=s3cret',
  () => 'user%5Bpassword%5D=p',
  () => 'user[password]=p',
  () => 'token=tok',
  () => 'q=%C3%A9t%C3%A9%E4%B8%AD',
  () => 'empty=',
  () => 'flag',
  () => 'quote=%22%5C%7B',
  (r) => `long=${'x%C3%A9'.repeat(r.int(100, 300))}`,
];

function generateQuery(r: Random): string {
  const count = r.int(0, 4);
  if (count === 0) return r.pick(['', '', '?']);
  return `?${r.times(count, () => r.pick(QUERY_PARTS)(r)).join('&')}`;
}

const FORM_PARTS = [
  'username=alice',
  'password=hunter2',
  'new_password1=a&new_password2=a',
  'user[password]=x&user[name]=y',
  'email=%C3%A9t%C3%A9%40example.com',
  'a=1&a=2',
  'csrfmiddlewaretoken=abc',
  'remember=on',
  `comment=${'long+text+'.repeat(80)}`,
];

/**
 * A request; now and then the same visitor again (the user, headers and path of
 * `previous`, another query and other events), as a session browsing a course makes
 * them, so that events of one context follow each other across requests too.
 */
function generateRequest(r: Random, previous: RequestSpec | undefined): RequestSpec {
  const again = previous !== undefined && r.chance(0.3);
  const pageEvent = again ? previous.pageEvent : r.chance(0.9);
  const path = again ? previous.path : r.pick(pageEvent ? PAGE_PATHS : IGNORED_PATHS);
  const headers = again ? { ...previous.headers } : generateHeaders(r);
  const user = again ? previous.user : generateUser(r);
  delete headers['content-type'];
  const method = r.chance(0.15) ? 'POST' : 'GET';
  let body: string | undefined;
  if (method === 'POST') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = r.times(r.int(1, 3), () => r.pick(FORM_PARTS)).join('&');
  }
  const emits = r.times(r.pick([0, 0, 0, 1, 1, 1, 1, 1, 2, 2]), () => generateEmit(r));
  return { method, path, query: generateQuery(r), headers, body, user, pageEvent, emits };
}

/** The requests of a run: the same seed gives equal requests with fresh objects, so no run sees what another changed. */
function generateRequests(seed: number): RequestSpec[] {
  const r = new Random(seed);
  const requests: RequestSpec[] = [];
  for (let i = 0; i < REQUESTS_PER_STYLE; i++) requests.push(generateRequest(r, requests[i - 1]));
  return requests;
}

/** For each line the log should hold, in order: the request that makes it and which of its events it is. */
function expectedLines(requests: RequestSpec[]): { request: number; event: string }[] {
  return requests.flatMap((spec, request) => [
    ...(spec.pageEvent ? [{ request, event: 'the page event' }] : []),
    ...spec.emits.map((_emit, i) => ({ request, event: `emit #${i + 1}` })),
  ]);
}

function describeRequest(spec: RequestSpec): string {
  return inspect(spec, { depth: 8, breakLength: 120 });
}

// ---------------------------------------------------------------------------------------
// A run: the requests sent one after another to a real app, each run with its own tracker and file.

const BASE_TIME = Date.UTC(2026, 0, 31, 23, 59, 0);

/** The time of the `tick`-th event: an EventTime with microseconds, or every fifth a plain Date. */
function eventTime(tick: number): Date {
  const ms = BASE_TIME + tick * 1000 + (tick % 7);
  return tick % 5 === 0 ? new Date(ms) : new EventTime(ms, tick % 1000);
}

/** An Express 5 app: a form body parser, trackMiddleware (with `getUser`, or without for requests with no auth layer), a route emitting the request's events. */
function trackedApp(tracker: Tracker, requests: RequestSpec[]): express.Express {
  const specOf = (req: ExpressRequest): RequestSpec => requests[Number(req.headers['x-diff-index'])] as RequestSpec;
  const getSessionKey = (req: ExpressRequest) => req.headers['x-session'] as string | undefined;
  const withAuth = trackMiddleware({
    tracker,
    secretKey: SECRET_KEY,
    getSessionKey,
    getUser: (req) => {
      const user = specOf(req).user;
      return user.kind === 'user' ? { id: user.id, username: user.username } : null;
    },
  });
  const withoutAuth = trackMiddleware({ tracker, secretKey: SECRET_KEY, getSessionKey });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use((req, res, next) => (specOf(req).user.kind === 'none' ? withoutAuth : withAuth)(req, res, next));
  app.use((req, res) => {
    for (const { name, data, context } of specOf(req).emits) {
      if (context) tracker.context('edx.custom', context, () => tracker.emit(name, data));
      else tracker.emit(name, data);
    }
    res.end('ok');
  });
  return app;
}

interface RunResult {
  bytes: Buffer;
  /** How much `fastPaths.taken` and `fastPaths.declined` grew during the run. */
  taken: number;
  declined: number;
  /** The failures the tracker reported, in order. */
  failures: string[];
}

async function run(seed: number, style: JsonStyle, fast: boolean, file: string): Promise<RunResult> {
  const requests = generateRequests(seed);
  fastPaths.enabled = fast;
  const taken = fastPaths.taken;
  const declined = fastPaths.declined;
  const failures: string[] = [];
  let tick = 0;
  const tracker = createTracker({
    ...edxDefaults({ trackingLog: { filename: file, jsonStyle: style } }),
    clock: () => eventTime(tick++),
    onError: (error, info) => failures.push(`${info.stage} ${info.component ?? ''} '${info.eventName ?? ''}': ${error.message}`),
  });
  const server = await listen(trackedApp(tracker, requests));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const [index, spec] of requests.entries()) {
      const headers = { ...spec.headers, 'x-diff-index': String(index) };
      const response = await send(server.url + spec.path + spec.query, { method: spec.method, headers, chunks: spec.body === undefined ? [] : [spec.body], agent });
      if (response.status !== 200) throw new Error(`request #${index} got ${response.status} ${response.text}\n${describeRequest(spec)}`);
    }
  } finally {
    agent.destroy();
    await server.close();
    await tracker.close();
  }
  return { bytes: readFileSync(file), taken: fastPaths.taken - taken, declined: fastPaths.declined - declined, failures };
}

// ---------------------------------------------------------------------------------------
// Comparing.

function splitLines(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** Where two different logs first part: the line, the request that made it, both versions. */
function describeDifference(seed: number, style: JsonStyle, fast: Buffer, full: Buffer, where: string): string {
  const fastLines = splitLines(fast);
  const fullLines = splitLines(full);
  const requests = generateRequests(seed);
  const owners = expectedLines(requests);
  let i = 0;
  while (i < fastLines.length && i < fullLines.length && fastLines[i] === fullLines[i]) i++;
  const fastLine = fastLines[i] ?? '(no line)';
  const fullLine = fullLines[i] ?? '(no line)';
  let column = 0;
  while (column < fastLine.length && fastLine[column] === fullLine[column]) column++;
  const owner = owners[i];
  const differing = fullLines.filter((line, n) => line !== fastLines[n]).length;
  return [
    `The fast paths wrote other bytes than the full pipeline (style '${style}', replay with DIFF_SEED=${SEED}; request seed ${seed}).`,
    `Lines: ${fastLines.length} with fast paths, ${fullLines.length} without (${differing} differ); ${owners.length} expected. Logs: ${where}`,
    `First difference: line ${i + 1}, character ${column + 1}` +
      (owner ? `, ${owner.event} of request #${owner.request}:\n${describeRequest(requests[owner.request] as RequestSpec)}` : ' (past the expected lines)'),
    `fast: ${fastLine}`,
    `full: ${fullLine}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------

afterAll(() => {
  fastPaths.enabled = true;
});

describe.each(STYLES.map((style, i) => [style, SEED + i] as const))("the fast paths write the full pipeline's bytes, %s style, request seed %d", (style, seed) => {
  const requests = generateRequests(seed);
  const lines = expectedLines(requests);
  const mustFallBack = requests.flatMap((spec) => spec.emits).filter((emit) => emit.mustFallBack).length;
  let dir: string;
  let fast: RunResult;
  let full: RunResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `fast-path-diff-${style}-`));
    fast = await run(seed, style, true, join(dir, 'fast.log'));
    full = await run(seed, style, false, join(dir, 'full.log'));
  }, 120_000);

  afterAll(() => {
    if (KEEP_FILES) console.log(`fast-path differential logs (${style}): ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it('writes the same bytes with the fast paths on as with them off', () => {
    if (!fast.bytes.equals(full.bytes)) throw new Error(describeDifference(seed, style, fast.bytes, full.bytes, KEEP_FILES ? dir : 'set DIFF_KEEP=1 to keep them'));
  });

  it('reports the same failures both ways', () => {
    expect({ seed, failures: fast.failures }).toEqual({ seed, failures: full.failures });
  });

  it('writes a line per page event and emit, some censored, some with escapes', () => {
    const written = splitLines(full.bytes);
    expect({ lines: written.length, seed }).toEqual({ lines: lines.length, seed });
    expect(written.filter((line) => line.includes('********')).length).toBeGreaterThan(50);
    if (style === 'python') {
      expect(written.filter((line) => /\\u(?!00[0-7])[0-9a-f]{4}/.test(line)).length).toBeGreaterThan(50);
    }
  });

  it('took the fast path for most lines and handed back the events it must', () => {
    const summary = { seed, lines: lines.length, mustFallBack, taken: fast.taken, declined: fast.declined };
    expect({ ...summary, takenAtLeastHalf: fast.taken >= lines.length / 2 }).toEqual({ ...summary, takenAtLeastHalf: true });
    expect({ ...summary, declinedEnough: fast.declined >= mustFallBack }).toEqual({ ...summary, declinedEnough: true });
  });

  it('takes no fast path when they are off', () => {
    expect(full.taken).toBe(0);
  });
});
