// Child processes of the reliability suite: test/reliability/children/<script>, run
// with node against the built package (dist/), as users run it.
import { join } from 'node:path';
import { forkChild, type Child } from '../../support/child-process';

export { killChildren, type Child } from '../../support/child-process';

/** Where the child scripts live. */
export const CHILDREN = join(__dirname, '..', 'children');

/**
 * Starts `test/reliability/children/<script>`. It is SIGKILLed after `lifetimeMs`
 * (Default: 90 s) whatever happens, and by `killChildren`.
 */
export function startChild(script: string, args: string[] = [], options: { execArgv?: string[]; env?: NodeJS.ProcessEnv; lifetimeMs?: number } = {}): Child {
  return forkChild(join(CHILDREN, script), script, args, { ...options, lifetimeMs: options.lifetimeMs ?? 90000, messageTimeoutMs: 30000 });
}
