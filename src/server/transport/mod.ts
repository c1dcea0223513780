/**
 * The peer transport: how members exchange Raft messages.
 *
 * - {@linkcode Transport} / {@linkcode PeerTransportHandler}: the interface
 *   the Ready loop sends through and receives from.
 * - {@linkcode TcpTransport}: length-prefixed msgpackr frames over TCP, one
 *   bounded outbound stream per peer, handshake checks, chunked snapshots.
 * - {@linkcode MemoryNetwork} / {@linkcode MemoryTransport}: an in-process
 *   network with per-link faults, for tests and simulations.
 * - {@linkcode transportConformance}: the suite both implementations pass, and
 *   {@linkcode RecordingHandler} for tests of code built on a transport.
 * - {@linkcode fetchClusterInfo}: the cluster id and members from a running
 *   cluster's peer URLs (etcd's `GetClusterFromRemotePeers`), answered by
 *   a TcpTransport given a `clusterInfo` source.
 *
 * @module
 */

export type { PeerTransportHandler, SnapshotDeliveryStatus, Transport } from "./transport.ts";
export { TcpTransport, type TcpTransportOptions } from "./tcp_transport.ts";
export {
  ClusterInfoError,
  fetchClusterInfo,
  type FetchClusterInfoOptions,
} from "./cluster_info.ts";
export {
  type LinkFault,
  MemoryNetwork,
  type MemoryNetworkOptions,
  MemoryTransport,
} from "./memory_transport.ts";
export {
  connectTcp,
  formatPeerUrl,
  listenTcp,
  parsePeerUrl,
  type PeerAddress,
  type PeerConn,
  type PeerConnector,
  type PeerListen,
  type PeerListener,
} from "./address.ts";
export { DEFAULT_TRANSPORT_LIMITS, type TransportLimits, transportLimits } from "./limits.ts";
export { decodeMessage, encodeMessage, PeerProtocolError } from "./codec.ts";
export { type ClusterInfo, type ClusterInfoSource, PEER_PROTOCOL_VERSION } from "./wire.ts";
export { RecordingHandler, waitFor } from "./transport_fixtures.ts";
export {
  type StartedTransport,
  transportConformance,
  type TransportFixture,
  type TransportFixtureFactory,
  type TransportTestRegistrar,
} from "./transport_conformance.ts";
