/**
 * The gateway's test helpers (a scripted service, request builders), shared
 * with the unit tests of src/api.
 *
 * @module
 */

import {
  CompactionResponseSchema,
  DeleteRangeResponseSchema,
  HashResponseSchema,
  MemberAddResponseSchema,
  MemberListResponseSchema,
  MemberPromoteResponseSchema,
  MemberRemoveResponseSchema,
  MemberUpdateResponseSchema,
  PutResponseSchema,
  RangeResponseSchema,
  type Schema,
  StatusResponseSchema,
  TxnResponseSchema,
} from "./_imports.ts";

export * from "../../src/api/_testing.ts";

/** The response schema of each service method the gateway's KV, maintenance and member calls reach. */
const ANSWERS: Readonly<Record<string, Schema<unknown>>> = {
  range: RangeResponseSchema,
  put: PutResponseSchema,
  deleteRange: DeleteRangeResponseSchema,
  txn: TxnResponseSchema,
  compact: CompactionResponseSchema,
  status: StatusResponseSchema,
  hash: HashResponseSchema,
  memberList: MemberListResponseSchema,
  memberAdd: MemberAddResponseSchema,
  memberRemove: MemberRemoveResponseSchema,
  memberUpdate: MemberUpdateResponseSchema,
  memberPromote: MemberPromoteResponseSchema,
};

/** The zero response of `method` (a fake service that accepts every call). */
export function zeroAnswer(method: string): unknown {
  return ANSWERS[method]!.create();
}
