/**
 * `member add <name> --peer-urls=… [--learner]` as etcdctl 3.4 runs it: the
 * add, its result in the `-w` format, and with the simple format the
 * environment for starting the new member:
 *
 * ```
 * Member 22e619ac4fbee9bb added to cluster  8df13cf2312b93b
 *
 * ETCD_NAME="new1"
 * ETCD_INITIAL_CLUSTER="new1=http://127.0.0.1:54380,m1=http://127.0.0.1:51380"
 * ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:54380"
 * ETCD_INITIAL_CLUSTER_STATE="existing"
 * ```
 *
 * `ETCD_INITIAL_CLUSTER` comes from a member list read after the add (the
 * new member under the given name, since it has none yet), from the member
 * that answered the add: when another member answers the list, etcdctl
 * makes a linearizable get of `_` to learn who answers and lists again.
 * `ETCD_INITIAL_ADVERTISE_PEER_URLS` is `--peer-urls` as typed.
 *
 * @module
 */

import type { EtcdClient } from "../client/mod.ts";
import type { MemberListResponse } from "../proto/rpc.ts";
import { rangeRequest } from "../proto/rpc.ts";
import { utf8Encode } from "../util/bytes.ts";
import { goQuote } from "../util/go_strconv.ts";
import { ExitCode, exitWithError } from "./exit.ts";
import { memberNameArg, peerUrlsFlag, peerUrlsSpec } from "./member_args.ts";
import { SimplePrinter } from "./printer_simple.ts";
import { type CtlCommand, type CtlInvocation, must } from "./session.ts";

/** The member list as the member `memberId` has it (etcdctl's loop after the add). */
async function listFrom(
  client: EtcdClient,
  memberId: bigint,
  timeLeft: () => number,
): Promise<MemberListResponse> {
  let answeredBy = memberId;
  let list = await must(client.memberList({ timeoutMs: timeLeft() }));
  while (list.header.memberId !== answeredBy) {
    try {
      const got = await client.range(rangeRequest({ key: utf8Encode("_") }), {
        timeoutMs: timeLeft(),
      });
      answeredBy = got.header.memberId;
    } catch {
      // etcdctl reports the list call's error here, which is nil.
      throw exitWithError(ExitCode.error, "<nil>");
    }
    list = await must(client.memberList({ timeoutMs: timeLeft() }));
  }
  return list;
}

/** The `ETCD_*` lines etcdctl prints after a simple `member add`. */
export function memberAddEnv(
  name: string,
  newId: bigint,
  list: MemberListResponse,
  peerUrlsText: string,
): string {
  const conf = list.members.flatMap((m) =>
    m.peerUrls.map((url) => `${m.id === newId ? name : m.name}=${url}`)
  );
  return "\n" +
    `ETCD_NAME=${goQuote(name)}\n` +
    `ETCD_INITIAL_CLUSTER=${goQuote(conf.join(","))}\n` +
    `ETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(peerUrlsText)}\n` +
    `ETCD_INITIAL_CLUSTER_STATE="existing"\n`;
}

async function runMemberAdd(inv: CtlInvocation): Promise<void> {
  const name = memberNameArg(inv.args);
  const urls = peerUrlsFlag(inv);
  const session = inv.session;
  const config = await session.config(inv);
  const client = await session.newClient(config);
  const resp = await must(client.memberAdd(urls, inv.flags.bool("learner")));
  session.display.memberAdd(resp);
  if (!(session.display instanceof SimplePrinter)) return;
  const start = session.monotonicMs();
  const timeLeft = () => Math.max(0, config.commandTimeoutMs - (session.monotonicMs() - start));
  const list = await listFrom(client, resp.header.memberId, timeLeft);
  const newId = resp.member?.id ?? 0n;
  session.output.out(memberAddEnv(name, newId, list, inv.flags.string("peer-urls")));
}

/** `member add`. */
export function memberAddCommand(): CtlCommand {
  return {
    name: "add",
    use: "add <memberName> [options]",
    short: "Adds a member into the cluster",
    flags: [
      peerUrlsSpec("comma separated peer URLs for the new member."),
      {
        name: "learner",
        type: "bool",
        defValue: "false",
        usage: "indicates if the new member is raft learner",
      },
    ],
    run: runMemberAdd,
  };
}
