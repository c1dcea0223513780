import assert from "node:assert/strict";
import { MemFileSystem } from "../storage/mem_fs.ts";
import { deleteRangeRequest, putRequest, rangeRequest, txnRequest } from "../proto/rpc.ts";
import { EtcdError } from "../proto/errors.ts";
import type { MemberSettings, RunningMember } from "./member.ts";
import { singleMemberSettings, startSingleMember } from "./_single_member.ts";
import { startMember } from "./member.ts";
import { createLogger } from "./logger.ts";
import { DenoFileSystem } from "../storage/deno_fs.ts";
import { walSegmentBytesDefault } from "../util/limits.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string) => encoder.encode(text);

const start = (fs: MemFileSystem, overrides: Partial<MemberSettings> = {}) =>
  startSingleMember(fs, overrides);

async function valueOf(member: RunningMember, key: string): Promise<string | null> {
  const response = await member.server.range(rangeRequest({ key: bytes(key) }));
  const kv = response.kvs[0];
  return kv === undefined ? null : decoder.decode(kv.value);
}

Deno.test("a single member answers puts after apply with the new revision", async () => {
  const fs = new MemFileSystem();
  const member = await start(fs);
  try {
    const first = await member.server.put(putRequest({ key: bytes("a"), value: bytes("1") }));
    const second = await member.server.put(
      putRequest({ key: bytes("a"), value: bytes("2"), prevKv: true }),
    );
    assert.equal(second.header.revision, first.header.revision + 1);
    assert.equal(decoder.decode(second.prevKv!.value), "1");
    assert.equal(second.header.memberId, member.memberId);
    assert.equal(second.header.clusterId, member.clusterId);
    assert.equal(await valueOf(member, "a"), "2");
  } finally {
    await member.stop();
  }
});

Deno.test("the ids of a default member are etcd's", async () => {
  const member = await start(new MemFileSystem());
  try {
    // etcd 3.4.23 started with only --name default: member 8e9e05c52164694d, cluster cdf818194e3a8c32.
    assert.equal(member.memberId.toString(16), "8e9e05c52164694d");
    assert.equal(member.clusterId.toString(16), "cdf818194e3a8c32");
  } finally {
    await member.stop();
  }
});

Deno.test("every acknowledged write survives a crash that keeps only synced data", async () => {
  const fs = new MemFileSystem();
  const member = await start(fs);
  const acked: Array<[string, string, number]> = [];
  const writes = [];
  for (let i = 0; i < 200; i++) {
    const key = `k${i % 37}`;
    const value = `v${i}`;
    writes.push(
      member.server.put(putRequest({ key: bytes(key), value: bytes(value) })).then((r) => {
        acked.push([key, value, r.header.revision]);
      }),
    );
  }
  await Promise.all(writes);
  fs.crash(); // kill -9: everything not fsynced is gone
  await member.stop().catch(() => {});
  const restarted = await start(fs);
  try {
    const latest = new Map<string, [string, number]>();
    for (const [key, value, revision] of acked) {
      if ((latest.get(key)?.[1] ?? 0) < revision) latest.set(key, [value, revision]);
    }
    for (const [key, [value, revision]] of latest) {
      const response = await restarted.server.range(rangeRequest({ key: bytes(key) }));
      assert.equal(decoder.decode(response.kvs[0]!.value), value, key);
      assert.equal(response.kvs[0]!.modRevision, revision, key);
    }
    assert.equal(restarted.server.currentRevision, Math.max(...acked.map((a) => a[2])));
  } finally {
    await restarted.stop();
  }
});

Deno.test("a restart after snapshots restores the state and replays the rest", async () => {
  const fs = new MemFileSystem();
  const member = await start(fs, { snapshotCount: 10 });
  for (let i = 0; i < 55; i++) {
    await member.server.put(putRequest({ key: bytes(`s${i}`), value: bytes(`${i}`) }));
  }
  const before = await member.server.hash();
  await member.stop();
  assert.ok(fs.readDir("/data/default.etcd/member/snap").some((n) => n.endsWith(".snap")));
  const restarted = await start(fs, { snapshotCount: 10 });
  try {
    const after = await restarted.server.hash();
    assert.equal(after.hash, before.hash);
    assert.equal(after.header.revision, before.header.revision);
    assert.equal(await valueOf(restarted, "s54"), "54");
  } finally {
    await restarted.stop();
  }
});

Deno.test("a txn is applied at one revision and a read-only txn makes none", async () => {
  const member = await start(new MemFileSystem());
  try {
    const put = (key: string) => ({
      requestPut: putRequest({ key: bytes(key), value: bytes("x") }),
    });
    const written = await member.server.txn(txnRequest({ success: [put("t1"), put("t2")] }));
    assert.equal(written.succeeded, true);
    const read = await member.server.txn(txnRequest({
      success: [{ requestRange: rangeRequest({ key: bytes("t1") }) }],
    }));
    assert.equal(read.header.revision, written.header.revision);
    const range = await member.server.range(
      rangeRequest({ key: bytes("t"), rangeEnd: bytes("u") }),
    );
    assert.deepEqual(range.kvs.map((kv) => kv.modRevision), [
      written.header.revision,
      written.header.revision,
    ]);
  } finally {
    await member.stop();
  }
});

Deno.test("a request above --max-request-bytes is refused before Raft", async () => {
  const member = await start(new MemFileSystem(), { requestBytesMax: 1024 });
  try {
    const revision = member.server.currentRevision;
    await assert.rejects(
      member.server.put(putRequest({ key: bytes("big"), value: new Uint8Array(2048) })),
      (error: unknown) =>
        error instanceof EtcdError && error.message === "etcdserver: request is too large",
    );
    assert.equal(member.server.currentRevision, revision);
  } finally {
    await member.stop();
  }
});

Deno.test("puts beyond --quota-backend-bytes fail with NOSPACE, deletes still work", async () => {
  const member = await start(new MemFileSystem(), { quotaBackendBytes: 4096 });
  try {
    await assert.rejects(
      (async () => {
        for (let i = 0; i < 100; i++) {
          await member.server.put(putRequest({ key: bytes(`q${i}`), value: new Uint8Array(200) }));
        }
      })(),
      (error: unknown) =>
        error instanceof EtcdError && error.message === "etcdserver: mvcc: database space exceeded",
    );
    const deleted = await member.server.deleteRange(
      deleteRangeRequest({ key: bytes("q"), rangeEnd: bytes("r") }),
    );
    assert.ok(deleted.deleted > 0);
  } finally {
    await member.stop();
  }
});

Deno.test("membership requests are checked as etcd checks them", async () => {
  const member = await start(new MemFileSystem());
  const refused = (message: string) => (error: unknown) =>
    error instanceof EtcdError && error.message === message;
  try {
    await assert.rejects(
      member.server.memberAdd({ peerUrls: ["http//bad"], isLearner: false }),
      refused("etcdserver: given member URLs are invalid"),
    );
    await assert.rejects(
      member.server.memberAdd({ peerUrls: ["http://localhost:2380"], isLearner: false }),
      refused("etcdserver: Peer URLs already exists"),
    );
    await assert.rejects(
      member.server.memberRemove({ id: 12345n }),
      refused("etcdserver: member not found"),
    );
    await assert.rejects(
      member.server.memberPromote({ id: member.memberId }),
      refused("etcdserver: can only promote a learner member"),
    );
    await assert.rejects(
      member.server.memberUpdate({ id: member.memberId, peerUrls: ["not a url"] }),
      refused("etcdserver: given member URLs are invalid"),
    );
    const list = await member.server.memberList();
    assert.equal(list.members.length, 1);
  } finally {
    await member.stop();
  }
});

Deno.test("snapshots written in small steps while writes go on restore exactly", async () => {
  const fs = new MemFileSystem();
  const tiny = { snapshotCount: 20, snapshotStepBytes: 64 };
  const member = await start(fs, tiny);
  const writes = [];
  for (let i = 0; i < 300; i++) {
    writes.push(member.server.put(putRequest({ key: bytes(`k${i % 50}`), value: bytes(`v${i}`) })));
    if (i % 40 === 0) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  await member.server.compact({ revision: 100, physical: true });
  const before = await member.server.hash();
  const values = await member.server.range(rangeRequest({ key: bytes("k"), rangeEnd: bytes("l") }));
  await member.stop();
  const snaps = fs.readDir("/data/default.etcd/member/snap").filter((n) => n.endsWith(".snap"));
  assert.ok(snaps.length > 0, "no snapshot was finished");
  const restarted = await start(fs, tiny);
  try {
    assert.equal((await restarted.server.hash()).hash, before.hash);
    const after = await restarted.server.range(
      rangeRequest({ key: bytes("k"), rangeEnd: bytes("l") }),
    );
    assert.deepEqual(after.kvs, values.kvs);
  } finally {
    await restarted.stop();
  }
});

Deno.test("--strict-reconfig-check refuses a change that leaves too few started voters", async () => {
  const member = await start(new MemFileSystem());
  try {
    // The member publishes its name at start; wait until it has.
    for (let i = 0; i < 100 && (await member.server.memberList()).members[0]!.name === ""; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const first = await member.server.memberAdd({
      peerUrls: ["http://127.0.0.1:1"],
      isLearner: false,
    });
    assert.equal(first.members.length, 2); // growing a single member is allowed
    await assert.rejects(
      member.server.memberAdd({ peerUrls: ["http://127.0.0.1:2"], isLearner: false }),
      (error: unknown) =>
        error instanceof EtcdError && error.code === 2 &&
        error.message === "etcdserver: re-configuration failed due to not enough started members",
    );
  } finally {
    await member.stop();
  }
});

Deno.test("status reports the store's size as etcd reports its backend: 20480 / 16384 when empty, whole pages", async () => {
  const member = await start(new MemFileSystem());
  try {
    const empty = await member.server.status();
    assert.equal(empty.dbSize, 20480);
    assert.equal(empty.dbSizeInUse, 16384);
    await member.server.put(putRequest({ key: bytes("k"), value: new Uint8Array(10_000) }));
    const grown = await member.server.status();
    assert.ok(grown.dbSizeInUse > 16384 + 8192, `in use ${grown.dbSizeInUse}`);
    assert.equal(grown.dbSizeInUse % 4096, 0);
    assert.equal(grown.dbSize, grown.dbSizeInUse + 4096);
  } finally {
    await member.stop();
  }
});

Deno.test("a new member's first WAL segment is written with zeros, not sparse (cheaper fdatasync)", async () => {
  const root = await Deno.makeTempDir({ prefix: "member-wal-" });
  const member = await startMember(singleMemberSettings({ dataDir: `${root}/default.etcd` }), {
    fs: new DenoFileSystem(),
    log: createLogger({ level: "error", write: () => {} }),
    startApi: () => Promise.resolve({ shutdown: () => Promise.resolve() }),
  });
  try {
    const walDir = `${root}/default.etcd/member/wal`;
    const segments = [...Deno.readDirSync(walDir)].filter((e) => e.name.endsWith(".wal"));
    assert.equal(segments.length, 1);
    const stat = Deno.statSync(`${walDir}/${segments[0]!.name}`);
    assert.ok(
      stat.blocks !== null && stat.blocks * 512 >= walSegmentBytesDefault,
      "sparse segment",
    );
  } finally {
    await member.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a snapshot waits for --snapshot-count entries and as many entry bytes as the last one had", async () => {
  const fs = new MemFileSystem();
  const dir = "/data/default.etcd/member/snap";
  const snapshots = () => fs.readDir(dir).filter((n) => n.endsWith(".snap")).length;
  const eventually = async (count: number) => {
    for (let i = 0; i < 200 && snapshots() < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(snapshots(), count);
  };
  const member = await start(fs, { snapshotCount: 5 });
  try {
    const value = new Uint8Array(2000).fill(97);
    // One entry of about 16 KB: the store a snapshot will hold.
    const bigTxn = (prefix: string, count: number) =>
      member.server.txn(txnRequest({
        success: Array.from({ length: count }, (_, i) => ({
          requestPut: putRequest({ key: bytes(`${prefix}${i}`), value }),
        })),
      }));
    const tiny = (key: string) =>
      member.server.put(putRequest({ key: bytes(key), value: bytes("x") }));
    const first = snapshots();
    await bigTxn("big", 8);
    for (let i = 0; i < 6; i++) await tiny(`first${i}`);
    await eventually(first + 1);
    // More than --snapshot-count entries, but a few hundred bytes: not yet.
    for (let i = 0; i < 20; i++) await tiny(`small${i}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(snapshots(), first + 1, "20 tiny entries do not rewrite a 16 KB store");
    await bigTxn("more", 10); // 20 KB more: now it is due
    await tiny("last");
    await eventually(first + 2);
  } finally {
    await member.stop();
  }
});
