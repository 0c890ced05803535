import { EventEmissionExit } from '../../core/errors';
import { isPlainObject } from '../../encoding/objects';
import { parseCourseKey } from '../../keys/course-key';
import { EventTransformer } from './base';

/** The `label` of the app screen event that is a forum thread view. */
export const FORUM_THREAD_VIEWED_LABEL = 'Forum: View Thread';
/** The name the mobile apps give their screen-view events (and the webhook gives old Android forum views). */
export const BI_SCREEN_VIEWED_NAME = 'edx.bi.app.navigation.screen';
/** The longest forum title kept in an event (Open edX's `TRACKING_MAX_FORUM_TITLE`). */
export const MAX_FORUM_TITLE = 1000;

// The LMS's `single_thread` URL pattern: discussion ids `[\w\-.]+`, thread ids `\w+` (Python's Unicode `\w`).
const DISCUSSION_ID = /^[\p{L}\p{N}_\-.]+$/u;
const THREAD_ID = /^[\p{L}\p{N}_]+$/u;

/**
 * Open edX's `ForumThreadViewedEventTransformer`, for the mobile apps' screen-view
 * events (`edx.bi.app.navigation.screen`, from the Segment webhook): an event whose
 * context `label` is `'Forum: View Thread'` becomes `edx.forum.thread.viewed` with
 * the forum event's fields — `thread_id` → `id`, `topic_id` → `commentable_id`,
 * `action` → `title` (cut to 1000 characters, with `title_truncated`), `author` →
 * `target_username`, and `url`, the thread's LMS path, when the course, topic and
 * thread are known; the payload's own `context` is dropped. Every other screen-view
 * event is dropped from the branch (`EventEmissionExit`). A field of the wrong type
 * is dropped rather than trusted (the events come from apps).
 *
 * Not done here, because they need the LMS's database: the `category_id` /
 * `category_name`, `user_forums_roles`, `user_course_roles` and `team_id` Open edX
 * adds. Register a transformer of your own for this name to add them.
 */
export class ForumThreadViewedEventTransformer extends EventTransformer {
  /** The event name this transformer is registered for. */
  static readonly matchKey = BI_SCREEN_VIEWED_NAME;

  override transform(): void {
    // Python gives an event without a payload an empty one.
    if (!Object.hasOwn(this.event, 'event')) this.event.event = {};
    super.transform();
  }

  override processEvent(): void {
    const context = this.event.context;
    if (!isPlainObject(context) || stringField(context, 'label', false) !== FORUM_THREAD_VIEWED_LABEL) {
      throw new EventEmissionExit('an app screen-view event that is not a forum thread view');
    }
    this.event.name = 'edx.forum.thread.viewed';
    this.event.event_type = this.event.name;
    if (!isPlainObject(this.payload)) this.payload = {};
    const payload = this.payload as Record<string, unknown>;
    delete payload.context;

    const courseIdText = stringField(context, 'course_id');
    const courseKey = courseIdText ? parseCourseKey(courseIdText) : null;
    const threadId = renameString(payload, 'thread_id', 'id');
    const commentableId = renameString(payload, 'topic_id', 'commentable_id');
    const title = stringField(payload, 'action');
    if (title !== undefined) {
      delete payload.action;
      payload.title_truncated = [...title].length > MAX_FORUM_TITLE;
      payload.title = [...title].slice(0, MAX_FORUM_TITLE).join('');
    }
    const author = stringField(payload, 'author');
    if (author !== undefined) {
      delete payload.author;
      payload.target_username = author;
    }
    if (courseKey && commentableId && threadId && DISCUSSION_ID.test(commentableId) && THREAD_ID.test(threadId)) {
      payload.url = encodeURI(`/courses/${courseIdText}/discussion/forum/${commentableId}/threads/${threadId}`);
    }
  }
}

/**
 * Python's `_get_string`: `holder[key]` when it is a string; otherwise undefined, and
 * a present value of another type is deleted unless `deleteIfBad` is false.
 */
function stringField(holder: Record<string, unknown>, key: string, deleteIfBad = true): string | undefined {
  if (!Object.hasOwn(holder, key)) return undefined;
  const value = holder[key];
  if (typeof value === 'string') return value;
  if (deleteIfBad) delete holder[key];
  return undefined;
}

/** Moves a non-empty string field `from` to `to` (at the end of the payload) and returns it. */
function renameString(payload: Record<string, unknown>, from: string, to: string): string | undefined {
  const value = stringField(payload, from);
  if (!value) return value;
  delete payload[from];
  payload[to] = value;
  return value;
}
