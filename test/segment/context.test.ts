import { buildSegmentContext, httpsUrl } from '../../src/segment/context';
import { STANDARD_CONTEXT } from './fixtures';

describe('buildSegmentContext', () => {
  it('maps the standard tracking context as Open edX test_track_with_standard_context expects', () => {
    expect(buildSegmentContext(STANDARD_CONTEXT)).toEqual({
      ip: '11.22.33.44',
      'Google Analytics': { clientId: '1033501218.1368477899' },
      userAgent: 'Mozilla/5.0 (test)',
      page: {
        path: '/this/is/a/path',
        referrer: 'https://example.com/referer',
        url: 'https://hostname/this/is/a/path',
      },
    });
  });

  it("uses the context's page rather than synthesizing one", () => {
    const result = buildSegmentContext({ ...STANDARD_CONTEXT, page: 'https://lms.example.com/courses/x' });
    expect(result.page).toEqual({
      path: '/this/is/a/path',
      referrer: 'https://example.com/referer',
      url: 'https://lms.example.com/courses/x',
    });
  });

  it('synthesizes no url without a host or a path', () => {
    expect(buildSegmentContext({ path: '/p', host: '' }).page).toEqual({ path: '/p' });
    expect(buildSegmentContext({ path: '', host: 'h' }).page).toEqual({ path: '' });
  });

  it('adds the slash between host and path as urlunsplit does', () => {
    expect(httpsUrl('h', 'p/q')).toBe('https://h/p/q');
    expect(httpsUrl('h', '/p')).toBe('https://h/p');
  });

  it('leaves out every null or undefined value, and the page when it would be empty', () => {
    expect(buildSegmentContext({ ip: null, agent: undefined, client_id: null, path: null, referer: null })).toEqual({});
    expect(buildSegmentContext({})).toEqual({});
  });

  it("keeps empty strings (the middleware's '' for a missing header), as Python's 'is not None' does", () => {
    expect(buildSegmentContext({ agent: '', referer: '' })).toEqual({ userAgent: '', page: { referrer: '' } });
  });

  it("never overrides what the caller's context has, and keeps its other keys", () => {
    const caller = {
      ip: '1.1.1.1',
      'Google Analytics': { clientId: 'given', sessionId: 's' },
      locale: 'fr-FR',
      page: { path: '/given' },
    };
    const result = buildSegmentContext(STANDARD_CONTEXT, caller);
    expect(result).toEqual({
      ip: '1.1.1.1',
      'Google Analytics': { clientId: 'given', sessionId: 's' },
      locale: 'fr-FR',
      userAgent: 'Mozilla/5.0 (test)',
      page: { path: '/given', referrer: 'https://example.com/referer', url: 'https://hostname/this/is/a/path' },
    });
    expect(caller.page).toEqual({ path: '/given' });
  });

  it("adds the clientId to a caller's Google Analytics object without one, keeping its keys", () => {
    const result = buildSegmentContext({ client_id: 'cid' }, { 'Google Analytics': { sessionId: 's' } });
    expect(result['Google Analytics']).toEqual({ sessionId: 's', clientId: 'cid' });
  });

  it("leaves a caller's page or Google Analytics that is not an object as it is", () => {
    const result = buildSegmentContext(STANDARD_CONTEXT, { page: 'home', 'Google Analytics': false });
    expect(result.page).toBe('home');
    expect(result['Google Analytics']).toBe(false);
  });
});
