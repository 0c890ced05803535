import { requireOptional } from '../../src/bus/optional-require';

describe('requireOptional', () => {
  it('names the package to install when an optional client is missing', () => {
    expect(() => requireOptional('eventtracking-no-such-package', 'SomeTransport')).toThrow(
      "SomeTransport needs the 'eventtracking-no-such-package' package, which is not installed: run `npm install eventtracking-no-such-package`",
    );
  });
});
