// jsonChunks joined is JSON.stringify(value, null, 2), whatever the value: fixed cases for what
// JSON.stringify leaves out or turns into null, toJSON, and generated documents (seed printed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonChunks, writeFileAtomic } from '../src/index.ts';

const same = (value: unknown, depth?: number) => {
  assert.equal([...jsonChunks(value, depth)].join(''), JSON.stringify(value, null, 2) ?? 'null');
  // The compact form is JSON.stringify(value)'s.
  assert.equal([...jsonChunks(value, depth, true)].join(''), JSON.stringify(value) ?? 'null');
};

test('what JSON.stringify leaves out, nulls or converts is the same in pieces', () => {
  same({});
  same([]);
  same({ a: {}, b: [], c: [[]], d: { e: {} } });
  same({ a: undefined, b: () => 1, c: Symbol('x'), d: 1 });
  same({ only: undefined });
  same([undefined, () => 1, Symbol('x'), 2]);
  same({ when: new Date(0), text: 'line\nbreak "quoted" \u2028 é', n: null, t: true, f: 1.5 });
  same({ report: { toJSON: (k: string) => ({ key: k, list: [1, { x: 2 }] }) } });
  same({ toJSON: () => ({ top: [1, 2, { three: 3 }] }) });
  same('a string');
  same(42);
  same(null);
  same({ deep: { deeper: { deepest: [1, [2, [3, { four: 4 }]]] } } }, 1);
  same({ deep: { deeper: { deepest: [1, [2, [3, { four: 4 }]]] } } }, 5);
  same({ 2: 'b', 1: 'a', z: 'z', y: 'y' });
});

test('generated documents come out as JSON.stringify writes them', () => {
  const seed = 20261201;
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const gen = (depth: number): unknown => {
    const r = rand();
    if (depth <= 0 || r < 0.3) return [null, true, 'str\n"x"', 3.25, -7, undefined, ''][Math.floor(rand() * 7)];
    if (r < 0.65) return Array.from({ length: Math.floor(rand() * 5) }, () => gen(depth - 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rand() * 5) }, (_, i) => [`k${i}${rand() < 0.2 ? '\n' : ''}`, gen(depth - 1)]));
  };
  for (let i = 0; i < 500; i++) {
    const doc = gen(5);
    for (const depth of [0, 1, 2, 4]) {
      assert.equal([...jsonChunks(doc, depth)].join(''), JSON.stringify(doc, null, 2) ?? 'null', `seed ${seed}, document ${i}, depth ${depth}`);
      assert.equal([...jsonChunks(doc, depth, true)].join(''), JSON.stringify(doc) ?? 'null', `seed ${seed}, document ${i}, depth ${depth}, compact`);
    }
  }
});

test('writeFileAtomic writes pieces one after another', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-json-'));
  try {
    const doc = { a: [1, 2, 3], b: { c: 'd' } };
    writeFileAtomic(join(dir, 'x.json'), jsonChunks(doc));
    assert.equal(readFileSync(join(dir, 'x.json'), 'utf8'), JSON.stringify(doc, null, 2));
    writeFileAtomic(join(dir, 'y.txt'), 'plain é');
    assert.equal(readFileSync(join(dir, 'y.txt'), 'utf8'), 'plain é');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
