/**
 * Schema-driven JSON encoding, byte for byte as etcd's gateway writes its
 * responses (golang/protobuf 1.3 `jsonpb` with `OrigName: true`, defaults
 * not emitted): compact, fields in proto declaration order under their
 * proto names; zero values left out (0, false, "", empty bytes and lists,
 * unset messages, an enum at its first value), but a message that is set
 * is written even when all its fields are zero (`"header":{}`); 64-bit
 * integers as decimal strings, 32-bit ones as numbers; bytes as standard
 * padded base64; enums by name; strings escaped as Go escapes them.
 *
 * @module
 */

import { encodeBase64 } from "./json_base64.ts";
import { goJsonString } from "./json_go_text.ts";
import type { AnySchema, FieldSpec } from "./json_schema.ts";

/** Whether `value` is the zero value of a (non-repeated) field. */
function isZero(field: FieldSpec, value: unknown): boolean {
  switch (field.kind) {
    case "bytes":
      return (value as Uint8Array).length === 0;
    case "enum":
      return value === field.enumSpec!.values[0];
    case "message":
      return value === null || value === undefined;
    default:
      return value === 0 || value === 0n || value === false || value === "";
  }
}

function encodeSingle(field: FieldSpec, value: unknown): string {
  switch (field.kind) {
    case "bytes":
      return '"' + encodeBase64(value as Uint8Array) + '"';
    case "string":
      return goJsonString(value as string);
    case "bool":
      return value ? "true" : "false";
    case "int32":
    case "uint32":
      return String(value);
    case "enum":
      return '"' + (value as string) + '"';
    case "message":
      return encodeMessage(field.message!(), value as Record<string, unknown>);
    case "int64big":
      return '"' + BigInt.asIntN(64, value as bigint).toString() + '"';
    case "uint64big":
      return '"' + BigInt.asUintN(64, value as bigint).toString() + '"';
    default:
      // int64 and uint64 held as numbers: decimal strings.
      return '"' + String(value) + '"';
  }
}

function encodeList(field: FieldSpec, list: readonly unknown[]): string {
  let out = "[";
  for (let k = 0; k < list.length; k++) {
    if (k > 0) out += ",";
    out += encodeSingle(field, list[k]);
  }
  return out + "]";
}

/** The `"name":value` member for `field`, or "" when it is left out. */
function encodeMember(field: FieldSpec, value: unknown): string {
  if (field.repeated) {
    const list = value as readonly unknown[];
    return list.length === 0 ? "" : '"' + field.json + '":' + encodeList(field, list);
  }
  return isZero(field, value) ? "" : '"' + field.json + '":' + encodeSingle(field, value);
}

function encodeVariant(schema: AnySchema, value: Record<string, unknown>): string {
  for (const field of schema.fields) {
    const member = value[field.ts];
    if (member !== undefined) return "{" + encodeMember(field, member) + "}";
  }
  return "{}";
}

/** The JSON text of a `schema` message. */
export function encodeMessage(schema: AnySchema, value: Record<string, unknown>): string {
  if (schema.variant !== undefined) return encodeVariant(schema, value);
  const selected = schema.selectMember?.(value);
  let out = "{";
  for (const field of schema.fields) {
    let member: string;
    if (!field.oneof) {
      member = encodeMember(field, value[field.ts]);
    } else if (field.ts === selected) {
      // A set oneof member is written even when zero.
      member = '"' + field.json + '":' + encodeSingle(field, value[field.ts]);
    } else {
      continue;
    }
    if (member === "") continue;
    out += out.length === 1 ? member : "," + member;
  }
  return out + "}";
}
