import { MAX_PAYLOAD_DEPTH, nestedDeeperThan } from '../../src/request/nesting';

describe('nestedDeeperThan', () => {
  const nest = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
    return value;
  };

  it('measures objects and arrays, scalars being depth 0', () => {
    expect(nestedDeeperThan('x', 0)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({ a: [1] }, 2)).toBe(false);
    expect(nestedDeeperThan({ a: [1] }, 1)).toBe(true);
    expect(nestedDeeperThan(nest(MAX_PAYLOAD_DEPTH))).toBe(false);
    expect(nestedDeeperThan(nest(MAX_PAYLOAD_DEPTH + 1))).toBe(true);
  });

  it('measures any depth without the stack, and copes with cycles', () => {
    expect(nestedDeeperThan(nest(200000), 1000)).toBe(true);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(nestedDeeperThan(cyclic, 5)).toBe(false);
  });
});
