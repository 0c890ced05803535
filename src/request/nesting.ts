/**
 * The deepest nesting of objects and arrays an inbound payload may have. Events
 * nested deeper cannot be copied or encoded (both are recursive, as Python's
 * `json.dumps` is), so the endpoints refuse them up front with a message saying why,
 * rather than accepting them and losing them later.
 */
export const MAX_PAYLOAD_DEPTH = 200;

/**
 * Whether `value` holds objects or arrays nested more than `maxDepth` levels deep
 * (a scalar has depth 0, `{}` and `[1]` depth 1). Iterative: any depth is measured
 * without using the stack. Stops as soon as the answer is known.
 */
export function nestedDeeperThan(value: unknown, maxDepth: number = MAX_PAYLOAD_DEPTH): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: Array<[object, number]> = [[value, 1]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (depth > maxDepth) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
