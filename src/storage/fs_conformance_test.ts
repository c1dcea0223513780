/**
 * One conformance suite for the {@linkcode FileSystem} interface, run on the
 * real file system (in a temporary directory) and on the in-memory one; then
 * the in-memory file system's durability model: crashes, torn writes, faults.
 *
 * @module
 */

import assert from "node:assert/strict";
import { SeededPrng } from "../util/prng.ts";
import { DenoFileSystem } from "./deno_fs.ts";
import {
  FileExistsError,
  FileNotFoundError,
  type FileSystem,
  joinPath,
  writeFileAtomic,
} from "./fs.ts";
import { MemFileSystem } from "./mem_fs.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

function text(data: Uint8Array): string {
  return decoder.decode(data);
}

/** A file system to test, rooted at `root`, and how to clean up after it. */
interface Fixture {
  readonly fs: FileSystem;
  readonly root: string;
  cleanup(): Promise<void>;
}

const IMPLEMENTATIONS: readonly { name: string; make: () => Promise<Fixture> }[] = [
  {
    name: "DenoFileSystem",
    make: async () => {
      const root = await Deno.makeTempDir({ prefix: "etcd_ts_fs_" });
      return {
        fs: new DenoFileSystem(),
        root,
        cleanup: () => Deno.remove(root, { recursive: true }),
      };
    },
  },
  {
    name: "MemFileSystem",
    make: () => {
      const fs = new MemFileSystem();
      fs.mkdirAll("/data");
      return Promise.resolve({ fs, root: "/data", cleanup: () => Promise.resolve() });
    },
  },
];

function writeFile(fs: FileSystem, path: string, data: Uint8Array): void {
  const file = fs.open(path, { create: true, write: true });
  try {
    file.truncate(0);
    file.writeAt(data, 0);
  } finally {
    file.close();
  }
}

type Case = (fs: FileSystem, root: string) => void | Promise<void>;

const CASES: Record<string, Case> = {
  "open: missing without create throws FileNotFoundError naming the path": (fs, root) => {
    const path = joinPath(root, "missing");
    assert.throws(() => fs.open(path), (error: unknown) => {
      assert.ok(error instanceof FileNotFoundError);
      assert.match(error.message, /missing/);
      return true;
    });
    assert.throws(() => fs.open(path, { write: true }), FileNotFoundError);
    assert.throws(
      () => fs.open(joinPath(root, "no_dir", "file"), { create: true }),
      FileNotFoundError,
    );
  },
  "open: create makes an empty file, reopening keeps its contents": (fs, root) => {
    const path = joinPath(root, "a");
    const file = fs.open(path, { create: true, write: true });
    assert.equal(file.size(), 0);
    file.writeAt(bytes("hello"), 0);
    file.close();
    const again = fs.open(path, { create: true, write: true });
    assert.equal(text(again.readAt(0, 100)), "hello");
    again.close();
    const readOnly = fs.open(path);
    assert.equal(text(readOnly.readAt(0, 5)), "hello");
    assert.throws(() => readOnly.writeAt(bytes("x"), 0));
    readOnly.close();
  },
  "open: createNew fails on an existing file with FileExistsError": (fs, root) => {
    const path = joinPath(root, "new");
    const file = fs.open(path, { createNew: true, write: true });
    file.writeAt(bytes("1"), 0);
    file.close();
    assert.throws(() => fs.open(path, { create: true, createNew: true }), FileExistsError);
    assert.equal(text(fs.readFile(path)), "1");
  },
  "writeAt/readAt: offsets, gaps read as zeros, reads past the end are short": (fs, root) => {
    const file = fs.open(joinPath(root, "f"), { create: true, write: true });
    file.writeAt(bytes("abcdef"), 0);
    file.writeAt(bytes("XY"), 2);
    assert.equal(text(file.readAt(0, 6)), "abXYef");
    assert.equal(text(file.readAt(3, 2)), "Ye");
    file.writeAt(bytes("Z"), 10);
    assert.equal(file.size(), 11);
    assert.deepEqual([...file.readAt(6, 5)], [0, 0, 0, 0, 90]);
    assert.equal(file.readAt(11, 4).length, 0);
    assert.equal(file.readAt(100, 4).length, 0);
    assert.equal(text(file.readAt(9, 100)), "\0Z");
    file.writeAt(new Uint8Array(0), 50);
    assert.equal(file.size(), 11);
    file.close();
  },
  "writeAt: appends land at their offsets after reads, truncates and async writes": async (
    fs,
    root,
  ) => {
    const file = fs.open(joinPath(root, "f"), { create: true, write: true });
    file.writeAt(bytes("abc"), 0);
    file.writeAt(bytes("def"), 3); // right after the last write
    assert.equal(text(file.readAt(0, 2)), "ab"); // moves a real file's position
    file.writeAt(bytes("g"), 6);
    await file.writeAtAsync(bytes("h"), 7);
    file.writeAt(bytes("i"), 8);
    file.truncate(5);
    file.writeAt(bytes("E"), 4);
    file.writeAt(bytes("F"), 5);
    assert.equal(text(file.readAt(0, 100)), "abcdEF");
    file.close();
  },
  "writeAt/readAt: a large write crossing many pages round-trips": (fs, root) => {
    const file = fs.open(joinPath(root, "big"), { create: true, write: true });
    const data = new Uint8Array(200_003).map((_, i) => (i * 7 + 3) & 0xff);
    file.writeAt(data, 12_345);
    assert.equal(file.size(), 212_348);
    assert.deepEqual(file.readAt(12_345, data.length), data);
    assert.deepEqual(file.readAt(0, 12_345), new Uint8Array(12_345));
    file.close();
  },
  "truncate: cuts, and extends with zeros": (fs, root) => {
    const path = joinPath(root, "t");
    const file = fs.open(path, { create: true, write: true });
    file.writeAt(bytes("0123456789"), 0);
    file.truncate(4);
    assert.equal(file.size(), 4);
    assert.equal(text(file.readAt(0, 100)), "0123");
    file.truncate(8);
    assert.equal(file.size(), 8);
    assert.deepEqual([...file.readAt(0, 100)], [48, 49, 50, 51, 0, 0, 0, 0]);
    file.truncate(0);
    assert.equal(file.size(), 0);
    file.truncate(100_000);
    assert.deepEqual(file.readAt(0, 100_000), new Uint8Array(100_000));
    file.close();
    assert.equal(fs.readFile(path).length, 100_000);
  },
  "sync and syncSync succeed; syncDir succeeds on a directory": async (fs, root) => {
    const file = fs.open(joinPath(root, "s"), { create: true, write: true });
    file.writeAt(bytes("data"), 0);
    await file.sync();
    file.syncSync();
    file.close();
    fs.syncDir(root);
    fs.mkdirAll(joinPath(root, "sub"));
    fs.syncDir(joinPath(root, "sub"));
  },
  "readDir: sorted names; FileNotFoundError when missing": (fs, root) => {
    for (const name of ["b", "c10", "a", "c2", "B"]) {
      writeFile(fs, joinPath(root, name), bytes(name));
    }
    fs.mkdirAll(joinPath(root, "d"));
    assert.deepEqual(fs.readDir(root), ["B", "a", "b", "c10", "c2", "d"]);
    assert.deepEqual(fs.readDir(joinPath(root, "d")), []);
    assert.throws(() => fs.readDir(joinPath(root, "nope")), FileNotFoundError);
  },
  "mkdirAll: makes parents, is idempotent": (fs, root) => {
    const deep = joinPath(root, "x", "y", "z");
    fs.mkdirAll(deep);
    fs.mkdirAll(deep);
    assert.ok(fs.exists(deep));
    assert.deepEqual(fs.readDir(joinPath(root, "x")), ["y"]);
    writeFile(fs, joinPath(deep, "f"), bytes("f"));
    assert.deepEqual(fs.readDir(deep), ["f"]);
  },
  "exists: files, directories, missing paths": (fs, root) => {
    assert.ok(fs.exists(root));
    assert.ok(!fs.exists(joinPath(root, "nothing")));
    assert.ok(!fs.exists(joinPath(root, "nothing", "deeper")));
    writeFile(fs, joinPath(root, "file"), bytes(""));
    assert.ok(fs.exists(joinPath(root, "file")));
  },
  "rename: moves, and atomically replaces an existing target": (fs, root) => {
    const a = joinPath(root, "a");
    const b = joinPath(root, "b");
    writeFile(fs, a, bytes("first"));
    fs.rename(a, b);
    assert.ok(!fs.exists(a));
    assert.equal(text(fs.readFile(b)), "first");
    writeFile(fs, a, bytes("second!"));
    fs.rename(a, b);
    assert.equal(text(fs.readFile(b)), "second!");
    assert.deepEqual(fs.readDir(root), ["b"]);
    assert.throws(() => fs.rename(a, b), FileNotFoundError);
  },
  "rename: an open handle follows the file": (fs, root) => {
    const file = fs.open(joinPath(root, "h.tmp"), { create: true, write: true });
    file.writeAt(bytes("one"), 0);
    fs.rename(joinPath(root, "h.tmp"), joinPath(root, "h"));
    file.writeAt(bytes("two"), 3);
    file.syncSync();
    file.close();
    assert.equal(text(fs.readFile(joinPath(root, "h"))), "onetwo");
  },
  "remove: files, directories recursively; FileNotFoundError when missing": (fs, root) => {
    const file = joinPath(root, "f");
    writeFile(fs, file, bytes("x"));
    fs.remove(file);
    assert.ok(!fs.exists(file));
    const dir = joinPath(root, "d");
    fs.mkdirAll(joinPath(dir, "e"));
    writeFile(fs, joinPath(dir, "e", "g"), bytes("g"));
    writeFile(fs, joinPath(dir, "h"), bytes("h"));
    fs.remove(dir);
    assert.ok(!fs.exists(dir));
    assert.deepEqual(fs.readDir(root), []);
    assert.throws(() => fs.remove(file), FileNotFoundError);
  },
  "readFile: whole contents; FileNotFoundError when missing": (fs, root) => {
    writeFile(fs, joinPath(root, "r"), bytes("contents"));
    assert.equal(text(fs.readFile(joinPath(root, "r"))), "contents");
    assert.throws(() => fs.readFile(joinPath(root, "r2")), FileNotFoundError);
  },
  "writeAtAsync: writes as writeAt does, at offsets, large data whole": async (fs, root) => {
    const file = fs.open(joinPath(root, "async"), { create: true, write: true });
    await file.writeAtAsync(bytes("abcdef"), 0);
    await file.writeAtAsync(bytes("XY"), 2);
    file.writeAt(bytes("!"), 6);
    await file.writeAtAsync(bytes("Z"), 10);
    assert.equal(text(file.readAt(0, 7)), "abXYef!");
    assert.equal(file.size(), 11);
    const large = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => i % 251);
    await file.writeAtAsync(large, 11);
    await file.sync();
    assert.equal(file.size(), 11 + large.length);
    assert.deepEqual(file.readAt(11, large.length), large);
    file.close();
    const readOnly = fs.open(joinPath(root, "async"));
    await assert.rejects(readOnly.writeAtAsync(bytes("x"), 0));
    readOnly.close();
  },
  "syncDirAsync: syncs a directory, a missing one throws FileNotFoundError": async (fs, root) => {
    writeFile(fs, joinPath(root, "entry"), bytes("1"));
    await fs.syncDirAsync(root);
    await assert.rejects(fs.syncDirAsync(joinPath(root, "no_dir")), FileNotFoundError);
  },
  "writeFileAtomic: writes, replaces, leaves no .tmp behind": (fs, root) => {
    writeFileAtomic(fs, root, "atomic", bytes("a long first version"));
    assert.equal(text(fs.readFile(joinPath(root, "atomic"))), "a long first version");
    writeFile(fs, joinPath(root, "atomic.tmp"), bytes("stale leftover longer than the new one"));
    writeFileAtomic(fs, root, "atomic", bytes("v2"));
    assert.equal(text(fs.readFile(joinPath(root, "atomic"))), "v2");
    assert.deepEqual(fs.readDir(root), ["atomic"]);
  },
};

for (const implementation of IMPLEMENTATIONS) {
  for (const [name, body] of Object.entries(CASES)) {
    Deno.test(`FileSystem conformance (${implementation.name}): ${name}`, async () => {
      const fixture = await implementation.make();
      try {
        await body(fixture.fs, fixture.root);
      } finally {
        await fixture.cleanup();
      }
    });
  }
}

// The in-memory file system's durability model.

function durableFixture(): MemFileSystem {
  const fs = new MemFileSystem();
  fs.mkdirAll("/d");
  fs.syncDir("/");
  return fs;
}

/** Creates `path` with `data`, synced, its directory entry synced. */
function durableFile(fs: MemFileSystem, path: string, data: Uint8Array): void {
  writeFile(fs, path, data);
  const file = fs.open(path, { write: true });
  file.syncSync();
  file.close();
  fs.syncDir(path.slice(0, path.lastIndexOf("/")));
}

Deno.test("MemFileSystem crash: unsynced data is lost, synced data is kept", () => {
  const fs = durableFixture();
  durableFile(fs, "/d/f", bytes(""));
  const file = fs.open("/d/f", { write: true });
  file.writeAt(bytes("synced"), 0);
  file.syncSync();
  file.writeAt(bytes("+unsynced"), 6);
  file.writeAt(bytes("S"), 0);
  assert.equal(text(fs.readFile("/d/f")), "Synced+unsynced");
  fs.crash();
  assert.equal(text(fs.readFile("/d/f")), "synced");
});

Deno.test("MemFileSystem crash: an unsynced truncate is undone, a synced one kept", () => {
  const fs = durableFixture();
  durableFile(fs, "/d/f", bytes("0123456789"));
  const file = fs.open("/d/f", { write: true });
  file.truncate(3);
  fs.crash();
  assert.equal(text(fs.readFile("/d/f")), "0123456789");
  const again = fs.open("/d/f", { write: true });
  again.truncate(3);
  again.syncSync();
  fs.crash();
  assert.equal(text(fs.readFile("/d/f")), "012");
});

Deno.test("MemFileSystem crash: a new file needs its data synced and its directory synced", () => {
  const fs = durableFixture();
  const file = fs.open("/d/new", { create: true, write: true });
  file.writeAt(bytes("data"), 0);
  file.syncSync();
  file.close();
  fs.crash();
  assert.ok(!fs.exists("/d/new"), "the entry was never made durable");

  const second = fs.open("/d/new", { create: true, write: true });
  second.writeAt(bytes("data"), 0);
  fs.syncDir("/d");
  fs.crash();
  assert.ok(fs.exists("/d/new"));
  assert.equal(fs.readFile("/d/new").length, 0, "the entry is durable, the data is not");
});

Deno.test("MemFileSystem crash: a rename is not durable without syncDir", () => {
  const fs = durableFixture();
  durableFile(fs, "/d/target", bytes("old"));
  const tmp = fs.open("/d/target.tmp", { create: true, write: true });
  tmp.writeAt(bytes("new"), 0);
  tmp.syncSync();
  tmp.close();
  fs.rename("/d/target.tmp", "/d/target");
  fs.crash();
  assert.equal(text(fs.readFile("/d/target")), "old");
  assert.deepEqual(fs.readDir("/d"), ["target"]);

  writeFileAtomic(fs, "/d", "target", bytes("new"));
  fs.crash();
  assert.equal(text(fs.readFile("/d/target")), "new");
  assert.deepEqual(fs.readDir("/d"), ["target"]);
});

Deno.test("MemFileSystem crash: a renamed file keeps its synced data under the durable name", () => {
  const fs = durableFixture();
  durableFile(fs, "/d/a", bytes("x"));
  const file = fs.open("/d/a", { write: true });
  fs.rename("/d/a", "/d/b");
  file.writeAt(bytes("y"), 1);
  file.syncSync();
  fs.crash();
  assert.deepEqual(fs.readDir("/d"), ["a"]);
  assert.equal(text(fs.readFile("/d/a")), "xy");
});

Deno.test("MemFileSystem crash: removals and new directories need syncDir of the parent", () => {
  const fs = durableFixture();
  durableFile(fs, "/d/keep", bytes("k"));
  fs.remove("/d/keep");
  fs.mkdirAll("/d/sub/deeper");
  fs.syncDir("/d/sub");
  fs.crash();
  assert.deepEqual(fs.readDir("/d"), ["keep"]);
  fs.remove("/d/keep");
  fs.mkdirAll("/d/sub/deeper");
  fs.syncDir("/d/sub");
  fs.syncDir("/d");
  fs.crash();
  assert.deepEqual(fs.readDir("/d"), ["sub"]);
  assert.deepEqual(fs.readDir("/d/sub"), ["deeper"]);
});

Deno.test("MemFileSystem crash: open handles are unusable afterwards", () => {
  const fs = durableFixture();
  durableFile(fs, "/d/f", bytes("f"));
  const file = fs.open("/d/f", { write: true });
  fs.crash();
  assert.throws(() => file.readAt(0, 1), /before a crash/);
  assert.throws(() => file.writeAt(bytes("x"), 0), /before a crash/);
  const closed = fs.open("/d/f");
  closed.close();
  assert.throws(() => closed.size(), /closed/);
});

Deno.test("MemFileSystem crash with tornWrite: keeps a prefix of the unsynced tail", () => {
  const synced = new Uint8Array(1000).fill(1);
  const tail = new Uint8Array(5000).map((_, i) => 2 + (i % 250));
  const seen = { none: false, partial: false, full: false, zeroed: false };
  const prng = new SeededPrng(42);
  for (let round = 0; round < 300; round++) {
    const fs = durableFixture();
    durableFile(fs, "/d/wal", synced);
    const file = fs.open("/d/wal", { write: true });
    file.writeAt(tail, synced.length);
    fs.crash({ tornWrite: { prng } });
    const after = fs.readFile("/d/wal");
    assert.ok(after.length >= synced.length && after.length <= synced.length + tail.length);
    assert.deepEqual(after.subarray(0, synced.length), synced, "synced data is never touched");
    const kept = after.subarray(synced.length);
    const zeros = checkTornPrefix(kept, tail);
    seen.zeroed ||= zeros > 0;
    seen.none ||= kept.length === 0;
    seen.partial ||= kept.length > 0 && kept.length < tail.length;
    seen.full ||= kept.length === tail.length;
  }
  assert.deepEqual(seen, { none: true, partial: true, full: true, zeroed: true });
});

/** Checks `kept` is a prefix of `tail` except for one zeroed sector-aligned run; returns its length. */
function checkTornPrefix(kept: Uint8Array, tail: Uint8Array): number {
  let zeroed = 0;
  let zeroStart = -1;
  for (let i = 0; i < kept.length; i++) {
    if (kept[i] === tail[i]) continue;
    assert.equal(kept[i], 0, `byte ${i} is neither written nor zeroed`);
    if (zeroStart === -1) zeroStart = i;
    zeroed++;
  }
  if (zeroed > 0) {
    // The tail starts at file offset 1000; the zeroed run lies in one 512-byte sector.
    const first = 1000 + zeroStart;
    const last = first + zeroed - 1;
    assert.equal(Math.floor(first / 512), Math.floor(last / 512), "one sector at most");
  }
  return zeroed;
}

Deno.test("MemFileSystem crash with tornWrite: same seed, same outcome", () => {
  const run = (): Uint8Array => {
    const fs = durableFixture();
    durableFile(fs, "/d/f", bytes("base"));
    const file = fs.open("/d/f", { write: true });
    file.writeAt(new Uint8Array(3000).fill(7), 4);
    fs.crash({ tornWrite: { prng: new SeededPrng(7) } });
    return fs.readFile("/d/f");
  };
  assert.deepEqual(run(), run());
});

Deno.test("MemFileSystem failNextSync: the next sync fails and makes nothing durable", async () => {
  const fs = durableFixture();
  durableFile(fs, "/d/f", bytes(""));
  const file = fs.open("/d/f", { write: true });
  file.writeAt(bytes("abc"), 0);
  fs.failNextSync("/d/f");
  const before = fs.syncCount;
  await assert.rejects(file.sync(), /injected fault/);
  assert.equal(fs.syncCount, before);
  fs.failNextSync("/d/f");
  assert.throws(() => file.syncSync(), /injected fault/);
  await file.sync();
  assert.equal(fs.syncCount, before + 1);
  fs.crash();
  assert.equal(text(fs.readFile("/d/f")), "abc");
});

Deno.test("MemFileSystem failNextSync: on a file not yet created, and on a directory", () => {
  const fs = durableFixture();
  fs.failNextSync("/d/later");
  const file = fs.open("/d/later", { create: true, write: true });
  assert.throws(() => file.syncSync(), /injected fault/);
  file.syncSync();
  fs.failNextSync("/d");
  const dirSyncs = fs.syncDirCount;
  assert.throws(() => fs.syncDir("/d"), /injected fault/);
  assert.equal(fs.syncDirCount, dirSyncs);
  fs.crash();
  assert.ok(!fs.exists("/d/later"));
});

Deno.test("MemFileSystem: syncCount and syncDirCount count successful syncs", async () => {
  const fs = new MemFileSystem();
  fs.mkdirAll("/d");
  const file = fs.open("/d/f", { create: true, write: true });
  file.syncSync();
  await file.sync();
  fs.syncDir("/d");
  writeFileAtomic(fs, "/d", "g", bytes("g"));
  assert.equal(fs.syncCount, 3);
  assert.equal(fs.syncDirCount, 2);
});

Deno.test("MemFileSystem asyncGate: holds writeAtAsync, sync and syncDirAsync until released", async () => {
  const fs = durableFixture();
  durableFile(fs, "/d/f", bytes(""));
  const seen: string[] = [];
  let release = () => {};
  fs.asyncGate = (op) => {
    seen.push(`${op.kind} ${op.path}`);
    return new Promise<void>((resolve) => (release = resolve));
  };
  const file = fs.open("/d/f", { write: true });
  const write = file.writeAtAsync(bytes("abc"), 0);
  await Promise.resolve();
  assert.equal(file.size(), 0, "not written while held");
  release();
  await write;
  assert.equal(text(fs.readFile("/d/f")), "abc");
  const sync = file.sync();
  const syncs = fs.syncCount;
  await Promise.resolve();
  assert.equal(fs.syncCount, syncs, "not synced while held");
  release();
  await sync;
  assert.equal(fs.syncCount, syncs + 1);
  const dirSync = fs.syncDirAsync("/d");
  release();
  await dirSync;
  assert.deepEqual(seen, ["write /d/f", "sync /d/f", "syncDir /d"]);
  fs.asyncGate = null;
  await file.sync(); // no gate: at once
  assert.equal(seen.length, 3);
  file.close();
});

Deno.test("MemFileSystem asyncGate: a crash while an async write is held makes it fail", async () => {
  const fs = durableFixture();
  durableFile(fs, "/d/f", bytes("old"));
  let release = () => {};
  fs.asyncGate = () => new Promise<void>((resolve) => (release = resolve));
  const file = fs.open("/d/f", { write: true });
  const write = file.writeAtAsync(bytes("new"), 0);
  await Promise.resolve();
  fs.crash();
  release();
  await assert.rejects(write, /before a crash/);
  assert.equal(text(fs.readFile("/d/f")), "old");
});

Deno.test("MemFileSystem failNextSync: applies to syncDirAsync", async () => {
  const fs = durableFixture();
  fs.failNextSync("/d");
  await assert.rejects(fs.syncDirAsync("/d"), /injected fault/);
  await fs.syncDirAsync("/d");
});

Deno.test("MemFileSystem snapshotFiles: written and durable data by path", () => {
  const fs = durableFixture();
  durableFile(fs, "/d/f", bytes("ab"));
  const file = fs.open("/d/f", { write: true });
  file.writeAt(bytes("c"), 2);
  fs.mkdirAll("/d/e");
  writeFile(fs, "/d/e/g", bytes("g"));
  const files = fs.snapshotFiles();
  assert.deepEqual([...files.keys()], ["d/e/g", "d/f"]);
  assert.equal(text(files.get("d/f")!.data), "abc");
  assert.equal(text(files.get("d/f")!.durable), "ab");
  assert.equal(files.get("d/e/g")!.durable.length, 0);
});

Deno.test("MemFileSystem: a large preallocated file costs little and survives a crash", () => {
  const fs = durableFixture();
  const file = fs.open("/d/seg", { create: true, write: true });
  file.truncate(64 * 1024 * 1024);
  file.syncSync();
  fs.syncDir("/d");
  file.writeAt(bytes("record"), 1024);
  file.syncSync();
  file.writeAt(bytes("lost"), 2048);
  fs.crash({ tornWrite: { prng: new SeededPrng(1) } });
  const again = fs.open("/d/seg");
  assert.equal(again.size(), 64 * 1024 * 1024);
  assert.equal(text(again.readAt(1024, 6)), "record");
  assert.deepEqual(again.readAt(4096, 16), new Uint8Array(16));
});
