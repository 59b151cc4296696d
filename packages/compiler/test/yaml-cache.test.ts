// The cache of parsed YAML data: a text read a second time comes from the cache with exactly the
// value the library gave the first time (Integers, Floats, Psych's yes/no), a corrupt entry is
// ignored, and texts with errors or warnings are never stored.
import { test, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseYaml11Data as parse11, parseYamlData as parse12 } from '../src/facts.ts';
import { classificationFromYaml } from '../src/classification.ts';
import { configureYamlCache } from '../src/yaml-cache.ts';

const parseYamlData = (text: string) => parse12(text, { cache: true });
const parseYaml11Data = (text: string) => parse11(text, { cache: true });
const dir = mkdtempSync(join(tmpdir(), 'kasper-yaml-cache-'));
const entries = () => readdirSync(join(dir, 'yaml')).filter((n) => n.endsWith('.json'));
beforeEach(() => {
  rmSync(join(dir, 'yaml'), { recursive: true, force: true });
  configureYamlCache(dir);
});
after(() => {
  configureYamlCache(undefined);
  rmSync(dir, { recursive: true, force: true });
});

const TEXT = `---
int: 42
big: 123456789012345678901234567890
hex: 0x1F
float: 1.0
exp: 1e3
neg_zero: -0.0
inf: .inf
ninf: -.inf
nan: .nan
yes_word: yes
off_word: Off
y: y
str: "quoted: text"
nul: ~
list: [a, 1, 2.5, true]
nested: { a: { b: [x, { c: null }] } }
block: |
  line one
  line two
anchor: &a { p: 1 }
alias: *a
`;

for (const [name, parse] of [['YAML 1.2', parseYamlData], ['YAML 1.1 as Psych reads it', parseYaml11Data]] as const) {
  test(`${name}: the second parse comes from the cache and equals the first`, () => {
    const first = parse(TEXT);
    assert.equal(entries().length, 1);
    const second = parse(TEXT);
    assert.deepStrictEqual(second, first);
    const s = second as Record<string, unknown>;
    assert.equal(s.int, 42n);
    assert.equal(s.big, 123456789012345678901234567890n);
    assert.equal(s.float, 1);
    assert.equal(typeof s.float, 'number');
    assert.ok(Object.is(s.neg_zero, -0));
    assert.equal(s.inf, Infinity);
    assert.equal(s.ninf, -Infinity);
    assert.ok(Number.isNaN(s.nan));
    assert.equal(s.y, 'y');
    // The cached value really is read from the entry: a changed entry (with a matching checksum) is what comes back.
    const file = join(dir, 'yaml', entries()[0]!);
    const body = '{"from":"cache"}';
    writeFileSync(file, `${createHash('sha256').update(body).digest('hex')}\n${body}`);
    assert.deepStrictEqual(parse(TEXT), { from: 'cache' });
  });
}

test('YAML 1.1 and 1.2 readings of one text are kept apart', () => {
  assert.equal((parseYamlData('a: yes\n') as Record<string, unknown>).a, 'yes');
  assert.equal((parseYaml11Data('a: yes\n') as Record<string, unknown>).a, true);
  assert.equal((parseYamlData('a: yes\n') as Record<string, unknown>).a, 'yes');
  assert.equal((parseYaml11Data('a: yes\n') as Record<string, unknown>).a, true);
  assert.equal(entries().length, 2);
});

test('a corrupt or truncated entry is ignored and replaced', () => {
  const value = parseYamlData('a: 1\nb: [x]\n');
  const file = join(dir, 'yaml', entries()[0]!);
  writeFileSync(file, readFileSync(file, 'utf8').slice(0, -3));
  assert.deepStrictEqual(parseYamlData('a: 1\nb: [x]\n'), value);
  writeFileSync(file, 'garbage');
  assert.deepStrictEqual(parseYamlData('a: 1\nb: [x]\n'), value);
  assert.deepStrictEqual(parseYamlData('a: 1\nb: [x]\n'), { a: 1n, b: ['x'] });
});

test('texts with errors still fail every time and are not stored', () => {
  assert.throws(() => parseYamlData('a: [1\n'));
  assert.throws(() => parseYamlData('a: [1\n'));
  assert.throws(() => parseYamlData('a: 1\na: 2\n'));
  assert.equal(readdirSync(dir).includes('yaml') ? entries().length : 0, 0);
});

test('data with the key the cache uses for its own tags is not stored', () => {
  assert.deepStrictEqual(parseYamlData('"\\0k": i5\n'), { '\0k': 'i5' });
  assert.deepStrictEqual(parseYamlData('"\\0k": i5\n'), { '\0k': 'i5' });
  assert.equal(readdirSync(dir).includes('yaml') ? entries().length : 0, 0);
});

test('texts not read from files (an ENC answer, parse calls without cache) are not stored', () => {
  classificationFromYaml('classes: [a]\n');
  parse12('a: 1\n');
  parse11('a: 1\n');
  assert.equal(readdirSync(dir).includes('yaml') ? entries().length : 0, 0);
});

test('the cache can be turned off', () => {
  configureYamlCache(false);
  parseYamlData('a: 1\n');
  assert.equal(readdirSync(dir).includes('yaml') ? entries().length : 0, 0);
});
