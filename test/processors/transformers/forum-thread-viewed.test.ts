import { EventEmissionExit, LegacyFieldMappingProcessor, MemoryBackend, openContextFrame, Tracker, type TrackedEvent } from '../../../src';
import { PrefixedEventProcessor } from '../../../src/processors/prefixed-event';
import { ForumThreadViewedEventTransformer, MAX_FORUM_TITLE } from '../../../src/processors/transformers/forum-thread-viewed';
import { trackSegmentioEvent } from '../../../src/views/segmentio';

// The cases of Open edX's ForumThreadViewedEventTransformerTestCase (lms/djangoapps/discussion/
// django_comment_client/base/tests.py): a legacy event as the webhook and the legacy shim make it.
const COURSE_ID = 'course-v1:TestX+TR-101S+Event_Transform_Test_Split';
const CATEGORY_ID = 'i4x-edx-dummy-commentable-id';
const THREAD_ID = 'dummy_thread_id';

function screenEvent(
  { label = 'Forum: View Thread', includeContext = true, courseId, username, innerContext }: {
    label?: string; includeContext?: boolean; courseId?: unknown; username?: string; innerContext?: object;
  } = {},
  data?: Record<string, unknown>,
): TrackedEvent {
  const event: TrackedEvent = { name: 'edx.bi.app.navigation.screen' };
  if (includeContext) event.context = courseId === undefined ? { label } : { label, course_id: courseId };
  if (username) event.username = username;
  if (data) event.event = { ...data };
  if (innerContext) event.event = { ...(event.event as object), context: innerContext };
  return event;
}

function transformed(event: TrackedEvent): TrackedEvent {
  const transformer = new ForumThreadViewedEventTransformer(event);
  transformer.transform();
  return transformer.event;
}

describe('ForumThreadViewedEventTransformer', () => {
  it('drops an event without a context, or whose label is another screen', () => {
    expect(() => transformed(screenEvent({ includeContext: false }))).toThrow(EventEmissionExit);
    const other = screenEvent({ label: 'Forum: Create Thread', courseId: COURSE_ID }, { topic_id: CATEGORY_ID, thread_id: THREAD_ID });
    expect(() => transformed(other)).toThrow(EventEmissionExit);
  });

  it('renames the event and gives it an empty payload when it has none (test_no_data)', () => {
    expect(transformed(screenEvent())).toEqual({
      name: 'edx.forum.thread.viewed',
      event_type: 'edx.forum.thread.viewed',
      context: { label: 'Forum: View Thread' },
      event: {},
    });
  });

  it("drops the payload's own context (test_inner_context)", () => {
    expect(transformed(screenEvent({}, { thread_id: 'x' })).event).toEqual({ id: 'x' });
    expect(transformed(screenEvent({ innerContext: {} })).event).toEqual({});
  });

  it('drops fields of the wrong type instead of using them (test_bad_field_types)', () => {
    const event = transformed(screenEvent({ courseId: {} }, { topic_id: 3, thread_id: [1], action: 3.14 }));
    expect(event.context).toEqual({ label: 'Forum: View Thread' });
    expect(event.event).toEqual({});
  });

  it('renames thread_id, topic_id and author, and adds the thread URL (test_renamed_fields, test_urls)', () => {
    const event = transformed(
      screenEvent({ courseId: COURSE_ID }, { topic_id: CATEGORY_ID, thread_id: THREAD_ID, author: 'joe-the-plumber', extra: 1 }),
    );
    expect(event.event).toEqual({
      extra: 1,
      id: THREAD_ID,
      commentable_id: CATEGORY_ID,
      target_username: 'joe-the-plumber',
      url: `/courses/${COURSE_ID}/discussion/forum/${CATEGORY_ID}/threads/${THREAD_ID}`,
    });
    expect(Object.keys(event.event as object)).toEqual(['extra', 'id', 'commentable_id', 'target_username', 'url']);
  });

  it('adds no URL for an invalid course or ids the LMS URL cannot hold (test_bad_course_id, test_bad_url)', () => {
    const badCourse = transformed(screenEvent({ courseId: 'non-existent-course-id' }, { topic_id: CATEGORY_ID, thread_id: THREAD_ID }));
    expect(badCourse.event).not.toHaveProperty('url');
    const badIds = transformed(screenEvent({ courseId: COURSE_ID }, { topic_id: 'malformed/commentable/id', thread_id: 'malformed/thread/id' }));
    expect(badIds.event).not.toHaveProperty('url');
    expect(badIds.event).toMatchObject({ id: 'malformed/thread/id', commentable_id: 'malformed/commentable/id' });
  });

  it('turns action into a title cut to 1000 characters, saying whether it was cut (test_titles)', () => {
    expect(transformed(screenEvent({}, { thread_id: 't' })).event).not.toHaveProperty('title');
    expect(transformed(screenEvent({}, { action: '!' })).event).toEqual({ title_truncated: false, title: '!' });
    const long = transformed(screenEvent({}, { action: 'covfefe'.repeat(200) })).event as Record<string, unknown>;
    expect(long.title_truncated).toBe(true);
    expect(long.title).toBe('covfefe'.repeat(200).slice(0, MAX_FORUM_TITLE));
  });
});

describe('forum thread views from the mobile apps, through the webhook mapping and the legacy processors', () => {
  // Open edX's SegmentIOForumThreadViewedEventTestCase: with and without properties.name.
  function logged(properties: Record<string, unknown>): TrackedEvent[] {
    const backend = new MemoryBackend();
    const tracker = new Tracker({ backends: { mem: backend }, processors: [new LegacyFieldMappingProcessor(), new PrefixedEventProcessor()] });
    const message = {
      type: 'track',
      userId: 10,
      context: { library: { name: 'analytics-android', version: '1' }, app: { version: '2.0' } },
      properties: { data: { thread_id: THREAD_ID, topic_id: CATEGORY_ID }, context: { course_id: COURSE_ID }, ...properties },
      timestamp: '2014-08-27T16:33:39.100Z',
      receivedAt: '2014-08-27T16:33:39.215Z',
    };
    return openContextFrame(async () => {
      await trackSegmentioEvent(tracker, message, {});
      return backend.events;
    }) as unknown as TrackedEvent[];
  }

  it.each([
    ['with its name', { name: 'edx.bi.app.navigation.screen', label: 'Forum: View Thread' }],
    ['without a name (old Android apps)', { label: 'Forum: View Thread' }],
  ])('a forum thread view %s is logged as edx.forum.thread.viewed', async (_case, properties) => {
    const events = await logged(properties);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      name: 'edx.forum.thread.viewed',
      event_type: 'edx.forum.thread.viewed',
      event_source: 'mobile',
      event: { id: THREAD_ID, commentable_id: CATEGORY_ID, url: `/courses/${COURSE_ID}/discussion/forum/${CATEGORY_ID}/threads/${THREAD_ID}` },
    });
  });

  it.each([
    ['with its name', { name: 'edx.bi.app.navigation.screen', label: 'Forum: Create Thread' }],
    ['of another screen', { name: 'edx.bi.app.navigation.screen', label: 'Dashboard' }],
  ])('another app screen view %s is not logged', async (_case, properties) => {
    expect(await logged(properties)).toEqual([]);
  });
});
