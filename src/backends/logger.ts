import { setImmediate as nextTurn } from 'node:timers/promises';
import winston = require('winston');
import TransportStream = require('winston-transport');
import { logFailure, toError } from '../core/errors';
import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import { encodeJson, type JsonStyle } from '../encoding/json';
import { tutorLinePrefix } from '../encoding/tutor-line';
import { ThrottledReporter } from '../core/throttled-reporter';
import type { Backend, ErrorReporter, TrackedEvent } from '../core/types';
import { TrackingLogTransport } from './tracking-log-transport';

const loggerBackendOptions = defineOptions('LoggerBackend', {
  /**
   * Your own winston logger. Each event is logged as one message holding the JSON
   * line; give it a format that writes the message alone (for example
   * `winston.format.printf((info) => String(info.message))`). It is flushed but not
   * closed by `close()`: it is yours. Default: a logger this backend creates.
   */
  logger: option.instance<winston.Logger>('a winston logger', (value) => hasMethods(value, 'log', 'on', 'end')),
  /**
   * Transports for the logger this backend creates (rotation, syslog, ...). Each
   * receives the raw line, nothing added. Default: one {@link TrackingLogTransport}
   * writing `filename`.
   */
  transports: option.arrayOf(option.instance<TransportStream>('a winston transport', (value) => hasMethods(value, 'log', 'on'))),
  /** The file of the default transport. Default: `'./tracking.log'`. */
  filename: option.string({ nonEmpty: true }),
  /**
   * The most lines the default transport lets wait for the disk; more are dropped,
   * counted and reported. Refused with `logger` or `transports`. Default: 100000.
   */
  maxQueuedLines: option.number({ min: 1, integer: true }),
  /**
   * The most bytes (of UTF-8) the default transport lets wait for the disk; more are
   * dropped, counted and reported, so that large events on a slow disk cannot exhaust
   * memory. Refused with `logger` or `transports`. Default: 67108864 (64 MiB).
   */
  maxQueuedBytes: option.number({ min: 1, integer: true }),
  /** The level events are logged at. Default: `'info'`. */
  level: option.string({ nonEmpty: true }),
  /**
   * The longest line, in characters, that is written. A longer event is not written
   * (as Open edX) and, unlike Open edX, the drop is reported through `onError` and
   * counted in `dropped`. `null` for no limit. Default: 50000 (Open edX's `TRACK_MAX_EVENT`).
   */
  maxEventSize: option.nullable(option.number({ min: 1, integer: true })),
  /** How lines are encoded; see {@link JsonStyle}. Default: `'compact'`. */
  jsonStyle: option.oneOf(['compact', 'python'] as const),
  /**
   * `'plain'`: each line is the event's JSON alone, as Open edX's own settings write it.
   * `'tutor'`: each line starts with the prefix Tutor's LMS writes through Python's
   * logging (`2024-05-01 07:27:01,123 INFO 4242 [tracking] [user 42] [ip 11.22.33.44]
   * logger.py:41 - `), then the same JSON, so that the Vector pipeline of Open edX
   * Aspects reads the file unchanged. `maxEventSize` counts the JSON part only, as Open
   * edX does. Default: `'plain'`.
   */
  lineFormat: option.oneOf(['plain', 'tutor'] as const),
  /**
   * The shortest time, in ms, between two reports of the errors of your own
   * transports (`transports`, `logger`): the first goes out at once, the next ones
   * are summed up, one report per interval; `close()` sends what is held. (The
   * default transport reports a run of failed writes twice: when it starts and when
   * it ends.) Refused without `logger` or `transports`. Default: 5000.
   */
  reportInterval: option.number({ min: 0 }),
});

/** Options of {@link LoggerBackend}. Give at most one of `logger`, `transports` and `filename`. */
export type LoggerBackendOptions = OptionsOf<typeof loggerBackendOptions.fields>;

function hasMethods(value: unknown, ...names: string[]): boolean {
  return typeof value === 'object' && value !== null && names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

/** Writes each event as one JSON line through winston: Open edX's `tracking.log`. */
export class LoggerBackend implements Backend {
  /** The winston logger lines go through. */
  readonly logger: winston.Logger;
  readonly maxEventSize: number | null;
  readonly jsonStyle: JsonStyle;
  /** Whether lines carry Tutor's logging prefix; see the `lineFormat` option. */
  readonly lineFormat: 'plain' | 'tutor';
  /** Events not written: too large or not encodable. */
  dropped = 0;
  /** Lines handed to the logger. */
  logged = 0;
  private readonly level: string;
  private readonly ownsLogger: boolean;
  /** The default transport, when this backend made it: lines may skip winston's stream pipeline. */
  private readonly ownTransport: TrackingLogTransport | undefined;
  private report: ErrorReporter = logFailure;
  private readonly transportErrors: ThrottledReporter;
  /** The default transports, kept: winston forgets its transports once ended. */
  private readonly ownTransports: TrackingLogTransport[];

  /** The options of a LoggerBackend; `createTracker` and `edxDefaults` check configuration data with it. */
  static readonly options = loggerBackendOptions;

  constructor(given: LoggerBackendOptions = {}) {
    const options = loggerBackendOptions.check(given);
    const destinations = (['logger', 'transports', 'filename'] as const).filter((key) => options[key] !== undefined);
    if (destinations.length > 1) {
      throw new OptionsError('LoggerBackend', `give only one of logger, transports and filename (got ${destinations.join(' and ')})`);
    }
    const ownDestination = options.logger !== undefined || options.transports !== undefined;
    for (const bound of ['maxQueuedLines', 'maxQueuedBytes'] as const) {
      if (options[bound] !== undefined && ownDestination) {
        throw new OptionsError('LoggerBackend', `${bound} bounds the default transport; with your own logger or transports, bound them yourself`);
      }
    }
    if (options.reportInterval !== undefined && !ownDestination) {
      throw new OptionsError(
        'LoggerBackend',
        'reportInterval throttles the reports of your own logger or transports; the default transport reports a run of write failures when it starts and when it ends',
      );
    }
    this.maxEventSize = options.maxEventSize === undefined ? 50000 : options.maxEventSize;
    this.jsonStyle = options.jsonStyle ?? 'compact';
    this.lineFormat = options.lineFormat ?? 'plain';
    this.level = options.level ?? 'info';
    this.ownsLogger = options.logger === undefined;
    const defaultTransport =
      options.logger || options.transports
        ? undefined
        : new TrackingLogTransport({ filename: options.filename, maxQueuedLines: options.maxQueuedLines, maxQueuedBytes: options.maxQueuedBytes });
    this.ownTransport = defaultTransport;
    this.logger =
      options.logger ??
      winston.createLogger({
        level: this.level,
        format: winston.format.printf((info) => String(info.message)),
        transports: options.transports ?? [defaultTransport as TrackingLogTransport],
      });
    this.ownTransports = this.trackingLogTransports();
    this.transportErrors = new ThrottledReporter(() => this.report, options.reportInterval ?? 5000);
    this.logger.on('error', (error: unknown, transport?: unknown) => {
      const info = { stage: 'backend', component: 'logger' } as const;
      // TrackingLogTransport bounds its own reports; other transports may fail once per line.
      if (transport instanceof TrackingLogTransport) this.report(toError(error), info);
      else this.transportErrors.note(transport instanceof TransportStream ? 'transport' : 'logger', () => toError(error), info);
    });
  }

  bindErrorReporter(report: ErrorReporter): void {
    this.report = report;
  }

  send(event: TrackedEvent): void {
    const eventName = typeof event.name === 'string' ? event.name : undefined;
    let line: string;
    try {
      line = encodeJson(event, this.jsonStyle);
    } catch (error) {
      this.dropped++;
      this.report(new Error(`event not written, it cannot be encoded as JSON: ${toError(error).message}`), {
        stage: 'serialize',
        component: 'logger',
        eventName,
      });
      return;
    }
    if (this.maxEventSize !== null && line.length > this.maxEventSize) {
      this.dropped++;
      this.report(new Error(`event not written: ${line.length} characters is over maxEventSize ${this.maxEventSize}`), {
        stage: 'drop',
        component: 'logger',
        eventName,
      });
      return;
    }
    this.writeLine(this.lineFormat === 'tutor' ? tutorLinePrefix(event, Date.now(), process.pid) + line : line);
  }

  /**
   * Hands a finished line (the event's JSON in this backend's `jsonStyle`, within
   * `maxEventSize`, with Tutor's prefix when `lineFormat` is `'tutor'`; no newline) to
   * the logger, as `send` does once it has encoded an event. The fast path of a
   * `tracking.log` branch writes the lines it encoded itself this way.
   */
  writeLine(line: string): void {
    this.logged++;
    if (this.writesDirectly()) this.ownTransport!.writeLine(line);
    else this.logger.log(this.level, line);
  }

  /**
   * Whether a line can go straight to the default transport: the logger is ours and
   * still has only that transport, and would log at this level. winston's format and
   * stream pipeline would hand the transport the same line, a few µs later.
   */
  private writesDirectly(): boolean {
    const transports = this.logger.transports;
    return (
      this.ownTransport !== undefined &&
      transports.length === 1 &&
      transports[0] === this.ownTransport &&
      !this.logger.silent &&
      this.logger.isLevelEnabled(this.level)
    );
  }

  /** Lines the default transport could not write (failed writes; drops are in its `dropped`). */
  get lost(): number {
    return this.ownTransports.reduce((sum, transport) => sum + transport.lost, 0);
  }

  /**
   * Resolves when every {@link TrackingLogTransport} of the logger (the default one
   * included) has its file open; rejects with the first problem, an error that names
   * the path, the cause and the fix. Await it before `listen` to fail at startup
   * rather than lose every event. Transports of other kinds are not checked.
   */
  async ready(): Promise<void> {
    await Promise.all(this.trackingLogTransports().map((transport) => transport.ready()));
  }

  /**
   * Has every {@link TrackingLogTransport} of the logger write what it holds and open
   * its path anew: call it on the `SIGHUP` of logrotate's `postrotate`.
   */
  async reopen(): Promise<void> {
    await this.flush();
    await Promise.all(this.trackingLogTransports().map((transport) => transport.reopen()));
  }

  /** Resolves when every line logged so far has been written by every transport that can tell. */
  async flush(): Promise<void> {
    // winston hands messages to its transports a tick later; wait until they have them.
    const target = this.logged;
    const own = this.trackingLogTransports();
    for (let turns = 0; turns < 1000 && own.some((transport) => transport.received < target); turns++) {
      await nextTurn();
    }
    if (own.length === 0) await nextTurn();
    await Promise.all(own.map((transport) => transport.flush()));
  }

  /** Flushes; then, if this backend created the logger, ends it and waits for its transports to finish. */
  async close(): Promise<void> {
    await this.flush();
    this.transportErrors.flush();
    if (!this.ownsLogger) return;
    const finished = new Promise<void>((resolve) => this.logger.once('finish', () => resolve()));
    this.logger.end();
    await finished;
  }

  private trackingLogTransports(): TrackingLogTransport[] {
    return this.logger.transports.filter((transport): transport is TrackingLogTransport => transport instanceof TrackingLogTransport);
  }
}
