// JsonRows writes the answer's bytes a row at a time: the same text JSON.stringify gives for
// the rows as objects, whatever the strings hold, across the buffer's growth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonRows } from '../src/engine.ts';

const SEED = 20261201;
console.log(`json-rows seed ${SEED}`);
function random(seed: number) {
  let x = seed;
  return () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

const STRINGS = ['', 'plain', 'quote " and \\ backslash', 'tab\tnew\nline\u0001', 'line\u2028separator\u2029', 'é ü 中文', 'astral 😀', 'lone \ud800 surrogate', '</script>'];

test('rows written as bytes equal JSON.stringify of the rows as objects', () => {
  const rand = random(SEED);
  const columns = [
    { name: 'certname', kind: 'string' as const }, { name: 'with "quote"', kind: 'string' as const },
    { name: 'count', kind: 'number' as const }, { name: 'noop', kind: 'boolean' as const }, { name: 'doc', kind: 'json' as const },
  ];
  const rows: unknown[][] = [];
  const expected: Record<string, unknown>[] = [];
  for (let i = 0; i < 5000; i++) {
    const s = STRINGS[Math.floor(rand() * STRINGS.length)] + i;
    const other = rand() < 0.2 ? null : STRINGS[Math.floor(rand() * STRINGS.length)];
    const n = rand() < 0.1 ? null : rand() < 0.5 ? Math.floor(rand() * 1e6) : String(rand() * 100);
    const b = [0, 1, true, false, 'f', 't', '0', null][Math.floor(rand() * 8)];
    const doc = rand() < 0.3 ? null : JSON.stringify({ k: STRINGS[i % STRINGS.length], n: i });
    rows.push([s, other, n, b, doc]);
    expected.push({
      certname: s, 'with "quote"': other, count: n === null ? null : Number(n),
      noop: b === null ? null : !(b === 0 || b === false || b === '0' || b === 'f'), doc: doc === null ? null : JSON.parse(doc),
    });
  }
  const out = new JsonRows(columns, 16); // a tiny first buffer: grown many times
  for (const r of rows) out.add(r);
  const bytes = out.finish();
  assert.equal(bytes.toString('utf8'), JSON.stringify(expected));
});

test('no rows is an empty array; a non-finite number is null', () => {
  assert.equal(new JsonRows([{ name: 'a', kind: 'string' }]).finish().toString(), '[]');
  const out = new JsonRows([{ name: 'n', kind: 'number' }]);
  out.add(['NaN']);
  out.add([Infinity]);
  assert.equal(out.finish().toString(), '[{"n":null},{"n":null}]');
});
