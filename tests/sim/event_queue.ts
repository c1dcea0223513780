/**
 * The simulator's one event queue: a binary min-heap ordered by
 * (virtual time, sequence), so two events at the same time run in the order
 * they were scheduled and a run never depends on heap tie-breaking.
 *
 * @module
 */

/** An entry of the queue: when it runs, its scheduling order, and what it is. */
export interface Scheduled<T> {
  readonly timeMs: number;
  readonly sequence: number;
  readonly event: T;
}

function before<T>(a: Scheduled<T>, b: Scheduled<T>): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.sequence < b.sequence);
}

/** A priority queue of events keyed by (time, sequence). */
export class EventQueue<T> {
  #heap: Scheduled<T>[] = [];
  #sequence = 0;

  /** How many events wait. */
  get size(): number {
    return this.#heap.length;
  }

  /** Schedules `event` at `timeMs`; later calls with an equal time run later. */
  push(timeMs: number, event: T): void {
    const item = { timeMs, sequence: this.#sequence++, event };
    const heap = this.#heap;
    heap.push(item);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentItem = heap[parent]!;
      if (!before(item, parentItem)) break;
      heap[index] = parentItem;
      index = parent;
    }
    heap[index] = item;
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): Scheduled<T> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let index = 0;
    const length = heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && before(heap[right]!, heap[left]!)) child = right;
      if (!before(heap[child]!, last)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
    return top;
  }

  /** The earliest event without removing it. */
  peek(): Scheduled<T> | undefined {
    return this.#heap[0];
  }
}
