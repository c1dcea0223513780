/**
 * Random and garbled bodies thrown at every route through
 * {@linkcode createHandler}: the gateway must never answer 5xx, never
 * throw, and every error body must be etcd's `{error,message,code}` shape.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { createHandler } from "../../src/api/mod.ts";
import { FakeService, post, zeroAnswer } from "./fake_service.ts";
import { RECORDED_CALLS } from "./recorded_calls.ts";
import { RECORDED_INPUTS } from "./recorded_inputs.ts";
import { RECORDED_MEMBER_CALLS, RECORDED_MEMBER_INPUTS } from "./recorded_member_calls.ts";

const PATHS = [
  "/v3/kv/range",
  "/v3/kv/put",
  "/v3/kv/deleterange",
  "/v3/kv/txn",
  "/v3/kv/compaction",
  "/v3/maintenance/status",
  "/v3/maintenance/hash",
  "/v3/maintenance/alarm",
  "/v3/maintenance/defragment",
  "/v3/cluster/member/list",
  "/v3/cluster/member/add",
  "/v3/cluster/member/remove",
  "/v3/cluster/member/update",
  "/v3/cluster/member/promote",
  "/v3beta/kv/range",
];

/** Bodies seen by etcd, to garble. */
const SEEDS = [
  ...RECORDED_CALLS.map((call) => call.request),
  ...RECORDED_INPUTS.map((i) => i.request),
  ...RECORDED_MEMBER_CALLS.map((call) => call.request),
  ...RECORDED_MEMBER_INPUTS.map((i) => i.request),
];

const TOKENS = [
  '"',
  "{",
  "}",
  "[",
  "]",
  ":",
  ",",
  "null",
  "true",
  "-",
  "0",
  "1e",
  "\\",
  "\\u",
  "=",
  "\n",
];

/** A recorded body with a few random edits (insert, delete, replace). */
const garbled = fc.tuple(
  fc.constantFrom(...SEEDS),
  fc.array(
    fc.tuple(
      fc.nat(),
      fc.nat(3),
      fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 3 })),
    ),
    { minLength: 1, maxLength: 4 },
  ),
).map(([seed, edits]) => {
  let text = seed;
  for (const [at, remove, insert] of edits) {
    const i = text.length === 0 ? 0 : at % (text.length + 1);
    text = text.slice(0, i) + insert + text.slice(i + remove);
  }
  return text;
});

/** JSON-ish bodies built from field names etcd knows, with values of any type. */
const NAMES = [
  "key",
  "range_end",
  "limit",
  "revision",
  "sort_order",
  "sortTarget",
  "value",
  "lease",
  "prev_kv",
  "compare",
  "success",
  "failure",
  "request_put",
  "request_range",
  "request_txn",
  "target",
  "result",
  "version",
  "mod_revision",
  "physical",
  "action",
  "memberID",
  "ID",
  "peerURLs",
  "isLearner",
];
const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(
      "null",
      "true",
      "0",
      "-1",
      '"Zm9v"',
      '"DESCEND"',
      '"9223372036854775808"',
      "1.5",
    ),
    fc.json(),
    fc.array(tie("value"), { maxLength: 3 }).map((items) => `[${items.join(",")}]`),
    fc.dictionary(fc.constantFrom(...NAMES), tie("value"), { maxKeys: 4 }).map((object) =>
      "{" + Object.entries(object).map(([k, v]) => JSON.stringify(k) + ":" + v).join(",") + "}"
    ),
  ),
})).value;

const bodies = fc.oneof(
  garbled,
  valueText,
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => new TextDecoder().decode(bytes)),
);

Deno.test("fuzz: random bodies on every route: no 5xx, no throw, etcd-shaped errors", async () => {
  const errors: unknown[] = [];
  const service = new FakeService();
  service.answer = zeroAnswer;
  const handler = createHandler(service, { onError: (error) => errors.push(error) });
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...PATHS), bodies, async (path, body) => {
      const response = await handler(post(path, body));
      const text = await response.text();
      assert.ok(response.status < 500, `${response.status} ${text}`);
      if (response.status !== 200) {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        assert.deepEqual(Object.keys(parsed), ["error", "message", "code"]);
        assert.equal(parsed.error, parsed.message);
        assert.equal(typeof parsed.error, "string");
        assert.equal(typeof parsed.code, "number");
      }
    }),
    { seed: 20261123, numRuns: 3000 },
  );
  assert.deepEqual(errors, []);
});
