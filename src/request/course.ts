import { parseCourseKey, type CourseKey } from '../keys/course-key';

/**
 * The course fields of the request context, in the order Open edX inserts them.
 * `enterprise_uuid` is always `''` for a course key.
 */
export interface CourseContext {
  course_id: string;
  org_id: string;
  enterprise_uuid: string;
}

/**
 * Open edX's `COURSE_REGEX`: the first `/courses/` segment (not followed by an API
 * version such as `v1/`) and the course id after it. Python's `.` (any character but
 * a newline) is written `[^\n]`.
 */
export const COURSE_REGEX = /^([^\n]*?\/courses\/)(?!v[0-9]+\/[^/]+)(?<course_id>[^/+]+(\/|\+)[^/+]+(\/|\+)[^/?]+)/;

/**
 * The course context of a key (`course_context_from_course_id`): its id and org, or
 * empty strings when there is no key.
 */
export function courseContextFromCourseId(key: CourseKey | null): CourseContext {
  if (!key) return { course_id: '', org_id: '', enterprise_uuid: '' };
  return { course_id: key.id, org_id: key.org, enterprise_uuid: '' };
}

/**
 * The course context of a request (`course_context_from_url`). The course id is
 * `courseIdString` when given, else the one {@link COURSE_REGEX} finds in `url` (the
 * absolute URL, query string included). An invalid course id gives the empty context,
 * even when the URL names a valid course.
 */
export function courseContextFromUrl(url: string | null | undefined, courseIdString?: string | null): CourseContext {
  let idText = courseIdString;
  if (!idText) {
    const match = COURSE_REGEX.exec(typeof url === 'string' ? url : '');
    idText = match?.groups?.course_id;
  }
  return courseContextFromCourseId(idText ? parseCourseKey(idText) : null);
}
