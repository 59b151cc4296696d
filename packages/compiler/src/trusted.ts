// `$trusted`, built one way for every caller, as Puppet's TrustedInformation is: certname,
// authenticated ('remote' from a verified certificate, 'local' for apply/compile), hostname and
// domain split from the certname at its first dot (not taken from facts), the certificate's
// pp_* extensions, and external data.

export interface TrustedOptions {
  authenticated?: 'remote' | 'local' | 'false';
  extensions?: Record<string, unknown>;
  external?: Record<string, unknown>;
}

/** `$trusted` as plain data (JSON-safe; `null` for a missing domain, undef in Puppet). */
export function trustedData(certname: string, options: TrustedOptions = {}): Record<string, unknown> {
  const dot = certname.indexOf('.');
  // Puppet's key order (TrustedInformation#to_h), which `$trusted` shows when printed.
  return {
    authenticated: options.authenticated ?? 'local',
    certname,
    extensions: options.extensions ?? {},
    hostname: dot < 0 ? certname : certname.slice(0, dot),
    domain: dot < 0 ? null : certname.slice(dot + 1),
    external: options.external ?? {},
  };
}
