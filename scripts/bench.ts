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
 *   [--keys 10000] [--consistency l|s] [--target NAME]
 * ```
 * Each client is a loop with one request in flight, on the endpoints in
 * turn; keys are drawn from `--keys` distinct keys (`bench/<n>`). A range run
 * first writes every key once. Requests that fail are counted as errors and
 * left out of the latencies.
 *
 * @module
 */

import { parseArgs } from "node:util";

interface BenchOptions {
  readonly endpoints: readonly string[];
  readonly op: "put" | "range";
  readonly clients: readonly number[];
  readonly seconds: number;
  readonly valueBytes: number;
  readonly keys: number;
  readonly serializable: boolean;
  readonly target: string;
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

function parseOptions(args: string[]): BenchOptions {
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
    },
  });
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

async function runClient(
  options: BenchOptions,
  client: number,
  deadline: number,
  valueB64: string,
  latencies: number[],
): Promise<number> {
  const path = options.op === "put" ? "/v3/kv/put" : "/v3/kv/range";
  let errors = 0;
  let turn = client;
  while (performance.now() < deadline) {
    const endpoint = options.endpoints[turn++ % options.endpoints.length]!;
    const n = Math.floor(Math.random() * options.keys);
    const start = performance.now();
    const ok = await post(endpoint + path, bodyFor(options, valueB64, n)).catch(() => false);
    if (ok) latencies.push(performance.now() - start);
    else errors++;
  }
  return errors;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]! * 1000) / 1000;
}

/** Runs one load at `clients` concurrency and returns its figures. */
export async function runLoad(options: BenchOptions, clients: number): Promise<BenchResult> {
  const valueB64 = base64(new Uint8Array(options.valueBytes).fill(0x61));
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + options.seconds * 1000;
  const workers = Array.from(
    { length: clients },
    (_, client) => runClient(options, client, deadline, valueB64, latencies),
  );
  const errors = (await Promise.all(workers)).reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - start) / 1000;
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

/** Writes every key once so ranges find values. */
async function preload(options: BenchOptions): Promise<void> {
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
  if (options.op === "range") await preload(options);
  for (const clients of options.clients) {
    console.log(JSON.stringify(await runLoad(options, clients)));
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
