// The summary a git push prints (renderSummary): failures first, errors that differ only by
// the node they name told once, and bounded whatever the fleet's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport, emptyChangeSet, renderSummary, type NodeResult } from '../src/index.ts';

const info = { ref: 'a', resolved: 'a' };

function failed(node: string, side: 'from' | 'to' = 'to'): NodeResult {
  const changes = emptyChangeSet();
  changes.failures.push({ side, message: `Could not find class ::x for ${node}`, code: 'KSP-CLASS-001', file: 'site.pp', line: 2, column: 3 });
  return { node, status: 'failed', changes, compileMs: 0, diffMs: 0 };
}

function changed(node: string, refs: string[]): NodeResult {
  const changes = emptyChangeSet();
  for (const ref of refs) changes.resources.added.push({ ref, parameters: {} });
  return { node, status: 'changed', changes, compileMs: 0, diffMs: 0 };
}

test('failures come first (those the push brings first of all), told once for the nodes whose error differs only by their name', () => {
  const r = buildReport(info, info, 'production', [changed('web3', ['File[/a]']), failed('web1'), failed('web2'), failed('db1', 'from'), { node: 'z', status: 'unchanged', changes: emptyChangeSet(), compileMs: 0, diffMs: 0 }], 0, 1);
  assert.deepEqual(renderSummary(r), [
    '5 nodes: 3 failed to compile, 1 changed, 1 unchanged; resources over all nodes: 1 added',
    '✗ broken by this push — 2 nodes: web1, web2',
    '    new code: Could not find class ::x for <node> [KSP-CLASS-001] (site.pp:2:3)',
    '✗ failed to compile — 1 node: db1',
    '    old code: Could not find class ::x for db1 [KSP-CLASS-001] (site.pp:2:3)',
    '● 1 added — 1 node: web3',
    '    + File[/a]',
    'unchanged: 1 node (z)',
  ]);
});

test('bounded: groups, resources and node names are cut, saying how many more', () => {
  const nodes = Array.from({ length: 30 }, (_, i) => changed(`n${String(i).padStart(2, '0')}`, Array.from({ length: i + 1 }, (_, k) => `File[/f${k}]`)));
  nodes.push(...Array.from({ length: 20 }, (_, i) => changed(`m${String(i).padStart(2, '0')}`, ['File[/f0]', 'File[/f1]', 'File[/f2]'])));
  const lines = renderSummary(buildReport(info, info, 'production', nodes, 0, 1), { maxGroups: 3, maxResources: 2, maxNodes: 4 });
  assert.deepEqual(lines, [
    '50 nodes: 50 changed, 0 unchanged; resources over all nodes: 525 added',
    '● 3 added — 21 nodes: m00, m01, m02, m03 and 17 more',
    '    + File[/f0]',
    '    + File[/f1]',
    '    … and 1 more',
    '● 1 added — 1 node: n00',
    '    + File[/f0]',
    '● 2 added — 1 node: n01',
    '    + File[/f0]',
    '    + File[/f1]',
    '… and 27 more groups (see the full report)',
  ]);
});
