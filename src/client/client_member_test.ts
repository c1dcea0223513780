// The membership calls of the client, over a fake `fetch` answering with
// bodies etcd 3.4.23's gateway sent (tests/compat/recorded_member_calls.ts).
import assert from "node:assert/strict";
import { EtcdError, GrpcCode } from "../proto/errors.ts";
import { EtcdClient } from "./client.ts";
import { PeerUrlError } from "./peer_urls.ts";

const H = '{"cluster_id":"639251452477487419","member_id":"7483549097294873886","raft_term":"2"}';
const M1 =
  '{"ID":"7483549097294873886","name":"m1","peerURLs":["http://127.0.0.1:51380"],"clientURLs":["http://127.0.0.1:51379"]}';
const NEW = '{"ID":"4890429767981330737","peerURLs":["http://127.0.0.1:54380"]}';

interface Sent {
  readonly url: string;
  readonly body: string;
}

/** A fetch that records each request and answers with `answer(url)`. */
function fakeFetch(answer: (url: string) => Response | Promise<Response>): {
  fetch: typeof fetch;
  sent: Sent[];
} {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = String(input);
    sent.push({ url, body: String(init?.body ?? "") });
    return await answer(url);
  };
  return { fetch, sent };
}

function json(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "application/json" } });
}

Deno.test("client: member add sends the URLs as given and decodes the new member", async () => {
  const { fetch, sent } = fakeFetch(() =>
    json(`{"header":${H},"member":${NEW},"members":[${NEW},${M1}]}`)
  );
  const client = new EtcdClient({ endpoints: ["127.0.0.1:2379"], fetch });
  const resp = await client.memberAdd([" http://127.0.0.1:54380"]);
  assert.equal(resp.member?.id, 4890429767981330737n);
  assert.equal(resp.members.length, 2);
  assert.equal(resp.header.memberId, 7483549097294873886n);
  await client.memberAdd(["http://127.0.0.1:54380"], true);
  assert.deepEqual(sent, [
    {
      url: "http://127.0.0.1:2379/v3/cluster/member/add",
      body: '{"peerURLs":[" http://127.0.0.1:54380"]}',
    },
    {
      url: "http://127.0.0.1:2379/v3/cluster/member/add",
      body: '{"peerURLs":["http://127.0.0.1:54380"],"isLearner":true}',
    },
  ]);
});

Deno.test("client: member remove, update and promote send the ID", async () => {
  const { fetch, sent } = fakeFetch(() => json(`{"header":${H},"members":[${M1}]}`));
  const client = new EtcdClient({ endpoints: ["127.0.0.1:2379"], fetch });
  assert.equal((await client.memberRemove(0x43de4bf69f85f131n)).members[0]!.name, "m1");
  await client.memberUpdate(7483549097294873886n, ["http://127.0.0.1:51380"]);
  await client.memberPromote(18446744073709551615n);
  assert.deepEqual(sent.map((s) => [s.url.slice(21), s.body]), [
    ["/v3/cluster/member/remove", '{"ID":"4890429767981330737"}'],
    [
      "/v3/cluster/member/update",
      '{"ID":"7483549097294873886","peerURLs":["http://127.0.0.1:51380"]}',
    ],
    ["/v3/cluster/member/promote", '{"ID":"18446744073709551615"}'],
  ]);
});

Deno.test("client: bad peer URLs are refused before anything is sent", async () => {
  const { fetch, sent } = fakeFetch(() => json("{}"));
  const client = new EtcdClient({ endpoints: ["127.0.0.1:2379"], fetch });
  await assert.rejects(client.memberAdd(["foo"]), {
    name: "PeerUrlError",
    message: "URL scheme must be http, https, unix, or unixs: foo",
  });
  await assert.rejects(
    client.memberUpdate(1n, ["http://a:1", ""]),
    (e: unknown) =>
      e instanceof PeerUrlError && e.message === "URL scheme must be http, https, unix, or unixs: ",
  );
  await assert.rejects(client.memberAdd([]), { message: "no valid URLs given" });
  assert.equal(sent.length, 0);
});

Deno.test("client: a membership change is never sent twice", async () => {
  // The first member breaks the connection after the request went out; the
  // second would answer. A write's outcome is then unknown: no resend.
  const { fetch, sent } = fakeFetch((url) => {
    if (url.includes(":2379")) {
      return Promise.reject(new TypeError("error sending request: connection reset"));
    }
    return json(`{"header":${H},"members":[]}`);
  });
  const client = new EtcdClient({ endpoints: ["127.0.0.1:2379", "127.0.0.1:22379"], fetch });
  for (const call of [() => client.memberRemove(1n), () => client.memberPromote(1n)]) {
    await assert.rejects(call(), (e: unknown) => e instanceof EtcdError);
  }
  await assert.rejects(client.memberAdd(["http://a:1"]), { message: "transport is closing" });
  await assert.rejects(client.memberUpdate(1n, ["http://a:1"]), { code: GrpcCode.Unavailable });
  assert.equal(sent.filter((s) => s.url.includes(":22379")).length, 0);
  assert.equal(sent.length, 4);
});

Deno.test("client: a membership change answered Unavailable is not retried elsewhere", async () => {
  const message = "etcdserver: unhealthy cluster";
  const { fetch, sent } = fakeFetch(() =>
    json(JSON.stringify({ error: message, message, code: 14 }), 503)
  );
  const client = new EtcdClient({ endpoints: ["127.0.0.1:2379", "127.0.0.1:22379"], fetch });
  await assert.rejects(client.memberAdd(["http://127.0.0.1:55380"]), {
    message,
    code: GrpcCode.Unavailable,
  });
  assert.equal(sent.length, 1);
});
