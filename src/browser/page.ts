// What the Logger reads from the page it runs in. Nothing here runs at import time,
// so the module also loads outside a browser (tests, server-side rendering).

/** The page global Open edX templates set to the course run of the page. */
declare const $$course_id: unknown;

/** `location.href`, or `''` outside a browser. */
export function pageUrl(): string {
  return typeof location === 'undefined' ? '' : location.href;
}

/** The page global `$$course_id` as a string; `''` when it is unset or null. */
export function pageCourseId(): string {
  const value = typeof $$course_id === 'undefined' ? undefined : $$course_id;
  return value === undefined || value === null ? '' : String(value);
}

/** The `content` of `<meta name="path_prefix">`, as Open edX's `ajaxWithPrefix` reads it; `''` without one. */
export function metaPathPrefix(): string {
  if (typeof document === 'undefined') return '';
  return document.querySelector('meta[name="path_prefix"]')?.getAttribute('content') ?? '';
}

/** Whether the page is hidden (another tab, minimised, or being unloaded). */
export function isPageHidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}
