// Mutation fuzzing of the lexer, parser and validator: whatever the input, parsing ends with
// diagnostics, never an exception, never an "internal" error, and never a run-away parse.
// Seeded, so a failure names the seed and mutation that reproduce it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSource } from '../../packages/language/src/index.ts';
import { moduleCorpus } from '../support/module-corpus.ts';

const root = join(import.meta.dirname, '../..');
const ITERATIONS = Number(process.env.KASPER_FUZZ_ITERATIONS ?? 3000);
const SEED = Number(process.env.KASPER_FUZZ_SEED ?? 20261124);

/** A small, fast, seedable PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  '{', '}', '(', ')', '[', ']', '|', ',', ';', ':', '=>', '+>', '->', '~>', '<-', '<~', '<|', '|>', '<<|', '|>>',
  '$', '${', '"', "'", '/', '@(', '@@', '@', '*', '?', '=~', '!~', '<%', '%>', '<%=', '-%>', '\\', '\n', ' ',
  'class', 'define', 'node', 'if', 'elsif', 'else', 'unless', 'case', 'default', 'function', 'type', 'inherits',
  'undef', 'true', 'and', 'or', 'in', '$x', 'File', 'file', 'Integer[1,', '0x', '1e', '"${', '@("E")\n', '|-E',
];

function seeds(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const add = (dir: string) => {
    for (const f of readdirSync(dir, { recursive: true }) as string[]) {
      if (f.endsWith('.pp') || f.endsWith('.epp')) out.push({ name: join(dir, f), text: readFileSync(join(dir, f), 'utf8') });
    }
  };
  add(join(root, 'manifests'));
  add(join(root, 'modules'));
  add(join(root, 'test/negative/cases'));
  // Real modules make the best seeds: every construct, at real sizes.
  const modules = moduleCorpus();
  if ('dir' in modules) add(modules.dir);
  out.push({ name: 'inline.pp', text: 'class a::b(Optional[String[1]] $x = "v${y}") inherits a {\n  $h = { k => [1, 2.5, 0x1F], "q" => @("T"/L)\n    text $x\n    | T\n  }\n  File <| tag == "x" |> -> Service["s"]\n  case $x { /a(b)/: { notice($1) } default: { } }\n}\n' });
  return out;
}

function mutate(text: string, rnd: () => number): string {
  const at = () => Math.floor(rnd() * (text.length + 1));
  switch (Math.floor(rnd() * 6)) {
    case 0: { const a = at(); const b = Math.min(text.length, a + Math.floor(rnd() * 20)); return text.slice(0, a) + text.slice(b); }
    case 1: { const a = at(); return text.slice(0, a) + FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)] + text.slice(a); }
    case 2: { const a = at(); const b = Math.min(text.length, a + Math.floor(rnd() * 40)); const c = at(); return text.slice(0, c) + text.slice(a, b) + text.slice(c); }
    case 3: return text.slice(0, at());
    case 4: { const a = at(); return text.slice(0, a) + String.fromCharCode(Math.floor(rnd() * 0x2500)) + text.slice(a + 1); }
    default: { const a = at(); return text.slice(0, a) + text.slice(a).split('').reverse().slice(0, 5).join('') + text.slice(a + 5); }
  }
}

test(`parsing ${ITERATIONS} mutated inputs (seed ${SEED}) never throws and always ends`, () => {
  const rnd = prng(SEED);
  const corpus = seeds();
  assert.ok(corpus.length > 10);
  let slowest = { ms: 0, size: 0, name: '' };
  for (let i = 0; i < ITERATIONS; i++) {
    const base = corpus[Math.floor(rnd() * corpus.length)];
    let text = base.text;
    const rounds = 1 + Math.floor(rnd() * 4);
    for (let r = 0; r < rounds; r++) text = mutate(text, rnd);
    const file = base.name.endsWith('.epp') ? 'fuzz.epp' : 'fuzz.pp';
    const started = performance.now();
    let result;
    try {
      result = parseSource(text, file);
    } catch (e) {
      assert.fail(`iteration ${i} (seed ${SEED}) threw ${(e as Error).stack}\ninput: ${JSON.stringify(text)}`);
    }
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, size: text.length, name: base.name };
    for (const d of result.diagnostics) {
      assert.ok(!d.message.startsWith('Internal parser error'), `iteration ${i}: ${d.message}\ninput: ${JSON.stringify(text)}`);
      assert.ok(d.start.offset >= 0 && d.start.offset <= text.length && d.end.offset >= d.start.offset, `iteration ${i}: bad range`);
    }
    // Not a speed target (that is the benchmark's job): a guard against runaway backtracking,
    // generous enough for a loaded CI machine.
    assert.ok(ms < 2000 + text.length * 0.5, `iteration ${i} took ${ms.toFixed(0)} ms for ${text.length} characters`);
  }
  console.log(`slowest parse: ${slowest.ms.toFixed(1)} ms for ${slowest.size} characters (from ${slowest.name})`);
});
