// applyCatalog, the one pipeline `kasper apply` and the agent share: module-shipped types and
// providers are loaded, the report is kept in the state folder; and an agent run that cannot
// reach its master applies its cached catalog through it, plugins included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringifyCatalog } from '@kasper/catalog';
import { MasterClient, agentRun, applyCatalog, exitCodeOf, type AgentConfig } from '../src/index.ts';
import { catalogOf, recorder, registry } from './fixtures.ts';

/** A module shipping a `line` type whose provider writes `value` to the file `path`. */
function moduleWithType(modules: string): void {
  mkdirSync(join(modules, 'lines/lib/kasper/types'), { recursive: true });
  mkdirSync(join(modules, 'lines/lib/kasper/providers'), { recursive: true });
  writeFileSync(join(modules, 'lines/lib/kasper/types/line.mjs'),
    "export const type = { name: 'line', namevar: 'path', properties: [{ name: 'value' }], parameters: ['path'] };\n");
  writeFileSync(join(modules, 'lines/lib/kasper/providers/line_file.mjs'), `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
export const provider = {
  name: 'line_file', type: 'line', suitable: () => true,
  async retrieve(r) { return { value: existsSync(r.name) ? readFileSync(r.name, 'utf8') : 'absent' }; },
  async sync(r, changes) { writeFileSync(r.name, String(changes[0].should)); },
};
`);
}

test('applyCatalog loads the types modules ship and keeps the report in the state folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-apply-unit-'));
  moduleWithType(join(dir, 'modules'));
  const catalog = catalogOf([{ type: 'Line', title: join(dir, 'out'), params: { value: 'hello' } }, { title: 'k', params: { value: '1' } }]);
  const logs: string[] = [];
  const report = await applyCatalog(catalog, {
    vardir: join(dir, 'var'), noop: false, modulepath: [join(dir, 'modules')], exec: recorder(), registry: registry(),
    onLog: (level, source, message) => logs.push(`${level} ${source} ${message}`),
  });
  assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'hello');
  assert.equal(report.status, 'changed');
  assert.equal(report.resource_statuses['Kv[k]'].changed, true, 'the types given stay');
  assert.ok(logs.includes('debug Kasper Loaded lines/types/line.mjs'), logs.join('\n'));
  const kept = JSON.parse(readFileSync(join(dir, 'var/state/last_run_report.json'), 'utf8'));
  assert.equal(kept.transaction_uuid, report.transaction_uuid);
  assert.equal(kept.resource_statuses[`Line[${dir}/out]`].changed, true);
  assert.equal(exitCodeOf(report, true), 2);
  assert.equal(exitCodeOf(report, false), 0);
});

test('an agent run that cannot reach its master applies the cached catalog, with the types in its plugindest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-agent-unit-'));
  const vardir = join(dir, 'var');
  moduleWithType(join(vardir, 'plugins'));
  mkdirSync(join(vardir, 'client_data/catalog'), { recursive: true });
  const target = join(dir, 'motd');
  writeFileSync(join(vardir, 'client_data/catalog/node1.test.json'),
    stringifyCatalog(catalogOf([{ type: 'Line', title: target, params: { value: 'from the cache' } }])));
  const logs: string[] = [];
  const config: AgentConfig = {
    server: '127.0.0.1', port: 1, certname: 'node1.test', confdir: join(dir, 'conf'), vardir, environment: 'production',
    noop: false, waitforcert: 0, runinterval: 1800, splay: 0, onetime: true, detailed_exitcodes: true,
    logdest: join(vardir, 'log/kasper.log'), plugindest: join(vardir, 'plugins'),
    facts: async () => ({ os: { family: 'Debian' } }),
    onLog: (level, _source, message) => logs.push(`${level}: ${message}`),
  };
  const outcome = await agentRun(config, new MasterClient(config));
  assert.ok(outcome.report, outcome.error);
  assert.match(outcome.usedCache!, /ECONNREFUSED/);
  assert.equal(readFileSync(target, 'utf8'), 'from the cache');
  assert.equal(outcome.report.cachedCatalogStatus, 'on_failure');
  assert.equal(outcome.report.status, 'failed', 'a run on a cached catalog is a failed run');
  assert.ok(logs.some((l) => /^warning: Could not get a catalog from 127\.0\.0\.1 .*APPLYING THE CACHED CATALOG$/.test(l)), logs.join('\n'));
  assert.ok(logs.some((l) => l.startsWith('warning: Could not send the report')), logs.join('\n'));
  assert.equal(JSON.parse(readFileSync(join(vardir, 'state/last_run_report.json'), 'utf8')).cached_catalog_status, 'on_failure');
  assert.equal(existsSync(join(vardir, 'state/agent_catalog_run.lock')), false);
});
