// The secrets package on its own (no eyaml needed; test/secrets/eyaml.test.ts checks it against
// the real tool): tokens, round trips, the Hiera value rules, the edit cycle, keys and errors.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KasperError } from '@kasper/diagnostics';
import { Keyring, closeEdit, createKeys, decryptText, decryptToMarkers, decryptValueString, encryptForOutput, encryptMarkers, eyamlKeyOptions, openForEdit, parseDecrypted, parseEncrypted } from '../src/index.ts';

const fixtureKeys = join(import.meta.dirname, '..', '..', '..', 'test', 'secrets', 'fixture', 'keys', 'production');
const keys = new Keyring({ privateKey: join(fixtureKeys, 'private_key.pkcs7.pem'), publicKey: join(fixtureKeys, 'public_key.pkcs7.pem') });
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'kasper-secrets-'));
  made.push(d);
  return d;
}

function enc(plain: string): string {
  return encryptForOutput(plain, keys, 'string');
}

test('tokens keep every byte that is not a value', () => {
  const text = `---\n# ENC[not base64!] stays\na: ${enc('x')}\nb: >\n    ${enc('y').match(/.{1,60}/g)!.join('\n    ')}\nc: "pre ${enc('z')} post"\n`;
  const tokens = parseEncrypted(text);
  assert.equal(tokens.map((t) => (t.kind === 'text' ? t.text : t.match)).join(''), text);
  assert.deepEqual(tokens.filter((t) => t.kind === 'enc').map((t) => t.kind === 'enc' && t.format), ['string', 'block', 'string']);
  const dec = 'a: DEC(1)::PKCS7[one\n]two]!\nb: >\n  DEC::PKCS7[x]!\n';
  const d = parseDecrypted(dec);
  assert.equal(d.map((t) => (t.kind === 'text' ? t.text : t.match)).join(''), dec);
  assert.deepEqual(d.filter((t) => t.kind === 'dec').map((t) => t.kind === 'dec' && [t.id, t.plain, t.format]), [[1, 'one\n]two', 'string'], [null, 'x', 'block']]);
});

test('values round-trip, whatever they hold', () => {
  for (const v of ['', 'plain', 'pässwörd ✓ 🗝', 'a\nb\r\n', ']!', 'x'.repeat(10000)]) {
    assert.equal(decryptText(enc(v), keys), v);
    assert.equal(decryptText(encryptForOutput(v, keys, 'block', 'k'), keys), /[\r\n]/.test(v) ? `k: |\n  ${v.replace(/([\r\n]+)/g, '$1  ')}` : `k: ${v}`);
  }
  // Each encryption is new (random key and IV), as eyaml's.
  assert.notEqual(enc('same'), enc('same'));
});

test('a Hiera value: parts decrypted and joined, one trailing line break removed, plain strings untouched', () => {
  assert.equal(decryptValueString(`user:${enc('u')}:${enc('p\n')}\n`, keys, 'f.eyaml'), 'user:u:p\n');
  assert.equal(decryptValueString(enc('two\n\n'), keys, 'f.eyaml'), 'two\n');
  assert.equal(decryptValueString('no secret here\n', keys, 'f.eyaml'), 'no secret here\n');
  // A folded block as YAML reads it: spaces inside the base64 text.
  const folded = `${enc('folded').match(/.{1,60}/g)!.join(' ')}\n`;
  assert.equal(decryptValueString(folded, keys, 'f.eyaml'), 'folded');
});

test('errors name the file, line and column of the value', () => {
  const other = tmp();
  createKeys({ privateKey: join(other, 'private.pem'), publicKey: join(other, 'public.pem') });
  const wrong = new Keyring({ privateKey: join(other, 'private.pem') });
  const source = `---\nok: plain\nsecret: ${enc('s')}\n`;
  const value = source.split('\n')[2].slice('secret: '.length);
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e as KasperError;
    }
    assert.fail('no error');
  };
  const e1 = err(() => decryptValueString(value, wrong, 'data/x.eyaml', () => source, 'secret'));
  assert.equal(e1.code, 'KSP-SECRET-002');
  assert.deepEqual(e1.location, { file: 'data/x.eyaml', line: 3, column: 9 });
  assert.match(e1.message, /^cannot decrypt the value of 'secret': the private key does not open it/);
  const damaged = value.slice(0, 100) + (value[100] === 'A' ? 'B' : 'A') + value.slice(101);
  assert.equal(err(() => decryptText(`a: 1\nb: ${damaged}\n`, keys, 'y.eyaml')).location?.line, 2);
  assert.match(err(() => decryptText('ENC[PKCS7,QUJD]', keys)).message, /not a PKCS#7 message/);
  assert.equal(err(() => decryptText('ENC[GPG,QUJD]', keys)).code, 'KSP-SECRET-003');
  assert.equal(err(() => decryptText(enc('x'), new Keyring({ privateKey: join(other, 'nope.pem') }))).code, 'KSP-SECRET-001');
  assert.equal(err(() => decryptText(enc('x'), new Keyring({}))).code, 'KSP-SECRET-004');
});

test('the edit cycle: unchanged values keep their ciphertext, changed and new ones are encrypted', () => {
  const original = `a: ${enc('one')}\nb: >\n    ${enc('two').match(/.{1,60}/g)!.join('\n    ')}\nc: plain\n`;
  const s = openForEdit(original, keys, 'f.eyaml');
  assert.equal(s.decrypted, 'a: DEC(1)::PKCS7[one]!\nb: >\n    DEC(3)::PKCS7[two]!\nc: plain\n');
  assert.equal(closeEdit(s, s.decrypted, keys, 'f.eyaml'), null);
  const out = closeEdit(s, s.decrypted.replace('[two]', '[TWO]') + 'd: DEC::PKCS7[new]!\n', keys, 'f.eyaml')!;
  assert.equal(out.split('\n')[0], original.split('\n')[0]);
  const block = (t: string) => t.slice(t.indexOf('b: >'), t.indexOf('c: plain'));
  assert.notEqual(block(out), block(original));
  assert.match(out, /^b: >\n {4}ENC\[PKCS7,/m);
  assert.equal(decryptToMarkers(out, keys), 'a: DEC::PKCS7[one]!\nb: >\n    DEC::PKCS7[TWO]!\nc: plain\nd: DEC::PKCS7[new]!\n');
  assert.equal(decryptToMarkers(encryptMarkers('x: DEC::PKCS7[m]!\n', keys), keys), 'x: DEC::PKCS7[m]!\n');
  assert.throws(() => closeEdit(s, s.decrypted + 'e: DEC(1)::PKCS7[one]!\n', keys, 'f.eyaml'), /DEC\(1\) appears twice/);
  assert.throws(() => closeEdit(s, s.decrypted + 'e: DEC(7)::PKCS7[x]!\n', keys, 'f.eyaml'), /DEC\(7\) is not a value of this file/);
  assert.throws(() => closeEdit(s, ' \n', keys, 'f.eyaml'), /the edited text is empty/);
});

test('createkeys never overwrites and keeps the private key private; eyaml configuration files name keys', () => {
  const d = tmp();
  createKeys({ privateKey: join(d, 'k', 'private.pem'), publicKey: join(d, 'k', 'public.pem') });
  assert.equal(statSync(join(d, 'k', 'private.pem')).mode & 0o777, 0o600);
  assert.match(readFileSync(join(d, 'k', 'public.pem'), 'utf8'), /^-----BEGIN CERTIFICATE-----/);
  assert.throws(() => createKeys({ privateKey: join(d, 'k', 'private.pem'), publicKey: join(d, 'k', 'other.pem') }), /already exists/);
  writeFileSync(join(d, 'config.yaml'), `pkcs7_private_key: /from/config\npkcs7_public_key: /from/config.pub\n`);
  const env = { EYAML_CONFIG: join(d, 'config.yaml'), HOME: d };
  assert.deepEqual(eyamlKeyOptions({}, env), { privateKey: '/from/config', publicKey: '/from/config.pub' });
  assert.deepEqual(eyamlKeyOptions({ privateKey: '/flag' }, env), { privateKey: '/flag', publicKey: '/from/config.pub' });
  assert.deepEqual(eyamlKeyOptions({}, { HOME: join(d, 'none') }), { privateKey: './keys/private_key.pkcs7.pem', publicKey: './keys/public_key.pkcs7.pem' });
});
