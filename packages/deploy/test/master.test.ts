// A deployed environment served by the master: catalogs carry the pushed commit as code_id, the
// environments route gives it as config_version, and a push is seen by the next compile at once
// (the code version is the commit; the environment's link is resolved once per compile).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type BuiltMaster } from '@kasper/master';
import { initRepo } from '../src/index.ts';
import { buildHeaderMaster } from '../../../test/support/master.ts';
import { commitAll, git, gitOk, writeFiles } from '../../../test/support/git.ts';

const KASPER = join(import.meta.dirname, '../../cli/bin/kasper.js');
const work = mkdtempSync(join(tmpdir(), 'kasper-deploy-master-'));
let master: BuiltMaster;
const H = { 'x-test-certname': 'agent.test' };

before(async () => {
  master = await buildHeaderMaster(work, { host: { fqdn: 'puppet.example.com', ipaddress: '192.0.2.10' } });
});
after(async () => {
  await master?.close();
  rmSync(work, { recursive: true, force: true });
});

test('the master serves a pushed branch with the commit as code_id, and the next push at once', async () => {
  // No storage for the hooks: no node to diff (the push diff is test/deploy/push-diff.test.ts).
  const repo = initRepo({ codedir: join(work, 'code'), environmentpath: join(work, 'envs'), confdir: join(work, 'conf'), storage: join(work, 'no-storage.db') }, [process.execPath, KASPER]);
  const src = join(work, 'src');
  gitOk(work, 'init', '-q', '-b', 'production', src);
  const push = (text: string) => {
    writeFiles(src, { 'manifests/site.pp': text });
    const commit = commitAll(src, text);
    assert.match(gitOk(src, 'push', repo, 'production'), /environment production deployed/);
    return commit;
  };
  const catalog = async () => {
    const res = await master.app.inject({ method: 'POST', url: '/puppet/v3/catalog/agent.test?environment=production', headers: H, payload: { facts: { values: { os: { family: 'Debian' } } } } });
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body) as { code_id: string | null; resources: { type: string; title: string }[] };
  };
  const first = push("notify { 'first': }\n");
  let c = await catalog();
  assert.equal(c.code_id, first);
  assert.ok(c.resources.some((r) => r.type === 'Notify' && r.title === 'first'));
  const envs = await master.app.inject({ method: 'GET', url: '/puppet/v3/environments', headers: H });
  assert.equal(JSON.parse(envs.body).environments.production.settings.config_version, first);

  const second = push("notify { 'second': }\n");
  c = await catalog();
  assert.equal(c.code_id, second);
  assert.deepEqual(c.resources.filter((r) => r.type === 'Notify').map((r) => r.title), ['second']);
});

test("a push is compared for the nodes this master stored facts for, while it runs; a refused push leaves what it serves as it was", async () => {
  // Four agents ask for catalogs: the master stores their facts (environment production).
  const nodes = ['web1.test', 'web2.test', 'web3.test', 'web4.test'];
  const catalogOf = async (node: string) => {
    const res = await master.app.inject({ method: 'POST', url: `/puppet/v3/catalog/${node}?environment=production`, headers: { 'x-test-certname': node }, payload: { facts: { values: { role: 'web', port: 8080 } } } });
    assert.equal(res.statusCode, 200, res.body);
    return JSON.parse(res.body) as { resources: { type: string; title: string; parameters?: Record<string, unknown> }[] };
  };
  for (const n of nodes) await catalogOf(n);
  // The hooks of a repository on this environmentpath read the master's own storage (SQLite, open in the master).
  const repo = initRepo({ codedir: join(work, 'code2'), environmentpath: join(work, 'envs'), confdir: join(work, 'conf'), storage: join(work, 'var', 'kasper.db') }, [process.execPath, KASPER]);
  const src = join(work, 'src2');
  gitOk(work, 'init', '-q', '-b', 'production', src);
  const push = (text: string) => {
    writeFiles(src, { 'manifests/site.pp': text });
    commitAll(src, text);
    return git(src, 'push', '-f', repo, 'production');
  };
  const config = "notify { 'second': }\nfile { '/etc/app.conf': content => \"port=${facts['port']}\\n\" }\n";
  let r = push(config);
  assert.equal(r.status, 0, r.out);
  // The four, and agent.test of the test above (without the port fact: a group of its own).
  assert.match(r.out, /remote: kasper: {3}compiling 5 nodes of environment production with \d+ workers?/);
  assert.match(r.out, /remote: kasper: {3}● 1 added — 4 nodes: web1\.test, web2\.test, web3\.test, web4\.test/);
  assert.match(r.out, /remote: kasper: {7}\+ File\[\/etc\/app\.conf\]/);
  const served = await catalogOf('web1.test');
  assert.equal(served.resources.find((x) => x.type === 'File')?.parameters?.content, 'port=8080\n');

  r = push(`${config}include nosuch\n`);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /remote: kasper: {3}✗ broken by this push — 5 nodes: agent\.test, web1\.test, web2\.test, web3\.test, web4\.test/);
  assert.match(r.out, /push refused \(push_gate = broken\)/);
  assert.deepEqual((await catalogOf('web2.test')).resources.filter((x) => x.type === 'File').map((x) => x.title), ['/etc/app.conf']);
});
