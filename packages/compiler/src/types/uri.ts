// Puppet's URI values (Ruby's URI, RFC 3986): read from a string or built from a hash of parts,
// printed back as Ruby prints them (the scheme lower-cased, a scheme's default port left out),
// parts read by `$u.scheme`, `$u.host` …, and `URI + 'relative'` resolved as a reference.
// Imports only the message catalogue.
import { raise } from '../messages.ts';

export const URI_PARTS = ['scheme', 'userinfo', 'host', 'port', 'path', 'query', 'fragment', 'opaque'] as const;
export type UriPart = (typeof URI_PARTS)[number];

/** The port a scheme has when none is written (Ruby's URI classes for it). */
const DEFAULT_PORTS: Record<string, bigint> = { http: 80n, https: 443n, ftp: 21n, ldap: 389n, ldaps: 636n, ws: 80n, wss: 443n };

export interface UriFields {
  scheme?: string;
  userinfo?: string;
  host?: string;
  port?: bigint;
  path?: string;
  query?: string;
  fragment?: string;
  opaque?: string;
}

export class PURI {
  readonly scheme: string | undefined;
  readonly userinfo: string | undefined;
  readonly host: string | undefined;
  /** The port as written; `port` gives the scheme's default when none was. */
  readonly givenPort: bigint | undefined;
  readonly path: string;
  readonly query: string | undefined;
  readonly fragment: string | undefined;
  readonly opaque: string | undefined;
  constructor(f: UriFields) {
    this.scheme = f.scheme?.toLowerCase();
    this.userinfo = f.userinfo;
    this.host = f.host;
    this.givenPort = f.port;
    this.path = f.path ?? '';
    this.query = f.query;
    this.fragment = f.fragment;
    this.opaque = f.opaque;
  }
  get defaultPort(): bigint | undefined {
    return this.scheme === undefined ? undefined : DEFAULT_PORTS[this.scheme];
  }
  get port(): bigint | undefined {
    return this.givenPort ?? this.defaultPort;
  }
  /** A part as `$u.part` reads it (undef when absent; the opaque part only for `mailto:x` forms). */
  part(name: UriPart): string | bigint | undefined {
    return name === 'path' ? (this.opaque !== undefined ? undefined : this.path) : this[name];
  }
  toString(): string {
    let s = '';
    if (this.scheme !== undefined) s += `${this.scheme}:`;
    if (this.opaque !== undefined) s += this.opaque;
    else {
      if (this.host !== undefined || this.scheme === 'file' || this.scheme === 'postgres') s += '//';
      if (this.userinfo !== undefined) s += `${this.userinfo}@`;
      if (this.host !== undefined) s += this.host;
      if (this.givenPort !== undefined && this.givenPort !== this.defaultPort) s += `:${this.givenPort}`;
      s += this.path;
      if (this.query !== undefined) s += `?${this.query}`;
    }
    if (this.fragment !== undefined) s += `#${this.fragment}`;
    return s;
  }
  /** Ruby's URI#==: the same parts, scheme and host compared without case. */
  equals(o: PURI): boolean {
    const norm = (u: PURI) => new PURI({ ...u.fields(), host: u.host?.toLowerCase(), path: u.path === '' && u.host !== undefined ? '/' : u.path }).toString();
    return norm(this) === norm(o);
  }
  fields(): UriFields {
    return { scheme: this.scheme, userinfo: this.userinfo, host: this.host, port: this.givenPort, path: this.path, query: this.query, fragment: this.fragment, opaque: this.opaque };
  }
}

// RFC 3986's characters (Ruby's RFC3986 parser is as strict: a space is no URI).
const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const URI_RE = new RegExp(
  '^(?:([A-Za-z][A-Za-z0-9+\\-.]*):)?' + // scheme
  `(?://(?:((?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*)@)?` + // userinfo@
  `(\\[[0-9A-Fa-f:.vV\\]]*\\]|(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*)` + // host
  '(?::(\\d*))?' + // port
  `((?:/${PCHAR}*)*)` + // path after an authority
  `|(${PCHAR}*(?:/${PCHAR}*)*))` + // or a path without one
  `(?:\\?((?:${PCHAR}|[/?])*))?` + // query
  `(?:#((?:${PCHAR}|[/?])*))?$`, // fragment
);

/** A URI from its text, as Ruby's URI.parse reads it; throws KSP-RICH-010 when it is none. */
export function parseUri(text: string): PURI {
  const m = URI_RE.exec(text);
  if (!m) throw raise('KSP-RICH-010', { text });
  const [, scheme, userinfo, host, port, authPath, plainPath, query, fragment] = m;
  const hasAuthority = host !== undefined;
  // `mailto:x@y`: a scheme and a path that does not start with / is Ruby's opaque part.
  if (scheme !== undefined && !hasAuthority && plainPath !== undefined && plainPath !== '' && !plainPath.startsWith('/')) {
    return new PURI({ scheme, opaque: plainPath + (query !== undefined ? `?${query}` : ''), fragment });
  }
  return new PURI({
    scheme, userinfo, host, port: port !== undefined && port !== '' ? BigInt(port) : undefined,
    path: hasAuthority ? authPath : plainPath, query, fragment,
  });
}

/** Resolves a reference against a base URI (RFC 3986 section 5.2), as Ruby's URI#+ does. */
export function resolveUri(base: PURI, ref: PURI): PURI {
  if (ref.scheme !== undefined) return new PURI({ ...ref.fields(), path: removeDots(ref.path) });
  const f: UriFields = { scheme: base.scheme, fragment: ref.fragment };
  if (ref.host !== undefined) {
    Object.assign(f, { userinfo: ref.userinfo, host: ref.host, port: ref.givenPort, path: removeDots(ref.path), query: ref.query });
    return new PURI(f);
  }
  Object.assign(f, { userinfo: base.userinfo, host: base.host, port: base.givenPort });
  if (ref.path === '') {
    f.path = base.path;
    f.query = ref.query ?? base.query;
  } else {
    if (ref.path.startsWith('/')) f.path = removeDots(ref.path);
    else {
      const merged = base.host !== undefined && base.path === '' ? `/${ref.path}` : base.path.slice(0, base.path.lastIndexOf('/') + 1) + ref.path;
      f.path = removeDots(merged);
    }
    f.query = ref.query;
  }
  return new PURI(f);
}

function removeDots(path: string): string {
  const out: string[] = [];
  const segs = path.split('/');
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s === '.') { if (i === segs.length - 1) out.push(''); continue; }
    if (s === '..') { if (out.length > 1) out.pop(); if (i === segs.length - 1) out.push(''); continue; }
    out.push(s);
  }
  return out.join('/');
}
