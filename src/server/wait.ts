/**
 * The wait registry (etcd's pkg/wait): a request registers its id before it
 * is proposed; applying the entry with that id triggers it with the result.
 * A reply is therefore sent only after apply. Ids of other members' or
 * earlier processes' requests are simply not registered here.
 *
 * @module
 */

import { assert } from "../util/assert.ts";

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Pending requests by id. */
export class WaitRegistry<T> {
  readonly #waiters = new Map<string, Waiter<T>>();

  /** Registers `id` (which must be new) and returns what it will be triggered with. */
  register(id: string): Promise<T> {
    assert(!this.#waiters.has(id), `wait: duplicate request id ${id}`);
    return new Promise<T>((resolve, reject) => {
      this.#waiters.set(id, { resolve, reject });
    });
  }

  /** Whether `id` is waiting. */
  has(id: string): boolean {
    return this.#waiters.has(id);
  }

  /** Resolves the waiter of `id`, if any; returns whether there was one. */
  trigger(id: string, value: T): boolean {
    const waiter = this.#waiters.get(id);
    if (waiter === undefined) return false;
    this.#waiters.delete(id);
    waiter.resolve(value);
    return true;
  }

  /** Rejects the waiter of `id` (timeout, cancellation), if any. */
  fail(id: string, error: unknown): boolean {
    const waiter = this.#waiters.get(id);
    if (waiter === undefined) return false;
    this.#waiters.delete(id);
    waiter.reject(error);
    return true;
  }

  /** Rejects every waiter (the server stops). */
  failAll(error: unknown): void {
    const waiters = [...this.#waiters.values()];
    this.#waiters.clear();
    for (const waiter of waiters) waiter.reject(error);
  }

  /** Requests waiting. */
  get size(): number {
    return this.#waiters.size;
  }
}
