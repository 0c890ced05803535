import { nearestName, OptionsError } from '../core/options';
import { UsageError } from './consume';
import { checkReadable, FileError, parseLogArgs } from './log-args';
import { exitQuietlyOnClosedStdout } from './log-output';
import { REPLAY_SPEC, REPLAY_USAGE, runReplay } from './xapi-replay';

/** The usage text of `eventtracking xapi`. */
export const XAPI_USAGE = `usage: eventtracking xapi <command> [options]

commands:
  replay FILE...   turn tracking.log files into xAPI statements and send them to
                   an LRS (or write them, --dry-run)

Run 'eventtracking xapi replay --help' for its options.`;

/** Runs `eventtracking xapi <command> ...`; resolves with the exit status (2 for a usage error, with a message on stderr). */
export async function runXapi(argv: readonly string[], log: (line: string) => void = (line) => console.error(line)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    console.log(name === 'help' && rest[0] === 'replay' ? REPLAY_USAGE : XAPI_USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name !== 'replay') {
    const nearest = nearestName(name, ['replay']);
    log(`eventtracking xapi: unknown command '${name}'${nearest ? `; did you mean '${nearest}'?` : ''}\n\n${XAPI_USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(REPLAY_USAGE);
    return 0;
  }
  try {
    const args = parseLogArgs(REPLAY_SPEC, rest);
    await checkReadable(args.files);
    exitQuietlyOnClosedStdout();
    return await runReplay(args, log);
  } catch (error) {
    if (error instanceof UsageError || error instanceof OptionsError) {
      const detail = error instanceof OptionsError ? error.detail : error.message;
      log(`eventtracking xapi replay: ${detail}\n\n${REPLAY_USAGE}`);
      return 2;
    }
    if (error instanceof FileError) {
      log(`eventtracking xapi replay: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
