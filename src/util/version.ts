/**
 * The version of etcd-ts and of the etcd API it speaks.
 *
 * @module
 */

/** The etcd-ts release version. */
export const VERSION = "0.1.0";

/** The etcd v3 API version this build is compatible with. */
export const API_VERSION = "3.4";

/**
 * The etcd release whose API and output etcd-ts reproduces: `GET /version`'s
 * `etcdserver`, the status response's `version`, `etcdctl version`.
 */
export const ETCD_COMPAT_VERSION = "3.4.23";

/** The cluster version etcd-ts reports (`GET /version`'s `etcdcluster`). */
export const ETCD_CLUSTER_VERSION = "3.4.0";
