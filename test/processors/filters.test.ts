import { EventEmissionExit, NameWhitelistProcessor, RegexFilterProcessor } from '../../src';

describe('NameWhitelistProcessor', () => {
  const whitelist = new NameWhitelistProcessor({ whitelist: ['edx.course.enrollment.activated', 'b'] });

  it('keeps exact names only', () => {
    const kept = { name: 'b' };
    expect(whitelist.process(kept)).toBe(kept);
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
    expect(() => new RegexFilterProcessor({ filterType: 'whitelist' as never })).toThrow(/option 'filterType' must be one of "allowlist", "blocklist", got "whitelist"/);
  });
});

describe('NameWhitelistProcessor on a list of events (a batch)', () => {
  it('keeps the whitelisted items, in order, and passes the list on even when it ends up empty', () => {
    const processor = new NameWhitelistProcessor({ whitelist: ['a', 'c'] });
    const events = [{ name: 'a', i: 1 }, { name: 'b' }, { name: 'c' }, { name: 'a', i: 2 }];
    expect(processor.process(events)).toEqual([{ name: 'a', i: 1 }, { name: 'c' }, { name: 'a', i: 2 }]);
    expect(processor.process([{ name: 'b' }])).toEqual([]);
  });
});
