import { logFailure, toError } from '../core/errors';
import { ThrottledReporter } from '../core/throttled-reporter';
import type { Backend, ErrorReporter, FailureInfo, TrackedEvent } from '../core/types';
import { BatchPublisher } from '../bus/batch-publisher';
import { DeadLetterFile, type DeadLetter } from './dead-letters';
import { LrsClient } from './lrs-client';
import { checkXapiOptions, nameMatcher, xapiBackendOptions, type XapiBackendOptions } from './options';
import { StatementDelivery } from './statement-delivery';
import { transformToXapi, type XapiTransformOptions } from './transform';

export type { XapiBackendOptions } from './options';

const COMPONENT = 'xapi';
const DEFAULT_MAX_BUFFER_BYTES = 32 * 1024 * 1024;

/**
 * Sends events to a learning record store as xAPI statements, the way Open edX's
 * event-routing-backends feeds Aspects: each event whose name `match`es is turned into
 * its statements by `transformToXapi` and buffered; batches go out as
 * `POST {url}/statements` (xAPI 1.0.3 headers, Basic or Bearer auth) when `batchSize`
 * statements wait or `batchDelay` ms after the first one.
 *
 * A failed POST (network error, timeout, 5xx, 429...) is retried with backoff, after
 * the `Retry-After` the LRS asks for when longer; statement ids are derived from the
 * event, so a retry, or a replay, stores nothing twice. A batch refused as a whole
 * for one statement is split until that statement is alone: the others are stored, it
 * is rejected and goes to `deadLetterFile`. A 409 (the LRS holds that id) counts as
 * stored. The buffer is bounded (`maxBuffer`, `maxBufferBytes`): past it statements
 * are dropped, counted and reported. `send` never waits and never throws; failures go
 * to `onError`, throttled to one report per kind per `reportInterval`.
 *
 * @example new XapiBackend({ url: 'https://lrs.example.com/xAPI', lmsRootUrl: 'https://courses.example.com', username: 'lms', password })
 */
export class XapiBackend implements Backend {
  /** The LRS's xAPI base URL. */
  readonly url: string;
  readonly closeTimeout: number;
  /** Events whose name `match` leaves out. */
  unmatched = 0;
  /** Events of a name the transformer does not support. */
  unsupported = 0;
  /** Events of a supported name that could not be transformed (no actor id, a field missing or invalid): counted and reported. */
  untransformable = 0;
  /** Statements not buffered: buffer full (in statements or bytes), or sent after `close()`. */
  dropped = 0;
  /** Statements still held when `close()` gave up (written to `deadLetterFile` when there is one). */
  undelivered = 0;
  /** The dead-letter file, when `deadLetterFile` is given. */
  readonly deadLetters?: DeadLetterFile;
  private readonly publisher: BatchPublisher;
  private readonly delivery: StatementDelivery;
  private readonly reporter: ThrottledReporter;
  private readonly transformOptions: XapiTransformOptions;
  private readonly matches?: (name: string) => boolean;
  private readonly maxBufferBytes: number;
  private report: ErrorReporter;
  private closing?: Promise<void>;

  /** The options of an XapiBackend; `createTracker` and `edxDefaults` check configuration data with them. */
  static readonly options = xapiBackendOptions;

  constructor(given: XapiBackendOptions) {
    const options = checkXapiOptions(given);
    this.url = options.url;
    this.closeTimeout = options.closeTimeout ?? 10000;
    this.maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    this.matches = nameMatcher(options.match);
    this.report = options.onError ?? logFailure;
    this.reporter = new ThrottledReporter(() => this.report, options.reportInterval ?? 5000);
    this.transformOptions = {
      lmsRootUrl: options.lmsRootUrl,
      actorId: options.actorId ?? userIdOf,
      ...(options.courseName ? { courseName: options.courseName } : {}),
      ...(options.transformerVersion ? { transformerVersion: options.transformerVersion } : {}),
    };
    if (options.deadLetterFile !== undefined) {
      this.deadLetters = new DeadLetterFile(options.deadLetterFile, (error, lines) =>
        this.report(new Error(`${lines} statements could not be written to the dead-letter file ${options.deadLetterFile}: ${error.message}`), { stage: 'backend', component: COMPONENT }),
      );
    }
    const client = new LrsClient({ url: this.url, username: options.username, password: options.password, token: options.token, timeout: options.requestTimeout ?? 10000 });
    this.delivery = new StatementDelivery(client, { onRejected: (letter, id) => this.deadLetter(letter, `statement ${id} rejected by the LRS`) });
    this.publisher = new BatchPublisher(
      this.delivery,
      {
        stream: this.url,
        batchSize: options.batchSize ?? 100,
        batchDelay: options.batchDelay ?? 5000,
        maxBuffer: options.maxBuffer ?? 10000,
        maxBufferBytes: this.maxBufferBytes,
        maxInFlight: options.maxInFlight ?? 2,
        retry: { initial: options.retryDelay ?? 1000, max: options.maxRetryDelay ?? 60000 },
      },
      {
        onPublishFailure: (error, size, delay) =>
          this.reporter.note('post', () => new Error(`sending ${size} statements failed (retrying in ${delay} ms): ${error.message}`), { stage: 'backend', component: COMPONENT }),
      },
    );
  }

  /** Statements accepted into the buffer. */
  get accepted(): number {
    return this.publisher.accepted;
  }

  /** Statements the LRS stored. */
  get stored(): number {
    return this.delivery.stored;
  }

  /** Statements the LRS held already (a retry or a replay of what it had stored): delivered, not stored again. */
  get alreadyStored(): number {
    return this.delivery.alreadyStored;
  }

  /** Statements the LRS rejected on their own (400): dead-lettered. */
  get rejected(): number {
    return this.delivery.rejected;
  }

  /** Statements waiting for the LRS (in flight included). */
  get buffered(): number {
    return this.publisher.buffered;
  }

  /** Failed POSTs, each retried. */
  get retries(): number {
    return this.publisher.failedAttempts;
  }

  /** POSTs made. */
  get requests(): number {
    return this.delivery.requests;
  }

  /** Reports go to `report` from now on (the router the backend is registered with calls this). */
  bindErrorReporter(report: ErrorReporter): void {
    this.report = report;
  }

  /** Transforms one event and buffers its statements. Never waits, never throws. */
  send(event: TrackedEvent): void {
    const name = event.name ?? event.event_type;
    const eventName = typeof name === 'string' ? name : undefined;
    if (this.matches && !(eventName !== undefined && this.matches(eventName))) {
      this.unmatched++;
      return;
    }
    const info: FailureInfo = { stage: 'backend', component: COMPONENT, eventName };
    let statements;
    try {
      statements = transformToXapi(event, this.transformOptions);
    } catch (error) {
      this.untransformable++;
      this.reporter.note('transform', () => new Error(`event not sent, it cannot be turned into a statement: ${toError(error).message}`), info);
      return;
    }
    if (statements === null) {
      this.unsupported++;
      return;
    }
    for (const statement of Array.isArray(statements) ? statements : [statements]) this.buffer(statement.id, JSON.stringify(statement), eventName);
  }

  /** Resolves when every statement accepted so far has its verdict from the LRS (and every dead letter is written). Retries count: this waits while the LRS is down. */
  async flush(): Promise<void> {
    await this.publisher.flush();
    await this.deadLetters?.flush();
  }

  /**
   * Stops accepting events and delivers what it holds for at most `closeTimeout` ms;
   * what is left then goes to the dead-letter file (without one, it is reported lost).
   * Resolves at the deadline whatever the LRS does.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private buffer(id: string, body: string, eventName: string | undefined): void {
    const pushed = this.closing ? 'stopped' : this.publisher.push({ id, body });
    if (pushed === 'accepted') return;
    this.dropped++;
    const why =
      pushed === 'stopped'
        ? 'the xAPI backend is closed'
        : `${this.publisher.buffered} statements (${this.publisher.bufferedBytes} bytes) already wait for the LRS (${pushed === 'maxBuffer' ? 'maxBuffer' : `maxBufferBytes: ${this.maxBufferBytes}`}); is it reachable?`;
    this.reporter.note(pushed === 'stopped' ? 'closed' : 'drop', () => new Error(`statement dropped: ${why}`), { stage: 'drop', component: COMPONENT, eventName });
  }

  private deadLetter(letter: DeadLetter, what: string): void {
    this.deadLetters?.add(letter);
    const where = this.deadLetters ? `written to ${this.deadLetters.path}` : 'not kept: give deadLetterFile to keep such statements';
    this.reporter.note(letter.reason, () => new Error(`${what} (${letter.detail}); ${where}`), { stage: 'backend', component: COMPONENT });
  }

  private async shutDown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeTimeout)));
    await Promise.race([this.publisher.flush(), deadline]);
    clearTimeout(timer);
    const left = this.publisher.heldRecords.filter((record) => !this.delivery.isSettled(record));
    this.publisher.stop();
    this.undelivered += left.length;
    const detail = `not delivered within closeTimeout (${this.closeTimeout} ms)`;
    for (const record of left) this.deadLetters?.add({ reason: 'undelivered', detail, statement: record.body });
    this.reporter.flush();
    if (left.length > 0) {
      const where = this.deadLetters ? `written to ${this.deadLetters.path}` : 'lost: give deadLetterFile to keep them';
      this.report(new Error(`${left.length} statements were ${detail}; ${where}`), { stage: 'close', component: COMPONENT });
    }
    await this.deadLetters?.flush();
  }
}

/** The default actor id: the event's `context.user_id`, as a string. */
function userIdOf(event: unknown): string | undefined {
  const userId = (event as { context?: { user_id?: unknown } } | null)?.context?.user_id;
  return userId === undefined || userId === null || userId === '' ? undefined : String(userId);
}
