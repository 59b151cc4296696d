// The comparer on catalogs written as data (no compiling): what counts as a change and what is
// left out, sources read from each side, grouping into a report, and the options and inputs
// `kasper diff` refuses, each with its code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog, type CatalogValue } from '@kasper/catalog';
import { Comparer, DiffInputError, buildReport, checkout, exitCodeOf, factFiles, type NodeResult, type SourceReader } from '../src/index.ts';

interface Spec { type?: string; title: string; params?: Record<string, CatalogValue>; tags?: string[]; sensitive?: string[]; line?: number }

function catalog(specs: Spec[], classes: string[] = ['main'], contains: [string, string][] = []): Catalog {
  const c = new Catalog('web1', 'production', 1);
  c.classes = classes;
  for (const s of specs) {
    const type = s.type ?? 'File';
    c.add({ type, title: s.title, tags: s.tags ?? [type.toLowerCase()], file: 'site.pp', line: s.line ?? 1, exported: false, parameters: new Map(Object.entries(s.params ?? {})), sensitiveParameters: s.sensitive });
  }
  for (const [a, b] of contains) c.addEdge(a, b);
  return c;
}


test('resources added, removed and changed; where a resource sits is not a change', () => {
  const from = catalog([{ title: '/a', params: { mode: '0644' } }, { title: '/gone' }, { title: '/same', params: { owner: 'root' } }]);
  const to = catalog([{ title: '/a', params: { mode: '0600', owner: 'root' }, line: 9 }, { title: '/new', params: { ensure: 'file' } }, { title: '/same', params: { owner: 'root' }, line: 5 }]);
  const c = new Comparer().compare(from, to);
  assert.deepEqual(c.resources.added.map((r) => [r.ref, r.parameters]), [['File[/new]', { ensure: 'file' }]]);
  assert.deepEqual(c.resources.removed.map((r) => r.ref), ['File[/gone]']);
  assert.deepEqual(c.resources.changed, [{
    ref: 'File[/a]', file: 'site.pp', line: 9,
    parameters: [{ name: 'mode', status: 'changed', from: '0644', to: '0600' }, { name: 'owner', status: 'added', to: 'root' }],
  }]);
});

test('multi-line text gets a unified diff; sensitive values are never shown', () => {
  const from = catalog([{ title: '/conf', params: { content: 'a\nb\nc\n', password: 'old' }, sensitive: ['password'] }]);
  const to = catalog([{ title: '/conf', params: { content: 'a\nB\nc\n', password: 'new' }, sensitive: ['password'] }]);
  const [change] = new Comparer().compare(from, to).resources.changed;
  const content = change.parameters.find((p) => p.name === 'content')!;
  assert.match(content.diff!, /^--- File\[\/conf\] content \(from\)\n\+\+\+ File\[\/conf\] content \(to\)\n@@ -1,3 \+1,3 @@\n a\n-b\n\+B\n c/);
  assert.deepEqual(change.parameters.find((p) => p.name === 'password'), { name: 'password', status: 'changed', sensitive: true });
});

test('relationships are edges, tags are tags, classes are classes', () => {
  const from = catalog([{ title: '/a' }, { title: '/b', tags: ['file', 'old'] }], ['main', 'base'], [['Class[main]', 'File[/a]']]);
  const to = catalog([{ title: '/a', params: { before: "file['/b']" } }, { title: '/b', tags: ['file', 'new'] }], ['main', 'web'], [['Class[main]', 'File[/a]']]);
  const c = new Comparer().compare(from, to);
  assert.deepEqual(c.edges.added, [{ source: 'File[/a]', target: 'File[/b]', kind: 'before' }]);
  assert.deepEqual(c.edges.removed, []);
  assert.deepEqual(c.resources.changed.map((r) => [r.ref, r.parameters, r.tags]), [['File[/b]', [], { added: ['new'], removed: ['old'] }]]);
  assert.deepEqual(c.classes, { added: ['web'], removed: ['base'] });
  assert.deepEqual(new Comparer({ ignoreTags: true }).compare(from, to).resources.changed, []);
});

test('--ignore and --ignore-param leave out what they name, types in any case', () => {
  const from = catalog([{ title: '/tmp/x', params: { mode: '1' } }, { type: 'Exec', title: 'run', params: { loglevel: 'info' } }, { title: '/etc/y', params: { mode: '1', owner: 'a' } }]);
  const to = catalog([{ title: '/tmp/x', params: { mode: '2' } }, { type: 'Exec', title: 'run', params: { loglevel: 'debug' } }, { title: '/etc/y', params: { mode: '2', owner: 'b' } }]);
  const c = new Comparer({ ignore: ['file[/tmp/*]'], ignoreParams: ['File.mode', '*.loglevel'] }).compare(from, to);
  assert.deepEqual(c.resources.changed.map((r) => [r.ref, r.parameters.map((p) => p.name)]), [['File[/etc/y]', ['owner']]]);
});

test('a puppet:/// source is compared by what each side serves, also when the URL stays', () => {
  const from = catalog([{ title: '/motd', params: { source: 'puppet:///modules/base/motd' } }]);
  const to = catalog([{ title: '/motd', params: { source: 'puppet:///modules/base/motd' } }]);
  const reader = (text: string): SourceReader => () => ({ text, digest: `sha256:${text.length}` });
  const [change] = new Comparer().compare(from, to, reader('hello\n'), reader('hello, world\n')).resources.changed;
  assert.equal(change.parameters[0].sourceContentChanged, true);
  assert.match(change.parameters[0].diff!, /-hello\n\+hello, world/);
  assert.deepEqual(new Comparer().compare(from, to, reader('same\n'), reader('same\n')).resources.changed, []);
});

test('nodes with equal change-sets are grouped, failures first; the exit code says whether the new code breaks a node', () => {
  const changes = new Comparer().compare(catalog([{ title: '/a', params: { mode: '1' } }]), catalog([{ title: '/a', params: { mode: '2' } }]));
  const empty = new Comparer().compare(catalog([]), catalog([]));
  const results: NodeResult[] = [
    { node: 'web2', status: 'changed', changes, compileMs: 1, diffMs: 1 },
    { node: 'web1', status: 'changed', changes: structuredClone(changes), compileMs: 1, diffMs: 1 },
    { node: 'idle', status: 'unchanged', changes: empty, compileMs: 1, diffMs: 1 },
    { node: 'db1', status: 'failed', changes: { ...empty, failures: [{ side: 'to', message: 'Could not find class ::db', code: 'KSP-CLASS-001' }] }, compileMs: 1, diffMs: 0 },
  ];
  const report = buildReport({ ref: 'old', resolved: 'a' }, { ref: 'new', resolved: 'b' }, 'production', results, 10, 0);
  assert.deepEqual(report.groups.map((g) => [g.status, g.nodes]), [['failed', ['db1']], ['changed', ['web1', 'web2']]]);
  assert.deepEqual(report.unchanged, ['idle']);
  assert.deepEqual(report.summary, { nodes: 4, unchanged: 1, changed: 2, failed: 1, brokenByChange: 1 });
  assert.equal(exitCodeOf(report), 1);
  assert.equal(exitCodeOf({ ...report, groups: report.groups.slice(1) }), 2);
  assert.equal(exitCodeOf({ ...report, groups: [] }), 0);
});

test('options and inputs it cannot use are DiffInputErrors with their codes', () => {
  const refused = (f: () => unknown, code: string, message: string | RegExp) => assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof DiffInputError);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
  refused(() => new Comparer({ ignore: ['/tmp/x'] }), 'KSP-DIFF-001', "--ignore '/tmp/x': expected a resource reference such as 'File[/tmp/*]'");
  refused(() => new Comparer({ ignoreParams: ['mode.'] }), 'KSP-DIFF-002', "--ignore-param 'mode.': expected TYPE.param such as 'File.mode' or '*.loglevel'");
  const dir = mkdtempSync(join(tmpdir(), 'kasper-diff-unit-'));
  refused(() => checkout('no-such-ref', dir), 'KSP-DIFF-003', `'no-such-ref' is not a folder, and ${dir} is not a git repository to look it up in`);
  refused(() => factFiles(join(dir, 'nope')), 'KSP-DIFF-006', `the facts folder ${join(dir, 'nope')} does not exist`);
  mkdirSync(join(dir, 'facts'));
  writeFileSync(join(dir, 'facts', 'web1.json'), '{}');
  writeFileSync(join(dir, 'facts', 'web2.yaml'), '{}');
  writeFileSync(join(dir, 'facts', 'notes.txt'), '');
  assert.deepEqual(factFiles(join(dir, 'facts')).map((f) => f.node), ['web1', 'web2']);
  refused(() => factFiles(join(dir, 'facts'), ['web1', 'a', 'b', 'c', 'd']), 'KSP-DIFF-007',
    `no facts for nodes a, b, c, d: expected a.json or a.yaml, b.json or b.yaml, c.json or c.yaml, … in ${join(dir, 'facts')}`);
  const folder = checkout(join(dir, 'facts'), '/');
  assert.deepEqual([folder.ref, folder.dir], [join(dir, 'facts'), join(dir, 'facts')], 'a folder is used as it is');
});
