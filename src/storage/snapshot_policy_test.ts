import { strict as assert } from "node:assert";
import {
  compactIndexAfter,
  DEFAULT_SNAPSHOT_POLICY,
  snapshotDue,
  validateSnapshotPolicy,
} from "./snapshot_policy.ts";

Deno.test("snapshot policy: due once more than snapshotCount entries were applied since the last snapshot", () => {
  const policy = { snapshotCount: 3, catchUpEntries: 0 };
  assert.equal(snapshotDue(policy, 13, 10), false);
  assert.equal(snapshotDue(policy, 14, 10), true);
  assert.equal(
    snapshotDue({ snapshotCount: 1, catchUpEntries: 0 }, 3, 1),
    true,
    "small values work",
  );
  assert.equal(snapshotDue({ snapshotCount: 0, catchUpEntries: 0 }, 1e9, 0), false, "0 never");
  assert.equal(snapshotDue(DEFAULT_SNAPSHOT_POLICY, 100_001, 1), false);
  assert.equal(snapshotDue(DEFAULT_SNAPSHOT_POLICY, 100_002, 1), true);
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
