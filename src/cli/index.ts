#!/usr/bin/env node
/**
 * The `eventtracking` command: `eventtracking consume`, a consumer of the event bus
 * writing a central tracking.log (see `consume.ts`), `eventtracking log`, which
 * reads tracking.log (see `log.ts`), `eventtracking xapi replay`, which sends it to an
 * LRS as xAPI statements (see `xapi.ts`), and `eventtracking docs`, which writes the
 * Event Reference (see `docs.ts`).
 * @packageDocumentation
 */
import { nearestName } from '../core/options';
import { packageVersion } from '../core/package-version';
import { CONSUME_USAGE, parseConsumeArgs, runConsume, UsageError } from './consume';
import { DOCS_USAGE, runDocs } from './docs';
import { logUsage, runLog } from './log';
import { runXapi, XAPI_USAGE } from './xapi';

const USAGE = `usage: eventtracking <command> [options]

commands:
  consume    read the event bus (Redis streams or NATS JetStream) into a central tracking.log
  log        read tracking.log: tail [-f], filter, validate, stats
  xapi       replay tracking.log into a learning record store as xAPI statements
  docs       write the Event Reference (Markdown and HTML) of the events a module declares

Run 'eventtracking <command> --help' for its options; 'eventtracking --version' for the version.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    console.log(topic === 'consume' ? CONSUME_USAGE : topic === 'log' ? logUsage(rest[1]) : topic === 'xapi' ? XAPI_USAGE : topic === 'docs' ? DOCS_USAGE : USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    console.log(`eventtracking ${packageVersion()}`);
    return 0;
  }
  if (command === 'log') return runLog(rest);
  if (command === 'xapi') return runXapi(rest);
  if (command === 'docs') return runDocs(rest, (line) => console.log(line), (line) => console.error(line));
  if (command !== 'consume') {
    const nearest = nearestName(command, ['consume', 'log', 'xapi', 'docs']);
    console.error(`eventtracking: unknown command '${command}'${nearest ? `; did you mean '${nearest}'?` : ''}\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(CONSUME_USAGE);
    return 0;
  }
  let args;
  try {
    args = parseConsumeArgs(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`eventtracking consume: ${error.message}\n\n${CONSUME_USAGE}`);
    return 2;
  }
  let stopping = false;
  const stop = new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        console.error(`eventtracking consume: ${signal} again: exiting now, without finishing`);
        process.exit(130);
      }
      stopping = true;
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await runConsume(args, stop, (line) => console.error(line));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`eventtracking: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
