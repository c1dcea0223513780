/**
 * The synced watchers, indexed for the fan-out of each write: single-key
 * watchers by key, range watchers by their distinct ranges (watchers of the
 * same range share an entry, so a thousand watchers of one prefix cost one
 * comparison per event).
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import type { Watcher } from "./watcher.ts";

/** The watchers of one distinct range. */
interface RangeEntry {
  readonly key: string;
  /** `""`: no upper bound. */
  readonly end: string;
  readonly watchers: Set<Watcher>;
  /** Position in the scan list. */
  index: number;
}

function rangeId(key: string, end: string): string {
  return `${key.length}:${key}${end}`;
}

/** A set of watchers, found by the keys they watch. */
export class WatcherGroup {
  readonly #byKey = new Map<string, Set<Watcher>>();
  readonly #ranges = new Map<string, RangeEntry>();
  readonly #scan: RangeEntry[] = [];
  #size = 0;

  /** How many watchers the group holds. */
  get size(): number {
    return this.#size;
  }

  /** Adds `watcher` (not already in the group). */
  add(watcher: Watcher): void {
    const { key, end } = watcher.range;
    if (end === null) {
      let set = this.#byKey.get(key);
      if (set === undefined) this.#byKey.set(key, set = new Set());
      assert(!set.has(watcher), "watch: watcher added twice");
      set.add(watcher);
    } else {
      const id = rangeId(key, end);
      let entry = this.#ranges.get(id);
      if (entry === undefined) {
        entry = { key, end, watchers: new Set(), index: this.#scan.length };
        this.#ranges.set(id, entry);
        this.#scan.push(entry);
      }
      assert(!entry.watchers.has(watcher), "watch: watcher added twice");
      entry.watchers.add(watcher);
    }
    this.#size++;
  }

  /** Removes `watcher`; false when it was not in the group. */
  delete(watcher: Watcher): boolean {
    const { key, end } = watcher.range;
    if (end === null) {
      const set = this.#byKey.get(key);
      if (set === undefined || !set.delete(watcher)) return false;
      if (set.size === 0) this.#byKey.delete(key);
    } else {
      const id = rangeId(key, end);
      const entry = this.#ranges.get(id);
      if (entry === undefined || !entry.watchers.delete(watcher)) return false;
      if (entry.watchers.size === 0) this.#dropRange(id, entry);
    }
    this.#size--;
    return true;
  }

  #dropRange(id: string, entry: RangeEntry): void {
    this.#ranges.delete(id);
    const last = this.#scan.pop()!;
    if (last !== entry) {
      this.#scan[entry.index] = last;
      last.index = entry.index;
    }
  }

  /** Calls `visit` for every watcher whose key or range holds `key`. */
  forEachHolding(key: string, visit: (watcher: Watcher) => void): void {
    const set = this.#byKey.get(key);
    if (set !== undefined) { for (const watcher of set) visit(watcher); }
    const scan = this.#scan;
    for (let i = 0; i < scan.length; i++) {
      const entry = scan[i]!;
      if (key >= entry.key && (entry.end === "" || key < entry.end)) {
        for (const watcher of entry.watchers) visit(watcher);
      }
    }
  }

  /** Every watcher of the group. */
  *all(): IterableIterator<Watcher> {
    for (const set of this.#byKey.values()) yield* set;
    for (const entry of this.#scan) yield* entry.watchers;
  }
}
