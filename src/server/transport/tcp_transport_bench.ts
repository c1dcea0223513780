/**
 * Throughput of the TCP transport between two members in one process:
 * MsgApp messages with one 256-byte entry, sent in batches of `BATCH` (as a
 * Ready loop would), at most `WINDOW` unacknowledged. Prints msgs/s.
 *
 * `deno run -A src/server/transport/tcp_transport_bench.ts [messages]`
 *
 * @module
 */

import type { Message, NodeId } from "../../raft/types.ts";
import { createLogger } from "../logger.ts";
import { TcpTransport } from "./tcp_transport.ts";
import type { PeerTransportHandler } from "./transport.ts";

const BATCH = 256;
const WINDOW = 3072;
const A: NodeId = 1n;
const B: NodeId = 2n;

function counter(): PeerTransportHandler & { received: number; unreachable: number } {
  return {
    received: 0,
    unreachable: 0,
    onMessage() {
      this.received++;
    },
    onUnreachable() {
      this.unreachable++;
    },
    onSnapshotStatus() {},
  };
}

function append(index: number): Message {
  return {
    type: "MsgApp",
    to: B,
    from: A,
    term: 2,
    logTerm: 2,
    index: index - 1,
    commit: index - 1,
    entries: [{ term: 2, index, type: "normal", data: new Uint8Array(256).fill(index & 0xff) }],
    snapshot: null,
    reject: false,
    rejectHint: 0,
    context: new Uint8Array(0),
  };
}

/** Sends `total` appends from A to B; resolves with messages per second. */
export async function measureThroughput(total: number): Promise<number> {
  const logger = createLogger({ level: "error" });
  const ha = counter();
  const hb = counter();
  const options = { clusterId: 9n, listenUrls: ["http://127.0.0.1:0"], logger };
  const a = new TcpTransport({ ...options, memberId: A, handler: ha });
  const b = new TcpTransport({ ...options, memberId: B, handler: hb });
  try {
    a.addPeer(B, b.listenUrls);
    b.addPeer(A, a.listenUrls);
    const batch = Array.from({ length: BATCH }, (_, i) => append(i + 1));
    const started = performance.now();
    let sent = 0;
    while (sent < total) {
      if (sent - hb.received > WINDOW) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        continue;
      }
      a.send(batch);
      sent += batch.length;
      await Promise.resolve();
    }
    while (hb.received < sent && ha.unreachable === 0) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    if (ha.unreachable > 0) throw new Error(`dropped messages (${ha.unreachable} reports)`);
    return hb.received / ((performance.now() - started) / 1000);
  } finally {
    await a.stop();
    await b.stop();
  }
}

if (import.meta.main) {
  const total = Number(Deno.args[0] ?? 1_000_000);
  await measureThroughput(50_000); // warm up
  const perSecond = await measureThroughput(total);
  console.log(
    `${Math.round(perSecond).toLocaleString("en")} msgs/s (256-byte MsgApp, ${total} messages)`,
  );
}
