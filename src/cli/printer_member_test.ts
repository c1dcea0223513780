// What etcdctl 3.4.23 printed for member add, remove, update and promote in
// each -w format, recorded against etcd 3.4.23 (cluster 639251452477487419 =
// 8df13cf2312b93b, members m1, m2, m3 answering from m1).
import assert from "node:assert/strict";
import type { Member, ResponseHeader } from "../proto/rpc.ts";
import { capture } from "./_test_fixtures.ts";
import { CtlExit } from "./exit.ts";
import { newPrinter } from "./display.ts";
import type { Printer } from "./printer.ts";

const HEADER: ResponseHeader = {
  clusterId: 639251452477487419n,
  memberId: 7483549097294873886n,
  revision: 0,
  raftTerm: 2,
};

/** Member `n` of the recording: peer port 5n380, client port 5n379 once started. */
function member(id: bigint, name: string, n: number, isLearner = false): Member {
  return {
    id,
    name,
    peerUrls: [`http://127.0.0.1:5${n}380`],
    clientUrls: name !== "" ? [`http://127.0.0.1:5${n}379`] : [],
    isLearner,
  };
}

const M1 = member(7483549097294873886n, "m1", 1);
const M3 = member(12878439331375849242n, "m3", 3);
const M2 = member(14170069394354339642n, "m2", 2);
const J1 = member(4207567904081624248n, "", 4);
const LEARNER = member(9660866387560925883n, "", 4, true);

const J = '"cluster_id":639251452477487419,"member_id":7483549097294873886,"raft_term":2';
const M1_JSON =
  '{"ID":7483549097294873886,"name":"m1","peerURLs":["http://127.0.0.1:51380"],"clientURLs":["http://127.0.0.1:51379"]}';
const M3_JSON =
  '{"ID":12878439331375849242,"name":"m3","peerURLs":["http://127.0.0.1:53380"],"clientURLs":["http://127.0.0.1:53379"]}';
const M2_JSON =
  '{"ID":14170069394354339642,"name":"m2","peerURLs":["http://127.0.0.1:52380"],"clientURLs":["http://127.0.0.1:52379"]}';

function print(format: string, run: (p: Printer) => void) {
  const c = capture();
  const printer = newPrinter(format, false, c.output)!;
  let exit: CtlExit | null = null;
  try {
    run(printer);
  } catch (e) {
    if (!(e instanceof CtlExit)) throw e;
    exit = e;
  }
  const hex = [...c.stdoutBytes()].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { stdout: c.stdout(), hex, exit: exit && { code: exit.code, stderr: exit.stderr } };
}

Deno.test("member printers: simple", () => {
  const add = print("simple", (p) => p.memberAdd({ header: HEADER, member: J1, members: [] }));
  assert.equal(add.stdout, "Member 3a6448b7531ebcb8 added to cluster  8df13cf2312b93b\n");
  // etcdctl 3.4.23 says nothing of a learner here.
  const learner = print(
    "simple",
    (p) => p.memberAdd({ header: HEADER, member: LEARNER, members: [] }),
  );
  assert.equal(learner.stdout, "Member 86124acb45148abb added to cluster  8df13cf2312b93b\n");
  const resp = { header: HEADER, members: [M1, M3, M2] };
  assert.equal(
    print("simple", (p) => p.memberRemove(0x22e619ac4fbee9bbn, resp)).stdout,
    "Member 22e619ac4fbee9bb removed from cluster  8df13cf2312b93b\n",
  );
  assert.equal(
    print("simple", (p) => p.memberUpdate(0x67dae8412374c51en, resp)).stdout,
    "Member 67dae8412374c51e updated in cluster  8df13cf2312b93b\n",
  );
  assert.equal(
    print("simple", (p) => p.memberPromote(0xfcd38c632291a7e9n, resp)).stdout,
    "Member fcd38c632291a7e9 promoted in cluster  8df13cf2312b93b\n",
  );
  // Go's %16x pads with spaces.
  assert.equal(
    print("simple", (p) => p.memberRemove(0x12n, resp)).stdout,
    "Member               12 removed from cluster  8df13cf2312b93b\n",
  );
});

Deno.test("member printers: json", () => {
  const j1 = '{"ID":4207567904081624248,"peerURLs":["http://127.0.0.1:54380"]}';
  const add = print(
    "json",
    (p) => p.memberAdd({ header: HEADER, member: J1, members: [J1, M1, M3, M2] }),
  );
  assert.equal(
    add.stdout,
    `{"header":{${J}},"member":${j1},"members":[${j1},${M1_JSON},${M3_JSON},${M2_JSON}]}\n`,
  );
  const l = '{"ID":9660866387560925883,"peerURLs":["http://127.0.0.1:54380"],"isLearner":true}';
  const learner = print(
    "json",
    (p) => p.memberAdd({ header: HEADER, member: LEARNER, members: [M1, LEARNER, M3, M2] }),
  );
  assert.equal(
    learner.stdout,
    `{"header":{${J}},"member":${l},"members":[${M1_JSON},${l},${M3_JSON},${M2_JSON}]}\n`,
  );
  const removed = print(
    "json",
    (p) => p.memberRemove(J1.id, { header: HEADER, members: [M1, M3, M2] }),
  );
  assert.equal(removed.stdout, `{"header":{${J}},"members":[${M1_JSON},${M3_JSON},${M2_JSON}]}\n`);
  const updated = print(
    "json",
    (p) => p.memberUpdate(M1.id, { header: HEADER, members: [M1, LEARNER, M3, M2] }),
  );
  assert.equal(
    updated.stdout,
    `{"header":{${J}},"members":[${M1_JSON},${l},${M3_JSON},${M2_JSON}]}\n`,
  );
});

const HDR_PB = "0a1608bbf2ca98f2f9c4ef08109e8ad39b9288baed672002";
const URL_54380 = "1a16687474703a2f2f3132372e302e302e313a3534333830";
const M1_PB =
  "089e8ad39b9288baed6712026d311a16687474703a2f2f3132372e302e302e313a35313338302216687474703a2f2f3132372e302e302e313a3531333739";
const M3_PB =
  "089abecec0ec8adadcb20112026d331a16687474703a2f2f3132372e302e302e313a35333338302216687474703a2f2f3132372e302e302e313a3533333739";
const M2_PB =
  "08bafeffa89be18cd3c40112026d321a16687474703a2f2f3132372e302e302e313a35323338302216687474703a2f2f3132372e302e302e313a3532333739";

Deno.test("member printers: protobuf", () => {
  const p1 = member(4801067998285862758n, "", 4);
  const p1Pb = "08e6aecca284bdb4d042" + URL_54380;
  const add = print(
    "protobuf",
    (p) => p.memberAdd({ header: HEADER, member: p1, members: [p1, M1, M3, M2] }),
  );
  assert.equal(
    add.hex,
    HDR_PB + "1222" + p1Pb + "1a22" + p1Pb + "1a3e" + M1_PB + "1a3f" + M3_PB + "1a3f" + M2_PB,
  );
  const removed = print(
    "protobuf",
    (p) => p.memberRemove(p1.id, { header: HEADER, members: [M1, M3, M2] }),
  );
  assert.equal(removed.hex, HDR_PB + "123e" + M1_PB + "123f" + M3_PB + "123f" + M2_PB);
  const updated = print(
    "protobuf",
    (p) => p.memberUpdate(M1.id, { header: HEADER, members: [M1, LEARNER, M3, M2] }),
  );
  const learnerPb = "08bb95d2a8b4d992898601" + URL_54380 + "2801";
  assert.equal(
    updated.hex,
    HDR_PB + "123e" + M1_PB + "1225" + learnerPb + "123f" + M3_PB + "123f" + M2_PB,
  );
});

Deno.test("member printers: fields and table do not print the changes (exit 4)", () => {
  const resp = { header: HEADER, members: [M1] };
  for (const format of ["fields", "table"]) {
    const stderr = `Error: ${format} not supported as output format\n`;
    const expected = { stdout: "", hex: "", exit: { code: 4, stderr } };
    assert.deepEqual(print(format, (p) => p.memberAdd({ ...resp, member: J1 })), expected);
    assert.deepEqual(print(format, (p) => p.memberRemove(1n, resp)), expected);
    assert.deepEqual(print(format, (p) => p.memberUpdate(1n, resp)), expected);
  }
});

Deno.test("member printers: promote panics in every format but simple, as etcdctl does", () => {
  const stderr = "panic: runtime error: invalid memory address or nil pointer dereference\n" +
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x78 pc=0xbab2ee]\n";
  for (const format of ["json", "fields", "table", "protobuf"]) {
    const run = print(format, (p) => p.memberPromote(1n, { header: HEADER, members: [M1] }));
    assert.deepEqual(run, { stdout: "", hex: "", exit: { code: 2, stderr } }, format);
  }
});
