/**
 * Watch fan-out: one writer and many watchers on one member, against a
 * fresh single-member etcd-ts and — when installed — a fresh real etcd in
 * the same run, both through the HTTP/JSON gateway (`POST /v3/watch`).
 *
 * Usage:
 * ```
 * deno run -A scripts/bench_watch.ts [--watchers 1000] [--streams 1000] [--seconds 10] \
 *   [--rate 100] [--value-bytes 64] [--skip-etcd] [--etcd /usr/bin/etcd] [--only etcd-ts|etcd]
 * ```
 * Every watcher watches the prefix the writer writes under, so every write
 * is one event for each watcher. The watchers are spread over `--streams`
 * HTTP streams (one per watcher by default: independent clients). The
 * writer puts one key after another (one request in flight), at most
 * `--rate` puts per second (0: as fast as it can), for `--seconds`; then
 * the run waits (up to 30 s) for every watcher to have every event.
 *
 * Output (stdout): one JSON line per target:
 * `{"target","watchers","streams","writes","writesPerSecond","events","eventsPerSecond",
 *   "missing","p50Ms","p99Ms","maxMs","p50FromSendMs","p99FromSendMs","serverCpu","clientCpu"}`
 * where `events` counts the events the watchers received, `eventsPerSecond`
 * divides them by the time from the first write to the last delivery,
 * the `p…Ms` are the delays from the write's acknowledgement to each
 * watcher's receipt of its event (negative when the event arrived before the
 * acknowledgement), the `…FromSend…` ones from the moment the put was sent,
 * and CPU is in cores over the run (the watchers' client shares the machine
 * with the server). Progress goes to stderr.
 *
 * @module
 */

import { parseArgs } from "node:util";

const mainPath = new URL("../main.ts", import.meta.url).pathname;
const enc = new TextEncoder();

interface Options {
  readonly watchers: number;
  readonly streams: number;
  readonly seconds: number;
  readonly rate: number;
  readonly valueBytes: number;
  readonly skipEtcd: boolean;
  readonly etcdPath: string;
  readonly only: string | undefined;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      watchers: { type: "string", default: "1000" },
      streams: { type: "string" },
      seconds: { type: "string", default: "10" },
      rate: { type: "string", default: "100" },
      "value-bytes": { type: "string", default: "64" },
      "skip-etcd": { type: "boolean", default: false },
      etcd: { type: "string", default: "/usr/bin/etcd" },
      only: { type: "string" },
    },
  });
  const watchers = Number(values.watchers);
  const streams = Number(values.streams ?? values.watchers);
  if (!(watchers > 0 && streams > 0 && streams <= watchers)) {
    throw new Error("--watchers and --streams must be positive, streams <= watchers");
  }
  return {
    watchers,
    streams,
    seconds: Number(values.seconds),
    rate: Number(values.rate),
    valueBytes: Number(values["value-bytes"]),
    skipEtcd: values["skip-etcd"],
    etcdPath: values.etcd,
    only: values.only,
  };
}

function log(message: string): void {
  Deno.stderr.writeSync(enc.encode(`bench_watch: ${message}\n`));
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

const TICKS = 100;

/** utime+stime of a process in seconds. */
function processCpu(pid: number | "self"): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

interface Server {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startServer(
  kind: "etcd-ts" | "etcd",
  options: Options,
  dir: string,
): Promise<Server> {
  const client = freePort();
  const peer = freePort();
  const flags = [
    `--name=bench`,
    `--data-dir=${dir}/${kind}.data`,
    `--listen-client-urls=http://127.0.0.1:${client}`,
    `--advertise-client-urls=http://127.0.0.1:${client}`,
    `--listen-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
    `--initial-cluster=bench=http://127.0.0.1:${peer}`,
  ];
  const logFile = await Deno.open(`${dir}/${kind}.log`, { write: true, create: true });
  const child = new Deno.Command(
    kind === "etcd-ts" ? Deno.execPath() : options.etcdPath,
    {
      args: kind === "etcd-ts" ? ["run", "-A", mainPath, "serve", ...flags] : flags,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    },
  ).spawn();
  child.stderr.pipeTo(logFile.writable).catch(() => {});
  const url = `http://127.0.0.1:${client}`;
  for (let i = 0; i < 200; i++) {
    try {
      const health = await fetch(`${url}/health`);
      if ((await health.text()).includes("true")) break;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill("SIGKILL");
      await child.status;
    },
  };
}

function b64(text: string): string {
  return btoa(text);
}

const MARKER = enc.encode('"mod_revision":"');
const CREATED = enc.encode('"created":true');

/** Whether `needle` occurs in `hay` at `at`. */
function occursAt(hay: Uint8Array, at: number, needle: Uint8Array): boolean {
  if (at + needle.length > hay.length) return false;
  for (let k = 0; k < needle.length; k++) if (hay[at + k] !== needle[k]) return false;
  return true;
}

/**
 * One watch stream on its own HTTP/1.1 connection, written and read by hand
 * (a fraction of `fetch`'s CPU per chunk, which matters with a thousand
 * streams sharing two cores with the server): the response's chunked body
 * is de-chunked into lines; each event's (revision, arrival time) is kept.
 */
class BenchStream {
  created = 0;
  lastRevision = 0;
  /** Flattened [revision, time, …]. */
  readonly arrivals: number[] = [];
  readonly done: Promise<void>;
  #conn: Deno.TcpConn | null = null;
  #stopped = false;

  constructor(url: string, watchers: number) {
    const create = `{"create_request":{"key":"${b64("bench/")}","range_end":"${b64("bench0")}"}}`;
    const body = Array.from({ length: watchers }, () => create).join("\n");
    this.done = this.#run(new URL(url), body).catch(() => {});
  }

  async #run(url: URL, body: string): Promise<void> {
    const conn = this.#conn = await Deno.connect({
      hostname: url.hostname,
      port: Number(url.port),
    });
    if (this.#stopped) conn.close();
    const head = `POST /v3/watch HTTP/1.1\r\nHost: ${url.host}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${enc.encode(body).length}\r\n\r\n`;
    await conn.write(enc.encode(head + body));
    const buffer = new Uint8Array(256 * 1024);
    let data = new Uint8Array(0); // unparsed bytes
    let inHeaders = true;
    let chunkLeft = 0; // bytes left in the current chunk
    let line: Uint8Array[] = [];
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) return;
      const now = performance.now();
      const joined = new Uint8Array(data.length + n);
      joined.set(data);
      joined.set(buffer.subarray(0, n), data.length);
      let i = 0;
      if (inHeaders) {
        const end = findHeadersEnd(joined);
        if (end < 0) {
          data = joined;
          continue;
        }
        inHeaders = false;
        i = end;
      }
      while (i < joined.length) {
        if (chunkLeft === 0) {
          const crlf = joined.indexOf(0x0a, i);
          if (crlf < 0) break;
          const size = new TextDecoder().decode(joined.subarray(i, crlf)).trim();
          i = crlf + 1;
          if (size === "") continue; // the CRLF after a chunk
          chunkLeft = parseInt(size, 16);
          if (chunkLeft === 0) return;
          continue;
        }
        const stop = i + Math.min(chunkLeft, joined.length - i);
        chunkLeft -= stop - i;
        while (i < stop) {
          const newline = joined.indexOf(0x0a, i);
          const end = newline < 0 || newline >= stop ? stop : newline;
          line.push(joined.subarray(i, end).slice());
          i = end;
          if (end === newline) {
            this.#line(concat(line), now);
            line = [];
            i++;
          }
        }
      }
      data = joined.slice(i);
    }
  }

  #line(bytes: Uint8Array, now: number): void {
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x22 && occursAt(bytes, i, CREATED)) {
        this.created++;
        return;
      }
      if (bytes[i] === 0x22 && occursAt(bytes, i, MARKER)) {
        let revision = 0;
        let k = i + MARKER.length;
        while (bytes[k]! >= 0x30 && bytes[k]! <= 0x39) {
          revision = revision * 10 + bytes[k++]! - 0x30;
        }
        this.arrivals.push(revision, now);
        if (revision > this.lastRevision) this.lastRevision = revision;
        i = k;
      }
    }
  }

  /** Ends the stream (the server drops its watchers). */
  stop(): void {
    this.#stopped = true;
    try {
      this.#conn?.close();
    } catch {
      // closed
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function findHeadersEnd(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) {
    if (
      bytes[i] === 0x0a && bytes[i - 1] === 0x0d && bytes[i - 2] === 0x0a && bytes[i - 3] === 0x0d
    ) {
      return i + 1;
    }
  }
  return -1;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

const round = (n: number) => Math.round(n * 100) / 100;

async function put(url: string, key: string, value: string): Promise<number> {
  const response = await fetch(`${url}/v3/kv/put`, {
    method: "POST",
    body: `{"key":"${b64(key)}","value":"${b64(value)}"}`,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`put: ${response.status} ${text}`);
  const match = /"revision":"(\d+)"/.exec(text);
  return Number(match![1]);
}

async function runTarget(kind: "etcd-ts" | "etcd", options: Options, dir: string) {
  const server = await startServer(kind, options, dir);
  const streams: BenchStream[] = [];
  try {
    log(`${kind}: ${options.watchers} watchers on ${options.streams} streams`);
    for (let s = 0; s < options.streams; s++) {
      const share = Math.floor(options.watchers / options.streams) +
        (s < options.watchers % options.streams ? 1 : 0);
      streams.push(new BenchStream(server.url, share));
    }
    const createdAll = () => streams.reduce((n, s) => n + s.created, 0) >= options.watchers;
    for (let i = 0; i < 600 && !createdAll(); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!createdAll()) throw new Error(`${kind}: not every watcher was created`);
    const value = "v".repeat(options.valueBytes);
    const sent = new Map<number, number>();
    const acked = new Map<number, number>();
    const cpu0 = { server: processCpu(server.pid), client: processCpu("self") };
    const start = performance.now();
    const deadline = start + options.seconds * 1000;
    let writes = 0;
    let lastRevision = 0;
    while (performance.now() < deadline) {
      const sendAt = performance.now();
      const revision = await put(server.url, `bench/${writes % 100}`, value);
      const ackAt = performance.now();
      sent.set(revision, sendAt);
      acked.set(revision, ackAt);
      lastRevision = revision;
      writes++;
      if (options.rate > 0) {
        const next = start + (writes * 1000) / options.rate;
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
    const writeSeconds = (performance.now() - start) / 1000;
    const caughtUp = () => streams.every((s) => s.lastRevision >= lastRevision);
    const waitUntil = performance.now() + 30_000;
    while (!caughtUp() && performance.now() < waitUntil) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const end = performance.now();
    const cpu1 = { server: processCpu(server.pid), client: processCpu("self") };
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    let events = 0;
    let lastArrival = start;
    for (const stream of streams) {
      const a = stream.arrivals;
      for (let i = 0; i < a.length; i += 2) {
        const ack = acked.get(a[i]!);
        if (ack === undefined) continue; // a write from before the run
        events++;
        fromAck.push(a[i + 1]! - ack);
        fromSend.push(a[i + 1]! - sent.get(a[i]!)!);
        if (a[i + 1]! > lastArrival) lastArrival = a[i + 1]!;
      }
    }
    const ackSorted = Float64Array.from(fromAck).sort();
    const sendSorted = Float64Array.from(fromSend).sort();
    const elapsed = (end - start) / 1000;
    return {
      target: kind,
      watchers: options.watchers,
      streams: options.streams,
      writes,
      writesPerSecond: round(writes / writeSeconds),
      events,
      eventsPerSecond: Math.round(events / ((lastArrival - start) / 1000)),
      missing: writes * options.watchers - events,
      p50Ms: round(percentile(ackSorted, 0.5)),
      p99Ms: round(percentile(ackSorted, 0.99)),
      maxMs: round(ackSorted.at(-1) ?? NaN),
      p50FromSendMs: round(percentile(sendSorted, 0.5)),
      p99FromSendMs: round(percentile(sendSorted, 0.99)),
      serverCpu: round((cpu1.server - cpu0.server) / elapsed),
      clientCpu: round((cpu1.client - cpu0.client) / elapsed),
    };
  } finally {
    for (const stream of streams) stream.stop();
    await Promise.all(streams.map((s) => s.done));
    await server.stop();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(Deno.args);
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-bench-watch-" });
  try {
    const targets: ("etcd-ts" | "etcd")[] = ["etcd-ts"];
    let etcdInstalled = false;
    try {
      etcdInstalled = Deno.statSync(options.etcdPath).isFile;
    } catch {
      etcdInstalled = false;
    }
    if (!options.skipEtcd && etcdInstalled) targets.push("etcd");
    else if (!options.skipEtcd) log(`${options.etcdPath} not found: etcd-ts only`);
    const results = [];
    for (const kind of targets) {
      if (options.only !== undefined && options.only !== kind) continue;
      const result = await runTarget(kind, options, dir);
      console.log(JSON.stringify(result));
      results.push(result);
    }
    const [ours, theirs] = results;
    if (ours !== undefined && theirs !== undefined) {
      log(
        `etcd-ts/etcd: events/s ${round(ours.eventsPerSecond / theirs.eventsPerSecond)}, ` +
          `p50 ${ours.p50Ms} vs ${theirs.p50Ms} ms, p99 ${ours.p99Ms} vs ${theirs.p99Ms} ms`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
