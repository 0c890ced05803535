import { EventEmissionExit, NameWhitelistProcessor, RegexFilterProcessor } from '../../src';

describe('NameWhitelistProcessor', () => {
  const whitelist = new NameWhitelistProcessor({ whitelist: ['edx.course.enrollment.activated', 'b'] });

  it('keeps exact names only', () => {
    expect(whitelist.process({ name: 'b' })).toBeUndefined();
    for (const name of ['edx.course.enrollment', 'B', 'edx.course.enrollment.activated.x', undefined]) {
      expect(() => whitelist.process({ name })).toThrow(EventEmissionExit);
    }
  });

  it('drops everything with an empty whitelist', () => {
    expect(() => new NameWhitelistProcessor().process({ name: 'anything' })).toThrow(EventEmissionExit);
  });

  it('rejects a string whitelist', () => {
    expect(() => new NameWhitelistProcessor({ whitelist: 'edx.x' as never })).toThrow(TypeError);
  });
});

describe('RegexFilterProcessor', () => {
  it('allowlist keeps names matching at the start only', () => {
    const allow = new RegexFilterProcessor({ filterType: 'allowlist', regularExpressions: ['edx\\.video', 'problem_check$'] });
    expect(allow.process({ name: 'edx.video.played' })).toBeUndefined();
    expect(allow.process({ name: 'problem_check' })).toBeUndefined();
    expect(() => allow.process({ name: 'x.edx.video.played' })).toThrow(EventEmissionExit);
    expect(() => allow.process({ name: 'problem_check_fail' })).toThrow(EventEmissionExit);
  });

  it('blocklist drops matching names', () => {
    const block = new RegexFilterProcessor({ filterType: 'blocklist', regularExpressions: ['edx\\.ui'] });
    expect(() => block.process({ name: 'edx.ui.lms.x' })).toThrow(EventEmissionExit);
    expect(block.process({ name: 'edx.video.played' })).toBeUndefined();
  });

  it('rejects an invalid pattern or filter type at construction', () => {
    expect(() => new RegexFilterProcessor({ filterType: 'allowlist', regularExpressions: ['(unclosed'] })).toThrow(
      /invalid regular expression "\(unclosed"/,
    );
    expect(() => new RegexFilterProcessor({ filterType: 'whitelist' as never })).toThrow(/filterType must be 'allowlist' or 'blocklist'/);
  });
});
