// The request target as the routes expect it: a path. An absolute-form target
// ("POST http://host/v1/chat/completions", which RFC 9112 asks servers to accept) is reduced to
// its path and query, so it is routed like any other and never forwarded upstream verbatim.
// Backslashes in the path are percent-encoded: the HTTP adapter would refuse them with an empty
// 400, and as "%5C" they reach the routes, where no model id may contain one (404).

/** The target in origin-form, or null when it is neither a path nor an absolute http(s) URL. */
export function toOriginForm(target: string): string | null {
  if (target.charCodeAt(0) !== 47 /* "/" */) {
    const authority = /^https?:\/\/[^/?#]*/i.exec(target);
    if (authority === null) return null;
    const rest = target.slice(authority[0].length);
    if (rest === '') target = '/';
    else if (rest.charCodeAt(0) === 63 /* "?" */) target = `/${rest}`;
    else if (rest.charCodeAt(0) === 47) target = rest;
    else return null;
  }
  const backslash = target.indexOf('\\');
  if (backslash < 0) return target; // the common case: no copy
  const q = target.indexOf('?');
  if (q >= 0 && q < backslash) return target;
  const path = q < 0 ? target : target.slice(0, q);
  return path.replaceAll('\\', '%5C') + (q < 0 ? '' : target.slice(q));
}
