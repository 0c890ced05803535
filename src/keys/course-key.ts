/** A parsed course key (opaque-keys' `CourseLocator`), as plain data. */
export interface CourseKey {
  /** The key as text, what Python's `str(key)` gives: `course-v1:ORG+COURSE+RUN` or `ORG/COURSE/RUN`. */
  readonly id: string;
  readonly org: string;
  readonly course: string;
  readonly run: string;
  /** The `branch@...` part of a `course-v1` key, or null. */
  readonly branch: string | null;
  /** The `version@...` part (24 hex digits) of a `course-v1` key, or null. */
  readonly versionGuid: string | null;
  /** True for the old `ORG/COURSE/RUN` form. */
  readonly deprecated: boolean;
}

// Python's `\w` in a str pattern: Unicode letters and digits, and '_'.
const ID = String.raw`[\p{L}\p{N}_\-~.:]+`;
const COURSE_V1 = new RegExp(
  String.raw`^course-v1:(${ID})\+(${ID})\+(${ID})(?:\+branch@(${ID}))?(?:\+version@([0-9a-f]{24}))?$`,
  'u',
);
const DEPRECATED_PART = /^[\p{L}\p{N}_.%-]*$/u;

/**
 * Parses a course key as opaque-keys' `CourseKey.from_string` does for course
 * locators: `course-v1:ORG+COURSE+RUN` (each part `[\w\-~.:]+`, optionally followed
 * by `+branch@NAME` and/or `+version@HEX24`) or the deprecated `ORG/COURSE/RUN`
 * (each part `[\w.%-]+`; the run may be empty). Other namespaces (`ccx-v1:`,
 * `library-v1:`) and version-only keys are not course keys here.
 *
 * @returns the key, or null when `text` is not a valid course key. Never throws.
 */
export function parseCourseKey(text: string): CourseKey | null {
  if (typeof text !== 'string') return null;
  const v1 = COURSE_V1.exec(text);
  if (v1) {
    const [, org = '', course = '', run = '', branch, version] = v1;
    return Object.freeze({ id: text, org, course, run, branch: branch ?? null, versionGuid: version ?? null, deprecated: false });
  }
  const parts = text.split('/');
  if (parts.length !== 3 || !parts.every((part) => DEPRECATED_PART.test(part))) return null;
  const [org = '', course = '', run = ''] = parts;
  if (org === '' || course === '') return null;
  return Object.freeze({ id: text, org, course, run, branch: null, versionGuid: null, deprecated: true });
}

