// Debian's Puppet 7 agent against a Kasper master in temporary folders, as a fleet would move
// its master first: a CSR, signing with `kasper ca sign`, pluginsync of a module's Ruby fact,
// facts, a catalog with a module file, a recursive folder and the fact in a template, the report
// stored and answered without an agent error; a second run changes nothing; noop; a node the
// classifier puts in another environment; a revoked agent refused.
// KASPER_RECORD_FIXTURES=1 (test/interop/record.sh) writes the requests and answers of the
// first full run to fixtures/, which replay.test.ts plays back without Puppet.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMaster, type Exchange, type Master } from '@kasper/master';
import { ensureCommands, isRoot, needs } from '../support/host.ts';
import { writeSite } from './site.ts';

const root = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'kasper-interop-agent-'));
const recording = process.env.KASPER_RECORD_FIXTURES === '1';
let reason: string | null = isRoot ? null : 'the Puppet agent interop test needs root (it installs Debian\'s puppet-agent)';
let master: Master | undefined;
let exchanges: Exchange[] = [];
const site = writeSite(join(work, 'master'), join(work, 'out'));

interface Run {
  code: number;
  output: string;
}

/** A Puppet agent run (`puppet agent -t`), asynchronously: the master runs in this process. */
function agent(certname: string, ...extra: string[]): Promise<Run> {
  const dir = join(work, 'agents', certname);
  const url = new URL(master!.url);
  const args = ['agent', '-t', '--server', 'localhost', '--masterport', url.port, '--certname', certname, '--waitforcert', '0',
    '--confdir', join(dir, 'conf'), '--vardir', join(dir, 'var'), '--ssldir', join(dir, 'ssl'), '--logdir', join(dir, 'log'),
    '--rundir', join(dir, 'run'), '--codedir', join(dir, 'code'), '--publicdir', join(dir, 'public'), '--color', 'false', ...extra];
  return new Promise((resolve) => {
    execFile('puppet', args, { timeout: 180_000, env: { ...process.env, LANG: 'C.UTF-8' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** `kasper ca …` through the CLI, as an operator signs. */
function kasperCa(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'packages/cli/bin/kasper.js'), 'ca', ...args, '--confdir', join(work, 'master')], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? 1 : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** Errors in an agent's output, less Facter's complaints about this sandbox's /proc. */
const errors = (output: string) => output.split('\n').filter((l) => /^(Error|Warning):/.test(l) && !/Facter: Permission denied|proc\/1\/environ/.test(l));

before(async () => {
  if (reason) return;
  reason = ensureCommands({ puppet: 'puppet-agent' });
  if (reason) return;
  master = await startMaster({
    confdir: join(work, 'master'), vardir: join(work, 'master/var'), bind: '127.0.0.1', port: 0, certname: 'localhost',
    dnsAltNames: ['localhost'], environmentpath: site.environmentpath, basemodulepath: [], compileWorkers: 1, externalNodes: site.classifier,
  }, { record: (e) => exchanges.push(e) });
});
after(async () => {
  await master?.close();
  rmSync(work, { recursive: true, force: true });
});

test('a stock Puppet 7 agent runs against the Kasper master', async (t) => {
  if (!needs(t, !reason, reason ?? '')) return;
  const first = await agent('agent1.test');
  assert.equal(first.code, 1, first.output);
  assert.ok(master!.ca!.requestPem('agent1.test'), `the CSR is pending:\n${first.output}`);
  // Re-submitting before signing is answered as puppetserver does, and the agent goes on waiting.
  const again = await agent('agent1.test');
  assert.doesNotMatch(again.output, /HTTP response was 409/);
  const signed = await kasperCa('sign', 'agent1.test');
  assert.equal(signed.code, 0, signed.output);

  exchanges = [];
  const run = await agent('agent1.test');
  assert.equal(run.code, 2, run.output);
  assert.deepEqual(errors(run.output), [], run.output);
  if (recording) {
    writeFileSync(join(import.meta.dirname, 'fixtures/puppet-agent-run.json'), `${JSON.stringify(exchanges.map(scrub), null, 1)}\n`);
  }
  const out = site.out;
  assert.equal(readFileSync(join(out, 'motd'), 'utf8'), 'role=web node=agent1.test\n', 'the module\'s Ruby fact reached the agent by pluginsync and came back');
  assert.equal(readFileSync(join(out, 'from_module.txt'), 'utf8'), 'from the module\n');
  // The master's rich Deferred values were resolved by the stock agent: nested calls, its facts, a Sensitive.
  assert.equal(readFileSync(join(out, 'deferred.txt'), 'utf8'), 'zone=blue secret=s3cret\n');
  assert.equal(readFileSync(join(out, 'conf/sub/y.conf'), 'utf8'), 'y = 2\n');
  assert.ok(existsSync(join(out, 'conf/x.conf')));
  const facts = await master!.storage.getFacts('agent1.test') as Record<string, unknown>;
  assert.equal(facts.site_role, 'web');
  assert.equal(facts.site_zone, 'blue', 'the module\'s external fact came by pluginfacts');
  const reports = await master!.storage.listReports('agent1.test');
  assert.equal(reports.length, 1);

  const quiet = await agent('agent1.test');
  assert.equal(quiet.code, 0, quiet.output);
  assert.deepEqual(errors(quiet.output), [], quiet.output);

  writeFileSync(join(out, 'from_module.txt'), 'changed by hand\n');
  const noop = await agent('agent1.test', '--noop');
  assert.match(noop.output, /current_value '\{sha256\}[0-9a-f]+', should be '\{sha256\}[0-9a-f]+' \(noop\)/);
  assert.equal(readFileSync(join(out, 'from_module.txt'), 'utf8'), 'changed by hand\n');
  assert.deepEqual(errors(noop.output), [], noop.output);
});

test('the classifier\'s environment wins: the agent switches to it and gets its code', async (t) => {
  if (!needs(t, !reason, reason ?? '')) return;
  await agent('staged.test');
  assert.equal((await kasperCa('sign', 'staged.test')).code, 0);
  const run = await agent('staged.test');
  assert.equal(run.code, 2, run.output);
  assert.match(run.output, /Using environment 'staging'/);
  assert.equal(readFileSync(join(site.out, 'staging.txt'), 'utf8'), 'staging for staged.test\n');
});

test('a revoked agent is refused with a readable message', async (t) => {
  if (!needs(t, !reason, reason ?? '')) return;
  assert.equal((await kasperCa('revoke', 'agent1.test')).code, 0);
  const run = await agent('agent1.test');
  assert.notEqual(run.code, 0);
  assert.match(run.output, /revoked/i, run.output);
});

/** A recorded exchange without this machine's particulars: temporary folders become WORK. */
function scrub(e: Exchange): Exchange {
  const s = (text: string) => text.split(work).join('WORK');
  return { ...e, url: s(e.url), requestBody: s(e.requestBody), responseBody: s(e.responseBody) };
}
