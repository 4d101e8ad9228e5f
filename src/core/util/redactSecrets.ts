/**
 * Query parameters that carry a secret in the URLs Quarry is given: libpq's `password` and
 * `sslpassword`, and the API keys and tokens model servers and proxies take in a URL.
 */
const SECRET_PARAMETER = /^(password|sslpassword|api[-_]?key|key|token|access[-_]?token|auth|secret)$/i;

/** A URL inside any text: a scheme, `://`, and everything up to white space or a quote. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>`]+/gi;

/**
 * The URL without its secrets: a password in the user part and every secret query parameter are
 * dropped (not masked: a saved URL must still work, taking its password from where it is kept).
 * Written without `new URL`, which refuses libpq's multi-host URLs.
 */
export function redactUrl(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)?([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(url);
  if (!match) return url;
  const [, scheme, userInfo, rest, query, fragment] = match;
  const user = userInfo === undefined ? '' : `${userInfo.slice(0, -1).split(':')[0]}@`;
  const kept = (query ?? '')
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !SECRET_PARAMETER.test(safeDecode(pair.split('=')[0]!)));
  return `${scheme}${user}${rest}${kept.length > 0 ? `?${kept.join('&')}` : ''}${fragment ?? ''}`;
}

/** Every URL in a message, a log line or a file's text, redacted. */
export function redactSecrets(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A settings object with every string in it redacted (an endpoint's API key, a URL's password), for files that record it. */
export function redactSecretsIn<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactSecretsIn(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactSecretsIn(item)])) as T;
  }
  return value;
}
