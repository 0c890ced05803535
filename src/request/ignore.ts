import { failOption, OptionsError, type OptionType } from '../core/options';

/** The LMS default of `TRACKING_IGNORE_URL_PATTERNS`: paths that get no page-request event. */
export const LMS_IGNORE_URL_PATTERNS: readonly string[] = Object.freeze([
  '^/event',
  '^/login',
  '^/heartbeat',
  '^/segmentio/event',
  '^/performance',
]);

/** The CMS (Studio) default of `TRACKING_IGNORE_URL_PATTERNS`. */
export const CMS_IGNORE_URL_PATTERNS: readonly string[] = Object.freeze(['^/event', '^/login', '^/heartbeat']);

/** Python named-group syntax, which JavaScript spells differently. */
function fromPythonSyntax(source: string): string {
  return source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
}

/**
 * An ignore pattern as an option: a string that compiles as a regular expression (see
 * {@link compileUrlPatterns}), or a RegExp. A string that does not compile is refused
 * at construction, naming the option and the compiler's complaint.
 */
export const urlPatternOption: OptionType<string | RegExp> = {
  expected: 'a string or a RegExp',
  accepts: (value) => typeof value === 'string' || value instanceof RegExp,
  check(value, at) {
    if (value instanceof RegExp) return value;
    if (typeof value !== 'string') return failOption(at, urlPatternOption.expected, value);
    try {
      compileUrlPattern(value);
    } catch (error) {
      throw new OptionsError(at.component, `option '${at.path}' is not a valid regular expression: ${(error as Error).message}`);
    }
    return value;
  },
};

/**
 * Compiles ignore patterns for {@link isIgnoredPath}. Strings are JavaScript regular
 * expressions (Python's `(?P<name>...)` and `(?P=name)` are accepted too); like
 * Python's `re.match`, every pattern only matches at the start of the path, so
 * `'/excluded'` does not match `/some/excluded`. RegExp inputs are copied, never mutated.
 *
 * @throws TypeError naming the pattern when one is not a valid regular expression.
 */
export function compileUrlPatterns(patterns: readonly (string | RegExp)[]): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return compileUrlPattern(pattern);
    } catch (error) {
      throw new TypeError(`invalid URL pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
  });
}

/** One pattern of {@link compileUrlPatterns}; throws the RegExp constructor's SyntaxError. */
function compileUrlPattern(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'y');
  return new RegExp(fromPythonSyntax(String(pattern)), 'y');
}

/**
 * Whether `path` (the decoded path, without the query) is matched at its start by
 * one of `patterns`, as Python's `re.match` would. Works with any RegExp, compiled by
 * {@link compileUrlPatterns} or not; a pattern's `lastIndex` is left at 0.
 */
export function isIgnoredPath(path: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((pattern) => {
    pattern.lastIndex = 0;
    const match = pattern.exec(path);
    pattern.lastIndex = 0;
    return match !== null && match.index === 0;
  });
}
