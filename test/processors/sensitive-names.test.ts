// Which names are sensitive: the default list, and how names compare.
import { PASSWORD_KEYS } from '../../src/processors/password-keys';
import { SENSITIVE_KEYS, SensitiveNames } from '../../src/processors/sensitive-names';

describe('SENSITIVE_KEYS', () => {
  it("starts with Open edX's seven password keys, and holds the names the issue found logged", () => {
    expect(SENSITIVE_KEYS.slice(0, 7)).toEqual(PASSWORD_KEYS);
    const names = new SensitiveNames(SENSITIVE_KEYS);
    for (const name of ['Password', 'pwd', 'passwd', 'access_token', 'api_key', 'token', 'client_secret', 'key']) expect(names.has(name)).toBe(true);
  });
});

describe('SensitiveNames', () => {
  const names = new SensitiveNames(SENSITIVE_KEYS);

  it.each([
    'password', 'Password', 'PASSWORD', 'new_password1', 'newPassword1', 'NEW-PASSWORD-1',
    'api_key', 'apikey', 'apiKey', 'API-KEY', 'Api Key', 'x-api-key',
    'accessToken', 'ACCESS_TOKEN', 'refresh-token', 'clientSecret', 'Authorization', 'csrfmiddlewaretoken', 'sessionid',
    'user[password]', 'user[Password]', 'account[settings][api_key]', 'password[]', 'user.password', 'a.b.token',
  ])('censors %s', (name) => {
    expect(names.has(name)).toBe(true);
  });

  it.each([
    'course_key', 'usage_key', 'block_key', 'keyboard', 'monkey', 'session', 'author', 'passwords_changed', 'my_password', 'token_type', 'user[name]', 'username', 'course_id', '',
  ])('leaves %s alone', (name) => {
    expect(names.has(name)).toBe(false);
  });

  it('takes any list, compared the same way', () => {
    const pins = new SensitiveNames(['PIN', 'card_number', '--']);
    expect(['pin', 'Pin', 'cardNumber', 'CARD-NUMBER', 'form[pin]'].map((name) => pins.has(name))).toEqual([true, true, true, true, true]);
    // A listed name with neither letters nor digits names nothing.
    expect(['password', '', '-', '--'].map((name) => pins.has(name))).toEqual([false, false, false, false]);
  });

  it('gives the same answer for a name seen again, and for names too long to remember', () => {
    const long = `${'x'.repeat(200)}[password]`;
    expect([names.has(long), names.has(long), names.has('Token'), names.has('Token')]).toEqual([true, true, true, true]);
    // Many distinct names: the memory starts over rather than growing, answers stay right.
    for (let i = 0; i < 12000; i++) expect(names.has(`field${i}`)).toBe(false);
    expect(names.has('apiKey')).toBe(true);
  });
});
