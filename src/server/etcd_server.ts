/**
 * {@linkcode EtcdServer}: one member, answering etcd's KV and maintenance
 * requests. Writes are validated, proposed through Raft and answered after
 * apply (the wait registry); linearizable reads go behind a ReadIndex round
 * (the read barrier); serializable reads are served from the local state.
 *
 * @module
 */

import { Errors, EtcdError, type GrpcCode } from "../proto/errors.ts";
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashResponse,
  Member,
  MemberAddRequest,
  MemberAddResponse,
  MemberListResponse,
  MemberPromoteRequest,
  MemberPromoteResponse,
  MemberRemoveRequest,
  MemberRemoveResponse,
  MemberUpdateRequest,
  MemberUpdateResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  ResponseHeader,
  StatusResponse,
  TxnRequest,
  TxnResponse,
} from "../proto/rpc.ts";
import {
  validateCompactionRequest,
  validateDeleteRangeRequest,
  validatePutRequest,
  validateRangeRequest,
  validateTxnRequest,
} from "../proto/validate.ts";
import type { ConfChange, ConfChangeType, ReadState, SoftState } from "../raft/mod.ts";
import { encodeConfChangeContext, encodeRequest, type InternalRequest } from "./entry_codec.ts";
import { memberIdOf } from "./ids.ts";
import { ETCD_COMPAT_VERSION } from "../util/version.ts";
import { parseEtcdUrls, UrlError } from "../util/go_url.ts";
import { ReadBarrier } from "./read_barrier.ts";
import type { RaftNode, RaftNodeHooks } from "./raft_node.ts";
import type { EtcdService, RequestOptions } from "./service.ts";
import { type ApplyResult, StateMachine, txnHasWrite } from "./state_machine.ts";
import { WaitRegistry } from "./wait.ts";
import { WatchServer } from "./watch_server.ts";
import { isLeaseForward, LeaseServer, type LeaseServerOptions } from "./lease_server.ts";
import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from "../proto/rpc_lease.ts";
import { Deadlines } from "./deadlines.ts";
import type { Logger } from "./logger.ts";

/** How the server judges and times requests. */
export interface EtcdServerOptions {
  readonly memberId: bigint;
  readonly clusterId: bigint;
  /** etcd's ReqTimeout: 5 s + 2 × the election timeout. */
  readonly requestTimeoutMs: number;
  readonly requestBytesMax: number;
  readonly txnOpsMax: number;
  readonly quotaBytes: number;
  /**
   * etcd's --strict-reconfig-check: refuse a membership change after which
   * too few started members would be left for a quorum.
   */
  readonly strictReconfigCheck: boolean;
  /**
   * Since when (ms) this member's connection to a peer has been up, or null
   * (the transport's `activeSince`): what the strict reconfiguration check
   * reads to judge the cluster's health, as etcd reads its transport.
   */
  readonly peerActiveSince: (peer: bigint) => number | null;
  /** How long peers must have been connected to count (etcd's HealthInterval, default 5 s). */
  readonly healthIntervalMs?: number;
  /** Heartbeat intervals after which an unanswered ReadIndex round is asked again. */
  readonly readRetryTicks: number;
  readonly log: Logger;
  /** etcd's --experimental-watch-progress-notify-interval in ms (default 10 minutes). */
  readonly watchProgressNotifyIntervalMs?: number;
  /** Lease timing: etcd's minimum TTL, the new leader's extension, the tick, a clock (tests). */
  readonly lease?: Omit<LeaseServerOptions, "requestTimeoutMs">;
  /**
   * Asks a peer (the leader) over the peer transport: forwarded lease
   * renewals and time-to-live questions, and learner promotions.
   */
  readonly askPeer?: (peer: bigint, request: unknown, timeoutMs: number) => Promise<unknown>;
}

type Pending = ApplyResult;

/** One member's request handling on top of its Ready loop. */
export class EtcdServer implements EtcdService {
  readonly #options: EtcdServerOptions;
  readonly #wait = new WaitRegistry<Pending>();
  readonly #barrier: ReadBarrier;
  readonly #deadlines: Deadlines;
  readonly #bootId: string;
  #node: RaftNode | null = null;
  #sequence = 0;
  #stopped = false;
  /** The watchers of this member (fed by the state machine's `onWrite`). */
  readonly watch: WatchServer;
  /** Leases: grant and revoke through Raft, expiry and renewals at the leader. */
  readonly #leases: LeaseServer;

  constructor(options: EtcdServerOptions) {
    this.#options = options;
    this.watch = new WatchServer({
      history: () => this.#raftNode().machine.kv,
      header: (revision) => this.#header(revision),
      ...(options.watchProgressNotifyIntervalMs === undefined
        ? {}
        : { progressNotifyIntervalMs: options.watchProgressNotifyIntervalMs }),
    });
    this.#leases = this.#createLeaseServer(options);
    this.#deadlines = new Deadlines(options.requestTimeoutMs);
    const boot = new Uint8Array(8);
    crypto.getRandomValues(boot);
    this.#bootId = Array.from(boot, (b) => b.toString(16).padStart(2, "0")).join("");
    this.#barrier = new ReadBarrier({
      readIndex: (context) => this.#raftNode().readIndex(context),
      appliedIndex: () => this.#raftNode().machine.appliedIndex,
    });
  }

  #createLeaseServer(options: EtcdServerOptions): LeaseServer {
    const askPeer = options.askPeer ??
      (() => Promise.reject(new Error("no peer transport to forward lease requests")));
    return new LeaseServer({
      memberId: options.memberId,
      machine: () => this.#raftNode().machine,
      leader: () => this.#raftNode().leader,
      nextRequestId: () => this.#nextId(),
      propose: (request, requestOptions) => this.#propose(request, requestOptions),
      header: (revision) => this.#header(revision),
      askPeer,
      checkRunning: () => this.#checkRunning(),
      log: options.log,
    }, {
      // etcd's defaults (10 ticks of 100 ms) unless the member's timing is given.
      minTtlSeconds: 2,
      extendMs: 1000,
      tickMs: 100,
      ...options.lease,
      requestTimeoutMs: options.requestTimeoutMs,
    });
  }

  /** The hooks the Ready loop reports to (pass them to the RaftNode). */
  hooks(restore: (data: Uint8Array, index: number) => StateMachine): RaftNodeHooks {
    return {
      onApplied: (request, result) => this.#onApplied(request, result),
      onReadStates: (states: readonly ReadState[]) => this.#barrier.onReadStates(states),
      onSoftState: (state: SoftState) => this.#onSoftState(state),
      onEmptyEntry: () => this.#leases.onEmptyEntry(),
      onAppliedUpTo: (index) => this.#barrier.onApplied(index),
      onSnapshotApplied: (index) => {
        this.#options.log.info("applied snapshot from the leader", { "snapshot-index": index });
        this.#barrier.onApplied(index);
        this.watch.onRestore();
        this.onMembershipChange();
      },
      onConfChange: (_change: ConfChange, id: string, result: ApplyResult) => {
        this.#wait.trigger(id, result);
        this.onMembershipChange();
      },
      onFatal: (error) => this.#onFatal(error),
      restoreMachine: restore,
    };
  }

  /**
   * Called after every applied membership change and installed snapshot
   * (the transport follows the members).
   */
  onMembershipChange: () => void = () => {};

  /** Attaches the Ready loop (once, before serving). */
  attach(node: RaftNode): void {
    this.#node = node;
  }

  /** Called every heartbeat interval with the raft tick. */
  tick(): void {
    this.#barrier.tick(this.#options.readRetryTicks);
    this.#leases.tick();
  }

  /** Fails everything waiting; further requests fail with "server stopped". */
  stop(): void {
    this.#stopped = true;
    this.watch.stop();
    this.#leases.stop();
    this.#deadlines.clear();
    this.#wait.failAll(Errors.stopped());
    this.#barrier.failAll(Errors.stopped());
  }

  /** The store's current revision on this member. */
  get currentRevision(): number {
    return this.#raftNode().machine.kv.currentRevision;
  }

  get requestBytesMax(): number {
    return this.#options.requestBytesMax;
  }

  #raftNode(): RaftNode {
    if (this.#node === null) throw new Error("EtcdServer: no raft node attached");
    return this.#node;
  }

  // ---- reads ----------------------------------------------------------------------

  async range(request: RangeRequest, options?: RequestOptions): Promise<RangeResponse> {
    validateRangeRequest(request);
    if (!request.serializable) await this.#linearizableBarrier(options);
    const machine = this.#raftNode().machine;
    const result = machine.kv.range(request);
    return {
      header: this.#header(machine.kv.currentRevision),
      kvs: result.kvs,
      more: result.more,
      count: result.count,
    };
  }

  async #linearizableBarrier(_options: RequestOptions | undefined): Promise<void> {
    this.#checkRunning();
    await this.#withDeadline(this.#barrier.wait(), Errors.timeout);
  }

  // ---- writes ---------------------------------------------------------------------

  async put(request: PutRequest, options?: RequestOptions): Promise<PutResponse> {
    validatePutRequest(request);
    const applied = await this.#propose({ kind: "put", id: this.#nextId(), request }, options);
    return { ...(applied.response as PutResponse), header: this.#header(applied.revision) };
  }

  async deleteRange(
    request: DeleteRangeRequest,
    options?: RequestOptions,
  ): Promise<DeleteRangeResponse> {
    validateDeleteRangeRequest(request);
    const applied = await this.#propose(
      { kind: "deleteRange", id: this.#nextId(), request },
      options,
    );
    return { ...(applied.response as DeleteRangeResponse), header: this.#header(applied.revision) };
  }

  async txn(request: TxnRequest, options?: RequestOptions): Promise<TxnResponse> {
    validateTxnRequest(request, this.#options.txnOpsMax);
    if (!txnHasWrite(request)) return await this.#readOnlyTxn(request, options);
    const applied = await this.#propose({ kind: "txn", id: this.#nextId(), request }, options);
    return { ...(applied.response as TxnResponse), header: this.#header(applied.revision) };
  }

  /** A txn without writes is a read (etcd's isTxnReadonly): no Raft entry. */
  async #readOnlyTxn(request: TxnRequest, options?: RequestOptions): Promise<TxnResponse> {
    if (!txnSerializable(request)) await this.#linearizableBarrier(options);
    const kv = this.#raftNode().machine.kv;
    const result = kv.txn(request);
    return {
      header: this.#header(kv.currentRevision),
      succeeded: result.succeeded,
      responses: result.responses,
    };
  }

  async compact(request: CompactionRequest, options?: RequestOptions): Promise<CompactionResponse> {
    validateCompactionRequest(request);
    const applied = await this.#propose(
      { kind: "compaction", id: this.#nextId(), request },
      options,
    );
    return { header: this.#header(applied.revision) };
  }

  // ---- leases (lease_server.ts) ------------------------------------------------------

  leaseGrant(request: LeaseGrantRequest, options?: RequestOptions): Promise<LeaseGrantResponse> {
    return this.#leases.grant(request, options);
  }

  leaseRevoke(request: LeaseRevokeRequest, options?: RequestOptions): Promise<LeaseRevokeResponse> {
    return this.#leases.revoke(request, options);
  }

  leaseKeepAlive(request: LeaseKeepAliveRequest): Promise<LeaseKeepAliveResponse> {
    return this.#leases.keepAlive(request);
  }

  leaseTimeToLive(request: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse> {
    return this.#leases.timeToLive(request);
  }

  leaseLeases(): Promise<LeaseLeasesResponse> {
    return this.#leases.leases();
  }

  /** Whether this member keeps the leases' time (the leader, once promoted). */
  get leasePrimary(): boolean {
    return this.#leases.primary;
  }

  /**
   * A peer's request outside Raft (the peer transport's `onRequest`): lease
   * renewals and time-to-live questions a follower forwards to the leader.
   */
  answerPeerRequest(_from: bigint, request: unknown): Promise<unknown> {
    if (isPromoteForward(request)) return this.#answerPromote(request.id);
    if (!isLeaseForward(request)) return Promise.reject(new Error("unknown peer request"));
    return this.#leases.answerForward(request);
  }

  /** Publishes this member's name and client URLs (etcd's publish at start). */
  async publishAttributes(name: string, clientUrls: readonly string[]): Promise<void> {
    const request: InternalRequest = {
      kind: "memberAttributes",
      id: this.#nextId(),
      memberId: this.#options.memberId,
      name,
      clientUrls,
    };
    await this.#propose(request, undefined);
  }

  #nextId(): string {
    return `${this.#bootId}.${++this.#sequence}`;
  }

  async #propose(
    request: InternalRequest,
    options: RequestOptions | undefined,
  ): Promise<Extract<ApplyResult, { ok: true }>> {
    this.#checkRunning();
    const data = encodeRequest(request);
    if (data.length > this.#options.requestBytesMax) throw Errors.requestTooLarge();
    return await this.#submit(request.id, data, options);
  }

  /** Queues a proposal and waits for its apply (or the deadline). */
  async #submit(
    id: string,
    data: Uint8Array | ConfChange,
    _options: RequestOptions | undefined,
  ): Promise<Extract<ApplyResult, { ok: true }>> {
    this.#checkRunning();
    const result = this.#wait.register(id);
    const handle = this.#raftNode().propose(data, (error) => this.#wait.fail(id, error));
    const timeout = () => {
      handle.cancel();
      // Still queued (no leader): etcd-io/raft's Propose blocks until the deadline.
      return handle.submitted ? Errors.timeout() : Errors.deadlineExceeded();
    };
    const settled = await this.#withDeadline(result, timeout)
      .catch((error) => {
        this.#wait.fail(id, error);
        throw error;
      });
    if (!settled.ok) throw settled.error;
    return settled;
  }

  /**
   * Waits for `promise` at most the request timeout; rejects with
   * `onTimeout()` then. A client that goes away is not watched for: its
   * request still ends (applied, failed or timed out) and the answer is
   * dropped, as etcd answers a canceled context nobody reads.
   */
  #withDeadline<T>(promise: Promise<T>, onTimeout: () => EtcdError): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const cancel = this.#deadlines.add(() => reject(onTimeout()));
      promise.then((value) => {
        cancel();
        resolve(value);
      }, (error) => {
        cancel();
        reject(error);
      });
    });
  }

  #onApplied(request: InternalRequest, result: ApplyResult): void {
    this.#leases.onApplied(request, result);
    this.#wait.trigger(request.id, result);
  }

  #onSoftState(state: SoftState): void {
    if (state.lead !== 0n) this.#barrier.retry();
    this.#leases.onLeadership(state.raftState === "leader");
  }

  #onFatal(error: unknown): void {
    this.#options.log.error("raft loop stopped", { error: String(error) });
    this.stop();
  }

  #checkRunning(): void {
    if (this.#stopped) throw Errors.stopped();
  }

  // ---- maintenance ----------------------------------------------------------------

  status(): Promise<StatusResponse> {
    const node = this.#raftNode();
    const status = node.status();
    const kv = node.machine.kv;
    const inUse = backendBytesInUse(kv.approximateBytes);
    return Promise.resolve({
      header: this.#header(kv.currentRevision),
      version: ETCD_COMPAT_VERSION,
      dbSize: inUse + BACKEND_PAGE_BYTES,
      leader: status.softState.lead,
      raftIndex: status.commit,
      raftTerm: status.hardState.term,
      raftAppliedIndex: node.machine.appliedIndex,
      errors: status.softState.lead === 0n ? [Errors.noLeader().message] : [],
      dbSizeInUse: inUse,
      isLearner: node.machine.member(this.#options.memberId)?.isLearner ?? false,
    });
  }

  memberList(): Promise<MemberListResponse> {
    const machine = this.#raftNode().machine;
    return Promise.resolve({ header: this.#header(0), members: machine.members() });
  }

  async memberAdd(request: MemberAddRequest, options?: RequestOptions): Promise<MemberAddResponse> {
    const urls = checkPeerUrls(request.peerUrls);
    const machine = this.#raftNode().machine;
    const taken = new Set(machine.members().flatMap((m) => m.peerUrls));
    if (urls.some((url) => taken.has(url))) throw Errors.peerUrlExist();
    if (request.isLearner && machine.members().filter((m) => m.isLearner).length >= learnersMax) {
      throw Errors.tooManyLearners();
    }
    if (!request.isLearner) {
      this.#checkEnoughStarted(machine.members(), null, { started: 0, total: 1 });
    }
    this.#checkConnectedToAllVoters(machine.members());
    const id = memberIdOf(urls, "", Math.floor(Date.now() / 1000));
    const member: Member = {
      id,
      name: "",
      peerUrls: urls,
      clientUrls: [],
      isLearner: request.isLearner,
    };
    const type = request.isLearner ? "addLearnerNode" : "addNode";
    const applied = await this.#proposeConfChange(type, id, member, options);
    const members = this.#raftNode().machine.members();
    return {
      header: this.#header(applied.revision),
      member: members.find((m) => m.id === id) ?? member,
      members,
    };
  }

  async memberRemove(
    request: MemberRemoveRequest,
    options?: RequestOptions,
  ): Promise<MemberRemoveResponse> {
    const machine = this.#raftNode().machine;
    const removing = machine.member(request.id);
    if (removing === undefined) throw Errors.memberNotFound();
    if (!removing.isLearner) {
      this.#checkEnoughStarted(machine.members(), request.id, { started: 0, total: 0 });
      this.#checkActiveQuorumAfterRemove(machine.members(), request.id);
    }
    const applied = await this.#proposeConfChange("removeNode", request.id, null, options);
    return { header: this.#header(applied.revision), members: this.#raftNode().machine.members() };
  }

  memberPromote(
    request: MemberPromoteRequest,
    options?: RequestOptions,
  ): Promise<MemberPromoteResponse> {
    return this.#promote(request.id, options, true);
  }

  /**
   * etcd's PromoteMember: only the leader knows whether the learner is in
   * sync, so a follower hands the promotion to it over the peer transport
   * (etcd forwards it over its peer HTTP API) and answers with its reply.
   */
  async #promote(
    id: bigint,
    options: RequestOptions | undefined,
    mayForward: boolean,
  ): Promise<MemberPromoteResponse> {
    const node = this.#raftNode();
    const member = node.machine.member(id);
    if (member === undefined) throw Errors.memberNotFound();
    if (!member.isLearner) throw Errors.memberNotLearner();
    if (node.status().progress === null) {
      if (!mayForward) throw Errors.noLeader();
      return await this.#promoteAtLeader(id);
    }
    if (!learnerReady(node, id)) throw Errors.learnerNotReady();
    // etcd counts the learner being promoted as started.
    this.#checkEnoughStarted(node.machine.members(), null, { started: 1, total: 1 });
    const applied = await this.#proposeConfChange("addNode", id, member, options);
    return { header: this.#header(applied.revision), members: this.#raftNode().machine.members() };
  }

  async #promoteAtLeader(id: bigint): Promise<MemberPromoteResponse> {
    const leader = this.#raftNode().leader;
    if (leader === 0n) throw Errors.noLeader();
    const ask = this.#options.askPeer;
    if (ask === undefined) throw Errors.noLeader();
    const forward: PromoteForward = { op: "memberPromote", id };
    let reply: unknown;
    try {
      reply = await ask(leader, forward, this.#options.requestTimeoutMs);
    } catch (error) {
      this.#options.log.warn("failed to forward a learner promotion to the leader", {
        "leader-id": leader.toString(16),
        error: error instanceof Error ? error.message : String(error),
      });
      throw Errors.timeout();
    }
    if (!isPromoteReply(reply)) throw Errors.timeout();
    if (!reply.ok) throw new EtcdError(reply.message, reply.code);
    return { header: this.#header(this.currentRevision), members: reply.members };
  }

  /** The leader's side of a forwarded promotion: its answer, errors included. */
  async #answerPromote(id: bigint): Promise<PromoteReply> {
    try {
      const response = await this.#promote(id, undefined, false);
      return { ok: true, members: response.members };
    } catch (error) {
      if (error instanceof EtcdError) {
        return { ok: false, message: error.message, code: error.code };
      }
      throw error;
    }
  }

  async memberUpdate(
    request: MemberUpdateRequest,
    options?: RequestOptions,
  ): Promise<MemberUpdateResponse> {
    const urls = checkPeerUrls(request.peerUrls);
    const machine = this.#raftNode().machine;
    if (machine.member(request.id) === undefined) throw Errors.memberNotFound();
    const others = machine.members().filter((m) => m.id !== request.id);
    if (urls.some((url) => others.some((m) => m.peerUrls.includes(url)))) {
      throw Errors.peerUrlExist();
    }
    const id = this.#nextId();
    const applied = await this.#propose(
      { kind: "memberUpdate", id, memberId: request.id, peerUrls: urls },
      options,
    );
    return { header: this.#header(applied.revision), members: this.#raftNode().machine.members() };
  }

  /**
   * etcd's IsReadyToAdd/Remove/PromoteVotingMember: after the change, the
   * voters that have started (published their name) must still make a
   * quorum. `without` is a voter leaving; `joining` the voters a change adds.
   */
  #checkEnoughStarted(
    members: readonly Member[],
    without: bigint | null,
    joining: { readonly started: number; readonly total: number },
  ): void {
    if (!this.#options.strictReconfigCheck) return;
    const voters = members.filter((m) => !m.isLearner && m.id !== without);
    const started = voters.filter((m) => m.name !== "").length + joining.started;
    const total = voters.length + joining.total;
    if (joining.started === 0 && started === 1 && total === 2) return; // growing a single member
    if (started < Math.floor(total / 2) + 1) throw Errors.memberNotEnoughStarted();
  }

  /**
   * etcd's mayAddMember, second half (isConnectedFullySince): with
   * --strict-reconfig-check, an add (of a learner too, as in etcd 3.4) needs
   * this member to have been connected to every voter for the last health
   * interval; else "unhealthy cluster".
   */
  #checkConnectedToAllVoters(members: readonly Member[]): void {
    if (!this.#options.strictReconfigCheck) return;
    const voters = members.filter((m) => !m.isLearner);
    const connected = this.#connectedVoters(voters);
    if (connected === voters.length) return;
    this.#options.log.warn(
      "rejecting member add request; local member has not been connected to all peers, reconfigure breaks active quorum",
      {
        "local-member-id": this.#options.memberId.toString(16),
        "active-peers": connected,
        "voting-members": voters.length,
      },
    );
    throw Errors.unhealthy();
  }

  /**
   * etcd's mayRemoveMember, second half: a voter that is down may always be
   * removed (it is not part of the active quorum); otherwise the voters
   * connected to this member for the last health interval (itself included),
   * less the one leaving, must still be a quorum of the voters after the
   * removal; else "unhealthy cluster". Removing this member itself is judged
   * the same way.
   */
  #checkActiveQuorumAfterRemove(members: readonly Member[], id: bigint): void {
    if (!this.#options.strictReconfigCheck) return;
    if (id !== this.#options.memberId && this.#options.peerActiveSince(id) === null) return;
    const voters = members.filter((m) => !m.isLearner);
    const active = this.#connectedVoters(voters);
    if (active - 1 >= 1 + Math.floor((voters.length - 1) / 2)) return;
    this.#options.log.warn(
      "rejecting member remove request; local member has not been connected to all peers, reconfigure breaks active quorum",
      {
        "local-member-id": this.#options.memberId.toString(16),
        "requested-member-remove": id.toString(16),
        "active-peers": active,
      },
    );
    throw Errors.unhealthy();
  }

  /**
   * etcd's numConnectedSince: this member, and the voters connected since a
   * health interval ago (the transport's clock is Date.now, as this one).
   */
  #connectedVoters(voters: readonly Member[]): number {
    const since = Date.now() - (this.#options.healthIntervalMs ?? healthIntervalMsDefault);
    return voters.filter((m) => {
      if (m.id === this.#options.memberId) return true;
      const up = this.#options.peerActiveSince(m.id);
      return up !== null && up < since;
    }).length;
  }

  #proposeConfChange(
    type: ConfChangeType,
    nodeId: bigint,
    member: Member | null,
    options: RequestOptions | undefined,
  ): Promise<Extract<ApplyResult, { ok: true }>> {
    const id = this.#nextId();
    const change: ConfChange = {
      transition: "auto",
      changes: [{ type, nodeId }],
      context: encodeConfChangeContext({ id, member }),
    };
    return this.#submit(id, change, options);
  }

  hash(): Promise<HashResponse> {
    const kv = this.#raftNode().machine.kv;
    return Promise.resolve({ header: this.#header(kv.currentRevision), hash: kv.hash() });
  }

  async health(options?: RequestOptions): Promise<boolean> {
    if (this.#stopped || this.#raftNode().leader === 0n) return false;
    try {
      await this.#linearizableBarrier(options);
      return true;
    } catch {
      return false;
    }
  }

  #header(revision: number): ResponseHeader {
    return {
      clusterId: this.#options.clusterId,
      memberId: this.#options.memberId,
      revision,
      raftTerm: this.#raftNode().term,
    };
  }
}

/** Learners a cluster may have at most (etcd 3.4's maxLearners). */
const learnersMax = 1;

/** How long peers must have been connected to count as healthy (etcd's HealthInterval). */
export const healthIntervalMsDefault = 5000;

/** etcd's ErrMemberBadURLs: the URLs must pass etcd's `types.NewURLs`; returned sorted. */
function checkPeerUrls(urls: readonly string[]): string[] {
  try {
    return parseEtcdUrls(urls);
  } catch (error) {
    if (error instanceof UrlError) throw Errors.memberBadUrls();
    throw error;
  }
}

/**
 * etcd's isLearnerReady: the leader sees the learner's log within 90% of its
 * own. Only the leader knows; a follower lets the request through.
 */
/** bbolt's page size, in which etcd's backend file grows. */
const BACKEND_PAGE_BYTES = 4096;

/** What an empty etcd backend already holds: its meta, freelist and bucket pages. */
const BACKEND_EMPTY_BYTES = 16384;

/**
 * The store's size as etcd's status reports its bbolt file: never empty
 * (a fresh etcd says 16384 in use, 20480 in all) and grown in whole pages.
 * Only what `status` shows; the quota is judged on the store's own count.
 */
function backendBytesInUse(storeBytes: number): number {
  return BACKEND_EMPTY_BYTES + Math.ceil(storeBytes / BACKEND_PAGE_BYTES) * BACKEND_PAGE_BYTES;
}

function learnerReady(node: RaftNode, id: bigint): boolean {
  const progress = node.status().progress;
  if (progress === null) return true;
  const learner = progress.get(id);
  const leader = progress.get(node.status().id);
  if (learner === undefined || leader === undefined) return false;
  return learner.match >= leader.match * 0.9;
}

function txnSerializable(request: TxnRequest): boolean {
  return [...request.success, ...request.failure].every((op) =>
    "requestRange" in op ? op.requestRange.serializable : true
  );
}

/** A learner promotion a follower hands to the leader. */
interface PromoteForward {
  readonly op: "memberPromote";
  readonly id: bigint;
}

/** The leader's answer to a {@linkcode PromoteForward}. */
type PromoteReply =
  | { readonly ok: true; readonly members: Member[] }
  | { readonly ok: false; readonly message: string; readonly code: GrpcCode };

function isPromoteForward(value: unknown): value is PromoteForward {
  const v = value as Partial<PromoteForward> | null;
  return typeof v === "object" && v !== null && v.op === "memberPromote" &&
    typeof v.id === "bigint";
}

function isMember(value: unknown): value is Member {
  const m = value as Partial<Member> | null;
  return typeof m === "object" && m !== null && typeof m.id === "bigint" &&
    typeof m.name === "string" && typeof m.isLearner === "boolean" &&
    Array.isArray(m.peerUrls) && m.peerUrls.every((u) => typeof u === "string") &&
    Array.isArray(m.clientUrls) && m.clientUrls.every((u) => typeof u === "string");
}

function isPromoteReply(value: unknown): value is PromoteReply {
  const r = value as Record<string, unknown> | null;
  if (typeof r !== "object" || r === null) return false;
  if (r.ok === true) return Array.isArray(r.members) && r.members.every(isMember);
  return r.ok === false && typeof r.message === "string" && typeof r.code === "number";
}
