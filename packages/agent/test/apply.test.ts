// applyCatalog, the one pipeline `kasper apply` and the agent share: module-shipped types and
// providers are loaded, the report is kept in the state folder; an agent run that cannot reach
// its master applies its cached catalog through it, plugins included; pluginsync mirrors the
// master's plugins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { stringifyCatalog } from '@kasper/catalog';
import { Registry } from '@kasper/providers';
import { MasterClient, agentRun, applyCatalog, exitCodeOf, loadPlugins, pluginsync, type AgentConfig } from '../src/index.ts';
import { catalogOf, recorder, registry } from './fixtures.ts';

const LINE_TYPE = "export const type = { name: 'line', namevar: 'path', properties: [{ name: 'value' }], parameters: ['path'] };\n";
const LINE_PROVIDER = `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
export const provider = {
  name: 'line_file', type: 'line', suitable: () => true,
  async retrieve(r) { return { value: existsSync(r.name) ? readFileSync(r.name, 'utf8') : 'absent' }; },
  async sync(r, changes) { writeFileSync(r.name, String(changes[0].should)); },
};
`;

/** A `line` type whose provider writes `value` to the file `path`, in a lib/kasper folder. */
function linePlugin(kasperDir: string): void {
  mkdirSync(join(kasperDir, 'types'), { recursive: true });
  mkdirSync(join(kasperDir, 'providers'), { recursive: true });
  writeFileSync(join(kasperDir, 'types/line.mjs'), LINE_TYPE);
  writeFileSync(join(kasperDir, 'providers/line_file.mjs'), LINE_PROVIDER);
}

test('applyCatalog loads the types modules ship and keeps the report in the state folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-apply-unit-'));
  linePlugin(join(dir, 'modules/lines/lib/kasper'));
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

test('an agent run that cannot reach its master applies the cached catalog, with the plugins it synced before', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-agent-unit-'));
  const vardir = join(dir, 'var');
  linePlugin(join(vardir, 'lib/kasper'));
  mkdirSync(join(vardir, 'client_data/catalog'), { recursive: true });
  const target = join(dir, 'motd');
  writeFileSync(join(vardir, 'client_data/catalog/node1.test.json'),
    stringifyCatalog(catalogOf([{ type: 'Line', title: target, params: { value: 'from the cache' } }])));
  const logs: string[] = [];
  const config: AgentConfig = {
    server: '127.0.0.1', port: 1, certname: 'node1.test', confdir: join(dir, 'conf'), vardir, environment: 'production',
    noop: false, waitforcert: 0, runinterval: 1800, splay: 0, onetime: true, detailed_exitcodes: true,
    logdest: join(vardir, 'log/kasper.log'), pluginsync: true, run_requests: false, run_process: false, preprocess_deferred: true, digest_algorithm: 'sha256', plugindest: join(vardir, 'lib'),
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
  assert.ok(logs.some((l) => /^warning: Could not sync plugins from 127\.0\.0\.1 .*using those synced before$/.test(l)), logs.join('\n'));
  assert.equal(JSON.parse(readFileSync(join(vardir, 'state/last_run_report.json'), 'utf8')).cached_catalog_status, 'on_failure');
  assert.equal(existsSync(join(vardir, 'state/agent_catalog_run.lock')), false);
});

test('pluginsync mirrors the master\'s lib/kasper into plugindest, and keeps names from the master inside it', async () => {
  const dest = join(mkdtempSync(join(tmpdir(), 'kasper-plugins-')), 'lib');
  const sum = (text: string) => `{sha256}${createHash('sha256').update(text).digest('hex')}`;
  let served: Record<string, string> = { 'kasper/types/line.mjs': LINE_TYPE, 'kasper/providers/line_file.mjs': LINE_PROVIDER, 'facter/role.rb': 'Facter.add(:role) {}', 'puppet/provider/line/ruby.rb': '# a Ruby provider', 'puppet/functions/site/secret.rb': '# a function a Deferred may call' };
  const fetched: string[] = [];
  const master = {
    async get(path: string, accept: string) {
      if (path.startsWith('/puppet/v3/file_metadatas/plugins?')) {
        // What Puppet 7's agent asks (recorded in test/interop/fixtures), in JSON.
        assert.equal(path, '/puppet/v3/file_metadatas/plugins?recurse=true&max_files=-1&ignore=.svn&ignore=CVS&ignore=.git&ignore=.hg&links=follow&checksum_type=sha256&source_permissions=ignore&environment=production');
        assert.equal(accept, 'application/json');
        const listing = [{ relative_path: '.', type: 'directory', checksum: { type: 'ctime', value: 'x' } },
          { relative_path: 'kasper', type: 'directory' },
          ...Object.entries(served).map(([rel, text]) => ({ relative_path: rel, type: 'file', checksum: { type: 'sha256', value: sum(text) } }))];
        return { status: 200, body: Buffer.from(JSON.stringify(listing)) };
      }
      // puppetserver answers 406 to file content asked for as anything but bytes.
      assert.equal(accept, 'application/octet-stream');
      const rel = decodeURIComponent(/^\/puppet\/v3\/file_content\/plugins\/(.*)\?environment=production$/.exec(path)![1]);
      fetched.push(rel);
      return served[rel] === undefined ? { status: 404, body: Buffer.from('') } : { status: 200, body: Buffer.from(served[rel]) };
    },
  };
  assert.deepEqual((await pluginsync(master, dest, 'production')).sort(), ['facter/role.rb', 'kasper/providers/line_file.mjs', 'kasper/types/line.mjs', 'puppet/functions/site/secret.rb']);
  assert.equal(readFileSync(join(dest, 'kasper/types/line.mjs'), 'utf8'), LINE_TYPE);
  // custom facts (facter/, and puppet_x/ they may require) and Ruby functions (for Deferred
  // values) are used by the agent; Ruby providers are not
  assert.equal(existsSync(join(dest, 'puppet/provider')), false, 'only what Kasper loads');
  const registry = new Registry();
  assert.deepEqual(await loadPlugins(registry, dest), ['kasper/types/line.mjs', 'kasper/providers/line_file.mjs']);
  assert.ok(registry.type('line'));

  // Nothing changed: nothing fetched. A plugin the master dropped is removed.
  fetched.length = 0;
  assert.deepEqual(await pluginsync(master, dest, 'production'), []);
  assert.deepEqual(fetched, []);
  served = { 'kasper/types/line.mjs': LINE_TYPE };
  assert.deepEqual((await pluginsync(master, dest, 'production')).sort(), ['facter/role.rb', 'kasper/providers/line_file.mjs', 'puppet/functions/site/secret.rb']);
  assert.equal(existsSync(join(dest, 'kasper/providers/line_file.mjs')), false);
  assert.equal(existsSync(join(dest, 'facter/role.rb')), false);

  served = { 'kasper/../../escape.mjs': 'bad' };
  await assert.rejects(pluginsync(master, dest, 'production'), /leaves its folder/);
  assert.equal(existsSync(join(dest, '../escape.mjs')), false);
});
