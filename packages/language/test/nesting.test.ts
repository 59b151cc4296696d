// Deep input: nesting beyond MAX_NESTING is a syntax error (KSP-PARSE-003) where it goes too
// deep, long chains are read without recursion, and nothing ends in a stack overflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_NESTING, parseEpp, parseManifest, walk, type Diagnostic, type Expression, type ParseResult } from '../src/index.ts';
import { needs } from '../../../test/support/host.ts';
import { debianModuleSources } from '../../../test/support/module-corpus.ts';

function show(ds: Diagnostic[]): string[] {
  return ds.map((d) => `${d.start.line}:${d.start.column} ${d.code} ${d.message}`);
}

function valid(text: string): ParseResult {
  const r = parseManifest(text, 't.pp');
  assert.deepEqual(show(r.diagnostics), []);
  return r;
}

/** The one diagnostic of a too deep input: KSP-PARSE-003 at `column` of line 1. */
function tooDeep(r: ParseResult, column: number, token: string): void {
  assert.deepEqual(show(r.diagnostics), [
    `1:${column} KSP-PARSE-003 Syntax error at '${token}': more than ${MAX_NESTING} levels of nesting (brackets, braces, parentheses, blocks and interpolations each count)`,
  ]);
}

/** How many times `next` can be followed from `e`. */
function depth(e: Expression, next: (e: Expression) => Expression | undefined): number {
  let n = 0;
  for (let x: Expression | undefined = e; x; x = next(x)) n++;
  return n;
}

test('a sum of 20,000 terms parses, left associative, without recursion', () => {
  const terms = Array.from({ length: 20000 }, (_, i) => i + 1);
  const r = valid(`$x = ${terms.join('+')}\nnotice($x)\n`);
  const sum = r.program.body[0];
  assert.equal(sum.kind, 'AssignmentExpression');
  const right = (sum as Expression & { right: Expression }).right;
  assert.equal(depth(right, (e) => (e.kind === 'BinaryExpression' ? e.left : undefined)), 20000);
  let nodes = 0;
  walk(r.program, () => nodes++);
  assert.equal(nodes, 1 + 1 + 1 + 19999 + 20000 + 3); // program, =, $x, the +, the terms, notice($x)
  // precedence still holds inside a long chain
  const mixed = valid(`$x = ${terms.slice(0, 2000).join('+')} * 2`).program.body[0] as Expression & { right: Expression };
  assert.equal(mixed.right.kind === 'BinaryExpression' && mixed.right.right.kind, 'BinaryExpression');
});

test('long chains of relationships, method calls, accesses, assignments, elsif and prefixes parse', () => {
  const n = 20000;
  const arrows = valid(['File["a"]', ...Array.from({ length: n }, (_, i) => `File["f${i}"]`)].join(' -> ')).program.body[0];
  assert.equal(depth(arrows, (e) => (e.kind === 'RelationshipExpression' ? e.left : undefined)), n + 1);
  const methods = valid(`$x = "a"${'.upcase'.repeat(n)}`).program.body[0] as Expression & { right: Expression };
  assert.equal(depth(methods.right, (e) => (e.kind === 'CallMethodExpression' ? e.functor.left : undefined)), n + 1);
  valid(`$x = $a${'[0]'.repeat(n)}`);
  const assignments = valid(`${Array.from({ length: 5000 }, (_, i) => `$a${i} =`).join(' ')} 1`).program.body[0];
  assert.equal(depth(assignments, (e) => (e.kind === 'AssignmentExpression' ? e.right : undefined)), 5001);
  const ifs = valid(`if $a {}${' elsif $b {}'.repeat(5000)} else { notice(1) }\nnotice(2)`).program.body[0];
  assert.equal(depth(ifs, (e) => (e.kind === 'IfExpression' && e.else?.length === 1 && e.else[0].kind === 'IfExpression' ? e.else[0] : undefined)), 5001);
  valid(`$x = ${'!'.repeat(5000)}$a`);
  valid(`$x = ${'- '.repeat(5000)}1`);
  valid(`File <| ${Array.from({ length: 5000 }, (_, i) => `tag == "t${i}"`).join(' and ')} |>`);
  valid(`class a($p = ${Array.from({ length: 20000 }, (_, i) => i).join(' + ')}) {}`);
});

test('3,000 nested [ stop at the level beyond the limit with KSP-PARSE-003', () => {
  const prefix = '$x = ';
  tooDeep(parseManifest(`${prefix}${'['.repeat(3000)}${']'.repeat(3000)}`, 't.pp'), prefix.length + MAX_NESTING + 1, '[');
  // unclosed too: the nesting is the problem reported, not the end of the file
  tooDeep(parseManifest(`${prefix}${'['.repeat(3000)}`, 't.pp'), prefix.length + MAX_NESTING + 1, '[');
});

test('nesting up to the limit is fine, one more level is KSP-PARSE-003, for every kind of nesting', () => {
  // A statement is at level 1; each shape wraps a value (at level n + 1) in n levels.
  const levels = MAX_NESTING - 1;
  const shapes: [string, (n: number) => string, string][] = [
    ['brackets', (n) => `$x = ${'['.repeat(n)}1${']'.repeat(n)}`, '1'],
    ['parentheses', (n) => `$x = ${'('.repeat(n)}1${')'.repeat(n)}`, '1'],
    ['hashes', (n) => `$x = ${'{a => '.repeat(n)}1${'}'.repeat(n)}`, 'a'],
    ['blocks', (n) => `${'if $a { '.repeat(n)}1${'}'.repeat(n)}`, '$a'],
    ['lambdas', (n) => `${'$x.each |$y| { '.repeat(n)}1${'}'.repeat(n)}`, '1'],
    ['calls', (n) => `$x = ${'f('.repeat(n)}1${')'.repeat(n)}`, '1'],
    ['selectors', (n) => `$x = ${'$a ? { 1 => '.repeat(n)}1${'}'.repeat(n)}`, '1'],
    ['resources', (n) => `${'file { "a": content => [ '.repeat(n)}1${' ] }'.repeat(n)}`, '1'],
  ];
  for (const [name, make, token] of shapes) {
    assert.deepEqual(show(parseManifest(make(levels), 't.pp').diagnostics), [], name);
    const deep = parseManifest(make(levels + 1), 't.pp').diagnostics;
    assert.deepEqual(deep.map((d) => d.code), ['KSP-PARSE-003'], name);
    assert.ok(deep[0].message.startsWith(`Syntax error at '${token}'`), `${name}: ${deep[0].message}`);
  }
});

test('interpolation nests up to the limit too, in the lexer as in the parser', () => {
  const nested = (n: number) => `$x = ${'"${'.repeat(n)}1${'}"'.repeat(n)}`;
  valid(nested(MAX_NESTING - 1));
  for (const n of [MAX_NESTING, MAX_NESTING + 1, 3000]) {
    const ds = parseManifest(nested(n), 't.pp').diagnostics;
    assert.deepEqual(ds.map((d) => d.code), ['KSP-PARSE-003'], `${n} levels`);
  }
});

test('templates: a deep <%= … %> is KSP-PARSE-003', () => {
  const ds = parseEpp(`text <%= ${'['.repeat(100)}${']'.repeat(100)} %>`, 't.epp').diagnostics;
  assert.deepEqual(ds.map((d) => d.code), ['KSP-PARSE-003']);
});

test('syntax errors deep in nesting, and many of them, recover without overflowing', () => {
  for (const text of [
    `$x = ${'['.repeat(MAX_NESTING)})`,
    `${'if $a { '.repeat(MAX_NESTING)})`,
    `${'$x.each |$y| { '.repeat(MAX_NESTING)}) $x ) $x )`,
    `case $x { 'a': { $c${'} elsif $x {'.repeat(3000)}} }`,
    `${'if $a { '.repeat(10)}${') $x '.repeat(3000)}`,
  ]) {
    const ds = parseManifest(text, 't.pp').diagnostics;
    assert.ok(ds.length > 0);
    assert.deepEqual(ds.filter((d) => /Internal|call stack/.test(d.message)).map((d) => d.message), [], text.slice(0, 60));
  }
});

test('parsing at the nesting limit needs well under the default stack', () => {
  // Node's default stack is 984 KB; a cold parse at the limit (interpreted code has the biggest
  // frames) must work in 600 KB, which leaves the rest to whatever called the parser.
  const script = `
    import { parseManifest } from ${JSON.stringify(join(import.meta.dirname, '../src/index.ts'))};
    const n = ${MAX_NESTING};
    const inputs = ['$x.each |$y| { '.repeat(n) + '}'.repeat(n), 'if $a { '.repeat(n) + '}'.repeat(n),
      '$x.each |$y| { '.repeat(n) + ')', '$x = ' + '['.repeat(n) + ']'.repeat(n)];
    for (const t of inputs) {
      const bad = parseManifest(t, 't.pp').diagnostics.filter((d) => /Internal|call stack/.test(d.message));
      if (bad.length) { console.log(bad[0].message); process.exit(1); }
    }`;
  const r = spawnSync(process.execPath, ['--stack-size=600', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

// The fuzz test's first failure: a mutation of OpenStack's oci::swiftproxy (Debian's
// puppet-module-oci) that deletes `nt => "` from line 949 turns the rest of the file inside out
// (strings become code and code strings). Puppet 7 (`puppet parser validate`) answers
// "Syntax error at '[' (line: 949, column: 14)"; Kasper used to overflow its stack in recovery.
test('the oci::swiftproxy mutation is a syntax error on the line Puppet names', (t) => {
  const modules = debianModuleSources();
  if (!needs(t, 'dir' in modules, 'reason' in modules ? modules.reason : '')) return;
  const dir = (modules as { dir: string }).dir;
  const lines = readFileSync(join(dir, 'oci/manifests/swiftproxy.pp'), 'utf8').split('\n');
  assert.match(lines[948], /^\s+content => "\[Slice\]$/, 'line 949 of the installed oci::swiftproxy');
  lines[948] = lines[948].replace('nt => "', '');
  const r = parseManifest(lines.join('\n'), 'swiftproxy.pp');
  const first = r.diagnostics[0];
  assert.equal(`${first.start.line}:${first.start.column} ${first.code}`, '949:14 KSP-PARSE-001');
  assert.match(first.message, /^Syntax error at '\['/);
  assert.deepEqual(r.diagnostics.filter((d) => /Internal|call stack/.test(d.message) || d.code === 'KSP-PARSE-003').map((d) => d.message), []);
});
