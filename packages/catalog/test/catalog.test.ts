import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog, CatalogFloat, capitalizeType, parseCatalog, parseRef, stringifyCatalog } from '../src/index.ts';

test('resource references parse and format the way Puppet writes them', () => {
  assert.deepEqual(parseRef('File[/etc/motd]'), { type: 'File', title: '/etc/motd' });
  assert.deepEqual(parseRef("apt::source['x[1]']"), { type: 'Apt::Source', title: 'x[1]' });
  assert.equal(parseRef('not a ref'), null);
  assert.equal(capitalizeType('::apt::source'), 'Apt::Source');
});

test('catalog JSON round-trips, keeps parameter order and prints floats as floats', () => {
  const c = new Catalog('n1.example.com', 'production', 42);
  c.classes = ['settings', 'base'];
  c.add({ type: 'Notify', title: 'a', tags: ['notify'], file: 'site.pp', line: 3, exported: false,
    parameters: new Map<string, never>([['message', 'hi' as never], ['ratio', new CatalogFloat(2) as never], ['count', 2 as never]]) });
  c.add({ type: 'Class', title: 'Base', tags: ['class', 'base'], exported: false, parameters: new Map() });
  c.addEdge('Class[Base]', 'Notify[a]');
  const text = stringifyCatalog(c);
  assert.match(text, /"ratio": 2\.0,/);
  assert.match(text, /"count": 2\n/);
  const j = JSON.parse(text);
  assert.deepEqual(Object.keys(j), ['tags', 'name', 'version', 'code_id', 'catalog_uuid', 'catalog_format', 'environment', 'resources', 'edges', 'classes']);
  assert.equal(j.resources[1].parameters, undefined, 'no empty parameters object');
  const back = parseCatalog(text);
  assert.equal(back.find('Notify', 'a')?.line, 3);
  assert.deepEqual([...back.find('Notify', 'a')!.parameters.keys()], ['message', 'ratio', 'count']);
  assert.deepEqual(back.edges, [{ source: 'Class[Base]', target: 'Notify[a]' }]);
  assert.throws(() => back.add({ type: 'Notify', title: 'a', tags: [], exported: false, parameters: new Map() }), /duplicate resource Notify\[a\]/);
});

test('agentView leaves out exported resources and the edges touching them, keeps the rest', () => {
  const c = new Catalog('web01', 'production', 7);
  c.classes = ['main'];
  c.tags = ['class'];
  const res = (title: string, exported: boolean) => ({ type: 'File', title, tags: ['file'], exported, parameters: new Map() });
  c.add({ type: 'Class', title: 'main', tags: ['class'], exported: false, parameters: new Map() });
  c.add(res('/local', false));
  c.add(res('/exported', true));
  c.addEdge('Class[main]', 'File[/local]');
  c.addEdge('Class[main]', 'File[/exported]');
  const a = c.agentView();
  assert.deepEqual(a.resources.map((r) => r.title), ['main', '/local']);
  assert.deepEqual(a.edges, [{ source: 'Class[main]', target: 'File[/local]' }]);
  assert.deepEqual([a.name, a.environment, a.version, a.classes, a.tags], ['web01', 'production', 7, ['main'], ['class']]);
  assert.equal(c.resources.length, 3, 'the whole catalog is left as it was');
  const plain = new Catalog('web02');
  assert.equal(plain.agentView(), plain, 'a catalog exporting nothing is its own agent view');
});
