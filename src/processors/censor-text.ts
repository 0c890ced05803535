import { pythonString } from '../encoding/json';
import { CENSORED_VALUE } from './password-keys';

/** Tells whether the value under a name is censored. */
export type NameTest = (name: string) => boolean;

const CENSORED_JSON = `"${CENSORED_VALUE}"`;
/**
 * How many texts deep (a JSON document in a string of a JSON document...) a text is
 * searched; a text deeper still that may hold names is censored whole.
 */
const MAX_TEXT_DEPTH = 8;

const QUOTE = 0x22; // "
const APOSTROPHE = 0x27; // '
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/**
 * Whether {@link censorText} may find a name in `text`: it starts (after spaces) with
 * `{` or `[`, or holds a `=`. Cheap: most strings of an event (a user agent, a course
 * id) are ruled out by it.
 */
export function mayHoldNames(text: string): boolean {
  return text.includes('=') || opensStructure(text);
}

/** Whether `text` starts, after white space, with `{` or `[`. */
function opensStructure(text: string): boolean {
  const first = text.charCodeAt(skipSpaces(text, 0));
  return first === 0x7b || first === 0x5b;
}

/**
 * The text with the value of every sensitive name replaced by `********`, or the
 * very same string when there was none. Two shapes are recognised:
 *
 * - a text that starts with `{` or `[`: JSON, as JSON or Python writes it, or as
 *   JavaScript/Python literals (single-quoted or bare names), and cut short too (the
 *   page event's data is cut at 512 characters). Each `name: value` pair at any depth
 *   is found; a sensitive one's value (string, number, list or object, up to where
 *   the text is cut) becomes `"********"`. A double-quoted string value that itself
 *   holds JSON or `name=value` pairs is searched too and written back in the same
 *   escaping (ASCII-only when it was);
 * - any other text with a `=`: `name=value` pairs separated by `&`, `;`, `?` or `#` —
 *   a form body, a query, a URL (its query and fragment), a cookie header. Names are
 *   form-decoded (`+`, percent escapes); a value that holds JSON (raw or
 *   percent-encoded) is searched too.
 *
 * Free text (`my password is hunter2`) is not recognised. Never throws.
 */
export function censorText(text: string, isSensitive: NameTest, depth = 0): string {
  if (!mayHoldNames(text)) return text;
  if (depth >= MAX_TEXT_DEPTH) return CENSORED_VALUE;
  return opensStructure(text) ? censorStructure(text, isSensitive, depth) : censorPairs(text, isSensitive, depth);
}

/** Collects the replacements of a text: what is copied through and what is put in. */
class Edits {
  private out = '';
  private copied = 0;
  private changed = false;

  constructor(private readonly text: string) {}

  /** Replaces text[start, end) by `replacement`; edits come in order. */
  replace(start: number, end: number, replacement: string): void {
    this.out += this.text.slice(this.copied, start) + replacement;
    this.copied = end;
    this.changed = true;
  }

  /** The edited text, or the original string when nothing was replaced. */
  result(): string {
    return this.changed ? this.out + this.text.slice(this.copied) : this.text;
  }
}

function censorStructure(text: string, isSensitive: NameTest, depth: number): string {
  const edits = new Edits(text);
  const n = text.length;
  // The first '=' at or after i (looked up again once i passes it: linear in all).
  let equals = text.indexOf('=');
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let nameEnd: number;
    let name: string;
    if (c === QUOTE || c === APOSTROPHE) {
      nameEnd = stringEnd(text, i);
      const colon = skipSpaces(text, nameEnd);
      if (text.charCodeAt(colon) !== COLON) {
        // A string value: searched when it holds a text of its own.
        if (equals >= 0 && equals < i) equals = text.indexOf('=', i);
        const holdsEquals = equals >= 0 && equals < nameEnd;
        const inner = c === QUOTE ? censorStringLiteral(text, i, nameEnd, holdsEquals, isSensitive, depth) : undefined;
        if (inner !== undefined) edits.replace(i, nameEnd, inner);
        i = nameEnd;
        continue;
      }
      name = literalName(text.slice(i, nameEnd));
    } else if (isNameStart(c)) {
      nameEnd = i + 1;
      while (nameEnd < n && isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
      if (text.charCodeAt(skipSpaces(text, nameEnd)) !== COLON) {
        i = nameEnd; // a bare value: true, None, NaN...
        continue;
      }
      name = text.slice(i, nameEnd);
    } else {
      i++;
      continue;
    }
    const colon = skipSpaces(text, nameEnd);
    if (!isSensitive(name)) {
      i = colon + 1;
      continue;
    }
    const start = skipSpaces(text, colon + 1);
    const end = valueEnd(text, start);
    // Python's repr and JavaScript may quote with apostrophes: keep to their quotes.
    const censored = text.charCodeAt(start) === APOSTROPHE ? `'${CENSORED_VALUE}'` : CENSORED_JSON;
    if (end > start && text.slice(start, end) !== censored) edits.replace(start, end, censored);
    i = Math.max(end, start + 1);
  }
  return edits.result();
}

function censorPairs(text: string, isSensitive: NameTest, depth: number): string {
  const edits = new Edits(text);
  const n = text.length;
  let start = 0;
  while (start < n) {
    let end = start;
    let equals = -1;
    for (; end < n; end++) {
      const c = text.charCodeAt(end);
      if (c === 0x26 || c === 0x3b || c === 0x3f || c === 0x23) break; // & ; ? #
      if (c === 0x3d && equals < 0) equals = end; // =
    }
    if (equals >= 0 && equals + 1 < end) {
      const value = text.slice(equals + 1, end);
      if (isSensitive(formDecode(text.slice(start, equals)).trim())) {
        if (value !== CENSORED_VALUE) edits.replace(equals + 1, end, CENSORED_VALUE);
      } else {
        const inner = censorFormValue(value, isSensitive, depth);
        if (inner !== undefined) edits.replace(equals + 1, end, inner);
      }
    }
    start = end + 1;
  }
  return edits.result();
}

/** A form value holding JSON (raw or percent-encoded), searched, written back as it came; undefined when unchanged. */
function censorFormValue(value: string, isSensitive: NameTest, depth: number): string | undefined {
  const raw = value.charCodeAt(0) === 0x7b || value.charCodeAt(0) === 0x5b;
  if (!raw && !/^%(7b|5b)/i.test(value)) return undefined;
  let decoded = value;
  if (!raw) {
    try {
      decoded = decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      return undefined; // not percent-encoding after all: nothing to write back in it
    }
  }
  const censored = censorText(decoded, isSensitive, depth + 1);
  if (censored === decoded) return undefined;
  // What decodeURIComponent gives is well-formed, and so encodes without throwing.
  return raw ? censored : encodeURIComponent(censored);
}

/**
 * A double-quoted string value, text[start, end), that holds JSON or pairs (`holdsEquals`:
 * it has a `=`), searched and encoded again (ASCII-only when it was written so, as
 * Python writes); undefined when it holds no text or nothing in it changed. A value cut
 * short is read up to the cut.
 */
function censorStringLiteral(text: string, start: number, end: number, holdsEquals: boolean, isSensitive: NameTest, depth: number): string | undefined {
  const opening = text.charCodeAt(start + 1);
  if (opening !== 0x7b && opening !== 0x5b && !holdsEquals) return undefined;
  const closed = end - start >= 2 && text.charCodeAt(end - 1) === QUOTE && !endsInEscape(text, start + 1, end - 1);
  let body = text.slice(start + 1, closed ? end - 1 : end);
  if (!closed) body = withoutPartialEscape(body);
  let decoded: string;
  try {
    decoded = JSON.parse(`"${body}"`) as string;
  } catch {
    return undefined;
  }
  const censored = censorText(decoded, isSensitive, depth + 1);
  if (censored === decoded) return undefined;
  return /^[ -~]*$/.test(body) ? pythonString(censored) : JSON.stringify(censored);
}

/** A body cut inside an escape (`\\`, `\\u00`), without that partial escape. */
function withoutPartialEscape(body: string): string {
  const unicode = /\\u[0-9a-fA-F]{0,3}$/.exec(body);
  if (unicode && endsInEscape(body, 0, unicode.index + 1)) return body.slice(0, unicode.index);
  return endsInEscape(body, 0, body.length) ? body.slice(0, -1) : body;
}

/** Whether text[from, to) ends in an odd number of backslashes (so the character at `to` is escaped). */
function endsInEscape(text: string, from: number, to: number): boolean {
  let count = 0;
  for (let i = to - 1; i >= from && text.charCodeAt(i) === BACKSLASH; i--) count++;
  return count % 2 === 1;
}

/** The end of the string literal opening at `start` (after its closing quote), or the text's end when it is not closed. */
function stringEnd(text: string, start: number): number {
  const quote = text[start] as string;
  for (let i = text.indexOf(quote, start + 1); i >= 0; i = text.indexOf(quote, i + 1)) {
    if (!endsInEscape(text, start + 1, i)) return i + 1;
  }
  return text.length;
}

/** The end of the value starting at `start`: a string, a bracketed list or object, or a bare token; the text's end when cut. */
function valueEnd(text: string, start: number): number {
  const n = text.length;
  if (start >= n) return n;
  const first = text.charCodeAt(start);
  if (first === QUOTE || first === APOSTROPHE) return stringEnd(text, start);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let i = start; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE || c === APOSTROPHE) i = stringEnd(text, i) - 1;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if ((c === 0x7d || c === 0x5d) && --depth === 0) return i + 1;
    }
    return n;
  }
  let end = start;
  // A bare token: up to , } ] or the end of the line.
  for (; end < n; end++) {
    const c = text.charCodeAt(end);
    if (c === 0x2c || c === 0x7d || c === 0x5d || c === 0x0a || c === 0x0d) break;
  }
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** The name a quoted literal spells (JSON escapes decoded when it has any). */
function literalName(literal: string): string {
  const quote = literal[0] as string;
  const closed = literal.length >= 2 && literal.endsWith(quote);
  const body = literal.slice(1, closed ? -1 : undefined);
  if (!body.includes('\\')) return body;
  if (quote === '"') {
    try {
      return JSON.parse(`"${body}"`) as string;
    } catch {
      // fall through: a literal JSON cannot read (a Python escape, a cut)
    }
  }
  return body.replace(/\\(.)/g, '$1');
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** JSON's white space (space, tab, line feed, carriage return). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Letters, `_` and `$` start a bare name (JavaScript's, Python's). */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
}

/** A form-encoded text decoded (`+` is a space); kept as it is where an escape is invalid. */
function formDecode(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
