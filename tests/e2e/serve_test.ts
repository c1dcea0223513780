/**
 * End-to-end tests of `etcd-ts serve` as a real process: etcd's HTTP/JSON
 * API on every path, durability across `kill -9`, graceful stop, and
 * start-up errors.
 */

import assert from "node:assert/strict";
import { b64, cleanEnv, MemberProcess, unb64 } from "./_member_process.ts";

const mainPath = new URL("../../main.ts", import.meta.url).pathname;

async function withMember(
  fn: (member: MemberProcess, dataDir: string) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "etcd-ts-e2e-" });
  const member = await MemberProcess.start(`${dataDir}/m.etcd`, args);
  try {
    await fn(member, `${dataDir}/m.etcd`);
  } finally {
    await member.stop("SIGKILL");
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("serve answers etcd's KV paths, /v3beta, health, version and status", async () => {
  await withMember(async (m) => {
    const put = await m.post("/v3/kv/put", { key: b64("foo"), value: b64("bar") });
    assert.equal(put.status, 200);
    const revision = Number(put.body.header.revision);
    assert.ok(revision >= 2);

    const range = await m.post("/v3beta/kv/range", { key: b64("foo") });
    assert.equal(range.status, 200);
    assert.equal(unb64(range.body.kvs[0].value), "bar");
    assert.equal(range.body.count, "1");

    const txn = await m.post("/v3/kv/txn", {
      compare: [{ key: b64("foo"), result: "EQUAL", target: "VALUE", value: b64("bar") }],
      success: [{ request_put: { key: b64("foo"), value: b64("baz") } }],
    });
    assert.equal(txn.body.succeeded, true);
    assert.equal(Number(txn.body.header.revision), revision + 1);

    const del = await m.post("/v3/kv/deleterange", { key: b64("foo"), prev_kv: true });
    assert.equal(del.body.deleted, "1");
    assert.equal(unb64(del.body.prev_kvs[0].value), "baz");

    const compact = await m.post("/v3/kv/compaction", { revision: String(revision) });
    assert.equal(compact.status, 200);
    const old = await m.post("/v3/kv/range", { key: b64("foo"), revision: String(revision - 1) });
    assert.equal(old.status, 400);
    assert.deepEqual(old.body, {
      error: "etcdserver: mvcc: required revision has been compacted",
      message: "etcdserver: mvcc: required revision has been compacted",
      code: 11,
    });

    const status = await m.post("/v3/maintenance/status", {});
    assert.equal(status.body.version, "3.4.23");
    assert.equal(status.body.leader, status.body.header.member_id);

    const health = await fetch(`${m.clientUrl}/health`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), '{"health":"true"}');
    const version = await fetch(`${m.clientUrl}/version`);
    assert.deepEqual(await version.json(), { etcdserver: "3.4.23", etcdcluster: "3.4.0" });
  });
});

Deno.test("serve refuses bad requests with etcd's errors and changes nothing", async () => {
  await withMember(async (m) => {
    const before = await m.post("/v3/kv/range", { key: b64("x") });
    const cases: Array<[string, string, number, string]> = [
      ["/v3/kv/put", '{"key":"!!!","value":"YmFy"}', 400, "illegal base64 data at input byte 0"],
      ["/v3/kv/put", '{"key":', 400, "unexpected EOF"],
      ["/v3/kv/put", '{"value":"YmFy"}', 400, "etcdserver: key is not provided"],
      ["/v3/kv/put", '{"key":"bm9zdWNo","ignore_value":true}', 400, "etcdserver: key not found"],
      [
        "/v3/kv/range",
        '{"key":"Zm9v","sort_order":"SIDEWAYS"}',
        400,
        'unknown value "SIDEWAYS" for enum etcdserverpb.RangeRequest_SortOrder',
      ],
      [
        "/v3/kv/range",
        '{"key":"Zm9v","revision":"99999"}',
        400,
        "etcdserver: mvcc: required revision is a future revision",
      ],
      [
        "/v3/kv/txn",
        '{"success":[{"request_put":{"key":"Zm9v","value":"MQ=="}},{"request_put":{"key":"Zm9v","value":"Mg=="}}]}',
        400,
        "etcdserver: duplicate key given in txn request",
      ],
    ];
    for (const [path, body, status, message] of cases) {
      const response = await m.post(path, body);
      assert.equal(response.status, status, `${path} ${body}`);
      assert.equal(response.body.message, message, `${path} ${body}`);
    }
    const big = await m.post("/v3/kv/put", {
      key: b64("big"),
      value: b64("x".repeat(2 * 1024 * 1024)),
    });
    // etcd's gateway hands the body to its gRPC server, which refuses it (ResourceExhausted).
    assert.equal(big.status, 429);
    assert.match(big.body.message, /^grpc: received message larger than max/);
    const after = await m.post("/v3/kv/range", { key: b64("x") });
    assert.equal(after.body.header.revision, before.body.header.revision);
    const unknown = await fetch(`${m.clientUrl}/v3/kv/nothing`, { method: "POST", body: "{}" });
    assert.equal(unknown.status, 404);
    assert.equal(await unknown.text(), "Not Found\n");
    const wrongMethod = await fetch(`${m.clientUrl}/v3/kv/range`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(await wrongMethod.text(), "Method Not Allowed\n");
  });
});

Deno.test("every acknowledged put survives kill -9 at the same revision", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-e2e-" });
  const dataDir = `${dir}/m.etcd`;
  try {
    const member = await MemberProcess.start(dataDir);
    // Per key: every value sent, in order, and how many of them were acknowledged.
    const sent = new Map<string, string[]>();
    const acked = new Map<string, { count: number; revision: number }>();
    let stop = false;
    const writers = Array.from({ length: 16 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const key = `w${w}/k${i % 5}`;
        const values = sent.get(key) ?? [];
        values.push(`v${i}`);
        sent.set(key, values);
        try {
          const r = await member.post("/v3/kv/put", { key: b64(key), value: b64(`v${i}`) });
          assert.equal(r.status, 200);
          acked.set(key, { count: values.length, revision: Number(r.body.header.revision) });
        } catch {
          return; // the connection died with the process
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await member.stop("SIGKILL");
    stop = true;
    await Promise.all(writers);
    assert.ok(acked.size > 0);

    const restarted = await MemberProcess.start(dataDir);
    try {
      for (const [key, { count, revision }] of acked) {
        const r = await restarted.post("/v3/kv/range", { key: b64(key) });
        const stored = unb64(r.body.kvs[0].value);
        // The last acknowledged value, or one sent after it whose answer the kill cut off.
        const position = sent.get(key)!.lastIndexOf(stored) + 1;
        assert.ok(position >= count, `${key}: ${stored} is older than the acknowledged write`);
        assert.ok(Number(r.body.kvs[0].mod_revision) >= revision, key);
        if (position === count) assert.equal(Number(r.body.kvs[0].mod_revision), revision, key);
      }
    } finally {
      await restarted.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SIGTERM stops serve gracefully with exit 0 and the data kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-e2e-" });
  try {
    const member = await MemberProcess.start(`${dir}/m.etcd`);
    await member.post("/v3/kv/put", { key: b64("kept"), value: b64("yes") });
    const { status, stderr } = await member.stop("SIGTERM");
    assert.equal(status.code, 0);
    assert.match(stderr, /received signal; shutting down/);
    const again = await MemberProcess.start(`${dir}/m.etcd`);
    try {
      const r = await again.post("/v3/kv/range", { key: b64("kept"), serializable: true });
      assert.equal(unb64(r.body.kvs[0].value), "yes");
    } finally {
      await again.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function serveFails(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", mainPath, "serve", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { ...cleanEnv(), ...env },
    clearEnv: true,
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("serve refuses an unknown flag, a malformed URL and an unusable data dir", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-e2e-" });
  try {
    const unknown = await serveFails(["--no-such-flag"]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /flag provided but not defined: -no-such-flag/);

    const badUrl = await serveFails([
      "--listen-client-urls=http//bad",
      "--advertise-client-urls=http://127.0.0.1:2379",
    ]);
    assert.notEqual(badUrl.code, 0);
    assert.match(badUrl.stderr, /listen-client-urls/);

    const file = `${dir}/not-a-dir`;
    await Deno.writeTextFile(file, "x");
    const badDir = await serveFails([
      `--data-dir=${file}`,
      "--listen-client-urls=http://127.0.0.1:0",
      "--advertise-client-urls=http://127.0.0.1:2379",
    ]);
    assert.equal(badDir.code, 1);
    assert.match(badDir.stderr, /cannot access data directory/);
    assert.equal(badDir.stderr.trim().split("\n").at(-1)!.includes("at "), false); // no stack
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve reads ETCD_* variables", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-e2e-" });
  try {
    const member = await MemberProcess.start(`${dir}/env.etcd`, [], {
      ETCD_NAME: "envnode",
      ETCD_INITIAL_CLUSTER: "envnode=http://127.0.0.1:2380",
      ETCD_INITIAL_ADVERTISE_PEER_URLS: "http://127.0.0.1:2380",
      ETCD_ADVERTISE_CLIENT_URLS: "http://127.0.0.1:2379",
    });
    try {
      const r = await member.post("/v3/cluster/member/list", {});
      assert.equal(r.body.members[0].name, "envnode");
      assert.deepEqual(r.body.members[0].peerURLs, ["http://127.0.0.1:2380"]);
    } finally {
      await member.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--auto-compaction-retention compacts the history periodically", async () => {
  await withMember(async (m) => {
    const first = await m.post("/v3/kv/put", { key: b64("ac"), value: b64("1") });
    await m.post("/v3/kv/put", { key: b64("ac"), value: b64("2") });
    const revision = first.body.header.revision;
    let compacted = false;
    for (let i = 0; i < 50 && !compacted; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const r = await m.post("/v3/kv/range", { key: b64("ac"), revision });
      compacted = r.status === 400 && r.body.code === 11;
    }
    assert.equal(compacted, true, "history older than the retention was never compacted");
  }, ["--auto-compaction-mode=periodic", "--auto-compaction-retention=1s"]);
});

Deno.test("a WAL damaged in the middle refuses to start with one line naming the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-e2e-" });
  const dataDir = `${dir}/m.etcd`;
  try {
    const member = await MemberProcess.start(dataDir);
    for (let i = 0; i < 20; i++) {
      await member.post("/v3/kv/put", { key: b64(`d${i}`), value: b64("x".repeat(100)) });
    }
    await member.stop("SIGKILL");
    const walDir = `${dataDir}/member/wal`;
    const wal = [...Deno.readDirSync(walDir)].map((e) => e.name).find((n) => n.endsWith(".wal"))!;
    const bytes = await Deno.readFile(`${walDir}/${wal}`);
    bytes[600] = bytes[600]! ^ 0xff; // inside an early record: not a torn tail
    await Deno.writeFile(`${walDir}/${wal}`, bytes);
    const result = await serveFails([
      `--data-dir=${dataDir}`,
      "--listen-client-urls=http://127.0.0.1:0",
      "--advertise-client-urls=http://127.0.0.1:2379",
    ]);
    assert.equal(result.code, 1);
    const last = result.stderr.trim().split("\n").at(-1)!;
    assert.match(last, /^etcd-ts: cannot open the WAL: .*\.wal/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
