/**
 * The printer interface of ctl's commands and the `--write-out` factory, as
 * etcdctl's `printer.go` has them: one printer per format; a format that
 * cannot show a result fails with `<format> not supported as output format`
 * (exit 4) after the request has run.
 *
 * @module
 */

import type {
  DeleteRangeResponse,
  MemberAddResponse,
  MemberListResponse,
  MemberPromoteResponse,
  MemberRemoveResponse,
  MemberUpdateResponse,
  PutResponse,
  RangeResponse,
  StatusResponse,
  TxnResponse,
} from "../proto/rpc.ts";
import { CtlExit, ExitCode, exitWithError } from "./exit.ts";

/** One endpoint's `endpoint health` result (etcdctl's `epHealth`). */
export interface EndpointHealth {
  readonly ep: string;
  readonly health: boolean;
  /** Go's duration text, e.g. `2.669822ms`. */
  readonly took: string;
  /** Empty when healthy. */
  readonly error: string;
}

/** One endpoint's `endpoint status` result (etcdctl's `epStatus`). */
export interface EndpointStatus {
  readonly ep: string;
  readonly resp: StatusResponse;
}

/** What each `--write-out` format prints for each command's result. */
export interface Printer {
  put(resp: PutResponse): void;
  get(resp: RangeResponse): void;
  del(resp: DeleteRangeResponse): void;
  txn(resp: TxnResponse): void;
  memberList(resp: MemberListResponse): void;
  memberAdd(resp: MemberAddResponse): void;
  memberRemove(id: bigint, resp: MemberRemoveResponse): void;
  memberUpdate(id: bigint, resp: MemberUpdateResponse): void;
  memberPromote(id: bigint, resp: MemberPromoteResponse): void;
  endpointHealth(list: readonly EndpointHealth[]): void;
  endpointStatus(list: readonly EndpointStatus[]): void;
}

/** The `--write-out` names etcdctl knows. */
export const OUTPUT_FORMATS = ["simple", "fields", "json", "protobuf", "table"] as const;

/** A name of {@linkcode OUTPUT_FORMATS}. */
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** Whether `name` is a `--write-out` format etcdctl knows (case-sensitive). */
export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

/** The error a printer raises for a result its format cannot show. */
export function notSupported(format: OutputFormat): Error {
  return exitWithError(ExitCode.badFeature, `${format} not supported as output format`);
}

/**
 * What etcdctl 3.4.23 does when it prints `member promote`'s result in any
 * format but simple: its printers have no `MemberPromote`, so the call
 * reaches a nil printer and Go panics (exit 2) — after the promotion. The
 * goroutine trace that follows these two lines in etcdctl is left out.
 */
export function promotePanic(): CtlExit {
  return new CtlExit(
    2,
    "panic: runtime error: invalid memory address or nil pointer dereference\n" +
      "[signal SIGSEGV: segmentation violation code=0x1 addr=0x78 pc=0xbab2ee]\n",
  );
}

/** A printer whose every method is unsupported; formats override what they can show. */
export class UnsupportedPrinter implements Printer {
  constructor(readonly format: OutputFormat) {}
  put(_resp: PutResponse): void {
    throw notSupported(this.format);
  }
  get(_resp: RangeResponse): void {
    throw notSupported(this.format);
  }
  del(_resp: DeleteRangeResponse): void {
    throw notSupported(this.format);
  }
  txn(_resp: TxnResponse): void {
    throw notSupported(this.format);
  }
  memberList(_resp: MemberListResponse): void {
    throw notSupported(this.format);
  }
  memberAdd(_resp: MemberAddResponse): void {
    throw notSupported(this.format);
  }
  memberRemove(_id: bigint, _resp: MemberRemoveResponse): void {
    throw notSupported(this.format);
  }
  memberUpdate(_id: bigint, _resp: MemberUpdateResponse): void {
    throw notSupported(this.format);
  }
  memberPromote(_id: bigint, _resp: MemberPromoteResponse): void {
    throw promotePanic();
  }
  endpointHealth(_list: readonly EndpointHealth[]): void {
    throw notSupported(this.format);
  }
  endpointStatus(_list: readonly EndpointStatus[]): void {
    throw notSupported(this.format);
  }
}
