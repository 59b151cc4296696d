// Mutation fuzzing of the compiler: whatever the program, compiling it ends with a catalog or a
// located error (a KasperError with file and line), never another exception ("[object Object]",
// a BigInt SyntaxError, a stack overflow).
//
// The inputs are the conformance suite's programs (the snippets and the single-file cases), each
// mutated by replacing a value with one of the kinds that have crashed Kasper before, swapping an
// operator, deleting or repeating a line, or adding a statement. Mutations keep most inputs
// parseable, so the evaluator sees them. Deterministic: each seed is printed, and a failure names
// the seed, the iteration and the input that reproduce it.
// KASPER_FUZZ_SEED=n runs one seed, KASPER_FUZZ_ITERATIONS=n sets the iterations per seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSnippets, runSnippet, snippetFiles } from '../conformance/snippets/run.ts';
import { seededRandom } from '../support/random.ts';

const root = join(import.meta.dirname, '../..');
const ITERATIONS = Number(process.env.KASPER_FUZZ_ITERATIONS ?? 800);
// 20261201 is the seed of the first version of this test; the others widen the search.
const SEEDS = process.env.KASPER_FUZZ_SEED ? [Number(process.env.KASPER_FUZZ_SEED)] : [20261201, 1, 2];

const prng = seededRandom;

/** Values that make the evaluator's corners: odd numbers and strings, types, references, control flow. */
const VALUES = [
  'undef', 'default', '0', '-1', '1.5', '0.0', "'0x2'", "'-0x2'", "'010'", "'09'", "''", "'a'", '[]', '{}', '[1, [2]]', "{'a' => [1]}",
  '(9223372036854775807 + 1)', '(-9223372036854775807 - 2)', '(1 << 70)', '(1 / 0)', '(1.0e300 * 1.0e300)', "Sensitive('s')", "Sensitive('')",
  '/(/', "Pattern['(']", 'Integer[5, 1]', 'Integer[1, 3]', 'Foo', 'Nosuch', "File['x']", "Notify['x']['message']", "Class['x']", 'Any', 'Type',
  'Optional[Foo]', 'Variant[]', 'Tuple[]', 'Struct[{}]', 'break()', 'next()', 'return()', 'next(1)', 'return(2)', '$nosuch', '$facts', '$trusted[x]',
  '*undef', "*['a', 'b']", "'%d'", "'%<x>s'", '"${undef}"', "Timestamp('x')", "Deferred('x')", "Binary('!!')", 'true', 'false',
];
const OPERATORS = ['+', '-', '*', '/', '%', '<<', '>>', '==', '!=', '<', '>', '<=', '>=', '=~', '!~', 'in', 'and', 'or'];
const STATEMENTS = [
  'type Foo = Foo', 'type Foo = Array[Foo]', 'break()', 'next()', 'return()', "notify { '': }", "notify { 'x': message => 'a', message => 'b' }",
  "notify { 'x': nosuch => 1 }", '$a = $a', "include ''", 'class x { $y = 1 }', "[$p, $q] = [1]", "notice(Notify['x'][message])",
  "function f() { f() }\nnotice(f())", "@notify { 'x': }\nnotify { 'y': require => Notify['x'] }", "Notify <| title == 'x' |> { message => 'm' }",
];
const LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|\b0[xX][0-9a-fA-F]+\b|\b\d+(?:\.\d+)?\b|\bundef\b|\btrue\b|\bfalse\b|\$[a-z_][\w:]*|\b[A-Z][\w:]*(?:\[[^\]\n]*\])?/g;
const OPERATOR = /(?<=\s)(?:==|!=|<=|>=|<<|>>|=~|!~|[+\-*/%<>]|in|and|or)(?=\s)/g;

function pick<T>(list: T[], rnd: () => number): T {
  return list[Math.floor(rnd() * list.length)];
}

function replaceOne(text: string, re: RegExp, by: () => string, rnd: () => number): string {
  const hits = [...text.matchAll(re)];
  if (hits.length === 0) return text;
  const h = pick(hits, rnd);
  return text.slice(0, h.index) + by() + text.slice(h.index + h[0].length);
}

function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const line = () => Math.floor(rnd() * lines.length);
  switch (Math.floor(rnd() * 6)) {
    case 0: case 1: return replaceOne(text, LITERAL, () => pick(VALUES, rnd), rnd);
    case 2: return replaceOne(text, OPERATOR, () => pick(OPERATORS, rnd), rnd);
    case 3: { const i = line(); lines.splice(i, 1); return lines.join('\n'); }
    case 4: { const i = line(); lines.splice(i, 0, lines[i]); return lines.join('\n'); }
    default: { lines.splice(line(), 0, pick(STATEMENTS, rnd)); return lines.join('\n'); }
  }
}

function corpus(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const file of snippetFiles()) for (const s of readSnippets(file)) out.push({ name: `snippets/${file}/${s.name}`, text: s.code });
  const cases = join(root, 'test/conformance/cases');
  for (const c of readdirSync(cases).sort()) {
    const dir = join(cases, c, 'manifests');
    // Programs that stand alone: one site file, no modules of their own.
    if (existsSync(join(cases, c, 'modules')) || !existsSync(dir)) continue;
    const files = readdirSync(dir).filter((f) => f.endsWith('.pp'));
    if (files.length === 1) out.push({ name: `cases/${c}`, text: readFileSync(join(dir, files[0]), 'utf8') });
  }
  return out;
}

for (const seed of SEEDS) {
  test(`compiling ${ITERATIONS} mutated programs (seed ${seed}) ends in a catalog or a located error`, () => {
    const seeds = corpus();
    if (seed === SEEDS[0]) console.log(`evaluator fuzz corpus: ${seeds.length} programs`);
    const rnd = prng(seed);
    let errors = 0;
    const crashes: string[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const base = pick(seeds, rnd);
      let text = base.text;
      const rounds = 1 + Math.floor(rnd() * 3);
      for (let r = 0; r < rounds; r++) text = mutate(text, rnd);
      const out = runSnippet(text);
      if (out.crash) crashes.push(`iteration ${i} (seed ${seed}, from ${base.name}): ${out.crash}\n  input: ${JSON.stringify(text)}`);
      if (out.error !== undefined) errors++;
    }
    console.log(`seed ${seed}: ${ITERATIONS - errors - crashes.length} compiled, ${errors} located errors, ${crashes.length} crashes`);
    assert.deepEqual(crashes, [], 'internal exceptions instead of located errors');
  });
}

// What the fuzzer found once, kept: the corpus grows (new snippets change what a seed draws), so
// a find is not found again by its seed.
const FOUND = [
  // seed 2 at 5d2a91f: a node definition's regex that Ruby cannot compile, matched unlocated.
  'node /(/ { }\n',
];

test('what the fuzzer found once ends in a located error', () => {
  for (const text of FOUND) {
    const out = runSnippet(text);
    assert.equal(out.crash, undefined, `${JSON.stringify(text)}: ${out.crash}`);
    assert.notEqual(out.error, undefined, JSON.stringify(text));
  }
});
