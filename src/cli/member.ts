/**
 * The `member` commands: `list`, `add` (member_add.ts), `remove`, `update`
 * and `promote`, with etcdctl 3.4's argument checks, messages and exit
 * codes (member_args.ts has the checks).
 *
 * @module
 */

import { memberAddCommand } from "./member_add.ts";
import { memberIdArg, peerUrlsFlag, peerUrlsSpec } from "./member_args.ts";
import { type CtlCommand, type CtlInvocation, must } from "./session.ts";

async function runMemberList(inv: CtlInvocation): Promise<void> {
  const client = await inv.session.client(inv);
  inv.session.display.memberList(await must(client.memberList()));
}

async function runMemberRemove(inv: CtlInvocation): Promise<void> {
  const id = memberIdArg(inv.args);
  const client = await inv.session.client(inv);
  inv.session.display.memberRemove(id, await must(client.memberRemove(id)));
}

async function runMemberUpdate(inv: CtlInvocation): Promise<void> {
  const id = memberIdArg(inv.args);
  const urls = peerUrlsFlag(inv);
  const client = await inv.session.client(inv);
  inv.session.display.memberUpdate(id, await must(client.memberUpdate(id, urls)));
}

async function runMemberPromote(inv: CtlInvocation): Promise<void> {
  const id = memberIdArg(inv.args);
  const client = await inv.session.client(inv);
  inv.session.display.memberPromote(id, await must(client.memberPromote(id)));
}

/** The `member` command group. */
export function memberCommand(): CtlCommand {
  return {
    name: "member",
    use: "member <subcommand>",
    short: "Membership related commands",
    subcommands: [
      memberAddCommand(),
      {
        name: "remove",
        use: "remove <memberID>",
        short: "Removes a member from the cluster",
        run: runMemberRemove,
      },
      {
        name: "update",
        use: "update <memberID> [options]",
        short: "Updates a member in the cluster",
        flags: [peerUrlsSpec("comma separated peer URLs for the updated member.")],
        run: runMemberUpdate,
      },
      memberListCommand(),
      {
        name: "promote",
        use: "promote <memberID>",
        short: "Promotes a non-voting member in the cluster",
        long: "Promotes a non-voting learner member to a voting one in the cluster.\n",
        run: runMemberPromote,
      },
    ],
  };
}

function memberListCommand(): CtlCommand {
  return {
    name: "list",
    use: "list",
    short: "Lists all members in the cluster",
    long:
      `When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.
The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.
`,
    run: runMemberList,
  };
}
