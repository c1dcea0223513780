/**
 * etcd's error table: the exact `etcdserver: …` messages with their gRPC
 * codes (etcd 3.4 `api/v3rpc/rpctypes/error.go`), and the HTTP status the
 * gRPC gateway maps each code to (grpc-gateway v1 `HTTPStatusFromCode`).
 *
 * An expected failure is an {@linkcode EtcdError}: it carries the message a
 * client sees and the code that picks the HTTP status.
 *
 * @module
 */

/** gRPC status codes (google.golang.org/grpc/codes). */
export const GrpcCode = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;

export type GrpcCode = typeof GrpcCode[keyof typeof GrpcCode];

const HTTP_STATUS_BY_CODE: Readonly<Record<number, number>> = {
  0: 200,
  1: 408,
  2: 500,
  3: 400,
  4: 504,
  5: 404,
  6: 409,
  7: 403,
  8: 429,
  9: 412,
  10: 409,
  11: 400,
  12: 501,
  13: 500,
  14: 503,
  15: 500,
  16: 401,
};

/** The HTTP status etcd's gateway answers for a gRPC code. */
export function httpStatusOf(code: number): number {
  return HTTP_STATUS_BY_CODE[code] ?? 500;
}

/** An expected failure with etcd's message and gRPC code. */
export class EtcdError extends Error {
  readonly code: GrpcCode;

  constructor(message: string, code: GrpcCode) {
    super(message);
    this.name = "EtcdError";
    this.code = code;
  }

  /** The HTTP status etcd's gateway answers for this error. */
  get httpStatus(): number {
    return httpStatusOf(this.code);
  }
}

function define(message: string, code: GrpcCode): () => EtcdError {
  return () => new EtcdError(message, code);
}

const C = GrpcCode;

/**
 * Factories for etcd's errors, one per `rpctypes.ErrGRPC*`. Each call makes
 * a fresh error (so stacks point at the thrower).
 */
export const Errors = {
  emptyKey: define("etcdserver: key is not provided", C.InvalidArgument),
  keyNotFound: define("etcdserver: key not found", C.InvalidArgument),
  valueProvided: define("etcdserver: value is provided", C.InvalidArgument),
  leaseProvided: define("etcdserver: lease is provided", C.InvalidArgument),
  tooManyOps: define("etcdserver: too many operations in txn request", C.InvalidArgument),
  duplicateKey: define("etcdserver: duplicate key given in txn request", C.InvalidArgument),
  compacted: define("etcdserver: mvcc: required revision has been compacted", C.OutOfRange),
  futureRev: define("etcdserver: mvcc: required revision is a future revision", C.OutOfRange),
  noSpace: define("etcdserver: mvcc: database space exceeded", C.ResourceExhausted),
  leaseNotFound: define("etcdserver: requested lease not found", C.NotFound),
  leaseExist: define("etcdserver: lease already exists", C.FailedPrecondition),
  leaseTtlTooLarge: define("etcdserver: too large lease TTL", C.OutOfRange),
  memberExist: define("etcdserver: member ID already exist", C.FailedPrecondition),
  peerUrlExist: define("etcdserver: Peer URLs already exists", C.FailedPrecondition),
  /** etcd 3.4's gateway answers this one with code Unknown (500): it is not in its gRPC table. */
  memberNotEnoughStarted: define(
    "etcdserver: re-configuration failed due to not enough started members",
    C.Unknown,
  ),
  memberBadUrls: define("etcdserver: given member URLs are invalid", C.InvalidArgument),
  memberNotFound: define("etcdserver: member not found", C.NotFound),
  memberNotLearner: define("etcdserver: can only promote a learner member", C.FailedPrecondition),
  learnerNotReady: define(
    "etcdserver: can only promote a learner member which is in sync with leader",
    C.FailedPrecondition,
  ),
  tooManyLearners: define("etcdserver: too many learner members in cluster", C.FailedPrecondition),
  requestTooLarge: define("etcdserver: request is too large", C.InvalidArgument),
  tooManyRequests: define("etcdserver: too many requests", C.ResourceExhausted),
  rootUserNotExist: define("etcdserver: root user does not exist", C.FailedPrecondition),
  rootRoleNotExist: define("etcdserver: root user does not have root role", C.FailedPrecondition),
  userAlreadyExist: define("etcdserver: user name already exists", C.FailedPrecondition),
  userEmpty: define("etcdserver: user name is empty", C.InvalidArgument),
  userNotFound: define("etcdserver: user name not found", C.FailedPrecondition),
  roleAlreadyExist: define("etcdserver: role name already exists", C.FailedPrecondition),
  roleNotFound: define("etcdserver: role name not found", C.FailedPrecondition),
  roleEmpty: define("etcdserver: role name is empty", C.InvalidArgument),
  authFailed: define(
    "etcdserver: authentication failed, invalid user ID or password",
    C.InvalidArgument,
  ),
  permissionDenied: define("etcdserver: permission denied", C.PermissionDenied),
  roleNotGranted: define("etcdserver: role is not granted to the user", C.FailedPrecondition),
  permissionNotGranted: define(
    "etcdserver: permission is not granted to the role",
    C.FailedPrecondition,
  ),
  authNotEnabled: define("etcdserver: authentication is not enabled", C.FailedPrecondition),
  invalidAuthToken: define("etcdserver: invalid auth token", C.Unauthenticated),
  invalidAuthMgmt: define("etcdserver: invalid auth management", C.InvalidArgument),
  authOldRevision: define("etcdserver: revision of auth store is old", C.InvalidArgument),
  noLeader: define("etcdserver: no leader", C.Unavailable),
  notLeader: define("etcdserver: not leader", C.FailedPrecondition),
  leaderChanged: define("etcdserver: leader changed", C.Unavailable),
  notCapable: define("etcdserver: not capable", C.Unavailable),
  stopped: define("etcdserver: server stopped", C.Unavailable),
  timeout: define("etcdserver: request timed out", C.Unavailable),
  timeoutDueToLeaderFail: define(
    "etcdserver: request timed out, possibly due to previous leader failure",
    C.Unavailable,
  ),
  timeoutDueToConnectionLost: define(
    "etcdserver: request timed out, possibly due to connection lost",
    C.Unavailable,
  ),
  unhealthy: define("etcdserver: unhealthy cluster", C.Unavailable),
  corrupt: define("etcdserver: corrupt cluster", C.DataLoss),
  notSupportedForLearner: define("etcdserver: rpc not supported for learner", C.Unavailable),
  badLeaderTransferee: define("etcdserver: bad leader transferee", C.FailedPrecondition),
  /** What the gateway answers when a request outlives its deadline (code Unknown, HTTP 500). */
  deadlineExceeded: define("context deadline exceeded", C.Unknown),
} as const;

/** An error of the request's shape (bad JSON, bad base64, wrong type): code 3, HTTP 400. */
export function invalidArgument(message: string): EtcdError {
  return new EtcdError(message, GrpcCode.InvalidArgument);
}
