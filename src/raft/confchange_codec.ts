/**
 * The bytes of a membership change inside a "confChange" log entry.
 * Layout (big-endian): version u8 = 1, transition u8, change count u16,
 * per change: type u8 and node id u64, then context length u32 and bytes.
 * Empty bytes decode to the empty change, which leaves a joint configuration.
 *
 * @module
 */

import type {
  ConfChange,
  ConfChangeSingle,
  ConfChangeTransition,
  ConfChangeType,
} from "./types.ts";

const VERSION = 1;
const TRANSITIONS: readonly ConfChangeTransition[] = ["auto", "jointImplicit", "jointExplicit"];
const TYPES: readonly ConfChangeType[] = ["addNode", "removeNode", "addLearnerNode"];
const CHANGES_MAX = 0xffff;

/** Malformed conf change bytes. */
export class ConfChangeDecodeError extends SyntaxError {
  override name = "ConfChangeDecodeError";
}

/** Encodes a membership change. */
export function encodeConfChange(change: ConfChange): Uint8Array {
  if (change.changes.length > CHANGES_MAX) {
    throw new RangeError(`Cannot encode conf change: more than ${CHANGES_MAX} changes`);
  }
  const size = 4 + change.changes.length * 9 + 4 + change.context.byteLength;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, TRANSITIONS.indexOf(change.transition));
  view.setUint16(2, change.changes.length);
  let offset = 4;
  for (const single of change.changes) {
    view.setUint8(offset, TYPES.indexOf(single.type));
    view.setBigUint64(offset + 1, BigInt.asUintN(64, single.nodeId));
    offset += 9;
  }
  view.setUint32(offset, change.context.byteLength);
  bytes.set(change.context, offset + 4);
  return bytes;
}

/** Decodes a membership change; throws ConfChangeDecodeError on malformed bytes. */
export function decodeConfChange(bytes: Uint8Array): ConfChange {
  if (bytes.byteLength === 0) {
    return { transition: "auto", changes: [], context: new Uint8Array(0) };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new ConfChangeDecodeError(`Cannot decode conf change: ${why}`);
  };
  if (bytes.byteLength < 8) fail("too short");
  if (view.getUint8(0) !== VERSION) fail(`unknown version ${view.getUint8(0)}`);
  const transition = TRANSITIONS[view.getUint8(1)] ?? fail("unknown transition");
  const count = view.getUint16(2);
  if (bytes.byteLength < 8 + count * 9) fail("truncated changes");
  const changes: ConfChangeSingle[] = [];
  let offset = 4;
  for (let i = 0; i < count; i++) {
    const type = TYPES[view.getUint8(offset)] ?? fail("unknown change type");
    changes.push({ type, nodeId: view.getBigUint64(offset + 1) });
    offset += 9;
  }
  const contextLength = view.getUint32(offset);
  if (bytes.byteLength !== offset + 4 + contextLength) fail("bad context length");
  return { transition, changes, context: bytes.slice(offset + 4) };
}
