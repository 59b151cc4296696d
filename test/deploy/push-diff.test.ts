// The diff on every push, end to end: a real `git push` to the repository `kasper code init`
// made; its pre-receive hook (the kasper command) builds the pushed tree, compiles the nodes whose
// facts the master stored (SQLite, written through @kasper/storage as the master writes them)
// under the deployed and the pushed code, prints the summary on the pusher's terminal, stores
// the report, and refuses the push as push_gate says.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { openStorage } from '@kasper/storage';
import type { DiffReport } from '@kasper/diff';
import type { PushDiffRecord } from '@kasper/deploy';
import { GIT_ENV, commitAll, git, gitOk, writeFiles } from '../support/git.ts';

const KASPER = join(import.meta.dirname, '../../packages/cli/bin/kasper.js');
const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/diff-schema.json'), 'utf8'));
const ENV = { ...GIT_ENV, NO_COLOR: '1' };

function kasper(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [KASPER, ...args], { encoding: 'utf8', env: ENV });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
/** The remote's lines as the pusher sees them, without git's `remote: ` prefix and padding. */
const remote = (out: string) => out.split('\n').filter((l) => l.startsWith('remote: ')).map((l) => l.slice(8).trimEnd());

// A site: web nodes get nginx and a motd, the db node a notify naming its role.
const SITE_V1 = `node /^web/ {
  package { 'nginx': ensure => installed }
  file { '/etc/motd': content => "web \${facts['role']}\\n" }
}
node default {
  notify { "db \${facts['role']}": }
}
`;

describe('kasper code: a catalog diff on every push', () => {
  let root: string;
  let codedir: string;
  let envpath: string;
  let confdir: string;
  let repo: string;
  let work: string;
  const conf = (gate: string, extra = '') => writeFiles(confdir, { 'kasper.conf': `storage = ${join(root, 'kasper.db')}\n[master]\npush_gate = ${gate}\npush_diff_workers = 2\n${extra}` });
  const push = (...args: string[]) => git(work, 'push', ...args, repo, 'HEAD:production');
  const deployed = () => readlinkSync(join(envpath, 'production'));
  const records = (): PushDiffRecord[] => JSON.parse(kasper('report', 'diffs', '--format', 'json', '--codedir', codedir).stdout);

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'kasper-push-diff-'));
    codedir = join(root, 'code');
    envpath = join(root, 'environments');
    confdir = join(root, 'conf');
    // Stored facts of five nodes, as the master keeps them: three in production, one in testing,
    // and one deactivated (no catalog comes for it: not compiled).
    const db = openStorage(join(root, 'kasper.db'));
    await db.init();
    const nodes: [string, string, string][] = [
      ['web1.example.com', 'frontend', 'production'], ['web2.example.com', 'frontend', 'production'], ['db1.example.com', 'database', 'production'],
      ['lab1.example.com', 'frontend', 'testing'], ['gone.example.com', 'database', 'production'],
    ];
    for (const [name, role, env] of nodes) await db.saveFacts(name, { role, os: { family: 'Debian' }, networking: { fqdn: name } }, env);
    await db.deactivateNode('gone.example.com');
    // db1's latest catalog, as the master stored it, exports its host entry.
    await db.saveCatalog('db1.example.com', JSON.stringify({
      name: 'db1.example.com', version: 1, environment: 'production', tags: [], classes: [], edges: [],
      resources: [{ type: 'Host', title: 'db1.example.com', tags: ['host', 'db'], exported: true, parameters: { ip: '10.0.0.9' } }],
    }), '1');
    await db.close();
    conf('broken');
    const init = kasper('code', 'init', '--codedir', codedir, '--environmentpath', envpath, '--confdir', confdir);
    assert.equal(init.status, 0, init.stderr);
    repo = join(codedir, 'repo.git');
    assert.match(readFileSync(join(repo, 'hooks/pre-receive'), 'utf8'), /code check .*--confdir '[^']*conf'/);
    work = join(root, 'work');
    gitOk(root, 'init', '-q', '-b', 'production', work);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('the first push is compared with an empty environment and deployed', () => {
    writeFiles(work, { 'manifests/site.pp': SITE_V1 });
    commitAll(work, 'v1');
    const r = push();
    assert.equal(r.status, 0, r.out);
    const lines = remote(r.out);
    assert.ok(lines.includes(`kasper: production: checking ${gitOk(work, 'rev-parse', 'HEAD').slice(0, 12)} against an empty environment (nothing deployed yet)`), r.out);
    assert.ok(lines.includes('kasper:   compiling 3 nodes of environment production with 2 workers'), r.out);
    assert.ok(lines.includes('kasper:   3 nodes: 3 changed, 0 unchanged; resources over all nodes: 5 added'), r.out);
    assert.match(r.out, /kasper: environment production deployed at [0-9a-f]{12}/);
  });

  it('a change that alters resources: the summary on the pusher\'s terminal, the report stored and listed, the compared tree deployed', () => {
    writeFiles(work, { 'manifests/site.pp': SITE_V1.replace("ensure => installed }", "ensure => installed }\n  service { 'nginx': ensure => running, require => Package['nginx'] }").replace('web ${', 'welcome to ${') });
    const id = commitAll(work, 'v2: nginx runs, a new motd');
    const r = push();
    assert.equal(r.status, 0, r.out);
    const lines = remote(r.out);
    const at = (s: string) => { const i = lines.indexOf(s); assert.ok(i >= 0, `missing line ${JSON.stringify(s)} in:\n${lines.join('\n')}`); return i; };
    at(`kasper: production: checking ${id.slice(0, 12)} against production as deployed`);
    assert.ok(lines.some((l) => /^kasper: {3}compiled 3\/3 nodes \(\d+\.\d s\)$/.test(l)), 'progress');
    at('kasper:   3 nodes: 2 changed, 1 unchanged; resources over all nodes: 2 added, 2 changed');
    const group = at('kasper:   ● 1 added, 1 changed — 2 nodes: web1.example.com, web2.example.com');
    assert.equal(lines[group + 1], 'kasper:       + Service[nginx]');
    assert.equal(lines[group + 2], 'kasper:       ~ File[/etc/motd] (content)');
    at('kasper:   unchanged: 1 node (db1.example.com)');
    assert.ok(!lines.some((l) => l.includes('lab1') || l.includes('gone.example.com')), 'nodes of other environments and deactivated ones are not compiled');
    const link = lines.find((l) => l.startsWith('kasper:   full report: kasper report diff '));
    assert.ok(link, r.out);
    const reportId = /diff (\S+)/.exec(link)![1];
    assert.match(r.out, /kasper: environment production deployed at/);

    // The deployed environment is the pushed commit, built once (the staged tree moved in).
    const marker = JSON.parse(readFileSync(join(envpath, 'production', '.kasper-deploy.json'), 'utf8'));
    assert.equal(marker.commit, id);
    assert.deepEqual(readdirSync(join(envpath, '.deploys', '.staged')), []);

    // Stored: the JSON report (valid against the published schema), the HTML, and the record.
    const [rec] = records();
    assert.equal(rec.id, reportId);
    assert.equal(rec.verdict, 'accepted');
    assert.equal(rec.commit, id);
    assert.deepEqual(rec.summary, { nodes: 3, unchanged: 1, changed: 2, failed: 0, brokenByChange: 0 });
    const report = JSON.parse(readFileSync(rec.json, 'utf8')) as DiffReport;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(SCHEMA);
    assert.ok(validate(report), JSON.stringify(validate.errors));
    assert.equal(report.to.resolved, id);
    const motd = report.groups[0].changes.resources.changed.find((c) => c.ref === 'File[/etc/motd]')!;
    assert.equal(motd.parameters[0].from, 'web frontend\n');
    assert.equal(motd.parameters[0].to, 'welcome to frontend\n');
    const html = readFileSync(rec.html, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/i);
    assert.match(html, /Service\[nginx\]/);
    // kasper report diff renders it again; the listing names it.
    const shown = kasper('report', 'diff', reportId, '--codedir', codedir);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /^Push of production at [0-9a-f]{12}, .*: accepted, push_gate = broken$/m);
    assert.match(shown.stdout, /~ File\[\/etc\/motd\]/);
    assert.match(kasper('report', 'diffs', '--codedir', codedir).stdout, new RegExp(`^${reportId} +accepted 3 nodes: 2 changed, 1 unchanged$`, 'm'));
    assert.equal(kasper('report', 'diff', 'latest', '--format', 'json', '--codedir', codedir).stdout, readFileSync(rec.json, 'utf8'));
  });

  it('a commit that breaks nodes, with the gate on: the push is refused, failures first, the environment untouched', () => {
    const before = deployed();
    const head = gitOk(repo, 'rev-parse', 'production').trim();
    writeFiles(work, { 'manifests/site.pp': SITE_V1.replace("package { 'nginx': ensure => installed }", 'include nginx::server').replace('"db ${', '"database ${') });
    const bad = commitAll(work, 'broken: a class that does not exist');
    const r = push();
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /\[remote rejected\] HEAD -> production \(pre-receive hook declined\)/);
    const lines = remote(r.out);
    const failure = lines.indexOf('kasper:   ✗ broken by this push — 2 nodes: web1.example.com, web2.example.com');
    assert.ok(failure >= 0, r.out);
    assert.equal(lines[failure + 1], 'kasper:       new code: Could not find class ::nginx::server for <node> [KSP-CLASS-001] (manifests/site.pp:2:3)');
    const changed = lines.indexOf('kasper:   ● 1 added, 1 removed — 1 node: db1.example.com');
    assert.ok(changed > failure, 'compile failures are listed before changes');
    assert.ok(lines.includes(`kasper: push refused (push_gate = broken): the pushed code fails to compile 2 nodes that the deployed code compiles; environment production stays at ${head.slice(0, 12)}`), r.out);
    // Untouched: the branch, the environment's link, no tree left staged.
    assert.equal(gitOk(repo, 'rev-parse', 'production').trim(), head);
    assert.equal(deployed(), before);
    assert.deepEqual(readdirSync(join(envpath, '.deploys', '.staged')), []);
    const [rec] = records();
    assert.equal(rec.commit, bad);
    assert.equal(rec.verdict, 'refused');
    assert.equal(rec.summary.brokenByChange, 2);
  });

  it('the same commit with the gate off is deployed, its failures listed', () => {
    conf('off');
    const r = push();
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /kasper: {3}✗ broken by this push — 2 nodes: web1\.example\.com, web2\.example\.com\s+remote: kasper: {7}new code: Could not find class ::nginx::server/);
    assert.match(r.out, /kasper: environment production deployed at/);
    assert.equal(JSON.parse(readFileSync(join(envpath, 'production', '.kasper-deploy.json'), 'utf8')).commit, gitOk(work, 'rev-parse', 'HEAD').trim());
    assert.equal(records()[0].verdict, 'accepted');
  });

  it('gate broken lets through a push that leaves already failing nodes failing; gate failed refuses it', () => {
    writeFiles(work, { 'manifests/site.pp': readFileSync(join(work, 'manifests/site.pp'), 'utf8').replace('"database ${', '"db2 ${') });
    commitAll(work, 'db only');
    conf('failed');
    let r = push();
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /kasper: {3}✗ failed to compile — 2 nodes: web1\.example\.com, web2\.example\.com/);
    assert.match(r.out, /old code: Could not find class ::nginx::server/);
    assert.match(r.out, /push refused \(push_gate = failed\): the pushed code fails to compile 2 nodes; environment production stays at/);
    conf('broken');
    r = push();
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /environment production deployed at/);
  });

  it('code that cannot be deployed at all is refused by the gate before the push is accepted', () => {
    writeFiles(work, { Puppetfile: "mod 'puppetlabs/stdlib', '9.0.0'\n" });
    commitAll(work, 'a forge module');
    const before = deployed();
    const r = push();
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /kasper: {3}the pushed code cannot be deployed: Puppetfile:1: forge module 'puppetlabs\/stdlib' is not supported/);
    assert.match(r.out, /push refused \(push_gate = broken\): the pushed code cannot be deployed/);
    assert.equal(deployed(), before);
    rmSync(join(work, 'Puppetfile'));
    commitAll(work, 'no Puppetfile');
  });

  it('a compile that does not end is stopped by push_diff_timeout, and the gate refuses the push', () => {
    conf('broken', 'push_diff_timeout = 2\n');
    const before = deployed();
    // About 10^12 iterations: no compile ends this.
    writeFiles(work, { 'manifests/site.pp': "range(1, 1000000).each |$a| { range(1, 1000000).each |$b| { } }\n" });
    commitAll(work, 'a compile without end');
    const r = push();
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /remote: kasper: {3}the push diff did not finish in 2 s \(0 of 3 nodes compiled\)\s/);
    assert.match(r.out, /push refused \(push_gate = broken\): the push diff did not finish in 2 s/);
    assert.equal(deployed(), before);
    assert.deepEqual(readdirSync(join(envpath, '.deploys', '.staged')), []);
    conf('broken');
  });

  it('a new branch is compared with production, for the nodes of its environment', () => {
    writeFiles(work, { 'manifests/site.pp': SITE_V1 });
    commitAll(work, 'back to v1');
    const r = git(work, 'push', repo, 'HEAD:testing');
    assert.equal(r.status, 0, r.out);
    const lines = remote(r.out);
    assert.ok(lines.some((l) => /^kasper: testing: checking [0-9a-f]{12} against production as deployed \(testing is new\)$/.test(l)), r.out);
    assert.ok(lines.includes('kasper:   compiling 1 node of environment testing with 1 worker'), r.out);
    assert.match(r.out, /environment testing deployed at/);
    assert.equal(records()[0].branch, 'testing');
    assert.ok(existsSync(join(envpath, 'testing', 'manifests/site.pp')));
  });

  it("collectors collect other nodes' exported resources from the master's storage, as the master's compiles do", () => {
    assert.equal(push().status, 0, 'production back at v1');
    writeFiles(work, { 'manifests/site.pp': SITE_V1.replace("node /^web/ {", "node /^web/ {\n  Host <<| tag == 'db' |>>") });
    commitAll(work, 'web nodes collect the db hosts');
    const r = push();
    assert.equal(r.status, 0, r.out);
    const lines = remote(r.out);
    const group = lines.indexOf('kasper:   ● 1 added — 2 nodes: web1.example.com, web2.example.com');
    assert.ok(group >= 0, r.out);
    assert.equal(lines[group + 1], 'kasper:       + Host[db1.example.com]');
    const report = JSON.parse(readFileSync(records()[0].json, 'utf8')) as DiffReport;
    assert.deepEqual(report.groups[0].changes.resources.added[0].parameters, { ip: '10.0.0.9' });
  });

  it("the master's node classifier places and classifies the nodes, as for the master's compiles", () => {
    writeFiles(work, { 'modules/banner/manifests/init.pp': "class banner(String $text) { file { '/etc/banner': content => \"${text}\\n\" } }\n" });
    commitAll(work, 'a banner class');
    assert.equal(push().status, 0);
    // The classifier: web nodes get the banner, lab1 (stored in testing) is put in production.
    const enc = join(root, 'enc.sh');
    writeFiles(root, { 'enc.sh': "#!/bin/sh\ncase \"$1\" in\n  web*) printf 'classes:\\n  banner:\\n    text: hello\\n' ;;\n  lab1*) printf 'environment: production\\n' ;;\n  *) printf '{}\\n' ;;\nesac\n" });
    chmodSync(enc, 0o755);
    conf('broken', `external_nodes = ${enc}\n`);
    writeFiles(work, { 'modules/banner/manifests/init.pp': "class banner(String $text) { file { '/etc/banner': content => \"${text}!\\n\" } }\n" });
    commitAll(work, 'the banner says it louder');
    const r = push();
    assert.equal(r.status, 0, r.out);
    const lines = remote(r.out);
    assert.ok(lines.includes('kasper:   compiling 4 nodes of environment production with 2 workers'), r.out);
    const group = lines.indexOf('kasper:   ● 1 changed — 2 nodes: web1.example.com, web2.example.com');
    assert.ok(group >= 0, r.out);
    assert.equal(lines[group + 1], 'kasper:       ~ File[/etc/banner] (content)');
    assert.ok(lines.includes('kasper:   unchanged: 2 nodes (db1.example.com, lab1.example.com)'), r.out);
    const report = JSON.parse(readFileSync(records()[0].json, 'utf8')) as DiffReport;
    const param = report.groups[0].changes.resources.changed[0].parameters[0];
    assert.deepEqual([param.from, param.to], ['hello\n', 'hello!\n']);
    conf('broken');
  });

  it("puppetdb_query answers from the master's storage, as the master's /pdb/query/v4", () => {
    const site = readFileSync(join(work, 'manifests/site.pp'), 'utf8');
    writeFiles(work, { 'manifests/site.pp': `$dbs = puppetdb_query('nodes[certname] { certname ~ "^(db|gone)" }').map |$r| { $r['certname'] }\nnotify { "databases: \${dbs}": }\n${site}` });
    commitAll(work, 'every node names the databases');
    const r = push();
    assert.equal(r.status, 0, r.out);
    const report = JSON.parse(readFileSync(records()[0].json, 'utf8')) as DiffReport;
    assert.equal(report.summary.failed, 0, r.out);
    // The active database node only: gone.example.com is deactivated.
    assert.deepEqual(report.groups.map((g) => g.changes.resources.added.map((a) => a.ref)), [['Notify[databases: [db1.example.com]]']]);
    assert.equal(report.summary.changed, 3);
  });
});

