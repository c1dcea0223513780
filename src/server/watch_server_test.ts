import assert from "node:assert/strict";
import { KvStore } from "../mvcc/mod.ts";
import { EtcdError } from "../proto/errors.ts";
import { putRequest } from "../proto/rpc.ts";
import { watchCreateRequest } from "../proto/rpc_watch.ts";
import type { WatchMessage } from "../watch/mod.ts";
import type { WatchStreamSink } from "./watch_service.ts";
import { WatchServer } from "./watch_server.ts";

const enc = new TextEncoder();

class Sink implements WatchStreamSink {
  readonly messages: WatchMessage[] = [];
  ended: EtcdError | null = null;
  writable = true;
  send(message: WatchMessage, control: boolean): boolean {
    if (!control && !this.writable) return false;
    this.messages.push(message);
    return true;
  }
  end(error: EtcdError): void {
    this.ended = error;
  }
}

function setup(progressNotifyIntervalMs?: number) {
  let kv: KvStore;
  const watch = new WatchServer({
    history: () => kv,
    header: (revision) => ({ clusterId: 1n, memberId: 2n, revision, raftTerm: 3 }),
    ...(progressNotifyIntervalMs === undefined ? {} : { progressNotifyIntervalMs }),
  });
  const store = (next: KvStore) => (kv = next);
  kv = new KvStore({ onWrite: (revision, events) => watch.onWrite(revision, events) });
  const put = (key: string, value: string) =>
    kv.put(putRequest({ key: enc.encode(key), value: enc.encode(value) }));
  return { watch, put, kv: () => kv, store };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

Deno.test("watch server: a replay is sent soon after the create, without being asked", async () => {
  const { watch, put } = setup();
  put("k", "1");
  put("k", "2");
  const sink = new Sink();
  const stream = watch.openStream(sink);
  stream.request({
    createRequest: watchCreateRequest({ key: enc.encode("k"), startRevision: 1 }),
    cancelRequest: null,
    progressRequest: null,
  });
  assert.equal(watch.stats.unsynced, 1);
  await tick();
  assert.equal(watch.stats.unsynced, 0);
  assert.deepEqual(sink.messages.map((m) => m.events.length), [0, 2]);
  stream.close();
  watch.stop();
});

Deno.test("watch server: a full stream catches up once it says it drained", async () => {
  const { watch, put } = setup();
  const sink = new Sink();
  const stream = watch.openStream(sink);
  stream.request({
    createRequest: watchCreateRequest({ key: enc.encode("k") }),
    cancelRequest: null,
    progressRequest: null,
  });
  sink.writable = false;
  put("k", "1");
  put("k", "2");
  await tick();
  assert.equal(watch.stats.unsynced, 1);
  sink.writable = true;
  stream.drained();
  await tick();
  assert.equal(watch.stats.unsynced, 0);
  assert.deepEqual(sink.messages.at(-1)!.events.map((e) => e.kv.modRevision), [2, 3]);
  stream.close();
  watch.stop();
});

Deno.test("watch server: progress notifications every interval (with jitter) for progress_notify", async () => {
  const { watch } = setup(30);
  const sink = new Sink();
  const stream = watch.openStream(sink);
  stream.request({
    createRequest: watchCreateRequest({ key: enc.encode("k"), progressNotify: true }),
    cancelRequest: null,
    progressRequest: null,
  });
  await tick(120);
  const progress = sink.messages.filter((m) => !m.created && m.events.length === 0);
  assert.ok(progress.length >= 2, `${progress.length} notifications`);
  assert.ok(progress.every((m) => m.watchId === 0 && m.revision === 1));
  stream.close();
  watch.stop();
});

Deno.test("watch server: stop ends every stream with etcd's transport is closing", () => {
  const { watch } = setup();
  const sinks = [new Sink(), new Sink()];
  for (const sink of sinks) watch.openStream(sink);
  watch.stop();
  for (const sink of sinks) assert.equal(sink.ended?.message, "transport is closing");
  const late = new Sink();
  watch.openStream(late);
  assert.equal(late.ended?.message, "transport is closing");
  assert.equal(watch.stats.streams, 0);
});

Deno.test("watch server: a replaced store: watchers catch up from it", async () => {
  const { watch, put, kv, store } = setup();
  const sink = new Sink();
  const stream = watch.openStream(sink);
  stream.request({
    createRequest: watchCreateRequest({ key: enc.encode("k") }),
    cancelRequest: null,
    progressRequest: null,
  });
  put("k", "1");
  // The leader went on without us: its store (a copy plus two writes) replaces ours.
  const leader = KvStore.fromSnapshot(kv().toSnapshot());
  leader.put(putRequest({ key: enc.encode("k"), value: enc.encode("2") }));
  leader.put(putRequest({ key: enc.encode("k"), value: enc.encode("3") }));
  store(KvStore.fromSnapshot(leader.toSnapshot(), {
    onWrite: (revision, events) => watch.onWrite(revision, events),
  }));
  watch.onRestore();
  await tick();
  const revisions = sink.messages.flatMap((m) => m.events.map((e) => e.kv.modRevision));
  assert.deepEqual(revisions, [2, 3, 4]);
  put("k", "4");
  assert.equal(sink.messages.at(-1)!.events[0]!.kv.modRevision, 5);
  stream.close();
  watch.stop();
});
