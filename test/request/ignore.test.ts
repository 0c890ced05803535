import {
  CMS_IGNORE_URL_PATTERNS,
  LMS_IGNORE_URL_PATTERNS,
  compileUrlPatterns,
  isIgnoredPath,
} from '../../src/request/ignore';

describe('ignore patterns', () => {
  it('has the LMS and CMS defaults', () => {
    expect(LMS_IGNORE_URL_PATTERNS).toEqual(['^/event', '^/login', '^/heartbeat', '^/segmentio/event', '^/performance']);
    expect(CMS_IGNORE_URL_PATTERNS).toEqual(['^/event', '^/login', '^/heartbeat']);
  });

  it.each(['/event', '/event/1', '/login', '/heartbeat', '/segmentio/event', '/performance'])(
    'ignores %s by default (LMS)',
    (path) => {
      expect(isIgnoredPath(path, compileUrlPatterns(LMS_IGNORE_URL_PATTERNS))).toBe(true);
    },
  );

  it.each(['/courses/', '/', '', '/x/event', '/segmentio/other'])('does not ignore %p by default', (path) => {
    expect(isIgnoredPath(path, compileUrlPatterns(LMS_IGNORE_URL_PATTERNS))).toBe(false);
  });

  it('ignores nothing with no patterns', () => {
    expect(isIgnoredPath('/event', compileUrlPatterns([]))).toBe(false);
  });

  it("anchors string patterns at the start, like Python's re.match", () => {
    const patterns = compileUrlPatterns(['/some/excluded.*']);
    expect(isIgnoredPath('/some/excluded/url', patterns)).toBe(true);
    expect(isIgnoredPath('/excluded', patterns)).toBe(false);
    expect(isIgnoredPath('/x/some/excluded', patterns)).toBe(false);
    expect(isIgnoredPath('/a', compileUrlPatterns(['/b|/a']))).toBe(true);
  });

  it('anchors RegExp patterns at the start too, whatever their flags', () => {
    expect(isIgnoredPath('/x/event', compileUrlPatterns([/event/]))).toBe(false);
    expect(isIgnoredPath('/event', compileUrlPatterns([/\/EVENT/gi]))).toBe(true);
    // Uncompiled RegExps work as well, and their state is reset.
    const global = /\/event/g;
    expect(isIgnoredPath('/x/event', [global])).toBe(false);
    expect(isIgnoredPath('/event', [global])).toBe(true);
    expect(isIgnoredPath('/event', [global])).toBe(true);
    expect(global.lastIndex).toBe(0);
  });

  it('does not mutate RegExp inputs', () => {
    const input = /^\/a/g;
    const [compiled] = compileUrlPatterns([input]);
    expect(compiled).not.toBe(input);
    expect(input.flags).toBe('g');
    expect(compiled?.sticky).toBe(true);
  });

  it("accepts Python's named-group syntax", () => {
    const patterns = compileUrlPatterns(['^/(?P<x>a)/(?P=x)$']);
    expect(isIgnoredPath('/a/a', patterns)).toBe(true);
    expect(isIgnoredPath('/a/b', patterns)).toBe(false);
  });

  it('throws a TypeError naming an invalid pattern', () => {
    expect(() => compileUrlPatterns(['^/ok', '^/bad('])).toThrow(TypeError);
    expect(() => compileUrlPatterns(['^/bad('])).toThrow('"^/bad("');
  });
});
