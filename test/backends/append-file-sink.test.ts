import { execFileSync } from 'node:child_process';
import { chmodSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppendFileSink } from '../../src/backends/append-file-sink';

const tempDir = () => mkdtempSync(join(tmpdir(), 'et-sink-'));
const read = (file: string) => readFileSync(file, 'utf8');
/** The files this process has open (Linux). */
function openFiles(): string[] {
  const targets: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      targets.push(readlinkSync(`/proc/self/fd/${fd}`, 'utf8'));
    } catch {
      // The directory's own descriptor, closed by now.
    }
  }
  return targets;
}

/** A sink on `dir/tracking.log` that collects what it reports. */
function sinkIn(dir: string, limits?: { maxLines: number; maxBytes: number }) {
  const reports: string[] = [];
  const sink = new AppendFileSink(join(dir, 'tracking.log'), (error) => reports.push(error.message), limits);
  return { sink, reports, file: sink.filename };
}

/** Writes `lines` and waits until they are on disk. */
async function put(sink: AppendFileSink, ...lines: string[]): Promise<void> {
  for (const line of lines) sink.write(`${line}\n`);
  await sink.flush();
}

describe('AppendFileSink follows its path (logrotate and the like)', () => {
  it('writes the next batch to a new file at the path after the file was renamed', async () => {
    const dir = tempDir();
    const { sink, file, reports } = sinkIn(dir);
    await put(sink, 'a1', 'a2');
    renameSync(file, `${file}.1`);
    await put(sink, 'b1');
    await sink.close();
    expect(read(`${file}.1`)).toBe('a1\na2\n');
    expect(read(file)).toBe('b1\n');
    expect(sink.opens).toBe(2);
    expect(reports).toEqual([]);
  });

  it('recreates the file after it was deleted', async () => {
    const dir = tempDir();
    const { sink, file } = sinkIn(dir);
    await put(sink, 'before');
    unlinkSync(file);
    await put(sink, 'after');
    await sink.close();
    expect(read(file)).toBe('after\n');
  });

  it('writes to the new file when the path was replaced by another file', async () => {
    const dir = tempDir();
    const { sink, file } = sinkIn(dir);
    await put(sink, 'old');
    const other = join(dir, 'other');
    writeFileSync(other, 'someone else\n');
    renameSync(other, file);
    await put(sink, 'new');
    await sink.close();
    expect(read(file)).toBe('someone else\nnew\n');
  });

  it('keeps appending to the same file when it was truncated in place (copytruncate)', async () => {
    const dir = tempDir();
    const { sink, file } = sinkIn(dir);
    await put(sink, 'copied');
    writeFileSync(`${file}.1`, read(file));
    writeFileSync(file, ''); // truncates, same inode
    await put(sink, 'fresh');
    await sink.close();
    expect(read(file)).toBe('fresh\n');
    expect(sink.opens).toBe(1);
  });

  it('checks the path once per batch, not once per line', async () => {
    const dir = tempDir();
    const { sink } = sinkIn(dir);
    await put(sink, 'opens the file'); // the first batch opens: nothing to check
    expect(sink.pathChecks).toBe(0);
    await put(sink, ...Array.from({ length: 500 }, (_, i) => `line ${i}`));
    expect(sink.pathChecks).toBe(1);
    // 5000 lines in one turn are written in 3 writes of up to 2048 lines: 3 checks.
    await put(sink, ...Array.from({ length: 5000 }, (_, i) => `line ${i}`));
    expect(sink.pathChecks).toBe(4);
    await sink.close();
  });

  it('reopen() writes what is queued and lets go of a renamed file at once, without waiting for a line', async () => {
    const dir = tempDir();
    const { sink, file } = sinkIn(dir);
    await put(sink, 'one');
    sink.write('queued\n');
    renameSync(file, `${file}.1`);
    await sink.reopen();
    // The queued line went to the path as it is now; the renamed file is no longer open.
    expect(read(`${file}.1`)).toBe('one\n');
    expect(read(file)).toBe('queued\n');
    renameSync(file, `${file}.2`);
    await sink.reopen();
    expect(openFiles().filter((path) => path.startsWith(file))).toEqual([]);
    await put(sink, 'two');
    await sink.close();
    expect(read(file)).toBe('two\n');
  });

  it('keeps the newline fix of a file that ends mid-line when ready() opened it', async () => {
    const dir = tempDir();
    const { sink, file } = sinkIn(dir);
    writeFileSync(file, '{"cut short');
    await sink.ready();
    await put(sink, 'whole');
    await sink.close();
    expect(read(file)).toBe('{"cut short\nwhole\n');
  });

  it('recreates a deleted directory too, and reports nothing', async () => {
    const dir = tempDir();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const { sink, file, reports } = sinkIn(logs);
    await put(sink, 'first');
    rmSync(logs, { recursive: true });
    await put(sink, 'second');
    await sink.close();
    expect(read(file)).toBe('second\n');
    expect(reports).toEqual([]);
  });
});

describe('AppendFileSink bounds its queue in bytes', () => {
  it('drops lines past maxBytes, counts them and reports the drop twice', async () => {
    const dir = tempDir();
    const { sink, file, reports } = sinkIn(dir, { maxLines: 1000, maxBytes: 1000 });
    const line = `${'x'.repeat(99)}\n`; // 100 bytes
    for (let i = 0; i < 25; i++) sink.write(line);
    expect(sink.dropped).toBe(15);
    await sink.flush();
    expect(read(file)).toBe(line.repeat(10));
    expect(reports).toEqual([
      `10 lines (1000 bytes) are waiting for ${file}, the most allowed (1000 lines, 1000 bytes); dropping lines until the disk catches up`,
      `15 line(s) were dropped while ${file} could not keep up`,
    ]);
    // Room again once written.
    await put(sink, 'after');
    expect(read(file).endsWith('after\n')).toBe(true);
    await sink.close();
  });

  it('counts bytes of UTF-8, not characters', async () => {
    const dir = tempDir();
    const { sink } = sinkIn(dir, { maxLines: 1000, maxBytes: 100 });
    // 'é' is 2 bytes: 30 of them and a newline make 61 bytes, two lines are over 100.
    sink.write(`${'é'.repeat(30)}\n`);
    sink.write(`${'é'.repeat(30)}\n`);
    expect(sink.dropped).toBe(1);
    await sink.close();
  });

  it('takes a line larger than maxBytes when nothing else waits, so that no size is never written', async () => {
    const dir = tempDir();
    const { sink, file } = sinkIn(dir, { maxLines: 1000, maxBytes: 10 });
    await put(sink, 'a line of more than ten bytes');
    expect(sink.dropped).toBe(0);
    sink.write('another line over ten\n');
    sink.write('dropped behind it\n');
    expect(sink.dropped).toBe(1);
    await sink.close();
    expect(read(file)).toBe('a line of more than ten bytes\nanother line over ten\n');
  });

  it('counts the batch being written: a write stuck on the disk keeps the bound', async () => {
    const dir = tempDir();
    // A FIFO nobody reads holds 64 KiB: a 90 KB batch stays "being written" until a reader comes.
    const fifo = join(dir, 'tracking.log');
    execFileSync('mkfifo', [fifo]);
    const sink = new AppendFileSink(fifo, () => undefined, { maxLines: 1000, maxBytes: 100_000 });
    const line = (char: string) => `${char.repeat(29_999)}\n`;
    for (let i = 0; i < 3; i++) sink.write(line('y'));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the batch left the queue; its write blocks
    for (let i = 0; i < 3; i++) sink.write(line('z'));
    expect(sink.dropped).toBe(3);
    const chunks: Buffer[] = [];
    const reader = createReadStream(fifo).on('data', (chunk) => chunks.push(chunk as Buffer));
    await sink.close();
    await new Promise((resolve) => reader.on('close', () => resolve(undefined)));
    expect(Buffer.concat(chunks).toString()).toBe(line('y').repeat(3));
  });
});

describe('AppendFileSink.ready()', () => {
  it('creates the file and its directory', async () => {
    const dir = tempDir();
    const file = join(dir, 'a', 'b', 'tracking.log');
    const sink = new AppendFileSink(file, () => undefined);
    await sink.ready();
    expect(statSync(file).size).toBe(0);
    await sink.close();
  });

  it('explains a path under a regular file, at startup and at write time', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    const file = join(blocker, 'logs', 'tracking.log');
    const reports: Error[] = [];
    const sink = new AppendFileSink(file, (error) => reports.push(error));
    const explained = `cannot create ${file}: ${blocker} is a file, not a directory; choose a writable path with edxDefaults({ trackingLog }) (or LoggerBackend's filename), or move ${blocker} away`;
    await expect(sink.ready()).rejects.toThrow(explained);
    sink.write('line\n');
    await sink.flush();
    expect(reports.map((error) => error.message)).toEqual([`1 line(s) not written to ${file}: ${explained}`]);
    expect(existsSync(file)).toBe(false);
  });

  it('explains a path that is a directory', async () => {
    const dir = tempDir();
    const sink = new AppendFileSink(dir, () => undefined);
    await expect(sink.ready()).rejects.toThrow(`cannot write ${dir}: it is a directory; give the path of a file in it, e.g. ${dir}/tracking.log`);
  });

  it('explains a file system that takes no files (/proc)', async () => {
    const sink = new AppendFileSink('/proc/tracking.log', () => undefined);
    await expect(sink.ready()).rejects.toThrow(
      "cannot write /proc/tracking.log: it cannot be created there (a symbolic link to a missing directory, such as a volume not mounted, or a file system that takes no files, such as /proc); mount the volume or choose a writable path with edxDefaults({ trackingLog }) (or LoggerBackend's filename)",
    );
  });

  it('explains a symbolic link to a directory that is not there (a volume not mounted)', async () => {
    const dir = tempDir();
    const file = join(dir, 'tracking.log');
    symlinkSync(join(dir, 'mnt', 'logs', 'tracking.log'), file);
    const sink = new AppendFileSink(file, () => undefined);
    await expect(sink.ready()).rejects.toThrow(`cannot write ${file}: it cannot be created there (a symbolic link to a missing directory`);
  });

  it('explains permission denied, naming the uid: sysfs refuses new files to everyone, root included', async () => {
    const sink = new AppendFileSink('/sys/tracking.log', () => undefined);
    await expect(sink.ready()).rejects.toThrow(
      `cannot write /sys/tracking.log: permission denied (running as uid ${process.getuid!()}); choose a writable path with edxDefaults({ trackingLog }) (or LoggerBackend's filename) or grant write access to it and its directory`,
    );
  });

  it('explains a permission problem, naming the uid (in a child process; as root, the child runs as nobody)', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    // The sink alone, bundled for a plain node child (npm test does not build dist/).
    const bundle = join(dir, 'sink.js');
    execFileSync(join(__dirname, '../../node_modules/.bin/esbuild'), [join(__dirname, '../../src/backends/append-file-sink.ts'), '--bundle', '--platform=node', `--outfile=${bundle}`, '--log-level=error']);
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    const file = join(locked, 'tracking.log');
    const uid = process.getuid!() === 0 ? 65534 : process.getuid!();
    const script = `new (require(${JSON.stringify(bundle)}).AppendFileSink)(${JSON.stringify(file)}, () => {}).ready().then(() => console.log('ready'), (e) => console.log(e.message))`;
    const output = execFileSync(process.execPath, ['-e', script], { uid, gid: uid === 65534 ? 65534 : process.getgid!(), encoding: 'utf8' }).trim();
    expect(output).toBe(
      `cannot write ${file}: permission denied (running as uid ${uid}); choose a writable path with edxDefaults({ trackingLog }) (or LoggerBackend's filename) or grant write access to it and its directory`,
    );
  });
});

describe('AppendFileSink write failures', () => {
  it('explains a failed write as it explains a failed open: a full disk (/dev/full)', async () => {
    const reports: string[] = [];
    const sink = new AppendFileSink('/dev/full', (error) => reports.push(error.message));
    sink.write('line\n');
    await sink.close();
    expect(reports).toEqual([
      "1 line(s) not written to /dev/full: cannot write /dev/full: no space left on the device (or the disk quota is used up); free some space or choose a writable path with edxDefaults({ trackingLog }) (or LoggerBackend's filename) on another disk",
    ]);
    expect(sink.lost).toBe(1);
  });
});

describe('AppendFileSink encodes each batch into a buffer of the size it counted', () => {
  it('writes lines of 1- to 4-byte characters and lone surrogates whole, as Buffer.from encodes them', async () => {
    const dir = tempDir();
    // A file left mid-line: the first batch starts with its newline (a 1-byte prefix).
    writeFileSync(join(dir, 'tracking.log'), 'cut short');
    const { sink, file, reports } = sinkIn(dir);
    const lines = ['ascii', 'é à ü', '中文字符', '😀 emoji 🎉', 'lone \ud800 high', 'lone \udfff low', 'mixed é中😀\ud83d', ''];
    const reversed = [...lines].reverse();
    await put(sink, ...lines);
    await put(sink, ...reversed);
    await sink.close();
    const expected = `cut short\n${lines.join('\n')}\n${reversed.join('\n')}\n`;
    expect(readFileSync(file).equals(Buffer.from(expected, 'utf8'))).toBe(true);
    expect(reports).toEqual([]);
  });
});
