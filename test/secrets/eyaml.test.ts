// Encrypted Hiera data in hiera-eyaml's format, against the real tools:
// - fixture/data/*.eyaml were encrypted by Debian's hiera-eyaml and expected/lookup.tsv holds
//   Puppet 7's `puppet lookup` answers on them (regenerate.sh makes both): `kasper lookup` must
//   give the same answer for every key (values in arrays, hashes, block form, merges, convert_to);
// - live, with Debian's hiera-eyaml installed by the test: what `eyaml encrypt` writes Kasper
//   reads, what `kasper secret encrypt` writes `eyaml decrypt` reads, both print the same
//   decrypted files, `kasper secret edit` changes only the edited value;
// - a wrong key or a damaged value is an error naming the file and line.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../packages/cli/src/main.ts';
import { captureOutput } from '../../packages/cli/src/output.ts';
import { ensureCommands, needs } from '../support/host.ts';

const here = import.meta.dirname;
const fixture = join(here, 'fixture');
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'kasper-eyaml-'));
  made.push(d);
  return d;
}

async function kasper(...argv: string[]) {
  const out = captureOutput();
  const code = await main(argv, out);
  return { code, out: out.out, err: out.err };
}

/** The fixture as an environmentpath: data copied, hiera.yaml naming the keys by absolute path. */
function environmentpath(keys = join(fixture, 'keys'), data = join(fixture, 'data')): string {
  const root = tmp();
  mkdirSync(join(root, 'production'));
  cpSync(data, join(root, 'production', 'data'), { recursive: true });
  writeFileSync(join(root, 'production', 'hiera.yaml'), readFileSync(join(fixture, 'hiera.yaml.in'), 'utf8').replaceAll('@KEYS@', keys));
  return root;
}

function lookupArgs(root: string, key: string): string[] {
  return ['lookup', '--environmentpath', root, '--environment', 'production', '--node', 'web01.example.com', '--facts', join(fixture, 'facts.yaml'), '--render-as', 'json', key];
}

test('kasper lookup answers as puppet lookup with hiera-eyaml on files eyaml encrypted', async () => {
  const root = environmentpath();
  const rows = readFileSync(join(here, 'expected', 'lookup.tsv'), 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
  assert.ok(rows.length >= 15);
  for (const [key, expected] of rows) {
    const r = await kasper(...lookupArgs(root, key));
    if (expected === 'NOT FOUND') {
      assert.equal(r.code, 1, `${key}: ${r.out}`);
      continue;
    }
    assert.equal(r.code, 0, `${key}: ${r.err}`);
    assert.deepEqual(JSON.parse(r.out), JSON.parse(expected), key);
  }
  // YAML output: a Sensitive value stays redacted (puppet lookup would print the value there).
  const y = await kasper(...lookupArgs(root, 'secure::db_password').filter((a) => a !== '--render-as' && a !== 'json'));
  assert.equal(y.out, '--- Sensitive [value redacted]\n');
  // --explain does not print decrypted values.
  const ex = await kasper(...lookupArgs(root, 'app::password'), '--explain');
  assert.match(ex.out, /web\.eyaml": found \(decrypted, not shown\)/);
  assert.doesNotMatch(ex.out.split('\n').slice(0, -3).join('\n'), /node-pw/);
});

test('a wrong private key, a damaged value and a missing key file are errors with the file and line', async () => {
  const other = tmp();
  const made = await kasper('secret', 'createkeys', '--pkcs7-private-key', join(other, 'production', 'private_key.pkcs7.pem'), '--pkcs7-public-key', join(other, 'production', 'public_key.pkcs7.pem'));
  assert.equal(made.code, 0, made.err);
  const wrongKey = await kasper(...lookupArgs(environmentpath(other), 'app::users'));
  assert.equal(wrongKey.code, 1);
  const line = readFileSync(join(fixture, 'data', 'common.eyaml'), 'utf8').split('\n').findIndex((l) => l.startsWith('  - ENC[PKCS7')) + 1;
  assert.ok(line > 0);
  assert.match(wrongKey.err, new RegExp(`production/data/common\\.eyaml:${line}:5: error: cannot decrypt the value of 'app::users': the private key does not open it.*\\[KSP-SECRET-002\\]`));

  const data = tmp();
  cpSync(join(fixture, 'data'), data, { recursive: true });
  const text = readFileSync(join(data, 'common.eyaml'), 'utf8');
  const at = text.indexOf('app::embedded');
  const cut = text.indexOf('ENC[PKCS7,', at) + 40;
  writeFileSync(join(data, 'common.eyaml'), text.slice(0, cut) + 'AAAA' + text.slice(cut + 4));
  const damaged = await kasper(...lookupArgs(environmentpath(undefined, data), 'app::embedded'));
  assert.equal(damaged.code, 1);
  const dline = text.slice(0, at).split('\n').length;
  assert.match(damaged.err, new RegExp(`common\\.eyaml:${dline}:\\d+: error: cannot decrypt the value of 'app::embedded': .*\\[KSP-SECRET-002\\]`));

  const missing = await kasper(...lookupArgs(environmentpath(join(other, 'nowhere')), 'app::password'));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /cannot read the private key .*nowhere\/production\/private_key\.pkcs7\.pem: ENOENT \[KSP-SECRET-001\]/);
  // A key that is not found needs no key at all: nothing is decrypted.
  assert.equal((await kasper(...lookupArgs(environmentpath(join(other, 'nowhere')), 'from_plain'))).code, 0);
});

function eyamlReady(t: import('node:test').TestContext): boolean {
  return needs(t, ensureCommands({ eyaml: 'hiera-eyaml' }) === null, 'hiera-eyaml (eyaml) is not installed and cannot be (apt-get install hiera-eyaml)');
}

function eyaml(keys: string, ...args: string[]): string {
  return execFileSync('eyaml', [...args, '--pkcs7-private-key', join(keys, 'private_key.pkcs7.pem'), '--pkcs7-public-key', join(keys, 'public_key.pkcs7.pem')], { encoding: 'utf8', cwd: keys });
}

function keyArgs(keys: string): string[] {
  return ['--pkcs7-private-key', join(keys, 'private_key.pkcs7.pem'), '--pkcs7-public-key', join(keys, 'public_key.pkcs7.pem')];
}

const VALUES = ['plain', 'pässwörd ✓', 'two\nlines\n', 'a]b!c "q" \'s\' %{not.interpolated}', 'x'.repeat(3000)];

test('values eyaml encrypts, Kasper decrypts; values Kasper encrypts, eyaml decrypts (both ways, keys from either)', async (t) => {
  if (!eyamlReady(t)) return;
  const eyamlKeys = tmp();
  execFileSync('eyaml', ['createkeys'], { cwd: eyamlKeys });
  cpSync(join(eyamlKeys, 'keys'), eyamlKeys, { recursive: true });
  const kasperKeys = tmp();
  assert.equal((await kasper('secret', 'createkeys', ...keyArgs(kasperKeys))).code, 0);
  for (const keys of [eyamlKeys, kasperKeys]) {
    const which = keys === eyamlKeys ? 'eyaml keys' : 'kasper keys';
    // (The second key pair with fewer values: each eyaml run starts Ruby, about a second.)
    for (const v of keys === eyamlKeys ? VALUES : VALUES.slice(1, 3)) {
      // string form alone; block form as it goes into a file, after a key and `>`.
      for (const output of [['-o', 'string'], ['-o', 'block', '-l', 'key']]) {
        const enc = eyaml(keys, 'encrypt', ...output, '-s', v).trimEnd();
        const dec = await kasper('secret', 'decrypt', ...keyArgs(keys), '-s', enc);
        assert.equal(dec.code, 0, dec.err);
        assert.equal(dec.out, eyaml(keys, 'decrypt', '-s', enc), `eyaml ${output.join(' ')} → kasper (${which})`);
        if (output[1] === 'string') assert.equal(dec.out, v.endsWith('\n') ? v : `${v}\n`);
        const mine = await kasper('secret', 'encrypt', ...keyArgs(keys), ...output, '-s', v);
        assert.equal(mine.code, 0, mine.err);
        const back = await kasper('secret', 'decrypt', ...keyArgs(keys), '-s', mine.out.trimEnd());
        assert.equal(eyaml(keys, 'decrypt', '-s', mine.out.trimEnd()), back.out, `kasper ${output.join(' ')} → eyaml (${which})`);
        assert.equal(back.out, dec.out);
      }
    }
  }
  // eyaml's default output (both forms, labelled) has the same shape.
  const ex = await kasper('secret', 'encrypt', ...keyArgs(kasperKeys), '-s', 'v');
  const eyEx = eyaml(kasperKeys, 'encrypt', '-s', 'v');
  const shape = (s: string) => s.replace(/ENC\[PKCS7,[^\]]+\]/g, 'ENC').replace(/^ {2}[A-Za-z0-9+/=]+\]?$/gm, '');
  assert.equal(shape(ex.out), shape(eyEx));
});

test('whole files: eyaml and kasper decrypt each other\'s eyaml files to the same text', async (t) => {
  if (!eyamlReady(t)) return;
  const keys = join(fixture, 'keys', 'production');
  for (const f of ['common', 'nodes/web']) {
    const plain = join(fixture, 'plain', `${f}.yaml`);
    const encrypted = join(fixture, 'data', `${f}.eyaml`);
    // eyaml -e shows DEC::PKCS7[…]! markers; -f the clear text.
    for (const flag of ['-e', '-f']) {
      const k = await kasper('secret', 'decrypt', ...keyArgs(keys), flag, encrypted);
      assert.equal(k.code, 0, k.err);
      assert.equal(k.out, eyaml(keys, 'decrypt', flag, encrypted), `${f} ${flag}`);
    }
    // Kasper encrypts the markers; eyaml shows them again as they were.
    const mine = await kasper('secret', 'encrypt', ...keyArgs(keys), '-e', plain);
    assert.equal(mine.code, 0, mine.err);
    const dir = tmp();
    writeFileSync(join(dir, 'x.eyaml'), mine.out);
    assert.equal(eyaml(keys, 'decrypt', '-e', join(dir, 'x.eyaml')), eyaml(keys, 'decrypt', '-e', encrypted));
  }
});

test('kasper secret edit: the edited value is encrypted again, the others keep their ciphertext, the old file is kept', async (t) => {
  if (!eyamlReady(t)) return;
  const keys = join(fixture, 'keys', 'production');
  const dir = tmp();
  const file = join(dir, 'common.eyaml');
  cpSync(join(fixture, 'data', 'common.eyaml'), file);
  const before = readFileSync(file, 'utf8');
  // An "editor" that changes one value, adds one, and records what it was shown.
  const editor = join(dir, 'editor.sh');
  writeFileSync(editor, `#!/bin/sh\ncp "$1" ${dir}/shown\nsed -i 's/DEC(\\([0-9]*\\))::PKCS7\\[bob-pw\\]!/DEC(\\1)::PKCS7[bob-new]!/' "$1"\nprintf 'added: DEC::PKCS7[brand new]!\\n' >> "$1"\n`);
  chmodSync(editor, 0o755);
  process.env.EDITOR = editor;
  try {
    const r = await kasper('secret', 'edit', ...keyArgs(keys), file);
    assert.equal(r.code, 0, r.err);
  } finally {
    delete process.env.EDITOR;
  }
  const shown = readFileSync(join(dir, 'shown'), 'utf8');
  assert.match(shown, /^# \| /);
  assert.match(shown, /pass: DEC\(\d+\)::PKCS7\[bob-pw\]!/);
  assert.match(shown, /app::multiline: >\n {4}DEC\(\d+\)::PKCS7\[line one\nline two\]!/);
  assert.equal(readFileSync(`${file}.bak`, 'utf8'), before);
  const after = readFileSync(file, 'utf8');
  // Every line but the changed value's and the new one is as it was.
  const removed = before.split('\n').filter((l) => !after.split('\n').includes(l));
  assert.equal(removed.length, 1, removed.join('\n'));
  assert.match(removed[0], /^ {2}pass: ENC\[PKCS7,/);
  const dec = eyaml(keys, 'decrypt', '-e', file);
  assert.match(dec, /pass: DEC::PKCS7\[bob-new\]!/);
  assert.match(dec, /added: DEC::PKCS7\[brand new\]!/);
  assert.equal(dec.replace('bob-new', 'bob-pw').replace('added: DEC::PKCS7[brand new]!\n', ''), eyaml(keys, 'decrypt', '-e', `${file}.bak`));

  // An editor that changes nothing leaves the file alone; one that fails too.
  for (const [script, code] of [['true', 0], ['false', 1]] as const) {
    rmSync(`${file}.bak`, { force: true });
    process.env.EDITOR = script;
    try {
      const r = await kasper('secret', 'edit', ...keyArgs(keys), file);
      assert.equal(r.code, code, r.err);
      if (code) assert.match(r.err, /the editor false failed \(exit status 1\).*unchanged \[KSP-SECRET-007\]/);
    } finally {
      delete process.env.EDITOR;
    }
    assert.equal(readFileSync(file, 'utf8'), after);
    assert.equal(existsSync(`${file}.bak`), false);
  }
  // A value copied with its number: refused, nothing written.
  writeFileSync(editor, `#!/bin/sh\nsed -i 's/^\\(  pass: \\)\\(DEC([0-9]*)::PKCS7\\[[^]]*\\]!\\)/\\1\\2\\n  again: \\2/' "$1"\n`);
  process.env.EDITOR = editor;
  try {
    const r = await kasper('secret', 'edit', ...keyArgs(keys), file);
    assert.equal(r.code, 1);
    assert.match(r.err, /appears twice .* is unchanged \[KSP-SECRET-005\]/);
  } finally {
    delete process.env.EDITOR;
  }
  assert.equal(readFileSync(file, 'utf8'), after);
});

test('kasper secret encrypt -p takes a password without it being on the command line (one line of input without a terminal)', () => {
  const keys = join(fixture, 'keys', 'production');
  const bin = join(here, '..', '..', 'packages', 'cli', 'bin', 'kasper.js');
  const env = { ...process.env, KASPER_FROM_SOURCE: '1' };
  const enc = execFileSync(process.execPath, [bin, 'secret', 'encrypt', '-p', '-o', 'string', '--pkcs7-public-key', join(keys, 'public_key.pkcs7.pem')], { input: 'typed pässword\nnot this line\n', encoding: 'utf8', env });
  assert.match(enc, /^ENC\[PKCS7,[A-Za-z0-9+/=]+\]\n$/);
  const dec = execFileSync(process.execPath, [bin, 'secret', 'decrypt', '-s', enc.trim(), '--pkcs7-private-key', join(keys, 'private_key.pkcs7.pem')], { encoding: 'utf8', env });
  assert.equal(dec, 'typed pässword\n');
});
