/**
 * One leaf of {@linkcode SortedChunks}: up to a few hundred items kept in
 * arrival order, with their sorted order in typed arrays (a permutation and
 * one search number per rank, see prefix_keys.ts). An insert appends the
 * item and shifts only the typed arrays, so it never moves pointers in an
 * old-generation array: such moves pay V8's write barrier per slot and
 * made sorted-array inserts about ten times slower at 1M keys.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { commonPrefixLength, numberAt } from "./prefix_keys.ts";

/** Anything with a string key. */
export interface Keyed {
  readonly key: string;
}

/** Items by key: rank r is the r-th smallest key. */
export class Leaf<T extends Keyed> {
  /** The items, in arrival order. */
  #items: T[];
  /** `#order[r]`: the index in `#items` of the item of rank r. */
  #order: Uint16Array;
  /** `#numbers[r]`: the search number of the item of rank r. */
  #numbers: Float64Array;
  /** Bytes every key starts with (those of `#shared`). */
  #skip = 0;
  #shared = "";

  /**
   * A leaf of `sorted` (ascending, distinct keys; taken, not copied). When
   * the items are ranks [from, to) of `parent`, its search numbers are
   * reused as long as the narrower range would not gain 3 more shared bytes
   * (recomputing them reads every key: a cache miss each).
   */
  constructor(sorted: T[], parent: Leaf<T> | null = null, from = 0, to = 0) {
    assert(sorted.length <= 0xffff, "leaf: too many items");
    this.#items = sorted;
    const n = sorted.length;
    const capacity = Math.min(0x10000, Math.max(16, n * 2));
    this.#order = new Uint16Array(capacity);
    this.#numbers = new Float64Array(capacity);
    for (let r = 0; r < n; r++) this.#order[r] = r;
    if (parent === null || n === 0) {
      this.#reindex();
      return;
    }
    const skip = commonPrefixLength(sorted[0]!.key, sorted[n - 1]!.key);
    if (skip >= parent.#skip + 3) {
      this.#reindex();
      return;
    }
    this.#skip = parent.#skip;
    this.#shared = parent.#shared;
    this.#numbers.set(parent.#numbers.subarray(from, to));
  }

  /** The number of items. */
  get length(): number {
    return this.#items.length;
  }

  /** The item of rank `r` (0 ≤ r < length). */
  at(r: number): T {
    return this.#items[this.#order[r]!]!;
  }

  /** The rank of the first item whose key is ≥ `key` (length if none). */
  lowerBound(key: string): number {
    const n = this.#items.length;
    if (n === 0) return 0;
    if (!key.startsWith(this.#shared)) return key < this.at(0).key ? 0 : n;
    const wanted = numberAt(key, this.#skip);
    const numbers = this.#numbers;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const number = numbers[mid]!;
      if (number < wanted || (number === wanted && this.at(mid).key < key)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts `item` at rank `r` (its sorted position). */
  insertAt(r: number, item: T): void {
    const n = this.#items.length;
    assert(n < 0xffff, "leaf: full");
    if (n === this.#order.length) this.#grow();
    this.#items.push(item);
    this.#order.copyWithin(r + 1, r, n);
    this.#order[r] = n;
    if ((r === 0 || r === n) && !item.key.startsWith(this.#shared)) {
      this.#reindex();
      return;
    }
    this.#numbers.copyWithin(r + 1, r, n);
    this.#numbers[r] = numberAt(item.key, this.#skip);
  }

  /** Removes the item of rank `r` and returns it. */
  removeAt(r: number): T {
    const items = this.#items;
    const n = items.length;
    const index = this.#order[r]!;
    const item = items[index]!;
    this.#order.copyWithin(r, r + 1, n);
    this.#numbers.copyWithin(r, r + 1, n);
    const last = n - 1;
    if (index !== last) {
      // Move the last arrival into the hole and repoint its rank.
      const moved = items[last]!;
      items[index] = moved;
      const rank = this.#lowerBoundIn(moved.key, last);
      assert(this.#order[rank] === last, "leaf: lost an item");
      this.#order[rank] = index;
    }
    items.pop();
    return item;
  }

  /** The items in key order (a new array). */
  sorted(): T[] {
    const n = this.#items.length;
    const out = new Array<T>(n);
    for (let r = 0; r < n; r++) out[r] = this.at(r);
    return out;
  }

  /** Moves the items of rank ≥ `r` into a new leaf, returned. */
  splitOff(r: number): Leaf<T> {
    const sorted = this.sorted();
    const n = sorted.length;
    const right = new Leaf(sorted.slice(r), this, r, n);
    sorted.length = r;
    this.#rebuild(new Leaf(sorted, this, 0, r));
    return right;
  }

  /** Takes every item of `right`, whose keys are all greater. */
  append(right: Leaf<T>): void {
    const sorted = this.sorted();
    for (let r = 0; r < right.length; r++) sorted.push(right.at(r));
    this.#rebuild(new Leaf(sorted));
  }

  #rebuild(rebuilt: Leaf<T>): void {
    this.#items = rebuilt.#items;
    this.#order = rebuilt.#order;
    this.#numbers = rebuilt.#numbers;
    this.#skip = rebuilt.#skip;
    this.#shared = rebuilt.#shared;
  }

  /** lowerBound over the first `n` ranks. */
  #lowerBoundIn(key: string, n: number): number {
    const wanted = numberAt(key, this.#skip);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const number = this.#numbers[mid]!;
      if (number < wanted || (number === wanted && this.at(mid).key < key)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #grow(): void {
    const capacity = Math.min(0x10000, this.#order.length * 2);
    const order = new Uint16Array(capacity);
    order.set(this.#order);
    const numbers = new Float64Array(capacity);
    numbers.set(this.#numbers);
    this.#order = order;
    this.#numbers = numbers;
  }

  /** Recomputes the shared prefix and every rank's number (O(n)). */
  #reindex(): void {
    const n = this.#items.length;
    this.#skip = n === 0 ? 0 : commonPrefixLength(this.at(0).key, this.at(n - 1).key);
    this.#shared = n === 0 ? "" : this.at(0).key.slice(0, this.#skip);
    for (let r = 0; r < n; r++) this.#numbers[r] = numberAt(this.at(r).key, this.#skip);
  }
}
