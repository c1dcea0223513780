/**
 * URLs the way etcd 3.4 reads them: Go's `net/url.Parse` (the subset of it a
 * member URL can reach), Go's `net.SplitHostPort` and `net.ParseIP`, etcd's
 * `types.NewURLs` (trimmed, checked, sorted) and `types.NewURLsMap` (the
 * `--initial-cluster` form `name=url,name=url`).
 *
 * A URL is kept as the string Go's `url.URL.String()` prints, because that
 * string is what etcd hashes into member ids and prints in its messages
 * (WHATWG `URL` would lower-case the host and drop default ports).
 *
 * Every error message is Go's or etcd's, word for word. The server reads its
 * flags and config file with these; the client makes etcd's client-side
 * check of peer URLs (`member add/update`) with {@linkcode parseEtcdUrls}.
 *
 * Not ported: Go's IPv6 zone escapes (`[fe80::1%25en%30]`, where a zone may
 * `%`-escape ASCII), and bytes: an unescaped host or path is held as a JS
 * string, so `%`-escapes that are not UTF-8 come back as U+FFFD.
 *
 * @module
 */

import { goQuote } from "./go_strconv.ts";

/** A URL as Go's `url.Parse` splits it. */
export interface GoUrl {
  /** Lower-cased scheme, `""` when there is none. */
  readonly scheme: string;
  /** The text after `scheme:` when it does not start with `/` (`mailto:x`). */
  readonly opaque: string;
  /** Unescaped user name and password (`undefined` without `user@`). */
  readonly user?: { readonly username: string; readonly password?: string };
  /** Unescaped `host[:port]` (brackets kept for IPv6). */
  readonly host: string;
  /** Unescaped path. */
  readonly path: string;
  /** Query text after `?`, verbatim. */
  readonly rawQuery: string;
  /** Whether the URL ended in a bare `?`. */
  readonly forceQuery: boolean;
  /** Unescaped fragment. */
  readonly fragment: string;
  /** The fragment as written, when it is a valid encoding of {@linkcode fragment}. */
  readonly rawFragment: string;
}

/** A URL that Go or etcd refuses; `message` is theirs. */
export class UrlError extends Error {
  /** Creates the error with Go's or etcd's `message`. */
  constructor(message: string) {
    super(message);
    this.name = "UrlError";
  }
}

type Encoding = "host" | "userPassword" | "fragment" | "path";

const HOST_EXTRA = new Set("!$&'()*+,;=:[]<>\"");

function isAlnum(c: string): boolean {
  return /^[A-Za-z0-9]$/.test(c);
}

/** Go's `shouldEscape` for one ASCII character. */
function shouldEscape(c: string, mode: Encoding): boolean {
  if (isAlnum(c)) return false;
  if (mode === "host" && HOST_EXTRA.has(c)) return false;
  if ("-_.~".includes(c)) return false;
  if ("$&+,/:;=?@".includes(c)) {
    if (mode === "userPassword") return "@/?:".includes(c);
    if (mode === "path") return c === "?";
    if (mode === "fragment") return false;
    return true;
  }
  if (mode === "fragment" && "!()*".includes(c)) return false;
  return true;
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

/** Go's `unescape`: `%XX` to bytes, with Go's errors for bad escapes and host characters. */
function unescape(s: string, mode: Encoding): string {
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  let i = 0;
  while (i < s.length) {
    if (s[i] === "%") {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new UrlError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      const value = parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === "host" && value < 0x80 && s.slice(i, i + 3) !== "%25") {
        throw new UrlError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      bytes.push(value);
      i += 3;
      continue;
    }
    // One code point (a surrogate pair stays whole, so it encodes as its 4 UTF-8 bytes).
    const c = String.fromCodePoint(s.codePointAt(i) ?? 0);
    if (mode === "host" && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) {
      throw new UrlError(`invalid character ${goQuote(c)} in host name`);
    }
    bytes.push(...utf8.encode(c));
    i += c.length;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Go's `escape`: every byte that {@linkcode shouldEscape} as `%XX` (upper-case hex). */
function escape(s: string, mode: Encoding): string {
  let out = "";
  for (const ch of s) {
    if (ch.length === 1 && ch.charCodeAt(0) < 0x80 && !shouldEscape(ch, mode)) {
      out += ch;
      continue;
    }
    for (const b of new TextEncoder().encode(ch)) {
      out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
    }
  }
  return out;
}

function validOptionalPort(port: string): boolean {
  return port === "" || /^:[0-9]*$/.test(port);
}

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) {
      throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
    }
  } else {
    const colon = host.lastIndexOf(":");
    if (colon >= 0 && !validOptionalPort(host.slice(colon))) {
      throw new UrlError(`invalid port ${goQuote(host.slice(colon))} after host`);
    }
  }
  return unescape(host, "host");
}

function parseAuthority(authority: string): Pick<GoUrl, "user" | "host"> {
  const at = authority.lastIndexOf("@");
  const host = parseHost(authority.slice(at + 1));
  if (at < 0) return { host };
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) {
    throw new UrlError("net/url: invalid userinfo");
  }
  const colon = userinfo.indexOf(":");
  if (colon < 0) return { host, user: { username: unescape(userinfo, "userPassword") } };
  return {
    host,
    user: {
      username: unescape(userinfo.slice(0, colon), "userPassword"),
      password: unescape(userinfo.slice(colon + 1), "userPassword"),
    },
  };
}

/** Go's `getScheme`: the scheme and the rest, or an error for a leading `:`. */
function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? "";
    if (/^[A-Za-z]$/.test(c)) continue;
    if (/^[0-9+\-.]$/.test(c)) {
      if (i === 0) return ["", raw];
      continue;
    }
    if (c === ":") {
      if (i === 0) throw new UrlError("missing protocol scheme");
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ["", raw];
  }
  return ["", raw];
}

function parseWithoutFragment(raw: string): Omit<GoUrl, "fragment" | "rawFragment"> {
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new UrlError("net/url: invalid control character in URL");
  const [scheme, afterScheme] = splitScheme(raw);
  let rest = afterScheme;
  let rawQuery = "";
  let forceQuery = false;
  if (rest.endsWith("?") && rest.split("?").length === 2) {
    forceQuery = true;
    rest = rest.slice(0, -1);
  } else if (rest.includes("?")) {
    rawQuery = rest.slice(rest.indexOf("?") + 1);
    rest = rest.slice(0, rest.indexOf("?"));
  }
  const base = {
    scheme: scheme.toLowerCase(),
    opaque: "",
    host: "",
    path: "",
    rawQuery,
    forceQuery,
  };
  if (!rest.startsWith("/")) {
    if (base.scheme !== "") return { ...base, opaque: rest };
    if ((rest.split("/")[0] ?? "").includes(":")) {
      throw new UrlError("first path segment in URL cannot contain colon");
    }
  }
  if ((base.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? "" : rest.slice(slash);
    return { ...base, ...parseAuthority(authority), path: unescape(rest, "path") };
  }
  return { ...base, path: unescape(rest, "path") };
}

function validEncodedFragment(s: string): boolean {
  for (const ch of s) {
    if ("!$&'()*+,;=:@[]%".includes(ch)) continue;
    if (ch.length !== 1 || ch.charCodeAt(0) >= 0x80 || shouldEscape(ch, "fragment")) return false;
  }
  return true;
}

/** Runs `parse`, putting Go's `parse "<quoted>": ` in front of a {@linkcode UrlError}. */
function quotingErrors<T>(quoted: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof UrlError) throw new UrlError(`parse ${goQuote(quoted)}: ${err.message}`);
    throw err;
  }
}

/**
 * Go's `url.Parse`. Throws {@linkcode UrlError} with Go's message
 * (`parse "x": first path segment in URL cannot contain colon`). As in Go,
 * an error before the `#` quotes the URL without its fragment
 * (`parse "http://a:1x": invalid port ":1x" after host` for `http://a:1x#f`);
 * a bad escape in the fragment quotes it whole.
 */
export function parseGoUrl(raw: string): GoUrl {
  const hash = raw.indexOf("#");
  const main = hash < 0 ? raw : raw.slice(0, hash);
  const frag = hash < 0 ? "" : raw.slice(hash + 1);
  const url = quotingErrors(main, () => parseWithoutFragment(main));
  const fragment = quotingErrors(raw, () => unescape(frag, "fragment"));
  return { ...url, fragment, rawFragment: validEncodedFragment(frag) ? frag : "" };
}

/** Go's `url.URL.String()`. */
export function formatGoUrl(url: GoUrl): string {
  let out = url.scheme === "" ? "" : url.scheme + ":";
  if (url.opaque !== "") {
    out += url.opaque;
  } else {
    if (url.scheme !== "" || url.host !== "" || url.user !== undefined) {
      if (url.host !== "" || url.path !== "" || url.user !== undefined) out += "//";
      if (url.user !== undefined) {
        out += escape(url.user.username, "userPassword");
        if (url.user.password !== undefined) out += ":" + escape(url.user.password, "userPassword");
        out += "@";
      }
      out += escape(url.host, "host");
    }
    if (url.path !== "" && !url.path.startsWith("/") && url.host !== "") out += "/";
    out += escape(url.path, "path");
  }
  if (url.forceQuery || url.rawQuery !== "") out += "?" + url.rawQuery;
  if (url.fragment !== "") {
    out += "#" + (url.rawFragment !== "" ? url.rawFragment : escape(url.fragment, "fragment"));
  }
  return out;
}

/** Go's `net.SplitHostPort`; throws {@linkcode UrlError} with Go's `address …: …` message. */
export function splitHostPort(hostport: string): { host: string; port: string } {
  const fail = (why: string): never => {
    throw new UrlError(`address ${hostport}: ${why}`);
  };
  const colon = hostport.lastIndexOf(":");
  if (colon < 0) return fail("missing port in address");
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]");
    if (end < 0) return fail("missing ']' in address");
    if (end + 1 === hostport.length) return fail("missing port in address");
    if (end + 1 !== colon) {
      return fail(
        hostport[end + 1] === ":" ? "too many colons in address" : "missing port in address",
      );
    }
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(":")) return fail("too many colons in address");
  }
  if (hostport.slice(j).includes("[")) return fail("unexpected '[' in address");
  if (hostport.slice(k).includes("]")) return fail("unexpected ']' in address");
  return { host, port: hostport.slice(colon + 1) };
}

function isIPv4(s: string): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(s: string): boolean {
  let text = s;
  let groupsMax = 8;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    if (!isIPv4(text.slice(lastColon + 1))) return false;
    text = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const group = /^[0-9A-Fa-f]{1,4}$/;
  const groups = (h: string): string[] | undefined => {
    if (h === "") return [];
    const parts = h.split(":");
    return parts.every((p) => group.test(p)) ? parts : undefined;
  };
  const left = groups(halves[0] ?? "");
  const right = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (left === undefined || right === undefined) return false;
  if (halves.length === 2) groupsMax = 7;
  const count = left.length + right.length;
  return halves.length === 2 ? count <= groupsMax : count === 8;
}

/** Whether Go's `net.ParseIP` accepts `s` (dotted IPv4 without leading zeros, or IPv6). */
export function isIpLiteral(s: string): boolean {
  return s.includes(":") ? isIPv6(s) : isIPv4(s);
}

/**
 * etcd's `types.NewURLs`: each entry trimmed and parsed; scheme http, https,
 * unix or unixs; `host:port`; no path. Returns the URLs as Go prints them,
 * sorted as strings (etcd sorts them too).
 */
export function parseEtcdUrls(entries: readonly string[]): string[] {
  if (entries.length === 0) throw new UrlError("no valid URLs given");
  const out: string[] = [];
  for (const entry of entries) {
    const text = entry.trim();
    const url = parseGoUrl(text);
    if (!["http", "https", "unix", "unixs"].includes(url.scheme)) {
      throw new UrlError(`URL scheme must be http, https, unix, or unixs: ${text}`);
    }
    try {
      splitHostPort(url.host);
    } catch {
      throw new UrlError(`URL address does not have the form "host:port": ${text}`);
    }
    if (url.path !== "") throw new UrlError(`URL must not contain a path: ${text}`);
    out.push(formatGoUrl(url));
  }
  return out.sort(compareStrings);
}

/** Byte-wise string order, as Go's `sort.Strings` (for the ASCII URLs etcd sorts). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `--listen-*-urls` flag form: a comma list, where the empty string means no URLs. */
export function parseUrlList(text: string): string[] {
  return text === "" ? [] : parseEtcdUrls(text.split(","));
}

/**
 * etcd's `types.NewURLsMap` for `--initial-cluster`: `name=url` entries split
 * on commas (empty entries skipped, an entry without `=` is a name with an
 * empty URL); one name may repeat to give a member several URLs. Each name's
 * URLs go through {@linkcode parseEtcdUrls}. Names keep their first-seen order.
 */
export function parseUrlsMap(text: string): Map<string, string[]> {
  const raw = new Map<string, string[]>();
  for (const entry of text.split(",")) {
    if (entry === "") continue;
    const eq = entry.indexOf("=");
    const name = eq < 0 ? entry : entry.slice(0, eq);
    const value = eq < 0 ? "" : entry.slice(eq + 1);
    raw.set(name, [...(raw.get(name) ?? []), value]);
  }
  const out = new Map<string, string[]>();
  for (const [name, urls] of raw) out.set(name, parseEtcdUrls(urls));
  return out;
}

/** etcd's `URLsMap.String()`: `name=url` pairs sorted as strings and joined with commas. */
export function formatUrlsMap(map: ReadonlyMap<string, readonly string[]>): string {
  const pairs: string[] = [];
  for (const [name, urls] of map) for (const url of urls) pairs.push(`${name}=${url}`);
  return pairs.sort(compareStrings).join(",");
}
