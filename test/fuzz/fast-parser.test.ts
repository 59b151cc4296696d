// The fast parser (packages/language/src/fast-parser.ts) against chevrotain's (parser.ts), the
// grammar both implement: on every file of the corpora and on thousands of mutations of them,
// the fast parser must build exactly chevrotain's tree (same nodes, same key order, same places)
// wherever chevrotain finds no syntax error, and must give up wherever chevrotain reports one,
// so that a user only ever sees chevrotain's messages. Also checks the validator's table of the
// fields that hold child nodes against the trees.
//
// Deterministic like the parser fuzzer (same corpus, same mutations, printed seeds).
// KASPER_FUZZ_SEED=n runs one seed, KASPER_FUZZ_ITERATIONS=n sets the iterations per seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lex, parseWithChevrotain, type SourceKind } from '../../packages/language/src/index.ts';
import { fastParse } from '../../packages/language/src/fast-parser.ts';
import { childNodes, childNodesByKeys } from '../../packages/language/src/validator-checks.ts';
import type { Node } from '../../packages/language/src/ast.ts';
import { pushChildren } from '../../packages/language/src/validator.ts';
import { needs } from '../support/host.ts';
import { fuzzCorpus, mutate } from '../support/parser-fuzz-corpus.ts';
import { seededRandom } from '../support/random.ts';
import { readSnippets, snippetFiles } from '../conformance/snippets/run.ts';

const root = join(import.meta.dirname, '../..');
const ITERATIONS = Number(process.env.KASPER_FUZZ_ITERATIONS ?? 2500);
const SEEDS = process.env.KASPER_FUZZ_SEED ? [Number(process.env.KASPER_FUZZ_SEED)] : [20261201, 7];

type Outcome = 'lexical error' | 'both parse' | 'both reject';

/** Parses `text` with both parsers and checks they agree; what happened. */
function agree(text: string, kind: SourceKind, where: string): Outcome {
  const lexed = lex(text, 'x.pp', kind);
  // With a lexical error the fast parser is not tried at all.
  if (lexed.diagnostics.length > 0) return 'lexical error';
  const fast = fastParse(lexed.list, kind);
  const slow = parseWithChevrotain(text, 'x.pp', kind, lexed);
  const syntax = slow.diagnostics.filter((d) => /^KSP-(PARSE|LEX)-/.test(d.code));
  if (fast === null) {
    assert.ok(syntax.length > 0, `${where}: the fast parser gave up where chevrotain finds no syntax error\ninput: ${JSON.stringify(text)}`);
    return 'both reject';
  }
  assert.deepEqual(syntax.map((d) => d.message), [], `${where}: the fast parser accepted what chevrotain rejects\ninput: ${JSON.stringify(text)}`);
  fast.end = text.length;
  const difference = differ(fast, slow.program);
  if (difference) assert.fail(`${where}: the trees differ at ${difference}\ninput: ${JSON.stringify(text)}`);
  childrenAgree(fast, where);
  return 'both parse';
}

/**
 * Where two trees differ (a path, with what each holds there), or null: the same keys in the same
 * order and the same values. A loop, not a recursion: long chains make deep trees.
 */
function differ(a: unknown, b: unknown): string | null {
  const pending: [unknown, unknown, string][] = [[a, b, '']];
  while (pending.length > 0) {
    const [x, y, path] = pending.pop()!;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null || Array.isArray(x) !== Array.isArray(y)) {
      return `${path}: ${JSON.stringify(x)?.slice(0, 80)} / ${JSON.stringify(y)?.slice(0, 80)}`;
    }
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.join() !== ky.join()) return `${path}: keys ${kx.join()} / ${ky.join()}`;
    for (const k of kx) pending.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`]);
  }
  return null;
}

/** The validator's table of child fields (childNodes) finds the children the nodes' own keys hold, in their order. */
function childrenAgree(root: Node, where: string): void {
  const pending: Node[] = [root];
  while (pending.length > 0) {
    const n = pending.pop()!;
    const children = childNodes(n, true);
    const byKeys = childNodesByKeys(n, true);
    if (children.length !== byKeys.length || children.some((c, i) => c !== byKeys[i])) {
      assert.fail(`${where}: childNodes of a ${n.kind} is not what its keys hold (${Object.keys(n).join(', ')})`);
    }
    const pushed: (Node | null)[] = [];
    pushChildren(n, pushed);
    if (pushed.length !== byKeys.length || pushed.some((c, i) => c !== byKeys[byKeys.length - 1 - i])) {
      assert.fail(`${where}: the validator's pushChildren of a ${n.kind} is not what its keys hold, last first`);
    }
    pending.push(...byKeys);
  }
}

test('on every file of the corpora and every language snippet, the fast parser builds chevrotain\'s tree', (t) => {
  const corpus = fuzzCorpus();
  if (!needs(t, 'seeds' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
  const files = [...(corpus as Exclude<typeof corpus, { reason: string }>).seeds];
  // and the compiler's conformance cases
  const cases = join(root, 'test/conformance/cases');
  for (const f of (readdirSync(cases, { recursive: true }) as string[]).sort()) {
    if (f.endsWith('.pp') || f.endsWith('.epp')) files.push({ name: join(cases, f), key: f, text: readFileSync(join(cases, f), 'utf8') });
  }
  // and the language snippets (the grammar's corners, each with Puppet's answer)
  for (const file of snippetFiles()) {
    for (const sn of readSnippets(file)) files.push({ name: `${file}: ${sn.name}`, key: `${file}: ${sn.name}`, text: sn.code });
  }
  const counts: Record<Outcome, number> = { 'lexical error': 0, 'both parse': 0, 'both reject': 0 };
  for (const f of files) counts[agree(f.text, f.name.endsWith('.epp') ? 'epp' : 'manifest', f.name)]++;
  console.log(`${files.length} files: ${JSON.stringify(counts)}`);
  // Real code is what the fast parser is for: every valid file must take it.
  assert.ok(counts['both parse'] > files.length * 0.9, JSON.stringify(counts));
});

for (const seed of SEEDS) {
  test(`on ${ITERATIONS} mutated inputs (seed ${seed}) the two parsers agree`, (t) => {
    const corpus = fuzzCorpus();
    if (!needs(t, 'seeds' in corpus, 'reason' in corpus ? corpus.reason : '')) return;
    const { seeds } = corpus as Exclude<typeof corpus, { reason: string }>;
    const rnd = seededRandom(seed);
    const counts: Record<Outcome, number> = { 'lexical error': 0, 'both parse': 0, 'both reject': 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const base = seeds[Math.floor(rnd() * seeds.length)];
      let text = base.text;
      const rounds = 1 + Math.floor(rnd() * 4);
      for (let r = 0; r < rounds; r++) text = mutate(text, rnd);
      counts[agree(text, base.name.endsWith('.epp') ? 'epp' : 'manifest', `iteration ${i} (seed ${seed}, from ${base.name})`)]++;
    }
    console.log(`seed ${seed}: ${JSON.stringify(counts)}`);
  });
}
