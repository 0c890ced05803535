import { completionTransformers } from './transformers/completion';
import { enrollmentTransformers } from './transformers/enrollment';
import { examTransformers } from './transformers/exams';
import { forumTransformers } from './transformers/forum';
import { gradingTransformers } from './transformers/grading';
import { navigationTransformers } from './transformers/navigation';
import { problemCheck } from './transformers/problem-check';
import { problemTransformers } from './transformers/problem';
import type { Transformer } from './transformers/transformer';
import { videoTransformers } from './transformers/video';

/** Every event name event-routing-backends turns into xAPI, with its transformer. */
export const TRANSFORMERS: ReadonlyMap<string, Transformer> = new Map(
  Object.entries({
    ...enrollmentTransformers,
    ...completionTransformers,
    ...gradingTransformers,
    ...navigationTransformers,
    ...videoTransformers,
    ...forumTransformers,
    ...examTransformers,
    ...problemTransformers,
    problem_check: problemCheck,
  }),
);
