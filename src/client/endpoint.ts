/**
 * Endpoints as etcdctl accepts them: `127.0.0.1:2379`, `http://host:port`,
 * `https://host:port`. A scheme-less endpoint is plain HTTP unless TLS
 * options are given.
 *
 * @module
 */

/** One endpoint: as given, and the base URL requests go to (`null`: unusable). */
export interface Endpoint {
  /** The endpoint as the user wrote it (what etcdctl prints). */
  readonly name: string;
  /** `http(s)://host:port`, or `null` when the endpoint cannot be parsed. */
  readonly baseUrl: string | null;
}

/** Parses `name`; `secure` picks https for a scheme-less endpoint. */
export function parseEndpoint(name: string, secure = false): Endpoint {
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(name)
    ? name
    : `${secure ? "https" : "http"}://${name}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== "http:" && url.protocol !== "https:") return { name, baseUrl: null };
    if (url.username !== "" || url.password !== "") return { name, baseUrl: null };
    return { name, baseUrl: url.origin };
  } catch {
    return { name, baseUrl: null };
  }
}
