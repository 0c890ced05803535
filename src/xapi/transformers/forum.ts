// Discussion forum: threads, responses and comments posted, edited, viewed, deleted, voted, reported.
import type { StatementBuilder, StatementParts } from '../statement-builder';
import type { XapiContextActivities, XapiVerb } from '../statement';
import { ACTIVITY, EXTENSION, VERBS } from '../vocabulary';
import type { Transformer } from './transformer';
import { oneStatement } from './transformer';

/** The post: `<root><path of the request, without the post's id>/<id>`, named by its title when it has one. */
function post(builder: StatementBuilder) {
  const id = builder.reader.requireText('data.id');
  const path = trimSlashes(trimSlashes(builder.reader.requireText('context.path')).split(id).join(''));
  const title = builder.reader.truthy('data.title') === undefined ? undefined : builder.reader.text('data.title');
  return {
    id: `${builder.setup.lmsRootUrl}${path}/${id}`,
    objectType: 'Activity' as const,
    definition: { ...(title === undefined ? {} : { name: { en: title } }), type: ACTIVITY.discussion },
  };
}

const trimSlashes = (text: string): string => text.replace(/\/+$/, '');

/** The course as parent; the discussion the post belongs to as grouping, when the event names one. */
function discussionActivities(builder: StatementBuilder): XapiContextActivities | undefined {
  const activities = builder.courseParent();
  const discussion = builder.reader.truthy('data.discussion.id') === undefined ? undefined : builder.reader.text('data.discussion.id');
  if (discussion === undefined) return activities;
  const grouping = [{ id: `${builder.setup.lmsRootUrl}/api/discussion/v1/threads/${discussion}`, objectType: 'Activity' as const, definition: { type: ACTIVITY.discussion } }];
  return { ...activities, grouping };
}

/** A forum transformer; `modeKey` names the field whose value becomes the context's `type` extension. */
function forum(verb: XapiVerb, modeKey?: string): Transformer {
  return oneStatement((builder): StatementParts => ({
    verb,
    object: post(builder),
    contextActivities: discussionActivities(builder),
    ...(modeKey === undefined ? {} : { extensions: { [EXTENSION.mode]: builder.reader.get(modeKey) } }),
  }));
}

export const forumTransformers: Record<string, Transformer> = {
  'edx.forum.thread.created': forum(VERBS.posted, 'thread_type'),
  'edx.forum.response.created': forum(VERBS.posted),
  'edx.forum.comment.created': forum(VERBS.posted),
  'edx.forum.thread.edited': forum(VERBS.edited),
  'edx.forum.response.edited': forum(VERBS.edited),
  'edx.forum.comment.edited': forum(VERBS.edited),
  'edx.forum.thread.viewed': forum(VERBS.viewed),
  'edx.forum.thread.deleted': forum(VERBS.deleted),
  'edx.forum.response.deleted': forum(VERBS.deleted),
  'edx.forum.comment.deleted': forum(VERBS.deleted),
  'edx.forum.thread.voted': forum(VERBS.voted, 'vote_value'),
  'edx.forum.response.voted': forum(VERBS.voted, 'vote_value'),
  'edx.forum.thread.reported': forum(VERBS.reported),
  'edx.forum.response.reported': forum(VERBS.reported),
  'edx.forum.comment.reported': forum(VERBS.reported),
  'edx.forum.thread.unreported': forum(VERBS.unreported),
  'edx.forum.response.unreported': forum(VERBS.unreported),
  'edx.forum.comment.unreported': forum(VERBS.unreported),
};
