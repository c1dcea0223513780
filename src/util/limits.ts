/**
 * Every limit of etcd-ts in one place. Names end in their unit (`Bytes`,
 * `Ticks`, `Msgs`) so a reader never has to guess what a number counts.
 *
 * @module
 */

/** Largest total entry data carried by one append message (etcd's MaxSizePerMsg: 1 MiB). */
export const raftMaxSizePerMsgBytes = 1024 * 1024;

/** Most append messages in flight to one follower before the leader pauses it. */
export const raftMaxInflightMsgs = 256;

/** Most bytes of append messages in flight to one follower before the leader pauses it. */
export const raftMaxInflightBytes = 16 * 1024 * 1024;

/** Most bytes of uncommitted entry data the leader accepts before dropping proposals (1 GiB). */
export const raftMaxUncommittedEntriesBytes = 1 << 30;

/** Most bytes of committed entries handed out in one Ready. */
export const raftMaxCommittedSizePerReadyBytes = 64 * 1024 * 1024;

/** Largest client request accepted (etcd's `--max-request-bytes` default: 1572864). */
export const requestBytesMax = 1.5 * 1024 * 1024;

/** Ticks without a heartbeat after which a follower starts an election. */
export const electionTicksDefault = 10;

/** Ticks between the leader's heartbeats. */
export const heartbeatTicksDefault = 1;

/** ReadIndex requests waiting at a leader for leadership confirmation, at most. */
export const raftReadIndexPendingMax = 4096;
