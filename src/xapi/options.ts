import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import type { ErrorReporter } from '../core/types';

const int = (min: number) => option.number({ min, integer: true });
const httpUrl = (example: string) => option.instance<string>(`a URL such as '${example}'`, (value) => typeof value === 'string' && /^https?:\/\/[^/]/.test(value));

/** The options of an {@link XapiBackend}; `createTracker` and `edxDefaults({ xapi })` check configuration data with them. */
export const xapiBackendOptions = defineOptions('XapiBackend', {
  /** The LRS's xAPI base URL; statements are posted to `{url}/statements`. Required. */
  url: httpUrl('https://lrs.example.com/xAPI'),
  /** The LMS root URL: the actor's `homePage` and the base of every IRI in the statements. Required. */
  lmsRootUrl: httpUrl('https://courses.example.com'),
  /**
   * The learner's external id for an event (Open edX's `ExternalId` of type xAPI);
   * an event it gives nothing for is not sent, and is counted and reported.
   * Default: the event's `context.user_id` as a string.
   */
  actorId: option.function<(event: unknown) => string | undefined>(),
  /** The display name of a course, from its id. Default: none (statements carry no course `name`). */
  courseName: option.function<(courseId: string) => string | undefined>(),
  /** The `transformer-version` context extension of every statement. Default: `eventtracking@<package version>`. */
  transformerVersion: option.string({ nonEmpty: true }),
  /** Basic auth: the user name (with `password`). Default: none. */
  username: option.string(),
  /** Basic auth: the password (with `username`). Default: none. */
  password: option.string(),
  /** Bearer auth: the token (instead of `username`/`password`). Default: none. */
  token: option.string({ nonEmpty: true }),
  /**
   * Which events this LRS gets, by name: exact names, or patterns where `*` stands for
   * any characters (`'edx.video.*'`), as the routers of event-routing-backends give each
   * LRS its events. Default: every event the transformer supports.
   */
  match: option.arrayOf(option.string({ nonEmpty: true })),
  /** The most statements in one POST; a full batch goes out at once. Default: 100. */
  batchSize: int(1),
  /** The longest time, in ms, a statement waits for its batch to fill before it is sent anyway. Default: 5000. */
  batchDelay: int(0),
  /**
   * The most statements held in memory waiting for the LRS (in flight included). Past
   * it, new ones are dropped, counted in `dropped` and reported. Default: 10000.
   */
  maxBuffer: int(1),
  /**
   * The most bytes of statements (their JSON) held in memory waiting for the LRS. Past
   * it, new ones are dropped, counted and reported, as past `maxBuffer`. Default: 33554432 (32 MiB).
   */
  maxBufferBytes: int(1),
  /** The most POSTs waiting for the LRS's answer at once. Default: 2. */
  maxInFlight: int(1),
  /** The first wait, in ms, before a failed POST is retried; it doubles per failure (a longer `Retry-After` wins). Default: 1000. */
  retryDelay: int(1),
  /** The longest wait, in ms, between two attempts of a failed POST (unless `Retry-After` asks for longer). Default: 60000. */
  maxRetryDelay: int(1),
  /** The longest time, in ms, one POST may take before it counts as failed (and is retried). Default: 10000. */
  requestTimeout: int(1),
  /**
   * How long, in ms, `close()` keeps delivering what it holds; what is left then goes
   * to `deadLetterFile` (or is reported lost without one). Default: 10000.
   */
  closeTimeout: int(0),
  /**
   * A JSON-lines file for the statements that could not be delivered: each one the LRS
   * rejected on its own (400), and those still held when `close()` gave up. Default:
   * none (they are counted and reported only).
   */
  deadLetterFile: option.string({ nonEmpty: true }),
  /** The shortest time, in ms, between two reports of the same kind (drops, failed POSTs). Default: 5000. */
  reportInterval: int(0),
  /** Receives failures until a tracker binds its own `onError`. Default: one line on stderr per report. */
  onError: option.function<ErrorReporter>(),
});

/** Options of {@link XapiBackend}: `url` and `lmsRootUrl` are required. */
export type XapiBackendOptions = OptionsOf<typeof xapiBackendOptions.fields> & { url: string; lmsRootUrl: string };

/** Checks the options; throws an {@link OptionsError} naming the option and the fix. */
export function checkXapiOptions(given: XapiBackendOptions): OptionsOf<typeof xapiBackendOptions.fields> & { url: string; lmsRootUrl: string } {
  const options = xapiBackendOptions.check(given);
  const fail = (detail: string): never => {
    throw new OptionsError('XapiBackend', detail);
  };
  if (options.url === undefined) fail("option 'url' is required: the LRS's xAPI base URL, such as 'https://lrs.example.com/xAPI'");
  if (options.lmsRootUrl === undefined) fail("option 'lmsRootUrl' is required: the LMS root URL, such as 'https://courses.example.com'");
  if (options.token !== undefined && (options.username !== undefined || options.password !== undefined)) {
    fail('give token (Bearer auth) or username and password (Basic auth), not both');
  }
  if (options.password !== undefined && options.username === undefined) fail("option 'password' needs 'username' (Basic auth)");
  return options as ReturnType<typeof checkXapiOptions>;
}

/** A test of event names built from `match` patterns (`*` matches any characters), or undefined for every name. */
export function nameMatcher(patterns: readonly string[] | undefined): ((name: string) => boolean) | undefined {
  if (patterns === undefined) return undefined;
  const exact = new Set(patterns.filter((pattern) => !pattern.includes('*')));
  const globs = patterns
    .filter((pattern) => pattern.includes('*'))
    .map((pattern) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  return (name) => exact.has(name) || globs.some((glob) => glob.test(name));
}
