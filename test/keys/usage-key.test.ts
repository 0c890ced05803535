import { parseUsageKey, usageKeyHtmlId } from '../../src/keys/usage-key';

function htmlId(text: string): string | null {
  const key = parseUsageKey(text);
  return key === null ? null : usageKeyHtmlId(key);
}

describe('parseUsageKey / usageKeyHtmlId (opaque-keys UsageKey.from_string(...).html_id())', () => {
  it('gives the i4x id of a deprecated key, cleaned for HTML (the test_segmentio example)', () => {
    expect(htmlId('i4x://foo/bar/baz/some_module')).toBe('i4x-foo-bar-baz-some_module');
    expect(parseUsageKey('i4x://foo/bar/baz/some_module')).toEqual({
      id: 'i4x://foo/bar/baz/some_module', org: 'foo', course: 'bar', run: null, blockType: 'baz', blockId: 'some_module', deprecated: true,
    });
  });

  it('replaces each non-word character but "-" by "_" and collapses runs of "_" (clean_for_html)', () => {
    expect(htmlId('i4x://MITx/6.002x/video/Welcome.to:the~course%20')).toBe('i4x-MITx-6_002x-video-Welcome_to_the_course_20');
    expect(htmlId('i4x://o/c/problem/a__b..c')).toBe('i4x-o-c-problem-a_b_c');
    // The revision is not part of the id.
    expect(htmlId('i4x://o/c/html/intro@draft')).toBe('i4x-o-c-html-intro');
    // Unicode letters and digits are word characters, as in Python.
    expect(htmlId('i4x://École/c/video/été')).toBe('i4x-École-c-video-été');
  });

  it('gives the block id of a block-v1 key exactly as it is (no cleaning)', () => {
    expect(htmlId('block-v1:edX+DemoX+Demo_2014+type@video+block@0b9e39477cf34507a7a48f74be381fdd')).toBe(
      '0b9e39477cf34507a7a48f74be381fdd',
    );
    expect(htmlId('block-v1:org+course+run+type@video+block@my.block:v~2')).toBe('my.block:v~2');
    expect(htmlId('block-v1:org+course+run+branch@draft+version@519665f6223ebd6980884f2b+type@html+block@x')).toBe('x');
    expect(htmlId('block-v1:version@519665f6223ebd6980884f2b+type@html+block@x')).toBe('x');
    expect(parseUsageKey('block-v1:o+c+r+type@video+block@b')).toMatchObject({ org: 'o', course: 'c', run: 'r', blockType: 'video', deprecated: false });
  });

  it.each([
    'some_module',
    'i4x://foo/bar/baz',
    'i4x://foo/bar/baz/',
    'i4x://fo:o/bar/baz/x', // ':' is not allowed in a deprecated org
    'i4x://foo/bar/baz/a b', // nor a blank in a block id
    'i4x://foo/bar/baz/x@', // an empty revision
    'block-v1:o+c+type@video+block@b', // no run and no version
    'block-v1:o+c+r+type@video', // no block
    'block-v1:o+c+r+type@video+block@a%20b', // '%' passes the pattern, not the constructor
    'block-v1:o+c+r+type@video+block@b+', // a trailing '+'
    'block-v1:version@abc+type@html+block@x', // a version guid must be 24 hex digits
    'lb:org:lib:html:intro', // other namespaces are not parsed
    'course-v1:o+c+r',
    '',
  ])('refuses %j', (text) => {
    expect(parseUsageKey(text)).toBeNull();
  });

  it('refuses what is not a string', () => {
    for (const value of [null, undefined, 42, {}, ['i4x://a/b/c/d']]) expect(parseUsageKey(value)).toBeNull();
  });
});
