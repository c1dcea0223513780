/**
 * Stable, compact text for messages and entries, for traces and test output.
 *
 * @module
 */

import type { Entry, Message } from "./types.ts";

function describeData(data: Uint8Array): string {
  if (data.byteLength === 0) return "";
  let text = "";
  for (const byte of data.subarray(0, 16)) text += byte.toString(16).padStart(2, "0");
  return data.byteLength > 16 ? `${text}…(${data.byteLength}B)` : text;
}

/** `term/index` plus the type and data of an entry. */
export function describeEntry(entry: Entry): string {
  const kind = entry.type === "confChange" ? " cc" : "";
  const data = describeData(entry.data);
  return `${entry.term}/${entry.index}${kind}${data === "" ? "" : ` ${data}`}`;
}

/** One line per message: `from->to Type Term:T Log:t/i Commit:c ...`. */
export function describeMessage(m: Message): string {
  let text = `${m.from}->${m.to} ${m.type} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) text += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) text += ` Commit:${m.commit}`;
  if (m.entries.length > 0) text += ` Entries:[${m.entries.map(describeEntry).join(", ")}]`;
  if (m.snapshot !== null) {
    const { index, term, confState } = m.snapshot.metadata;
    text += ` Snapshot: Index:${index} Term:${term} Voters:[${confState.voters.join(" ")}]`;
    if (confState.learners.length > 0) text += ` Learners:[${confState.learners.join(" ")}]`;
  }
  if (m.context.byteLength > 0) text += ` Context:${describeData(m.context)}`;
  return text;
}
