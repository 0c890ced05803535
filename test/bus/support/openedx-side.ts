// The Python side of the Open edX bus format: Debian's python3-avro, run as a child
// process on test/fixtures/openedx/openedx_side.py with the schema from openedx-events.
// A suite needing it skips loudly without it, and fails under REQUIRE_PYTHON_AVRO=1.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', '..', 'fixtures', 'openedx', 'openedx_side.py');

function problem(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import avro.io, avro.schema'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10000 });
    return undefined;
  } catch (error) {
    return `${PYTHON} cannot import avro (${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim().split('\n').pop()})`;
  }
}

const avroProblem = problem();

/** `describe` when python3-avro is there; otherwise skipped loudly, or failed under REQUIRE_PYTHON_AVRO=1. */
export function describeWithPythonAvro(name: string, body: () => void): void {
  if (avroProblem === undefined) {
    describe(name, body);
    return;
  }
  const why = `${avroProblem}. Install Debian's python3-avro (apt-get install python3-avro), as .ci/run does.`;
  if (process.env.REQUIRE_PYTHON_AVRO === '1') {
    describe(name, () => {
      it('runs against the independent Avro decoder', () => {
        throw new Error(`REQUIRE_PYTHON_AVRO=1 but ${why}`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPED "${name}": ${why} Set REQUIRE_PYTHON_AVRO=1 to fail instead of skipping. ***\n`);
  describe.skip(name, body);
}

function run(command: string, input: unknown): unknown {
  const out = execFileSync(PYTHON, [SCRIPT, command], { input: JSON.stringify(input), maxBuffer: 256 * 1024 * 1024, timeout: 60000 });
  return JSON.parse(out.toString('utf8')) as unknown;
}

/** The `TrackingLogData` records python3-avro reads from these `event_data` values. */
export function pythonDecode(eventData: Buffer[]): { name: string; timestamp: string; data: string; context: string }[] {
  return run('decode', eventData.map((bytes) => bytes.toString('base64'))) as never;
}

/** A stream entry as event-bus-redis's consumer reads it: the headers parsed, the tracking event decoded. */
export interface PythonReading {
  type: string;
  id: string;
  source: string;
  time: string;
  minorversion: number;
  sourcehost: string;
  sourcelib: number[];
  tracking_log: { name: string; timestamp: string; data: unknown; context: unknown };
}

/** What the Python side reads from these stream entries (field name to value). */
export function pythonConsume(entries: ReadonlyMap<string, Buffer>[]): PythonReading[] {
  return run('consume', entries.map((fields) => Object.fromEntries([...fields].map(([key, value]) => [key, value.toString('base64')])))) as never;
}

/** A tracking event as the Python side holds it: the timestamp as text, data and context as JSON values. */
export interface PythonEvent {
  name: string;
  timestamp: string;
  data: unknown;
  context: Record<string, unknown>;
}

/** The stream entries (field lists, `event_data` as bytes) the Python producer writes for these events. */
export function pythonProduce(events: PythonEvent[]): (string | Buffer)[][] {
  const entries = run('produce', events) as string[][];
  return entries.map((fields) => fields.map((value, i) => (fields[i - 1] === 'event_data' ? Buffer.from(value, 'base64') : value)));
}
