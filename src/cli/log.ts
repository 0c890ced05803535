import { nearestName } from '../core/options';
import { UsageError } from './consume';
import { checkReadable, FileError, parseLogArgs, type LogArgs, type LogCommandSpec } from './log-args';
import { FILTER_SPEC, FILTER_USAGE, runFilter } from './log-filter';
import { exitQuietlyOnClosedStdout } from './log-output';
import { runStats, STATS_SPEC, STATS_USAGE } from './log-stats';
import { runTail, TAIL_SPEC, TAIL_USAGE } from './log-tail';
import { runValidate, VALIDATE_SPEC, VALIDATE_USAGE } from './log-validate';

/** The usage text of `eventtracking log`. */
export const LOG_USAGE = `usage: eventtracking log <command> [options] FILE...

Reads tracking.log for debugging: plain JSON lines and Tutor's [tracking] lines,
rotated files and .gz files, streaming (a file of any size in little memory).

commands:
  tail [-f] FILE     the last events, one line each (time, event type, user, course,
                     source); -f follows the file across rotations
  filter FILE...     the lines of the events that match --name, --user, --course,
                     --source, --since, --until
  validate FILE...   checks that every line is a legacy event; exit status 1 if not
  stats FILE...      counts by event type, source, course and user; the time range

Run 'eventtracking log <command> --help' for its options.`;

interface LogCommand {
  spec: LogCommandSpec;
  usage: string;
  run(args: LogArgs, log: (line: string) => void): Promise<number>;
}

const COMMANDS: Record<string, LogCommand> = {
  tail: { spec: TAIL_SPEC, usage: TAIL_USAGE, run: runTail },
  filter: { spec: FILTER_SPEC, usage: FILTER_USAGE, run: runFilter },
  validate: { spec: VALIDATE_SPEC, usage: VALIDATE_USAGE, run: runValidate },
  stats: { spec: STATS_SPEC, usage: STATS_USAGE, run: runStats },
};

/** The usage text of `eventtracking log <command>`, or of `eventtracking log` for another name. */
export function logUsage(command: string | undefined): string {
  return (command !== undefined && COMMANDS[command]?.usage) || LOG_USAGE;
}

/**
 * Runs `eventtracking log <command> ...` and resolves with its exit status: 2 for a
 * usage error (an unknown command or flag, with the nearest valid one) or a file that
 * cannot be read, each with a message on stderr.
 */
export async function runLog(argv: readonly string[], log: (line: string) => void = (line) => console.error(line)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    console.log(name === 'help' ? logUsage(rest[0]) : LOG_USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const nearest = nearestName(name, Object.keys(COMMANDS));
    log(`eventtracking log: unknown command '${name}'${nearest ? `; did you mean '${nearest}'?` : ''}\n\n${LOG_USAGE}`);
    return 2;
  }
  const helpAt = rest.findIndex((arg) => arg === '--help' || arg === '-h' || arg === '--');
  if (helpAt >= 0 && rest[helpAt] !== '--') {
    console.log(command.usage);
    return 0;
  }
  try {
    const args = parseLogArgs(command.spec, rest);
    await checkReadable(args.files);
    exitQuietlyOnClosedStdout();
    return await command.run(args, log);
  } catch (error) {
    if (error instanceof UsageError) {
      log(`eventtracking log ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof FileError) {
      log(`eventtracking log ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
