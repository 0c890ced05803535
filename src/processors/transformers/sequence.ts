import { EventTransformer } from './base';

/**
 * `edx.ui.lms.sequence.tab_selected` → the legacy `seq_goto`, with
 * `old = current_tab` and `new = target_tab` added to the payload.
 */
export class SequenceTabSelectedEventTransformer extends EventTransformer {
  /** The event name this transformer is registered for. */
  static readonly matchKey = 'edx.ui.lms.sequence.tab_selected';

  /** Always a legacy event. */
  override get isLegacyEvent(): boolean {
    return true;
  }

  /** `'seq_goto'`. */
  override get legacyEventType(): string {
    return 'seq_goto';
  }

  /** Adds `old` (the current tab) and `new` (the target tab). */
  override processLegacyFields(): void {
    const current = this.payloadField('current_tab');
    const target = this.payloadField('target_tab');
    const payload = this.payloadObject()!;
    payload.old = current;
    payload.new = target;
  }
}

/**
 * What `edx.ui.lms.sequence.next_selected` and `previous_selected` share: they are
 * legacy events (`seq_next` / `seq_prev`, with `old = current_tab` and
 * `new = current_tab + offset`) only when the navigation stays inside the sequence;
 * one that crosses into the next or previous sequence is left as it is.
 */
export abstract class LinearSequenceEventTransformer extends EventTransformer {
  /** +1 for next, -1 for previous. */
  protected abstract readonly offset: number;

  /** Whether the navigation leaves the current sequence. */
  protected abstract crossesBoundary(): boolean;

  /** True when the navigation stays inside the sequence. */
  override get isLegacyEvent(): boolean {
    return !this.crossesBoundary();
  }

  /** Adds `old` (the current tab) and `new` (the tab navigated to). */
  override processLegacyFields(): void {
    const current = this.payloadField('current_tab');
    if (typeof current !== 'number') {
      throw new TypeError(`current_tab of '${String(this.name)}' is not a number: ${JSON.stringify(current)}`);
    }
    const payload = this.payloadObject()!;
    payload.old = current;
    payload.new = current + this.offset;
  }
}

/**
 * `edx.ui.lms.sequence.next_selected` → the legacy `seq_next`, unless the current tab
 * is the last one (`current_tab == tab_count`).
 */
export class NextSelectedEventTransformer extends LinearSequenceEventTransformer {
  /** The event name this transformer is registered for. */
  static readonly matchKey = 'edx.ui.lms.sequence.next_selected';
  /** The next tab. */
  protected readonly offset = 1;

  /** `'seq_next'`. */
  override get legacyEventType(): string {
    return 'seq_next';
  }

  /** True on the last tab (`current_tab == tab_count`). */
  protected crossesBoundary(): boolean {
    return this.payloadField('current_tab') === this.payloadField('tab_count');
  }
}

/**
 * `edx.ui.lms.sequence.previous_selected` → the legacy `seq_prev`, unless the current
 * tab is the first one (`current_tab == 1`).
 */
export class PreviousSelectedEventTransformer extends LinearSequenceEventTransformer {
  /** The event name this transformer is registered for. */
  static readonly matchKey = 'edx.ui.lms.sequence.previous_selected';
  /** The previous tab. */
  protected readonly offset = -1;

  /** `'seq_prev'`. */
  override get legacyEventType(): string {
    return 'seq_prev';
  }

  /** True on the first tab (`current_tab == 1`). */
  protected crossesBoundary(): boolean {
    return this.payloadField('current_tab') === 1;
  }
}
