/**
 * The check etcd's Go client makes before `MemberAdd` and `MemberUpdate`
 * send anything ("fail-fast before panic in rafthttp"): etcd's
 * `types.NewURLs` over the given peer URLs, with its messages and those of
 * Go's `url.Parse` word for word (`URL scheme must be http, https, unix, or
 * unixs: foo`, `parse "http://a b:1": invalid character " " in host name`).
 * Only the verdict is kept: the URLs are sent as given.
 *
 * (The server has a full port of `url.Parse` in src/server/urls.ts, which
 * the client may not import; this is the part the check reaches.)
 *
 * @module
 */

import { goQuote } from "../util/go_strconv.ts";

/** A peer URL etcd's client refuses; `message` is what etcdctl prints. */
export class PeerUrlError extends Error {
  override name = "PeerUrlError";
}

/** Go's `url.Parse` failure reasons, before `parse "<url>": ` is put in front. */
class ParseFailure extends Error {}

const HOST_OK = new Set("!$&'()*+,;=:[]<>\"-_.~");
const USERINFO_OK = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

/** Go's `unescape` as a check: bad `%XX` escapes, and characters a host may not hold. */
function checkEscapes(s: string, host: boolean): void {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "%") {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new ParseFailure(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      if (host && parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== "%25") {
        throw new ParseFailure(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      i += 2;
    } else if (host && c.charCodeAt(0) < 0x80 && !/[A-Za-z0-9]/.test(c) && !HOST_OK.has(c)) {
      throw new ParseFailure(`invalid character ${goQuote(c)} in host name`);
    }
  }
}

function checkPort(colonPort: string): void {
  if (colonPort !== "" && !/^:[0-9]*$/.test(colonPort)) {
    throw new ParseFailure(`invalid port ${goQuote(colonPort)} after host`);
  }
}

/** Go's `parseAuthority`: returns the host (still escaped: only its form is checked). */
function parseAuthority(authority: string): string {
  const at = authority.lastIndexOf("@");
  const host = authority.slice(at + 1);
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close < 0) throw new ParseFailure("missing ']' in host");
    checkPort(host.slice(close + 1));
  } else if (host.includes(":")) {
    checkPort(host.slice(host.lastIndexOf(":")));
  }
  checkEscapes(host, true);
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!USERINFO_OK.test(userinfo)) throw new ParseFailure("net/url: invalid userinfo");
    checkEscapes(userinfo, false);
  }
  return host;
}

/** Go's `getScheme`: the scheme (lower-cased) and the rest. */
function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ["", raw];
      continue;
    }
    if (c !== ":") return ["", raw];
    if (i === 0) throw new ParseFailure("missing protocol scheme");
    return [raw.slice(0, i).toLowerCase(), raw.slice(i + 1)];
  }
  return ["", raw];
}

interface ParsedUrl {
  readonly scheme: string;
  readonly host: string;
  readonly path: string;
}

/** Go's `url.Parse` of `raw` without its fragment (`parse` in net/url). */
function parseMain(raw: string): ParsedUrl {
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) {
    throw new ParseFailure("net/url: invalid control character in URL");
  }
  if (raw === "*") return { scheme: "", host: "", path: "*" };
  const [scheme, afterScheme] = splitScheme(raw);
  let rest = afterScheme;
  const query = rest.indexOf("?");
  if (query >= 0) rest = rest.slice(0, query);
  if (!rest.startsWith("/")) {
    if (scheme !== "") return { scheme, host: "", path: "" };
    if ((rest.split("/")[0] ?? "").includes(":")) {
      throw new ParseFailure("first path segment in URL cannot contain colon");
    }
  }
  let host = "";
  if ((scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    host = parseAuthority(slash < 0 ? rest.slice(2) : rest.slice(2, slash));
    rest = slash < 0 ? "" : rest.slice(slash);
  }
  checkEscapes(rest, false);
  return { scheme, host, path: rest };
}

function parseGoUrl(raw: string): ParsedUrl {
  const hash = raw.indexOf("#");
  const main = hash < 0 ? raw : raw.slice(0, hash);
  let url: ParsedUrl;
  try {
    url = parseMain(main);
    if (hash >= 0) {
      try {
        checkEscapes(raw.slice(hash + 1), false);
      } catch (e) {
        if (e instanceof ParseFailure) {
          throw new PeerUrlError(`parse ${goQuote(raw)}: ${e.message}`);
        }
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof ParseFailure) throw new PeerUrlError(`parse ${goQuote(main)}: ${e.message}`);
    throw e;
  }
  return url;
}

/** Whether Go's `net.SplitHostPort` accepts the (unescaped) host of a URL. */
function splitsHostPort(hostport: string): boolean {
  const colon = hostport.lastIndexOf(":");
  if (colon < 0) return false;
  let [j, k] = [0, 0];
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]");
    if (end < 0 || end + 1 !== colon) return false;
    [j, k] = [1, end + 1];
  } else if (hostport.slice(0, colon).includes(":")) return false;
  return !hostport.slice(j).includes("[") && !hostport.slice(k).includes("]");
}

/**
 * etcd's `types.NewURLs` as a check: at least one URL; each one, trimmed,
 * parses, has scheme http, https, unix or unixs, a `host:port` and no
 * path. Throws {@linkcode PeerUrlError} with etcd's or Go's message.
 */
export function checkPeerUrls(urls: readonly string[]): void {
  if (urls.length === 0) throw new PeerUrlError("no valid URLs given");
  for (const entry of urls) {
    const text = entry.trim();
    const url = parseGoUrl(text);
    if (!["http", "https", "unix", "unixs"].includes(url.scheme)) {
      throw new PeerUrlError(`URL scheme must be http, https, unix, or unixs: ${text}`);
    }
    if (!splitsHostPort(decodeHost(url.host))) {
      throw new PeerUrlError(`URL address does not have the form "host:port": ${text}`);
    }
    if (url.path !== "") throw new PeerUrlError(`URL must not contain a path: ${text}`);
  }
}

/** A host's `%XX` escapes decoded (they were checked: only `%25` and bytes ≥ 0x80). */
function decodeHost(host: string): string {
  try {
    return decodeURIComponent(host);
  } catch {
    return host.replaceAll("%25", "%");
  }
}
