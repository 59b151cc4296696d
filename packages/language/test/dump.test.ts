// The AST dump (`kasper parser dump`): JSON.stringify's layout with each node's place as
// line:column, and no depth limit of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dumpAst, parseManifest, type LineMap } from '../src/index.ts';

/** What the dump was before it was written iteratively: JSON.stringify with a replacer. */
function reference(program: unknown, map: LineMap): string {
  return JSON.stringify(program, (_key, value) => {
    if (value && typeof value === 'object' && typeof value.kind === 'string' && typeof value.start === 'number') {
      const s = map.position(value.start);
      const e = map.position(value.end);
      const { start: _s, end: _e, ...rest } = value;
      return { ...rest, range: `${s.line}:${s.column}-${e.line}:${e.column}` };
    }
    return value;
  }, 2);
}

const root = join(import.meta.dirname, '../../..');
const sources = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.pp')).map((f) => join(dir, f));

test('the dump of every manifest in the repository is what JSON.stringify writes', () => {
  const files = [...sources(join(root, 'manifests')), ...sources(join(root, 'modules'))];
  assert.ok(files.length > 5, files.join(', '));
  for (const f of files) {
    const r = parseManifest(readFileSync(f, 'utf8'), f);
    assert.equal(dumpAst(r.program, r.lineMap), reference(r.program, r.lineMap), f);
  }
  // Empty members, undefined members, strings needing escapes.
  const r = parseManifest('$a = []\n$b = {}\n$c = "tab\\t\\u{1F600} \\"q\\""\nnotice(undef)\n');
  assert.equal(dumpAst(r.program, r.lineMap), reference(r.program, r.lineMap));
});

test('a 20,000-term sum (a chain 20,000 deep) is dumped, where JSON.stringify overflows the stack', () => {
  const r = parseManifest(`$x = ${Array(20000).fill('1').join('+')}\n`);
  assert.deepEqual(r.diagnostics, []);
  assert.throws(() => reference(r.program, r.lineMap), RangeError);
  const dump = dumpAst(r.program, r.lineMap);
  let node = (JSON.parse(dump) as { body: { right: unknown }[] }).body[0].right as { kind: string; left?: unknown; range: string };
  let depth = 0;
  while (node.left) {
    node = node.left as typeof node;
    depth++;
  }
  assert.equal(depth, 19999);
  assert.equal(node.range, '1:6-1:7');
});
