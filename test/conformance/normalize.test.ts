// Checks the normalizer and the shape of the conformance corpus (no Puppet needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeCatalog, normalizeError, parseJsonExact, parseJsonTyped, toText, agentView } from './normalize.ts';

const here = import.meta.dirname;

const RAW = `{"tags":["settings","b","a"],"name":"n1","version":1795490858,"code_id":null,
"catalog_uuid":"b5b01036-7614-499a-936f-f2bb89525c28","catalog_format":2,"environment":"production",
"resources":[
{"type":"Stage","title":"main","tags":["stage"],"exported":false,"kind":"compilable_type","parameters":{"name":"main"}},
{"type":"Notify","title":"z","tags":["notify","z","class"],"file":"/tmp/w/env/manifests/site.pp","line":3,"exported":false,
 "kind":"compilable_type","parameters":{"message":[6.0,9223372036854775807,1.0e+21,"/tmp/w/env/files/x"],"before":["Notify[a]"]}},
{"type":"Notify","title":"a","tags":["notify","a","class"],"file":"/usr/share/puppet/modules/m/manifests/init.pp","line":1,
 "exported":true,"kind":"compilable_type","parameters":{"message":{"b":1,"a":2}},"sensitive_parameters":["message"]}],
"edges":[{"source":"Stage[main]","target":"Notify[z]"},{"source":"Stage[main]","target":"Notify[a]"}],
"classes":["settings","b","a"]}`;

test('normalizeCatalog drops run-specific keys, sorts, relativizes and keeps numbers exact', () => {
  const text = toText(normalizeCatalog(RAW, '/tmp/w/env'));
  const c = JSON.parse(text);
  assert.deepEqual(Object.keys(c), ['name', 'environment', 'tags', 'classes', 'resources', 'edges']);
  assert.deepEqual(c.tags, ['a', 'b', 'settings']);
  assert.deepEqual(c.classes, ['a', 'b', 'settings']);
  assert.deepEqual(
    c.resources.map((r: { type: string; title: string }) => `${r.type}[${r.title}]`),
    ['Notify[a]', 'Notify[z]', 'Stage[main]'],
  );
  assert.deepEqual(c.edges, [
    { source: 'Stage[main]', target: 'Notify[a]' },
    { source: 'Stage[main]', target: 'Notify[z]' },
  ]);
  const z = c.resources[1];
  assert.equal(z.file, 'manifests/site.pp');
  assert.deepEqual(Object.keys(z.parameters), ['before', 'message']);
  assert.deepEqual(z.tags, ['class', 'notify', 'z']);
  assert.match(text, /6\.0,\s+9223372036854775807,\s+1\.0e\+21,\s+"files\/x"/);
  const a = c.resources[0];
  assert.equal(a.file, '/usr/share/puppet/modules/m/manifests/init.pp');
  assert.deepEqual(Object.keys(a.parameters.message), ['b', 'a']);
  assert.deepEqual(a.sensitive_parameters, ['message']);
  assert.equal(a.exported, true);
  const agent = agentView(normalizeCatalog(RAW, '/tmp/w/env'));
  assert.deepEqual(agent.resources.map((r) => r.title), ['z', 'main']);
  assert.equal(agent.edges.length, 1);
});

test('parseJsonTyped keeps Integer and Float apart', () => {
  const v = parseJsonTyped('[1, 1.0, 9223372036854775807, 2.5e3]') as unknown[];
  assert.deepEqual(v, [1n, 1, 9223372036854775807n, 2500]);
  assert.equal(JSON.stringify(parseJsonExact('[1.0, 10]')), '[1.0,10]');
});

test('normalizeError takes the first error, its location, and continuation lines', () => {
  const log = [
    'Warning: Unknown variable: \'x\'. (file: /tmp/w/env/manifests/site.pp, line: 1, column: 2)',
    'Error: Evaluation Error: Error while evaluating a Resource Statement, Duplicate declaration: Notify[a] is already declared at (file: /tmp/w/env/manifests/site.pp, line: 1); cannot redeclare (file: /tmp/w/env/manifests/site.pp, line: 2) (file: /tmp/w/env/manifests/site.pp, line: 2, column: 1) on node n1',
    "Error: Could not call 'find' on 'catalog': whatever on node n1",
    "Error: Try 'puppet help catalog compile' for usage",
  ].join('\n');
  assert.deepEqual(normalizeError(log, '/tmp/w/env'), {
    message:
      'Evaluation Error: Error while evaluating a Resource Statement, Duplicate declaration: Notify[a] is already declared at (file: manifests/site.pp, line: 1); cannot redeclare (file: manifests/site.pp, line: 2)',
    file: 'manifests/site.pp',
    line: 2,
    column: 1,
  });
  assert.deepEqual(normalizeError('Error: Failed to realize virtual resources Notify[m] on node n1\n', '/x'), {
    message: 'Failed to realize virtual resources Notify[m]',
    file: null,
    line: null,
    column: null,
  });
  assert.deepEqual(normalizeError('Error: Bad thing\n  detail (x)\n    more (file: /x/hiera.yaml) on node n\nError: again\n', '/x'), {
    message: 'Bad thing\n  detail (x)\n    more',
    file: 'hiera.yaml',
    line: null,
    column: null,
  });
  assert.deepEqual(normalizeError('Error: Only subclasses can override parameters (file: /x/a.pp, line: 2) on node n\n', '/x'), {
    message: 'Only subclasses can override parameters',
    file: 'a.pp',
    line: 2,
    column: null,
  });
});

function caseDirs(): string[] {
  const dirs: string[] = [];
  for (const group of ['cases', 'modules-corpus']) {
    const base = join(here, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) dirs.push(join(base, name));
  }
  return dirs;
}

test('every case is complete, and its golden file is already normalized', () => {
  const dirs = caseDirs();
  assert.ok(dirs.length >= 150, `only ${dirs.length} cases`);
  assert.match(readFileSync(join(here, 'PUPPET_VERSION'), 'utf8'), /^7\.\d+\.\d+\n$/);
  for (const dir of dirs) {
    const name = dir.slice(here.length + 1);
    const meta = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'));
    assert.equal(typeof meta.node, 'string', `${name}: case.json node`);
    assert.equal(typeof meta.description, 'string', `${name}: case.json description`);
    assert.ok(existsSync(join(dir, 'facts.yaml')), `${name}: facts.yaml`);
    const ok = existsSync(join(dir, 'expected.json'));
    const err = existsSync(join(dir, 'expected-error.json'));
    assert.ok(ok !== err, `${name}: exactly one of expected.json and expected-error.json`);
    assert.equal(err, /(^|\/)\d+-err-/.test(name), `${name}: err- cases, and only they, expect an error`);
    if (ok) {
      const text = readFileSync(join(dir, 'expected.json'), 'utf8');
      assert.equal(toText(normalizeCatalog(text, '/nonexistent')), text, `${name}: expected.json is not in normalized form`);
      const agent = join(dir, 'expected-agent.json');
      if (existsSync(agent)) {
        const t = readFileSync(agent, 'utf8');
        assert.equal(toText(normalizeCatalog(t, '/nonexistent')), t, `${name}: expected-agent.json is not in normalized form`);
        assert.ok(text.includes('"exported": true'), `${name}: expected-agent.json without exported resources in expected.json`);
      }
    } else {
      const e = JSON.parse(readFileSync(join(dir, 'expected-error.json'), 'utf8'));
      assert.deepEqual(Object.keys(e), ['message', 'file', 'line', 'column'], `${name}: expected-error.json keys`);
      assert.equal(typeof e.message, 'string');
    }
  }
});
