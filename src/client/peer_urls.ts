/**
 * The check etcd's Go client makes before `MemberAdd` and `MemberUpdate`
 * send anything ("fail-fast before panic in rafthttp"): etcd's
 * `types.NewURLs` over the given peer URLs, with its messages and those of
 * Go's `url.Parse` word for word (`URL scheme must be http, https, unix, or
 * unixs: foo`, `parse "http://a b:1": invalid character " " in host name`).
 * Only the verdict is kept: the URLs are sent as given.
 *
 * The parsing is src/util/go_url.ts's, shared with the server.
 *
 * @module
 */

import { parseEtcdUrls, UrlError } from "../util/go_url.ts";

/** A peer URL etcd's client refuses; `message` is what etcdctl prints. */
export class PeerUrlError extends Error {
  override name = "PeerUrlError";
}

/**
 * etcd's `types.NewURLs` as a check: at least one URL; each one, trimmed,
 * parses, has scheme http, https, unix or unixs, a `host:port` and no
 * path. Throws {@linkcode PeerUrlError} with etcd's or Go's message.
 */
export function checkPeerUrls(urls: readonly string[]): void {
  try {
    parseEtcdUrls(urls);
  } catch (e) {
    if (e instanceof UrlError) throw new PeerUrlError(e.message);
    throw e;
  }
}
