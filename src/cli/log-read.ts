import { readLogLines, type LogLine } from '../operations/lines';
import { orderRotatedFiles } from '../operations/log-files';

/** How {@link readFiles} reads. */
export interface ReadFilesOptions {
  /** Told of the bytes read from the files (compressed bytes for a gzip file). */
  onBytes?: (bytes: number) => void;
  /** Reports a file that failed in the middle of its read. */
  log: (line: string) => void;
  /** The command, for messages: `'filter'`. */
  command: string;
  /** Called when a file has been read (or has failed), before the next one. */
  onFileDone?: (file: string) => void | Promise<void>;
}

/**
 * Reads `files` one after the other, rotated ones oldest first (`tracking.log*` as one
 * history; see `orderRotatedFiles`), gzip ones decompressed, and hands over each batch of
 * lines. A file that fails in the middle (a cut gzip file) is reported and the next one is
 * read. Resolves false when one failed.
 */
export async function readFiles(
  files: readonly string[],
  onLines: (lines: LogLine[], file: string) => void | Promise<void>,
  options: ReadFilesOptions,
): Promise<boolean> {
  let ok = true;
  for (const file of orderRotatedFiles(files)) {
    try {
      for await (const lines of readLogLines(file, { onBytes: options.onBytes })) await onLines(lines, file);
    } catch (error) {
      ok = false;
      options.log(`eventtracking log ${options.command}: cannot read all of '${file}': ${(error as Error).message}`);
    }
    await options.onFileDone?.(file);
  }
  return ok;
}
