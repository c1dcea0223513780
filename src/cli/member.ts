/**
 * `member list` (the only member command ctl has so far).
 *
 * @module
 */

import { placeholder } from "./placeholders.ts";
import { type CtlCommand, type CtlInvocation, must } from "./session.ts";

async function runMemberList(inv: CtlInvocation): Promise<void> {
  const client = await inv.session.client(inv);
  inv.session.display.memberList(await must(client.memberList()));
}

/** The `member` command group. */
export function memberCommand(): CtlCommand {
  return {
    name: "member",
    use: "member <subcommand>",
    short: "Membership related commands",
    subcommands: [
      placeholder("add", "Adds a member into the cluster"),
      placeholder("remove", "Removes a member from the cluster"),
      placeholder("update", "Updates a member in the cluster"),
      memberListCommand(),
      placeholder("promote", "Promotes a non-voting member in the cluster"),
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
