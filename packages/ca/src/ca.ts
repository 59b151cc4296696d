// The certificate authority. Files under `<confdir>/ca`, as Puppet lays them out:
//   ca_crt.pem, ca_crl.pem (public, 0644), ca_key.pem, serial, inventory.txt, revoked.json,
//   crl_number (0600), requests/NAME.pem (pending CSRs), signed/NAME.pem (issued certificates),
//   the folders 0700, and ca.lock while a process changes any of it.
// Keys and signatures are made with Node's crypto; certificates and the CRL are laid out with node-forge.
import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import {
  chmodSync, chownSync, closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, realpathSync, rmSync, statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import forge from 'node-forge';
import { writeFileAtomic } from '@kasper/files';
import { globMatches, runAutosignPolicy, type AutosignPolicy } from './autosign.ts';
import {
  certificateExtensions, csrParts, generateKey, isAuthorizationExtension, makeCsr, nodeSigner, oidOf, readCsr, sameRequest, samePublicKey,
  sha256Fingerprint, subjectAltName, altNameText, utf8Extension,
} from './csr.ts';
import { normalizeSerial } from './crl.ts';
import { withFileLock } from './lock.ts';
import { CAError, certnamePath, checkName } from './names.ts';
import { raise } from './messages.ts';

const { pki, asn1 } = forge;

export interface CertInfo {
  name: string;
  state: 'requested' | 'signed' | 'revoked';
  fingerprint: string;
  serial?: string;
  notAfter?: string;
  dnsAltNames: string[];
  extensions: Record<string, string>;
}

const PUBLIC_FILES = new Set(['ca_crt.pem', 'ca_crl.pem']);

/**
 * Who CA files belong to: the owner of the CA folder when root writes into another user's CA (the
 * master runs as an unprivileged user; `kasper ca` run as root must not leave files it cannot read).
 */
function ownerOf(dir: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const st = statSync(dir);
    return st.uid !== 0 ? { uid: st.uid, gid: st.gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Flushes a folder, so a rename in it survives a crash (the serial counter, issued certificates). */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Sets a mode if it differs; a file that vanished or that this user may not change is left alone. */
function ensureMode(path: string, mode: number): void {
  try {
    const st = lstatSync(path);
    if (!st.isSymbolicLink() && (st.mode & 0o777) !== mode) chmodSync(path, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw e;
  }
}

export interface CAOptions {
  /** How long to wait for another process's lock on the CA before giving up (default 60 s). */
  lockTimeoutMs?: number;
  /** A lock older than this is stale even if its process seems alive (a reused pid; default 10 min). */
  lockStaleMs?: number;
}

export interface SignOptions {
  /** Sign although the request asks for DNS alt names (other than its own name). */
  allowDnsAltNames?: boolean;
  /** Sign although the request asks for authorization extensions (pp_cli_auth, pp_auth_role, …). */
  allowAuthorizationExtensions?: boolean;
  /** Sign this CSR rather than the pending request (`generate`, the master's own certificate). */
  csrPem?: string;
  /** A server certificate made by the CA itself: its alt names need no approval. */
  server?: boolean;
}

export class CertificateAuthority {
  readonly dir: string;
  private readonly lockTimeoutMs: number;
  private readonly lockStaleMs: number;
  private key?: KeyObject;

  constructor(confdir: string, options: CAOptions = {}) {
    this.dir = join(confdir, 'ca');
    this.lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
    this.lockStaleMs = options.lockStaleMs ?? 10 * 60_000;
    this.secureModes();
  }

  private path(file: string): string {
    return join(this.dir, file);
  }

  /** Writes a CA file atomically (temporary file, fsync, rename), 0600 unless it is public, owned as the CA folder. */
  private write(path: string, content: string, mode = 0o600): void {
    writeFileAtomic(path, content, mode, ownerOf(this.dir));
  }

  /** requests/NAME.pem or signed/NAME.pem, through the one safe join. */
  private namePath(folder: 'requests' | 'signed', name: string): string {
    return certnamePath(this.dir, folder, name);
  }

  private readNamed(folder: 'requests' | 'signed', name: string): string | undefined {
    const p = this.namePath(folder, name);
    try {
      return readFileSync(p, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Folders 0700, files 0600, the CA certificate and CRL 0644 — also for a CA an older Kasper made. */
  private secureModes(): void {
    const entries = (dir: string) => {
      try {
        return readdirSync(dir, { withFileTypes: true });
      } catch {
        return []; // not there yet, or not ours to read: what follows says so
      }
    };
    if (!existsSync(this.dir)) return;
    ensureMode(this.dir, 0o700);
    for (const entry of entries(this.dir)) {
      const p = join(this.dir, entry.name);
      if (entry.isDirectory()) {
        ensureMode(p, 0o700);
        for (const f of entries(p)) if (f.isFile()) ensureMode(join(p, f.name), 0o600);
      } else if (entry.isFile()) {
        ensureMode(p, PUBLIC_FILES.has(entry.name) ? 0o644 : 0o600);
      }
    }
  }

  /**
   * Runs `fn` holding the CA's lock, `ca.lock` (see lock.ts): one lock for every process that changes
   * the CA (the master, `kasper ca …`); serials, the inventory and the request/signed folders
   * change under it only. A live holder is waited for up to lockTimeoutMs, then 503.
   */
  private withLock<T>(fn: () => T): T {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const lockPath = join(realpathSync(this.dir), 'ca.lock');
    return withFileLock(lockPath, { timeoutMs: this.lockTimeoutMs, staleMs: this.lockStaleMs, owner: ownerOf(this.dir) }, fn);
  }

  get initialized(): boolean {
    return existsSync(this.path('ca_crt.pem')) && existsSync(this.path('ca_key.pem'));
  }

  /** Creates the CA key, its self-signed certificate and an empty CRL. Idempotent. */
  setup(commonName = 'Kasper CA'): void {
    mkdirSync(dirname(this.dir), { recursive: true });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.withLock(() => {
      const owner = ownerOf(this.dir);
      for (const d of ['requests', 'signed']) {
        if (existsSync(this.path(d))) continue;
        mkdirSync(this.path(d), { mode: 0o700 });
        if (owner) chownSync(this.path(d), owner.uid, owner.gid);
      }
      this.secureModes();
      if (this.initialized) return;
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
      const s = nodeSigner(key.keyPem);
      cert.sign(s.key, s.md);
      this.write(this.path('ca_key.pem'), key.keyPem, 0o600);
      this.write(this.path('serial'), '02\n');
      this.write(this.path('inventory.txt'), '');
      this.write(this.path('ca_crt.pem'), pki.certificateToPem(cert), 0o644);
      this.key = undefined;
      this.writeCrl([]);
      syncDir(this.dir);
    });
  }

  caCertPem(): string {
    return readFileSync(this.path('ca_crt.pem'), 'utf8');
  }

  crlPem(): string {
    return readFileSync(this.path('ca_crl.pem'), 'utf8');
  }

  private caKey(): KeyObject {
    this.key ??= createPrivateKey(readFileSync(this.path('ca_key.pem'), 'utf8'));
    return this.key;
  }

  /** The next serial, the counter moved on and flushed first: a crash may skip a serial, never repeat one. Under the lock. */
  private nextSerial(): string {
    const s = readFileSync(this.path('serial'), 'utf8').trim();
    if (!/^[0-9A-Fa-f]+$/.test(s)) throw raise('KSP-CA-020', { path: this.path('serial') });
    const next = (BigInt(`0x${s}`) + 1n).toString(16).toUpperCase();
    this.write(this.path('serial'), `${next.length % 2 ? `0${next}` : next}\n`);
    syncDir(this.dir);
    return positiveSerial(s);
  }

  /**
   * Stores a CSR as pending. `urlName`, the name the request was sent for, must be its subject;
   * every check happens before anything is written. The same request again (same subject, key
   * and attributes: agents submit until they get a certificate) is accepted and changes nothing;
   * another request for a name that has a pending request or a certificate is refused with 400,
   * in puppetserver's words.
   */
  submit(pem: string, urlName?: string): { name: string } {
    if (pem.length > 64 * 1024) throw raise('KSP-CA-003');
    const { name } = readCsr(pem);
    checkName(name);
    if (urlName !== undefined) {
      checkName(urlName);
      if (urlName !== name) throw raise('KSP-CA-004', { name, urlName });
    }
    const stored = csrParts(pem).pem;
    return this.withLock(() => {
      const cert = this.readNamed('signed', name);
      if (cert) {
        throw raise('KSP-CA-005', { name, state: this.isRevoked(cert) ? 'revoked' : 'signed' });
      }
      const pending = this.readNamed('requests', name);
      if (pending !== undefined) {
        if (sameRequest(pending, stored)) return { name };
        throw raise('KSP-CA-006', { name });
      }
      this.write(this.namePath('requests', name), stored);
      return { name };
    });
  }

  /** Signs a pending request (or a CSR given directly, for the master's own certificate). */
  sign(name: string, options: SignOptions = {}): string {
    return this.issue(name, options);
  }

  /** sign(), and with `approvedPem` only if the pending request is still the one approved. */
  private issue(name: string, options: SignOptions, approvedPem?: string): string {
    checkName(name);
    return this.withLock(() => {
      if (this.readNamed('signed', name) !== undefined) {
        throw raise('KSP-CA-007', { name });
      }
      const reqPath = this.namePath('requests', name);
      const pem = options.csrPem ?? this.readNamed('requests', name);
      if (!pem) throw raise('KSP-CA-008', { name });
      if (approvedPem !== undefined && !sameRequest(pem, approvedPem)) {
        throw raise('KSP-CA-009', { name });
      }
      const csr = readCsr(pem);
      if (csr.name !== name) throw raise('KSP-CA-010', { csrName: csr.name, name });
      const extraAltNames = csr.dnsAltNames.filter((d) => d !== name);
      if (extraAltNames.length && !options.allowDnsAltNames && !options.server) {
        throw raise('KSP-CA-011', { name, altNames: extraAltNames.join(', ') });
      }
      const auth = Object.keys(csr.extensions).filter(isAuthorizationExtension);
      if (auth.length && !options.allowAuthorizationExtensions) {
        throw raise('KSP-CA-012', { name, extensions: auth.join(', ') });
      }
      const certPem = this.mint(name, csr.csr.publicKey as forge.pki.rsa.PublicKey, extraAltNames, csr.extensions);
      rmSync(reqPath, { force: true });
      syncDir(join(this.dir, 'signed'));
      return certPem;
    });
  }

  /**
   * Makes, stores and inventories a certificate for `name` (under the lock): the key usages every
   * Kasper certificate has, the alt names (IP addresses as IP entries, so agents can reach a
   * master by address) and the extensions given.
   */
  private mint(name: string, publicKey: forge.pki.rsa.PublicKey, altNames: string[], extensions: Record<string, string>): string {
    const caCert = pki.certificateFromPem(this.caCertPem());
    const cert = pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = this.nextSerial();
    cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
    cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000);
    cert.setSubject([{ name: 'commonName', value: name }]);
    cert.setIssuer(caCert.subject.attributes);
    const sans = [name, ...altNames.filter((d) => d !== name)].map(subjectAltName);
    const exts: object[] = [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
      { name: 'subjectAltName', altNames: sans },
    ];
    for (const [k, v] of Object.entries(extensions)) exts.push(utf8Extension(oidOf(k), v));
    cert.setExtensions(exts);
    const s = nodeSigner(this.caKey());
    cert.sign(s.key, s.md);
    const certPem = pki.certificateToPem(cert);
    this.write(this.namePath('signed', name), certPem);
    const inventory = this.path('inventory.txt');
    const before = existsSync(inventory) ? readFileSync(inventory, 'utf8') : '';
    const line = `0x${cert.serialNumber} ${cert.validity.notBefore.toISOString()} ${cert.validity.notAfter.toISOString()} /CN=${name}\n`;
    this.write(inventory, `${before}${before && !before.endsWith('\n') ? '\n' : ''}${line}`);
    return certPem;
  }

  /**
   * A new certificate for the key, names and extensions of `currentPem`, which must be `name`'s
   * current certificate and not revoked (Puppet 7 agents renew before expiry, over mutual TLS).
   * The old certificate stays valid until it expires, as with puppetserver.
   */
  renew(name: string, currentPem: string): string {
    checkName(name);
    return this.withLock(() => {
      const stored = this.readNamed('signed', name);
      if (!stored || sha256Fingerprint(stored) !== sha256Fingerprint(currentPem)) {
        throw raise('KSP-CA-013', { name });
      }
      if (this.isRevoked(stored)) throw raise('KSP-CA-014', { name });
      const cert = pki.certificateFromPem(stored);
      const san = cert.getExtension('subjectAltName') as { altNames?: { type: number; value?: string; ip?: string }[] } | null;
      const altNames = (san?.altNames ?? []).map(altNameText).filter((a): a is string => a !== undefined);
      const certPem = this.mint(name, cert.publicKey as forge.pki.rsa.PublicKey, altNames, certificateExtensions(stored));
      syncDir(join(this.dir, 'signed'));
      return certPem;
    });
  }

  /** Generates a key and a signed certificate in one step (`kasper ca generate`, the master's own). */
  generate(name: string, dnsAltNames: string[] = []): { keyPem: string; certPem: string } {
    checkName(name);
    const key = generateKey(2048);
    const csr = makeCsr(name, key.keyPem, key.publicPem, { dnsAltNames });
    return { keyPem: key.keyPem, certPem: this.sign(name, { csrPem: csr, server: true }) };
  }

  certificatePem(name: string): string | undefined {
    return this.readNamed('signed', name);
  }

  requestPem(name: string): string | undefined {
    return this.readNamed('requests', name);
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
    checkName(name);
    this.withLock(() => {
      const pem = this.certificatePem(name);
      if (!pem) throw raise('KSP-CA-015', { name });
      const serial = pki.certificateFromPem(pem).serialNumber.toUpperCase();
      const revoked = this.revokedSerials();
      if (!revoked.some((r) => normalizeSerial(r.serial) === normalizeSerial(serial))) revoked.push({ serial, date: new Date(), name });
      this.write(this.path('revoked.json'), JSON.stringify(revoked.map((r) => ({ ...r, date: r.date.toISOString() })), null, 2));
      this.writeCrl(revoked);
    });
  }

  /** Removes every trace of a node (revoking a signed certificate first), so it can ask anew. */
  clean(name: string): void {
    checkName(name);
    this.withLock(() => {
      const pem = this.certificatePem(name);
      if (pem && !this.isRevoked(pem)) this.revoke(name);
      rmSync(this.namePath('signed', name), { force: true });
      rmSync(this.namePath('requests', name), { force: true });
    });
  }

  isRevoked(certPem: string): boolean {
    return this.revokedSerialNumbers().has(normalizeSerial(pki.certificateFromPem(certPem).serialNumber));
  }

  /** Pending requests (and with `all`, signed and revoked certificates), by name. Unreadable entries are left out. */
  list(all = false): CertInfo[] {
    const out: CertInfo[] = [];
    const names = (folder: string) => {
      try {
        return readdirSync(this.path(folder)).filter((f) => f.endsWith('.pem')).map((f) => f.slice(0, -4)).filter((n) => /^[a-z0-9._-]+$/.test(n) && !n.startsWith('.')).sort();
      } catch {
        return [];
      }
    };
    for (const name of names('requests')) {
      try {
        const pem = this.requestPem(name);
        if (pem === undefined) continue; // signed meanwhile
        const csr = readCsr(pem);
        out.push({ name: csr.name, state: 'requested', fingerprint: sha256Fingerprint(pem), dnsAltNames: csr.dnsAltNames, extensions: csr.extensions });
      } catch (e) {
        if (!(e instanceof CAError)) throw e;
      }
    }
    if (all) {
      const revoked = this.revokedSerialNumbers();
      for (const name of names('signed')) {
        try {
          const info = this.info(name, revoked);
          if (info) out.push(info);
        } catch (e) {
          if (!(e instanceof CAError)) throw e;
        }
      }
    }
    return out;
  }

  info(name: string, revoked = this.revokedSerialNumbers()): CertInfo | undefined {
    const pem = this.certificatePem(name);
    if (!pem) {
      const req = this.requestPem(name);
      if (!req) return undefined;
      const csr = readCsr(req);
      return { name, state: 'requested', fingerprint: sha256Fingerprint(req), dnsAltNames: csr.dnsAltNames, extensions: csr.extensions };
    }
    const cert = pki.certificateFromPem(pem);
    const serial = cert.serialNumber.toUpperCase();
    const san = cert.getExtension('subjectAltName') as { altNames?: { type: number; value?: string; ip?: string }[] } | null;
    return {
      name, state: revoked.has(normalizeSerial(serial)) ? 'revoked' : 'signed', fingerprint: sha256Fingerprint(pem), serial,
      notAfter: cert.validity.notAfter.toISOString(),
      dnsAltNames: (san?.altNames ?? []).map(altNameText).filter((a): a is string => a !== undefined),
      extensions: certificateExtensions(pem),
    };
  }

  /**
   * Decides about a freshly submitted CSR and signs it when the policy says so: a glob of
   * `policy.allow`, else the policy executable (run by the CA itself: its own process group, at
   * most MAX_POLICY_PROCESSES at once, killed with its children after policyTimeoutMs). A request
   * that asks for alt names or authorization extensions is never autosigned; it stays pending for
   * the operator. The reason says which rule decided, or why the request stays pending.
   * (A fourth argument, the runner the master passed before the CA ran policies itself, is ignored.)
   */
  async autosign(name: string, pem: string, policy: AutosignPolicy): Promise<{ signed: boolean; reason: string }> {
    checkName(name);
    let reason: string | undefined;
    if (policy.allow === true) reason = 'autosign allows every name';
    else if (Array.isArray(policy.allow)) {
      const glob = policy.allow.find((g) => globMatches(g, name));
      if (glob !== undefined) reason = glob === name ? `matched name ${glob}` : `matched glob ${glob}`;
    }
    if (reason === undefined) {
      if (!policy.policyExecutable) return { signed: false, reason: Array.isArray(policy.allow) && policy.allow.length ? `no autosign glob matches ${name}` : 'no autosign rule' };
      const verdict = await runAutosignPolicy(policy.policyExecutable, name, pem, policy.policyTimeoutMs ?? 30_000);
      if (!verdict.ok) return { signed: false, reason: verdict.reason };
      reason = verdict.reason;
    }
    try {
      this.issue(name, {}, pem);
      return { signed: true, reason };
    } catch (e) {
      if (!(e instanceof CAError)) throw e;
      // Signed meanwhile by another process (`kasper ca sign --all`): the same key has its certificate.
      const cert = this.certificatePem(name);
      if (cert && samePublicKey(cert, pem)) return { signed: true, reason: `${reason}; already signed` };
      return { signed: false, reason: `${reason}, but not signed: ${e.message}` };
    }
  }

  /** A CRL (v2, sha256WithRSA) listing the revoked serials, signed by the CA key. Under the lock. */
  private writeCrl(revoked: { serial: string; date: Date }[]): void {
    const caCert = pki.certificateFromPem(this.caCertPem());
    const now = new Date();
    const next = new Date(now.getTime() + 5 * 365 * 24 * 3600 * 1000);
    const crlNumberFile = this.path('crl_number');
    const crlNumber = existsSync(crlNumberFile) ? Number(readFileSync(crlNumberFile, 'utf8')) + 1 : 1;
    this.write(crlNumberFile, String(crlNumber));
    const time = (d: Date) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d));
    const sigAlg = () => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(pki.oids.sha256WithRSAEncryption!).getBytes()),
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
    const signature = cryptoSign('sha256', Buffer.from(asn1.toDer(tbs).getBytes(), 'binary'), this.caKey()).toString('binary');
    const crl = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      tbs,
      sigAlg(),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature}`),
    ]);
    const pem = forge.pem.encode({ type: 'X509 CRL', body: asn1.toDer(crl).getBytes() });
    this.write(this.path('ca_crl.pem'), pem.replace(/\r\n/g, '\n'), 0o644);
  }
}

/**
 * A serial as the certificate's DER INTEGER bytes: an even number of hex digits, and a leading 00
 * when the first byte has its top bit set — else 0x80…0xFF, 0x8000… would be negative numbers.
 */
function positiveSerial(hex: string): string {
  const even = (hex.length % 2 ? `0${hex}` : hex).toUpperCase();
  return Number.parseInt(even.slice(0, 2), 16) >= 0x80 ? `00${even}` : even;
}
