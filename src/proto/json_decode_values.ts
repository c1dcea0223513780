/**
 * Scalar fields from JSON the way etcd's gateway (golang/protobuf 1.3
 * `jsonpb` over Go's `encoding/json`) reads them, with its messages:
 * - integers as numbers or as strings (the quotes are dropped and the rest
 *   parsed as JSON: `"limit":"ten"` fails like `ten` would), exact up to
 *   64 bits; number-typed fields are clamped to the safe integer range;
 * - enums by name (compared raw, without unescaping) or by number;
 * - bytes as base64 (or, as Go allows, as an array of byte values);
 * - `null` for any field is its zero value.
 *
 * @module
 */

import { type EtcdError, invalidArgument } from "./errors.ts";
import { decodeBase64 } from "./json_base64.ts";
import { goQuoteBytes } from "./json_go_text.ts";
import type { FieldSpec } from "./json_schema.ts";
import { checkValid, numberEnd, skipSpace, stringEnd, valueEnd } from "./json_scan.ts";
import { latin1, unescapeBytes, unquoteString } from "./json_unquote.ts";

const QUOTE = 0x22;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const NULL = 0x6e;
const TRUE = 0x74;
const FALSE = 0x66;
const EMPTY = new Uint8Array(0);

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const INTEGER = /^-?[0-9]+$/;

/** Go's `UnmarshalTypeError`: `json: cannot unmarshal <what> into Go value of type <type>`. */
export function typeError(what: string, goType: string): EtcdError {
  return invalidArgument(`json: cannot unmarshal ${what} into Go value of type ${goType}`);
}

/** How Go names the JSON value starting with byte `c` in a type error. */
export function valueWord(c: number): string {
  if (c === LBRACE) return "object";
  if (c === LBRACKET) return "array";
  if (c === QUOTE) return "string";
  if (c === TRUE || c === FALSE) return "bool";
  return "number";
}

/** The Go type an integer or enum field decodes into. */
function goTypeOf(field: FieldSpec): string {
  switch (field.kind) {
    case "int64":
    case "int64big":
      return "int64";
    case "uint64":
    case "uint64big":
      return "uint64";
    case "enum":
      return field.enumSpec!.name;
    default:
      return field.kind;
  }
}

function inRange(value: bigint, field: FieldSpec): boolean {
  switch (field.kind) {
    case "int64":
    case "int64big":
      return value >= INT64_MIN && value <= INT64_MAX;
    case "uint64":
    case "uint64big":
      return value >= 0n && value <= UINT64_MAX;
    case "uint32":
      return value >= 0n && value <= 0xffffffffn;
    default:
      return value >= -0x80000000n && value <= 0x7fffffffn;
  }
}

/** Parses the number token `text` for an integer field as Go's strconv would. */
function parseInteger(text: string, field: FieldSpec): number | bigint {
  const unsigned = field.kind === "uint64" || field.kind === "uint64big" || field.kind === "uint32";
  if (!INTEGER.test(text) || (unsigned && text.charCodeAt(0) === 0x2d)) {
    throw typeError("number " + text, goTypeOf(field));
  }
  if (text.length <= 15 && field.kind !== "int64big" && field.kind !== "uint64big") {
    const small = Number(text) + 0;
    if (field.kind === "int64" || field.kind === "uint64") return small;
    if (inRange(BigInt(small), field)) return small;
    throw typeError("number " + text, goTypeOf(field));
  }
  const value = BigInt(text);
  if (!inRange(value, field)) throw typeError("number " + text, goTypeOf(field));
  if (field.kind === "int64big" || field.kind === "uint64big") return value;
  if (value > SAFE_MAX) return Number.MAX_SAFE_INTEGER;
  if (value < -SAFE_MAX) return -Number.MAX_SAFE_INTEGER;
  return Number(value);
}

function integerZero(field: FieldSpec): number | bigint {
  return field.kind === "int64big" || field.kind === "uint64big" ? 0n : 0;
}

/** An integer from the JSON value (not a string) at `i`. */
function integerToken(b: Uint8Array, i: number, end: number, field: FieldSpec): number | bigint {
  const c = b[i]!;
  if (c === NULL) return integerZero(field);
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
    return parseInteger(latin1(b, i, numberEnd(b, i, end)), field);
  }
  throw typeError(valueWord(c), goTypeOf(field));
}

/** An integer field (int64, uint64, int32, uint32, as number or bigint) at `i`. */
export function decodeInteger(
  b: Uint8Array,
  i: number,
  end: number,
  field: FieldSpec,
): number | bigint {
  if (b[i] !== QUOTE) return integerToken(b, i, end, field);
  // jsonpb drops the quotes and parses what was between them as JSON.
  const start = i + 1;
  const stop = stringEnd(b, i) - 1;
  checkValid(b, start, stop);
  return integerToken(b, skipSpace(b, start, stop), stop, field);
}

/** An enum field at `i`: its name (an unknown number reads as the zero value). */
export function decodeEnum(b: Uint8Array, i: number, end: number, field: FieldSpec): string {
  const spec = field.enumSpec!;
  if (b[i] === QUOTE) {
    const stop = stringEnd(b, i) - 1;
    const index = spec.values.indexOf(latin1(b, i + 1, stop));
    if (index < 0) {
      throw invalidArgument(`unknown value ${goQuoteBytes(b, i + 1, stop)} for enum ${spec.name}`);
    }
    return spec.values[index]!;
  }
  const number = integerToken(b, i, end, field) as number;
  return spec.values[number] ?? spec.values[0]!;
}

/** A bool field at `i`. */
export function decodeBool(b: Uint8Array, i: number): boolean {
  const c = b[i]!;
  if (c === TRUE) return true;
  if (c === FALSE || c === NULL) return false;
  throw typeError(valueWord(c), "bool");
}

/** A string field at `i`. */
export function decodeString(b: Uint8Array, i: number): string {
  const c = b[i]!;
  if (c === QUOTE) return unquoteString(b, i + 1, stringEnd(b, i) - 1);
  if (c === NULL) return "";
  throw typeError(valueWord(c), "string");
}

function byteElement(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  if (c === NULL) return 0;
  if (c !== 0x2d && (c < 0x30 || c > 0x39)) throw typeError(valueWord(c), "uint8");
  const text = latin1(b, i, numberEnd(b, i, end));
  if (!/^[0-9]+$/.test(text) || Number(text) > 255) throw typeError("number " + text, "uint8");
  return Number(text);
}

/** Go decodes a JSON array into `[]byte` element by element. */
function decodeByteArray(b: Uint8Array, i: number, end: number): Uint8Array {
  const out: number[] = [];
  let j = skipSpace(b, i + 1, end);
  while (j < end && b[j] !== RBRACKET) {
    out.push(byteElement(b, j, end));
    j = skipSpace(b, valueEnd(b, j, end), end);
    if (b[j] === COMMA) j = skipSpace(b, j + 1, end);
  }
  return new Uint8Array(out);
}

/** A bytes field at `i`. */
export function decodeBytes(b: Uint8Array, i: number, end: number): Uint8Array {
  const c = b[i]!;
  if (c === QUOTE) {
    const raw = unescapeBytes(b, i + 1, stringEnd(b, i) - 1);
    return decodeBase64(raw, 0, raw.length);
  }
  if (c === NULL) return EMPTY;
  if (c === LBRACKET) return decodeByteArray(b, i, end);
  throw typeError(valueWord(c), "[]uint8");
}
