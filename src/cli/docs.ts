import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { nearestName } from '../core/options';
import { EventRegistry } from '../events/registry';
import { renderEventReferenceHtml, renderEventReferenceMarkdown, type EventReferenceOptions } from '../events/reference';
import { UsageError } from './consume';
import { xapiStatementsFrom } from './docs-xapi';

/** The usage text of `eventtracking docs`. */
export const DOCS_USAGE = `usage: eventtracking docs MODULE [--out DIR] [--title TEXT] [--lms-url URL | --xapi MODULE]

Writes the Event Reference of the events a module declares: DIR/events.md and
DIR/events.html (one static page). The output depends only on the definitions, so it
can be committed and diffed in review.

  MODULE          a JavaScript module exporting an EventRegistry (from registerEvents):
                  its default export, its export 'events', or its only registry export
  --out DIR       where to write (created if missing). Default: ./event-reference
  --title TEXT    the page title. Default: 'Event reference'
  --lms-url URL   show the xAPI statement each example becomes, as transformToXapi
                  (eventtracking/xapi) writes it with this LMS root. Default: none
  --xapi MODULE   instead, a module exporting xapiStatement(exampleEvent), which returns
                  the xAPI statement a tracking.log event becomes (or undefined). Default: none`;

const OPTIONS = {
  out: { type: 'string' },
  title: { type: 'string' },
  'lms-url': { type: 'string' },
  xapi: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs `eventtracking docs`; returns the exit status. */
export async function runDocs(argv: string[], log: (line: string) => void, error: (line: string) => void): Promise<number> {
  let values: { out?: string; title?: string; 'lms-url'?: string; xapi?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
    if (values.help) {
      log(DOCS_USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'MODULE is missing' : `one MODULE only, got ${positionals.length}`);
    if (values['lms-url'] !== undefined && values.xapi !== undefined) throw new UsageError('--lms-url and --xapi both say where statements come from: give one');
  } catch (problem) {
    const message = problem instanceof Error ? problem.message : String(problem);
    const option = /Unknown option '(--?[\w-]+)'/.exec(message)?.[1];
    const nearest = option ? nearestName(option.replace(/^-+/, ''), Object.keys(OPTIONS)) : undefined;
    error(`eventtracking docs: ${message}${nearest ? `; did you mean '--${nearest}'?` : ''}\n\n${DOCS_USAGE}`);
    return 2;
  }
  let registry: EventRegistry;
  const options: EventReferenceOptions = { title: values.title };
  try {
    registry = findRegistry(await load(positionals[0] as string), positionals[0] as string);
    if (values.xapi !== undefined) options.xapiStatement = findFunction(await load(values.xapi), values.xapi, 'xapiStatement');
    if (values['lms-url'] !== undefined) options.xapiStatement = xapiStatementsFrom(values['lms-url'], error);
  } catch (problem) {
    if (!(problem instanceof UsageError)) throw problem;
    error(`eventtracking docs: ${problem.message}`);
    return 2;
  }
  const dir = resolve(values.out ?? 'event-reference');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'events.md'), renderEventReferenceMarkdown(registry, options));
  writeFileSync(join(dir, 'events.html'), renderEventReferenceHtml(registry, options));
  log(`eventtracking docs: ${registry.definitions.size} events → ${join(dir, 'events.md')}, ${join(dir, 'events.html')}`);
  return 0;
}

async function load(specifier: string): Promise<Record<string, unknown>> {
  const path = isAbsolute(specifier) ? specifier : resolve(specifier);
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

/** An EventRegistry, or an object that is one in all but identity (from another copy of the package). */
function isRegistry(value: unknown): value is EventRegistry {
  return value instanceof EventRegistry || (typeof value === 'object' && value !== null && (value as { definitions?: unknown }).definitions instanceof Map);
}

function findRegistry(exports: Record<string, unknown>, specifier: string): EventRegistry {
  const candidates = [exports.default, exports.events, (exports.default as Record<string, unknown> | undefined)?.events];
  const named = candidates.find(isRegistry);
  if (named) return named;
  const all = Object.values(exports).filter(isRegistry);
  if (all.length === 1) return all[0] as EventRegistry;
  throw new UsageError(`${specifier} exports ${all.length === 0 ? 'no' : 'several'} EventRegistry; export the one to document as 'events' or as the default export`);
}

function findFunction(exports: Record<string, unknown>, specifier: string, name: string): (event: Record<string, unknown>) => unknown {
  const found = [exports[name], exports.default, (exports.default as Record<string, unknown> | undefined)?.[name]].find((value) => typeof value === 'function');
  if (!found) throw new UsageError(`${specifier} exports no function '${name}'`);
  return found as (event: Record<string, unknown>) => unknown;
}
