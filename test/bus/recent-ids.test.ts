import { RecentIds } from '../../src/bus/recent-ids';

describe('RecentIds (the dedupe window)', () => {
  it('remembers the last `capacity` ids, the oldest out first', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'a']) ids.add(id);
    ids.add('d');
    expect([ids.has('a'), ids.has('b'), ids.has('c'), ids.has('d'), ids.size]).toEqual([false, true, true, true, 3]);
  });
});
