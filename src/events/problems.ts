import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/** One way a payload fails its schema. */
export interface DataProblem {
  /** Where, as a JSON pointer into the payload: `'/course_id'`, `'/answers/2'`; `''` for the payload itself. */
  readonly path: string;
  /** What is wrong: `'Expected string'`. */
  readonly message: string;
}

/**
 * Compiles `schema` once; the function returns the problems of a value, the first one
 * at each path (a missing field is not also reported as of the wrong type), or none
 * when it matches.
 */
export function compileSchema(schema: TSchema): (value: unknown) => DataProblem[] {
  const compiled = TypeCompiler.Compile(schema);
  return (value) => {
    if (compiled.Check(value)) return [];
    const byPath = new Map<string, DataProblem>();
    for (const error of compiled.Errors(value)) {
      if (!byPath.has(error.path)) byPath.set(error.path, { path: error.path, message: error.message });
    }
    return [...byPath.values()];
  };
}
