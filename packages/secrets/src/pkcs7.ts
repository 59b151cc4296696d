// hiera-eyaml's PKCS7 scheme: a value is a PKCS#7 enveloped-data message (RSA key transport to
// one self-signed certificate, content encrypted with AES-256-CBC), DER-encoded and written in
// base64. The key pair is an RSA private key in PEM and a certificate (the "public key") in PEM,
// as `eyaml createkeys` makes them. node-forge reads and writes the PKCS#7 structure and
// encrypts; decryption, which a compile does for every value it uses, runs on Node's crypto
// (OpenSSL): the RSA step without padding and PKCS#1 v1.5's padding removed here (Node 24
// refuses PKCS#1 v1.5 decryption itself), then AES. forge's JavaScript RSA took 15–140 ms a value.
import { constants, createDecipheriv, createPrivateKey, generateKeyPairSync, privateDecrypt, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import forge from 'node-forge';
import { parse as parseYaml } from 'yaml';
import { writeFileAtomic } from '@kasper/files';
import { raise } from './messages.ts';

/** Where the keys are: hiera-eyaml's options (`pkcs7_private_key` …) without their prefix. */
export interface KeyOptions {
  privateKey?: string;
  publicKey?: string;
  /** Names of environment variables holding the PEM text itself (eyaml's *_env_var options). */
  privateKeyEnv?: string;
  publicKeyEnv?: string;
}

/** hiera-eyaml's defaults when no option names the keys (relative to the working folder). */
export const DEFAULT_KEYS: Required<Pick<KeyOptions, 'privateKey' | 'publicKey'>> = {
  privateKey: './keys/private_key.pkcs7.pem',
  publicKey: './keys/public_key.pkcs7.pem',
};

/** Reads hiera-eyaml options from a hash with its own key names (hiera.yaml `options:`). */
export function keyOptionsFrom(options: Record<string, unknown>): KeyOptions {
  const s = (k: string) => (typeof options[k] === 'string' ? (options[k] as string) : undefined);
  return {
    privateKey: s('pkcs7_private_key'),
    publicKey: s('pkcs7_public_key'),
    privateKeyEnv: s('pkcs7_private_key_env_var'),
    publicKeyEnv: s('pkcs7_public_key_env_var'),
  };
}

function pemOf(which: 'private' | 'public', path: string | undefined, envVar: string | undefined): { pem: string; source: string } {
  // As eyaml: a file named by the option wins over the environment variable.
  if (!path && envVar) {
    const v = process.env[envVar];
    if (v) return { pem: v, source: `$${envVar}` };
    throw raise('KSP-SECRET-004', { which, hint: `the environment variable ${envVar} is not set` });
  }
  if (!path) throw raise('KSP-SECRET-004', { which, hint: `pkcs7_${which}_key is not set` });
  try {
    return { pem: readFileSync(path, 'utf8'), source: path };
  } catch (e) {
    throw raise('KSP-SECRET-001', { which, path, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
  }
}

const certificates = new Map<string, forge.pki.Certificate>();
const privateKeys = new Map<string, KeyObject>();

/** The certificate values are encrypted for. */
export function loadPublicKey(o: KeyOptions): forge.pki.Certificate {
  const { pem, source } = pemOf('public', o.publicKey, o.publicKeyEnv);
  let cert = certificates.get(pem);
  if (!cert) {
    try {
      cert = forge.pki.certificateFromPem(pem);
    } catch (e) {
      throw raise('KSP-SECRET-001', { which: 'public', path: source, reason: `not a PEM certificate (${(e as Error).message})` });
    }
    certificates.set(pem, cert);
  }
  return cert;
}

/** The RSA private key values are decrypted with. */
export function loadPrivateKey(o: KeyOptions): KeyObject {
  const { pem, source } = pemOf('private', o.privateKey, o.privateKeyEnv);
  let key = privateKeys.get(pem);
  if (!key) {
    try {
      key = createPrivateKey(pem);
    } catch (e) {
      throw raise('KSP-SECRET-001', { which: 'private', path: source, reason: `not a PEM private key (${(e as Error).message})` });
    }
    if (key.asymmetricKeyType !== 'rsa') throw raise('KSP-SECRET-001', { which: 'private', path: source, reason: `a ${key.asymmetricKeyType} key, not RSA` });
    privateKeys.set(pem, key);
  }
  return key;
}

/** The content ciphers PKCS#7 messages may name, as OpenSSL calls them (eyaml uses AES-256-CBC). */
const CIPHERS: Record<string, string> = {
  [forge.pki.oids['aes256-CBC']]: 'aes-256-cbc',
  [forge.pki.oids['aes192-CBC']]: 'aes-192-cbc',
  [forge.pki.oids['aes128-CBC']]: 'aes-128-cbc',
  [forge.pki.oids['des-EDE3-CBC']]: 'des-ede3-cbc',
};

/** The message of an RSA block with PKCS#1 v1.5 encryption padding (00 02 PS≥8 00 M), or null. */
function unpad(block: Buffer): Buffer | null {
  if (block.length < 11 || block[0] !== 0 || block[1] !== 2) return null;
  const end = block.indexOf(0, 2);
  if (end < 10) return null;
  return block.subarray(end + 1);
}

/** Encrypts `plaintext` (UTF-8) for `cert`: the base64 text that goes between `ENC[PKCS7,` and `]`. */
export function encryptPkcs7(plaintext: string, cert: forge.pki.Certificate): string {
  const p7 = forge.pkcs7.createEnvelopedData();
  p7.addRecipient(cert);
  p7.content = forge.util.createBuffer(Buffer.from(plaintext, 'utf8').toString('binary'));
  p7.encrypt(undefined, forge.pki.oids['aes256-CBC']);
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary').toString('base64');
}

/** What decrypting gives: the clear text, or why it could not be had (the caller names the place). */
export type Decrypted = { ok: true; text: string } | { ok: false; reason: string };

/** Decrypts the base64 text of an `ENC[PKCS7,…]`. */
export function decryptPkcs7(base64: string, key: KeyObject, cert?: forge.pki.Certificate): Decrypted {
  const clean = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return { ok: false, reason: 'the text is not base64 (cut or damaged?)' };
  type Recipient = { encryptedContent: { algorithm: string; content: string } };
  let msg: { recipients?: Recipient[]; findRecipient(c: forge.pki.Certificate): Recipient | null; encryptedContent?: { algorithm: string; parameter: forge.util.ByteStringBuffer; content: forge.util.ByteStringBuffer } };
  try {
    const der = forge.util.createBuffer(Buffer.from(clean, 'base64').toString('binary'));
    msg = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(der)) as unknown as typeof msg;
  } catch (e) {
    return { ok: false, reason: `not a PKCS#7 message (${(e as Error).message})` };
  }
  if (!Array.isArray(msg.recipients) || msg.recipients.length === 0 || !msg.encryptedContent) return { ok: false, reason: 'not a PKCS#7 enveloped-data message' };
  const cipher = CIPHERS[msg.encryptedContent.algorithm];
  if (!cipher) return { ok: false, reason: `unsupported content cipher (OID ${msg.encryptedContent.algorithm})` };
  const iv = Buffer.from(msg.encryptedContent.parameter.bytes(), 'binary');
  const body = Buffer.from(msg.encryptedContent.content.bytes(), 'binary');
  // eyaml's certificates all have the subject "/" and serial 1, so the recipient a certificate
  // names is not proof of the key: each recipient is tried with the private key.
  const named = cert ? msg.findRecipient(cert) : null;
  const candidates = named ? [named, ...msg.recipients.filter((r) => r !== named)] : msg.recipients;
  let last = 'no recipient';
  for (const r of candidates) {
    if (r.encryptedContent.algorithm !== forge.pki.oids.rsaEncryption) {
      last = `unsupported key transport (OID ${r.encryptedContent.algorithm})`;
      continue;
    }
    let block: Buffer;
    try {
      block = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.from(r.encryptedContent.content, 'binary'));
    } catch (e) {
      last = (e as Error).message;
      continue;
    }
    const cek = unpad(block);
    if (!cek) {
      last = 'the encrypted key does not open with this private key';
      continue;
    }
    try {
      const d = createDecipheriv(cipher, cek, iv);
      return { ok: true, text: Buffer.concat([d.update(body), d.final()]).toString('utf8') };
    } catch (e) {
      last = `the content does not decrypt (${(e as Error).message})`;
    }
  }
  return { ok: false, reason: `the private key does not open it, it was encrypted for another key pair (${last})` };
}

export interface CreatedKeys {
  privateKey: string;
  publicKey: string;
}

/**
 * A new key pair as `eyaml createkeys` makes it: an RSA key (2048 bits) and a self-signed
 * certificate (subject "/" by default, serial 1, 50 years, CA:TRUE, SHA-256). Files are written
 * atomically, the private key with mode 0600; an existing file is never replaced.
 */
export function createKeys(o: { privateKey: string; publicKey: string; keysize?: number; subject?: string; now?: Date }): CreatedKeys {
  for (const p of [o.privateKey, o.publicKey]) if (existsSync(p)) throw raise('KSP-SECRET-006', { path: p });
  const { privateKey: pkcs8 } = generateKeyPairSync('rsa', { modulusLength: o.keysize ?? 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(pkcs8) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  const now = o.now ?? new Date();
  cert.validity.notBefore = now;
  cert.validity.notAfter = new Date(now.getTime() + 50 * 365 * 24 * 3600 * 1000);
  const subject = subjectAttributes(o.subject ?? '/');
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: true, authorityCertIssuer: true, serialNumber: cert.serialNumber },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const publicPem = forge.pki.certificateToPem(cert);
  for (const p of [o.privateKey, o.publicKey]) mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
  writeFileAtomic(o.privateKey, pkcs8, 0o600);
  writeFileAtomic(o.publicKey, publicPem, 0o644);
  return { privateKey: o.privateKey, publicKey: o.publicKey };
}

/** `/C=DE/O=Example/CN=eyaml` as certificate attributes ("/" is the empty name eyaml uses). */
function subjectAttributes(subject: string): forge.pki.CertificateField[] {
  return subject.split('/').filter((p) => p !== '').map((p) => {
    const i = p.indexOf('=');
    if (i <= 0) throw raise('KSP-SECRET-008', { subject });
    return { shortName: p.slice(0, i), value: p.slice(i + 1) };
  });
}

/**
 * The key files as `eyaml` finds them: its configuration files (/etc/eyaml/config.yaml,
 * ~/.eyaml/config.yaml, $EYAML_CONFIG, later ones winning; keys `pkcs7_private_key` …), then
 * its defaults under ./keys. Options given on the command line win over all of them.
 */
export function eyamlKeyOptions(given: KeyOptions, env: NodeJS.ProcessEnv = process.env): KeyOptions {
  const files = ['/etc/eyaml/config.yaml', env.HOME ? `${env.HOME}/.eyaml/config.yaml` : '', env.EYAML_CONFIG ?? ''].filter((f) => f !== '' && existsSync(f));
  let merged: KeyOptions = {};
  for (const f of files) {
    let data: unknown;
    try {
      data = parseYaml(readFileSync(f, 'utf8'));
    } catch (e) {
      throw raise('KSP-SECRET-009', { file: f, reason: (e as Error).message });
    }
    if (data && typeof data === 'object') {
      const o = keyOptionsFrom(data as Record<string, unknown>);
      merged = { ...merged, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) };
    }
  }
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as KeyOptions;
  const out = { ...merged, ...defined };
  if (!out.privateKey && !out.privateKeyEnv) out.privateKey = DEFAULT_KEYS.privateKey;
  if (!out.publicKey && !out.publicKeyEnv) out.publicKey = DEFAULT_KEYS.publicKey;
  return out;
}
