import assert from "node:assert/strict";
import { EtcdError, GrpcCode } from "../proto/mod.ts";
import type { WatchRequest } from "../proto/rpc_watch.ts";
import type {
  WatchMessage,
  WatchService,
  WatchStreamHandle,
  WatchStreamSink,
} from "../server/watch_service.ts";
import { FakeService } from "./_testing.ts";
import { createHandler } from "./handler.ts";
import { serveApi } from "./server.ts";
import { serveWatch } from "./watch_stream.ts";

const HEADER = { clusterId: 1n, memberId: 2n, raftTerm: 3 };

function message(fields: Partial<WatchMessage> & { watchId: number }): WatchMessage {
  return {
    revision: 5,
    created: false,
    canceled: false,
    compactRevision: 0,
    cancelReason: "",
    events: [],
    ...fields,
  };
}

/** A watch service that records requests; a create is answered `created`. */
class FakeWatch implements WatchService {
  readonly requests: WatchRequest[] = [];
  readonly sinks: WatchStreamSink[] = [];
  closed = 0;
  drained = 0;
  answerCreates = true;

  header(revision: number) {
    return { ...HEADER, revision };
  }

  openStream(sink: WatchStreamSink): WatchStreamHandle {
    this.sinks.push(sink);
    return {
      request: (request) => {
        this.requests.push(request);
        const create = request.createRequest;
        if (create !== null && this.answerCreates) {
          sink.send(message({ watchId: create.watchId, created: true }), true);
        }
      },
      drained: () => this.drained++,
      close: () => this.closed++,
    };
  }
}

class WatchingService extends FakeService {
  readonly watch = new FakeWatch();
}

/** A request body delivered in the given chunks (and then left open unless `end`). */
function chunkedBody(chunks: readonly string[], end: boolean): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(encoder.encode(chunks[i++]!));
      else if (end) controller.close();
    },
  });
}

function watchRequest(
  body: ReadableStream<Uint8Array> | string,
  signal?: AbortSignal,
  path = "/v3/watch",
): Request {
  return new Request("http://127.0.0.1:2379" + path, {
    method: "POST",
    body,
    ...(typeof body === "string" ? {} : { duplex: "half" }),
    ...(signal ? { signal } : {}),
  } as RequestInit);
}

/** Reads lines from a response body until `count` lines arrived. */
async function readLines(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  count: number,
): Promise<string[]> {
  const decoder = new TextDecoder();
  let text = "";
  while (text.split("\n").length - 1 < count) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  return text.split("\n").slice(0, count);
}

async function tick(ms = 10): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("watch stream: messages split across chunks and several per chunk, in order", async () => {
  const service = new WatchingService();
  const abort = new AbortController();
  const body = chunkedBody([
    ' {"create_request":{"key":"Zm',
    '9v","watch_id":"3"}}\n{"progress_request":{}}',
    '{"cancel_request":{"watch_id":"3"}} {} {"create_request":{"key":"YmFy"}}',
  ], false);
  const response = await createHandler(service)(watchRequest(body, abort.signal));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.equal(response.headers.get("grpc-metadata-content-type"), "application/grpc");
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  assert.equal(response.headers.get("content-length"), null);
  const reader = response.body!.getReader();
  const lines = await readLines(reader, 2);
  assert.deepEqual(lines, [
    '{"result":{"header":{"cluster_id":"1","member_id":"2","revision":"5","raft_term":"3"},"watch_id":"3","created":true}}',
    '{"result":{"header":{"cluster_id":"1","member_id":"2","revision":"5","raft_term":"3"},"created":true}}',
  ]);
  const requests = service.watch.requests;
  assert.equal(requests.length, 5);
  assert.equal(requests[0]!.createRequest!.watchId, 3);
  assert.deepEqual(requests[1]!.progressRequest, {});
  assert.equal(requests[2]!.cancelRequest!.watchId, 3);
  assert.deepEqual(requests[3], {
    createRequest: null,
    cancelRequest: null,
    progressRequest: null,
  });
  assert.deepEqual([...requests[4]!.createRequest!.key], [98, 97, 114]);
  abort.abort();
  await reader.cancel().catch(() => {});
  await tick();
  assert.equal(service.watch.closed, 1, "the stream's watchers are dropped");
});

Deno.test("watch stream: a bad first message is a 500 with the decoder's message", async () => {
  const service = new WatchingService();
  const response = await createHandler(service)(watchRequest("not json"));
  assert.equal(response.status, 500);
  assert.equal(response.headers.get("grpc-metadata-content-type"), null);
  assert.equal(
    await response.text(),
    `{"error":"invalid character 'o' in literal null (expecting 'u')","message":"invalid character 'o' in literal null (expecting 'u')","code":2}`,
  );
  assert.equal(service.watch.closed, 1);
  const cut = await createHandler(service)(watchRequest('{"create_request":{"key":'));
  assert.equal(cut.status, 500);
  assert.equal(
    await cut.text(),
    '{"error":"unexpected EOF","message":"unexpected EOF","code":2}',
  );
});

Deno.test("watch stream: after a bad later message the stream goes on but reads no more", async () => {
  const service = new WatchingService();
  const abort = new AbortController();
  const response = await createHandler(service)(
    watchRequest(
      '{"create_request":{"key":"Zm9v"}} xx {"create_request":{"key":"YmFy"}}',
      abort.signal,
    ),
  );
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  assert.equal((await readLines(reader, 1)).length, 1);
  assert.equal(service.watch.requests.length, 1);
  service.watch.sinks[0]!.send(message({ watchId: 0, revision: 6 }), false);
  const [line] = await readLines(reader, 1);
  assert.equal(
    line,
    '{"result":{"header":{"cluster_id":"1","member_id":"2","revision":"6","raft_term":"3"}}}',
  );
  abort.abort();
  await reader.cancel().catch(() => {});
});

Deno.test("watch stream: no line, no response; the response starts with the first line", async () => {
  const service = new WatchingService();
  const abort = new AbortController();
  let answered = false;
  const pending = createHandler(service)(
    watchRequest('{"cancel_request":{"watch_id":"4"}}', abort.signal),
  ).then((response) => {
    answered = true;
    return response;
  });
  await tick(30);
  assert.equal(answered, false, "etcd's gateway sends no headers before the first line");
  service.watch.sinks[0]!.send(message({ watchId: -1 }), true);
  const response = await pending;
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  assert.deepEqual(await readLines(reader, 1), [
    '{"result":{"header":{"cluster_id":"1","member_id":"2","revision":"5","raft_term":"3"},"watch_id":"-1"}}',
  ]);
  abort.abort();
  await reader.cancel().catch(() => {});
});

Deno.test("watch stream: the server's end is etcd's error line, then the response ends", async () => {
  const service = new WatchingService();
  const response = await createHandler(service)(watchRequest('{"create_request":{"key":"Zm9v"}}'));
  const sink = service.watch.sinks[0]!;
  sink.end(new EtcdError("transport is closing", GrpcCode.Unavailable));
  const text = await response.text();
  assert.equal(
    text.split("\n")[1],
    '{"error":{"grpc_code":14,"http_code":503,"message":"transport is closing","http_status":"Service Unavailable"}}',
  );
  assert.ok(!text.endsWith("\n"));
});

Deno.test("watch stream: a client that does not read fills the stream, which then refuses events", async () => {
  const service = new WatchingService();
  const abort = new AbortController();
  const response = await serveWatch(
    service.watch,
    watchRequest('{"create_request":{"key":"Zm9v"}}', abort.signal),
    { messageBytesMax: 1 << 20, queueBytesMax: 1000 },
  );
  const sink = service.watch.sinks[0]!;
  let taken = 0;
  while (sink.send(message({ watchId: 0 }), false)) taken++;
  assert.ok(taken > 5 && taken < 20, `${taken} messages fit`);
  assert.equal(sink.writable, false);
  assert.equal(sink.send(message({ watchId: 0, canceled: true }), true), true, "control is taken");
  const reader = response.body!.getReader();
  await reader.read(); // the client reads: the queue is handed over and drains
  assert.equal(sink.writable, true);
  assert.equal(service.watch.drained, 1);
  abort.abort();
  await reader.cancel().catch(() => {});
});

Deno.test("watch stream: /v3beta/watch, GET refused, 404 without a watch service", async () => {
  const service = new WatchingService();
  const abort = new AbortController();
  const beta = await createHandler(service)(
    watchRequest('{"create_request":{"key":"Zm9v"}}', abort.signal, "/v3beta/watch"),
  );
  assert.equal(beta.status, 200);
  abort.abort();
  await beta.body!.cancel();
  const get = await createHandler(service)(new Request("http://127.0.0.1:2379/v3/watch"));
  assert.equal(get.status, 405);
  assert.equal(await get.text(), "Method Not Allowed\n");
  const none = await createHandler(new FakeService())(watchRequest("{}"));
  assert.equal(none.status, 404);
  await none.body?.cancel();
});

Deno.test({
  name: "watch stream: on a real socket, a streamed body and a client that goes away",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const service = new WatchingService();
    const server = serveApi(service, { hostname: "127.0.0.1", port: 0 });
    try {
      let send!: (text: string) => void;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          send = (text) => controller.enqueue(new TextEncoder().encode(text));
        },
      });
      const abort = new AbortController();
      send('{"create_request":{"key":"Zm9v"}}');
      const response = await fetch(`http://127.0.0.1:${server.addr.port}/v3/watch`, {
        method: "POST",
        body,
        signal: abort.signal,
        duplex: "half",
      } as RequestInit);
      assert.equal(response.headers.get("transfer-encoding"), "chunked");
      const reader = response.body!.getReader();
      assert.equal((await readLines(reader, 1)).length, 1);
      // A second request on the open body is answered while the body stays open.
      send('{"create_request":{"key":"YmFy","watch_id":"8"}}');
      const [second] = await readLines(reader, 1);
      assert.match(second!, /"watch_id":"8","created":true/);
      abort.abort();
      await reader.cancel().catch(() => {});
      for (let i = 0; i < 100 && service.watch.closed === 0; i++) await tick();
      assert.equal(service.watch.closed, 1, "the server saw the client go");
    } finally {
      await server.shutdown();
    }
  },
});
