// tracking.log files for the CLI tests: generated lines in Open edX's legacy layout,
// written as a stream (a million lines never sit in this process's memory).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { encodeJson } from '../../../src/encoding/json';
import { tutorLinePrefix } from '../../../src/encoding/tutor-line';

export const COURSES = ['course-v1:edX+DemoX+Demo_2014', 'course-v1:MITx+6.002x+2024_T1', 'course-v1:HarvardX+CS50+X'];
export const TYPES = ['edx.course.enrollment.activated', 'play_video', 'edx.ui.lms.link_clicked', '/courses/course-v1:edX+DemoX+Demo_2014/courseware/', 'edx.grades.problem.submitted'];
const SOURCES: Record<string, string> = { play_video: 'browser', 'edx.ui.lms.link_clicked': 'browser' };
/** The first event's time; event i is i seconds later. */
export const START = Date.UTC(2024, 4, 1, 0, 0, 0);

const made: string[] = [];

/** A fresh temporary folder, removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'et-log-cli-'));
  made.push(dir);
  return dir;
}

/** Removes the folders {@link tempDir} made (call in afterAll: some hold logs of many MB). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Event i of a generated log, in the legacy layout: user `u<i % users>`, type and course cycling. */
export function legacyEvent(i: number, users = 1000): Record<string, unknown> {
  const type = TYPES[i % TYPES.length] as string;
  const course = COURSES[i % COURSES.length] as string;
  const source = SOURCES[type] ?? 'server';
  const user = i % users;
  return {
    name: type,
    context: { user_id: user + 1, path: '/event', course_id: course, org_id: course.split(/[:+]/)[1] },
    username: `u${user}`,
    session: 'b4103566fc80d20da1970cbb4380bccd',
    ip: '11.22.33.44',
    agent: 'Mozilla/5.0 (X11; Linux x86_64)',
    host: 'courses.example.com',
    referer: `https://courses.example.com/courses/${course}/courseware/`,
    accept_language: 'en-US,en;q=0.9',
    event: source === 'browser' ? JSON.stringify({ id: `v${i % 100}`, currentTime: i % 300 }) : { course_id: course, n: i % 3000 },
    time: isoTime(START + i * 1000),
    event_type: type,
    event_source: source,
    page: null,
  };
}

/** Python's isoformat() of a whole second in UTC: `2024-05-01T00:00:07+00:00`. */
const isoTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}+00:00`;

const TIME_SLOT = '@@TIME@@';
/** Events repeat every 3000 but for their time (with 1000 users): their JSON, the time left as a slot. */
const templates = new Map<string, { event: Record<string, unknown>; json: string }>();

/** The line of event i: plain compact JSON, or with Tutor's prefix (pid 4242, logged at the event's time). */
export function legacyLine(i: number, format: 'plain' | 'tutor' = 'plain', users = 1000): string {
  const key = `${i % 3000}/${users}`;
  let template = templates.get(key);
  if (!template) {
    const event = legacyEvent(i, users);
    template = { event, json: encodeJson({ ...event, time: TIME_SLOT }) };
    if (users === 1000) templates.set(key, template);
  }
  const json = template.json.replace(TIME_SLOT, isoTime(START + i * 1000));
  return format === 'tutor' ? tutorLinePrefix(template.event, START + i * 1000, 4242) + json : json;
}

/** Writes `count` generated lines to `file` as a stream; lines for which `format(i)` says 'tutor' get the prefix. */
export async function writeLog(file: string, count: number, format: (i: number) => 'plain' | 'tutor' = () => 'plain', users = 1000): Promise<void> {
  const out = createWriteStream(file);
  let batch: string[] = [];
  for (let i = 0; i < count; i++) {
    batch.push(legacyLine(i, format(i), users));
    // About 64 KB a write: a larger string goes to V8's large-object space, several times slower to make.
    if (batch.length === 100 || i === count - 1) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      batch = [];
    }
  }
  out.end();
  await once(out, 'finish');
}
