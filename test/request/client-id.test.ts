import { gaClientId, readCookie } from '../../src/request/client-id';

describe('gaClientId', () => {
  it('takes the client id from the _ga cookie', () => {
    expect(gaClientId('_ga=GA1.2.1033501218.1368477899', undefined)).toBe('1033501218.1368477899');
  });

  it('finds the cookie among others, with spaces', () => {
    expect(gaClientId('a=1;  _ga = GA1.2.11.22 ; b=2', 'header-id')).toBe('11.22');
  });

  it('prefers the cookie over the header', () => {
    expect(gaClientId('_ga=GA1.2.3.4', 'from-header')).toBe('3.4');
  });

  it('gives an empty string for a short or empty _ga cookie', () => {
    expect(gaClientId('_ga=GA1.2', undefined)).toBe('');
    expect(gaClientId('_ga=', 'h')).toBe('');
  });

  it('uses the X-EDX-GA-CLIENT-ID header without a cookie', () => {
    expect(gaClientId(undefined, '555.666')).toBe('555.666');
    expect(gaClientId('other=1', '555.666')).toBe('555.666');
    expect(gaClientId('other=1', ['first', 'second'])).toBe('first');
    expect(gaClientId(undefined, '')).toBe('');
  });

  it('gives null when neither is present', () => {
    expect(gaClientId(undefined, undefined)).toBeNull();
    expect(gaClientId('', undefined)).toBeNull();
    expect(gaClientId('_gat=1; x_ga=GA1.2.3.4', [])).toBeNull();
  });

  it('decodes quoted and percent-encoded values, and never throws on bad ones', () => {
    expect(gaClientId('_ga="GA1.2.3.4"', undefined)).toBe('3.4');
    expect(gaClientId('_ga=GA1.2.%33.4', undefined)).toBe('3.4');
    expect(gaClientId('_ga=GA1.2.%E0%A4%A.%ZZ', undefined)).toBe('%E0%A4%A.%ZZ');
    expect(gaClientId('_ga="', undefined)).toBe('');
  });
});

describe('readCookie', () => {
  it('splits at the first "="', () => {
    expect(readCookie('k=a=b', 'k')).toBe('a=b');
  });

  it('lets a later pair win, as Django does', () => {
    expect(readCookie('k=1; k=2', 'k')).toBe('2');
  });

  it('does not take a chunk without "=" as a name', () => {
    expect(readCookie('k; j=1', 'k')).toBeUndefined();
    expect(readCookie('j=1; k', 'k')).toBeUndefined();
  });

  it('matches whole names only, across empty chunks and a trailing ";"', () => {
    expect(readCookie('xk=1;;  k = v ;', 'k')).toBe('v');
    expect(readCookie('a=k; kk=2', 'k')).toBeUndefined();
    expect(readCookie('k=1; k=', 'k')).toBe('');
  });

  it('unescapes Python cookie quoting', () => {
    expect(readCookie('k="a\\"b\\054c"', 'k')).toBe('a"b,c');
  });
});

/**
 * The characters the string searches and copies of `run` examine in `text` (the
 * parser reads the header only through indexOf, includes and slice): an operation count,
 * which a timing would only approximate.
 */
function charactersExamined(text: string, run: () => void): number {
  let examined = 0;
  const { indexOf, includes, slice } = String.prototype;
  const spies = [
    jest.spyOn(String.prototype, 'indexOf').mockImplementation(function (this: string, search: string, from?: number) {
      const found = indexOf.call(this, search, from);
      if (this === text) examined += (found < 0 ? this.length : found + search.length) - Math.max(0, from ?? 0);
      return found;
    }),
    jest.spyOn(String.prototype, 'includes').mockImplementation(function (this: string, search: string, from?: number) {
      if (this === text) {
        const found = indexOf.call(this, search, from);
        examined += (found < 0 ? this.length : found + search.length) - Math.max(0, from ?? 0);
      }
      return includes.call(this, search, from);
    }),
    jest.spyOn(String.prototype, 'slice').mockImplementation(function (this: string, start?: number, end?: number) {
      const part = slice.call(this, start, end);
      if (this === text) examined += part.length;
      return part;
    }),
  ];
  try {
    run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return examined;
}

describe('readCookie on hostile headers', () => {
  // Issue 20: `Cookie: _ga;;;…` of 1 MB took 4.9 s, every pair searching the rest of the header for '='.
  it.each([
    ['_ga;;;…', `_ga${';'.repeat(200000)}`],
    ['_ga=1;;;…', `_ga=1${';'.repeat(200000)}`],
    ['pairs without =, then _ga', `${'x;'.repeat(20000)}_ga=GA1.2.3.4`],
    ['many short cookies', `${'a=1; '.repeat(10000)}_ga=GA1.2.3.4`],
  ])('reads each character a bounded number of times: %s', (_name, header) => {
    const examined = charactersExamined(header, () => gaClientId(header, undefined));
    expect(examined).toBeGreaterThan(0);
    expect(examined).toBeLessThan(4 * header.length);
  });

  it('still finds the cookie in them', () => {
    expect(gaClientId(`${'x;'.repeat(1000)}_ga=GA1.2.3.4`, undefined)).toBe('3.4');
    expect(gaClientId(`_ga${';'.repeat(1000)}`, 'h')).toBe('h');
    expect(readCookie(`_ga=1${';'.repeat(1000)}`, '_ga')).toBe('1');
  });
});
