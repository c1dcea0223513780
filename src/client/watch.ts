/**
 * Watch streams over the gateway's `POST /v3/watch`:
 *
 * - {@linkcode WatchConnection}: one stream to one endpoint. Requests are
 *   written to the open request body as they are sent; responses are read
 *   line by line (`{"result":…}`), and a stream that ends with
 *   `{"error":…}` or breaks ends with that error.
 * - {@linkcode Watcher}: one watcher that outlives its streams, as
 *   clientv3's watch does: when the stream breaks (the member stops, the
 *   connection drops) it reconnects, to the next endpoint when there are
 *   several, and creates the watcher again from the revision after the last
 *   one it delivered, so nothing is missed and nothing repeated. A cancel
 *   from the server (compaction) ends it.
 *
 * @module
 */

import { EtcdError, GrpcCode } from "../proto/errors.ts";
import { fromJson, toJson, WatchRequestSchema, WatchResponseSchema } from "../proto/mod.ts";
import type { WatchCreateRequest, WatchRequest, WatchResponse } from "../proto/rpc_watch.ts";
import type { TlsOptions } from "./client.ts";
import { type Endpoint, parseEndpoint } from "./endpoint.ts";
import { errorFromResponse, streamError } from "./errors.ts";

/** How to reach the cluster for watching. */
export interface WatchClientOptions {
  /** `host:port`, `http://host:port` or `https://host:port`, tried in order. */
  readonly endpoints: readonly string[];
  /** Replaces `globalThis.fetch` (tests). */
  readonly fetch?: typeof fetch;
  /** Makes scheme-less endpoints https and sets the trusted CA / client certificate. */
  readonly tls?: TlsOptions;
  /** How long a new stream may take to answer its first request before the next endpoint (default 2000). */
  readonly dialTimeoutMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The lines of a response body. */
async function* linesOf(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<string> {
  let text = "";
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    text += decoder.decode(chunk, { stream: true });
    let newline = text.indexOf("\n");
    while (newline >= 0) {
      const line = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (line.trim() !== "") yield line;
      newline = text.indexOf("\n");
    }
  }
  if (text.trim() !== "") yield text;
}

/** One response line: its WatchResponse, or the error it ends the stream with. */
export function parseWatchLine(line: string): WatchResponse {
  const prefix = '{"result":';
  if (line.startsWith(prefix) && line.endsWith("}")) {
    return fromJson(WatchResponseSchema, line.slice(prefix.length, -1));
  }
  let body: unknown;
  try {
    body = JSON.parse(line);
  } catch {
    throw new EtcdError(`etcd-ts: bad watch response line ${line.slice(0, 80)}`, GrpcCode.Unknown);
  }
  const result = (body as { result?: unknown }).result;
  if (result !== undefined) return fromJson(WatchResponseSchema, JSON.stringify(result));
  throw streamError(body) ?? new EtcdError(`etcd-ts: bad watch response`, GrpcCode.Unknown);
}

/** One watch stream to one endpoint. */
export class WatchConnection {
  readonly endpoint: Endpoint;
  readonly #abort = new AbortController();
  #body!: ReadableStreamDefaultController<Uint8Array>;
  #lines: AsyncGenerator<string> | null = null;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  readonly #response: Promise<Response>;
  #closed = false;

  /** Opens the stream (the request is sent with the first {@linkcode send}). */
  constructor(endpoint: Endpoint, options: { fetch?: typeof fetch; client?: Deno.HttpClient }) {
    this.endpoint = endpoint;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (this.#body = c) });
    const init = {
      method: "POST",
      body,
      duplex: "half",
      signal: this.#abort.signal,
      headers: { "content-type": "application/json" },
      ...(options.client ? { client: options.client } : {}),
    } as RequestInit;
    const doFetch = options.fetch ?? globalThis.fetch;
    this.#response = doFetch(`${endpoint.baseUrl}/v3/watch`, init);
    this.#response.catch(() => {}); // observed by next()
  }

  /** Writes one request to the stream. */
  send(request: Partial<WatchRequest>): void {
    if (this.#closed) return;
    const full: WatchRequest = {
      createRequest: null,
      cancelRequest: null,
      progressRequest: null,
      ...request,
    };
    try {
      this.#body.enqueue(encoder.encode(toJson(WatchRequestSchema, full) + "\n"));
    } catch {
      // The request failed and its body was canceled: next() reports it.
    }
  }

  /**
   * The next response, or null when the stream ended cleanly. Rejects with
   * the stream's error (`{"error":…}` line, HTTP error, broken connection).
   */
  async next(): Promise<WatchResponse | null> {
    if (this.#lines === null) {
      const response = await this.#response;
      if (response.status !== 200) {
        throw errorFromResponse(response.status, await response.text());
      }
      if (response.body === null) return null;
      this.#reader = response.body.getReader();
      if (this.#closed) this.#reader.cancel().catch(() => {});
      this.#lines = linesOf(this.#reader);
    }
    const { done, value } = await this.#lines.next();
    if (done) return null;
    return parseWatchLine(value);
  }

  /** Ends the stream (the server drops its watchers). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#body.close();
    } catch {
      // already closed
    }
    this.#abort.abort();
    // An abort does not always end a read in progress: cancel it too.
    this.#reader?.cancel().catch(() => {});
  }
}

/** What a {@linkcode Watcher} was asked to watch. */
export type WatchSpec = Omit<WatchCreateRequest, "watchId" | "fragment">;

const BACKOFF_MIN_MS = 50;
const BACKOFF_MAX_MS = 1000;

/**
 * One watcher that survives broken streams. Its responses are those a
 * clientv3 watch channel delivers: events, progress notifications and the
 * server's cancel; not the `created` answers.
 */
export class Watcher {
  readonly #endpoints: readonly Endpoint[];
  readonly #fetch: typeof fetch | undefined;
  readonly #client: Deno.HttpClient | null;
  readonly #dialTimeoutMs: number;
  readonly #spec: WatchSpec;
  /** The revision to resume from (0: not known yet: the original request's). */
  #next = 0;
  #endpointIndex = 0;
  #reconnects = 0;
  #connection: WatchConnection | null = null;
  #closed = false;
  #ended = false;
  #sleepWake: (() => void) | null = null;

  constructor(options: WatchClientOptions, spec: WatchSpec) {
    const secure = options.tls !== undefined;
    this.#endpoints = options.endpoints.map((e) => parseEndpoint(e, secure));
    this.#fetch = options.fetch;
    this.#client = options.tls === undefined ? null : Deno.createHttpClient({
      ...(options.tls.caCerts ? { caCerts: [...options.tls.caCerts] } : {}),
      ...(options.tls.cert !== undefined ? { cert: options.tls.cert } : {}),
      ...(options.tls.key !== undefined ? { key: options.tls.key } : {}),
    });
    this.#dialTimeoutMs = options.dialTimeoutMs ?? 2000;
    this.#spec = spec;
    if (spec.startRevision !== 0) this.#next = spec.startRevision;
  }

  /** How many times a stream was given up and another one opened. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** The revision the watcher would resume from (after the last one delivered). */
  get nextRevision(): number {
    return this.#next;
  }

  /** Asks the server for a progress notification on the current stream. */
  requestProgress(): void {
    this.#connection?.send({ progressRequest: {} });
  }

  /**
   * The next response (events, a progress notification, or the server's
   * cancel, after which null follows), or null once closed. A broken
   * stream is replaced (resuming after the last revision delivered); an
   * error the server answers the create with (other than Unavailable) is
   * thrown.
   */
  async next(): Promise<WatchResponse | null> {
    let backoff = BACKOFF_MIN_MS;
    while (!this.#closed && !this.#ended) {
      try {
        const connection = this.#connection ?? this.#connect();
        const response = await connection.next();
        this.#clearDialTimer();
        if (response === null) throw new EtcdError("watch stream ended", GrpcCode.Unavailable);
        backoff = BACKOFF_MIN_MS;
        const delivered = this.#take(response);
        if (delivered !== null) return delivered;
      } catch (error) {
        this.#clearDialTimer();
        if (this.#closed) break;
        if (error instanceof EtcdError && error.code !== GrpcCode.Unavailable) throw error;
        this.#drop();
        await this.#sleep(backoff);
        backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
      }
    }
    return null;
  }

  /** Keeps track of the resume revision; returns what the caller sees. */
  #take(response: WatchResponse): WatchResponse | null {
    if (response.created && !response.canceled) {
      if (this.#next === 0) this.#next = response.header.revision + 1;
      return null;
    }
    if (response.canceled) {
      this.#ended = true;
      return response;
    }
    const events = response.events;
    if (events.length > 0) {
      this.#next = events[events.length - 1]!.kv.modRevision + 1;
    } else {
      // A progress notification: everything up to its revision was sent.
      this.#next = Math.max(this.#next, response.header.revision + 1);
    }
    return response;
  }

  /**
   * A new stream to the current endpoint with the watcher created on it
   * (from the resume revision); given up after the dial timeout without an
   * answer.
   */
  #connect(): WatchConnection {
    const endpoint = this.#endpoints[this.#endpointIndex % this.#endpoints.length];
    if (endpoint === undefined || endpoint.baseUrl === null) {
      throw new EtcdError("etcdclient: no available endpoints", GrpcCode.InvalidArgument);
    }
    const connection = new WatchConnection(endpoint, {
      ...(this.#fetch ? { fetch: this.#fetch } : {}),
      ...(this.#client ? { client: this.#client } : {}),
    });
    this.#connection = connection;
    const create = { ...this.#spec, startRevision: this.#next, watchId: 0, fragment: false };
    connection.send({ createRequest: create });
    this.#dialTimer = setTimeout(() => connection.close(), this.#dialTimeoutMs);
    return connection;
  }

  #dialTimer: ReturnType<typeof setTimeout> | null = null;

  #clearDialTimer(): void {
    if (this.#dialTimer !== null) clearTimeout(this.#dialTimer);
    this.#dialTimer = null;
  }

  #drop(): void {
    this.#reconnects++;
    this.#connection?.close();
    this.#connection = null;
    this.#endpointIndex++;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleepWake = null;
        resolve();
      }, ms);
      this.#sleepWake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Stops watching: the stream is closed and {@linkcode next} returns null. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearDialTimer();
    this.#connection?.close();
    this.#connection = null;
    this.#sleepWake?.();
    this.#client?.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchResponse> {
    for (;;) {
      const response = await this.next();
      if (response === null) return;
      yield response;
    }
  }
}
