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

/** Snapshot files kept in `snap/` after a save (etcd's `--max-snapshots` default); 0 keeps all. */
export const snapshotsMaxDefault = 5;

/** Largest snapshot file loaded or saved (8 GiB, etcd's largest suggested backend quota). */
export const snapshotBytesMax = 8 * 1024 * 1024 * 1024;

/** Size a WAL segment file is preallocated to before a cut starts the next one (etcd: 64 MiB). */
export const walSegmentBytesDefault = 64 * 1024 * 1024;

/** Largest WAL record (type, CRC, data and padding); a bigger one is refused (etcd: 10 MiB). */
export const walRecordBytesMax = 16 * 1024 * 1024;

/** WAL segment files kept after a release (etcd's `--max-wals` default); 0 keeps all. */
export const walFilesMaxDefault = 5;

/** Applied entries between snapshots (etcd's --snapshot-count default). */
export const snapshotCountDefault = 100_000;

/**
 * Entry bytes since the last snapshot after which the next is due however
 * large the store (see storage/snapshot_policy.ts): below the store's size
 * the snapshot waits for as many bytes as it had, up to this.
 */
export const snapshotEntryBytesMax = 256 * 1024 * 1024;

/** Entries kept in the log before a snapshot for slow followers (etcd's SnapshotCatchUpEntries). */
export const snapshotCatchUpEntriesDefault = 5_000;

/**
 * Proposals a member queues while it knows no leader (etcd-io/raft's node
 * would block them); more are refused with "too many requests".
 */
export const raftPendingProposalsMax = 10_000;

/**
 * Bytes of queued proposals stepped into Raft as one MsgProp (one MsgApp per
 * follower carries them all); etcd's max-request-bytes fits, as one.
 */
export const proposalBatchBytesMax = 2 * 1024 * 1024;

/** Operations in one txn's compare, success or failure list at most (etcd's --max-txn-ops default). */
export const txnOpsMaxDefault = 128;

// ---- the peer transport (src/server/transport) ----

/** Frames queued for one peer and not yet handed to the socket, at most (etcd's streamBufSize: 4096). */
export const peerQueueMessagesMax = 4096;

/** Bytes of frames queued for one peer and not yet handed to the socket, at most (32 MiB). */
export const peerQueueBytesMax = 32 * 1024 * 1024;

/** Largest frame accepted or sent, length prefix excluded (64 MiB plus 64 KiB of margin). */
export const peerFrameBytesMax = 64 * 1024 * 1024 + 64 * 1024;

/** Snapshot data carried by one chunk frame (1 MiB). */
export const snapshotChunkBytes = 1024 * 1024;

/** Bytes handed to one `conn.write` call at most when flushing a peer's queue (256 KiB). */
export const peerWriteBytesMax = 256 * 1024;

/** Size of each connection's read buffer; larger frames get a buffer of their own (64 KiB). */
export const peerReadBufferBytes = 64 * 1024;

/** First reconnect delay after a failed dial or a broken connection (before jitter). */
export const peerReconnectBackoffMinMs = 50;

/** Largest reconnect delay (before jitter). */
export const peerReconnectBackoffMaxMs = 2000;

/**
 * How often a dialer sends a link heartbeat on its stream (the listener
 * answers each): an idle link still shows it is alive.
 */
export const peerPingIntervalMs = 1000;

/**
 * A stream on which nothing arrived for this long is closed and redialled
 * (etcd's rafthttp ConnReadTimeout, 5 s): a link cut by the network ends
 * here rather than in TCP's retransmission backoff, which can grow to
 * minutes and would delay the catch-up after the network heals.
 */
export const peerIdleTimeoutMs = 5000;

/** How long one dial of one peer URL may take. */
export const peerDialTimeoutMs = 1000;

/** How long an accepted connection may take to send its handshake frame. */
export const peerHandshakeTimeoutMs = 5000;

/** Largest frame read from a connection before its handshake was accepted (a handshake is ~40 bytes). */
export const peerHandshakeFrameBytesMax = 256;

/** Largest frame a listener sends back to a dialer (accept, snapshot acknowledgement). */
export const peerReplyFrameBytesMax = 1024;

/**
 * Largest request frame a member sends a peer outside Raft (a lease renewal
 * or time-to-live question forwarded to the leader: a few dozen bytes); as
 * a first frame, held to no more than a handshake.
 */
export const peerRequestBytesMax = 256;

/** Largest answer to such a request (a time-to-live lists the lease's keys: 4 MiB). */
export const peerRequestReplyBytesMax = 4 * 1024 * 1024;

/** Requests outside Raft one member has sent its peers and not yet had answered, at most. */
export const peerRequestsInFlightMax = 256;

/**
 * Largest cluster information frame sent or accepted (1 MiB: thousands of
 * members). The request is a first frame, so it is held to
 * {@linkcode peerHandshakeFrameBytesMax}.
 */
export const peerClusterInfoBytesMax = 1024 * 1024;

/**
 * How long asking one peer URL for the cluster information may take (dial,
 * request, reply): etcd's `GetClusterFromRemotePeers` gives each URL 10 s.
 */
export const peerClusterInfoTimeoutMs = 10_000;

/**
 * Bytes of the state machine's snapshot encoded per step after a Ready: a
 * fraction of a millisecond, so a snapshot of a large store (tens of MB,
 * taken by every member at about the same index) adds little to each Ready
 * while the load goes on. 256 KiB steps (a few ms each) made a 256-client
 * load's p99 about 15% worse while the three members encoded.
 */
export const snapshotStepBytes = 32 * 1024;

/**
 * Time a member with no Ready at hand spends on snapshot steps before it lets
 * requests and messages in again (a turn of the event loop).
 */
export const snapshotIdleSliceMs = 2;

/**
 * The share of wall-clock time a member's snapshot steps may take (after a
 * Ready, or when idle): steps run only while the time they took is behind
 * it. In a loaded member encoding costs about 5 ms of CPU per MB (its
 * records are spread over the heap), and the first steps of each snapshot
 * run before the JIT has compiled the encoder again, 50 times slower; as
 * fast as idle time allowed, the three members of a loopback cluster on two
 * cores took half the machine and halved the throughput meanwhile. At 5%,
 * an 80 MB store takes about 8 s; a thinner share spreads the same work
 * over more requests, each slowed less (10% cut a saturated cluster's
 * throughput by about a third while it ran).
 */
export const snapshotTimeSharePercent = 5;

// ---- leases (src/lease, the server's lease handling) ----

/** Expired leases the leader revokes per second at most (etcd's leaseRevokeRate). */
export const leaseRevokesPerSecondMax = 1000;

/** Revokes of expired leases proposed and not yet applied, at most (etcd's maxPendingRevokes). */
export const leaseRevokesInFlightMax = 16;

/** An expired lease whose revoke did not happen is handed out again after this (etcd: 3 s). */
export const leaseExpiredRetryMs = 3000;

/**
 * Bytes of encoded watch responses one client stream may have queued and
 * not yet written. Beyond it the stream takes no more events: its watchers
 * fall behind (unsynced) and catch up from history once it drains.
 */
export const watchStreamQueueBytesMax = 1024 * 1024;

/** Approximate event bytes of one catch-up watch response (cut between revisions beyond). */
export const watchResponseBytesMax = 1024 * 1024;

/** Unsynced watchers caught up per step (etcd's maxWatchersPerSync). */
export const watchSyncWatchersMax = 512;

/** Revisions of history read per catch-up step (etcd's watchBatchMaxRevs). */
export const watchSyncRevisionsMax = 1000;

/** Milliseconds of catch-up steps run in one turn before yielding to I/O. */
export const watchSyncTurnMs = 10;
