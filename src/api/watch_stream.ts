/**
 * `POST /v3/watch` as etcd 3.4's gateway serves it: the request body is a
 * stream of JSON `WatchRequest`s (whitespace-separated, read as they come,
 * split across chunks or not), the response a chunked stream of
 * `{"result":…}` lines. As etcd's gateway:
 * - the response starts (status and headers) with its first line; an empty
 *   body gets no response at all until the client goes away;
 * - a first message that cannot be decoded is answered 500 with the JSON
 *   decoder's message (code 2, Unknown); a later one stops the reading of
 *   the body, and the watchers already created go on;
 * - the response stays open when the body ends;
 * - when the member stops, `{"error":{…"transport is closing"…}}` ends it.
 *
 * When the client goes away (the request's signal, a broken body, the
 * response stream canceled) every watcher of the stream is dropped. The
 * lines not yet written are bounded (limits.ts): beyond that the stream's
 * watchers fall behind and catch up later, and reading further requests
 * waits until the client reads its responses.
 *
 * @module
 */

import { EtcdError, fromJsonBytesAt, GrpcCode, WatchRequestSchema } from "../proto/mod.ts";
import type { WatchRequest } from "../proto/rpc_watch.ts";
import type {
  WatchMessage,
  WatchService,
  WatchStreamHandle,
  WatchStreamSink,
} from "../server/watch_service.ts";
import { watchStreamQueueBytesMax } from "../util/limits.ts";
import { WatchLineEncoder } from "./watch_json.ts";
import { streamErrorChunk } from "./stream_error.ts";
import * as reply from "./responses.ts";

/** Headers of the stream's response (etcd's gateway: chunked JSON). */
const STREAM_HEADERS: Readonly<Record<string, string>> = {
  "access-control-allow-headers": "accept, content-type, authorization",
  "access-control-allow-methods": "POST, GET, OPTIONS, PUT, DELETE",
  "access-control-allow-origin": "*",
  "content-type": "application/json",
  "grpc-metadata-content-type": "application/grpc",
};

const encoder = new TextEncoder();

/** Options of one stream. */
export interface WatchStreamOptions {
  /** The largest request message read (a longer one is a decode error). */
  readonly messageBytesMax: number;
  /** Bytes of lines queued before the stream counts as full (default in limits.ts). */
  readonly queueBytesMax?: number;
}

/**
 * The response lines of one stream: queued as text (the gateway's JSON is
 * ASCII, so characters are bytes) and handed to the HTTP response a batch
 * at a time as it pulls.
 */
class Output implements WatchStreamSink {
  readonly #encoder = new WatchLineEncoder();
  readonly #service: WatchService;
  readonly #queueBytesMax: number;
  #lines: string[] = [];
  #queued = 0;
  #ended = false;
  #closed = false;
  #wake: (() => void) | null = null;
  /** Resolves with the first line (or the end): the response starts then. */
  readonly started: Promise<void>;
  #start!: () => void;
  /** Called when the queue went from full to empty. */
  onDrained: () => void = () => {};
  /** Called when the client cancels the response stream. */
  onCancel: () => void = () => {};

  constructor(service: WatchService, queueBytesMax: number) {
    this.#service = service;
    this.#queueBytesMax = queueBytesMax;
    this.started = new Promise((resolve) => (this.#start = resolve));
  }

  get writable(): boolean {
    return this.#queued < this.#queueBytesMax;
  }

  /** Bytes queued and not yet handed to the response. */
  get queued(): number {
    return this.#queued;
  }

  send(message: WatchMessage, control: boolean): boolean {
    if (this.#ended) return true; // the client is gone: nothing to keep
    if (!control && this.#queued >= this.#queueBytesMax) return false;
    const line = this.#encoder.line(message, this.#service.header(message.revision));
    this.#push(line);
    return true;
  }

  end(error: EtcdError): void {
    if (this.#ended) return;
    this.#push(streamErrorChunk(error));
    this.#ended = true;
    this.#wakeUp();
  }

  #push(text: string): void {
    this.#lines.push(text);
    this.#queued += text.length;
    this.#start();
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Drops everything: the client is gone. */
  close(): void {
    this.#ended = true;
    this.#closed = true;
    this.#lines = [];
    this.#queued = 0;
    this.#start();
    this.#wakeUp();
  }

  body(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: (controller) => this.#pull(controller),
      cancel: () => this.onCancel(),
    }, { highWaterMark: 0 });
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    while (this.#lines.length === 0 && !this.#ended) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    if (this.#lines.length > 0) {
      const wasFull = this.#queued >= this.#queueBytesMax;
      const text = this.#lines.length === 1 ? this.#lines[0]! : this.#lines.join("");
      this.#lines = [];
      this.#queued = 0;
      controller.enqueue(encoder.encode(text));
      if (wasFull && !this.#closed) this.onDrained();
      return;
    }
    if (!this.#closed) controller.close();
  }
}

/** Splits a stream of request bytes into messages. */
class RequestReader {
  #buffer: Uint8Array = new Uint8Array(0);
  #start = 0;

  constructor(private readonly messageBytesMax: number) {}

  append(chunk: Uint8Array): void {
    const rest = this.#buffer.subarray(this.#start);
    if (rest.length === 0) {
      this.#buffer = chunk;
    } else {
      const joined = new Uint8Array(rest.length + chunk.length);
      joined.set(rest);
      joined.set(chunk, rest.length);
      this.#buffer = joined;
    }
    this.#start = 0;
  }

  /**
   * The next whole message, or null when more bytes are needed (or, at
   * `eof`, there is nothing but whitespace). Throws an EtcdError with the
   * decoder's message for a bad message (a cut one at `eof`).
   */
  next(eof: boolean): WatchRequest | null {
    try {
      const decoded = fromJsonBytesAt(WatchRequestSchema, this.#buffer, this.#start);
      if (decoded === undefined) {
        this.#buffer = new Uint8Array(0);
        this.#start = 0;
        return null;
      }
      this.#start = decoded.end;
      return decoded.value;
    } catch (error) {
      const cut = error instanceof EtcdError && error.message === "unexpected EOF";
      if (!cut || eof) throw error;
      if (this.#buffer.length - this.#start > this.messageBytesMax) {
        throw new EtcdError("etcd-ts: watch request too large", GrpcCode.ResourceExhausted);
      }
      return null;
    }
  }
}

/** What a decode error of the first message is answered with (the gateway's 500, code 2). */
function firstMessageError(error: unknown): EtcdError {
  const message = error instanceof Error ? error.message : String(error);
  return new EtcdError(message, GrpcCode.Unknown);
}

/**
 * Serves one `POST /v3/watch`. Resolves with the response once its first
 * line is ready (or with the 500 of a bad first message); never rejects.
 */
export async function serveWatch(
  watch: WatchService,
  request: Request,
  options: WatchStreamOptions,
): Promise<Response> {
  const output = new Output(watch, options.queueBytesMax ?? watchStreamQueueBytesMax);
  const handle = watch.openStream(output);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    handle.close();
    output.close();
  };
  output.onDrained = () => handle.drained();
  output.onCancel = finish;
  request.signal.addEventListener("abort", finish, { once: true });
  // Only a bad first message answers before the first line; a body that
  // ends without output leaves the response unstarted, as etcd's gateway.
  const badFirst = readRequests(request, handle, output, options, () => done).then(
    () => new Promise<never>(() => {}),
    (error: unknown) => {
      finish();
      return error instanceof EtcdError ? error : firstMessageError(error);
    },
  );
  const outcome = await Promise.race([output.started.then(() => null), badFirst]);
  if (outcome !== null) return reply.jsonError(outcome);
  if (done) return new Response(null, { status: 499 }); // the client went away
  return new Response(output.body(), { status: 200, headers: STREAM_HEADERS });
}

/**
 * Reads the body's messages into the stream. Rejects only for the first
 * message (its decode error); resolves when the body ends, breaks or a
 * later message is bad (which stops the reading, as etcd's gateway).
 */
async function readRequests(
  request: Request,
  handle: WatchStreamHandle,
  output: Output,
  options: WatchStreamOptions,
  closed: () => boolean,
): Promise<void> {
  const body = request.body;
  if (body === null) return;
  const reader = body.getReader();
  const messages = new RequestReader(options.messageBytesMax);
  let first = true;
  let eof = false;
  while (!eof && !closed()) {
    const chunk = await reader.read().catch(() => null);
    if (chunk === null || chunk.done) eof = true;
    else messages.append(chunk.value);
    for (;;) {
      let message: WatchRequest | null;
      try {
        message = messages.next(eof);
      } catch (error) {
        if (first) throw firstMessageError(error);
        return;
      }
      if (message === null) break;
      first = false;
      await roomFor(output, closed);
      if (closed()) return;
      handle.request(message);
    }
  }
}

/** Waits while the stream's output is full (the client is not reading). */
async function roomFor(output: Output, closed: () => boolean): Promise<void> {
  while (!output.writable && !closed()) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The `/v3/watch` route: the service's watch streams (404 when it has none). */
export function watchRoute(
  service: { readonly watch?: WatchService },
  request: Request,
  messageBytesMax: number,
): Promise<Response> | Response {
  if (service.watch === undefined) return reply.gatewayNotFound();
  return serveWatch(service.watch, request, { messageBytesMax });
}
