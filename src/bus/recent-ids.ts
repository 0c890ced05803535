/**
 * The ids of the last `capacity` events a consumer delivered: a set with a ring of
 * insertion order, the oldest id forgotten when a new one comes past `capacity`.
 * It is what makes "exactly once in the file" hold for copies of an event that
 * arrive within `capacity` events of each other — a producer's retried batch, a
 * message redelivered after a lost ack — in one consumer process.
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<string | undefined>(Math.max(0, capacity));
  }

  /** How many ids are held. */
  get size(): number {
    return this.ids.size;
  }

  /** Whether `id` is one of the last `capacity` ids added. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Records `id` as delivered, forgetting the oldest id past `capacity`. */
  add(id: string): void {
    if (this.capacity <= 0 || this.ids.has(id)) return;
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.ids.delete(oldest);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(id);
  }
}
