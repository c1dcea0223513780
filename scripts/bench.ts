/**
 * Load generator for etcd's v3 HTTP/JSON API: puts or ranges at chosen
 * concurrencies against any list of endpoints — etcd-ts or real etcd (its
 * grpc-gateway serves the same paths) — printing one JSON line per run:
 *
 * ```
 * {"target":"etcd-ts","op":"put","clients":64,"ops":…,"errors":0,"seconds":…,
 *  "opsPerSecond":…,"p50Ms":…,"p90Ms":…,"p99Ms":…,"maxMs":…}
 * ```
 *
 * Usage:
 * ```
 * deno run -A scripts/bench.ts --endpoints http://127.0.0.1:2379[,…] \
 *   [--op put|range] [--clients 1,16,64] [--seconds 5] [--value-bytes 256] \
 *   [--keys 10000] [--consistency l|s] [--target NAME] \
 *   [--start-at EPOCH_MS] [--latencies-file PATH] [--skip-preload] [--http fetch|raw] \
 *   [--rate OPS_PER_S]
 * ```
 * Each client is a loop with one request in flight, on the endpoints in
 * turn; keys are drawn from `--keys` distinct keys (`bench/<n>`). A range run
 * first writes every key once (unless `--skip-preload`). Requests that fail
 * are counted as errors and left out of the latencies.
 *
 * `--rate` offers a fixed load instead of as much as the clients can send:
 * requests start on a schedule of that many per second in all (spread over
 * the clients; a late client does not catch up in a burst). With the same
 * offered load, the servers' CPU per request compares builds fairly (a
 * closed loop's batch sizes, and so its per-request cost, vary from run to
 * run).
 *
 * `--http fetch` (the default) sends requests with `fetch`; `--http raw`
 * writes HTTP/1.1 itself on one keep-alive connection per client and
 * endpoint — about a third of fetch's CPU per request, which matters when
 * the load generator shares a small machine with the servers.
 *
 * For several load-generator processes sharing one run (see
 * `scripts/bench_cluster.ts --client-procs`): `--start-at` (a `Date.now()`
 * value) makes every process start and stop at the same wall-clock moments,
 * and `--latencies-file` writes the run's raw latencies (ms, little-endian
 * float64) so the caller can merge percentiles.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** What one load run does. */
export interface BenchOptions {
  readonly endpoints: readonly string[];
  readonly op: "put" | "range";
  readonly clients: readonly number[];
  readonly seconds: number;
  readonly valueBytes: number;
  readonly keys: number;
  readonly serializable: boolean;
  readonly target: string;
  /** Wall-clock (`Date.now()`) start of every run; the deadline is `startAt + seconds`. */
  readonly startAt?: number;
  /** Where to write each run's raw latencies (float64 ms, little-endian). */
  readonly latenciesFile?: string;
  /** Do not write the keys before a range run. */
  readonly skipPreload?: boolean;
  /** How requests are sent: `fetch` (default) or HTTP/1.1 written on raw connections. */
  readonly http?: "fetch" | "raw";
  /** Requests started per second in all (a fixed offered load); absent: a closed loop. */
  readonly rate?: number;
}

/** One run's figures. */
export interface BenchResult {
  readonly target: string;
  readonly op: string;
  readonly clients: number;
  readonly ops: number;
  readonly errors: number;
  readonly seconds: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Parses the command line above. */
export function parseOptions(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      endpoints: { type: "string", default: "http://127.0.0.1:2379" },
      op: { type: "string", default: "put" },
      clients: { type: "string", default: "1,16,64" },
      seconds: { type: "string", default: "5" },
      "value-bytes": { type: "string", default: "256" },
      keys: { type: "string", default: "10000" },
      consistency: { type: "string", default: "l" },
      target: { type: "string", default: "etcd-ts" },
      "start-at": { type: "string" },
      "latencies-file": { type: "string" },
      "skip-preload": { type: "boolean", default: false },
      http: { type: "string", default: "fetch" },
      rate: { type: "string" },
    },
  });
  const http = values.http;
  if (http !== "fetch" && http !== "raw") {
    throw new Error(`unknown --http "${http}" (fetch or raw)`);
  }
  const op = values.op;
  if (op !== "put" && op !== "range") throw new Error(`unknown --op "${op}" (put or range)`);
  const consistency = values.consistency;
  if (consistency !== "l" && consistency !== "s") {
    throw new Error(`unknown --consistency "${consistency}" (l or s)`);
  }
  return {
    endpoints: values.endpoints.split(",").map(normalizeEndpoint),
    op,
    clients: values.clients.split(",").map((c) => positive(c, "--clients")),
    seconds: positive(values.seconds, "--seconds"),
    valueBytes: positive(values["value-bytes"], "--value-bytes"),
    keys: positive(values.keys, "--keys"),
    serializable: consistency === "s",
    target: values.target,
    ...(values["start-at"] === undefined
      ? {}
      : { startAt: positive(values["start-at"], "--start-at") }),
    ...(values["latencies-file"] === undefined ? {} : { latenciesFile: values["latencies-file"] }),
    skipPreload: values["skip-preload"],
    http,
    ...(values.rate === undefined ? {} : { rate: positive(values.rate, "--rate") }),
  };
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`bad ${flag} "${text}"`);
  return value;
}

function normalizeEndpoint(endpoint: string): string {
  const trimmed = endpoint.trim().replace(/\/+$/, "");
  return /^https?:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
}

function base64(text: string | Uint8Array): string {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function keyOf(n: number): string {
  return base64(`bench/${n.toString().padStart(8, "0")}`);
}

function bodyFor(options: BenchOptions, valueB64: string, n: number): string {
  if (options.op === "put") return `{"key":"${keyOf(n)}","value":"${valueB64}"}`;
  return `{"key":"${keyOf(n)}"${options.serializable ? ',"serializable":true' : ""}}`;
}

async function post(url: string, body: string): Promise<boolean> {
  const response = await fetch(url, { method: "POST", body });
  await response.arrayBuffer();
  return response.status === 200;
}

const CRLF = new Uint8Array([13, 10]);
const CRLF_CRLF = new Uint8Array([13, 10, 13, 10]);
const latin1 = new TextDecoder("latin1");
const utf8 = new TextEncoder();

/** One keep-alive HTTP/1.1 connection, one request at a time. */
class RawConnection {
  readonly #conn: Deno.TcpConn;
  #buf = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  static async open(url: URL): Promise<RawConnection> {
    const conn = await Deno.connect({
      hostname: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port || 80),
    });
    conn.setNoDelay(true);
    return new RawConnection(conn);
  }

  close(): void {
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  /** Sends `request` and reads the whole response: its status and whether the server closes. */
  async exchange(request: Uint8Array): Promise<{ status: number; close: boolean }> {
    for (let written = 0; written < request.length;) {
      written += await this.#conn.write(request.subarray(written));
    }
    // One string of the head, searched in lower case (no per-header strings or maps).
    const head = latin1.decode(await this.#through(CRLF_CRLF)).toLowerCase();
    const status = Number(head.slice(head.indexOf(" ") + 1, head.indexOf(" ") + 4));
    let close = headerValue(head, "connection") === "close";
    const length = headerValue(head, "content-length");
    if (headerValue(head, "transfer-encoding")?.includes("chunked")) {
      for (;;) {
        const size = parseInt(latin1.decode(await this.#through(CRLF)), 16);
        if (!Number.isFinite(size)) throw new Error("bad chunk size");
        if (size === 0) {
          while ((await this.#through(CRLF)).length > 0) {
            // trailers
          }
          break;
        }
        await this.#skip(size + 2);
      }
    } else if (length !== undefined) {
      await this.#skip(Number(length));
    } else if (status >= 200 && status !== 204 && status !== 304) {
      while (await this.#fill()) this.#start = this.#end; // body until the server closes
      close = true;
    }
    return { status, close };
  }

  /** Reads more bytes into the buffer; false at the end of the stream. */
  async #fill(): Promise<boolean> {
    if (this.#start > 0 && this.#start === this.#end) this.#start = this.#end = 0;
    if (this.#end === this.#buf.length) {
      if (this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        const bigger = new Uint8Array(this.#buf.length * 2);
        bigger.set(this.#buf);
        this.#buf = bigger;
      }
      this.#end -= this.#start;
      this.#start = 0;
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#end));
    if (n === null) return false;
    this.#end += n;
    return true;
  }

  /** The bytes up to `delimiter` (which is consumed too). */
  async #through(delimiter: Uint8Array): Promise<Uint8Array> {
    let from = this.#start;
    for (;;) {
      const at = indexOf(this.#buf, delimiter, from, this.#end);
      if (at >= 0) {
        // A view: valid until the next read, and every caller decodes it at once.
        const bytes = this.#buf.subarray(this.#start, at);
        this.#start = at + delimiter.length;
        return bytes;
      }
      from = Math.max(this.#start, this.#end - delimiter.length + 1);
      const offset = this.#start;
      if (!await this.#fill()) throw new Error("connection closed");
      from -= offset - this.#start; // the buffer may have moved
    }
  }

  async #skip(count: number): Promise<void> {
    let left = count;
    for (;;) {
      const take = Math.min(left, this.#end - this.#start);
      this.#start += take;
      left -= take;
      if (left === 0) return;
      if (!await this.#fill()) throw new Error("connection closed");
    }
  }
}

/** A header's value in a lower-cased response head (status line, CRLF-separated fields), trimmed. */
function headerValue(head: string, name: string): string | undefined {
  const at = head.indexOf(`\r\n${name}:`);
  if (at < 0) return undefined;
  const from = at + name.length + 3;
  const end = head.indexOf("\r\n", from);
  return head.slice(from, end < 0 ? head.length : end).trim();
}

function indexOf(buf: Uint8Array, needle: Uint8Array, from: number, end: number): number {
  outer: for (let i = from; i <= end - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (buf[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Encoded requests shared by every raw client of the process, at most `requestCacheMax`. */
const requestCache = new Map<string, Uint8Array>();
const requestCacheMax = 100_000;

/** A client's raw connections, one per endpoint, opened on first use and again after an error. */
class RawClient {
  readonly #connections = new Map<string, RawConnection>();

  async post(endpoint: string, path: string, body: string): Promise<boolean> {
    let connection = this.#connections.get(endpoint);
    if (connection === undefined) {
      connection = await RawConnection.open(new URL(endpoint));
      this.#connections.set(endpoint, connection);
    }
    const request = this.#request(endpoint, path, body);
    try {
      const { status, close } = await connection.exchange(request);
      if (close) this.#drop(endpoint);
      return status === 200;
    } catch (error) {
      this.#drop(endpoint);
      throw error;
    }
  }

  close(): void {
    for (const endpoint of [...this.#connections.keys()]) this.#drop(endpoint);
  }

  /** The request's bytes, built once per endpoint, path and body (a run reuses a few thousand). */
  #request(endpoint: string, path: string, body: string): Uint8Array {
    const key = `${endpoint} ${path} ${body}`;
    let request = requestCache.get(key);
    if (request === undefined) {
      const host = endpoint.replace(/^https?:\/\//, "");
      const bodyBytes = utf8.encode(body);
      request = utf8.encode(
        `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${bodyBytes.length}\r\n\r\n${body}`,
      );
      if (requestCache.size < requestCacheMax) requestCache.set(key, request);
    }
    return request;
  }

  #drop(endpoint: string): void {
    this.#connections.get(endpoint)?.close();
    this.#connections.delete(endpoint);
  }
}

async function runClient(
  options: BenchOptions,
  client: number,
  clients: number,
  deadline: number,
  valueB64: string,
  latencies: number[],
): Promise<number> {
  const path = options.op === "put" ? "/v3/kv/put" : "/v3/kv/range";
  const raw = options.http === "raw" ? new RawClient() : undefined;
  let errors = 0;
  let turn = client;
  // With --rate: this client's requests start every `clients / rate` seconds, offset by its number.
  const periodMs = options.rate === undefined ? 0 : (1000 * clients) / options.rate;
  let nextStart = performance.now() + (periodMs * client) / clients;
  try {
    while (performance.now() < deadline) {
      if (periodMs > 0) {
        const wait = nextStart - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        nextStart = Math.max(nextStart + periodMs, performance.now());
        if (performance.now() >= deadline) break;
      }
      const endpoint = options.endpoints[turn++ % options.endpoints.length]!;
      const body = bodyFor(options, valueB64, Math.floor(Math.random() * options.keys));
      const start = performance.now();
      const ok =
        await (raw === undefined ? post(endpoint + path, body) : raw.post(endpoint, path, body))
          .catch(() => false);
      if (ok) latencies.push(performance.now() - start);
      else errors++;
    }
  } finally {
    raw?.close();
  }
  return errors;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]! * 1000) / 1000;
}

/** One run's raw samples: every successful request's latency in ms. */
export interface LoadSamples {
  readonly latencies: number[];
  readonly errors: number;
  /** From the start (or `startAt`) to the last client's end. */
  readonly seconds: number;
}

/** Runs one load at `clients` concurrency and returns its raw samples. */
export async function measureLoad(options: BenchOptions, clients: number): Promise<LoadSamples> {
  const valueB64 = base64(new Uint8Array(options.valueBytes).fill(0x61));
  const latencies: number[] = [];
  if (options.startAt !== undefined) {
    const wait = options.startAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const now = performance.now();
  // With startAt, start and deadline are the shared wall-clock moments, even if we are late.
  const start = options.startAt === undefined ? now : now - (Date.now() - options.startAt);
  const deadline = start + options.seconds * 1000;
  const workers = Array.from(
    { length: clients },
    (_, client) => runClient(options, client, clients, deadline, valueB64, latencies),
  );
  const errors = (await Promise.all(workers)).reduce((a, b) => a + b, 0);
  return { latencies, errors, seconds: (performance.now() - start) / 1000 };
}

/** Figures of one run from its raw samples (sorts `samples.latencies`). */
export function summarize(
  options: Pick<BenchOptions, "target" | "op" | "serializable">,
  clients: number,
  samples: LoadSamples,
): BenchResult {
  const { latencies, errors, seconds } = samples;
  latencies.sort((a, b) => a - b);
  return {
    target: options.target,
    op: options.op === "range" ? `range-${options.serializable ? "s" : "l"}` : "put",
    clients,
    ops: latencies.length,
    errors,
    seconds: Math.round(seconds * 1000) / 1000,
    opsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
  };
}

/** Runs one load at `clients` concurrency and returns its figures. */
export async function runLoad(options: BenchOptions, clients: number): Promise<BenchResult> {
  return summarize(options, clients, await measureLoad(options, clients));
}

/** Writes every key once so ranges find values. */
export async function preload(options: BenchOptions): Promise<void> {
  const valueB64 = base64(new Uint8Array(options.valueBytes).fill(0x61));
  const endpoint = options.endpoints[0]!;
  const batch = 64;
  for (let first = 0; first < options.keys; first += batch) {
    const puts = [];
    for (let n = first; n < Math.min(options.keys, first + batch); n++) {
      puts.push(post(`${endpoint}/v3/kv/put`, `{"key":"${keyOf(n)}","value":"${valueB64}"}`));
    }
    const results = await Promise.all(puts);
    if (results.some((ok) => !ok)) throw new Error("preload: a put failed");
  }
}

async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  if (options.op === "range" && !options.skipPreload) await preload(options);
  for (const clients of options.clients) {
    const samples = await measureLoad(options, clients);
    if (options.latenciesFile !== undefined) {
      const raw = new Float64Array(samples.latencies);
      await Deno.writeFile(options.latenciesFile, new Uint8Array(raw.buffer));
    }
    console.log(JSON.stringify(summarize(options, clients, samples)));
  }
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(2);
  }
}
