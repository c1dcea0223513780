import assert from "node:assert/strict";
import { type WatchCreateRequest, watchCreateRequest } from "../proto/rpc_watch.ts";
import { utf8Encode } from "../util/bytes.ts";
import { describe, FakeHistory, RecordingSink } from "./_testing.ts";
import { WatchHub, type WatchHubLimits } from "./watch_hub.ts";

const LIMITS: WatchHubLimits = {
  syncWatchersMax: 512,
  syncRevisionsMax: 1000,
  responseBytesMax: 1024 * 1024,
};

function setup(limits: WatchHubLimits = LIMITS) {
  const history = new FakeHistory();
  const hub = new WatchHub(() => history, limits);
  history.hub = hub;
  const sink = new RecordingSink();
  const stream = hub.openStream(sink);
  return { history, hub, sink, stream };
}

function create(
  fields: Omit<Partial<WatchCreateRequest>, "key" | "rangeEnd"> & { key: string; end?: string },
): WatchCreateRequest {
  const { key, end, ...rest } = fields;
  return watchCreateRequest({
    ...rest,
    key: utf8Encode(key),
    rangeEnd: end === undefined
      ? new Uint8Array(0)
      : end === "\0"
      ? new Uint8Array([0])
      : utf8Encode(end),
  });
}

function texts(sink: RecordingSink): string[] {
  return sink.drain().map(describe);
}

function stepAll(hub: WatchHub): void {
  for (let i = 0; i < 1000 && hub.step(); i++) { /* until done */ }
}

Deno.test("hub: created at the current revision, then one message per revision", () => {
  const { history, sink, stream } = setup();
  history.put("a", "1");
  stream.create(create({ key: "a" }));
  assert.deepEqual(texts(sink), ["id=0 rev=2 created"]);
  history.put("a", "2");
  history.put("b", "x");
  history.write([["a", "3"], ["a2", "y"]]);
  history.del("a");
  // prevKv is stripped unless asked for.
  assert.deepEqual(texts(sink), ["id=0 rev=3 a@3", "id=0 rev=5 a@5", "id=0 rev=6 -a@6"]);
});

Deno.test("hub: prefix and from-key ranges, prev_kv, filters", () => {
  const { history, sink, stream } = setup();
  stream.create(create({ key: "p/", end: "p0", prevKv: true }));
  stream.create(create({ key: "m", end: "\0", filters: ["NOPUT"] }));
  stream.create(create({ key: "", end: "\0", filters: ["NODELETE"] }));
  sink.drain();
  history.write([["p/1", "a"], ["q", "b"]]);
  history.put("p/1", "c");
  history.del("p/1");
  history.put("a", "z");
  assert.deepEqual(texts(sink), [
    "id=0 rev=2 p/1@2",
    "id=2 rev=2 p/1@2,q@2",
    "id=0 rev=3 p/1@3+a",
    "id=2 rev=3 p/1@3",
    "id=0 rev=4 -p/1@4+c",
    "id=1 rev=4 -p/1@4",
    "id=2 rev=5 a@5",
  ]);
});

Deno.test("hub: ids per stream, client ids, duplicates and empty ranges refused as etcd", () => {
  const { history, sink, stream } = setup();
  history.put("x", "1");
  stream.create(create({ key: "a", watchId: 3 }));
  stream.create(create({ key: "a", watchId: 3 }));
  for (let i = 0; i < 4; i++) stream.create(create({ key: "a" }));
  stream.create(create({ key: "b", end: "a" }));
  stream.create(create({ key: "b", end: "b" }));
  assert.deepEqual(texts(sink), [
    "id=3 rev=2 created",
    "id=-1 rev=2 created canceled reason=mvcc: duplicate watch ID provided on the WatchStream",
    "id=0 rev=2 created",
    "id=1 rev=2 created",
    "id=2 rev=2 created",
    "id=4 rev=2 created",
    "id=-1 rev=2 created canceled reason=mvcc: watcher range is empty",
    "id=-1 rev=2 created canceled reason=mvcc: watcher range is empty",
  ]);
});

Deno.test("hub: cancel answers canceled and stops events; an unknown id gets no answer", () => {
  const { history, sink, stream } = setup();
  stream.create(create({ key: "a" }));
  stream.cancel(5);
  stream.cancel(0);
  history.put("a", "1");
  assert.deepEqual(texts(sink), ["id=0 rev=1 created", "id=0 rev=1 canceled"]);
  assert.equal(stream.watcherCount, 0);
});

Deno.test("hub: a past start revision replays history in one message, then follows writes", () => {
  const { history, hub, sink, stream } = setup();
  history.put("k", "1");
  history.put("other", "1");
  history.put("k", "2");
  stream.create(create({ key: "k", startRevision: 2, prevKv: true }));
  assert.deepEqual(texts(sink), ["id=0 rev=4 created"]);
  assert.equal(hub.unsyncedCount, 1);
  history.put("k", "3"); // while unsynced: read from history, not sent twice
  stepAll(hub);
  assert.deepEqual(texts(sink), ["id=0 rev=5 k@2,k@4+1,k@5+2"]);
  assert.equal(hub.syncedCount, 1);
  history.put("k", "4");
  assert.deepEqual(texts(sink), ["id=0 rev=6 k@6+3"]);
});

Deno.test("hub: a future start revision skips the revisions before it", () => {
  const { history, sink, stream } = setup();
  stream.create(create({ key: "k", startRevision: 4 }));
  history.put("k", "1");
  history.put("k", "2");
  history.put("k", "3");
  assert.deepEqual(texts(sink), ["id=0 rev=1 created", "id=0 rev=4 k@4"]);
});

Deno.test("hub: a compacted start revision: created, then canceled with compact_revision", () => {
  const { history, hub, sink, stream } = setup();
  for (let i = 0; i < 5; i++) history.put("k", `${i}`);
  history.compact(4);
  stream.create(create({ key: "k", startRevision: 3, watchId: 9 }));
  stream.create(create({ key: "k", startRevision: 4 }));
  stepAll(hub);
  assert.deepEqual(texts(sink), [
    "id=9 rev=6 created",
    "id=0 rev=6 created",
    "id=9 rev=0 canceled compact=4",
    "id=0 rev=6 k@4,k@5,k@6",
  ]);
  // The id stays taken until the client cancels it; the cancel is answered.
  stream.create(create({ key: "k", watchId: 9 }));
  stream.cancel(9);
  assert.deepEqual(texts(sink), [
    "id=-1 rev=6 created canceled reason=mvcc: duplicate watch ID provided on the WatchStream",
    "id=9 rev=6 canceled",
  ]);
});

Deno.test("hub: a negative start revision is canceled with compact_revision -1 on a new store", () => {
  const { history, hub, sink, stream } = setup();
  history.put("k", "1");
  stream.create(create({ key: "k", startRevision: -5 }));
  stepAll(hub);
  assert.deepEqual(texts(sink), ["id=0 rev=2 created", "id=0 rev=0 canceled compact=-1"]);
});

Deno.test("hub: a full stream never blocks writes; its watchers catch up once it drains", () => {
  const { history, hub, sink, stream } = setup();
  const other = new RecordingSink();
  hub.openStream(other).create(create({ key: "k" }));
  stream.create(create({ key: "k" }));
  stream.create(create({ key: "j" }));
  sink.drain();
  other.drain();
  sink.capacity = 1;
  history.put("k", "1");
  history.put("k", "2");
  history.put("j", "1");
  history.put("k", "3");
  assert.equal(hub.unsyncedCount, 2);
  assert.equal(other.messages.length, 3, "the other stream is not held up");
  assert.equal(hub.step(), false, "nothing to do while the stream is full");
  assert.deepEqual(texts(sink), ["id=0 rev=2 k@2"]);
  sink.capacity = Infinity;
  stepAll(hub);
  assert.deepEqual(texts(sink), ["id=0 rev=5 k@3,k@5", "id=1 rev=5 j@4"]);
  history.put("k", "4");
  assert.deepEqual(texts(sink), ["id=0 rev=6 k@6"]);
});

Deno.test("hub: catch-up messages are cut between revisions at the byte limit", () => {
  const { history, hub, sink, stream } = setup({ ...LIMITS, responseBytesMax: 60 });
  history.write([["k1", "a"], ["k2", "b"]]);
  history.put("k1", "c");
  history.put("k2", "d");
  stream.create(create({ key: "k", end: "l", startRevision: 1 }));
  sink.drain();
  stepAll(hub);
  // Each revision's events stay together; a partial message carries its last revision.
  assert.deepEqual(texts(sink), ["id=0 rev=2 k1@2,k2@2", "id=0 rev=3 k1@3", "id=0 rev=4 k2@4"]);
});

Deno.test("hub: catch-up reads at most syncRevisionsMax revisions per step", () => {
  const { history, hub, sink, stream } = setup({ ...LIMITS, syncRevisionsMax: 2 });
  for (let i = 0; i < 5; i++) history.put("k", `${i}`);
  stream.create(create({ key: "k", startRevision: 2 }));
  sink.drain();
  assert.equal(hub.step(), true);
  assert.deepEqual(texts(sink), ["id=0 rev=3 k@2,k@3"]);
  stepAll(hub);
  assert.deepEqual(texts(sink), ["id=0 rev=5 k@4,k@5", "id=0 rev=6 k@6"]);
});

Deno.test("hub: a progress request is answered once every watcher of the stream is synced", () => {
  const { history, hub, sink, stream } = setup();
  history.put("k", "1");
  stream.create(create({ key: "k" }));
  stream.requestProgress();
  assert.deepEqual(texts(sink), ["id=0 rev=2 created", "id=-1 rev=2"]);
  stream.create(create({ key: "k", startRevision: 1 }));
  stream.requestProgress();
  history.put("k", "2");
  assert.deepEqual(texts(sink), ["id=1 rev=2 created", "id=0 rev=3 k@3"]);
  stepAll(hub);
  assert.deepEqual(texts(sink), ["id=1 rev=3 k@2,k@3", "id=-1 rev=3"]);
  // No watchers: answered at once.
  const empty = new RecordingSink();
  hub.openStream(empty).requestProgress();
  assert.deepEqual(texts(empty), ["id=-1 rev=3"]);
});

Deno.test("hub: periodic progress only for progress_notify watchers that are synced and idle", () => {
  const { history, hub, sink, stream } = setup();
  stream.create(create({ key: "a", progressNotify: true }));
  stream.create(create({ key: "b" }));
  stream.create(create({ key: "c", progressNotify: true, watchId: 9 }));
  sink.drain();
  stream.progressTick();
  assert.deepEqual(texts(sink), ["id=0 rev=1", "id=9 rev=1"]);
  history.put("a", "1");
  stream.progressTick(); // watcher 0 got an event since the last tick: elided
  assert.deepEqual(texts(sink), ["id=0 rev=2 a@2", "id=9 rev=2"]);
  stream.progressTick();
  assert.deepEqual(texts(sink), ["id=0 rev=2", "id=9 rev=2"]);
  stream.create(create({ key: "d", progressNotify: true, startRevision: 1, watchId: 5 }));
  sink.drain();
  stream.progressTick(); // unsynced: no notification
  assert.deepEqual(texts(sink), ["id=0 rev=2", "id=9 rev=2"]);
  stepAll(hub);
  sink.drain();
});

Deno.test("hub: a replaced store: watchers continue from it, or are canceled when compacted", () => {
  const first = new FakeHistory();
  let history = first;
  const hub = new WatchHub(() => history, LIMITS);
  first.hub = hub;
  const sink = new RecordingSink();
  const stream = hub.openStream(sink);
  stream.create(create({ key: "k" }));
  stream.create(create({ key: "j" }));
  first.put("k", "1");
  sink.drain();
  // The new store went on to revision 5 (and compacted at 3, past j's next revision? no: j is at 3).
  const second = new FakeHistory();
  second.put("k", "1");
  second.put("k", "2");
  second.put("j", "1");
  second.put("k", "3");
  second.compact(3);
  history = second;
  second.hub = hub;
  hub.onRestore();
  stepAll(hub);
  assert.deepEqual(texts(sink), ["id=0 rev=5 k@3,k@5", "id=1 rev=5 j@4"]);
  // A store compacted beyond a watcher's next revision cancels it.
  const third = new FakeHistory();
  for (let i = 0; i < 8; i++) third.put("x", `${i}`);
  third.compact(8);
  history = third;
  third.hub = hub;
  hub.onRestore();
  stepAll(hub);
  assert.deepEqual(texts(sink), ["id=0 rev=0 canceled compact=8", "id=1 rev=0 canceled compact=8"]);
});

Deno.test("hub: closing a stream drops its watchers", () => {
  const { history, hub, sink, stream } = setup();
  stream.create(create({ key: "k" }));
  stream.create(create({ key: "k", startRevision: 1 }));
  stream.close();
  assert.equal(hub.syncedCount + hub.unsyncedCount, 0);
  assert.equal(hub.streamCount, 0);
  sink.drain();
  history.put("k", "1");
  stream.create(create({ key: "k" }));
  assert.equal(hub.step(), false);
  assert.deepEqual(texts(sink), []);
});
