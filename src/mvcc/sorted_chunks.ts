/**
 * An ordered set of items by string key: a B+tree of height two. The
 * leaves ({@linkcode Leaf}) hold at most {@linkcode CHUNK_ITEMS_MAX} items
 * each; the root holds each leaf's last key. Both levels search mostly on
 * numbers in typed arrays ({@linkcode PrefixKeys}, leaf.ts), reading key
 * strings only on ties.
 *
 * Insert and remove cost O(log n) comparisons plus a typed-array memmove
 * inside one leaf; a split or merge also moves the root's slots (n / 256,
 * a few thousand at 1M keys). A scan from a key costs O(log n + k). There
 * is never a memmove of the whole set.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { type Keyed, Leaf } from "./leaf.ts";
import { PrefixKeys } from "./prefix_keys.ts";

export type { Keyed } from "./leaf.ts";

/** Most items in one chunk; a fuller chunk splits. */
export const CHUNK_ITEMS_MAX = 512;

/** A chunk with fewer items merges into a neighbour when the two fit in one. */
const CHUNK_ITEMS_MERGE_BELOW = CHUNK_ITEMS_MAX / 8;

/** An ordered set of `T` by `T.key` (binary-string order). */
export class SortedChunks<T extends Keyed> {
  #chunks: Leaf<T>[] = [];
  /** The last key of each chunk: the root's separators. */
  #lastKeys = new PrefixKeys();
  #size = 0;

  /** Builds the set from items already in strictly ascending key order (O(n)). */
  static fromSorted<T extends Keyed>(items: readonly T[]): SortedChunks<T> {
    const set = new SortedChunks<T>();
    const per = CHUNK_ITEMS_MAX >>> 1;
    const lastKeys: string[] = [];
    for (let i = 0; i < items.length; i += per) {
      const chunk = new Leaf(items.slice(i, i + per));
      set.#chunks.push(chunk);
      lastKeys.push(chunk.at(chunk.length - 1).key);
    }
    set.#lastKeys = new PrefixKeys(lastKeys);
    set.#size = items.length;
    return set;
  }

  /** The number of items. */
  get size(): number {
    return this.#size;
  }

  /** The number of chunks (for tests of the shape). */
  get chunkCount(): number {
    return this.#chunks.length;
  }

  /** The item with `key`, if present. */
  get(key: string): T | undefined {
    if (this.#chunks.length === 0) return undefined;
    const chunk = this.#chunks[this.#chunkFor(key)]!;
    const r = chunk.lowerBound(key);
    if (r === chunk.length) return undefined;
    const item = chunk.at(r);
    return item.key === key ? item : undefined;
  }

  /** Inserts `item`, whose key must not be present. */
  insert(item: T): void {
    this.#size++;
    if (this.#chunks.length === 0) {
      this.#chunks.push(new Leaf([item]));
      this.#lastKeys.insertAt(0, item.key);
      return;
    }
    const c = this.#chunkFor(item.key);
    const chunk = this.#chunks[c]!;
    const r = chunk.lowerBound(item.key);
    assert(r === chunk.length || chunk.at(r).key !== item.key, "sortedChunks: duplicate key");
    chunk.insertAt(r, item);
    if (r === chunk.length - 1) this.#lastKeys.setAt(c, item.key);
    if (chunk.length > CHUNK_ITEMS_MAX) this.#split(c, r === chunk.length - 1);
  }

  /** Removes the item with `key`; returns it, or undefined when absent. */
  remove(key: string): T | undefined {
    if (this.#chunks.length === 0) return undefined;
    const c = this.#chunkFor(key);
    const chunk = this.#chunks[c]!;
    const r = chunk.lowerBound(key);
    if (r === chunk.length || chunk.at(r).key !== key) return undefined;
    const item = chunk.removeAt(r);
    this.#size--;
    const n = chunk.length;
    if (n === 0) {
      this.#chunks.splice(c, 1);
      this.#lastKeys.removeAt(c);
    } else {
      if (r === n) this.#lastKeys.setAt(c, chunk.at(n - 1).key);
      if (n < CHUNK_ITEMS_MERGE_BELOW) this.#mergeSmall(c);
    }
    return item;
  }

  /**
   * Calls `visit` on each item with `from ≤ key < end` in key order (`end`
   * `""` = no upper bound) until it returns false.
   */
  scan(from: string, end: string, visit: (item: T) => boolean | void): void {
    const chunks = this.#chunks;
    if (chunks.length === 0) return;
    let c = this.#chunkFor(from);
    let r = chunks[c]!.lowerBound(from);
    const bounded = end !== "";
    for (; c < chunks.length; c++, r = 0) {
      const chunk = chunks[c]!;
      for (const n = chunk.length; r < n; r++) {
        const item = chunk.at(r);
        if (bounded && item.key >= end) return;
        if (visit(item) === false) return;
      }
    }
  }

  /** Calls `visit` on every item in key order. */
  forEach(visit: (item: T) => void): void {
    for (const chunk of this.#chunks) {
      for (let r = 0, n = chunk.length; r < n; r++) visit(chunk.at(r));
    }
  }

  /** Every item in key order. */
  *values(): IterableIterator<T> {
    for (const chunk of this.#chunks) {
      for (let r = 0; r < chunk.length; r++) yield chunk.at(r);
    }
  }

  /** Keeps only the items for which `keep` holds, in one pass (O(n)). */
  retain(keep: (item: T) => boolean): void {
    const kept: T[] = [];
    for (const chunk of this.#chunks) {
      for (let r = 0; r < chunk.length; r++) {
        const item = chunk.at(r);
        if (keep(item)) kept.push(item);
      }
    }
    if (kept.length === this.#size) return;
    const rebuilt = SortedChunks.fromSorted(kept);
    this.#chunks = rebuilt.#chunks;
    this.#lastKeys = rebuilt.#lastKeys;
    this.#size = rebuilt.#size;
  }

  /** The chunk that holds `key` or would: the first whose last key ≥ key, else the last. */
  #chunkFor(key: string): number {
    return Math.min(this.#lastKeys.lowerBound(key), this.#chunks.length - 1);
  }

  /** Splits the overfull chunk `c`; an append at the end keeps the left chunk full. */
  #split(c: number, appended: boolean): void {
    const chunk = this.#chunks[c]!;
    const n = chunk.length;
    const at = appended && c === this.#chunks.length - 1 ? n - 1 : n >>> 1;
    this.#chunks.splice(c + 1, 0, chunk.splitOff(at));
    this.#lastKeys.insertAt(c, chunk.at(at - 1).key);
  }

  /** Merges the small chunk `c` with a neighbour when both fit in one chunk. */
  #mergeSmall(c: number): void {
    const chunks = this.#chunks;
    const size = chunks[c]!.length;
    const next = chunks[c + 1];
    if (next !== undefined && size + next.length <= CHUNK_ITEMS_MAX) {
      this.#merge(c);
      return;
    }
    const previous = chunks[c - 1];
    if (previous !== undefined && size + previous.length <= CHUNK_ITEMS_MAX) this.#merge(c - 1);
  }

  /** Merges chunk `c + 1` into chunk `c`. */
  #merge(c: number): void {
    this.#chunks[c]!.append(this.#chunks[c + 1]!);
    this.#chunks.splice(c + 1, 1);
    this.#lastKeys.removeAt(c);
  }
}
