import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Catalog, CatalogFloat, CatalogInteger, capitalizeType, catalogInteger, parseCatalog, parseRef, plainRichValue, richScalarData, stringifyCatalog } from '../src/index.ts';

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

test('Integers beyond 2^53 keep every digit through the catalog JSON, both ways', () => {
  assert.equal(catalogInteger(42n), 42);
  assert.ok(catalogInteger(12345678901234567n) instanceof CatalogInteger);
  const c = new Catalog('n1', 'production', 1);
  c.add({ type: 'Notify', title: 'big', tags: [], exported: false,
    parameters: new Map<string, never>([['message', catalogInteger(12345678901234567n) as never], ['list', [catalogInteger(-9223372036854775808n), 1] as never]]) });
  const text = stringifyCatalog(c);
  assert.match(text, /"message": 12345678901234567,/);
  assert.match(text, /-9223372036854775808,/);
  // JSON.stringify anywhere (storage, reports) writes the digits too.
  assert.equal(JSON.stringify({ n: new CatalogInteger(9007199254740993n) }), '{"n":9007199254740993}');
  const back = parseCatalog(text).find('Notify', 'big')!;
  assert.deepEqual(back.parameters.get('message'), new CatalogInteger(12345678901234567n));
  assert.equal((back.parameters.get('list') as unknown[])[1], 1);
});

test("rich data as an agent's providers take it: text, a Binary's bytes, Default, Integer-keyed hashes", () => {
  const plain = (v: unknown): unknown => plainRichValue(v, plain) ?? v;
  assert.equal(plain(richScalarData('SemVer', '1.2.3')), '1.2.3');
  assert.equal(plain(richScalarData('URI', 'http://x/')), 'http://x/');
  assert.deepEqual(plain(richScalarData('Binary', 'AAH+/w==')), Buffer.from([0, 1, 254, 255]));
  assert.equal(plain(richScalarData('Regexp', '^a+$')), '/^a+$/');
  assert.equal(plain({ __ptype: 'Default' }), 'default');
  assert.equal(plain({ __ptype: 'Pcore::IntegerType', from: 1, to: 2 }), 'Integer[1, 2]');
  assert.equal(plain({ __ptype: 'Pcore::StringType' }), 'String');
  assert.deepEqual(plain({ __ptype: 'Hash', __pvalue: [1, 'one', 2, 'two'] }), { 1: 'one', 2: 'two' });
  assert.equal(plainRichValue({ a: 1 }, plain), undefined);
  assert.equal(plainRichValue('x', plain), undefined);
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
