/**
 * A slow client end to end in one process: the real store, watch server and
 * gateway stream on a socket, with a small stream queue. A client that
 * stops reading never holds up writes or other watchers; its watcher falls
 * behind (unsynced, nothing held for it but its place) and, once the client
 * reads again, catches up from history with every event in order; if
 * history was compacted past its place meanwhile, it is canceled with the
 * compact revision.
 */

import assert from "node:assert/strict";
import { serveWatch } from "../../src/api/watch_stream.ts";
import { parseWatchLine } from "../../src/client/watch.ts";
import { KvStore } from "../../src/mvcc/mod.ts";
import { putRequest } from "../../src/proto/rpc.ts";
import type { WatchResponse } from "../../src/proto/rpc_watch.ts";
import { WatchServer } from "../../src/server/watch_server.ts";

const enc = new TextEncoder();

function world() {
  const watch: WatchServer = new WatchServer({
    history: () => kv,
    header: (revision) => ({ clusterId: 1n, memberId: 2n, revision, raftTerm: 3 }),
  });
  const kv = new KvStore({ onWrite: (revision, events) => watch.onWrite(revision, events) });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => serveWatch(watch, request, { messageBytesMax: 1 << 20, queueBytesMax: 64 * 1024 }),
  );
  return { kv, watch, server, url: `http://127.0.0.1:${server.addr.port}/v3/watch` };
}

/** A client stream that reads only when asked to. */
async function openStream(url: string, body: string) {
  const abort = new AbortController();
  const response = await fetch(url, { method: "POST", body, signal: abort.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const next = async (): Promise<WatchResponse> => {
    for (;;) {
      const newline = buffered.indexOf("\n");
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        return parseWatchLine(line);
      }
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended");
      buffered += value;
    }
  };
  return { next, close: () => abort.abort() };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test({
  name: "watch over HTTP: a client that stops reading falls behind and catches up, or is canceled",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const w = world();
    const value = enc.encode("v".repeat(64 * 1024));
    const put = (i: number) => w.kv.put(putRequest({ key: enc.encode(`k${i % 10}`), value }));
    try {
      const slow = await openStream(w.url, '{"create_request":{"key":"aw==","range_end":"bA=="}}');
      const fast = await openStream(w.url, '{"create_request":{"key":"azE="}}');
      assert.ok((await slow.next()).created);
      assert.ok((await fast.next()).created);
      const start = w.kv.currentRevision;
      // 30 MB of events the slow client does not read; the fast one reads its own.
      let fastSeen = 0;
      for (let i = 0; i < 480; i++) {
        put(i);
        if (i % 10 === 1) fastSeen += (await fast.next()).events.length;
        await tick();
      }
      assert.equal(fastSeen, 48, "the fast watcher was not held up");
      assert.equal(w.watch.stats.unsynced, 1, "the slow watcher fell behind");
      // It reads again: everything, once, in order, whole revisions.
      const final = w.kv.currentRevision;
      let next = start + 1;
      while (next <= final) {
        const response = await slow.next();
        for (const event of response.events) {
          assert.equal(event.kv.modRevision, next, "in order, none missed, none twice");
          next++;
        }
      }
      assert.equal(w.watch.stats.unsynced, 0, "synced again");
      // Behind again, and history compacted past its place: canceled with the compact revision.
      for (let i = 0; i < 480; i++) {
        put(i);
        await tick();
      }
      assert.equal(w.watch.stats.unsynced, 1);
      w.kv.compact(w.kv.currentRevision);
      let last: WatchResponse;
      do last = await slow.next(); while (!last.canceled);
      assert.equal(last.compactRevision, w.kv.currentRevision);
      assert.equal(last.header.revision, 0);
      slow.close();
      fast.close();
    } finally {
      w.watch.stop();
      await w.server.shutdown();
    }
  },
});
