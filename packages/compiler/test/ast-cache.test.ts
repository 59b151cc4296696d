// The disk cache of parsed manifests and templates (ast-cache.ts): what it reads back is exactly the
// parser's tree (every file of Debian's module corpus, both ways, compared deeply and key by key);
// a changed text is parsed again; a corrupt, truncated or misplaced entry is ignored; a file with a
// syntax error is never stored and keeps its place in the error; the off switch and the private
// folder rule hold.
import { test, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSource, type ParseResult } from '@kasper/language';
import { configureAstCache, decodeTree, encodeTree, parseSourceCached } from '../src/ast-cache.ts';
import { Loader } from '../src/loader.ts';
import { CompileError } from '../src/errors.ts';
import { needs } from '../../../test/support/host.ts';

const dir = mkdtempSync(join(tmpdir(), 'kasper-ast-cache-'));
const entries = () => (existsSync(join(dir, 'ast')) ? readdirSync(join(dir, 'ast')).filter((n) => n.endsWith('.ast')) : []);
beforeEach(() => {
  rmSync(join(dir, 'ast'), { recursive: true, force: true });
  configureAstCache(dir);
});
after(() => {
  configureAstCache(undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** What the cache keeps of a parse, as the parser gave it. */
const kept = (r: ParseResult) => ({ program: r.program, diagnostics: r.diagnostics, comments: r.comments });

/** Equal trees: deeply (values, prototypes) and as JSON text (the same keys in the same order). */
function assertSame(actual: ParseResult, expected: ParseResult, what: string): void {
  assert.deepStrictEqual(kept(actual), kept(expected), what);
  assert.equal(JSON.stringify(kept(actual)), JSON.stringify(kept(expected)), what);
  assert.deepStrictEqual(actual.lineMap.lineStarts, expected.lineMap.lineStarts, what);
  assert.equal(actual.lineMap.text, expected.lineMap.text, what);
}

const CORPUS = '/usr/share/puppet/modules';
function corpusFiles(): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false }); // the modules are links into /usr/share/puppet/…
      if (st?.isDirectory()) visit(p);
      else if (st?.isFile() && (p.endsWith('.pp') || p.endsWith('.epp'))) out.push(p);
    }
  };
  if (existsSync(CORPUS)) visit(CORPUS);
  return out.sort();
}

test('every .pp and .epp of the Debian module corpus reads back as the tree the parser gave', (t) => {
  const files = corpusFiles();
  if (!needs(t, files.length > 1000, `the Debian puppet-module-* packages in ${CORPUS}`)) return;
  let stored = 0;
  let withErrors = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const parsed = parseSource(text, f);
    if (parsed.diagnostics.some((d) => d.severity === 'error')) {
      withErrors++;
      continue;
    }
    const key = createHash('sha256').update(f).digest();
    const entry = encodeTree(kept(parsed), key);
    assert.ok(entry, `${f}: the format keeps every tree the parser makes`);
    const back = decodeTree(entry, key) as ReturnType<typeof kept>;
    assert.deepStrictEqual(back, kept(parsed), f);
    assert.equal(JSON.stringify(back), JSON.stringify(kept(parsed)), f);
    stored++;
  }
  t.diagnostic(`${stored} files compared, ${withErrors} with parse errors (never stored)`);
  assert.ok(stored > 1000);
});

test('through the disk: stored by the first parse, read by the second, equal to the parser\'s', (t) => {
  const files = corpusFiles().filter((_f, i) => i % 10 === 0);
  if (!needs(t, files.length > 100, `the Debian puppet-module-* packages in ${CORPUS}`)) return;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const expected = parseSource(text, f);
    const first = parseSourceCached(text, f);
    assertSame(first, expected, f);
    const second = parseSourceCached(text, f);
    assertSame(second, expected, f);
    if (!expected.diagnostics.some((d) => d.severity === 'error')) assert.notEqual(second.program, first.program, `${f}: read from the entry`);
  }
  assert.ok(entries().length > 100);
});

const SITE = "# a comment\nclass app(Integer $port = 80, Float $f = 1.5e300, $n = -0.0, $big = 12345678901) {\n  file { '/etc/app.conf': content => \"port=${port}\\n\" }\n}\n";

test('a second parse of a text comes from its entry; a changed text is parsed again', () => {
  const f = '/env/modules/app/manifests/init.pp';
  const first = parseSourceCached(SITE, f);
  assert.equal(entries().length, 1);
  const second = parseSourceCached(SITE, f);
  assert.notEqual(second.program, first.program);
  assertSame(second, parseSource(SITE, f), 'cached');
  const changed = SITE.replace('80', '8080');
  const third = parseSourceCached(changed, f);
  assert.equal(entries().length, 2);
  assertSame(third, parseSource(changed, f), 'changed');
  assert.match(JSON.stringify(third.program), /8080/);
  // the same text in another file: the same entry, the file's own name in its diagnostics
  const warned = "$h = { 'a' => 1, 'a' => 2 }\nnotice($h)\n";
  const a = parseSourceCached(warned, '/a.pp');
  const b = parseSourceCached(warned, '/b.pp');
  assertSame(a, parseSource(warned, '/a.pp'), 'a');
  assertSame(b, parseSource(warned, '/b.pp'), 'b');
  assert.deepEqual(b.diagnostics.map((d) => [d.code, d.severity, d.file]), [['KSP-VALID-024', 'warning', '/b.pp']]);
  // EPP: its own entry (the same text parsed as a manifest is another tree)
  const epp = '<%- | String $x | -%>\nhello <%= $x %>\n';
  assertSame(parseSourceCached(epp, '/t.epp'), parseSource(epp, '/t.epp'), 'epp');
  assertSame(parseSourceCached(epp, '/t.epp'), parseSource(epp, '/t.epp'), 'epp cached');
});

test('a corrupt, truncated, empty or misplaced entry is ignored, the text parsed and the entry written again', () => {
  const f = '/env/site.pp';
  const expected = parseSource(SITE, f);
  parseSourceCached(SITE, f);
  const [name] = entries();
  const path = join(dir, 'ast', name!);
  const good = readFileSync(path);
  const other = 'notice(1)\n';
  parseSourceCached(other, '/other.pp');
  const otherEntry = readFileSync(join(dir, 'ast', entries().find((n) => n !== name)!));
  const flipped = Buffer.from(good);
  flipped[flipped.length - 7]! ^= 0x10;
  const badCounts = Buffer.from(good);
  badCounts.writeUInt32LE(good.readUInt32LE(19) + 1, 19); // one int more than there is
  const damaged: [string, Buffer][] = [
    ['truncated', good.subarray(0, good.length - 5)],
    ['cut in the header', good.subarray(0, 20)],
    ['empty', Buffer.alloc(0)],
    ['a byte changed', flipped],
    ['counts that do not fit', badCounts],
    ['one byte more', Buffer.concat([good, Buffer.from([0])])],
    ['another text\'s entry under this name', otherEntry],
    ['garbage', Buffer.from('KASPERAST1\n'.padEnd(200, 'x'))],
  ];
  for (const [what, bytes] of damaged) {
    writeFileSync(path, bytes);
    const r = parseSourceCached(SITE, f);
    assertSame(r, expected, what);
    assert.deepEqual(readFileSync(path), good, `${what}: written again`);
  }
  // the decoder alone on entries that pass the checks but do not hold a whole tree
  const key = createHash('sha256').update('k').digest();
  assert.equal(decodeTree(encodeTree({ a: [1, 2] }, key)!, createHash('sha256').update('other').digest()), undefined);
  assert.deepEqual(decodeTree(encodeTree({ a: [1, 2], b: null, c: undefined, d: -0, e: 2 ** 40, f: NaN }, key)!, key), { a: [1, 2], b: null, c: undefined, d: -0, e: 2 ** 40, f: NaN });
  const odd = Buffer.concat([Buffer.alloc(3), encodeTree({ a: [1.5, 'x'] }, key)!]).subarray(3);
  assert.deepEqual(decodeTree(odd, key), { a: [1.5, 'x'] }, 'an entry not aligned in memory');
  assert.equal(encodeTree({ x: new Map() }, key), undefined, 'a class instance is not stored');
  const shared = { kind: 'X' };
  assert.equal(encodeTree({ a: shared, b: shared }, key), undefined, 'a node reached twice is not stored');
  assert.equal(encodeTree(JSON.parse('{"__proto__": 1}'), key), undefined);
  // eslint-disable-next-line no-sparse-arrays
  assert.equal(encodeTree([1, , 3], key), undefined, 'an array with a hole is not stored');
});

test('a file with a syntax error is never stored, and its error keeps its place', () => {
  const root = mkdtempSync(join(tmpdir(), 'kasper-ast-cache-env-'));
  try {
    mkdirSync(join(root, 'manifests'));
    const site = join(root, 'manifests', 'site.pp');
    writeFileSync(site, "class a {\n  file { '/x':\n    ensure => file\n    mode => '0644',\n  }\n}\ninclude a\n");
    const fail = () => {
      try {
        new Loader({ name: 'production', manifest: site, modulepath: [] }).load(site);
      } catch (e) {
        return e as CompileError;
      }
      assert.fail('the syntax error is reported');
    };
    const first = fail();
    const second = fail();
    assert.equal(entries().length, 0);
    assert.deepEqual(second.location, first.location);
    assert.equal(second.message, first.message);
    assert.deepEqual([first.location?.file, first.location?.line, first.location?.column], [site, 4, 5]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('KASPER_AST_CACHE=0, configureAstCache(false) and a folder others can write turn it off', () => {
  const saved = process.env.KASPER_AST_CACHE;
  process.env.KASPER_AST_CACHE = '0';
  try {
    configureAstCache(dir);
    parseSourceCached(SITE, '/x.pp');
    assert.equal(entries().length, 0);
  } finally {
    if (saved === undefined) delete process.env.KASPER_AST_CACHE;
    else process.env.KASPER_AST_CACHE = saved;
  }
  configureAstCache(false);
  parseSourceCached(SITE, '/x.pp');
  assert.equal(entries().length, 0);
  const open = mkdtempSync(join(tmpdir(), 'kasper-ast-cache-open-'));
  try {
    chmodSync(open, 0o777);
    configureAstCache(open);
    assertSame(parseSourceCached(SITE, '/x.pp'), parseSource(SITE, '/x.pp'), 'uncached');
    assert.equal(existsSync(join(open, 'ast')), false);
  } finally {
    rmSync(open, { recursive: true, force: true });
  }
});
