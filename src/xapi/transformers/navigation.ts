// Navigation in the LMS: links, the course outline, and the units of a sequence.
import type { StatementBuilder } from '../statement-builder';
import { ACTIVITY, EXTENSION, VERBS } from '../vocabulary';
import { forEach, oneStatement } from './transformer';

/** Where a sequence event goes, after the current tab. */
const ENDING_POSITION: Record<string, (builder: StatementBuilder) => unknown> = {
  'edx.ui.lms.sequence.tab_selected': (builder) => builder.reader.get('data.target_tab'),
  'edx.ui.lms.sequence.next_selected': () => 'next unit',
  'edx.ui.lms.sequence.previous_selected': () => 'previous unit',
};

export const navigationTransformers = {
  'edx.ui.lms.link_clicked': oneStatement((builder) => ({
    verb: VERBS.navigated,
    object: { id: builder.reader.requireText('data.target_url'), objectType: 'Activity', definition: { type: ACTIVITY.link } },
  })),
  ...forEach(
    ['edx.ui.lms.sequence.outline.selected', 'edx.ui.lms.outline.selected'],
    oneStatement((builder) => {
      const targetName = builder.reader.get('data.target_name');
      if (typeof targetName !== 'string') throw builder.reader.fail('missing-field', "the event has no 'data.target_name'");
      return {
        verb: VERBS.navigated,
        object: { id: builder.reader.text('data.target_url'), objectType: 'Activity', definition: { name: { en: targetName }, type: ACTIVITY.module } },
      };
    }),
  ),
  ...Object.fromEntries(
    Object.entries(ENDING_POSITION).map(([name, endingPosition]) => [
      name,
      oneStatement((builder) => ({
        verb: VERBS.navigated,
        object: {
          id: builder.iri('xblock', builder.reader.text('data.id')),
          objectType: 'Activity',
          definition: { type: ACTIVITY.resource, extensions: withTotal(builder.reader.get('data.tab_count')) },
        },
        extensions: { [EXTENSION.startingPosition]: builder.reader.get('data.current_tab'), [EXTENSION.endingPosition]: endingPosition(builder) },
      })),
    ]),
  ),
};

function withTotal(tabCount: unknown): Record<string, unknown> {
  return tabCount === undefined ? {} : { [EXTENSION.totalItems]: tabCount };
}
