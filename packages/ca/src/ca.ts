// The certificate authority. Files under `<confdir>/ca`, as Puppet lays them out:
//   ca_crt.pem, ca_key.pem (0600), ca_crl.pem, serial, inventory.txt,
//   requests/NAME.pem (pending CSRs), signed/NAME.pem (issued certificates).
// Keys are made with Node's crypto (native, fast); certificates, CSRs and the CRL with node-forge.
import { generateKeyPairSync, X509Certificate, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, renameSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

const { pki, asn1, md } = forge;

/** Puppet's OIDs for CSR extension requests (pp_role, pp_environment, …) under 1.3.6.1.4.1.34380.1.1. */
export const PP_EXTENSIONS: Record<string, string> = {
  pp_uuid: '1.3.6.1.4.1.34380.1.1.1', pp_instance_id: '1.3.6.1.4.1.34380.1.1.2', pp_image_name: '1.3.6.1.4.1.34380.1.1.3',
  pp_preshared_key: '1.3.6.1.4.1.34380.1.1.4', pp_cost_center: '1.3.6.1.4.1.34380.1.1.5', pp_product: '1.3.6.1.4.1.34380.1.1.6',
  pp_project: '1.3.6.1.4.1.34380.1.1.7', pp_application: '1.3.6.1.4.1.34380.1.1.8', pp_service: '1.3.6.1.4.1.34380.1.1.9',
  pp_employee: '1.3.6.1.4.1.34380.1.1.10', pp_created_by: '1.3.6.1.4.1.34380.1.1.11', pp_environment: '1.3.6.1.4.1.34380.1.1.12',
  pp_role: '1.3.6.1.4.1.34380.1.1.13', pp_software_version: '1.3.6.1.4.1.34380.1.1.14', pp_department: '1.3.6.1.4.1.34380.1.1.15',
  pp_cluster: '1.3.6.1.4.1.34380.1.1.16', pp_provisioner: '1.3.6.1.4.1.34380.1.1.17', pp_region: '1.3.6.1.4.1.34380.1.1.18',
  pp_datacenter: '1.3.6.1.4.1.34380.1.1.19', pp_zone: '1.3.6.1.4.1.34380.1.1.20', pp_network: '1.3.6.1.4.1.34380.1.1.21',
  pp_securitypolicy: '1.3.6.1.4.1.34380.1.1.22', pp_cloudplatform: '1.3.6.1.4.1.34380.1.1.23', pp_apptier: '1.3.6.1.4.1.34380.1.1.24',
  pp_hostname: '1.3.6.1.4.1.34380.1.1.25',
};
const OID_NAMES = Object.fromEntries(Object.entries(PP_EXTENSIONS).map(([k, v]) => [v, k]));

export class CAError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}

/** A certname: lower-case letters, digits, dots, dashes, underscores (Puppet's rule). */
export function checkName(name: string): void {
  if (!/^[a-z0-9._-]+$/.test(name) || name.length > 255 || name.startsWith('.')) {
    throw new CAError(`Invalid certname '${name}': use lower-case letters, digits, '.', '-' and '_'`);
  }
}

export interface CertInfo {
  name: string;
  state: 'requested' | 'signed' | 'revoked';
  fingerprint: string;
  serial?: string;
  notAfter?: string;
  dnsAltNames: string[];
  extensions: Record<string, string>;
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

/** Writes a file atomically with a mode (private keys 0600). */
function writeSecure(path: string, content: string, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

function sha256Fingerprint(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    const der = asn1.toDer(pki.certificationRequestToAsn1(pki.certificationRequestFromPem(pem))).getBytes();
    return createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex').toUpperCase().match(/../g)!.join(':');
  }
}

export interface CsrOptions {
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
  if (options.dnsAltNames?.length) exts.push({ name: 'subjectAltName', altNames: options.dnsAltNames.map((d) => ({ type: 2, value: d })) });
  for (const [k, v] of Object.entries(options.extensions ?? {})) {
    const oid = PP_EXTENSIONS[k] ?? k;
    exts.push({ id: oid, critical: false, value: asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, v)).getBytes() });
  }
  if (exts.length) attrs.push({ name: 'extensionRequest', extensions: exts } as unknown as forge.pki.CertificateField);
  if (attrs.length) csr.setAttributes(attrs);
  csr.sign(pki.privateKeyFromPem(keyPem), md.sha256.create());
  return pki.certificationRequestToPem(csr);
}

/** Reads a CSR: its name, requested alt names and extensions; throws CAError on anything malformed. */
export function readCsr(pem: string): { name: string; dnsAltNames: string[]; extensions: Record<string, string>; challengePassword?: string; csr: forge.pki.CertificateSigningRequest } {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = pki.certificationRequestFromPem(pem);
  } catch (e) {
    throw new CAError(`Malformed certificate request: ${(e as Error).message}`);
  }
  if (!csr.verify()) throw new CAError('The certificate request signature does not verify');
  const cn = csr.subject.getField('CN')?.value as string | undefined;
  if (!cn) throw new CAError('The certificate request has no common name');
  const dnsAltNames: string[] = [];
  const extensions: Record<string, string> = {};
  const req = csr.getAttribute({ name: 'extensionRequest' }) as unknown as { extensions?: { name?: string; id?: string; altNames?: { type: number; value: string }[]; value?: string }[] } | null;
  for (const e of req?.extensions ?? []) {
    if (e.name === 'subjectAltName') {
      for (const a of e.altNames ?? []) if (a.type === 2) dnsAltNames.push(a.value);
    } else if (e.id && e.id.startsWith('1.3.6.1.4.1.34380.1')) {
      let value = e.value ?? '';
      try {
        value = String(asn1.fromDer(value).value);
      } catch { /* raw value */ }
      extensions[OID_NAMES[e.id] ?? e.id] = value;
    }
  }
  const cp = csr.getAttribute({ name: 'challengePassword' }) as { value?: string } | null;
  return { name: cn, dnsAltNames, extensions, challengePassword: cp?.value, csr };
}

export interface AutosignPolicy {
  /** Globs like `*.example.com`; `true` signs everything (for tests only). */
  allow?: string[] | boolean;
  /** An executable: gets the name as its argument and the CSR PEM on stdin; exit 0 signs. */
  policyExecutable?: string;
}

export function globMatches(glob: string, name: string): boolean {
  const re = new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^.]*(?:\\.[^.]+)*?')}$`);
  if (glob.startsWith('*.')) return name.endsWith(glob.slice(1)) && name.length > glob.length - 1;
  return re.test(name);
}

export class CertificateAuthority {
  readonly dir: string;
  constructor(confdir: string) {
    this.dir = join(confdir, 'ca');
  }

  private path(...p: string[]): string {
    return join(this.dir, ...p);
  }

  get initialized(): boolean {
    return existsSync(this.path('ca_crt.pem')) && existsSync(this.path('ca_key.pem'));
  }

  /** Creates the CA key, its self-signed certificate and an empty CRL. Idempotent. */
  setup(commonName = 'Kasper CA'): void {
    if (this.initialized) return;
    for (const d of ['requests', 'signed']) mkdirSync(this.path(d), { recursive: true, mode: 0o750 });
    const key = generateKey(2048);
    const cert = pki.createCertificate();
    cert.publicKey = pki.publicKeyFromPem(key.publicPem);
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
    cert.validity.notAfter = new Date(Date.now() + 15 * 365 * 24 * 3600 * 1000);
    const subject = [{ name: 'commonName', value: `${commonName}: ${new Date().toISOString()}` }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(pki.privateKeyFromPem(key.keyPem), md.sha256.create());
    writeSecure(this.path('ca_key.pem'), key.keyPem, 0o600);
    writeSecure(this.path('ca_crt.pem'), pki.certificateToPem(cert));
    writeSecure(this.path('serial'), '02\n');
    writeSecure(this.path('inventory.txt'), '');
    this.writeCrl([]);
  }

  caCertPem(): string {
    return readFileSync(this.path('ca_crt.pem'), 'utf8');
  }

  crlPem(): string {
    return readFileSync(this.path('ca_crl.pem'), 'utf8');
  }

  private caKey(): forge.pki.rsa.PrivateKey {
    return pki.privateKeyFromPem(readFileSync(this.path('ca_key.pem'), 'utf8')) as forge.pki.rsa.PrivateKey;
  }

  private nextSerial(): string {
    const s = readFileSync(this.path('serial'), 'utf8').trim();
    const next = (BigInt(`0x${s}`) + 1n).toString(16).toUpperCase().padStart(2, '0');
    writeSecure(this.path('serial'), `${next.length % 2 ? `0${next}` : next}\n`);
    return s.length % 2 ? `0${s}` : s;
  }

  /** Stores a CSR as pending. A name with a signed certificate must be cleaned first. */
  submit(pem: string): { name: string } {
    if (pem.length > 64 * 1024) throw new CAError('The certificate request is too large');
    const { name } = readCsr(pem);
    checkName(name);
    if (existsSync(this.path('signed', `${name}.pem`))) {
      throw new CAError(`${name} already has a signed certificate; ask the CA operator to run 'kasper ca clean ${name}'`, 409);
    }
    writeSecure(this.path('requests', `${name}.pem`), pem);
    return { name };
  }

  /** Signs a pending request (or a CSR given directly, for the master's own certificate). */
  sign(name: string, options: { allowDnsAltNames?: boolean; csrPem?: string; server?: boolean } = {}): string {
    checkName(name);
    const reqPath = this.path('requests', `${name}.pem`);
    const pem = options.csrPem ?? (existsSync(reqPath) ? readFileSync(reqPath, 'utf8') : undefined);
    if (!pem) throw new CAError(`Could not find a certificate request for ${name}`, 404);
    const csr = readCsr(pem);
    if (csr.name !== name) throw new CAError(`The request's name ${csr.name} is not ${name}`);
    if (csr.dnsAltNames.length && !options.allowDnsAltNames && !options.server) {
      throw new CAError(`The request for ${name} asks for DNS alt names (${csr.dnsAltNames.join(', ')}); sign it with --allow-dns-alt-names if they are wanted`);
    }
    const caCert = pki.certificateFromPem(this.caCertPem());
    const cert = pki.createCertificate();
    cert.publicKey = csr.csr.publicKey!;
    cert.serialNumber = this.nextSerial();
    cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
    cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000);
    cert.setSubject([{ name: 'commonName', value: name }]);
    cert.setIssuer(caCert.subject.attributes);
    // IP addresses among the alt names become IP entries, so agents can reach a master by address.
    const altNames = [name, ...csr.dnsAltNames.filter((d) => d !== name)].map((d) =>
      /^\d{1,3}(\.\d{1,3}){3}$/.test(d) ? { type: 7, ip: d } : { type: 2, value: d });
    const exts: object[] = [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
      { name: 'subjectAltName', altNames },
    ];
    for (const [k, v] of Object.entries(csr.extensions)) {
      exts.push({ id: PP_EXTENSIONS[k] ?? k, critical: false, value: asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, v)).getBytes() });
    }
    cert.setExtensions(exts);
    cert.sign(this.caKey(), md.sha256.create());
    const certPem = pki.certificateToPem(cert);
    writeSecure(this.path('signed', `${name}.pem`), certPem);
    const line = `0x${cert.serialNumber} ${cert.validity.notBefore.toISOString()} ${cert.validity.notAfter.toISOString()} /CN=${name}\n`;
    writeFileSync(this.path('inventory.txt'), line, { flag: 'a' });
    rmSync(reqPath, { force: true });
    return certPem;
  }

  /** Generates a key and a signed certificate in one step (`kasper ca generate`, the master's own). */
  generate(name: string, dnsAltNames: string[] = []): { keyPem: string; certPem: string } {
    const key = generateKey(2048);
    const csr = makeCsr(name, key.keyPem, key.publicPem, { dnsAltNames });
    return { keyPem: key.keyPem, certPem: this.sign(name, { csrPem: csr, server: true }) };
  }

  certificatePem(name: string): string | undefined {
    checkName(name);
    const p = this.path('signed', `${name}.pem`);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  }

  requestPem(name: string): string | undefined {
    checkName(name);
    const p = this.path('requests', `${name}.pem`);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  }

  private revokedSerials(): { serial: string; date: Date; name?: string }[] {
    const p = this.path('revoked.json');
    return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { serial: string; date: string; name?: string }[]).map((r) => ({ ...r, date: new Date(r.date) })) : [];
  }

  /** Serial numbers of revoked certificates, as hex without leading zeros, upper case. */
  revokedSerialNumbers(): Set<string> {
    return new Set(this.revokedSerials().map((r) => normalizeSerial(r.serial)));
  }

  /** Revokes a signed certificate and publishes a new CRL. */
  revoke(name: string): void {
    const pem = this.certificatePem(name);
    if (!pem) throw new CAError(`Could not find a signed certificate for ${name}`, 404);
    const serial = pki.certificateFromPem(pem).serialNumber.toUpperCase();
    const revoked = this.revokedSerials();
    if (!revoked.some((r) => r.serial === serial)) revoked.push({ serial, date: new Date(), name });
    writeSecure(this.path('revoked.json'), JSON.stringify(revoked.map((r) => ({ ...r, date: r.date.toISOString() })), null, 2));
    this.writeCrl(revoked);
  }

  /** Removes every trace of a node (revoking a signed certificate first), so it can ask anew. */
  clean(name: string): void {
    checkName(name);
    const pem = this.certificatePem(name);
    if (pem && !this.isRevoked(pem)) this.revoke(name);
    rmSync(this.path('signed', `${name}.pem`), { force: true });
    rmSync(this.path('requests', `${name}.pem`), { force: true });
  }

  isRevoked(certPem: string): boolean {
    return this.revokedSerialNumbers().has(normalizeSerial(pki.certificateFromPem(certPem).serialNumber));
  }

  list(all = false): CertInfo[] {
    const out: CertInfo[] = [];
    const revoked = new Set(this.revokedSerials().map((r) => r.serial));
    for (const f of readdirSync(this.path('requests')).filter((x) => x.endsWith('.pem')).sort()) {
      const pem = readFileSync(this.path('requests', f), 'utf8');
      const csr = readCsr(pem);
      out.push({ name: csr.name, state: 'requested', fingerprint: sha256Fingerprint(pem), dnsAltNames: csr.dnsAltNames, extensions: csr.extensions });
    }
    if (all) {
      for (const f of readdirSync(this.path('signed')).filter((x) => x.endsWith('.pem')).sort()) {
        out.push(this.info(f.slice(0, -4), revoked)!);
      }
    }
    return out;
  }

  info(name: string, revoked = new Set(this.revokedSerials().map((r) => r.serial))): CertInfo | undefined {
    const pem = this.certificatePem(name);
    if (!pem) {
      const req = this.requestPem(name);
      if (!req) return undefined;
      const csr = readCsr(req);
      return { name, state: 'requested', fingerprint: sha256Fingerprint(req), dnsAltNames: csr.dnsAltNames, extensions: csr.extensions };
    }
    const cert = pki.certificateFromPem(pem);
    const serial = cert.serialNumber.toUpperCase();
    const san = cert.getExtension('subjectAltName') as { altNames?: { type: number; value: string }[] } | null;
    return {
      name, state: revoked.has(serial) ? 'revoked' : 'signed', fingerprint: sha256Fingerprint(pem), serial,
      notAfter: cert.validity.notAfter.toISOString(),
      dnsAltNames: (san?.altNames ?? []).filter((a) => a.type === 2).map((a) => a.value),
      extensions: certificateExtensions(pem),
    };
  }

  /** Decides about a freshly submitted CSR: signs it when the autosign policy says so. */
  async autosign(name: string, pem: string, policy: AutosignPolicy, runPolicy: (exe: string, name: string, pem: string) => Promise<number>): Promise<boolean> {
    let ok = false;
    if (policy.allow === true) ok = true;
    else if (Array.isArray(policy.allow)) ok = policy.allow.some((g) => globMatches(g, name));
    if (!ok && policy.policyExecutable) ok = (await runPolicy(policy.policyExecutable, name, pem)) === 0;
    if (ok) this.sign(name);
    return ok;
  }

  /** A CRL (v2, sha256WithRSA) listing the revoked serials, signed by the CA key. */
  private writeCrl(revoked: { serial: string; date: Date }[]): void {
    const caCert = pki.certificateFromPem(this.caCertPem());
    const now = new Date();
    const next = new Date(now.getTime() + 5 * 365 * 24 * 3600 * 1000);
    const crlNumberFile = this.path('crl_number');
    const crlNumber = existsSync(crlNumberFile) ? Number(readFileSync(crlNumberFile, 'utf8')) + 1 : 1;
    writeSecure(crlNumberFile, String(crlNumber));
    const time = (d: Date) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d));
    const sigAlg = () => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(pki.oids.sha256WithRSAEncryption).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
    ]);
    const intBytes = (hex: string) => {
      const h = hex.length % 2 ? `0${hex}` : hex;
      const bytes = forge.util.hexToBytes(h);
      return bytes.charCodeAt(0) & 0x80 ? `\u0000${bytes}` : bytes;
    };
    const tbsItems = [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\u0001'),
      sigAlg(),
      pki.distinguishedNameToAsn1(caCert.subject),
      time(now),
      time(next),
    ];
    if (revoked.length) {
      tbsItems.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, revoked.map((r) =>
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, intBytes(r.serial)),
          time(r.date),
        ]))));
    }
    // Extensions [0]: authorityKeyIdentifier and cRLNumber.
    const ski = caCert.generateSubjectKeyIdentifier().getBytes();
    tbsItems.push(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('2.5.29.35').getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(
            asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, ski)])).getBytes()),
        ]),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('2.5.29.20').getBytes()),
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(
            asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, intBytes(crlNumber.toString(16)))).getBytes()),
        ]),
      ]),
    ]));
    const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, tbsItems);
    const digest = md.sha256.create();
    digest.update(asn1.toDer(tbs).getBytes());
    const signature = this.caKey().sign(digest);
    const crl = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      tbs,
      sigAlg(),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature}`),
    ]);
    const pem = forge.pem.encode({ type: 'X509 CRL', body: asn1.toDer(crl).getBytes() });
    writeSecure(this.path('ca_crl.pem'), pem.replace(/\r\n/g, '\n'));
  }
}

/** pp_* extensions carried by a certificate (what `$trusted.extensions` shows). */
export function certificateExtensions(pem: string): Record<string, string> {
  const cert = pki.certificateFromPem(pem);
  const out: Record<string, string> = {};
  for (const e of cert.extensions as { id: string; value: string }[]) {
    if (!e.id?.startsWith('1.3.6.1.4.1.34380.1')) continue;
    let value = e.value;
    try {
      value = String(asn1.fromDer(e.value).value);
    } catch { /* raw */ }
    out[OID_NAMES[e.id] ?? e.id] = value;
  }
  return out;
}

/** Serials compare as hex numbers: `00AB` and `ab` are one serial. */
export function normalizeSerial(hex: string): string {
  return hex.replace(/:/g, '').toUpperCase().replace(/^0+(?=.)/, '');
}
