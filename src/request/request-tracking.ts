import { logFailure, toError } from '../core/errors';
import { defineOptions, option, type OptionsOf } from '../core/options';
import { getTracker } from '../core/registry';
import type { Tracker } from '../core/tracker';
import { emitServerEvent, prepareServerEvent, viewUsername } from './server-event';
import { HeldPageEvent } from './held-page-event';
import { compileUrlPatterns, isIgnoredPath, LMS_IGNORE_URL_PATTERNS, urlPatternOption } from './ignore';
import { censor, formToLists, pageEventData, queryToLists } from './page-event';
import { buildRequestContext, decodedPath, type RequestFacts } from './request-context';
import { keepRequestUser } from './request-user';
import { trackerOption } from './tracker-option';
import { clientIpReader, type ClientIpReader, type TrustProxy } from './trust-proxy';

/** The part of a Node response the request tracking watches. */
export interface ClosingResponse {
  /** True once the response has closed (Node's `res.closed`). */
  readonly closed?: boolean;
  /** Node's responses emit `'close'` once: `on` spares the wrapper `once` makes per request. */
  on(event: 'close', listener: () => void): unknown;
}

/** The options of a request middleware that do not depend on the framework; each adapter adds its own. */
export const requestTrackingOptions = defineOptions('trackMiddleware', {
  /** The tracker the request context is entered in and page events go to. Default: the default tracker, looked up per request. */
  tracker: trackerOption,
  /**
   * The secret the session key is hashed with (Django's `SECRET_KEY`). Without one,
   * `session` is `''` and a warning says so once. Default: `process.env.SECRET_KEY`.
   */
  secretKey: option.string(),
  /**
   * Paths (decoded, without the query) that get no page-request event, as regular
   * expressions matched at the start of the path (Python's `re.match`); strings may use
   * Python's `(?P<name>...)`. Replaces the defaults, as Open edX's
   * `TRACKING_IGNORE_URL_PATTERNS` does; to keep them and add yours, use
   * `extraIgnoreUrlPatterns`. Default: {@link LMS_IGNORE_URL_PATTERNS}, the LMS list
   * `['^/event', '^/login', '^/heartbeat', '^/segmentio/event', '^/performance']`.
   */
  ignoreUrlPatterns: option.arrayOf(urlPatternOption),
  /**
   * More paths that get no page-request event, added to `ignoreUrlPatterns` (to the
   * LMS defaults when that is not given). Default: none.
   */
  extraIgnoreUrlPatterns: option.arrayOf(urlPatternOption),
  /** Whether to emit the page-request event (name = path, data = censored GET/POST JSON). Default: true. */
  pageEvents: option.boolean(),
  /** The name of the context layer holding the request fields. Default: `'edx.request'`. */
  contextName: option.string({ nonEmpty: true }),
});

/** The options of a request middleware that do not depend on the framework. */
export type RequestTrackingOptions = OptionsOf<typeof requestTrackingOptions.fields>;

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/**
 * What Open edX's `TrackMiddleware` does for each request, for any framework: enter
 * the request context, keep the request's user, and emit the page-request event.
 * The adapter opens the request's own context frame and calls
 * {@link RequestTracking.enter} inside it. Takes options already checked.
 */
export class RequestTracking {
  private readonly tracker: Tracker | undefined;
  private readonly secretKey: string | undefined;
  private readonly ignorePatterns: RegExp[];
  private readonly pageEvents: boolean;
  private readonly readIp: ClientIpReader;
  readonly contextName: string;

  /**
   * @param options - the checked options; `trustProxy` is each adapter's own option
   *   (its framework's name is among its values), see {@link clientIpReader}.
   */
  constructor(options: RequestTrackingOptions & { trustProxy?: TrustProxy }, middlewareName = 'trackMiddleware') {
    this.tracker = options.tracker;
    this.secretKey = options.secretKey ?? process.env.SECRET_KEY;
    this.ignorePatterns = compileUrlPatterns([...(options.ignoreUrlPatterns ?? LMS_IGNORE_URL_PATTERNS), ...(options.extraIgnoreUrlPatterns ?? [])]);
    this.pageEvents = options.pageEvents ?? true;
    this.contextName = options.contextName ?? 'edx.request';
    this.readIp = clientIpReader(options.trustProxy);
    if (!this.secretKey) {
      console.warn(
        `eventtracking: ${middlewareName} has no secret key, so the 'session' field will be ''. ` +
          `Set the SECRET_KEY environment variable or pass { secretKey }.`,
      );
    }
  }

  /** The tracker of this middleware: the configured one, else the default (throws when there is none). */
  resolveTracker(): Tracker {
    return this.tracker ?? getTracker();
  }

  /**
   * Enters the request context in the caller's frame, keeps the request's user there
   * (for the endpoints and `serverTrack`), and, unless the path is ignored, builds the
   * page-request event and holds it in the frame (see {@link HeldPageEvent}). `body`
   * is the parsed body, if a parser ran before; a form body is the page event's POST.
   * Never throws: a failure is reported (and, as in Open edX, an exception event
   * emitted) and the request goes on. When `response` closes (finished, aborted or
   * failed), the page event is sent if it is still held and the context is exited. A
   * response that closed already (the client left while earlier middleware ran) gets
   * its page event sent now; the context stays for the handler, which still runs.
   *
   * @param url - the request target (path and query).
   * @param readFacts - what the framework knows of the request besides `url`; it may
   *   call user code (`getUser`), so it runs inside the failure guard.
   * @param response - the Node response (`res`, Koa's `ctx.res`).
   */
  enter(url: string, readFacts: () => Omit<RequestFacts, 'url'>, body: unknown, response: ClosingResponse): void {
    let tracker: Tracker | undefined;
    let end = (): void => undefined;
    let held: HeldPageEvent | undefined;
    try {
      tracker = this.resolveTracker();
      const facts: RequestFacts = { url, ...readFacts() };
      const context = buildRequestContext(facts, this.secretKey, this.readIp);
      const frame = tracker.contextLocator.current();
      frame.enter(this.contextName, context);
      keepRequestUser(frame, facts.user ?? undefined);
      const exit = (): void => {
        if (frame.has(this.contextName)) frame.exit(this.contextName);
      };
      end = exit;
      const path = String(context.path);
      if (this.pageEvents && !isIgnoredPath(path, this.ignorePatterns)) {
        const queryStart = facts.url.indexOf('?');
        const get = queryStart < 0 ? {} : queryToLists(facts.url.slice(queryStart + 1));
        const isForm = FORM_TYPES.test(String(facts.headers['content-type'] ?? ''));
        const data = pageEventData(censor(get), censor(isForm ? formToLists(body) : {}));
        const page = new HeldPageEvent(prepareServerEvent(tracker, viewUsername(facts.user), path, data, null));
        frame.held = page;
        held = page;
        end = () => {
          page.release();
          exit();
        };
      }
    } catch (error) {
      (tracker?.reportFailure ?? logFailure)(toError(error), { stage: 'request', component: 'trackMiddleware' });
      if (tracker) emitExceptionEvent(tracker, url, toError(error));
    }
    if (response.closed) held?.release();
    else response.on('close', end);
  }
}

/**
 * What Open edX's middleware does after a failure: a server event named after the
 * path, with data `{'event-type': 'exception', 'exception': repr(exception class)}`.
 */
function emitExceptionEvent(tracker: Tracker, url: string, error: Error): void {
  try {
    const data = { 'event-type': 'exception', exception: `<class '${error.name}'>` };
    emitServerEvent(tracker, 'anonymous', decodedPath(url), data, null);
  } catch (secondError) {
    tracker.reportFailure(toError(secondError), { stage: 'request', component: 'trackMiddleware' });
  }
}
