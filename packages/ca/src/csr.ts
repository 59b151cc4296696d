// Keys, certificate signing requests, and Puppet's certificate extensions in them.
import { generateKeyPairSync, X509Certificate, createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { raise } from './messages.ts';

const { pki, asn1 } = forge;

/** Puppet's registered OIDs for CSR extension requests (pp_role, pp_environment, …): 1.3.6.1.4.1.34380.1.1.*. */
export const PP_EXTENSIONS: Record<string, string> = {
  pp_uuid: '1.3.6.1.4.1.34380.1.1.1', pp_instance_id: '1.3.6.1.4.1.34380.1.1.2', pp_image_name: '1.3.6.1.4.1.34380.1.1.3',
  pp_preshared_key: '1.3.6.1.4.1.34380.1.1.4', pp_cost_center: '1.3.6.1.4.1.34380.1.1.5', pp_product: '1.3.6.1.4.1.34380.1.1.6',
  pp_project: '1.3.6.1.4.1.34380.1.1.7', pp_application: '1.3.6.1.4.1.34380.1.1.8', pp_service: '1.3.6.1.4.1.34380.1.1.9',
  pp_employee: '1.3.6.1.4.1.34380.1.1.10', pp_created_by: '1.3.6.1.4.1.34380.1.1.11', pp_environment: '1.3.6.1.4.1.34380.1.1.12',
  pp_role: '1.3.6.1.4.1.34380.1.1.13', pp_software_version: '1.3.6.1.4.1.34380.1.1.14', pp_department: '1.3.6.1.4.1.34380.1.1.15',
  pp_cluster: '1.3.6.1.4.1.34380.1.1.16', pp_provisioner: '1.3.6.1.4.1.34380.1.1.17', pp_region: '1.3.6.1.4.1.34380.1.1.18',
  pp_datacenter: '1.3.6.1.4.1.34380.1.1.19', pp_zone: '1.3.6.1.4.1.34380.1.1.20', pp_network: '1.3.6.1.4.1.34380.1.1.21',
  pp_securitypolicy: '1.3.6.1.4.1.34380.1.1.22', pp_cloudplatform: '1.3.6.1.4.1.34380.1.1.23', pp_apptier: '1.3.6.1.4.1.34380.1.1.24',
  pp_hostname: '1.3.6.1.4.1.34380.1.1.25', pp_owner: '1.3.6.1.4.1.34380.1.1.26',
};

/**
 * Puppet's authorization extensions (1.3.6.1.4.1.34380.1.3.*, as in Puppet's lib/puppet/ssl/oids.rb):
 * they grant rights (pp_cli_auth: the CA's administrative API), so a request carrying any OID under
 * that arc is signed only when the operator allows it, as puppetserver does.
 */
export const PP_AUTH_EXTENSIONS: Record<string, string> = {
  pp_authorization: '1.3.6.1.4.1.34380.1.3.1', pp_auth_role: '1.3.6.1.4.1.34380.1.3.13', pp_cli_auth: '1.3.6.1.4.1.34380.1.3.39',
};

export const PUPPET_ARC = '1.3.6.1.4.1.34380.1';
const AUTH_ARC = '1.3.6.1.4.1.34380.1.3';
const ALL_EXTENSIONS = { ...PP_EXTENSIONS, ...PP_AUTH_EXTENSIONS };
const OID_NAMES = Object.fromEntries(Object.entries(ALL_EXTENSIONS).map(([k, v]) => [v, k]));
export const inArc = (arc: string, oid: string) => oid === arc || oid.startsWith(`${arc}.`);
export const oidOf = (nameOrOid: string) => ALL_EXTENSIONS[nameOrOid] ?? nameOrOid;

/** Whether an extension (by short name or OID) is one of Puppet's authorization extensions. */
export function isAuthorizationExtension(nameOrOid: string): boolean {
  return inArc(AUTH_ARC, oidOf(nameOrOid));
}

export interface GeneratedKey {
  keyPem: string;
  publicPem: string;
}

export function generateKey(bits = 2048): GeneratedKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { keyPem: privateKey, publicPem: publicKey };
}

/**
 * node-forge lays out the certificate, CSR or CRL; Node's crypto makes the RSA signature (forge's
 * own, in JavaScript, costs ~25 ms each). forge calls `md.update(tbs)` then `key.sign(md)`.
 */
export function nodeSigner(key: KeyObject | string): { key: never; md: never } {
  const digest = { algorithm: 'sha256', bytes: '', start() { this.bytes = ''; return this; }, update(b: string) { this.bytes += b; return this; } };
  const signer = { sign: (m: typeof digest) => cryptoSign('sha256', Buffer.from(m.bytes, 'binary'), key).toString('binary') };
  return { key: signer as never, md: digest as never };
}

export function sha256Fingerprint(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    const der = asn1.toDer(pki.certificationRequestToAsn1(pki.certificationRequestFromPem(pem))).getBytes();
    return createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex').toUpperCase().match(/../g)!.join(':');
  }
}

/** An extension's value as text: a DER string (UTF-8 decoded), else the raw bytes. */
function extensionText(der: string): string {
  let value = der;
  try {
    const v = asn1.fromDer(der).value;
    if (typeof v === 'string') value = v;
    else return String(v);
  } catch { /* raw value */ }
  try {
    return forge.util.decodeUtf8(value);
  } catch {
    return value;
  }
}

export const utf8Extension = (oid: string, text: string) =>
  ({ id: oid, critical: false, value: asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(text))).getBytes() });

/**
 * One subject alternative name as Puppet's `dns_alt_names` writes it: `IP:10.0.0.1` (or a bare IP
 * address) is an IP address, `DNS:name` or a bare name a DNS name.
 */
export function subjectAltName(text: string): { type: 2; value: string } | { type: 7; ip: string } {
  const m = /^(IP|DNS):(.*)$/i.exec(text);
  const value = (m ? m[2] : text).trim();
  if (m ? m[1].toUpperCase() === 'IP' : isIP(value) !== 0) return { type: 7, ip: value };
  return { type: 2, value };
}

/** How the CA shows an alternative name: a DNS name as it is, an IP address as `IP:address` (as Puppet lists them). */
export function altNameText(a: { type: number; value?: string; ip?: string }): string | undefined {
  if (a.type === 2) return a.value;
  if (a.type === 7) return a.ip ? `IP:${a.ip}` : undefined;
  return undefined;
}

export interface CsrOptions {
  /** DNS names and IP addresses (`IP:10.0.0.1`), as Puppet's dns_alt_names. */
  dnsAltNames?: string[];
  /** pp_role and friends, or raw OIDs, requested as certificate extensions. */
  extensions?: Record<string, string>;
  challengePassword?: string;
}

/** A certificate signing request for `name` with the given key. */
export function makeCsr(name: string, keyPem: string, publicPem: string, options: CsrOptions = {}): string {
  const csr = pki.createCertificationRequest();
  csr.publicKey = pki.publicKeyFromPem(publicPem);
  csr.setSubject([{ name: 'commonName', value: name }]);
  const attrs: forge.pki.CertificateField[] = [];
  if (options.challengePassword) attrs.push({ name: 'challengePassword', value: options.challengePassword } as forge.pki.CertificateField);
  const exts: object[] = [];
  if (options.dnsAltNames?.length) exts.push({ name: 'subjectAltName', altNames: options.dnsAltNames.map(subjectAltName) });
  for (const [k, v] of Object.entries(options.extensions ?? {})) exts.push(utf8Extension(oidOf(k), v));
  if (exts.length) attrs.push({ name: 'extensionRequest', extensions: exts } as unknown as forge.pki.CertificateField);
  if (attrs.length) csr.setAttributes(attrs);
  const s = nodeSigner(keyPem);
  csr.sign(s.key, s.md);
  return pki.certificationRequestToPem(csr);
}

export interface ReadCsr {
  name: string;
  dnsAltNames: string[];
  /** Puppet's extensions (1.3.6.1.4.1.34380.1.*), by short name where Puppet has one, else by OID. */
  extensions: Record<string, string>;
  challengePassword?: string;
  csr: forge.pki.CertificateSigningRequest;
}

/** Reads a CSR: its name, requested alt names and extensions; throws CAError on anything malformed. */
export function readCsr(pem: string): ReadCsr {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = pki.certificationRequestFromPem(pem);
  } catch (e) {
    throw raise('KSP-CA-016', { reason: (e as Error).message });
  }
  let verified = false;
  try {
    verified = csr.verify();
  } catch { /* an unknown signature algorithm does not verify */ }
  if (!verified) throw raise('KSP-CA-017');
  const cn = csr.subject.getField('CN')?.value as string | undefined;
  if (!cn) throw raise('KSP-CA-018');
  const dnsAltNames: string[] = [];
  const extensions: Record<string, string> = {};
  const req = csr.getAttribute({ name: 'extensionRequest' }) as unknown as { extensions?: { name?: string; id?: string; altNames?: { type: number; value?: string; ip?: string }[]; value?: string }[] } | null;
  for (const e of req?.extensions ?? []) {
    if (e.name === 'subjectAltName') {
      // DNS names and IP addresses (`IP:…`): both let the certificate stand for another host.
      for (const a of e.altNames ?? []) {
        const text = altNameText(a);
        if (text) dnsAltNames.push(text);
      }
    } else if (e.id && inArc(PUPPET_ARC, e.id)) {
      extensions[OID_NAMES[e.id] ?? e.id] = extensionText(e.value ?? '');
    }
  }
  const cp = csr.getAttribute({ name: 'challengePassword' }) as { value?: string } | null;
  return { name: cn, dnsAltNames, extensions, challengePassword: cp?.value, csr };
}

/**
 * A CSR's PEM as stored: only its first PEM block, re-encoded from its own bytes (nothing
 * re-serialised, so the signature stays valid), and what it signs — subject, key, attributes —
 * to tell a re-submission of the same request from a different one.
 */
export function csrParts(pem: string): { pem: string; signed: string } {
  let block: forge.pem.ObjectPEM | undefined;
  try {
    block = forge.pem.decode(pem)[0];
  } catch (e) {
    throw raise('KSP-CA-016', { reason: (e as Error).message });
  }
  if (!block || block.type !== 'CERTIFICATE REQUEST') throw raise('KSP-CA-016', { reason: 'no CERTIFICATE REQUEST block' });
  try {
    const der = block.body;
    const outer = asn1.fromDer(der);
    const info = (outer.value as forge.asn1.Asn1[])[0]!;
    return { pem: forge.pem.encode({ type: 'CERTIFICATE REQUEST', body: der }).replace(/\r\n/g, '\n'), signed: asn1.toDer(info).getBytes() };
  } catch (e) {
    throw raise('KSP-CA-016', { reason: (e as Error).message });
  }
}

/** Whether two CSRs request the same thing: same subject, key and attributes (signatures may differ). */
export function sameRequest(a: string, b: string): boolean {
  try {
    return csrParts(a).signed === csrParts(b).signed;
  } catch {
    return false;
  }
}

/** Whether a certificate is for the key a CSR carries. */
export function samePublicKey(certPem: string, csrPem: string): boolean {
  try {
    const certKey = pki.publicKeyToPem(pki.certificateFromPem(certPem).publicKey);
    return certKey === pki.publicKeyToPem(pki.certificationRequestFromPem(csrPem).publicKey!);
  } catch {
    return false;
  }
}

/** Puppet's extensions carried by a certificate (what `$trusted.extensions` shows), by short name where known. */
export function certificateExtensions(pem: string): Record<string, string> {
  const cert = pki.certificateFromPem(pem);
  const out: Record<string, string> = {};
  for (const e of cert.extensions as { id: string; value: string }[]) {
    if (!e.id || !inArc(PUPPET_ARC, e.id)) continue;
    out[OID_NAMES[e.id] ?? e.id] = extensionText(e.value);
  }
  return out;
}
