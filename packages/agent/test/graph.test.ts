// The dependency graph: relationship metaparameters, containment, autorequires, aliases, and
// cycles named with where each resource was declared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CatalogResource } from '@kasper/catalog';
import { buildGraph, CycleError } from '../src/index.ts';
import { catalogOf } from './fixtures.ts';

const none = () => [];

test('relationships order resources; catalog order breaks ties', () => {
  const catalog = catalogOf([
    { title: 'web', params: { require: 'Kv[db]' } },
    { title: 'free' },
    { title: 'db' },
    { title: 'cache', params: { before: ['Kv[web]'] } },
    { title: 'conf', params: { notify: 'Kv[web]' } },
    { title: 'logs', params: { subscribe: 'Kv[conf]' } },
  ]);
  const g = buildGraph(catalog, none);
  assert.deepEqual(g.order, ['Kv[free]', 'Kv[db]', 'Kv[cache]', 'Kv[conf]', 'Kv[web]', 'Kv[logs]']);
  assert.deepEqual([...g.nodes.get('Kv[web]')!.before].sort(), ['Kv[cache]', 'Kv[conf]', 'Kv[db]']);
  // notify and subscribe order and send refresh events; require and before only order.
  assert.deepEqual([...g.nodes.get('Kv[conf]')!.notifies].sort(), ['Kv[logs]', 'Kv[web]']);
  assert.deepEqual([...g.nodes.get('Kv[db]')!.notifies], []);
});

test('a class or defined type stands for everything it contains, and is not applied itself', () => {
  const catalog = catalogOf([
    { type: 'Class', title: 'Base', kind: 'unknown' },
    { type: 'App::Site', title: 'x', kind: 'defined_type', params: { require: 'Class[Base]' } },
    { title: 'site-conf' },
    { title: 'motd' },
    { title: 'users' },
    { title: 'first', params: { before: 'App::Site[x]' } },
  ], [
    ['Class[main]', 'Class[Base]'], ['Class[Base]', 'Kv[motd]'], ['Class[Base]', 'Kv[users]'],
    ['Class[main]', 'App::Site[x]'], ['App::Site[x]', 'Kv[site-conf]'], ['Class[main]', 'Kv[first]'],
  ]);
  const g = buildGraph(catalog, none);
  assert.deepEqual([...g.nodes.keys()].sort(), ['Kv[first]', 'Kv[motd]', 'Kv[site-conf]', 'Kv[users]']);
  assert.deepEqual([...g.nodes.get('Kv[site-conf]')!.before].sort(), ['Kv[first]', 'Kv[motd]', 'Kv[users]']);
  assert.deepEqual(g.order, ['Kv[motd]', 'Kv[users]', 'Kv[first]', 'Kv[site-conf]']);
});

test('autorequires apply only where nothing says otherwise; aliases name the same resource', () => {
  const autorequire = (r: CatalogResource) => {
    const after = r.parameters.get('after');
    return typeof after === 'string' ? [`Kv[${after}]`] : [];
  };
  const catalog = catalogOf([
    { title: 'child', params: { after: 'parent' } },
    { title: '/srv/parent', params: { alias: 'parent' } },
    // An explicit `before` the other way wins over the autorequire.
    { title: 'a', params: { after: 'b', before: 'Kv[b]' } },
    { title: 'b' },
    { title: 'lonely', params: { after: 'not-in-catalog' } },
  ]);
  const g = buildGraph(catalog, autorequire);
  assert.deepEqual([...g.nodes.get('Kv[child]')!.before], ['Kv[/srv/parent]']);
  assert.deepEqual([...g.nodes.get('Kv[a]')!.before], []);
  assert.deepEqual([...g.nodes.get('Kv[b]')!.before], ['Kv[a]']);
  assert.deepEqual([...g.nodes.get('Kv[lonely]')!.before], []);
  assert.ok(g.order.indexOf('Kv[/srv/parent]') < g.order.indexOf('Kv[child]'));
});

test('a cycle is an error naming the loop in apply order, with file and line', () => {
  const catalog = catalogOf([
    { title: 'a', line: 2, params: { require: 'Kv[c]' } },
    { title: 'b', line: 3, params: { require: 'Kv[a]' } },
    { title: 'c', line: 4, params: { require: 'Kv[b]' } },
    { title: 'outside', line: 5 },
  ]);
  assert.throws(() => buildGraph(catalog, none), (e: unknown) => {
    assert.ok(e instanceof CycleError);
    assert.equal(e.cycle.length, 4);
    assert.equal(e.cycle[0], e.cycle[3]);
    assert.deepEqual(new Set(e.cycle), new Set(['Kv[a]', 'Kv[b]', 'Kv[c]']));
    assert.match(e.message, /^Found 1 dependency cycle: \(Kv\[\w\] \(\/site\.pp:\d\) => /);
    return true;
  });
});
