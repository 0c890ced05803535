import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What an operator can do about a tracking.log path that cannot be written. */
const CHOOSE_PATH = 'choose a writable path with edxDefaults({ trackingLog }) (or LoggerBackend\'s filename)';

/**
 * The error an operator needs when `filename` cannot be opened for appending: the
 * path, the cause in words, and the fix. `error` is what `mkdir` or `open` threw.
 */
export async function explainPathProblem(filename: string, error: Error): Promise<Error> {
  const code = (error as NodeJS.ErrnoException).code;
  const blocker = code === 'EEXIST' || code === 'ENOTDIR' ? await firstNonDirectory(dirname(filename)) : undefined;
  const explained = blocker
    ? `cannot create ${filename}: ${blocker} is a file, not a directory; ${CHOOSE_PATH}, or move ${blocker} away`
    : `cannot write ${filename}: ${causeOf(filename, code, error)}`;
  return new Error(explained, { cause: error });
}

function causeOf(filename: string, code: string | undefined, error: Error): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM': {
      const uid = process.getuid?.();
      const who = uid === undefined ? '' : ` (running as uid ${uid})`;
      return `permission denied${who}; ${CHOOSE_PATH} or grant write access to it and its directory`;
    }
    case 'EROFS':
      return `the file system is read-only; ${CHOOSE_PATH} on a writable file system, or mount it read-write`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left on the device (or the disk quota is used up); free some space or ${CHOOSE_PATH} on another disk`;
    case 'EISDIR':
      return `it is a directory; give the path of a file in it, e.g. ${filename.replace(/\/+$/, '')}/tracking.log`;
    case 'ENOENT':
      // mkdir succeeded, yet the file cannot be created: the path leads elsewhere or the file system refuses.
      return `it cannot be created there (a symbolic link to a missing directory, such as a volume not mounted, or a file system that takes no files, such as /proc); mount the volume or ${CHOOSE_PATH}`;
    default:
      return `${error.message}; ${CHOOSE_PATH}`;
  }
}

/** The nearest ancestor of `directory` (itself included) that exists and is not a directory. */
async function firstNonDirectory(directory: string): Promise<string | undefined> {
  const chain: string[] = [];
  for (let path = directory; ; path = dirname(path)) {
    chain.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const path of chain) {
    const found = await stat(path).catch(() => undefined);
    if (found === undefined) return undefined;
    if (!found.isDirectory()) return path;
  }
  return undefined;
}
