/** One way an emitted event fails its definition. */
export interface EventProblem {
  /** The event's name. */
  readonly event: string;
  /** Where in the payload, as a JSON pointer (`'/course_id'`); `''` for the payload, or the event, itself. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

/** `"'edx.x' does not match its definition: /course_id Expected string; /user_id Expected integer"`. */
export function describeProblems(problems: readonly EventProblem[]): string {
  const byEvent = new Map<string, string[]>();
  for (const problem of problems) {
    const list = byEvent.get(problem.event) ?? [];
    list.push(`${problem.path || '(payload)'} ${problem.message}`);
    byEvent.set(problem.event, list);
  }
  return [...byEvent].map(([name, list]) => `'${name}' does not match its definition: ${list.join('; ')}`).join('\n');
}

/** Thrown in validation mode `'throw'`: an event that does not match its definition. */
export class EventDefinitionError extends Error {
  override name = 'EventDefinitionError';

  constructor(
    /** Every problem, each with its path. */
    readonly problems: readonly EventProblem[],
  ) {
    super(describeProblems(problems));
  }
}
