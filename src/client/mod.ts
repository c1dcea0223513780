/**
 * The etcd client: {@linkcode EtcdClient} over the HTTP/JSON gateway with
 * endpoint failover and timeouts, and the endpoint parser it uses.
 *
 * @module
 */

export {
  type CallOptions,
  EtcdClient,
  type EtcdClientOptions,
  type HealthResult,
  type TlsOptions,
  type VersionResult,
} from "./client.ts";
export { type Endpoint, parseEndpoint } from "./endpoint.ts";
export { checkPeerUrls, PeerUrlError } from "./peer_urls.ts";
export { canceled, connectionLost, deadlineExceeded, errorFromResponse } from "./errors.ts";
export { type KeepAliveEnd, type KeepAliveOptions, LeaseClient } from "./lease.ts";
export {
  parseWatchLine,
  type WatchClientOptions,
  WatchConnection,
  Watcher,
  type WatchSpec,
} from "./watch.ts";
