/**
 * Flow control for one follower: the MsgApp messages sent but not yet
 * acknowledged, bounded by a count and by their payload bytes.
 *
 * @module
 */

import { assert } from "../util/assert.ts";

/** In-flight appends to one follower, each recorded by its last index. */
export class Inflights {
  readonly messagesMax: number;
  /** 0 means no byte limit. */
  readonly bytesMax: number;
  #indexes: number[] = [];
  #sizes: number[] = [];
  #start = 0;
  #bytes = 0;

  constructor(messagesMax: number, bytesMax: number) {
    assert(messagesMax > 0, "inflights need room for at least one message");
    this.messagesMax = messagesMax;
    this.bytesMax = bytesMax;
  }

  /** Records a message whose last entry has `index`, carrying `bytes` of payload. */
  add(index: number, bytes: number): void {
    assert(!this.full(), "cannot add into a full inflights");
    const count = this.count();
    if (count > 0) {
      assert(index > this.#indexes[this.#indexes.length - 1]!, "inflight indexes must grow");
    }
    this.#indexes.push(index);
    this.#sizes.push(bytes);
    this.#bytes += bytes;
  }

  /** Frees every in-flight message whose index is at most `index`. */
  freeLE(index: number): void {
    while (this.#start < this.#indexes.length && this.#indexes[this.#start]! <= index) {
      this.#bytes -= this.#sizes[this.#start]!;
      this.#start++;
    }
    if (this.#start === this.#indexes.length) {
      this.reset();
    } else if (this.#start > 64 && this.#start * 2 > this.#indexes.length) {
      this.#indexes = this.#indexes.slice(this.#start);
      this.#sizes = this.#sizes.slice(this.#start);
      this.#start = 0;
    }
  }

  /** Whether no more messages may be sent. */
  full(): boolean {
    return this.count() >= this.messagesMax ||
      (this.bytesMax > 0 && this.#bytes >= this.bytesMax);
  }

  count(): number {
    return this.#indexes.length - this.#start;
  }

  bytes(): number {
    return this.#bytes;
  }

  reset(): void {
    this.#indexes = [];
    this.#sizes = [];
    this.#start = 0;
    this.#bytes = 0;
  }
}
