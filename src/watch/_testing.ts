/**
 * Test helpers for the watch hub: a small history (puts, deletes,
 * compaction) shaped like the MVCC store's, and a sink that records
 * messages and can be made full.
 *
 * @module
 */

import type { Event, KeyValue } from "../proto/rpc.ts";
import { utf8Decode, utf8Encode } from "../util/bytes.ts";
import type { WatchHub } from "./watch_hub.ts";
import type { WatchHistory, WatchMessage, WatchSink } from "./types.ts";

const EMPTY = new Uint8Array(0);

/** A store history: one or more events per revision, with prevKv as the store gives it. */
export class FakeHistory implements WatchHistory {
  currentRevision = 1;
  compactRevision = 0;
  readonly log: Event[] = [];
  readonly #live = new Map<string, KeyValue>();
  hub: WatchHub | null = null;

  /** One revision of puts (`value` set) and deletes (`value` null). */
  write(changes: readonly (readonly [string, string | null])[]): number {
    const revision = ++this.currentRevision;
    const events: Event[] = [];
    for (const [key, value] of changes) {
      const prev = this.#live.get(key) ?? null;
      if (value === null) {
        if (prev === null) continue;
        this.#live.delete(key);
        const kv = {
          key: utf8Encode(key),
          createRevision: 0,
          modRevision: revision,
          version: 0,
          value: EMPTY,
          lease: 0n,
        };
        events.push({ type: "DELETE", kv, prevKv: prev });
      } else {
        const kv: KeyValue = {
          key: utf8Encode(key),
          createRevision: prev?.createRevision ?? revision,
          modRevision: revision,
          version: (prev?.version ?? 0) + 1,
          value: utf8Encode(value),
          lease: 0n,
        };
        this.#live.set(key, kv);
        events.push({ type: "PUT", kv, prevKv: prev });
      }
    }
    this.log.push(...events);
    this.hub?.onWrite(revision, events);
    return revision;
  }

  put(key: string, value: string): number {
    return this.write([[key, value]]);
  }

  del(key: string): number {
    return this.write([[key, null]]);
  }

  /** Compacts at `revision` (this history keeps every event; reads below fail). */
  compact(revision: number): void {
    this.compactRevision = revision;
  }

  eventsBetween(from: number, to: number): Event[] {
    if (from < this.compactRevision) throw new Error("compacted");
    return this.log.filter((e) => e.kv.modRevision >= from && e.kv.modRevision <= to)
      .map((e) => (e.kv.modRevision - 1 < this.compactRevision ? { ...e, prevKv: null } : e));
  }
}

/** A sink recording what it takes; `capacity` messages at most (Infinity by default). */
export class RecordingSink implements WatchSink {
  readonly messages: WatchMessage[] = [];
  capacity = Infinity;

  get writable(): boolean {
    return this.messages.length < this.capacity;
  }

  send(message: WatchMessage, control: boolean): boolean {
    if (!control && !this.writable) return false;
    this.messages.push(message);
    return true;
  }

  /** Takes every recorded message (and makes room). */
  drain(): WatchMessage[] {
    return this.messages.splice(0);
  }
}

/** `key@rev` or `-key@rev` (delete), `+prev` when the event carries a prevKv. */
export function describeEvent(event: Event): string {
  const key = utf8Decode(event.kv.key);
  const sign = event.type === "DELETE" ? "-" : "";
  const prev = event.prevKv === null ? "" : `+${utf8Decode(event.prevKv.value)}`;
  return `${sign}${key}@${event.kv.modRevision}${prev}`;
}

/** A compact description of a message for assertions. */
export function describe(message: WatchMessage): string {
  const parts = [`id=${message.watchId}`, `rev=${message.revision}`];
  if (message.created) parts.push("created");
  if (message.canceled) parts.push("canceled");
  if (message.compactRevision !== 0) parts.push(`compact=${message.compactRevision}`);
  if (message.cancelReason !== "") parts.push(`reason=${message.cancelReason}`);
  if (message.events.length > 0) parts.push(message.events.map(describeEvent).join(","));
  return parts.join(" ");
}
