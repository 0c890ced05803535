#!/usr/bin/env node
// Throughput of `eventtracking log` on a generated tracking.log, beside `grep -c` on the
// same file: `node bench/log-cli.mjs [--lines N] [--runs N] [--keep FILE]`. Uses the
// built CLI (dist/cjs/cli/index.js): run `npm run build` first. Each command runs --runs
// times, the commands interleaved so that a noisy machine slows all alike; the median
// is reported, with the load average before and after. The file is in the page cache
// (written just before), so this measures the CPU, not the disk.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summary, fmt, table } from './lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', 'dist', 'cjs', 'cli', 'index.js');

function parseArgs(argv) {
  const args = { lines: 1_000_000, runs: 5, keep: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (name === '--lines') args.lines = Number(value());
    else if (name === '--runs') args.runs = Number(value());
    else if (name === '--keep') args.keep = value();
    else {
      console.error('usage: node bench/log-cli.mjs [--lines N] [--runs N] [--keep FILE]');
      process.exit(2);
    }
  }
  return args;
}

const COURSES = ['course-v1:edX+DemoX+Demo_2014', 'course-v1:MITx+6.002x+2024_T1', 'course-v1:HarvardX+CS50+X'];
const TYPES = ['edx.course.enrollment.activated', 'play_video', 'edx.ui.lms.link_clicked', '/courses/course-v1:edX+DemoX+Demo_2014/courseware/', 'edx.grades.problem.submitted'];
const START = Date.UTC(2024, 4, 1);

/** Line i: a legacy event as LoggerBackend writes it, every other one with Tutor's prefix. */
function line(i) {
  const type = TYPES[i % TYPES.length];
  const course = COURSES[i % COURSES.length];
  const browser = type === 'play_video' || type === 'edx.ui.lms.link_clicked';
  const time = new Date(START + i * 1000).toISOString();
  const json = JSON.stringify({
    name: type,
    context: { user_id: (i % 1000) + 1, path: '/event', course_id: course, org_id: course.split(/[:+]/)[1] },
    username: `u${i % 1000}`,
    session: 'b4103566fc80d20da1970cbb4380bccd',
    ip: '11.22.33.44',
    agent: 'Mozilla/5.0 (X11; Linux x86_64)',
    host: 'courses.example.com',
    referer: `https://courses.example.com/courses/${course}/courseware/`,
    accept_language: 'en-US,en;q=0.9',
    event: browser ? JSON.stringify({ id: `v${i % 100}`, currentTime: i % 300 }) : { course_id: course, n: i % 3000 },
    time: `${time.slice(0, 19)}+00:00`,
    event_type: type,
    event_source: browser ? 'browser' : 'server',
    page: null,
  });
  if (i % 2 === 0) return json;
  return `${time.slice(0, 10)} ${time.slice(11, 19)},${time.slice(20, 23)} INFO 4242 [tracking] [user ${(i % 1000) + 1}] [ip 11.22.33.44] logger.py:41 - ${json}`;
}

async function generate(file, count) {
  const out = createWriteStream(file);
  for (let i = 0; i < count; i += 100) {
    const batch = [];
    for (let k = i; k < Math.min(count, i + 100); k++) batch.push(line(k));
    if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * Runs a command, its stdout a pipe that is read and thrown away (not /dev/null: GNU grep
 * behaves as `grep -q` when its output is /dev/null, and stops at the first match);
 * resolves with its wall time in ms.
 */
function timed(command, args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0 && !(command === 'grep' && code === 1)) return reject(new Error(`${command} ${args.join(' ')} exited ${code}`));
      resolve(Number(process.hrtime.bigint() - start) / 1e6);
    });
  });
}

const args = parseArgs(process.argv.slice(2));
if (!existsSync(CLI)) {
  console.error(`bench/log-cli.mjs: ${CLI} is missing: run npm run build first`);
  process.exit(1);
}
const dir = args.keep ? undefined : mkdtempSync(path.join(os.tmpdir(), 'et-bench-log-'));
const file = args.keep ?? path.join(dir, 'tracking.log');
if (!args.keep || !existsSync(file)) await generate(file, args.lines);
const bytes = statSync(file).size;

const commands = [
  { name: 'grep -c event_type', command: 'grep', args: ['-c', 'event_type', file] },
  { name: 'eventtracking log stats', command: process.execPath, args: [CLI, 'log', 'stats', file] },
  { name: 'eventtracking log validate', command: process.execPath, args: [CLI, 'log', 'validate', file] },
  { name: "eventtracking log filter --name 'edx.course.*'", command: process.execPath, args: [CLI, 'log', 'filter', '--name', 'edx.course.*', file] },
  { name: 'eventtracking log tail -n 10', command: process.execPath, args: [CLI, 'log', 'tail', file] },
];
const loadBefore = os.loadavg();
const times = new Map(commands.map((c) => [c.name, []]));
await timed('cat', [file]); // into the page cache
for (let run = 0; run < args.runs; run++) {
  for (const c of commands) times.get(c.name).push(await timed(c.command, c.args));
}
const loadAfter = os.loadavg();
if (dir) rmSync(dir, { recursive: true, force: true });

console.log(
  `\n${args.lines.toLocaleString('en-US')} lines, ${(bytes / 2 ** 20).toFixed(0)} MiB (half with Tutor's prefix); median of ${args.runs} runs; ` +
    `${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after\n`,
);
const rows = commands.map((c) => ({ name: c.name, ...summary(times.get(c.name)) }));
console.log(
  table(rows, [
    { title: 'command', get: (r) => r.name },
    { title: 'median s', get: (r) => fmt(r.median / 1000, 2), right: true },
    { title: 'lines/s', get: (r) => fmt((args.lines / r.median) * 1000), right: true },
    { title: 'MiB/s', get: (r) => fmt(bytes / 2 ** 20 / (r.median / 1000)), right: true },
    { title: 'min–max s', get: (r) => `${fmt(r.min / 1000, 2)}–${fmt(r.max / 1000, 2)}`, right: true },
  ]),
);
