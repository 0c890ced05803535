// The pieces `eventtracking log` is made of: the order of rotated files, the event
// filter and its globs, and the checks of `validate`.
import { checkTrackingLine } from '../../src/operations/line-check';
import { eventFilter, globToRegExp } from '../../src/operations/event-filter';
import { orderRotatedFiles } from '../../src/operations/log-files';
import { LogStats } from '../../src/operations/log-stats';
import { legacyEvent, legacyLine } from '../cli/support/log-files';

describe('orderRotatedFiles', () => {
  it("reads logrotate's numbered files oldest first, the live file last, as a shell glob would not", () => {
    const glob = ['/var/log/tracking.log', '/var/log/tracking.log.1', '/var/log/tracking.log.10.gz', '/var/log/tracking.log.2.gz', '/var/log/tracking.log.3.gz'];
    expect(orderRotatedFiles(glob)).toEqual([
      '/var/log/tracking.log.10.gz',
      '/var/log/tracking.log.3.gz',
      '/var/log/tracking.log.2.gz',
      '/var/log/tracking.log.1',
      '/var/log/tracking.log',
    ]);
  });

  it('reads dateext files in date order, keeps the order of different logs, and reads a file given twice once', () => {
    expect(orderRotatedFiles(['b.log', 'a.log-20240502.gz', 'a.log', 'b.log.1', 'a.log-2024050112', 'a.log-20240501', 'b.log'])).toEqual([
      'b.log.1',
      'b.log',
      'a.log-20240501',
      'a.log-2024050112',
      'a.log-20240502.gz',
      'a.log',
    ]);
    expect(orderRotatedFiles(['x.json', 'tracking.log.gz'])).toEqual(['x.json', 'tracking.log.gz']);
  });
});

describe('globToRegExp and eventFilter', () => {
  it('matches globs whole: * any characters, ? one, [..] one of, [!..] none of; the rest literal', () => {
    const cases: Array<[string, string, boolean]> = [
      ['edx.course.enrollment.*', 'edx.course.enrollment.activated', true],
      ['edx.course.enrollment.*', 'edx.course.enrollmentXactivated', false],
      ['edx.course.*', 'xedx.course.x', false],
      ['*video', 'play_video', true],
      ['?lay_video', 'play_video', true],
      ['[ps]*_video', 'seek_video', true],
      ['[!ps]*_video', 'seek_video', false],
      ['course-v1:edX+*', 'course-v1:edX+DemoX+Demo_2014', true],
      ['course-v1:edX+DemoX+Demo_2014', 'course-v1:edX+DemoX+Demo_2014', true],
      ['(a|b)', '(a|b)', true],
      ['(a|b)', 'a', false],
      ['/courses/*/courseware/', '/courses/course-v1:edX+DemoX+Demo_2014/courseware/', true],
    ];
    for (const [glob, text, expected] of cases) expect([glob, text, globToRegExp(glob).test(text)]).toEqual([glob, text, expected]);
  });

  it('keeps an event when every criterion given holds, any value of each', () => {
    const events = Array.from({ length: 30 }, (_, i) => legacyEvent(i, 10));
    const keep = (criteria: Parameters<typeof eventFilter>[0]) => events.filter(eventFilter(criteria)).map((event) => events.indexOf(event));
    expect(keep({})).toHaveLength(30);
    expect(keep({ names: ['play_video'] })).toEqual([1, 6, 11, 16, 21, 26]);
    expect(keep({ names: ['play_video', 'edx.course.*'] })).toEqual([0, 1, 5, 6, 10, 11, 15, 16, 20, 21, 25, 26]);
    expect(keep({ users: ['u3'] })).toEqual([3, 13, 23]);
    expect(keep({ users: ['4', '#5'] })).toEqual([3, 4, 13, 14, 23, 24]); // user ids: u3 is user 4
    expect(keep({ courses: ['course-v1:MITx+*'], sources: ['browser'] })).toEqual([1, 7, 16, 22]);
    const start = Date.parse(events[10]!.time as string);
    expect(keep({ since: start, until: start + 3000 })).toEqual([10, 11, 12]);
    expect(keep({ since: start + 3000 })).toEqual(Array.from({ length: 17 }, (_, i) => 13 + i));
    expect(eventFilter({ since: 0 })({ name: 'no time' })).toBe(false);
    expect(eventFilter({ until: Date.now() })({ name: 'raw', timestamp: '2024-05-01T00:00:00.123456+00:00' })).toBe(true);
  });
});

describe('checkTrackingLine', () => {
  const check = (text: string, complete = true, maxEventSize: number | null = 50000) => checkTrackingLine({ number: 1, text, complete }, maxEventSize);

  it('finds a plain or a Tutor line of a legacy event valid; warns about a name not in namespace.object.action form', () => {
    expect(check(legacyLine(0))).toMatchObject({ errors: [], warnings: [] });
    expect(check(legacyLine(5, 'tutor'))).toMatchObject({ errors: [], warnings: [] });
    expect(check(legacyLine(1))).toMatchObject({ errors: [], warnings: ['event name "play_video" is not in namespace.object.action form'] });
    expect(check(legacyLine(3, 'tutor')).warnings).toEqual(['event name "/courses/course-v1:edX+DemoX+Demo_2014/courseware/" is not in namespace.object.action form']);
  });

  it('says what is wrong with an invalid line', () => {
    const event = legacyEvent(0);
    const without = (...keys: string[]) => JSON.stringify(Object.fromEntries(Object.entries(event).filter(([key]) => !keys.includes(key))));
    expect(check('not json').errors).toEqual(['no JSON object: neither a JSON line nor a [tracking] line of Python logging']);
    expect(check('{"name": ').errors).toEqual([expect.stringMatching(/^not JSON: /)]);
    expect(check('{"name": ', false).errors).toEqual([expect.stringMatching(/^cut short \(the last line, without its newline\): not JSON: /)]);
    expect(check('[1]').errors).toEqual(['no JSON object: neither a JSON line nor a [tracking] line of Python logging']);
    expect(check('  ').errors).toEqual(['an empty line']);
    expect(check(without('session', 'page')).errors).toEqual(['missing legacy fields: session, page']);
    expect(check(JSON.stringify({ ...event, time: 'soon', context: [] })).errors).toEqual(['time "soon" is not a date and time', 'context is not an object']);
    expect(check(legacyLine(0), true, 100).errors).toEqual([`the event is ${legacyLine(0).length} characters, over the max event size of 100`]);
    expect(check(legacyLine(0, 'tutor'), true, legacyLine(0).length).errors).toEqual([]);
    expect(checkTrackingLine({ number: 1, text: '', complete: true, problem: 'not-utf8', bytes: 9 }, null).errors).toEqual(['not valid UTF-8']);
    expect(checkTrackingLine({ number: 1, text: '', complete: true, problem: 'too-long', bytes: 99 }, null).errors).toEqual(['a line of 99 bytes, too long to read']);
  });
});

describe('LogStats', () => {
  it('counts by type, source, course and user, most frequent first, and the time range', () => {
    const stats = new LogStats();
    for (let i = 0; i < 30; i++) stats.add(legacyEvent(i, 4));
    stats.add({ name: 'anonymous.thing', context: {} });
    const summary = stats.summary(2);
    expect(summary).toMatchObject({
      events: 31,
      first: '2024-05-01T00:00:00.000Z',
      last: '2024-05-01T00:00:29.000Z',
      sources: [['server', 18], ['browser', 12]],
      courses: [['course-v1:HarvardX+CS50+X', 10], ['course-v1:MITx+6.002x+2024_T1', 10]],
      users: [['u0', 8], ['u1', 8]],
      distinct: { eventTypes: 6, sources: 3, courses: 4, users: 5 },
    });
    expect(summary.eventTypes).toEqual([['/courses/course-v1:edX+DemoX+Demo_2014/courseware/', 6], ['edx.course.enrollment.activated', 6]]);
  });
});
