/**
 * Schema-driven JSON decoding with etcd's gateway semantics (golang/protobuf
 * 1.3 `jsonpb`, unknown fields allowed):
 * - the body's first JSON value is scanned whole first, so a syntax error
 *   anywhere wins over a type error (as `json.Decoder` reads the value
 *   before `jsonpb` looks at it); bytes after that value are ignored;
 * - a field is found by its proto name or its lowerCamel name (camel wins
 *   when both are given; a repeated name: the last one wins); unknown
 *   names are skipped;
 * - fields are decoded in proto declaration order, oneof members after the
 *   other fields, and the first error is thrown;
 * - a oneof message held as `{ member: value }` (RequestOp) with no member
 *   gets its schema's `onEmpty` error, but only once the whole body decoded
 *   without a JSON error (etcd refuses such an op after decoding).
 *
 * @module
 */

import { Errors, type EtcdError } from "./errors.ts";
import {
  decodeBool,
  decodeBytes,
  decodeEnum,
  decodeInteger,
  decodeString,
  typeError,
  valueWord,
} from "./json_decode_values.ts";
import type { AnySchema, FieldSpec, Schema } from "./json_schema.ts";
import { scanValue, skipSpace, stringEnd, valueEnd } from "./json_scan.ts";
import { unquoteString } from "./json_unquote.ts";

const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const RBRACE = 0x7d;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const NULL = 0x6e;

/**
 * Messages nested deeper than this are refused with etcd's "too many
 * operations in txn request": among etcd's messages only a txn nests, and
 * etcd refuses a txn this deep with that error once decoded. The bound
 * keeps the decoder's recursion far from the stack's limit.
 */
export const MESSAGE_NESTING_MAX = 1000;

interface Context {
  readonly b: Uint8Array;
  /** The end of the scanned value. */
  readonly end: number;
  /** An error to throw once the whole value decoded without a JSON error. */
  deferred: EtcdError | undefined;
  depth: number;
}

/** The decoded value and the index just after its JSON text. */
export interface Decoded<T> {
  readonly value: T;
  readonly end: number;
}

/**
 * Decodes the first JSON value of `b[start:end]` as a `schema` message.
 * Returns undefined when the input holds only whitespace; throws an
 * {@linkcode EtcdError} (code 3) with Go's message for a bad input.
 */
export function decodeMessageAt<T>(
  schema: Schema<T>,
  b: Uint8Array,
  start = 0,
  end = b.length,
): Decoded<T> | undefined {
  const valueStop = scanValue(b, start, end);
  if (valueStop < 0) return undefined;
  const context: Context = { b, end: valueStop, deferred: undefined, depth: 0 };
  const value = decodeMessage(context, schema, skipSpace(b, start, end), false) as T;
  if (context.deferred !== undefined) throw context.deferred;
  return { value, end: valueStop };
}

function decodeMessage(
  context: Context,
  schema: AnySchema,
  i: number,
  nullable: boolean,
): unknown {
  const b = context.b;
  const c = b[i]!;
  if (c === NULL) {
    if (schema.variant !== undefined && !nullable) return emptyVariant(context, schema);
    return nullable ? null : schema.create();
  }
  if (c !== LBRACE) throw typeError(valueWord(c), "map[string]json.RawMessage");
  if (++context.depth > MESSAGE_NESTING_MAX) throw Errors.tooManyOps();
  const slots = collectFields(context, schema, i);
  const value = schema.variant !== undefined
    ? decodeVariant(context, schema, slots)
    : decodeFields(context, schema, slots);
  context.depth--;
  return value;
}

/**
 * Finds the known fields of the object at `i`: for field k, the value's
 * index under its proto name is `slots[2k]`, under its camel name
 * `slots[2k+1]` (-1 when absent).
 */
function collectFields(context: Context, schema: AnySchema, i: number): Int32Array {
  const { b, end } = context;
  const slots = new Int32Array(schema.fields.length * 2).fill(-1);
  let j = skipSpace(b, i + 1, end);
  while (j < end && b[j] !== RBRACE) {
    const keyStop = stringEnd(b, j);
    const name = unquoteString(b, j + 1, keyStop - 1);
    const valueStart = skipSpace(b, skipSpace(b, keyStop, end) + 1, end);
    const slot = schema.byName.get(name);
    if (slot !== undefined) slots[slot] = valueStart;
    j = skipSpace(b, valueEnd(b, valueStart, end), end);
    if (b[j] === COMMA) j = skipSpace(b, j + 1, end);
  }
  return slots;
}

function slotOf(slots: Int32Array, index: number): number {
  const camel = slots[index * 2 + 1]!;
  return camel >= 0 ? camel : slots[index * 2]!;
}

function decodeFields(context: Context, schema: AnySchema, slots: Int32Array): unknown {
  const value = schema.create() as Record<string, unknown>;
  // jsonpb sets the plain fields first, then the oneof members.
  decodeGroup(context, schema.fields, slots, value, false);
  decodeGroup(context, schema.fields, slots, value, true);
  return value;
}

function decodeGroup(
  context: Context,
  fields: readonly FieldSpec[],
  slots: Int32Array,
  value: Record<string, unknown>,
  oneof: boolean,
): void {
  for (let k = 0; k < fields.length; k++) {
    const field = fields[k]!;
    if (field.oneof !== oneof) continue;
    const at = slotOf(slots, k);
    if (at >= 0) value[field.ts] = decodeField(context, field, at);
  }
}

/** A oneof message: every member given is decoded; the last one in declaration order is kept. */
function decodeVariant(context: Context, schema: AnySchema, slots: Int32Array): unknown {
  let chosen: FieldSpec | undefined;
  let chosenValue: unknown = null;
  schema.fields.forEach((field, k) => {
    const at = slotOf(slots, k);
    if (at < 0) return;
    chosen = field;
    chosenValue = field.kind === "message"
      ? decodeMessage(context, field.message!(), at, true)
      : decodeField(context, field, at);
  });
  if (chosen === undefined || chosenValue === null) return emptyVariant(context, schema);
  return { [chosen.ts]: chosenValue };
}

function emptyVariant(context: Context, schema: AnySchema): unknown {
  context.deferred ??= schema.variant!.onEmpty();
  return {};
}

function decodeField(context: Context, field: FieldSpec, i: number): unknown {
  return field.repeated ? decodeList(context, field, i) : decodeSingle(context, field, i);
}

function decodeList(context: Context, field: FieldSpec, i: number): unknown[] {
  const { b, end } = context;
  const c = b[i]!;
  if (c === NULL) return [];
  if (c !== LBRACKET) throw typeError(valueWord(c), "[]json.RawMessage");
  const list: unknown[] = [];
  let j = skipSpace(b, i + 1, end);
  while (j < end && b[j] !== RBRACKET) {
    list.push(decodeSingle(context, field, j));
    j = skipSpace(b, valueEnd(b, j, end), end);
    if (b[j] === COMMA) j = skipSpace(b, j + 1, end);
  }
  return list;
}

function decodeSingle(context: Context, field: FieldSpec, i: number): unknown {
  const { b, end } = context;
  switch (field.kind) {
    case "bytes":
      return decodeBytes(b, i, end);
    case "string":
      return decodeString(b, i);
    case "bool":
      return decodeBool(b, i);
    case "enum":
      return decodeEnum(b, i, end, field);
    case "message":
      return decodeMessage(context, field.message!(), i, field.nullable);
    default:
      return decodeInteger(b, i, end, field);
  }
}
