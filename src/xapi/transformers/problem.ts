// Problems: an answer shown, a hint shown, a problem completed, a problem's grade. problem_check is in problem-check.ts.
import { isPlainObject } from '../../encoding/objects';
import type { StatementBuilder } from '../statement-builder';
import type { XapiVerb } from '../statement';
import { ACTIVITY, VERBS } from '../vocabulary';
import { weightedScore } from './grading';
import type { Transformer } from './transformer';
import { oneStatement } from './transformer';

/**
 * The problem's id as the event gives it: `data.problem_id` or `data.module_id` when
 * the event has a `data` object, else the first `usage_key` found (a browser event).
 */
export function problemId(builder: StatementBuilder): string | undefined {
  const { reader } = builder;
  if (!isPlainObject(reader.get('data'))) return reader.text('usage_key');
  return reader.truthy('data.problem_id') === undefined ? reader.requireText('data.module_id') : reader.text('data.problem_id');
}

/** `verb` for `name`, the object's id made by `idOf` from the problem's id, the activity `type`. */
function problemEvent(verb: XapiVerb, type: string, idOf: (builder: StatementBuilder, problem: string | undefined) => string | undefined): Transformer {
  return oneStatement((builder) => {
    const problem = problemId(builder);
    return { verb, object: { id: idOf(builder, problem), objectType: 'Activity', definition: { type } } };
  });
}

export const problemTransformers: Record<string, Transformer> = {
  showanswer: problemEvent(VERBS.asked, ACTIVITY.solution, (builder) => `${builder.iri('xblock', builder.reader.requireText('problem_id'))}/answer`),
  'edx.problem.hint.demandhint_displayed': problemEvent(VERBS.asked, ACTIVITY.supplementalInfo, (builder) => {
    const block = builder.iri('xblock', builder.reader.requireText('module_id'));
    return `${block}/hint/${builder.reader.requireText('hint_index')}`;
  }),
  'edx.problem.completed': problemEvent(VERBS.completed, ACTIVITY.interaction, (_builder, problem) => problem),
  'edx.grades.problem.submitted': oneStatement((builder) => ({
    verb: VERBS.attempted,
    object: { id: builder.iri('xblock', problemId(builder)), objectType: 'Activity', definition: { type: ACTIVITY.question } },
    result: weightedScore(builder.reader, 'weighted_earned', 'weighted_possible'),
  })),
};
