// Mutation fuzzing of the lexer, parser and validator: whatever the input, parsing ends with
// diagnostics, never an exception, never an "internal" error, and never a run-away parse.
//
// Deterministic: the inputs are drawn from a fixed, sorted corpus (this repository's manifests
// and negative cases, and every Puppet module package of Debian, fetched when not installed:
// test/support/module-corpus.ts), so every machine fuzzes the same files; each seed is printed,
// and a failure names the seed, the iteration and the input that reproduce it.
// KASPER_FUZZ_SEED=n runs one seed, KASPER_FUZZ_ITERATIONS=n sets the iterations per seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSource } from '../../packages/language/src/index.ts';
import { needs } from '../support/host.ts';
import { debianModuleSources } from '../support/module-corpus.ts';
import { seededRandom } from '../support/random.ts';

const root = join(import.meta.dirname, '../..');
const ITERATIONS = Number(process.env.KASPER_FUZZ_ITERATIONS ?? 3000);
// 20261124 is the seed of the first version of this test; the others widen the search. Five
// seeds of 3,000 parses take about 10 s on one core (more seeds: KASPER_FUZZ_SEED in a loop).
const SEEDS = process.env.KASPER_FUZZ_SEED ? [Number(process.env.KASPER_FUZZ_SEED)] : [20261124, 1, 2, 3, 4];

const prng = seededRandom;

const FRAGMENTS = [
  '{', '}', '(', ')', '[', ']', '|', ',', ';', ':', '=>', '+>', '->', '~>', '<-', '<~', '<|', '|>', '<<|', '|>>',
  '$', '${', '"', "'", '/', '@(', '@@', '@', '*', '?', '=~', '!~', '<%', '%>', '<%=', '-%>', '\\', '\n', ' ',
  'class', 'define', 'node', 'if', 'elsif', 'else', 'unless', 'case', 'default', 'function', 'type', 'inherits',
  'undef', 'true', 'and', 'or', 'in', '$x', 'File', 'file', 'Integer[1,', '0x', '1e', '"${', '@("E")\n', '|-E',
];
/** Fragments repeated many times: nesting and chains far beyond what real code does. */
const REPEATED = ['[', '(', '{', '"${', '-', '!', '@', '$x + ', '$x -> ', '.x', '[0]', 'if $x {', '} elsif $x {', '$x = ', 'f(', '$x ? { 1 => '];

interface Seed {
  name: string;
  /** The name without the folder the corpus is in, the same on every machine. */
  key: string;
  text: string;
}

let corpus: { seeds: Seed[]; description: string } | { reason: string } | undefined;

function loadCorpus(): { seeds: Seed[]; description: string } | { reason: string } {
  const modules = debianModuleSources();
  if (!('dir' in modules)) return modules;
  const seeds: Seed[] = [];
  for (const dir of ['manifests', 'modules', 'test/negative/cases']) {
    for (const f of (readdirSync(join(root, dir), { recursive: true }) as string[]).sort()) {
      if (f.endsWith('.pp') || f.endsWith('.epp')) seeds.push({ name: join(dir, f), key: join(dir, f), text: readFileSync(join(root, dir, f), 'utf8') });
    }
  }
  // Real modules make the best seeds: every construct, at real sizes.
  for (const f of modules.files) seeds.push({ name: join(modules.dir, f), key: `debian/${f}`, text: readFileSync(join(modules.dir, f), 'utf8') });
  seeds.push({ name: 'inline.pp', key: 'inline.pp', text: 'class a::b(Optional[String[1]] $x = "v${y}") inherits a {\n  $h = { k => [1, 2.5, 0x1F], "q" => @("T"/L)\n    text $x\n    | T\n  }\n  File <| tag == "x" |> -> Service["s"]\n  case $x { /a(b)/: { notice($1) } default: { } }\n}\n' });
  const hash = createHash('sha256');
  for (const s of seeds) hash.update(s.key).update('\0').update(s.text).update('\0');
  const chars = seeds.reduce((n, s) => n + s.text.length, 0);
  return { seeds, description: `${seeds.length} files (${modules.files.length} from Debian's module packages in ${modules.dir}), ${chars} characters, sha256 ${hash.digest('hex').slice(0, 12)}` };
}

function mutate(text: string, rnd: () => number): string {
  const at = () => Math.floor(rnd() * (text.length + 1));
  switch (Math.floor(rnd() * 7)) {
    case 0: { const a = at(); const b = Math.min(text.length, a + Math.floor(rnd() * 20)); return text.slice(0, a) + text.slice(b); }
    case 1: { const a = at(); return text.slice(0, a) + FRAGMENTS[Math.floor(rnd() * FRAGMENTS.length)] + text.slice(a); }
    case 2: { const a = at(); const b = Math.min(text.length, a + Math.floor(rnd() * 40)); const c = at(); return text.slice(0, c) + text.slice(a, b) + text.slice(c); }
    case 3: return text.slice(0, at());
    case 4: { const a = at(); return text.slice(0, a) + String.fromCharCode(Math.floor(rnd() * 0x2500)) + text.slice(a + 1); }
    case 5: { const a = at(); return text.slice(0, a) + REPEATED[Math.floor(rnd() * REPEATED.length)].repeat(1 + Math.floor(rnd() * 3000)) + text.slice(a); }
    default: { const a = at(); return text.slice(0, a) + text.slice(a).split('').reverse().slice(0, 5).join('') + text.slice(a + 5); }
  }
}

for (const seed of SEEDS) {
  test(`parsing ${ITERATIONS} mutated inputs (seed ${seed}) never throws and always ends`, (t) => {
    corpus ??= loadCorpus();
    if (!needs(t, 'seeds' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
    const { seeds, description } = corpus as { seeds: Seed[]; description: string };
    if (seed === SEEDS[0]) console.log(`fuzz corpus: ${description}`);
    const rnd = prng(seed);
    let slowest = { ms: 0, size: 0, name: '' };
    for (let i = 0; i < ITERATIONS; i++) {
      const base = seeds[Math.floor(rnd() * seeds.length)];
      let text = base.text;
      const rounds = 1 + Math.floor(rnd() * 4);
      for (let r = 0; r < rounds; r++) text = mutate(text, rnd);
      const file = base.name.endsWith('.epp') ? 'fuzz.epp' : 'fuzz.pp';
      const started = performance.now();
      let result;
      try {
        result = parseSource(text, file);
      } catch (e) {
        assert.fail(`iteration ${i} (seed ${seed}, from ${base.name}) threw ${(e as Error).stack}\ninput: ${JSON.stringify(text)}`);
      }
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, size: text.length, name: base.name };
      for (const d of result.diagnostics) {
        assert.ok(!d.message.startsWith('Internal parser error'), `iteration ${i} (seed ${seed}, from ${base.name}): ${d.message}\ninput: ${JSON.stringify(text)}`);
        assert.ok(d.start.offset >= 0 && d.start.offset <= text.length && d.end.offset >= d.start.offset, `iteration ${i} (seed ${seed}): bad range`);
      }
      // Not a speed target (that is the benchmark's job): a guard against runaway backtracking,
      // generous enough for a loaded CI machine.
      assert.ok(ms < 2000 + text.length * 0.5, `iteration ${i} (seed ${seed}) took ${ms.toFixed(0)} ms for ${text.length} characters`);
    }
    console.log(`seed ${seed}: slowest parse ${slowest.ms.toFixed(1)} ms for ${slowest.size} characters (from ${slowest.name})`);
  });
}
