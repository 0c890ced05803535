import { hashSessionKey } from '../../src/request/session';

const SECRET_KEY = '85920908f28904ed733fe576320db18cabd7b6cd';

describe('hashSessionKey', () => {
  it('matches the pinned vectors of test_session_key_substitution', () => {
    expect(hashSessionKey(SECRET_KEY, '665924b49a93e22b46ee9365abf28c2a')).toBe('b4103566fc80d20da1970cbb4380bccd');
    expect(hashSessionKey(SECRET_KEY, '665924b49a93e22b46ee9365abf28c2adifferent')).toBe(
      '6f0c784c1087c6bc4624b7eac982fedf',
    );
  });

  it('gives 32 lowercase hex characters', () => {
    expect(hashSessionKey('s', 'k')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('depends on the secret key', () => {
    expect(hashSessionKey('other', '665924b49a93e22b46ee9365abf28c2a')).not.toBe('b4103566fc80d20da1970cbb4380bccd');
  });

  it.each([[''], [null], [undefined]])('gives an empty string for the falsy key %p', (key) => {
    expect(hashSessionKey(SECRET_KEY, key)).toBe('');
  });
});
