// Block completion: progress through a unit of the course.
import { ACTIVITY, EXTENSION, VERBS } from '../vocabulary';
import { oneStatement } from './transformer';

export const completionTransformers = {
  'edx.completion.block_completion.changed': oneStatement((builder) => {
    const completion = builder.reader.get('data.completion');
    if (typeof completion !== 'number') throw builder.reader.fail('invalid-value', "'data.completion' is not a number");
    return {
      verb: VERBS.progressed,
      object: { id: builder.iri('xblock', builder.reader.text('data.block_id')), objectType: 'Activity', definition: { type: ACTIVITY.resource } },
      result: { completion: completion === 1, extensions: { [EXTENSION.progress]: completion * 100 } },
    };
  }),
};
