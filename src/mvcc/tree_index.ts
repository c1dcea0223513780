/**
 * The key → history index (etcd's treeIndex): a {@linkcode SortedChunks}
 * of {@linkcode KeyIndex} by key, for point lookups (O(log n), mostly on
 * small typed arrays, see leaf.ts) and ordered range scans. A `Map` beside
 * it was tried: at 1M keys it cost more time than it saved and ~40 bytes
 * a key.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import type { KeyIndex } from "./key_index.ts";
import { SortedChunks } from "./sorted_chunks.ts";

/** Every key with retained history, by key. */
export class TreeIndex {
  #ordered = new SortedChunks<KeyIndex>();

  /** An index of `indexes`, which must be in strictly ascending key order. */
  static fromSorted(indexes: readonly KeyIndex[]): TreeIndex {
    for (let i = 1; i < indexes.length; i++) {
      assert(indexes[i - 1]!.key < indexes[i]!.key, "treeIndex: keys out of order");
    }
    const tree = new TreeIndex();
    tree.#ordered = SortedChunks.fromSorted(indexes);
    return tree;
  }

  /** The number of keys with retained history (live or not). */
  get size(): number {
    return this.#ordered.size;
  }

  /** The history of `key`, if any is retained. */
  get(key: string): KeyIndex | undefined {
    return this.#ordered.get(key);
  }

  /** Adds the history of a key not yet indexed. */
  insert(index: KeyIndex): void {
    this.#ordered.insert(index);
  }

  /** Removes `key`'s history. */
  remove(key: string): void {
    const removed = this.#ordered.remove(key);
    assert(removed !== undefined, "treeIndex: removing a missing key");
  }

  /** Visits the keys in `[from, end)` in order (`end` `""` = no bound) until `visit` returns false. */
  scan(from: string, end: string, visit: (index: KeyIndex) => boolean | void): void {
    this.#ordered.scan(from, end, visit);
  }

  /** Calls `visit` on every key's history, in key order. */
  forEach(visit: (index: KeyIndex) => void): void {
    this.#ordered.forEach(visit);
  }

  /** Drops the keys for which `keep` is false, in one pass. */
  retain(keep: (index: KeyIndex) => boolean): void {
    this.#ordered.retain(keep);
  }
}
