// Who is asking: the certname of a client certificate signed by this master's CA and not
// revoked. Revocation is read from the CA's CRL file whenever it changes, whoever wrote it.
import { readFileSync, statSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { normalizeSerial, revokedSerials } from '@kasper/ca';

export interface Identity {
  certname: string;
  /** SHA-256 fingerprint of the certificate (a cache key for its trusted data). */
  fingerprint: string;
  /** The certificate, DER. */
  der: Buffer;
}

/** An identity, or why there is none. */
export type Identify = (req: FastifyRequest) => Identity | { refused: string };

/**
 * Tracks a CRL file: the revoked serials, and a callback when it changes (new TLS context). On
 * the CA master the file is the CA's own and `serials` reads the CA's list; on a master that is
 * not the CA it is the copy fetched from the CA master, whose serials are read from it (and
 * the TLS context renewed, idle connections closed, when it changes; see app.ts).
 */
export class Revocations {
  private mtime: number;
  private serials: Set<string>;
  private readonly crlPath: string;
  private readonly read: () => Set<string>;
  private readonly onChange: () => void;
  constructor(crlPath: string, read: () => Set<string>, onChange: () => void) {
    this.read = read;
    this.onChange = onChange;
    this.crlPath = crlPath;
    this.mtime = statSync(this.crlPath).mtimeMs;
    this.serials = read();
  }
  refresh(): void {
    const m = statSync(this.crlPath).mtimeMs;
    if (m === this.mtime) return;
    this.mtime = m;
    this.serials = this.read();
    this.onChange();
  }
  has(serial: string): boolean {
    return this.serials.has(normalizeSerial(serial));
  }
}

/**
 * On a master that is not the CA: the serials the CRL fetched from the CA master revokes, read
 * again whenever Revocations sees the file change. A CRL that cannot be read keeps the serials
 * read last (the TLS context keeps the last good CRL too), and says so through `warn`.
 */
export function fetchedCrlReader(path: string, warn: (message: string) => void): () => Set<string> {
  let serials = new Set<string>();
  return () => {
    try {
      serials = revokedSerials(readFileSync(path, 'utf8'));
    } catch (e) {
      warn(`the CRL fetched from the CA master (${path}) cannot be read, the last one read is kept: ${(e as Error).message}`);
    }
    return serials;
  };
}

/** The identity TLS proves: the peer certificate verified against the CA, then the CRL. */
export function tlsIdentify(revocations: Revocations): Identify {
  return (req) => {
    const sock = req.raw.socket as TLSSocket;
    if (typeof sock.getPeerCertificate !== 'function') return { refused: 'not a TLS connection' };
    if (!sock.authorized) return { refused: sock.authorizationError ? String(sock.authorizationError) : 'no client certificate' };
    const peer = sock.getPeerCertificate(false);
    if (!peer?.raw) return { refused: 'no client certificate' };
    if (revocations.has(peer.serialNumber)) return { refused: 'the certificate is revoked' };
    const cn = peer.subject?.CN;
    const certname = Array.isArray(cn) ? cn[0] : cn;
    if (!certname) return { refused: 'the certificate has no common name' };
    return { certname, fingerprint: peer.fingerprint256, der: peer.raw };
  };
}
