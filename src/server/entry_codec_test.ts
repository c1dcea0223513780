import assert from "node:assert/strict";
import { Packr } from "msgpackr";
import {
  decodeConfChangeContext,
  decodeRequest,
  encodeConfChangeContext,
  encodeRequest,
  EntryDecodeError,
  type InternalRequest,
} from "./entry_codec.ts";

const encoder = new TextEncoder();
const packr = new Packr(
  { useRecords: false, int64AsType: "bigint" } as ConstructorParameters<typeof Packr>[0],
);

function put(overrides: Partial<Extract<InternalRequest, { kind: "put" }>["request"]> = {}) {
  return {
    kind: "put" as const,
    id: "5f3a.17",
    request: {
      key: encoder.encode("foo"),
      value: encoder.encode("bar"),
      lease: 0n,
      prevKv: false,
      ignoreValue: false,
      ignoreLease: false,
      ...overrides,
    },
  };
}

Deno.test("entry codec: puts round-trip as positional arrays, every flag and lease", () => {
  const cases = [
    put(),
    put({ prevKv: true }),
    put({ ignoreValue: true, value: new Uint8Array(0) }),
    put({ ignoreLease: true, prevKv: true }),
    put({ lease: 7587862212456425989n }),
    put({ lease: -1n }),
    put({ lease: 123n, key: new Uint8Array([0, 255, 1]), value: new Uint8Array(300).fill(9) }),
  ];
  for (const request of cases) {
    const data = encodeRequest(request);
    assert.ok(Array.isArray(packr.unpack(data)), "a put is an array");
    const decoded = decodeRequest(data);
    assert.deepEqual(decoded, request);
    const { key, value } = (decoded as typeof request).request;
    assert.equal(key.constructor, Uint8Array, "plain Uint8Array, not msgpackr's Buffer");
    assert.equal(value.constructor, Uint8Array);
  }
});

Deno.test("entry codec: a put written as a map (earlier versions' WAL) still decodes", () => {
  const request = put({ lease: 42n, prevKv: true });
  const decoded = decodeRequest(packr.pack(request));
  assert.deepEqual(decoded, request);
});

Deno.test("entry codec: other kinds round-trip as maps", () => {
  const requests: InternalRequest[] = [
    {
      kind: "deleteRange",
      id: "a.1",
      request: { key: encoder.encode("a"), rangeEnd: encoder.encode("b"), prevKv: true },
    },
    { kind: "compaction", id: "a.2", request: { revision: 10, physical: false } },
    { kind: "leaseGrant", id: "a.3", leaseId: 99n, ttl: 60 },
    { kind: "leaseRevoke", id: "a.4", leaseId: 99n },
    {
      kind: "memberAttributes",
      id: "a.5",
      memberId: 12345678901234567890n,
      name: "m1",
      clientUrls: ["http://127.0.0.1:2379"],
    },
  ];
  for (const request of requests) {
    const data = encodeRequest(request);
    assert.ok(!Array.isArray(packr.unpack(data)));
    assert.deepEqual(decodeRequest(data), request);
  }
});

Deno.test("entry codec: malformed positional puts are EntryDecodeErrors", () => {
  const key = encoder.encode("k");
  const bad: unknown[][] = [
    [],
    [2, "id", key, key, 0n, 0], // unknown code
    [1, "id", key, key, 0n], // too short
    [1, "id", key, key, 0n, 0, "extra"],
    [1, 5, key, key, 0n, 0], // id not a string
    [1, "id", "k", key, 0n, 0], // key not bytes
    [1, "id", key, null, 0n, 0],
    [1, "id", key, key, "0", 0], // lease not an integer
    [1, "id", key, key, 1.5, 0],
    [1, "id", key, key, 0n, 8], // unknown flag
    [1, "id", key, key, 0n, "0"],
  ];
  for (const fields of bad) {
    assert.throws(
      () => decodeRequest(packr.pack(fields)),
      EntryDecodeError,
      JSON.stringify(fields.map(String)),
    );
  }
  assert.throws(() => decodeRequest(new Uint8Array([0xc1])), EntryDecodeError);
  assert.throws(() => decodeRequest(packr.pack({ kind: "nope", id: "x" })), EntryDecodeError);
});

Deno.test("entry codec: a small lease id packed as a number decodes as a bigint", () => {
  const decoded = decodeRequest(
    packr.pack([1, "id", encoder.encode("k"), encoder.encode("v"), 5, 1]),
  );
  assert.equal((decoded as ReturnType<typeof put>).request.lease, 5n);
  assert.equal((decoded as ReturnType<typeof put>).request.prevKv, true);
});

Deno.test("entry codec: conf change contexts round-trip", () => {
  const context = {
    id: "b.9",
    member: {
      id: 77n,
      name: "m4",
      peerUrls: ["http://127.0.0.1:2380"],
      clientUrls: [],
      isLearner: true,
    },
  };
  assert.deepEqual(decodeConfChangeContext(encodeConfChangeContext(context)), context);
  assert.deepEqual(decodeConfChangeContext(new Uint8Array(0)), { id: "", member: null });
});
