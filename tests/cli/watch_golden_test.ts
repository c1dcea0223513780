/**
 * `ctl watch` against etcdctl 3.4.23's output, byte for byte. The files in
 * testdata/watch/ were recorded by testdata/watch/record.sh (real etcdctl
 * against a fresh real etcd); here the same writes go to an in-process
 * store served by the real gateway and watch server, answering with the
 * recorded cluster and member ids, and ctl runs the same cases in the same
 * order (the interactive cases write, so later cases see later revisions).
 */

import assert from "node:assert/strict";
import { runCtl } from "../../src/cli/ctl.ts";
import type { CtlIo } from "../../src/cli/ctl.ts";
import { KvStore } from "../../src/mvcc/mod.ts";
import { deleteRangeRequest, putRequest } from "../../src/proto/rpc.ts";
import { WatchServer } from "../../src/server/watch_server.ts";
import { serveApi } from "../../src/api/server.ts";
import { FakeService } from "../compat/fake_service.ts";

const DIR = new URL("./testdata/watch/", import.meta.url);
const enc = new TextEncoder();
const dec = new TextDecoder();

async function golden(name: string): Promise<{ out: Uint8Array; err: string; code: number }> {
  return {
    out: await Deno.readFile(new URL(`${name}.out`, DIR)),
    err: await Deno.readTextFile(new URL(`${name}.err`, DIR)),
    code: Number((await Deno.readTextFile(new URL(`${name}.code`, DIR))).trim()),
  };
}

/** The recorded member's world: a store with the recording's writes, served with its ids. */
async function world() {
  const [clusterId, memberId, term] = (await Deno.readTextFile(new URL("ids.txt", DIR))).trim()
    .split(" ");
  const watch: WatchServer = new WatchServer({
    history: () => kv,
    header: (revision) => ({
      clusterId: BigInt(clusterId!),
      memberId: BigInt(memberId!),
      revision,
      raftTerm: Number(term),
    }),
  });
  const kv = new KvStore({ onWrite: (revision, events) => watch.onWrite(revision, events) });
  const service = Object.assign(new FakeService(), { watch });
  const server = serveApi(service, { hostname: "127.0.0.1", port: 0 });
  const put = (key: string, value: string) =>
    kv.put(putRequest({ key: enc.encode(key), value: enc.encode(value) }));
  put("a", "1");
  put("a", "2");
  put("b", "x");
  kv.deleteRange(deleteRangeRequest({ key: enc.encode("a") }));
  put("a/1", "y");
  put("a", "3");
  kv.compact(4);
  return { kv, watch, server, put, endpoint: `127.0.0.1:${server.addr.port}` };
}

/** A ctl run with captured output and a standard input the test writes to. */
function startCtl(args: readonly string[], env: Record<string, string> = {}) {
  const out: Uint8Array[] = [];
  let err = "";
  let stdin!: ReadableStreamDefaultController<Uint8Array>;
  const input = new ReadableStream<Uint8Array>({ start: (c) => void (stdin = c) });
  const io: CtlIo = {
    stdout: (b) => out.push(b.slice()),
    stderr: (b) => (err += dec.decode(b)),
    stdin: () => input,
    env,
  };
  const done = runCtl(args, io);
  const joined = () => {
    const all = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of out) {
      all.set(c, offset);
      offset += c.length;
    }
    return all;
  };
  return {
    done,
    stdout: joined,
    stderr: () => err,
    type: (text: string) => stdin.enqueue(enc.encode(text)),
    closeStdin: () => stdin.close(),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function expectGolden(name: string, run: ReturnType<typeof startCtl>): Promise<void> {
  const code = await run.done;
  const expected = await golden(name);
  assert.equal(dec.decode(run.stdout()), dec.decode(expected.out), `${name}: stdout`);
  assert.deepEqual(run.stdout(), expected.out, `${name}: stdout bytes`);
  assert.equal(run.stderr(), expected.err, `${name}: stderr`);
  assert.equal(code, expected.code, `${name}: exit code`);
}

const ONE_SHOT: readonly (readonly [string, readonly string[], Record<string, string>?])[] = [
  ["compacted_simple", ["a", "--rev", "2"]],
  ["compacted_json", ["a", "--rev", "2", "-w", "json"]],
  ["compacted_fields", ["a", "--rev", "2", "-w", "fields"]],
  ["compacted_protobuf", ["a", "--rev", "2", "-w", "protobuf"]],
  ["empty_range_simple", ["b", "a"]],
  ["empty_range_json", ["b", "a", "-w", "json"]],
  ["prefix_and_range", ["a", "b", "--prefix"]],
  ["no_key", []],
  ["separator", ["a", "--"]],
  ["env_range", ["a"], { ETCDCTL_WATCH_RANGE_END: "b" }],
];

const INTERACTIVE: readonly (readonly [string, readonly string[]])[] = [
  ["interactive_simple", []],
  ["interactive_json", ["-w", "json"]],
  ["interactive_fields", ["-w", "fields"]],
  ["interactive_hex", ["--hex"]],
];

Deno.test({
  name: "ctl watch: etcdctl's output, exit codes and messages (recorded)",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const w = await world();
    try {
      for (const [name, args, env] of ONE_SHOT) {
        await expectGolden(name, startCtl([`--endpoints=${w.endpoint}`, "watch", ...args], env));
      }
      for (const [name, args] of INTERACTIVE) {
        const watchers = () => w.watch.stats.synced + w.watch.stats.unsynced;
        await until(() => watchers() === 0, `${name}: the previous runs' watchers gone`);
        const run = startCtl([`--endpoints=${w.endpoint}`, "watch", "-i", ...args]);
        run.type("watch a --prefix --rev 4 --prev-kv\n");
        await until(() => run.stdout().length > 0, `${name}: the catch-up`);
        run.type("\nget x\nwatch\nwatch a b --prefix\n");
        await until(() => run.stderr().split("\n").length > 4, `${name}: the complaints`);
        let seen = run.stdout().length;
        w.put("a", "4");
        await until(() => run.stdout().length > seen, `${name}: the put`);
        seen = run.stdout().length;
        run.type("progress\n");
        await until(() => run.stdout().length > seen, `${name}: the progress`);
        run.type("watch b\n");
        await until(() => watchers() === 2, `${name}: the second watcher`);
        seen = run.stdout().length;
        w.put("b", "z");
        await until(() => run.stdout().length > seen, `${name}: the second put`);
        run.closeStdin();
        await expectGolden(name, run);
      }
    } finally {
      w.watch.stop();
      await w.server.shutdown();
    }
  },
});
