import { parseCourseKey } from '../../src/keys/course-key';
import { courseContextFromCourseId, courseContextFromUrl } from '../../src/request/course';

const EMPTY = { course_id: '', org_id: '', enterprise_uuid: '' };
const TEST_COURSE = { course_id: 'test/course_name/course_run', org_id: 'test', enterprise_uuid: '' };
const V1_COURSE = { course_id: 'course-v1:test+course_name+course_run', org_id: 'test', enterprise_uuid: '' };

describe('courseContextFromUrl: the data of test_contexts.py', () => {
  const suffixes = ['', '/more/stuff', '?format=json'];

  it.each(suffixes)('finds the deprecated course in a URL with suffix %p', (suffix) => {
    expect(courseContextFromUrl(`http://foo.bar.com/courses/test/course_name/course_run${suffix}`)).toEqual(TEST_COURSE);
  });

  it.each(suffixes)('finds the course-v1 course in a URL with suffix %p', (suffix) => {
    expect(courseContextFromUrl(`http://foo.bar.com/courses/course-v1:test+course_name+course_run${suffix}`)).toEqual(
      V1_COURSE,
    );
  });

  it.each(suffixes)('finds the course later in the path, with suffix %p', (suffix) => {
    expect(courseContextFromUrl(`http://foo.bar.com/x/y/z/courses/test/course_name/course_run${suffix}`)).toEqual(
      TEST_COURSE,
    );
    expect(
      courseContextFromUrl(`http://foo.bar.com/x/y/z/courses/course-v1:test+course_name+course_run${suffix}`),
    ).toEqual(V1_COURSE);
  });

  it.each(['http://foo.bar.com/dashboard', null, undefined, ''])('gives empty strings for %p', (url) => {
    expect(courseContextFromUrl(url)).toEqual(EMPTY);
  });

  it.each(['', '/', '/?', '?format=json'])('gives empty strings for a malformed course id with suffix %p', (suffix) => {
    expect(courseContextFromUrl(`http://foo.bar.com/courses/test/course_name${suffix}`)).toEqual(EMPTY);
  });

  it('writes the keys in the order Open edX inserts them', () => {
    expect(Object.keys(courseContextFromUrl('http://h/courses/a/b/c'))).toEqual(['course_id', 'org_id', 'enterprise_uuid']);
    expect(Object.keys(courseContextFromUrl(null))).toEqual(['course_id', 'org_id', 'enterprise_uuid']);
  });
});

describe('courseContextFromUrl: the regex', () => {
  it('stops the run at a query string right after it', () => {
    expect(courseContextFromUrl('http://h/courses/a/b/c?x=1')).toEqual({ course_id: 'a/b/c', org_id: 'a', enterprise_uuid: '' });
    expect(courseContextFromUrl('http://h/courses/course-v1:a+b+c?x=1/y').course_id).toBe('course-v1:a+b+c');
  });

  it('stops a course-v1 key at the next slash', () => {
    expect(courseContextFromUrl('http://h/courses/course-v1:test+course_name+course_run/more').course_id).toBe(
      'course-v1:test+course_name+course_run',
    );
  });

  it('skips /courses/v1/... API prefixes and finds a later /courses/ segment', () => {
    expect(courseContextFromUrl('http://h/api/courses/v1/courses/a/b/c')).toEqual({ course_id: 'a/b/c', org_id: 'a', enterprise_uuid: '' });
    expect(courseContextFromUrl('http://h/api/courses/v2/blocks/x')).toEqual(EMPTY);
    expect(courseContextFromUrl('http://h/api/courses/v1/courses/course-v1:o+c+r/')).toEqual({
      course_id: 'course-v1:o+c+r',
      org_id: 'o',
      enterprise_uuid: '',
    });
  });

  it('accepts "v" segments that are not API versions', () => {
    expect(courseContextFromUrl('http://h/courses/vx/b/c').course_id).toBe('vx/b/c');
  });

  it('gives empty strings when the captured id is not a valid key', () => {
    expect(courseContextFromUrl('http://h/courses/a+b/c')).toEqual(EMPTY); // neither form
    expect(courseContextFromUrl('http://h/courses/a/b/c+d')).toEqual(EMPTY); // '+' in a deprecated run
    expect(courseContextFromUrl('http://h/courses/course-v1:a+b/c')).toEqual(EMPTY);
  });

  it('matches the query string too, as Open edX matches the whole absolute URL', () => {
    expect(courseContextFromUrl('http://h/dashboard?next=/courses/a/b/c').course_id).toBe('a/b/c');
  });

  it('keeps branch and version suffixes', () => {
    const id = 'course-v1:org+course+run+branch@draft+version@519665f6223ebd6980884f2b';
    expect(courseContextFromUrl(`http://h/courses/${id}/info`)).toEqual({ course_id: id, org_id: 'org', enterprise_uuid: '' });
  });
});

describe('courseContextFromUrl: an explicit course id', () => {
  it('is used instead of the URL', () => {
    expect(courseContextFromUrl('http://h/courses/a/b/c', 'course-v1:x+y+z')).toEqual({
      course_id: 'course-v1:x+y+z',
      org_id: 'x',
      enterprise_uuid: '',
    });
    expect(courseContextFromUrl(null, 'x/y/z').course_id).toBe('x/y/z');
  });

  it('gives the empty context when invalid, even if the URL names a valid course', () => {
    expect(courseContextFromUrl('http://h/courses/a/b/c', 'not a key')).toEqual(EMPTY);
  });

  it('falls back to the URL when empty or null', () => {
    expect(courseContextFromUrl('http://h/courses/a/b/c', '').course_id).toBe('a/b/c');
    expect(courseContextFromUrl('http://h/courses/a/b/c', null).course_id).toBe('a/b/c');
  });
});

describe('parseCourseKey', () => {
  it('parses course-v1 keys', () => {
    expect(parseCourseKey('course-v1:edX+DemoX+Demo_Course')).toEqual({
      id: 'course-v1:edX+DemoX+Demo_Course',
      org: 'edX',
      course: 'DemoX',
      run: 'Demo_Course',
      branch: null,
      versionGuid: null,
      deprecated: false,
    });
  });

  it('accepts the characters opaque-keys allows: \\w - ~ . :', () => {
    expect(parseCourseKey('course-v1:Org.X+C-1~2+2024:T1')?.run).toBe('2024:T1');
    expect(parseCourseKey('course-v1:Université+Cours+été')?.org).toBe('Université');
  });

  it('parses branch and version suffixes', () => {
    expect(parseCourseKey('course-v1:o+c+r+branch@published')).toMatchObject({ branch: 'published', versionGuid: null });
    expect(parseCourseKey('course-v1:o+c+r+version@519665f6223ebd6980884f2b')).toMatchObject({
      branch: null,
      versionGuid: '519665f6223ebd6980884f2b',
    });
  });

  it.each([
    'course-v1:o+c',
    'course-v1:o+c+r+',
    'course-v1:o+c+r+branch@',
    'course-v1:o+c+r+version@xyz',
    'course-v1:o+c+r+version@519665f6',
    'course-v1:o+c+r+version@519665F6223EBD6980884F2B',
    'course-v1:o+c+r+version@519665f6223ebd6980884f2b+branch@b',
    'course-v1:o+c+r+type@html+block@x',
    'course-v1:version@519665f6223ebd6980884f2b',
    'course-v1:o+c+r/x',
    'course-v1:o+c r+x',
    'ccx-v1:o+c+r+ccx@1',
    'library-v1:o+lib',
    'o+c+r',
    'a/b',
    'a/b/c/d',
    '/b/c',
    'a//c',
    'a/b/c+d',
    'a:b/c/d',
    'a/b/c\n',
    '',
  ])('rejects %p', (text) => {
    expect(parseCourseKey(text)).toBeNull();
  });

  it('parses deprecated keys, with % and an empty run allowed', () => {
    expect(parseCourseKey('MITx/6.002x/2012_Fall')).toMatchObject({ org: 'MITx', course: '6.002x', run: '2012_Fall', deprecated: true });
    expect(parseCourseKey('a%20b/c-d/e')?.id).toBe('a%20b/c-d/e');
    expect(parseCourseKey('org/course/')).toMatchObject({ id: 'org/course/', run: '' });
  });

  it('never throws on a non-string', () => {
    expect(parseCourseKey(undefined as unknown as string)).toBeNull();
  });
});

describe('courseContextFromCourseId', () => {
  it('gives the empty context for null', () => {
    expect(courseContextFromCourseId(null)).toEqual(EMPTY);
  });

  it("gives the key's text and org", () => {
    expect(courseContextFromCourseId(parseCourseKey('course-v1:o+c+r'))).toEqual({ course_id: 'course-v1:o+c+r', org_id: 'o', enterprise_uuid: '' });
  });
});
