import { isPlainObject } from '../../encoding/objects';
import { isPythonFalsy } from '../../encoding/python-truth';
import { EventTransformer } from './base';
import { parseUsageKey, usageKeyHtmlId } from '../../keys/usage-key';

/** The `edx.video.*` names the video transformer rewrites, and their legacy `event_type`. */
export const VIDEO_EVENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  'edx.video.played': 'play_video',
  'edx.video.paused': 'pause_video',
  'edx.video.stopped': 'stop_video',
  'edx.video.loaded': 'load_video',
  'edx.video.position.changed': 'seek_video',
  'edx.video.seeked': 'seek_video',
  'edx.video.transcript.shown': 'show_transcript',
  'edx.video.transcript.hidden': 'hide_transcript',
  'edx.video.language_menu.shown': 'video_show_cc_menu',
  'edx.video.language_menu.hidden': 'video_hide_cc_menu',
});

const SEEK_TYPES: Readonly<Record<string, string>> = { slide: 'onSlideSeek', skip: 'onSkipSeek' };

/**
 * The `edx.video.` prefix (Open edX's `VideoEventTransformer`): turns the video
 * events the mobile apps (and a few of the browser player's) emit into the legacy
 * events the LMS player emits. Only the names in {@link VIDEO_EVENT_TYPES} change;
 * any other `edx.video.*` event is left as it is. For those:
 * - `event_type` becomes the legacy name (`edx.video.played` → `play_video`...);
 * - the name `edx.video.seeked` becomes `edx.video.position.changed`;
 * then, when the payload is not empty:
 * - `module_id` becomes `id`, the usage key's `html_id()`
 *   (`i4x://foo/bar/baz/some_module` → `i4x-foo-bar-baz-some_module`); a
 *   `module_id` that is not a usage key is dropped, with a warning;
 * - `current_time` becomes `currentTime`;
 * - `seek_type` `slide` / `skip` becomes `type` `onSlideSeek` / `onSkipSeek`;
 * - when `abs(requested_skip_interval) != 30`, a `type` becomes `onSlideSeek` (an
 *   Android build reported every seek as a skip);
 * - `page` becomes the context's `open_in_browser_url` without its last path segment,
 *   and `open_in_browser_url` leaves the context;
 * - from the iOS app `edx.mobileapp.iOS` version `1.0.02`, an `onSkipSeek` of +30
 *   becomes -30 (that build sent the back-skip with the wrong sign).
 */
export class VideoEventTransformer extends EventTransformer {
  /** The prefix this transformer is registered for. */
  static readonly matchKey = 'edx.video.';

  /** Always a legacy event (for the names it rewrites). */
  override get isLegacyEvent(): boolean {
    return true;
  }

  /** The legacy name of this event (see {@link VIDEO_EVENT_TYPES}). */
  override get legacyEventType(): string {
    const name = this.name;
    if (typeof name !== 'string' || !Object.hasOwn(VIDEO_EVENT_TYPES, name)) {
      throw new Error(`KeyError: '${String(name)}' is not a known video event`);
    }
    return VIDEO_EVENT_TYPES[name]!;
  }

  /** Transforms the event when its name is one of {@link VIDEO_EVENT_TYPES}; otherwise leaves it. */
  override transform(): void {
    if (typeof this.name === 'string' && Object.hasOwn(VIDEO_EVENT_TYPES, this.name)) super.transform();
  }

  /** Renames `edx.video.seeked`, then, for a non-empty payload, applies the field changes listed above. */
  override processEvent(): void {
    // edx.video.seeked was never meant to be emitted.
    if (this.name === 'edx.video.seeked') this.event.name = 'edx.video.position.changed';
    if (isPythonFalsy(this.payload)) return;
    // A payload that is not an object (a list, a string) has none of the fields; the page still changes.
    const payload = this.payloadObject();
    if (payload !== undefined) {
      this.setIdToUsageKey(payload);
      this.capcaseCurrentTime(payload);
      this.convertSeekType(payload);
      this.disambiguateSkipAndSeek(payload);
    }
    this.setPageToBrowserUrl();
    if (payload !== undefined) this.handleIosSeekBug(payload);
  }

  private setIdToUsageKey(payload: Record<string, unknown>): void {
    if (!Object.hasOwn(payload, 'module_id')) return;
    const moduleId = payload.module_id;
    const key = parseUsageKey(moduleId);
    if (key === null) this.warn(`Unable to parse module_id ${JSON.stringify(String(moduleId))} of '${String(this.name)}'`);
    else payload.id = usageKeyHtmlId(key);
    delete payload.module_id;
  }

  private capcaseCurrentTime(payload: Record<string, unknown>): void {
    if (!Object.hasOwn(payload, 'current_time')) return;
    const value = payload.current_time;
    delete payload.current_time;
    payload.currentTime = value;
  }

  private convertSeekType(payload: Record<string, unknown>): void {
    if (!Object.hasOwn(payload, 'seek_type')) return;
    const seekType = payload.seek_type;
    if (typeof seekType === 'string' && Object.hasOwn(SEEK_TYPES, seekType)) payload.type = SEEK_TYPES[seekType];
    delete payload.seek_type;
  }

  private disambiguateSkipAndSeek(payload: Record<string, unknown>): void {
    if (!Object.hasOwn(payload, 'requested_skip_interval')) return;
    if (pythonAbs(payload.requested_skip_interval) !== 30 && Object.hasOwn(payload, 'type')) payload.type = 'onSlideSeek';
  }

  private setPageToBrowserUrl(): void {
    const context = this.context;
    if (!Object.hasOwn(context, 'open_in_browser_url')) return;
    const url = context.open_in_browser_url;
    if (typeof url !== 'string') {
      throw new TypeError(`open_in_browser_url of '${String(this.name)}' is not a string: ${JSON.stringify(url)}`);
    }
    delete context.open_in_browser_url;
    // Python's url.rpartition('/')[0]: everything before the last '/', or '' without one.
    const slash = url.lastIndexOf('/');
    this.event.page = slash < 0 ? '' : url.slice(0, slash);
  }

  private handleIosSeekBug(payload: Record<string, unknown>): void {
    const application = this.context.application;
    if (!isPlainObject(application) || !Object.hasOwn(application, 'version') || !Object.hasOwn(application, 'name')) return;
    if (application.version !== '1.0.02' || application.name !== 'edx.mobileapp.iOS') return;
    if (!Object.hasOwn(payload, 'requested_skip_interval') || !Object.hasOwn(payload, 'type')) return;
    if (payload.requested_skip_interval === 30 && payload.type === 'onSkipSeek') payload.requested_skip_interval = -30;
  }
}

/** Python's `abs()` of a JSON value: numbers and booleans; anything else is a `TypeError`. */
function pythonAbs(value: unknown): number {
  if (typeof value === 'number' || typeof value === 'boolean') return Math.abs(Number(value));
  throw new TypeError(`bad operand type for abs(): requested_skip_interval is ${JSON.stringify(value)}`);
}
