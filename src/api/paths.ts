/**
 * Request paths as Go's HTTP server sees them: percent-decoded, and
 * "cleaned" (`//`, `.` and `..` removed) by `http.ServeMux`, which
 * redirects a request for an unclean path to the clean one.
 *
 * @module
 */

/** The path and the raw query (without `?`, "" if none) of an absolute request URL. */
export function splitUrl(url: string): { path: string; query: string } {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return { path: "/", query: "" };
  const queryAt = url.indexOf("?", start);
  const raw = queryAt < 0 ? url.slice(start) : url.slice(start, queryAt);
  const query = queryAt < 0 ? "" : url.slice(queryAt + 1);
  return { path: raw.includes("%") ? percentDecode(raw) : raw, query };
}

function percentDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function needsCleaning(path: string): boolean {
  return path.includes("//") || path.includes("/./") || path.includes("/../") ||
    path.endsWith("/.") || path.endsWith("/..");
}

/** Go's `path.Clean` of a rooted path, keeping a trailing slash (ServeMux's cleanPath). */
export function cleanPath(path: string): string {
  if (!needsCleaning(path)) return path;
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  const clean = "/" + out.join("/");
  return path.endsWith("/") && clean !== "/" ? clean + "/" : clean;
}
