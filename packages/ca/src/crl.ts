// The serial numbers a CA's CRL revokes, read from its PEM (puppetserver's is a bundle: one
// CRL for the intermediate CA, one for the root). Node reads certificates but not CRLs, and this
// much is all that is needed: the agent, whether its own certificate is among them (to say so when
// the master refuses it); a master that is not the CA, whether a client's is, on every request.
// Imports nothing but Node and the catalogue (not node-forge), as `@kasper/ca/crl`, so that the
// agent can read a CRL without loading the CA.
import { X509Certificate } from 'node:crypto';
import { raise } from './messages.ts';

interface Tlv {
  tag: number;
  /** Where the value starts and ends. */
  start: number;
  end: number;
}

function tlv(der: Buffer, pos: number): Tlv {
  const tag = der[pos];
  let len = der[pos + 1];
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw raise('KSP-CA-028', { reason: 'unsupported DER length' });
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i];
    start += n;
  }
  if (start + len > der.length) throw raise('KSP-CA-028', { reason: 'truncated DER' });
  return { tag, start, end: start + len };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = parent.start; pos < parent.end;) {
    const t = tlv(der, pos);
    out.push(t);
    pos = t.end;
  }
  return out;
}

/** Serials compare as hex numbers: `00AB`, `00:ab` and `ab` are one serial. */
export function normalizeSerial(hex: string): string {
  return hex.replace(/:/g, '').toUpperCase().replace(/^0+(?=.)/, '');
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

/** The revoked serials of every CRL in a PEM text. Throws on what is not a CRL. */
export function revokedSerials(pem: string): Set<string> {
  const out = new Set<string>();
  for (const m of pem.matchAll(/-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/g)) {
    const der = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
    const crl = tlv(der, 0);
    const tbs = children(der, crl)[0];
    if (crl.tag !== SEQUENCE || tbs?.tag !== SEQUENCE) throw raise('KSP-CA-028', { reason: 'not a CRL' });
    // version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?, [0] extensions?
    const fields = children(der, tbs);
    let i = fields[0]?.tag === INTEGER ? 1 : 0;
    i += 3;
    if (fields[i] && (fields[i].tag === UTC_TIME || fields[i].tag === GENERALIZED_TIME)) i++;
    const revoked = fields[i];
    if (!revoked || revoked.tag !== SEQUENCE) continue;
    for (const entry of children(der, revoked)) {
      const serial = children(der, entry)[0];
      if (serial?.tag === INTEGER) out.add(normalizeSerial(der.subarray(serial.start, serial.end).toString('hex')));
    }
  }
  return out;
}

/** Whether the CRL text revokes this certificate (PEM). */
export function isRevoked(certPem: string | Buffer, crlPem: string): boolean {
  return revokedSerials(crlPem).has(normalizeSerial(new X509Certificate(certPem).serialNumber));
}
