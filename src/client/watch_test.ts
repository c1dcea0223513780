import assert from "node:assert/strict";
import { fromJson, WatchRequestSchema } from "../proto/mod.ts";
import type { WatchRequest } from "../proto/rpc_watch.ts";
import { parseWatchLine, Watcher, type WatchSpec } from "./watch.ts";

const HEADER = '"header":{"cluster_id":"1","member_id":"2","revision":"REV","raft_term":"3"}';

function line(revision: number, rest: string): string {
  return `{"result":{${HEADER.replace("REV", String(revision))}${rest}}}\n`;
}

function event(key: string, revision: number): string {
  return `{"kv":{"key":"${
    btoa(key)
  }","create_revision":"2","mod_revision":"${revision}","version":"1","value":"dg=="}}`;
}

/**
 * A fake gateway: each stream is answered by the next script, given the
 * stream's create request; a script returns the lines to send and whether
 * to end the response after them (as a member that stops).
 */
function fakeGateway(
  scripts: ((create: WatchRequest) => { lines: string[]; end: boolean })[],
) {
  const creates: WatchRequest[] = [];
  let stream = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const reader = req.body!.getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const create = fromJson(WatchRequestSchema, text.slice(0, text.indexOf("\n")));
    creates.push(create);
    const script = scripts[Math.min(stream++, scripts.length - 1)]!;
    const { lines, end } = script(create);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const l of lines) controller.enqueue(new TextEncoder().encode(l));
        if (end) controller.close();
      },
      cancel() {
        reader.cancel().catch(() => {});
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  return { server, creates, url: `127.0.0.1:${server.addr.port}` };
}

const SPEC: WatchSpec = {
  key: new TextEncoder().encode("k"),
  rangeEnd: new Uint8Array(0),
  startRevision: 0,
  progressNotify: false,
  filters: [],
  prevKv: false,
};

Deno.test("watch client: parses result and error lines", () => {
  const response = parseWatchLine(line(7, `,"watch_id":"-1"`).trim());
  assert.equal(response.watchId, -1);
  assert.equal(response.header.revision, 7);
  assert.throws(
    () =>
      parseWatchLine(
        '{"error":{"grpc_code":14,"http_code":503,"message":"transport is closing","http_status":"Service Unavailable"}}',
      ),
    /transport is closing/,
  );
});

Deno.test("watch client: a broken stream resumes after the last revision delivered", async () => {
  const fake = fakeGateway([
    () => ({
      lines: [line(5, ',"created":true'), line(6, `,"events":[${event("k", 6)}]`)],
      end: true,
    }),
    () => ({
      lines: [
        line(9, ',"created":true'),
        line(9, `,"events":[${event("k", 7)},${event("k", 9)}]`),
        line(12, ""), // a progress notification
      ],
      end: true,
    }),
    () => ({
      lines: [line(12, ',"created":true'), line(12, ',"canceled":true,"compact_revision":"11"')],
      end: false,
    }),
  ]);
  const watcher = new Watcher({ endpoints: [fake.url] }, SPEC);
  try {
    const revisions: string[] = [];
    for await (const response of watcher) {
      if (response.canceled) revisions.push(`canceled@${response.compactRevision}`);
      else if (response.events.length === 0) revisions.push(`progress@${response.header.revision}`);
      else revisions.push(response.events.map((e) => e.kv.modRevision).join(","));
    }
    assert.deepEqual(revisions, ["6", "7,9", "progress@12", "canceled@11"]);
    assert.deepEqual(fake.creates.map((c) => c.createRequest!.startRevision), [0, 7, 13]);
    assert.equal(watcher.nextRevision, 13);
  } finally {
    watcher.close();
    await fake.server.shutdown();
  }
});

Deno.test("watch client: the created revision is where a watcher from now resumes", async () => {
  const fake = fakeGateway([
    () => ({ lines: [line(5, ',"created":true')], end: true }),
    () => ({
      lines: [line(5, ',"created":true'), line(6, `,"events":[${event("k", 6)}]`)],
      end: false,
    }),
  ]);
  const watcher = new Watcher({ endpoints: [fake.url] }, SPEC);
  try {
    const first = await watcher.next();
    assert.equal(first!.events[0]!.kv.modRevision, 6);
    assert.deepEqual(fake.creates.map((c) => c.createRequest!.startRevision), [0, 6]);
  } finally {
    watcher.close();
    await fake.server.shutdown();
  }
  assert.equal(await watcher.next(), null, "closed");
});
