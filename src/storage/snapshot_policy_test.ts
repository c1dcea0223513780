import { strict as assert } from "node:assert";
import {
  compactIndexAfter,
  DEFAULT_SNAPSHOT_POLICY,
  snapshotDue,
  validateSnapshotPolicy,
} from "./snapshot_policy.ts";
import { snapshotEntryBytesMax } from "../util/limits.ts";

Deno.test("snapshot policy: due once more than snapshotCount entries were applied since the last snapshot", () => {
  const policy = { snapshotCount: 3, catchUpEntries: 0 };
  const since = (entries: number) => ({ entries, entryBytes: 1000 });
  assert.equal(snapshotDue(policy, since(3), 10), false);
  assert.equal(snapshotDue(policy, since(4), 10), true);
  assert.equal(snapshotDue({ snapshotCount: 1, catchUpEntries: 0 }, since(2), 10), true, "small");
  assert.equal(
    snapshotDue({ snapshotCount: 0, catchUpEntries: 0 }, since(1e9), 10),
    false,
    "0 never",
  );
  assert.equal(snapshotDue(DEFAULT_SNAPSHOT_POLICY, since(100_000), 10), false);
  assert.equal(snapshotDue(DEFAULT_SNAPSHOT_POLICY, since(100_001), 10), true);
});

Deno.test("snapshot policy: and once the entries since hold as many bytes as the last snapshot, at most snapshotEntryBytesMax", () => {
  const policy = { snapshotCount: 3, catchUpEntries: 0 };
  assert.equal(snapshotDue(policy, { entries: 10, entryBytes: 499 }, 500), false);
  assert.equal(snapshotDue(policy, { entries: 10, entryBytes: 500 }, 500), true);
  assert.equal(snapshotDue(policy, { entries: 3, entryBytes: 5000 }, 500), false, "count first");
  const huge = 4 * snapshotEntryBytesMax;
  assert.equal(
    snapshotDue(policy, { entries: 10, entryBytes: snapshotEntryBytesMax - 1 }, huge),
    false,
  );
  assert.equal(snapshotDue(policy, { entries: 10, entryBytes: snapshotEntryBytesMax }, huge), true);
});

Deno.test("snapshot policy: compaction keeps catchUpEntries before the snapshot, and never goes below the first index", () => {
  assert.equal(compactIndexAfter({ snapshotCount: 10, catchUpEntries: 4 }, 50, 2), 46);
  assert.equal(compactIndexAfter({ snapshotCount: 10, catchUpEntries: 0 }, 50, 2), 50);
  assert.equal(compactIndexAfter({ snapshotCount: 10, catchUpEntries: 60 }, 50, 2), 0);
  assert.equal(compactIndexAfter({ snapshotCount: 10, catchUpEntries: 4 }, 50, 47), 0);
});

Deno.test("snapshot policy: negative or fractional settings are refused", () => {
  assert.throws(() => validateSnapshotPolicy({ snapshotCount: -1, catchUpEntries: 0 }), RangeError);
  assert.throws(
    () => validateSnapshotPolicy({ snapshotCount: 5, catchUpEntries: 1.5 }),
    /catchUpEntries/,
  );
  assert.deepEqual(validateSnapshotPolicy(DEFAULT_SNAPSHOT_POLICY), DEFAULT_SNAPSHOT_POLICY);
});
