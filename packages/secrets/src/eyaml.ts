// What eyaml does with text, on a key pair: decrypt the values Hiera reads, encrypt a value for
// a file, decrypt a whole file, and the edit cycle (decrypt to DEC(n) markers, let a person edit,
// encrypt again only what changed).
import type { KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import type { Location } from '@kasper/diagnostics';
import { decText, encText, lineColumn, looksEncrypted, parseDecrypted, parseEncrypted, parseHieraValue, type DecToken, type EncToken, type Token } from './format.ts';
import { decryptPkcs7, encryptPkcs7, loadPrivateKey, loadPublicKey, type KeyOptions } from './pkcs7.ts';
import { raise } from './messages.ts';

/** A key pair, its files read when first needed; decrypted values are remembered. */
export class Keyring {
  readonly options: KeyOptions;
  private privateKey?: KeyObject;
  private cert?: forge.pki.Certificate | null;
  private readonly plain = new Map<string, string>();

  constructor(options: KeyOptions) {
    this.options = options;
  }

  /** The clear texts decrypted so far (to keep them out of logs and mark them sensitive). */
  decrypted(): IterableIterator<string> {
    return this.plain.values();
  }

  /** Encrypts with the public key (the certificate). */
  encrypt(plain: string): string {
    return encryptPkcs7(plain, (this.cert ??= loadPublicKey(this.options)));
  }

  /**
   * Decrypts one value's base64 text. `where` gives the place an error names (file, line),
   * `what` the value (a Hiera key). Only the private key is needed; the certificate, when
   * given, picks the recipient first.
   */
  decrypt(scheme: string, cipher: string, where: () => Location, what = `ENC[${scheme},…]`): string {
    if (scheme !== 'PKCS7') throw raise('KSP-SECRET-003', { what, scheme }, where());
    const known = this.plain.get(cipher);
    if (known !== undefined) return known;
    this.privateKey ??= loadPrivateKey(this.options);
    if (this.cert === undefined) {
      try {
        this.cert = this.options.publicKey || this.options.publicKeyEnv ? loadPublicKey(this.options) : null;
      } catch {
        this.cert = null;
      }
    }
    const r = decryptPkcs7(cipher, this.privateKey, this.cert ?? undefined);
    if (!r.ok) throw raise('KSP-SECRET-002', { what, reason: r.reason }, where());
    this.plain.set(cipher, r.text);
    return r.text;
  }
}

/**
 * A string value read from an eyaml data file, its `ENC[…]` parts decrypted (as Puppet's
 * eyaml_lookup_key: the parts joined, one trailing line break removed). `source` is the file's
 * text, to name the line of a value that does not decrypt. Strings without ENC are returned as
 * they are.
 */
export function decryptValueString(s: string, keys: Keyring, file: string, source?: () => string, key?: string): string {
  if (!looksEncrypted(s)) return s;
  const what = key === undefined ? undefined : `the value of '${key}'`;
  const parts = parseHieraValue(s).map((t) => (t.kind === 'enc' ? keys.decrypt(t.scheme, t.cipher, () => ({ file, ...locateCipher(source, t.cipher) }), what) : t.kind === 'text' ? t.text : t.match));
  return parts.join('').replace(/(\r\n|\n|\r)$/, '');
}

/** Where in a data file an encrypted value is: the line holding the start of its base64 text. */
function locateCipher(read: (() => string) | undefined, cipher: string): { line: number; column: number } {
  const source = (() => {
    try {
      return read?.();
    } catch {
      return undefined;
    }
  })();
  if (source) {
    // All ciphertexts begin alike (the same ASN.1 header) and a block spreads one over lines:
    // the whole text is searched for, whitespace left out.
    const at: number[] = [];
    let flat = '';
    for (let i = 0; i < source.length; i++) {
      if (!/\s/.test(source[i])) {
        flat += source[i];
        at.push(i);
      }
    }
    const j = flat.indexOf(cipher);
    if (j >= 0) {
      const start = source.lastIndexOf('ENC[', at[j]);
      return lineColumn(source, start >= 0 ? start : at[j]);
    }
  }
  return { line: 1, column: 1 };
}

export type EncryptOutput = 'string' | 'block' | 'examples';

/** `eyaml encrypt -s/-f/--stdin` output: the value in string form, block form, or both (examples). */
export function encryptForOutput(plain: string, keys: Keyring, output: EncryptOutput = 'examples', label?: string): string {
  const cipher = keys.encrypt(plain);
  const named = (l: string | undefined, text: string) => (l === undefined ? text : `${l}: ${text}`);
  if (output === 'string') return named(label, encText('string', 'PKCS7', cipher, ''));
  if (output === 'block') return named(label, encText('block', 'PKCS7', cipher, '  ', label !== undefined));
  return `${named(label ?? 'string', encText('string', 'PKCS7', cipher, ''))}\n\nOR\n\n${named(label ?? 'block', encText('block', 'PKCS7', cipher, '  '))}`;
}

function encLocation(text: string, file: string, t: Token): Location {
  return { file, ...lineColumn(text, t.offset) };
}

/**
 * `eyaml decrypt -f/-s/--stdin`: the text with each `ENC[…]` replaced by its plain text (a
 * multi-line value after a key becomes a `|` block, as eyaml prints it).
 */
export function decryptText(text: string, keys: Keyring, file = '<string>'): string {
  const tokens = parseEncrypted(text);
  let afterText = false;
  return tokens.map((t) => {
    if (t.kind !== 'enc') {
      afterText = true;
      return t.kind === 'text' ? t.text : t.match;
    }
    const plain = keys.decrypt(t.scheme, t.cipher, () => encLocation(text, file, t));
    const yamled = afterText;
    afterText = false;
    return yamled && /[\r\n]/.test(plain) ? `|\n  ${plain.replace(/([\r\n]+)/g, '$1  ')}` : plain;
  }).join('');
}

/** `eyaml decrypt -e FILE`: the file with each value shown as `DEC::PKCS7[plain]!`. */
export function decryptToMarkers(text: string, keys: Keyring, file = '<string>'): string {
  return parseEncrypted(text).map((t) => (t.kind === 'enc' ? decText(t.format, t.scheme, keys.decrypt(t.scheme, t.cipher, () => encLocation(text, file, t)), t.indentation, null) : t.kind === 'text' ? t.text : t.match)).join('');
}

/** `eyaml encrypt -e FILE`: every `DEC::PKCS7[…]!` marker encrypted, in its own form. */
export function encryptMarkers(text: string, keys: Keyring, file = '<string>'): string {
  return parseDecrypted(text).map((t) => {
    if (t.kind !== 'dec') return t.kind === 'text' ? t.text : t.match;
    if (t.scheme !== 'PKCS7') throw raise('KSP-SECRET-003', { what: t.match.slice(0, 20), scheme: t.scheme }, encLocation(text, file, t));
    return encText(t.format, 'PKCS7', keys.encrypt(t.plain), t.indentation);
  }).join('');
}

/** The text shown in an edit session, and what is needed to encrypt the edited text again. */
export interface EditSession {
  /** The file with each value as `DEC(n)::PKCS7[plain]!`, n the index of its token. */
  decrypted: string;
  tokens: Token[];
  plain: Map<number, string>;
}

/** Decrypts a file for editing. */
export function openForEdit(text: string, keys: Keyring, file: string): EditSession {
  const tokens = parseEncrypted(text);
  const plain = new Map<number, string>();
  const decrypted = tokens.map((t, i) => {
    if (t.kind !== 'enc') return t.kind === 'text' ? t.text : t.match;
    const p = keys.decrypt(t.scheme, t.cipher, () => encLocation(text, file, t));
    plain.set(i, p);
    return decText(t.format, t.scheme, p, t.indentation, i);
  }).join('');
  return { decrypted, tokens, plain };
}

/**
 * The edited text encrypted again: a `DEC(n)` marker whose plain text is unchanged keeps its
 * old ciphertext (and form), so an edit changes only what was changed; a changed or new marker
 * is encrypted. Null when nothing changed at all. Errors name the edited file's line.
 */
export function closeEdit(session: EditSession, edited: string, keys: Keyring, file: string): string | null {
  if (edited === session.decrypted) return null;
  if (edited.trim() === '') throw raise('KSP-SECRET-005', { file, reason: 'the edited text is empty' });
  const tokens = parseDecrypted(edited);
  const seen = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== 'dec' || t.id === null) continue;
    const l = lineColumn(edited, t.offset);
    const place = { file: `${file} (edited)`, ...l };
    if (seen.has(t.id)) throw raise('KSP-SECRET-005', { file, reason: `DEC(${t.id}) appears twice (a copied value? remove the (${t.id}) from the copy to add it as a new value)` }, place);
    if (!session.plain.has(t.id)) throw raise('KSP-SECRET-005', { file, reason: `DEC(${t.id}) is not a value of this file (remove the (${t.id}) to add it as a new value)` }, place);
    if (t.scheme !== 'PKCS7') throw raise('KSP-SECRET-003', { what: `DEC(${t.id})`, scheme: t.scheme }, place);
    seen.add(t.id);
  }
  return tokens.map((t) => {
    if (t.kind !== 'dec') return t.kind === 'text' ? t.text : t.match;
    if (t.id !== null && session.plain.get(t.id) === t.plain) {
      const old = session.tokens[t.id] as EncToken;
      return old.format === 'block' ? encText('block', old.scheme, old.cipher, old.indentation) : encText('string', old.scheme, old.cipher, '');
    }
    return encText(t.format, 'PKCS7', keys.encrypt(t.plain), t.indentation);
  }).join('');
}

export type { DecToken, EncToken, Token };
