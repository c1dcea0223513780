import assert from "node:assert/strict";
import { createLogger, formatLogLine, type Logger, storageLogOf, toLogValue } from "./logger.ts";

const T0 = new Date("2026-11-23T23:46:23.829Z");

function capture(level?: string): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const options = { write: (line: string) => lines.push(line), now: () => T0 };
  const logger = createLogger(level === undefined ? options : { ...options, level });
  return { lines, logger };
}

Deno.test("logger: etcd 3.4 zap line shape and key order", () => {
  // A real etcd 3.4.23 line (--logger=zap):
  // {"level":"info","ts":"2026-11-23T23:46:23.829Z","caller":"embed/etcd.go:117",
  //  "msg":"configuring peer listeners","listen-peer-urls":["http://127.0.0.1:31380"]}
  const { lines, logger } = capture();
  logger.named("embed/etcd.go:117").info("configuring peer listeners", {
    "listen-peer-urls": ["http://127.0.0.1:31380"],
  });
  assert.deepEqual(lines, [
    '{"level":"info","ts":"2026-11-23T23:46:23.829Z","caller":"embed/etcd.go:117",' +
    '"msg":"configuring peer listeners","listen-peer-urls":["http://127.0.0.1:31380"]}',
  ]);
});

Deno.test("logger: no caller key until one is named; one JSON object per call", () => {
  const { lines, logger } = capture();
  logger.warn('a\nb "quoted"', { n: 1, ok: true });
  assert.equal(lines.length, 1);
  assert.equal(
    lines[0],
    '{"level":"warn","ts":"2026-11-23T23:46:23.829Z","msg":"a\\nb \\"quoted\\"","n":1,"ok":true}',
  );
  assert.deepEqual(JSON.parse(lines[0] ?? ""), {
    level: "warn",
    ts: "2026-11-23T23:46:23.829Z",
    msg: 'a\nb "quoted"',
    n: 1,
    ok: true,
  });
});

Deno.test("logger: level filtering", () => {
  const levels = ["debug", "info", "warn", "error"] as const;
  const expected: Record<string, string[]> = {
    debug: ["debug", "info", "warn", "error"],
    info: ["info", "warn", "error"],
    warn: ["warn", "error"],
    error: ["error"],
    panic: [],
    fatal: [],
    bogus: ["info", "warn", "error"],
  };
  for (const [threshold, written] of Object.entries(expected)) {
    const { lines, logger } = capture(threshold);
    for (const level of levels) logger[level]("m");
    assert.deepEqual(lines.map((l) => JSON.parse(l).level), written, threshold);
    assert.equal(logger.enabled("debug"), written.includes("debug"));
  }
  const { lines, logger } = capture();
  logger.debug("hidden");
  assert.deepEqual(lines, [], "info is the default level");
});

Deno.test("logger: field values as etcd logs them", () => {
  const { lines, logger } = capture();
  const circular: Record<string, unknown> = { a: 1 };
  circular["self"] = circular;
  logger.info("fields", {
    "member-id": 0x8ddab73534be950cn,
    key: new TextEncoder().encode("foo"),
    bad: new Uint8Array([0xff, 0x41]),
    error: new Error("boom"),
    at: T0,
    nan: NaN,
    inf: -Infinity,
    skipped: undefined,
    nested: { list: [1n, undefined], map: new Map([["k", 2]]), set: new Set(["x"]) },
    circular,
  });
  assert.deepEqual(JSON.parse(lines[0] ?? ""), {
    level: "info",
    ts: "2026-11-23T23:46:23.829Z",
    msg: "fields",
    "member-id": "8ddab73534be950c",
    key: "foo",
    bad: "\ufffdA",
    error: "boom",
    at: "2026-11-23T23:46:23.829Z",
    nan: "NaN",
    inf: "-Inf",
    nested: { list: ["1", null], map: { k: 2 }, set: ["x"] },
    circular: { a: 1, self: "[Circular]" },
  });
  assert.equal(toLogValue(-5n), "-5");
});

Deno.test("logger: with() binds fields; field keys keep their order", () => {
  const { lines, logger } = capture();
  logger.named("server/raft_node.ts").with({ "local-member-id": 1n }).info("m", { b: 2, a: 1 });
  assert.equal(
    lines[0],
    '{"level":"info","ts":"2026-11-23T23:46:23.829Z","caller":"server/raft_node.ts","msg":"m",' +
      '"local-member-id":"1","b":2,"a":1}',
  );
});

Deno.test("logger: never throws, whatever the fields, clock or writer do", () => {
  const hostile = {
    get boom(): never {
      throw new Error("getter");
    },
  };
  const { lines, logger } = capture();
  logger.info("still logged", { hostile, after: 1 });
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0] ?? ""), {
    level: "info",
    ts: "2026-11-23T23:46:23.829Z",
    msg: "still logged",
    hostile: "[unloggable: getter]",
    after: 1,
  });
  const broken = createLogger({
    write: () => {
      throw new Error("disk full");
    },
    now: () => {
      throw new Error("clock");
    },
  });
  broken.error("x", { y: 1 });
  assert.equal(
    formatLogLine("info", new Date(NaN), undefined, "m", []),
    '{"level":"info","ts":"invalid date","msg":"m"}',
  );
});

Deno.test("logger: storageLogOf passes the storage layer's lines through", () => {
  const { lines, logger } = capture();
  storageLogOf(logger.named("storage/wal"))("warn", "repaired WAL tail", {
    file: "0.wal",
    offset: 8,
  });
  assert.deepEqual(JSON.parse(lines[0] ?? ""), {
    level: "warn",
    ts: "2026-11-23T23:46:23.829Z",
    caller: "storage/wal",
    msg: "repaired WAL tail",
    file: "0.wal",
    offset: 8,
  });
});
