// Block keys of a course: the part ERB builds itself (it does not parse opaque keys).

/** The block key prefix of a course: `block-v1`, or `ccx-block-v1` in a CCX course. */
export function blockVersion(courseId: string): string {
  const [prefix = ''] = courseId.split(':');
  const version = `block-${prefix.split('-').at(-1) ?? ''}`;
  return prefix.includes('ccx') ? `ccx-${version}` : version;
}

/**
 * The problem block of a browser `problem_check`, which names no problem: the unit's
 * `activate_block_id` in the page's query, else `block-v1:<course>+type@problem+block@<id>`
 * with the id taken from the answers' input names (`input_<id>_2_1=...`).
 *
 * @returns the block key, `undefined` when neither gives one, or `null` when `data` is not text.
 */
export function browserProblemBlock(referer: string | undefined, data: unknown, courseId: string | undefined): string | undefined | null {
  const fromReferer = referer === undefined ? undefined : activateBlockId(referer);
  if (fromReferer !== undefined) return fromReferer;
  if (data === undefined || courseId === undefined) return undefined;
  if (typeof data !== 'string') return null;
  const parts = data.split('_');
  const course = courseId.split(':');
  if (parts.length < 2 || course.length < 2) return undefined;
  return `${blockVersion(courseId)}:${course[1]}+type@problem+block@${parts[1]}`;
}

/** The first non-empty `activate_block_id` of a URL's query, decoded. */
function activateBlockId(url: string): string | undefined {
  const withoutFragment = url.split('#', 1)[0] ?? '';
  const start = withoutFragment.indexOf('?');
  if (start < 0) return undefined;
  const values = new URLSearchParams(withoutFragment.slice(start + 1)).getAll('activate_block_id');
  return values.find((value) => value !== '');
}
