/**
 * `txn [-i]`: reads compares, success requests and failure requests from
 * standard input, each section ending with an empty line (with prompts in
 * interactive mode), commits them as one transaction and prints
 * SUCCESS/FAILURE and each response.
 *
 * Each request line is parsed as etcdctl does it: as a `put`, `get` or `del`
 * command line run through the same flag parser, whose run function keeps
 * the request instead of sending it.
 *
 * @module
 */

import type { Compare, RequestOp } from "../proto/rpc.ts";
import { delCommand, delOp } from "./del.ts";
import { dispatch } from "./dispatch.ts";
import { CtlExit, ExitCode, exitWithError } from "./exit.ts";
import { getCommand, getOp } from "./get.ts";
import { cobraUsage } from "./help.ts";
import { putCommand, putOp } from "./put.ts";
import { type CtlCommand, type CtlInvocation, must, type Session } from "./session.ts";
import { argify, goTrimSpace, parseCompare } from "./txn_grammar.ts";

/** The next non-empty section line, or `null` at the empty line ending the section. */
async function readSectionLine(session: Session): Promise<string | null> {
  const { text, eof } = await session.stdin.readLine();
  if (eof) throw exitWithError(ExitCode.invalidInput, "EOF");
  const line = goTrimSpace(text);
  return line.length === 0 ? null : line;
}

async function readCompares(session: Session): Promise<Compare[]> {
  const compares: Compare[] = [];
  for (let line = await readSectionLine(session); line !== null;) {
    compares.push(parseCompare(line));
    line = await readSectionLine(session);
  }
  return compares;
}

/** The txn request parser's command tree: put, get and del that keep their request. */
function requestTree(keep: (op: RequestOp) => void): CtlCommand {
  const noStdin = () => Promise.resolve(new Uint8Array(0));
  return {
    name: "",
    use: "",
    short: "",
    subcommands: [
      putCommand(async (inv) => keep({ requestPut: await putOp(inv.flags, inv.args, noStdin) })),
      getCommand((inv) => Promise.resolve(keep({ requestRange: getOp(inv.flags, inv.args) }))),
      delCommand((inv) =>
        Promise.resolve(keep({ requestDeleteRange: delOp(inv.flags, inv.args) }))
      ),
    ],
  };
}

/** etcdctl's `parseRequestUnion`: one request line. */
export async function parseRequest(session: Session, line: string): Promise<RequestOp> {
  const args = argify(line);
  if (args.length < 2) {
    throw exitWithError(ExitCode.invalidInput, `invalid txn compare request: ${line}`);
  }
  let op: RequestOp | null = null;
  const outcome = await dispatch(requestTree((kept) => (op = kept)), args, session);
  if (outcome.kind === "flagError" && outcome.path.length > 1) {
    session.output.err(cobraUsage(outcome.path) + "\n");
  }
  if (outcome.kind === "help") {
    const cmd = outcome.path[outcome.path.length - 1]!;
    const about = (cmd.long ?? cmd.short).replace(/\s+$/, "");
    session.output.out(`${about}\n\n${cobraUsage(outcome.path)}`);
    throw new CtlExit(2, "fatal error: all goroutines are asleep - deadlock!\n");
  }
  if (op === null) throw exitWithError(ExitCode.invalidInput, `invalid txn request: ${line}`);
  return op;
}

async function readRequests(session: Session): Promise<RequestOp[]> {
  const ops: RequestOp[] = [];
  for (let line = await readSectionLine(session); line !== null;) {
    ops.push(await parseRequest(session, line));
    line = await readSectionLine(session);
  }
  return ops;
}

async function runTxn(inv: CtlInvocation): Promise<void> {
  if (inv.args.length !== 0) {
    throw exitWithError(ExitCode.badArgs, "txn command does not accept argument");
  }
  const session = inv.session;
  const client = await session.client(inv);
  const prompt = (text: string) => {
    if (!inv.flags.bool("interactive")) return;
    session.output.out(text + "\n");
    session.output.flush();
  };
  prompt("compares:");
  const compare = await readCompares(session);
  prompt("success requests (get, put, del):");
  const success = await readRequests(session);
  prompt("failure requests (get, put, del):");
  const failure = await readRequests(session);
  session.display.txn(await must(client.txn({ compare, success, failure })));
}

/** The `txn` command. */
export function txnCommand(): CtlCommand {
  return {
    name: "txn",
    use: "txn [options]",
    short: "Txn processes all the requests in one transaction",
    flags: [{
      name: "interactive",
      shorthand: "i",
      type: "bool",
      defValue: "false",
      usage: "Input transaction in interactive mode",
    }],
    run: runTxn,
  };
}
