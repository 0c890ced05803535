/**
 * A block usage key (opaque-keys' `BlockUsageLocator`), as much of it as the video
 * transformer needs: the `block-v1:` form and the deprecated `i4x://` form.
 */
export interface UsageKey {
  /** The key as given. */
  readonly id: string;
  readonly org: string | null;
  readonly course: string | null;
  /** The run of a `block-v1:` key; always null for an `i4x://` key. */
  readonly run: string | null;
  readonly blockType: string | null;
  readonly blockId: string;
  /** True for the deprecated `i4x://org/course/category/name[@revision]` form. */
  readonly deprecated: boolean;
}

// Python's `\w` in a str pattern: Unicode letters and digits, and '_' (as in request/course.ts).
const W = String.raw`\p{L}\p{N}_`;
const ID = `[${W}\\-~.:]`; // Locator.ALLOWED_ID_CHARS
const BLOCK_ID = `[${W}\\-~.:%]`; // BLOCK_ALLOWED_ID_CHARS, the same as DEPRECATED_ALLOWED_ID_CHARS
const SEP = String.raw`(?:\+(?=[^\n])|$)`; // a '+' that is not the last character, or the end

/** BlockLocatorBase.URL_RE, after the `block-v1:` namespace. */
const BLOCK_V1 = new RegExp(
  `^(?:(?<org>${ID}+)\\+(?<course>${ID}+)(?:\\+(?<run>${ID}+))?${SEP})??` +
    `(?:branch@(?<branch>${ID}+)${SEP})?` +
    `(?:version@(?<version>[a-f0-9]+)${SEP})?` +
    `(?:type@(?<type>${ID}+)${SEP})?` +
    `(?:block@(?<block>${BLOCK_ID}+))?$`,
  'u',
);

/** BlockUsageLocator.DEPRECATED_URL_RE. */
const I4X = /^i4x:\/\/(?<org>[^/]+)\/(?<course>[^/]+)\/(?<category>[^/]+)\/(?<name>[^@]+)(?:@(?<revision>[^/]+))?$/u;
const DEPRECATED_COURSE_PART = new RegExp(`^[${W}.%-]+$`, 'u'); // no INVALID_CHARS_DEPRECATED
const DEPRECATED_ID = new RegExp(`^${BLOCK_ID}+$`, 'u'); // DEPRECATED_ALLOWED_ID_RE
const ALLOWED_ID = new RegExp(`^${ID}+$`, 'u'); // ALLOWED_ID_RE
const INVALID_HTML_CHARS = new RegExp(`[^${W}-]`, 'gu');

/**
 * Parses a usage key as opaque-keys' `UsageKey.from_string` does for block usage
 * locators: `block-v1:ORG+COURSE+RUN[+branch@B][+version@HEX24]+type@TYPE+block@ID`
 * (or a version-only course part), and the deprecated `i4x://ORG/COURSE/TYPE/ID[@REV]`.
 * Other usage-key namespaces (`lib-block-v1:`, `lb:`, asides) are not parsed.
 *
 * @returns the key, or null when `text` is not such a key. Never throws.
 */
export function parseUsageKey(text: unknown): UsageKey | null {
  if (typeof text !== 'string') return null;
  if (text.startsWith('block-v1:')) {
    const key = parseBlockV1(text);
    if (key) return key;
  }
  return parseDeprecated(text);
}

function parseBlockV1(text: string): UsageKey | null {
  const groups = BLOCK_V1.exec(text.slice('block-v1:'.length))?.groups;
  if (!groups) return null;
  const { org, course, run, version, type, block } = groups;
  // The URL pattern lets '%' into a block id, but the constructor then refuses it.
  if (block === undefined || !ALLOWED_ID.test(block)) return null;
  // A version guid must be an ObjectId (24 hex digits); without one, org, course and run are required.
  if (version !== undefined ? version.length !== 24 : org === undefined || course === undefined || run === undefined) {
    return null;
  }
  return Object.freeze({
    id: text,
    org: org ?? null,
    course: course ?? null,
    run: run ?? null,
    blockType: type ?? null,
    blockId: block,
    deprecated: false,
  });
}

function parseDeprecated(text: string): UsageKey | null {
  const groups = I4X.exec(text)?.groups;
  if (!groups) return null;
  const { org = '', course = '', category = '', name = '', revision } = groups;
  if (!DEPRECATED_COURSE_PART.test(org) || !DEPRECATED_COURSE_PART.test(course)) return null;
  if (revision !== undefined && !DEPRECATED_ID.test(revision)) return null;
  if (!DEPRECATED_ID.test(name)) return null;
  return Object.freeze({ id: text, org, course, run: null, blockType: category, blockId: name, deprecated: true });
}

/**
 * `UsageKey.html_id()`: for an `i4x://` key, `i4x-ORG-COURSE-TYPE-ID` with every
 * character other than a word character or `-` replaced by `_` and runs of `_`
 * collapsed (`i4x://foo/bar/baz/some_module` → `i4x-foo-bar-baz-some_module`); for a
 * `block-v1:` key, the block id exactly as it is in the key.
 */
export function usageKeyHtmlId(key: UsageKey): string {
  if (!key.deprecated) return key.blockId;
  const id = ['i4x', key.org, key.course, key.blockType, key.blockId].filter((part) => part !== null).join('-');
  return id.replace(INVALID_HTML_CHARS, '_').replace(/_+/g, '_');
}
