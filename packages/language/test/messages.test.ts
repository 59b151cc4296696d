// The language's diagnostics come from its catalogue: each code is one of LANGUAGE_MESSAGES, with
// the catalogue's severity, and prints through @kasper/diagnostics' one printer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGE_MESSAGES, formatDiagnostic, parseSource, toDiagnosticData } from '../src/index.ts';

const BAD: [string, string][] = [
  ['a.pp', "$x = 'open"], ['b.pp', '/* open'], ['c.pp', '$x = 08'], ['d.pp', '$x = 0xg'], ['e.pp', '$x = @(END/q)\nx\nEND\n'],
  ['f.pp', '$x = Foo::bar'], ['g.pp', 'class a {\n'], ['h.pp', "file { '/x' ensure => file }"], ['i.pp', '$a += 1'],
  ['j.pp', 'class A {}'], ['k.pp', "$h = { k => 1, k => 2 }\nnotice($h)"], ['l.pp', 'class a(Integer $x, $x) {}'],
  ['m.epp', '<% $x = 1'], ['n.pp', 'node a inherits b {}'], ['o.pp', '@class { x: }'], ['p.pp', "notify { message => 'x' }"],
];

test('every diagnostic has a code of the catalogue, with its severity', () => {
  const seen = new Set<string>();
  for (const [file, text] of BAD) {
    const { diagnostics } = parseSource(text, file);
    assert.ok(diagnostics.length > 0, `${file} has a diagnostic`);
    for (const d of diagnostics) {
      const def = LANGUAGE_MESSAGES.messages[d.code as keyof typeof LANGUAGE_MESSAGES.messages];
      assert.ok(def, `${d.code} is in the catalogue`);
      assert.equal(d.severity, def.severity ?? 'error', d.code);
      seen.add(d.code);
    }
  }
  assert.ok(seen.has('KSP-VALID-024') && seen.has('KSP-LEX-014') && seen.has('KSP-PARSE-002'), [...seen].join(' '));
});

test('diagnostics print with the one printer: file:line:column, the line, a caret over the span', () => {
  const text = "class a {\n  file { '/x' ensure => file }\n}\n";
  const [d] = parseSource(text, 'site.pp').diagnostics;
  assert.deepEqual(toDiagnosticData(d).location, { file: 'site.pp', line: 2, column: 15, endLine: 2, endColumn: 21 });
  assert.equal(formatDiagnostic(d, text), [
    "site.pp:2:15: error: Syntax error at 'ensure': expected ':' [KSP-PARSE-001]",
    "2 |   file { '/x' ensure => file }",
    '                  ^~~~~~',
  ].join('\n'));
});
