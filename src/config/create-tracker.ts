import { isPlainObject } from '../encoding/objects';
import { camelCase, nearestName, OptionsError } from '../core/options';
import { Tracker, type TrackerOptions } from '../core/tracker';
import type { Backend, Processor } from '../core/types';
import { engineNames, findEngine } from './engine-registry';
import { attachLegacyLineLanes } from './legacy-line-lane';
import './engines';

/**
 * One configured component, as data: an engine name and its options (Open edX's
 * `{'ENGINE': ..., 'OPTIONS': {...}}`; the upper-case keys are accepted too). Any
 * option value that is itself such an object, or an array of them, is built first,
 * to any depth. Option names may be camelCase or Python's snake_case.
 */
export interface EngineSpec {
  engine?: string;
  options?: Record<string, unknown>;
  ENGINE?: string;
  OPTIONS?: Record<string, unknown>;
}

/** A tracker as data, shaped like `EVENT_TRACKING_BACKENDS` and `EVENT_TRACKING_PROCESSORS`. */
export interface TrackerConfig extends Omit<TrackerOptions, 'backends' | 'processors'> {
  backends?: Record<string, EngineSpec | Backend>;
  processors?: (EngineSpec | Processor)[];
}

const COMPONENT = 'createTracker';
const SPEC_KEYS = ['engine', 'options', 'ENGINE', 'OPTIONS'];
const trackerConfig = Tracker.options.extend(COMPONENT, {});

/**
 * Builds a {@link Tracker} from configuration data (see {@link TrackerConfig}). Every
 * name is checked: an unknown option or engine is refused with the nearest valid
 * one, a wrong value with the type expected, each naming where in the data it is.
 */
export function createTracker(config: TrackerConfig = {}): Tracker {
  if (!isPlainObject(config)) throw new OptionsError(COMPONENT, 'the configuration must be an object such as { backends: {...}, processors: [...] }');
  const { backends = {}, processors = [], ...options } = trackerConfig.renameData(config);
  const built = { ...options, backends: build(backends, 'backends'), processors: build(processors, 'processors') };
  const tracker = new Tracker(trackerConfig.checkData(built) as TrackerOptions);
  attachLegacyLineLanes(tracker.routingBackend);
  return tracker;
}

/** Builds `value` if it is an engine spec; builds what it holds if it is an array or plain object. */
function build(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item, i) => build(item, `${path}[${i}]`));
  if (!isPlainObject(value)) return value;
  const engineName = value.engine ?? value.ENGINE;
  if (engineName === undefined) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, build(item, `${path}.${key}`)]));
  }
  const where = (detail: string) => new OptionsError(COMPONENT, `${path}: ${detail}`);
  const engine = typeof engineName === 'string' ? findEngine(engineName) : undefined;
  if (!engine) throw where(`unknown engine ${JSON.stringify(engineName)}; ${suggestion(String(engineName), engineNames(), 'known engines')}`);
  for (const key of Object.keys(value)) {
    if (!SPEC_KEYS.includes(key)) throw where(`unknown key '${key}' in the engine spec; ${suggestion(key, ['engine', 'options'], 'an engine spec has')}`);
  }
  const given = value.options ?? value.OPTIONS ?? {};
  if (!isPlainObject(given)) throw where(`options must be an object, got ${JSON.stringify(given)}`);
  const at = `${path} (${String(engineName)})`;
  try {
    const named = engine.options ? engine.options.renameData(given) : camelCaseKeys(given);
    const options = Object.fromEntries(Object.entries(named).map(([key, item]) => [key, build(item, `${path}.options.${key}`)]));
    return engine.factory(options);
  } catch (error) {
    if (error instanceof OptionsError && error.component === COMPONENT) throw error;
    throw new OptionsError(COMPONENT, `${at}: ${error instanceof OptionsError ? error.detail : (error as Error).message}`);
  }
}

function suggestion(name: string, names: string[], listLabel: string): string {
  const nearest = nearestName(name, names);
  return nearest ? `did you mean '${nearest}'?` : `${listLabel}: ${names.join(', ')}`;
}

/** Without a schema, every snake_case option name is taken for its camelCase form. */
function camelCaseKeys(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).map(([key, item]) => [camelCase(key), item]),
  );
}
