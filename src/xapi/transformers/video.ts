// Video: the legacy names the LMS emits (play_video...) and the new ones the mobile apps emit (edx.video.played...).
import { withoutNone, type StatementBuilder, type StatementParts } from '../statement-builder';
import { isoDuration, pythonFloat, pythonStr, roundMillis } from '../python-values';
import type { XapiExtensions, XapiResult, XapiVerb } from '../statement';
import { ACTIVITY, EXTENSION, VERBS } from '../vocabulary';
import { blockVersion } from './block-keys';
import type { Transformer } from './transformer';
import { oneStatement } from './transformer';

/** A number of seconds of the event rounded to the millisecond, as ERB's `convert_seconds_to_float`. */
function seconds(builder: StatementBuilder, key: string): number | undefined {
  return secondsOf(builder, builder.reader.get(key), key);
}

function secondsOf(builder: StatementBuilder, value: unknown, key: string): number | undefined {
  if (value === undefined) return undefined;
  const number = pythonFloat(value);
  if (number === undefined) throw builder.reader.fail('invalid-value', `'${key}' is not a number of seconds`);
  return roundMillis(number);
}

/** The playhead: `data.current_time`, or `data.currentTime` when that is missing or zero (as Python's `or`). */
function currentTime(builder: StatementBuilder): number | undefined {
  const value = builder.reader.truthy('data.current_time') ?? builder.reader.get('data.currentTime');
  return secondsOf(builder, value, 'data.current_time');
}

/** The video block under the course: `<root>/xblock/block-v1:<course>+type@video+block@<id>`. */
function videoObject(builder: StatementBuilder) {
  const courseId = builder.reader.requireText('context.course_id');
  const videoId = builder.reader.requireText('data.id');
  const course = courseId.split(':');
  if (course.length < 2) throw builder.reader.fail('invalid-value', `'context.course_id' is not a course key: '${courseId}'`);
  return {
    id: `${builder.setup.lmsRootUrl}/xblock/${blockVersion(courseId)}:${course[1]}+type@video+block@${videoId}`,
    objectType: 'Activity' as const,
    definition: { type: ACTIVITY.video },
  };
}

function video(verb: XapiVerb, resultOf?: (builder: StatementBuilder) => XapiResult): Transformer {
  return oneStatement((builder): StatementParts => ({
    verb,
    object: videoObject(builder),
    result: resultOf?.(builder),
    extensions: { [EXTENSION.videoLength]: seconds(builder, 'data.duration') },
  }));
}

const withExtensions = (extensions: XapiExtensions): XapiResult => ({ extensions: withoutNone(extensions) });

const playhead = (builder: StatementBuilder): XapiResult => withExtensions({ [EXTENSION.videoTime]: currentTime(builder) });

const captions = (enabled: boolean) => (builder: StatementBuilder) =>
  withExtensions({ [EXTENSION.videoTime]: currentTime(builder), [EXTENSION.ccEnabled]: enabled });

function completed(builder: StatementBuilder): XapiResult {
  const duration = seconds(builder, 'data.duration');
  return { completion: true, ...(duration === undefined ? {} : { duration: isoDuration(duration) }), ...withExtensions({ [EXTENSION.videoTime]: duration }) };
}

function seeked(builder: StatementBuilder): XapiResult {
  return withExtensions({ [EXTENSION.videoTimeFrom]: seconds(builder, 'data.old_time'), [EXTENSION.videoTimeTo]: seconds(builder, 'data.new_time') });
}

function speedChanged(builder: StatementBuilder): XapiResult {
  const speed = (key: string) => `${pythonStr(builder.reader.require(key))}x`;
  return withExtensions({ [EXTENSION.speedFrom]: speed('data.old_speed'), [EXTENSION.speedTo]: speed('data.new_speed') });
}

export const videoTransformers: Record<string, Transformer> = {
  load_video: video(VERBS.initialized),
  'edx.video.loaded': video(VERBS.initialized),
  play_video: video(VERBS.played, playhead),
  'edx.video.played': video(VERBS.played, playhead),
  stop_video: video(VERBS.terminated, playhead),
  'edx.video.stopped': video(VERBS.terminated, playhead),
  pause_video: video(VERBS.paused, playhead),
  'edx.video.paused': video(VERBS.paused, playhead),
  complete_video: video(VERBS.completed, completed),
  'edx.video.completed': video(VERBS.completed, completed),
  seek_video: video(VERBS.seeked, seeked),
  'edx.video.position.changed': video(VERBS.seeked, seeked),
  speed_change_video: video(VERBS.interacted, speedChanged),
  hide_transcript: video(VERBS.interacted, captions(false)),
  'edx.video.transcript.hidden': video(VERBS.interacted, captions(false)),
  video_hide_cc_menu: video(VERBS.interacted, captions(false)),
  'edx.video.closed_captions.hidden': video(VERBS.interacted, captions(false)),
  show_transcript: video(VERBS.interacted, captions(true)),
  'edx.video.transcript.shown': video(VERBS.interacted, captions(true)),
  video_show_cc_menu: video(VERBS.interacted, captions(true)),
  'edx.video.closed_captions.shown': video(VERBS.interacted, captions(true)),
};
